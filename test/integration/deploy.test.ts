// Deploy from the jobs view (issue 16) in the real VS Code, against the local API's Azure flavour and its Azure
// Resource Manager routes: a succeeded job's model → Deploy (Developer) → the tree shows Creating, then Succeeded with
// the expiry → a chat request with the fine-tuned model id goes through the deployment → Delete Deployment (after the
// confirmation) removes it; an ARM error (wrong resource group) is shown in plain words with "Show log" and never the
// token; and on a provider without pause the Pause action is absent.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FineTuningJob } from '../../src/api/types';
import type { JobsApi } from '../../src/jobs/register';
import type { JobsNode } from '../../src/jobs/nodes';
import { connect, type Connected } from './apiFixture';
import { fixtureUri, JOBS_PANE, jobsViewText as viewText, runnerRequest, screenshot, sleep, testName, waitFor, waitForJobsView } from './helpers';

const waitForView = (re: RegExp, what: string, timeoutMs?: number) => waitForJobsView(re, what, 'deploy', timeoutMs);

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
    await jobs.tree.reveal(node, 1);
    await waitForView(/tl-dev\s*Creating · Developer · expires in 24 h/, 'Creating in the tree');
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
    await jobs.tree.reveal(depNode, false);
    const text = await waitForView(/tl-dev\s*Succeeded · Developer · expires in (24|23) h/, 'Succeeded with the expiry in the tree');
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
      const toast = await runnerRequest({ type: 'text', selector: '.notifications-toasts .notification-list-item:has-text("could not deploy")', timeoutMs: 20_000 });
      const t = String(toast?.value);
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
