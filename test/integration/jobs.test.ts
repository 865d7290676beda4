// The jobs sidebar (issue 7) in the real VS Code against the local API, its clock driven by the tests: jobs appear
// and move through their states in the tree, events and checkpoints fill in, pause/resume/cancel (with the modal
// confirmation clicked), one notification per job end, the metrics chart's points, and polling that stops when no
// job is active (requests counted on the local API).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FineTuningJob } from '../../src/api/types';
import type { JobsApi } from '../../src/jobs/register';
// types only: the extension's classes are not the test bundle's (instanceof would not match)
import type { JobNode, JobsNode } from '../../src/jobs/nodes';
import { connect, type Connected } from './apiFixture';
import { fixtureUri, JOBS_PANE, runnerRequest, screenshot, sleep, testName, waitFor, waitForJobsView } from './helpers';

const waitForView = (re: RegExp, what: string, timeoutMs?: number) => waitForJobsView(re, what, 'jobs', timeoutMs);

const MODEL = 'gpt-4o-mini-2024-07-18';

async function count(selector: string, webview = false): Promise<number | undefined> {
  try {
    const r = await runnerRequest({ type: 'count', selector, webview });
    return r === undefined ? undefined : Number(r.value);
  } catch {
    return 0;
  }
}

describe('Jobs view', function () {
  this.timeout(240_000);
  let c: Connected;
  let jobs: JobsApi;

  async function start(args: Record<string, unknown> = {}): Promise<FineTuningJob> {
    const job = await vscode.commands.executeCommand<FineTuningJob | undefined>('tuneline.startTraining', {
      trainingFile: fixtureUri('datasets', 'good.jsonl'),
      model: MODEL,
      confirm: 'none',
      ifProblems: 'upload',
      ...args,
    });
    assert.ok(job, 'startTraining resolved with the job');
    return job;
  }

  const status = (id: string) => jobs.model.get(id)?.job.status as string | undefined;
  async function waitStatus(id: string, want: string, timeoutMs = 20_000): Promise<void> {
    await waitFor(() => status(id) === want, `${id} to be ${want} in the model (is ${status(id)})`, timeoutMs);
  }
  const noticesOf = (id: string) => jobs.notifier.notices.filter((n) => n.jobId === id);

  async function reveal(node: JobsNode, expand: boolean | number = true): Promise<void> {
    await jobs.tree.reveal(node, expand);
  }

  /** Expands the job and its Events and Checkpoints nodes, as a person clicking them would. */
  async function expandJob(id: string): Promise<JobNode> {
    const node = await waitFor(() => jobs.tree.jobNode(id), `the node of ${id}`);
    await reveal(node);
    const groups = node.children().filter((k) => k.kind === 'events' || k.kind === 'checkpoints');
    await waitFor(
      async () => {
        for (const k of groups) await reveal(k, true);
        // VS Code asked for the groups' children (which loads them) once they are expanded
        return groups.length === 2 && groups.every((k) => (k.kind === 'events' ? jobs.model.get(id)?.events : jobs.model.get(id)?.checkpoints));
      },
      'the Events and Checkpoints nodes to expand',
    );
    return node;
  }

  before(async function () {
    c = await connect('openai');
    jobs = c.t.jobs;
    jobs.setPollTiming({ initialMs: 250, maxMs: 1_000 });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('tuneline.jobs.focus');
    await jobs.model.refresh();
  });

  after(async function () {
    jobs?.setPollTiming(undefined);
    await vscode.workspace.getConfiguration('tuneline').update('jobs.notifications', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await c?.close();
  });

  afterEach(async () => {
    // every job of a test runs to its end (a paused one is cancelled), so the next one starts idle
    const client = await c.t.connection.provider.getClient();
    for (const j of c.api.state.jobs.values()) if (j.status === 'paused') await client.cancelJob(j.id).catch(() => undefined);
    await vscode.commands.executeCommand('workbench.actions.treeView.tuneline.jobs.collapseAll');
    c.api.clock.runAll();
    await waitFor(() => jobs.model.jobs.every((e) => ['succeeded', 'failed', 'cancelled'].includes(e.job.status)), 'every job to end in the model', 20_000).catch(() => undefined);
  });

  it('shows the "no jobs" welcome when the service has none', async function () {
    assert.equal(jobs.model.state.kind, 'ready');
    assert.equal(jobs.model.jobs.length, 0);
    await waitForView(/No fine-tuning jobs yet/, 'the no-jobs welcome');
    if (process.env.TUNELINE_TEST_ACK_DIR) assert.equal(await count(`${JOBS_PANE} .welcome-view-content a:has-text("Start Training")`), 1, 'the welcome has the Start Training button');
    await screenshot(testName(this));
  });

  it('a started job appears, moves through its states, fills in events and checkpoints, and is announced once', async function () {
    const job = await start({ suffix: 'jobs-view' });
    // it appears at once (onDidCreateJob), before any poll
    await waitFor(() => jobs.tree.jobNode(job.id), 'the job in the tree');
    assert.equal(jobs.model.jobs[0]?.job.id, job.id, 'newest first');
    await waitForView(/jobs-view · gpt-4o-mini-2024-07-18/, 'the job row (suffix · model)');
    const seen: string[] = [];
    const sub = jobs.model.onDidChangeStatus((e) => e.job.id === job.id && seen.push(e.job.status));
    try {
      c.api.clock.advance(3_500);
      await waitStatus(job.id, 'queued');
      await waitForView(/Queued/, 'Queued in the tree');
      c.api.clock.advance(4_000);
      await waitStatus(job.id, 'running');
      c.api.clock.advance(20_000);
      await waitFor(() => (jobs.model.get(job.id)?.progress?.step ?? 0) > 0, 'progress from the metrics events');
      const entry = jobs.model.get(job.id)!;
      const item = jobs.tree.jobNode(job.id)!.treeItem();
      assert.match(String(item.description), /^Running step \d+\/\d+ \(\d+%\)/);
      assert.match(String(item.contextValue), /^job:running:canCancel:canPause/);
      assert.doesNotMatch(String(item.contextValue), /canResume|hasModel/);
      assert.equal((item.iconPath as vscode.ThemeIcon).id, 'sync~spin');
      await expandJob(job.id);
      await waitFor(() => (jobs.model.get(job.id)?.checkpoints?.items.length ?? 0) >= 1, `a checkpoint after the first epoch (server: ${c.api.state.jobs.get(job.id)!.checkpoints.length}, step ${c.api.state.jobs.get(job.id)!.run.step})`);
      // (each poll refreshes the running job's node; VS Code may fold its groups again then, so the expanded rows are
      // checked below, once the job has ended and nothing refreshes)
      await waitForView(/Running step \d+\/180 \(\d+%\)/, 'the running job with its progress');
      await screenshot(`${testName(this)}-running`, 300);
      assert.ok(entry.events!.items.some((e) => e.type === 'metrics'), 'metrics events listed');
      // events are paged (newest first): "Load more" reaches the oldest ones
      for (let i = 0; i < 20 && !entry.events!.items.some((e) => e.message.startsWith('Fine-tuning job started')); i++) {
        assert.equal(entry.events!.hasMore, true, 'more events to load');
        await jobs.model.loadMoreEvents(job.id);
      }
      assert.ok(entry.events!.items.some((e) => e.message.startsWith('Fine-tuning job started')), 'the oldest events after "Load more"');
      assert.equal(new Set(entry.events!.items.map((e) => e.id)).size, entry.events!.items.length, 'no event twice');

      c.api.clock.advance(40_000);
      await waitStatus(job.id, 'succeeded');
      assert.deepEqual(seen, ['queued', 'running', 'succeeded']);
      const done = jobs.model.get(job.id)!;
      const server = c.api.state.jobs.get(job.id)!;
      assert.ok(done.job.fine_tuned_model, 'the model id is known');
      await waitFor(() => done.checkpoints?.items.length === server.checkpoints.length, `all ${server.checkpoints.length} checkpoints`);
      await waitFor(() => done.events?.items[0]?.message === 'The job has successfully completed', 'the last event');
      const finished = jobs.tree.jobNode(job.id)!.treeItem();
      assert.match(String(finished.contextValue), /^job:succeeded:hasModel/);
      assert.doesNotMatch(String(finished.contextValue), /canCancel|canPause|canResume/);
      const kids = jobs.tree.jobNode(job.id)!.children().map((k) => k.kind);
      assert.deepEqual(kids, ['modelId', 'events', 'checkpoints', 'files']);
      // the expanded events (25 rows) push the job row out of the rendered rows: fold everything first
      await vscode.commands.executeCommand('workbench.actions.treeView.tuneline.jobs.collapseAll');
      await reveal(jobs.tree.jobNode(job.id)!);
      await waitForView(new RegExp(`Succeeded[\\s\\S]*${done.job.fine_tuned_model!.replace(/[.:]/g, '\\$&')}`), 'Succeeded and the model id in the tree');
      // nothing is active now, so nothing refreshes the tree: expand the groups and look at the rows
      await waitFor(() => !jobs.model.isPolling, 'polling to stop');
      await vscode.commands.executeCommand('workbench.actions.treeView.tuneline.jobs.collapseAll');
      const jobNode = jobs.tree.jobNode(job.id)!;
      await reveal(jobNode);
      const groups = jobNode.children();
      // the checkpoints first (the 25 events would push them out of the rendered rows), then the events
      await reveal(groups.find((k) => k.kind === 'checkpoints')!);
      await waitForView(/Checkpoints\s*3\s*Step 180\s*train loss \d[\s\S]*Step 120\s*train loss \d[\s\S]*Step 60\s*train loss \d/, 'the checkpoint rows in the tree, newest first');
      await screenshot(`${testName(this)}-checkpoints`, 300);
      await reveal(groups.find((k) => k.kind === 'events')!);
      await waitForView(/Events\s*25\+\s*The job has successfully completed/, 'the newest event first in the tree');

      // announced exactly once, with "Open in Playground"
      await waitFor(() => noticesOf(job.id).length === 1, 'the notification');
      await sleep(1_500);
      assert.equal(noticesOf(job.id).length, 1, 'one notification only');
      const n = noticesOf(job.id)[0]!;
      assert.equal(n.status, 'succeeded');
      assert.match(n.message, new RegExp(`succeeded: ${done.job.fine_tuned_model!.replace(/[.:]/g, '\\$&')}`));
      assert.deepEqual(n.actions, ['Open in Playground', 'Copy Model Id']);
      await screenshot(`${testName(this)}-succeeded`, 600);

      // copy model id and the job JSON (read-only document)
      assert.equal(await vscode.commands.executeCommand('tuneline.jobs.copyModelId', jobs.tree.jobNode(job.id)), done.job.fine_tuned_model);
      assert.equal(await vscode.env.clipboard.readText(), done.job.fine_tuned_model);
      const editor = await vscode.commands.executeCommand<vscode.TextEditor>('tuneline.jobs.showJson', job.id);
      assert.equal(editor.document.languageId, 'json');
      assert.equal(editor.document.uri.scheme, 'tuneline-job');
      assert.equal((JSON.parse(editor.document.getText()) as FineTuningJob).status, 'succeeded');
      // the result file opens as CSV
      const csv = await vscode.commands.executeCommand<vscode.TextEditor>('tuneline.jobs.openResultFile', job.id);
      assert.match(csv.document.getText(), /^step,train_loss,train_accuracy/);
      assert.equal(csv.document.lineCount - 2, server.metrics.length, 'one row per step');
    } finally {
      sub.dispose();
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  it('pause, resume and cancel (after its confirmation) change the job and its actions', async function () {
    const job = await start({ suffix: 'pausable' });
    c.api.clock.advance(3_500 + 4_000 + 5_000);
    await waitStatus(job.id, 'running');
    const paused = await vscode.commands.executeCommand<FineTuningJob>('tuneline.jobs.pause', jobs.tree.jobNode(job.id));
    assert.equal(paused?.status, 'paused');
    assert.equal(c.api.state.jobs.get(job.id)!.status, 'paused');
    assert.match(String(jobs.tree.jobNode(job.id)!.treeItem().contextValue), /^job:paused:canCancel:canResume/);
    await waitForView(/Paused/, 'Paused in the tree');
    // a paused job stays paused while the clock moves
    c.api.clock.advance(60_000);
    await sleep(700);
    assert.equal(status(job.id), 'paused');
    const resumed = await vscode.commands.executeCommand<FineTuningJob>('tuneline.jobs.resume', job.id);
    assert.equal(resumed?.status, 'running');
    assert.match(String(jobs.tree.jobNode(job.id)!.treeItem().contextValue), /^job:running:canCancel:canPause/);

    // cancel asks first (VS Code refuses modal dialogs in tests: the test answers the question): "no" keeps the job
    const asked: string[] = [];
    jobs.setCancelConfirmation(async (id) => {
      asked.push(id);
      return asked.length > 1;
    });
    try {
      assert.equal(await vscode.commands.executeCommand('tuneline.jobs.cancel', jobs.tree.jobNode(job.id)), undefined);
      assert.deepEqual(asked, [job.id]);
      await sleep(500);
      assert.equal(c.api.state.jobs.get(job.id)!.status, 'running', 'not cancelled when the user says no');
      const cancelled = await vscode.commands.executeCommand<FineTuningJob | undefined>('tuneline.jobs.cancel', job.id);
      assert.deepEqual(asked, [job.id, job.id]);
      assert.equal(cancelled?.status, 'cancelled');
      assert.equal(c.api.state.jobs.get(job.id)!.status, 'cancelled');
    } finally {
      jobs.setCancelConfirmation(undefined);
    }
    await waitStatus(job.id, 'cancelled');
    assert.match(String(jobs.tree.jobNode(job.id)!.treeItem().contextValue), /^job:cancelled/);
    assert.doesNotMatch(String(jobs.tree.jobNode(job.id)!.treeItem().contextValue), /canCancel|canPause|canResume/);
    await waitFor(() => noticesOf(job.id).length === 1, 'the cancelled notification');
    assert.match(noticesOf(job.id)[0]!.message, /was cancelled/);
    await sleep(1_000);
    assert.equal(noticesOf(job.id).length, 1, 'one notification only');
    const events = jobs.model.get(job.id)!.events!.items.map((e) => e.message);
    assert.ok(events.includes('Fine-tuning job cancelled'), 'the cancel event is listed');
    assert.ok(events.some((m) => /paused at step \d+/.test(m)) && events.some((m) => /resumed at step \d+/.test(m)), 'pause and resume events');
  });

  it('a failed job is announced with the dataset line the error names', async function () {
    const uri = fixtureUri('datasets', 'jobs-bad-example.jsonl');
    const job = await start({ trainingFile: uri, suffix: 'broken' });
    c.api.clock.advance(3_500);
    await waitStatus(job.id, 'failed');
    await waitFor(() => noticesOf(job.id).length === 1, 'the failed notification');
    const n = noticesOf(job.id)[0]!;
    // Example 6 is the 8th line: two blank lines come before it
    assert.match(n.message, /failed: Invalid file format\. Example 6: .*\(Example 6 is line 8 of datasets\/jobs-bad-example\.jsonl\.\)/);
    assert.deepEqual(n.actions, ['Open Line', 'Show Job']);
    const where = await jobs.notifier.locate(jobs.model.get(job.id)!.job);
    assert.equal(where?.line, 7);
    assert.equal(where?.uri.toString(), uri.toString());
    const node = jobs.tree.jobNode(job.id)!;
    assert.equal((node.treeItem().iconPath as vscode.ThemeIcon).id, 'error');
    assert.ok(node.children().some((k) => k.kind === 'message'), 'the error is a child of the job');
    await waitForView(/Failed/, 'Failed in the tree');
  });

  it('the metrics panel charts every step, live while the job runs, with the checkpoints marked', async function () {
    const job = await start({ suffix: 'metrics', validationFile: fixtureUri('datasets', 'good.jsonl') });
    c.api.clock.advance(3_500 + 4_000 + 15_000);
    await waitStatus(job.id, 'running');
    const panel = await vscode.commands.executeCommand<{ view?: { points: unknown[] } } & { onDidUpdate: vscode.Event<unknown> }>('tuneline.jobs.showMetrics', job.id);
    const server = () => c.api.state.jobs.get(job.id)!;
    await waitFor(() => panel.view && panel.view.points.length === server().metrics.length && server().metrics.length > 0, 'the panel to have every step so far');
    const early = panel.view!.points.length;
    if (process.env.TUNELINE_TEST_ACK_DIR) {
      await waitFor(async () => (await count(`#chart-loss[data-points="${early}"]`, true)) === 1, `the loss chart to draw ${early} points`);
    }
    // live: the clock moves, the chart follows
    c.api.clock.advance(15_000);
    await waitFor(() => panel.view!.points.length === server().metrics.length && server().metrics.length > early, 'new points while the job runs', 20_000);
    c.api.clock.advance(30_000);
    await waitStatus(job.id, 'succeeded');
    const v = await waitFor(
      () => {
        const view = panel.view as unknown as { points: Array<{ step: number; trainLoss?: number; validLoss?: number; trainAccuracy?: number; validAccuracy?: number }>; checkpoints: Array<{ step: number }>; source: string; live: boolean } | undefined;
        return view && view.source === 'result-file' && !view.live ? view : undefined;
      },
      'the final view from the result file',
    );
    const metrics = server().metrics;
    assert.equal(v.points.length, metrics.length);
    assert.deepEqual(v.points.map((p) => p.step), metrics.map((m) => m.step));
    assert.deepEqual(v.points.map((p) => p.trainLoss), metrics.map((m) => m.train_loss));
    assert.deepEqual(v.points.map((p) => p.validLoss), metrics.map((m) => m.valid_loss));
    assert.deepEqual(v.points.map((p) => p.trainAccuracy), metrics.map((m) => m.train_accuracy));
    assert.deepEqual(v.checkpoints.map((k) => k.step).sort((a, b) => a - b), server().checkpoints.map((k) => k.step_number).sort((a, b) => a - b));
    if (process.env.TUNELINE_TEST_ACK_DIR) {
      const n = metrics.length;
      await waitFor(async () => (await count(`#chart-loss[data-points="${n}"]`, true)) === 1, `the loss chart to draw ${n} points`);
      assert.equal(await count(`#chart-accuracy[data-points="${n}"]`, true), 1, 'the accuracy chart has every point');
      assert.equal(await count(`#chart-loss[data-checkpoints="${server().checkpoints.length}"]`, true), 1, 'checkpoints marked');
      assert.equal(await count('.uplot canvas', true), 2, 'two uPlot charts');
      assert.equal(await count('.checkpoint-table tbody tr', true), server().checkpoints.length);
      assert.equal(await count('#status.status-succeeded', true), 1);
      await screenshot(testName(this), 1000);
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('polls while a job is active and stops when none is (requests counted)', async function () {
    const listOp = { operation: '/fine_tuning/jobs' };
    // idle: every job has ended
    c.api.clock.runAll();
    await waitFor(() => jobs.model.jobs.every((e) => ['succeeded', 'failed', 'cancelled'].includes(e.job.status)), 'every job to have ended');
    await waitFor(() => !jobs.model.isPolling, 'polling to stop');
    c.api.requests.clear();
    await sleep(3_000);
    const idle = c.api.requests.count({});
    assert.equal(idle, 0, `no request while no job is active (got ${idle})`);

    // active: polls come (fast test timing: 250 ms → 1 s)
    const job = await start({ suffix: 'polling' });
    c.api.requests.clear();
    await sleep(3_000);
    const active = c.api.requests.count(listOp);
    assert.ok(active >= 2, `the job list was polled while a job is active (${active} times in 3 s)`);
    // backoff: nothing changes while the clock stands still, so the delay grows to the maximum
    await waitFor(() => jobs.model.pollDelay === 1_000, 'the backoff to reach its maximum');

    // the job ends: one last poll sees it, then nothing
    c.api.clock.runAll();
    await waitStatus(job.id, 'succeeded');
    await waitFor(() => !jobs.model.isPolling, 'polling to stop after the job ended');
    c.api.requests.clear();
    await sleep(3_000);
    assert.equal(c.api.requests.count({}), 0, 'no request after the last job ended');
    c.t.log.info(`Jobs test: requests in 3 s: idle ${idle}, active ${active} (job list), after the end ${c.api.requests.count({})}`);

    // hidden view: a job started elsewhere (not through Tuneline) is active, yet nothing is polled until the view shows
    await vscode.commands.executeCommand('workbench.view.explorer');
    await waitFor(() => !jobs.tree.view.visible, 'the jobs view to be hidden');
    const client = await c.t.connection.provider.getClient();
    const outside = await client.createJob({ model: MODEL, training_file: job.training_file, suffix: 'outside' });
    c.api.requests.clear();
    await sleep(2_500);
    assert.equal(c.api.requests.count({}), 0, 'no request while the view is hidden');
    await vscode.commands.executeCommand('tuneline.jobs.focus');
    await waitFor(() => jobs.tree.view.visible, 'the jobs view to be visible again');
    await vscode.commands.executeCommand('tuneline.jobs.refresh');
    await waitFor(() => jobs.model.get(outside.id), 'the outside job in the list');
    c.api.requests.clear();
    await sleep(2_000);
    assert.ok(c.api.requests.count(listOp) >= 1, 'polling again once the view shows an active job');
    c.api.clock.runAll();
    await waitStatus(outside.id, 'succeeded');
    assert.equal(noticesOf(outside.id).length, 0, 'no notification for a job started elsewhere');
  });

  it('with notifications off, a job that ends is not announced', async function () {
    await vscode.workspace.getConfiguration('tuneline').update('jobs.notifications', false, vscode.ConfigurationTarget.Global);
    try {
      const job = await start({ suffix: 'quiet' });
      c.api.clock.runAll();
      await waitStatus(job.id, 'succeeded');
      await sleep(1_000);
      assert.equal(noticesOf(job.id).length, 0);
    } finally {
      await vscode.workspace.getConfiguration('tuneline').update('jobs.notifications', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('a watched job the service no longer knows stops being watched and does not hold up the others', async function () {
    const gone = await start({ suffix: 'gone' });
    assert.ok(jobs.model.isWatched(gone.id), 'a started job is watched');
    // the service forgets it (deleted, or it belonged to the endpoint used before): reading it answers 404
    c.api.state.jobs.delete(gone.id);
    const job = await start({ suffix: 'after-gone' });
    c.api.clock.runAll();
    await jobs.model.refresh();
    await waitStatus(job.id, 'succeeded');
    await waitFor(() => !jobs.model.isWatched(gone.id) && !jobs.model.get(gone.id), `${gone.id} to be no longer watched nor listed`);
    assert.ok(noticesOf(job.id).some((n) => /succeeded/.test(n.message)), 'the other job\'s end is announced');
  });

  it('pages the job list with a "Load more" node', async function () {
    // 25 jobs on the service: the first page holds 20
    const before = jobs.model.jobs.length;
    const created: string[] = [];
    const client = await c.t.connection.provider.getClient();
    const fileId = jobs.model.jobs[0]!.job.training_file;
    for (let i = before; i < 25; i++) created.push((await client.createJob({ model: MODEL, training_file: fileId, suffix: `page-${i}` })).id);
    c.api.clock.runAll();
    // a fresh load (as after a key change): the first page, then "Load more"
    jobs.model.reset();
    await jobs.model.ensureLoaded();
    assert.equal(jobs.model.jobs.length, 20);
    // "My fine-tuned models" first (issue 18), then the first page, then "Load more"
    const roots = await jobs.tree.getChildren();
    assert.deepEqual(roots.map((r) => r.kind), ['fineTunedGroup', ...Array<string>(20).fill('job'), 'loadMore']);
    await vscode.commands.executeCommand('tuneline.jobs.loadMore', roots[21]);
    await waitFor(() => jobs.model.jobs.length === c.api.state.jobs.size, 'every job after "Load more"');
    const ids = jobs.model.jobs.map((e) => e.job.id);
    assert.deepEqual(ids, [...c.api.state.jobs.keys()].reverse(), 'newest first, no duplicates');
    assert.equal((await jobs.tree.getChildren()).some((r) => r.kind === 'loadMore'), false);
  });
});
