// Deploy from the jobs view (issue 16) in the real VS Code, against the local API's Azure flavour and its Azure
// Resource Manager routes: a succeeded job's model → Deploy (Developer) → the tree shows Creating, then Succeeded with
// the expiry → a chat request with the fine-tuned model id goes through the deployment → Delete Deployment (after the
// confirmation) removes it; an ARM error (wrong resource group) is shown in plain words with "Show log" and never the
// token; and on a provider without pause the Pause action is absent.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as fs from 'node:fs';
import type { FineTuningJob } from '../../src/api/types';
import { readResults } from '../../src/core/eval';
import type { JobsApi } from '../../src/jobs/register';
import type { JobsNode } from '../../src/jobs/nodes';
import { connect, type Connected } from './apiFixture';
import { fixtureUri, JOBS_PANE, jobsViewText as viewText, notificationText, runnerRequest, screenshot, sleep, testName, waitFor, waitForJobsView } from './helpers';

const waitForView = (re: RegExp, what: string, timeoutMs?: number) => waitForJobsView(re, what, 'deploy', timeoutMs);

/**
 * Reveals `node` (expanded) until the jobs view shows `re`: VS Code's reveal has been seen, under load, to leave a node
 * collapsed (JobsTree.reveal gives up on a reveal after 5 s), so it is asked again, at most three times.
 */
async function showInTree(jobs: JobsApi, node: JobsNode, re: RegExp, what: string): Promise<string | undefined> {
  for (let attempt = 1; ; attempt++) {
    await jobs.tree.reveal(node, 1);
    try {
      return await waitForView(re, what, 8_000);
    } catch (e) {
      if (attempt >= 3) throw e;
    }
  }
}

const hasRunner = () => !!process.env.TUNELINE_TEST_ACK_DIR;

async function count(selector: string): Promise<number | undefined> {
  if (!hasRunner()) return undefined;
  const r = await runnerRequest({ type: 'count', selector });
  return r === undefined ? undefined : Number(r.value);
}

async function startJob(model: string, suffix: string): Promise<FineTuningJob> {
  const job = await vscode.commands.executeCommand<FineTuningJob | undefined>('tuneline.startTraining', {
    trainingFile: fixtureUri('datasets', 'good.jsonl'),
    model,
    confirm: 'none',
    ifProblems: 'upload',
    suffix,
  });
  assert.ok(job, 'startTraining resolved with the job');
  return job;
}

describe('Deploy from the jobs view (Azure)', function () {
  this.timeout(240_000);
  let c: Connected;
  let jobs: JobsApi;
  let ftModel: string;
  let jobId: string;
  let release = false;

  before(async function () {
    c = await connect('azure');
    jobs = c.t.jobs;
    const arm = c.api.arm!;
    // the ARM endpoint is a user setting only (a workspace cannot redirect the Azure token), in both trust modes
    await vscode.workspace.getConfiguration('tuneline').update('azure.armEndpoint', arm.endpoint, vscode.ConfigurationTarget.Global);
    jobs.deployments.setCredential({ getToken: async () => ({ token: arm.token, expiresOnTimestamp: Date.now() + 3600_000 }) });
    jobs.deployments.pollIntervalMs = 150;
    // the local API's clock moves only once the test has seen "Creating" in the tree
    jobs.deployments.onPoll = () => {
      if (release) c.api.clock.advance(2_000);
    };
    await jobs.deployments.setAccount(undefined);
    jobs.setPollTiming({ initialMs: 250, maxMs: 1_000 });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('tuneline.jobs.focus');
    // a wider side bar, so the screenshots show the deployment's whole description (put back after): focus stays in
    // the editor area here, so it is the editor part that is narrowed
    for (let i = 0; i < 4; i++) await vscode.commands.executeCommand('workbench.action.decreaseViewWidth').then(undefined, () => undefined);
    await jobs.model.refresh();
    const job = await startJob('gpt-4.1-mini-2025-04-14', 'deployme');
    jobId = job.id;
    c.api.clock.runAll();
    await waitFor(() => jobs.model.get(job.id)?.job.status === 'succeeded', 'the job to succeed in the model', 30_000);
    ftModel = jobs.model.get(job.id)!.job.fine_tuned_model!;
    assert.ok(ftModel, 'a fine-tuned model');
  });

  after(async function () {
    jobs?.deployments.setCredential(undefined);
    if (jobs) {
      jobs.deployments.pollIntervalMs = 5_000;
      jobs.deployments.onPoll = undefined;
      await jobs.deployments.setAccount(undefined);
    }
    jobs?.setPollTiming(undefined);
    await vscode.workspace.getConfiguration('tuneline').update('azure.armEndpoint', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('notifications.clearAll');
    for (let i = 0; i < 4; i++) await vscode.commands.executeCommand('workbench.action.increaseViewWidth').then(undefined, () => undefined);
    await c?.close();
  });

  async function modelNode(): Promise<JobsNode> {
    const node = await waitFor(() => jobs.tree.jobNode(jobId), 'the job node');
    await jobs.tree.reveal(node, 1);
    const kid = node.children().find((k) => k.kind === 'modelId');
    assert.ok(kid, 'the job has a model node');
    return kid;
  }

  it('Deploy (Developer) shows Creating, then Succeeded with its expiry; chat goes through it; Delete Deployment removes it', async function () {
    const arm = c.api.arm!;
    const node = await modelNode();
    assert.equal(node.treeItem().contextValue, 'modelId:canDeploy', 'Deploy is offered on the Azure model node');
    if (hasRunner()) {
      // the person sees the Deploy… action on the model row
      await jobs.tree.reveal(node, false);
      assert.ok((await count(`${JOBS_PANE} .action-label[aria-label="Deploy…"]`))! >= 1, 'a Deploy… action in the tree');
    }
    release = false;
    const deploying = vscode.commands.executeCommand<{ name: string; state: string; expiresAt?: number } | undefined>('tuneline.jobs.deploy', node, {
      skuName: 'developertier',
      name: 'tl-dev',
      account: { subscriptionId: arm.subscriptionId, resourceGroup: arm.resourceGroup, account: arm.account },
    });
    await waitFor(() => jobs.deployments.forModel(ftModel).find((d) => d.name === 'tl-dev' && d.state === 'Creating'), 'the deployment to be Creating');
    assert.equal(arm.states()['tl-dev'], 'Creating');
    await showInTree(jobs, node, /tl-dev\s*Creating · Developer · expires in 24 h/, 'Creating in the tree');
    await screenshot(`${testName(this)}-creating`);
    release = true;
    const done = await deploying;
    assert.equal(done?.state, 'Succeeded');
    assert.equal(arm.states()['tl-dev'], 'Succeeded');
    assert.deepEqual(jobs.deployments.account(), { subscriptionId: arm.subscriptionId, resourceGroup: arm.resourceGroup, account: arm.account }, 'the resource is remembered');
    const dep = jobs.deployments.forModel(ftModel).find((d) => d.name === 'tl-dev')!;
    assert.equal(dep.skuName, 'developertier');
    assert.ok(dep.expiresAt && dep.createdAt && dep.expiresAt - dep.createdAt === 24 * 3600_000, 'Developer expiry = created + 24 h');
    const depNode = await waitFor(() => jobs.tree.deploymentNode('tl-dev'), 'the deployment node');
    assert.equal(depNode.treeItem().contextValue, 'deployment:Succeeded');
    const text = await showInTree(jobs, node, /tl-dev\s*Succeeded · Developer · expires in (24|23) h/, 'Succeeded with the expiry in the tree');
    if (text !== undefined) assert.match(text, new RegExp(ftModel.replace(/[.]/g, '\\.')));
    await screenshot(`${testName(this)}-succeeded`);
    // Change Azure Resource lists what is deployed there (ARM's list): the deployment is found again
    await jobs.deployments.setAccount(undefined);
    assert.equal(jobs.deployments.forModel(ftModel).length, 0);
    const lists = () => c.api.requests.count({ method: 'GET', path: /\/deployments\/?$/ });
    const listed = lists();
    await vscode.commands.executeCommand('tuneline.azure.changeResource', { subscriptionId: arm.subscriptionId, resourceGroup: arm.resourceGroup, account: arm.account });
    assert.equal(lists(), listed + 1, 'the deployments were listed from ARM');
    assert.deepEqual(jobs.deployments.forModel(ftModel).map((d) => `${d.name} ${d.state} ${d.skuName}`), ['tl-dev Succeeded developertier']);

    // the chat client reaches the fine-tuned model through the deployment (no tuneline.azure.deployments entry)
    assert.deepEqual(vscode.workspace.getConfiguration('tuneline').get('azure.deployments'), {});
    const client = await c.t.connection.provider.getClient();
    // (the Azure flavour answers a fine-tuned model only through a deployment: see after the delete)
    const reply = await client.chat({ model: ftModel, messages: [{ role: 'user', content: 'Hello' }] });
    assert.ok(reply.choices[0]?.message.content, 'the deployment answers');

    // Delete asks first ("no" keeps it), then removes it from Azure and the tree
    const asked: string[] = [];
    const original = jobs.deployments.confirm;
    jobs.deployments.confirm = async (name) => {
      asked.push(name);
      return asked.length > 1;
    };
    try {
      assert.equal(await vscode.commands.executeCommand('tuneline.jobs.deleteDeployment', depNode), false);
      assert.equal(arm.states()['tl-dev'], 'Succeeded', 'kept when the user says no');
      assert.equal(await vscode.commands.executeCommand('tuneline.jobs.deleteDeployment', depNode), true);
    } finally {
      jobs.deployments.confirm = original;
    }
    assert.deepEqual(asked, ['tl-dev', 'tl-dev']);
    assert.equal(arm.states()['tl-dev'], undefined, 'gone from Azure');
    assert.equal(jobs.deployments.forModel(ftModel).length, 0, 'gone from the tree');
    await waitFor(async () => !hasRunner() || !/tl-dev/.test((await viewText()) ?? 'tl-dev'), 'the deployment node to go');
    // with the deployment gone, the model id goes as it is, and Azure has no deployment of that name
    const gone = await client.chat({ model: ftModel, messages: [{ role: 'user', content: 'Hello' }] }).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.ok(gone, 'no chat without the deployment');
    assert.match(gone.message, /deployment/i);
    assert.ok(!c.lines.some((l) => l.includes(arm.token)), 'the ARM token is never logged');
  });

  it('end to end on an open model: gpt-oss-20b trained with Global succeeds, is deployed from the tree, answers in the playground, is evaluated, and its deployment is deleted', async function () {
    const arm = c.api.arm!;
    const job = await startJob('gpt-oss-20b', 'ossflow');
    assert.equal(c.api.state.jobs.get(job.id)?.trainingType, 'globalstandard', 'an open model trains with Global training');
    c.api.clock.runAll();
    await waitFor(() => jobs.model.get(job.id)?.job.status === 'succeeded', 'the gpt-oss-20b job to succeed', 30_000);
    const ft = jobs.model.get(job.id)!.job.fine_tuned_model!;
    assert.match(ft, /^gpt-oss-20b/);
    const jobNode = await waitFor(() => jobs.tree.jobNode(job.id), 'the job node');
    await jobs.tree.reveal(jobNode, 1);
    const node = jobNode.children().find((k) => k.kind === 'modelId');
    assert.ok(node, 'the job has a model node');
    assert.equal(node.treeItem().contextValue, 'modelId:canDeploy', 'Deploy is offered on the open model too');
    release = true;
    const done = await vscode.commands.executeCommand<{ name: string; state: string } | undefined>('tuneline.jobs.deploy', node, {
      skuName: 'GlobalStandard',
      name: 'tl-oss',
      account: { subscriptionId: arm.subscriptionId, resourceGroup: arm.resourceGroup, account: arm.account },
    });
    assert.equal(done?.state, 'Succeeded');
    assert.equal(arm.states()['tl-oss'], 'Succeeded');
    // the deployment shows under its model (expanded)
    await showInTree(jobs, node, /tl-oss\s*Succeeded · Global Standard/, 'the deployment in the tree');
    const depNode = await waitFor(() => jobs.tree.deploymentNode('tl-oss'), 'the deployment node');
    const chats = () => c.api.requests.count({ method: 'POST', path: /chat\/completions/ });

    // the playground: the fine-tuned model by its id, answered through the deployment
    if (hasRunner()) {
      const before = chats();
      await vscode.commands.executeCommand('tuneline.openPlayground', { models: [ft] });
      await waitFor(() => c.t.playground.session()?.models[0] === ft, 'the playground with the model');
      await runnerRequest({ type: 'fill', selector: '#input', text: 'What are your opening hours?', webview: true });
      await runnerRequest({ type: 'press', keys: ['Enter'] });
      const reply = await waitFor(
        () => {
          const s = c.t.playground.session();
          const r = s?.turns[0]?.replies[0];
          return s && !s.busy && r && r.status !== 'waiting' && r.status !== 'streaming' ? r : undefined;
        },
        'the reply in the playground',
        30_000,
      );
      assert.equal(reply.status, 'done', reply.error ?? '');
      assert.match(reply.text, /Monday to Friday/, 'the fine-tuned model answers from its training data');
      assert.ok(chats() > before, 'the chat went to the Azure endpoint');
      await screenshot(`${testName(this)}-playground`, 400);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }

    // evaluation on its training file: the fine-tuned model reproduces it
    const r = (await vscode.commands.executeCommand('tuneline.evaluateModel', { models: [ft], file: fixtureUri('datasets', 'good.jsonl'), batch: false, show: false })) as { status: string; file: string };
    assert.equal(r.status, 'completed');
    const results = readResults(fs.readFileSync(r.file, 'utf8'));
    const rows = results.rows.filter((x) => x.model === ft);
    assert.equal(rows.length, 60);
    assert.ok(rows.every((x) => !x.error), 'every reply came back');
    assert.ok(rows.filter((x) => x.scores?.exact === 1).length >= 30, 'most replies are the reference');
    fs.rmSync(r.file, { force: true });

    // Delete Deployment: gone from Azure and the tree; chat with the id alone no longer reaches the model
    const original = jobs.deployments.confirm;
    jobs.deployments.confirm = async () => true;
    try {
      assert.equal(await vscode.commands.executeCommand('tuneline.jobs.deleteDeployment', depNode), true);
    } finally {
      jobs.deployments.confirm = original;
    }
    assert.equal(arm.states()['tl-oss'], undefined, 'gone from Azure');
    assert.equal(jobs.deployments.forModel(ft).length, 0, 'gone from the tree');
    const client = await c.t.connection.provider.getClient();
    const gone = await client.chat({ model: ft, messages: [{ role: 'user', content: 'Hello' }] }).then(
      () => undefined,
      (e: Error) => e,
    );
    assert.match(gone?.message ?? '', /deployment/i);
  });

  it('an ARM error (wrong resource group) is shown in plain words with "Show log", without the token', async function () {
    const arm = c.api.arm!;
    await vscode.commands.executeCommand('notifications.clearAll');
    const node = await modelNode();
    const result = await vscode.commands.executeCommand('tuneline.jobs.deploy', node, {
      skuName: 'developertier',
      name: 'tl-wrong-rg',
      account: { subscriptionId: arm.subscriptionId, resourceGroup: 'no-such-group', account: arm.account },
    });
    assert.equal(result, undefined, 'the command failed (its error shown)');
    const logged = c.lines.filter((l) => /tuneline\.jobs\.deploy failed/.test(l)).join('\n');
    assert.match(logged, /resource group "no-such-group"/);
    assert.ok(!c.lines.some((l) => l.includes(arm.token)), 'no token in the log');
    assert.equal(arm.states()['tl-wrong-rg'], undefined);
    if (hasRunner()) {
      const t = String(await notificationText('could not deploy'));
      assert.match(t, /Tuneline could not deploy .* as "tl-wrong-rg"/);
      assert.match(t, /no-such-group/);
      assert.match(t, /Show log/);
      assert.ok(!t.includes(arm.token), 'no token on screen');
      // VS Code keeps a progress notification on screen a moment after its work ended
      await waitFor(async () => (await count('.notifications-toasts .notification-list-item:has-text("Deploying tl-wrong-rg")')) === 0, 'the progress notification to close', 10_000).catch(() => undefined);
      await screenshot(testName(this));
    }
    await vscode.commands.executeCommand('notifications.clearAll');
    await jobs.deployments.setAccount({ subscriptionId: arm.subscriptionId, resourceGroup: arm.resourceGroup, account: arm.account });
  });
});

describe('Jobs view actions follow the provider (no pause)', function () {
  this.timeout(120_000);
  let c: Connected;
  let jobs: JobsApi;

  before(async function () {
    c = await connect('openai');
    jobs = c.t.jobs;
    jobs.setPollTiming({ initialMs: 250, maxMs: 1_000 });
    await vscode.commands.executeCommand('tuneline.jobs.focus');
    await jobs.model.refresh();
  });

  after(async function () {
    jobs?.setAdapter(undefined);
    jobs?.setPollTiming(undefined);
    c?.api.clock.runAll();
    await c?.close();
  });

  it('a running job on Nebius (pause unsupported in its table) has Cancel but no Pause', async function () {
    const job = await startJob('gpt-4o-mini-2024-07-18', 'nopause');
    c.api.clock.advance(3_500 + 4_000 + 5_000);
    await waitFor(() => jobs.model.get(job.id)?.job.status === 'running', 'the job to run');
    const node = await waitFor(() => jobs.tree.jobNode(job.id), 'the job node');
    assert.match(String(node.treeItem().contextValue), /^job:running:canCancel:canPause/, 'OpenAI offers pause');
    jobs.setAdapter('nebius');
    await sleep(300);
    assert.equal(node.treeItem().contextValue, 'job:running:canCancel:hasMetrics', 'no canPause on Nebius');
    await jobs.tree.reveal(node, false);
    if (hasRunner()) {
      await waitFor(async () => (await count(`${JOBS_PANE} .action-label[aria-label="Cancel Job"]`))! >= 1, 'the Cancel action on the row');
      assert.equal(await count(`${JOBS_PANE} .action-label[aria-label="Pause Job"]`), 0, 'no Pause action on the row');
      await screenshot(testName(this));
    }
    jobs.setAdapter(undefined);
    c.api.clock.runAll();
    await waitFor(() => jobs.model.get(job.id)?.job.status === 'succeeded', 'the job to end');
  });
});
