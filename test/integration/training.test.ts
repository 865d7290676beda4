import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { connect, type Connected } from './apiFixture';
import { fixtureUri, runnerRequest, screenshot, sleep, testName, waitFor } from './helpers';

interface Job {
  id: string;
  status: string;
  model: string;
  training_file: string;
  validation_file: string | null;
  method?: { type: string; supervised?: { hyperparameters?: Record<string, unknown> }; dpo?: unknown; reinforcement?: { grader?: unknown } };
  suffix?: string | null;
  seed: number;
}

const start = (args: object) => vscode.commands.executeCommand<Job | undefined>('tuneline.startTraining', args);
const jobPosts = (c: Connected) => c.api.requests.count({ method: 'POST', path: '^/fine_tuning/jobs$' });

for (const flavour of ['openai', 'azure'] as const) {
  describe(`Start training (${flavour})`, function () {
    this.timeout(90_000);
    let c: Connected;
    beforeEach(async () => {
      c = await connect(flavour);
    });
    afterEach(async () => {
      c.t.connection.setWizardListener(undefined);
      await c.close();
    });

    it('supervised: uploads the file, starts the job with the values given, and fires the event', async () => {
      const events: string[] = [];
      const sub = c.t.connection.onDidCreateJob((e) => events.push(e.job.id));
      try {
        const job = await start({
          trainingFile: fixtureUri('datasets', 'good.jsonl'),
          model: 'gpt-4o-mini-2024-07-18',
          method: 'supervised',
          hyperparameters: { n_epochs: 2, batch_size: 'auto' },
          suffix: 'clara-v1',
          seed: 42,
          ifProblems: 'stop',
        });
        assert.ok(job, 'the job is returned');
        assert.equal(job.status, 'validating_files');
        assert.equal(job.method?.type, 'supervised');
        assert.equal(job.method?.supervised?.hyperparameters?.['n_epochs'], 2);
        assert.equal(job.seed, 42);
        assert.match(job.model, /gpt-4o-mini/);
        assert.ok(c.api.state.jobs.get(job.id), 'the job is on the service');
        assert.ok(c.api.state.files.get(job.training_file), 'its training file was uploaded');
        assert.deepEqual(events, [job.id], 'onDidCreateJob fired once');
        assert.ok(c.t.connection.notifications().some((m) => m.includes(job.id)), 'the job id is shown');
        // The job then runs on the service to its end.
        c.api.clock.advance(120_000);
        assert.equal(c.api.state.jobs.get(job.id)?.status, 'succeeded');
      } finally {
        sub.dispose();
      }
    });

    it('dpo with an uploaded file id and a validation file', async () => {
      const up = await vscode.commands.executeCommand<{ fileId: string }>('tuneline.uploadFile', fixtureUri('datasets', 'dpo.jsonl'), { ifProblems: 'stop', quiet: true });
      assert.ok(up);
      const job = await start({
        trainingFile: up.fileId,
        validationFile: fixtureUri('datasets', 'dpo.jsonl'),
        model: 'gpt-4.1-mini-2025-04-14',
        method: 'dpo',
        hyperparameters: { beta: 0.2 },
        ifProblems: 'stop',
      });
      assert.ok(job);
      assert.equal(job.method?.type, 'dpo');
      assert.equal(job.training_file, up.fileId);
      assert.equal(job.validation_file, up.fileId, 'same bytes: the uploaded file is reused for validation');
      assert.equal(c.api.requests.count({ method: 'POST', path: '^/files$' }), 1);
    });

    it('reinforcement with a grader file checked by the engine; a broken grader stops before sending', async () => {
      const bad = await start({
        trainingFile: fixtureUri('datasets', 'rft.jsonl'),
        model: 'o4-mini-2025-04-16',
        method: 'reinforcement',
        grader: fixtureUri('graders', 'broken-grader.json'),
        ifProblems: 'stop',
      });
      assert.equal(bad, undefined);
      assert.equal(jobPosts(c), 0, 'nothing sent with a broken grader');
      assert.ok(c.lines.some((l) => /The grader has 1 error/.test(l)));

      if (flavour === 'azure') {
        // Azure's rule (reinforcement-fine-tuning.md: "Both a training and a validation dataset must be provided"),
        // from its adapter: refused before anything is sent.
        const noValidation = await start({
          trainingFile: fixtureUri('datasets', 'rft.jsonl'),
          model: 'o4-mini-2025-04-16',
          method: 'reinforcement',
          grader: fixtureUri('graders', 'exact-answer.json'),
          ifProblems: 'stop',
        });
        assert.equal(noValidation, undefined);
        assert.equal(jobPosts(c), 0, 'nothing sent without the validation file Azure requires');
        assert.ok(c.lines.some((l) => /needs a validation file for Reinforcement/.test(l)));
      }
      const job = await start({
        trainingFile: fixtureUri('datasets', 'rft.jsonl'),
        ...(flavour === 'azure' ? { validationFile: fixtureUri('datasets', 'rft.jsonl') } : {}),
        model: 'o4-mini-2025-04-16',
        method: 'reinforcement',
        grader: fixtureUri('graders', 'exact-answer.json'),
        hyperparameters: { reasoning_effort: 'low', eval_interval: 2 },
        ifProblems: 'stop',
      });
      assert.ok(job, c.lines.slice(-6).join('\n'));
      assert.equal(job.method?.type, 'reinforcement');
      assert.deepEqual((job.method?.reinforcement?.grader as { type?: string }).type, 'string_check');
    });

    it('refuses hyperparameters outside the documented ranges without sending anything', async () => {
      const r = await start({ trainingFile: fixtureUri('datasets', 'good.jsonl'), model: 'gpt-4o-mini-2024-07-18', hyperparameters: { n_epochs: 51 }, ifProblems: 'stop' });
      assert.equal(r, undefined);
      assert.equal(jobPosts(c), 0);
      assert.ok(c.lines.some((l) => /n_epochs is "auto" or an integer from 1 to 50/.test(l)));
    });

    it('a 500 then success while creating the job: one job', async () => {
      c.api.faults.add({ kind: 'error', status: 500, method: 'POST', path: '^/fine_tuning/jobs$', count: 1 });
      const job = await start({ trainingFile: fixtureUri('datasets', 'good.jsonl'), model: 'gpt-4o-mini-2024-07-18', ifProblems: 'stop' });
      assert.ok(job);
      assert.equal(jobPosts(c), 2);
      assert.equal(c.api.state.jobs.size, 1);
    });

    it('a dropped answer to the job request is not repeated, and says the job may exist', async () => {
      c.api.faults.add({ kind: 'drop-body', method: 'POST', path: '^/fine_tuning/jobs$', count: 1 });
      const r = await start({ trainingFile: fixtureUri('datasets', 'good.jsonl'), model: 'gpt-4o-mini-2024-07-18', ifProblems: 'stop' });
      assert.equal(r, undefined);
      assert.equal(jobPosts(c), 1, 'not sent twice');
      assert.equal(c.api.state.jobs.size, 1, 'the service did create it');
      assert.ok(c.lines.some((l) => /the job may have been created: check the jobs list/.test(l)), 'announced');
    });

    it('shows the summary with the estimated cost and starts only on "Start training"', async function () {
      const steps: string[] = [];
      c.t.connection.setWizardListener((s) => steps.push(s));
      const pending = start({
        trainingFile: fixtureUri('datasets', 'good.jsonl'),
        model: 'gpt-4o-mini-2024-07-18',
        method: 'supervised',
        suffix: 'summary-shot',
        confirm: 'summary',
        ifProblems: 'stop',
      });
      await waitFor(() => steps.includes('summary'), 'the summary');
      const text = await runnerRequest({ type: 'text', selector: '.quick-input-widget .quick-input-list' });
      if (text) {
        // OpenAI: a dollar figure. Azure publishes training prices only per region and currency, so Tuneline says so
        // instead of showing OpenAI's price (the Azure profile's priceMissing, issue 17).
        const costLine = flavour === 'openai' ? /Estimated cost: \$\d/ : /Estimated cost: no published price[\s\S]*Azure/;
        await waitFor(async () => costLine.test(String((await runnerRequest({ type: 'text', selector: '.quick-input-widget .quick-input-list' }))?.value)), 'the cost line', 45_000); // exact token counts run on worker threads: slow on a loaded machine
      } else {
        await sleep(1500);
      }
      await screenshot(testName(this));
      assert.equal(jobPosts(c), 0, 'nothing sent before confirming');
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      const job = await pending;
      assert.ok(job, 'started after confirming');
      assert.equal(c.api.state.jobs.get(job.id)?.suffix, 'summary-shot', 'the summary sent what it showed');
      assert.equal(jobPosts(c), 1);
    });

    it('the quick pick goes back a step with the Back button', async () => {
      const steps: string[] = [];
      c.t.connection.setWizardListener((s) => steps.push(s));
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(fixtureUri('datasets', 'good.jsonl')));
      const pending = vscode.commands.executeCommand('tuneline.startTraining');
      await waitFor(() => steps.length === 1, 'the first step');
      // The file list loads (workspace files, uploaded files); accepting before there is an item does nothing.
      await waitFor(async () => {
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        await sleep(300);
        return steps.length === 2;
      }, 'the second step');
      assert.deepEqual(steps, ['training', 'validation']);
      await vscode.commands.executeCommand('workbench.action.quickInputBack');
      await waitFor(() => steps.length === 3, 'back to the first step');
      assert.deepEqual(steps, ['training', 'validation', 'training']);
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      assert.equal(await pending, undefined, 'Escape cancels silently');
      assert.equal(jobPosts(c), 0);
    });
  });
}
