// Moving off a retiring fine-tune in the real VS Code (issue 18), against the local API: a fine-tune made on the OpenAI
// flavour before this session (its training file not in the workspace) → "Keep a Baseline" from its node in the jobs
// view's "My fine-tuned models" → "Move This Fine-Tune" to the Azure flavour (the file downloaded from the old
// service, checked against Azure's profile, hyperparameters mapped, the summary shown as a Markdown preview, the job
// created on Azure) and to the Together flavour (an open model: the multiplier cannot be kept) → when the new job
// succeeds, the comparison view shows the new model against the baseline. A prompt/completion fine-tune is converted
// to chat lines for Azure. Both trust modes: the user settings decide in Restricted Mode, the workspace's in a trusted
// workspace (each host confirmed once).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FineTuningJob } from '../../src/api/types';
import type { JobsNode } from '../../src/jobs/nodes';
import type { CompareResult } from '../../src/migrate/compareWithBaseline';
import type { KeepBaselineResult } from '../../src/migrate/keepBaseline';
import type { MoveResult } from '../../src/migrate/move';
import { startLocalApi, type LocalApi } from '../../tools/local-api';
import { startLocalTogether } from '../../tools/local-api/together';
import { connect, randomKey, setSettings, type Connected } from './apiFixture';
import { EXTENSION_ID, fixtureUri, screenshot, testName, waitFor, waitForWebviewText, workspaceRoot } from './helpers';

const MINI = 'gpt-4o-mini-2024-07-18';
const AZURE_MODEL = 'gpt-4.1-mini-2025-04-14';
const TOGETHER_MODEL = 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference';
/** The remote training file's name: not in the workspace, so the move downloads it. */
const REMOTE_NAME = 'shop-support-train.jsonl';
const HYPER = { n_epochs: 3, batch_size: 4, learning_rate_multiplier: 1.5 };

type Together = Awaited<ReturnType<typeof startLocalTogether>>;

async function upload(api: LocalApi, bytes: Uint8Array, name: string): Promise<string> {
  const form = new FormData();
  form.append('purpose', 'fine-tune');
  form.append('file', new Blob([bytes]), name);
  const r = await fetch(`${api.baseURL}/files`, { method: 'POST', headers: { authorization: `Bearer ${api.key}` }, body: form });
  const file = (await r.json()) as { id?: string };
  assert.ok(file.id, `the file ${name} was uploaded (${r.status})`);
  return file.id;
}

/** A job made on the old service outside this session, run to its end on the local clock. */
async function seedFineTune(api: LocalApi, body: Record<string, unknown>): Promise<FineTuningJob> {
  const r = await fetch(`${api.baseURL}/fine_tuning/jobs`, { method: 'POST', headers: { authorization: `Bearer ${api.key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const job = (await r.json()) as FineTuningJob;
  assert.equal(r.status, 200, `the old job was created: ${JSON.stringify(job)}`);
  api.clock.runAll();
  const done = (await (await fetch(`${api.baseURL}/fine_tuning/jobs/${job.id}`, { headers: { authorization: `Bearer ${api.key}` } })).json()) as FineTuningJob;
  assert.equal(done.status, 'succeeded');
  assert.ok(done.fine_tuned_model);
  return done;
}

const duck = (n: JobsNode) => n as unknown as { providerId: string; modelId: string; baseModel: string };

describe('Move a fine-tune: baseline, move to Azure and Together, comparison', function () {
  this.timeout(240_000);
  let c: Connected;
  let azure: LocalApi;
  let together: Together;
  let oldJob: FineTuningJob;
  let baseline: KeepBaselineResult;
  const written: string[] = [];

  before(async function () {
    c = await connect('openai', { provider: 'openai' });
    const bytes = await vscode.workspace.fs.readFile(fixtureUri('datasets', 'good.jsonl'));
    const fileId = await upload(c.api, bytes, REMOTE_NAME);
    oldJob = await seedFineTune(c.api, { model: MINI, training_file: fileId, suffix: 'shop', seed: 7, method: { type: 'supervised', supervised: { hyperparameters: HYPER } } });
    // Azure and Together at once, beside OpenAI (their own keys; Azure's endpoint setting, Together's in tuneline.endpoints)
    const azKey = randomKey();
    azure = await startLocalApi({ flavour: 'azure', key: azKey });
    const tgKey = randomKey();
    together = await startLocalTogether({ key: tgKey });
    await setSettings({ 'azure.endpoint': azure.url, endpoints: { together: together.baseURL } }, c.target);
    assert.equal(await vscode.commands.executeCommand('tuneline.setApiKey', azKey, 'azure'), true);
    assert.equal(await vscode.commands.executeCommand('tuneline.setApiKey', tgKey, 'together'), true);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('tuneline.jobs.focus');
    await c.t.jobs.model.refresh();
  });

  after(async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('tuneline.clearApiKey', 'azure');
    await vscode.commands.executeCommand('tuneline.clearApiKey', 'together');
    await setSettings({ endpoints: undefined, 'azure.deployments': undefined }, c.target);
    await c?.close();
    await azure?.close();
    await together?.close();
    fs.rmSync(path.join(workspaceRoot().fsPath, '.tuneline'), { recursive: true, force: true });
    for (const f of written) fs.rmSync(f, { force: true });
  });

  /** The old fine-tune's node in "My fine-tuned models" (what the context menu passes to the commands). */
  async function oldNode(): Promise<JobsNode> {
    const jobs = c.t.jobs;
    await jobs.fineTuned.refresh();
    const group = await waitFor(() => jobs.tree.fineTunedNode(), 'the "My fine-tuned models" node');
    const nodes = await group.children();
    const node = nodes.find((n) => duck(n).modelId === oldJob.fine_tuned_model);
    assert.ok(node, `the old fine-tune ${oldJob.fine_tuned_model} is listed`);
    return node;
  }

  it('offers Keep a Baseline and Move This Fine-Tune on the fine-tuned model nodes (menus on the contextValue)', async function () {
    const node = await oldNode();
    const contextValue = node.treeItem().contextValue ?? '';
    const menus = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { menus: Record<string, Array<{ command: string; when?: string }>> } }).contributes.menus['view/item/context']!;
    for (const command of ['tuneline.keepBaseline', 'tuneline.moveFineTune', 'tuneline.compareWithBaseline']) {
      const entry = menus.find((m) => m.command === command);
      assert.ok(entry?.when, `${command} is on the jobs view's items`);
      const re = /viewItem =~ \/(.+)\/$/.exec(entry.when)!;
      assert.ok(new RegExp(re[1]!).test(contextValue), `${command} shows on ${contextValue}`);
      for (const other of ['fineTunedGroup', 'job:succeeded:hasModel', 'modelId', 'checkpoint:fineTunedCheckpoint']) assert.ok(!new RegExp(re[1]!).test(other), `${command} is hidden on ${other}`);
    }
  });

  it('keeps a baseline of the OpenAI fine-tune from its node: the replies on a validation file, with model, date and settings', async function () {
    const node = await oldNode();
    baseline = (await vscode.commands.executeCommand<KeepBaselineResult>('tuneline.keepBaseline', node, fixtureUri('datasets', 'eval-validation.jsonl')))!;
    assert.ok(baseline, 'the command returned its result');
    assert.equal(baseline.status, 'completed');
    assert.equal(baseline.model, oldJob.fine_tuned_model);
    assert.equal(baseline.provider, 'openai');
    assert.equal(baseline.rows, 8, 'one reply per example of the validation file');
    assert.ok(baseline.file.startsWith(path.join(workspaceRoot().fsPath, '.tuneline', 'baselines')), baseline.file);
    const lines = fs.readFileSync(baseline.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const header = lines[0] as { type: string; baseline: { model: string; provider: string; baseModel: string; recordedAt: string; settings: { temperature: number }; validationFile: string } };
    assert.equal(header.type, 'header');
    assert.deepEqual([header.baseline.model, header.baseline.provider, header.baseline.baseModel], [oldJob.fine_tuned_model, 'openai', MINI]);
    assert.match(header.baseline.recordedAt, /^\d{4}-\d\d-\d\dT/);
    assert.equal(typeof header.baseline.settings.temperature, 'number');
    assert.equal(header.baseline.validationFile, 'datasets/eval-validation.jsonl');
    // the chat requests went to the old service, with the fine-tuned model
    assert.ok(c.api.requests.count({ method: 'POST', path: 'chat/completions' }) >= 8);
  });

  it('moves it to Azure: the file downloaded and checked, hyperparameters kept, the summary shown, the job created; the comparison shows the new model against the baseline', async function () {
    assert.ok(baseline, 'the baseline test ran first');
    const node = await oldNode();
    const r = (await vscode.commands.executeCommand<MoveResult>('tuneline.moveFineTune', node, { provider: 'azure', model: AZURE_MODEL, confirm: 'none', compare: 'run', pollIntervalMs: 4000 }))!;
    assert.ok(r, 'the command returned its result');
    const p = r.plan;
    assert.equal(p.source.jobId, oldJob.id);
    assert.deepEqual([p.targetProvider, p.targetModel, p.method], ['azure', AZURE_MODEL, 'supervised']);
    assert.match(p.trainingFrom, /downloaded from OpenAI/);
    const downloaded = path.join(workspaceRoot().fsPath, '.tuneline', 'moves', REMOTE_NAME);
    assert.deepEqual(fs.readFileSync(downloaded), Buffer.from(await vscode.workspace.fs.readFile(fixtureUri('datasets', 'good.jsonl'))), 'the old service\'s bytes, as they were');
    assert.equal(p.conversion.action, 'none', 'Azure takes chat lines as they are');
    assert.equal(p.examples, 60);
    assert.equal(p.check.errors, 0);
    assert.match(p.check.profile, /Azure/, `checked with Azure's profile (${p.check.profile})`);
    assert.deepEqual(p.hyperparameters.values, HYPER, 'Azure takes OpenAI\'s names and ranges');
    assert.equal(p.baseline, vscode.workspace.asRelativePath(baseline.file));
    assert.match(p.dates?.source ?? '', /on OpenAI: new jobs until 2027-01-06 .*serving until 2027-01-14/);
    assert.match(p.dates?.target ?? '', /on Azure OpenAI \(Microsoft Foundry\): /);
    assert.match(r.summary, /# Move .* to Azure OpenAI \(Microsoft Foundry\)/);
    // the summary is on screen, as a Markdown preview
    const summaryText = await waitForWebviewText('body', (t) => t.includes('Move') && t.includes('Not kept'), 'the move summary preview').catch(() => undefined);
    if (process.env.TUNELINE_TEST_ACK_DIR) {
      assert.ok(summaryText, 'the move summary preview is readable');
      assert.match(summaryText, /Hyperparameters/);
      assert.ok(summaryText.includes(oldJob.fine_tuned_model!), 'the preview names the old model');
    }
    await screenshot(`${testName(this)}-summary`, 800);
    // the job on Azure: its file uploaded there (the downloaded bytes), the old job's method and hyperparameters
    const created = azure.state.jobs.get(r.job.id);
    assert.ok(created, 'the job exists on the Azure flavour');
    await waitFor(() => c.t.jobs.groups.modelFor('azure')?.get(r.job.id), 'the job in the Azure group of the jobs view');
    assert.equal(c.t.jobs.model.get(r.job.id), undefined, 'the job is not in the OpenAI group');
    assert.equal(created.model, AZURE_MODEL);
    assert.equal(created.methodType, 'supervised');
    assert.equal(created.seed, 7, 'the old job\'s seed');
    assert.ok(azure.state.files.get(created.training_file), 'the training file was uploaded to Azure');
    assert.deepEqual({ ...created.hyperparameters }, HYPER);
    // the comparison is a webview too: only one may be on screen for the runner to read
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    azure.clock.runAll();
    const ft = await waitFor(() => azure.state.jobs.get(r.job.id)?.fine_tuned_model, 'the Azure job to succeed', 10_000);
    // an Azure fine-tune answers through a deployment (made outside the move, as a person would)
    azure.deploy('moved-shop', ft);
    await setSettings({ 'azure.deployments': { [ft]: 'moved-shop' } }, c.target);
    const done = await r.done;
    assert.equal(done.job.fine_tuned_model, ft);
    const cmp = done.comparison as CompareResult | undefined;
    assert.ok(cmp, 'the comparison ran when the job succeeded');
    assert.equal(cmp.view.baseline.model, oldJob.fine_tuned_model);
    assert.equal(cmp.view.candidate.model, ft);
    assert.equal(cmp.view.examples.length, 8);
    const c0 = cmp.view.counts;
    assert.equal(c0.better + c0.worse + c0.same + c0.missing, 8);
    assert.ok(cmp.candidateFile.includes(path.join('.tuneline', 'comparisons')), cmp.candidateFile);
    const panel = c.t.migrate.panels.all().find((x) => x.files.candidate === cmp.candidateFile);
    assert.ok(panel?.lastView, 'the comparison view is open');
    if (process.env.TUNELINE_TEST_ACK_DIR) {
      const sides = await waitForWebviewText('.sides', (t) => t.includes(ft), 'the comparison page to name both models');
      assert.ok(sides.includes(oldJob.fine_tuned_model!), sides);
      assert.match(sides, /openai/i);
      assert.match(sides, /azure/i);
      const scores = await waitForWebviewText('#scores', (t) => /Normalised/.test(t), 'the scores table');
      assert.match(scores, /Baseline\s*New model\s*Difference/);
      const counts = await waitForWebviewText('#counts', (t) => /better/.test(t), 'the better/worse counts');
      assert.match(counts, new RegExp(`${c0.better} better.*${c0.worse} worse.*${c0.same} the same`, 's'));
    }
    await screenshot(`${testName(this)}-comparison`, 800);
  });

  it('moves it to Together (an open model): the multiplier is not kept, with the reason; the job is created there', async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const node = await oldNode();
    const r = (await vscode.commands.executeCommand<MoveResult>('tuneline.moveFineTune', node, { provider: 'together', model: TOGETHER_MODEL, confirm: 'none', compare: 'none', pollIntervalMs: 300 }))!;
    assert.ok(r);
    const p = r.plan;
    assert.deepEqual([p.targetProvider, p.targetModel], ['together', TOGETHER_MODEL]);
    assert.match(p.trainingFrom, /the workspace: \.tuneline\/moves\/shop-support-train\.jsonl/, 'the file downloaded by the first move is found by its bytes');
    assert.equal(p.check.errors, 0);
    assert.match(p.check.profile, /Together/);
    assert.equal(p.hyperparameters.values['n_epochs'], 3);
    const dropped = p.hyperparameters.dropped.find((d) => d.name === 'learning_rate_multiplier');
    assert.ok(dropped, 'the multiplier is listed as not kept');
    assert.match(dropped.reason, /absolute learning rate/);
    assert.match(r.summary, /learning\\_rate\\_multiplier = 1\.5: Together AI takes an absolute learning rate/);
    assert.ok(r.job.id, 'the job was created on Together');
    const seen = together.requests.filter((q) => q.method === 'POST' && q.path === '/v1/fine-tunes');
    assert.equal(seen.length, 1, 'one create request on Together');
    // the new job shows in Together's group of the jobs view, polled through Together's client, not OpenAI's
    const jobs = c.t.jobs;
    await waitFor(() => jobs.groups.modelFor('together')?.get(r.job.id), "the job in the Together AI group");
    assert.equal(jobs.model.get(r.job.id), undefined, 'the job is not in the OpenAI group');
    if (process.env.TUNELINE_TEST_ACK_DIR) await waitForWebviewText('body', (t) => t.includes('Together AI') && t.includes('Not kept'), 'the move summary preview');
    await screenshot(`${testName(this)}-summary`, 800);
    for (let i = 0; i < 120; i++) together.clock.advance(1000);
    const done = await r.done;
    assert.equal(done.job.status, 'succeeded', 'the Together job succeeded');
    await waitFor(() => jobs.groups.modelFor('together')?.get(r.job.id)?.job.status === 'succeeded', "the Together group's node to show the job succeeded");
  });

  it('converts a prompt/completion fine-tune to chat lines for Azure, and says so in the summary', async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const legacy = Array.from({ length: 12 }, (_, i) => JSON.stringify({ prompt: `Question ${i}: what is ${i} plus ${i}?\n\n###\n\n`, completion: ` ${2 * i}\n` })).join('\n') + '\n';
    const fileId = await upload(c.api, new TextEncoder().encode(legacy), 'legacy-sums.jsonl');
    const job = await seedFineTune(c.api, { model: 'babbage-002', training_file: fileId, suffix: 'sums' });
    const r = (await vscode.commands.executeCommand<MoveResult>('tuneline.moveFineTune', { providerId: 'openai', modelId: job.fine_tuned_model, baseModel: 'babbage-002' }, { provider: 'azure', model: AZURE_MODEL, confirm: 'none', compare: 'none', pollIntervalMs: 300 }))!;
    assert.ok(r);
    assert.equal(r.plan.conversion.action, 'convert');
    assert.match(r.plan.conversion.notes.join(' '), /12 prompt\/completion line\(s\) become chat lines/);
    assert.equal(r.plan.trainingFile, '.tuneline/moves/legacy-sums.azure.jsonl');
    const converted = fs.readFileSync(path.join(workspaceRoot().fsPath, r.plan.trainingFile), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { messages: Array<{ role: string; content: string }> });
    assert.equal(converted.length, 12);
    assert.deepEqual(converted[3]!.messages.map((m) => m.role), ['user', 'assistant']);
    assert.match(converted[3]!.messages[0]!.content, /Question 3/);
    assert.equal(r.plan.check.errors, 0, `the converted file passes Azure's profile (${r.plan.check.first ?? ''})`);
    assert.match(r.summary, /become chat lines/);
    const created = azure.state.jobs.get(r.job.id);
    assert.ok(created, 'the job exists on Azure');
    const uploaded = azure.state.files.get(created.training_file);
    assert.ok(uploaded, 'the converted file was uploaded');
    await screenshot(`${testName(this)}-summary`, 800);
    azure.clock.runAll();
    await r.done;
  });
});
