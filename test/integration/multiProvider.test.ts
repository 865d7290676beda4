// Several providers at once (issue 16) in the real VS Code: OpenAI (the local API's OpenAI flavour, through
// `tuneline.baseUrl`) is the current provider, Azure OpenAI (the Azure flavour) is named in `tuneline.endpoints`;
// each has its own key. The jobs view shows one group per provider with that provider's jobs (and "My fine-tuned
// models" in the current provider's group), a provider without a key says "Set API key", the job nodes follow the
// grouping as it comes and goes; the playground puts a fine-tuned model of each provider side by side and both answer,
// each through its own service.
import * as assert from 'node:assert/strict';
import OpenAI, { toFile } from 'openai';
import * as vscode from 'vscode';
import { startLocalApi, type LocalApi } from '../../tools/local-api';
import type { Reply, SessionView } from '../../src/common/protocol/playground';
import type { JobsApi } from '../../src/jobs/register';
// types only: the extension's classes are not the test bundle's (instanceof would not match)
import type { JobsNode } from '../../src/jobs/nodes';
import { connect, deciding, randomKey, type Connected } from './apiFixture';
import { fixtureUri, runnerRequest, screenshot, testName, waitFor, waitForJobsView, waitForWebviewText } from './helpers';

/** Trains a model on `api` (its own clock run to the end) and returns the job and its fine-tuned model. */
async function train(api: LocalApi, suffix: string, data: Uint8Array, run = true): Promise<{ id: string; model?: string }> {
  const sdk = new OpenAI({ apiKey: api.key, baseURL: api.baseURL, defaultHeaders: { 'api-key': api.key } });
  const file = await sdk.files.create({ file: await toFile(data, `${suffix}.jsonl`), purpose: 'fine-tune' });
  const job = await sdk.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id, suffix });
  if (!run) return { id: job.id };
  api.clock.runAll();
  const done = await sdk.fineTuning.jobs.retrieve(job.id);
  assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
  return { id: job.id, model: done.fine_tuned_model! };
}

const idsOf = (nodes: readonly JobsNode[]) => nodes.map((n) => n.id);

describe('Several providers at once', function () {
  this.timeout(180_000);
  let c: Connected;
  let azure: LocalApi;
  let azureKey: string;
  let jobs: JobsApi;
  let data: Uint8Array;
  let trained: string;
  const openaiJobs: Array<{ id: string; model?: string }> = [];
  let azureJob: { id: string; model?: string };

  async function setAzureKey(): Promise<void> {
    assert.equal(await vscode.commands.executeCommand('tuneline.setApiKey', azureKey, 'azure'), true, 'the Azure key is stored');
    // a trusted workspace chose the endpoint: the user answers the host question once (polling never asks)
    if (deciding() === vscode.ConfigurationTarget.Workspace) await c.t.connection.provider.getClient({ provider: 'azure' });
  }

  /** Waits until the tree's root is `want` (group ids, or the job ids at the root). */
  async function rootIs(want: string[], what: string): Promise<JobsNode[]> {
    let last: string[] = [];
    return waitFor(
      async () => {
        const root = await jobs.tree.getChildren();
        last = idsOf(root);
        return JSON.stringify(last) === JSON.stringify(want) ? root : undefined;
      },
      `${what} (root: ${JSON.stringify(last)})`,
    );
  }

  before(async function () {
    const uri = fixtureUri('datasets', 'playground-chat.jsonl');
    data = await vscode.workspace.fs.readFile(uri);
    trained = JSON.parse(new TextDecoder().decode(data).split('\n')[1]!).messages[2].content;
    c = await connect('openai', { provider: 'openai', api: { streamDelayMs: 20 } });
    jobs = c.t.jobs;
    jobs.setPollTiming({ initialMs: 250, maxMs: 1_000 });
    openaiJobs.push(await train(c.api, 'openai-done', data), await train(c.api, 'openai-queued', data, false));
    azureKey = randomKey();
    azure = await startLocalApi({ flavour: 'azure', key: azureKey, streamDelayMs: 20 });
    azureJob = await train(azure, 'azure-done', data);
    // As on Azure: a fine-tuned model answers only through a deployment, which the settings map it to.
    azure.deploy('mp-ft', azureJob.model!);
    const cfg = vscode.workspace.getConfiguration('tuneline');
    await cfg.update('endpoints', { azure: azure.url }, deciding());
    await cfg.update('azure.deployments', { [azureJob.model!]: 'mp-ft' }, vscode.ConfigurationTarget.Global);
    await setAzureKey();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('tuneline.jobs.focus');
  });

  after(async function () {
    jobs?.setPollTiming(undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // the jobs view hidden again: its models stop polling (a later suite seeds jobs and expects one fresh page)
    await vscode.commands.executeCommand('workbench.view.explorer');
    const cfg = vscode.workspace.getConfiguration('tuneline');
    for (const target of [vscode.ConfigurationTarget.Global, vscode.ConfigurationTarget.Workspace]) await cfg.update('endpoints', undefined, target);
    await cfg.update('azure.deployments', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('tuneline.clearApiKey', 'azure');
    await azure?.close();
    await c?.close();
  });

  it('the jobs view shows one group per provider with its own jobs; a provider without a key says "Set API key"', async function () {
    await jobs.groups.ready();
    const root = await rootIs(['group/openai', 'group/azure'], 'a group per provider, the current one first');
    assert.deepEqual(
      jobs.groups.groups().map((g) => [g.kind, g.current]),
      [['openai', true], ['azure', false]],
    );
    // each group lists its own provider's jobs (newest first), "My fine-tuned models" only in the current one's
    const [openaiGroup, azureGroup] = root;
    await waitFor(async () => idsOf(await jobs.tree.getChildren(openaiGroup)).join() === ['fineTuned', ...openaiJobs.map((j) => `job/${j.id}`).reverse()].join(), 'the OpenAI group to list its jobs');
    await waitFor(async () => idsOf(await jobs.tree.getChildren(azureGroup)).join() === `job/${azureJob.id}`, 'the Azure group to list its job');
    assert.equal(jobs.tree.fineTunedNode()?.parent?.id, 'group/openai');
    // another provider's job is that provider's model's (its status, its fine-tuned model)
    const azureNode = jobs.tree.jobNode(azureJob.id)!;
    assert.equal(azureNode.parent?.id, 'group/azure');
    assert.equal(azureNode.job?.fine_tuned_model, azureJob.model);
    assert.equal(jobs.model.get(azureJob.id), undefined, 'the current provider\'s model does not hold the Azure job');
    const groupItem = azureGroup!.treeItem();
    assert.equal(groupItem.label, 'Azure OpenAI');
    assert.equal(groupItem.description, '1 job');
    assert.match(String(openaiGroup!.treeItem().description), /^current · 2 jobs$/);
    await jobs.tree.reveal(azureNode, 1);
    await jobs.tree.reveal(jobs.tree.jobNode(openaiJobs[0]!.id)!, false);
    const text = await waitForJobsView(/OpenAI[\s\S]*openai-queued[\s\S]*openai-done[\s\S]*Azure OpenAI[\s\S]*azure-done/, 'both groups with their jobs', 'multi');
    if (text !== undefined) assert.match(text, /My fine-tuned models/);
    await screenshot(`${testName(this)}-grouped`, 400);

    // Open in Playground from the Azure group's job names the model with its provider
    await vscode.commands.executeCommand('tuneline.jobs.openInPlayground', azureNode);
    await waitFor(() => c.t.playground.session()?.models.join() === `@azure/${azureJob.model}`, 'the playground with the Azure model');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    // The current provider without a key: its group says what to do, the other provider's group stays
    await vscode.commands.executeCommand('tuneline.clearApiKey', 'openai');
    try {
      await waitFor(async () => {
        const kids = await jobs.tree.getChildren((await jobs.tree.getChildren())[0]);
        const item = kids.length === 1 ? kids[0]!.treeItem() : undefined;
        return item?.label === 'Set API key' && item.command?.command === 'tuneline.setApiKey' && item.command.arguments?.[1] === 'openai';
      }, 'the OpenAI group to say "Set API key"');
      await rootIs(['group/openai', 'group/azure'], 'both groups still');
      await waitForJobsView(/OpenAI[\s\S]*Set API key[\s\S]*Azure OpenAI[\s\S]*azure-done/, 'Set API key in the OpenAI group', 'multi');
      await screenshot(`${testName(this)}-no-key`, 300);
    } finally {
      assert.equal(await vscode.commands.executeCommand('tuneline.setApiKey', c.api.key, 'openai'), true);
      if (deciding() === vscode.ConfigurationTarget.Workspace) await c.t.connection.provider.getClient();
    }
    await waitFor(() => jobs.model.state.kind === 'ready' && jobs.model.jobs.length === 2, 'the OpenAI jobs again');
  });

  it('the job nodes follow the grouping as it goes and comes back (reveal works at once)', async function () {
    const openaiId = openaiJobs[0]!.id;
    await rootIs(['group/openai', 'group/azure'], 'grouped');
    // Azure's key goes: one provider, the tree as with one provider (jobs at the root)
    await vscode.commands.executeCommand('tuneline.clearApiKey', 'azure');
    await waitFor(() => !jobs.groups.grouped, 'one provider');
    const atRoot = jobs.tree.jobNode(openaiId);
    assert.ok(atRoot, 'the job node is there at once');
    assert.equal(atRoot.parent, undefined, 'at the root');
    await jobs.tree.reveal(atRoot, false);
    await rootIs(['fineTuned', ...openaiJobs.map((j) => `job/${j.id}`).reverse()], 'the jobs at the root');
    assert.equal(jobs.tree.jobNode(azureJob.id), undefined, 'no Azure job without its key');
    // and back: grouped again, the same job under its group
    await setAzureKey();
    await waitFor(() => jobs.groups.grouped, 'grouped again');
    const grouped = jobs.tree.jobNode(openaiId);
    assert.equal(grouped?.parent?.id, 'group/openai');
    await jobs.tree.reveal(grouped!, false);
    const azureNode = await waitFor(() => jobs.tree.jobNode(azureJob.id), 'the Azure job again');
    assert.equal(azureNode.parent?.id, 'group/azure');
    await jobs.tree.reveal(azureNode, false);
    await rootIs(['group/openai', 'group/azure'], 'a group per provider again');
  });

  it('the playground puts a fine-tuned model of each provider side by side and both answer, each through its service', async function () {
    if (!process.env.TUNELINE_TEST_ACK_DIR) this.skip();
    const models = [openaiJobs[0]!.model!, `@azure/${azureJob.model}`];
    const chats = (api: LocalApi) => api.requests.entries({ method: 'POST', path: /\/chat\/completions$/ });
    const before = [chats(c.api).length, chats(azure).length];
    await vscode.commands.executeCommand('tuneline.openPlayground', { models });
    const options = await waitFor(() => {
      const m = c.t.playground.models();
      return m && !m.loading ? m.options : undefined;
    }, 'the model list');
    // each provider's models are offered; Azure's with its name, through its deployment
    assert.equal(options.find((o) => o.id === models[0])?.kind, 'fine-tuned');
    const azureOption = options.find((o) => o.id === models[1]);
    assert.equal(azureOption?.kind, 'deployment');
    assert.match(String(azureOption?.detail), /Azure OpenAI .*Azure deployment mp-ft/);
    assert.deepEqual(c.t.playground.session()!.models, models);

    await runnerRequest({ type: 'fill', selector: '#input', text: 'What are your opening hours?', webview: true });
    await runnerRequest({ type: 'press', keys: ['Enter'] });
    const s = await waitFor(
      () => {
        const v: SessionView | undefined = c.t.playground.session();
        const r = v?.turns[0]?.replies;
        return v && !v.busy && r?.length === 2 && r.every((x) => x && x.status !== 'waiting' && x.status !== 'streaming') ? v : undefined;
      },
      'both replies',
      30_000,
    );
    const replies = s.turns[0]!.replies as Reply[];
    for (const [i, r] of replies.entries()) {
      assert.equal(r.status, 'done', `column ${i}: ${r.error ?? ''}`);
      assert.equal(r.text, trained, `column ${i} answers from its training data`);
    }
    // each column went to its own provider, and was answered there (Azure only answers a fine-tuned model through
    // its deployment: the model id alone would be a 404 DeploymentNotFound)
    assert.deepEqual(chats(c.api).slice(before[0]).map((e) => e.status), [200], 'one chat request on OpenAI, answered');
    assert.deepEqual(chats(azure).slice(before[1]).map((e) => e.status), [200], 'one chat request on Azure, answered');
    await waitForWebviewText('.reply[data-turn="0"][data-column="1"] .reply-body', (x) => x.trim() === trained, 'the Azure reply on the page');
    // each column's days left come from its own service's dates (issue 18): OpenAI's 2027-01-14, Azure's later one
    const badges = s.retirement ?? [];
    assert.match(badges[0]?.short ?? '', /days? left/, 'the OpenAI fine-tune shows its days left');
    assert.match(badges[1]?.short ?? '', /days? left/, 'the Azure fine-tune (an @azure/ reference) shows its days left');
    assert.ok(Number(/\d+/.exec(badges[1]!.short)![0]) > Number(/\d+/.exec(badges[0]!.short)![0]), `Azure serves longer than OpenAI (${badges[0]!.short} / ${badges[1]!.short})`);
    await screenshot(`${testName(this)}-side-by-side`, 400);
  });
});
