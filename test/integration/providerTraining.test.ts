// The training wizard on the provider adapters (issues 16 and 20): Azure's training types (asked, or set without asking
// for an open model, with the reason), what reaches the service (`trainingType` in the create body), Azure's job quota
// and OpenAI's wind-down refusal explained in plain words. Both trust modes: in Restricted Mode the fixture
// workspace's provider/baseUrl are ignored and the user-level settings that `connect` writes are what count.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { connect, type Connected } from './apiFixture';
import { fixtureUri, runnerRequest, screenshot, sleep, trustMode, waitFor } from './helpers';

interface Job {
  id: string;
  status: string;
  model: string;
}

const start = (args: object) => vscode.commands.executeCommand<Job | undefined>('tuneline.startTraining', args);
const listText = async (): Promise<string> => String((await runnerRequest({ type: 'text', selector: '.quick-input-widget .quick-input-list' }))?.value ?? '');

/** Records the JSON body of every job-create request the local API answered. */
function recordCreates(): { bodies: Record<string, unknown>[]; onResponse: (r: { method: string; path: string; requestJson?: string }) => void } {
  const bodies: Record<string, unknown>[] = [];
  return {
    bodies,
    onResponse: (r) => {
      if (r.method === 'POST' && r.path === '/fine_tuning/jobs' && r.requestJson) bodies.push(JSON.parse(r.requestJson) as Record<string, unknown>);
    },
  };
}

/** In Restricted Mode the fixture workspace's `tuneline.provider: custom` is ignored: the user's value decides. */
function assertUserSettingCounts(expected: string): void {
  const p = vscode.workspace.getConfiguration('tuneline').inspect<string>('provider');
  if (trustMode() === 'restricted') {
    assert.equal(p?.workspaceValue, undefined, 'Restricted Mode ignores the workspace provider');
    assert.equal(p?.globalValue, expected, 'the user-level setting');
  }
  assert.equal(vscode.workspace.getConfiguration('tuneline').get('provider'), expected);
}

describe('Provider training: Azure training types, open models and quota (issue 16)', function () {
  this.timeout(120_000);
  let c: Connected;
  let creates: ReturnType<typeof recordCreates>;
  const steps: string[] = [];
  beforeEach(async () => {
    creates = recordCreates();
    steps.length = 0;
    c = await connect('azure', { api: { onResponse: creates.onResponse, azureQuotas: { maxQueued: 0 } } });
    c.t.connection.setWizardListener((s) => steps.push(s));
  });
  afterEach(async () => {
    c.t.connection.setWizardListener(undefined);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await c.close();
  });

  it('offers Standard, Global and Developer training for gpt-4.1-mini (Data Zone shown disabled with the reason), and sends Global as trainingType', async () => {
    assertUserSettingCounts('azure');
    const pending = start({ trainingFile: fixtureUri('datasets', 'good.jsonl'), model: 'gpt-4.1-mini-2025-04-14', method: 'supervised', confirm: 'options', ifProblems: 'stop' });
    await waitFor(() => steps.includes('options'), 'the training-type step');
    await waitFor(async () => /Developer/.test(await listText()), 'the training types listed');
    const text = await listText();
    for (const label of ['Standard', 'Global', 'Developer', 'Data Zone']) assert.match(text, new RegExp(label), label);
    assert.match(text, /not available/, 'Data Zone is shown as not available');
    assert.match(text, /Data Zone exists for deployments, not for training/, 'with the reason');
    assert.match(text, /trainingType: globalstandard/);
    const shot = await screenshot('wizard-azure-training-type-step', 600);
    assert.ok(shot, 'screenshot taken');
    // Standard (the default) is active; the next item is Global.
    await runnerRequest({ type: 'press', keys: ['ArrowDown'] });
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await waitFor(() => steps.includes('summary'), 'the summary');
    await waitFor(async () => /Training type: Global/.test(await listText()), 'the summary shows Global');
    assert.equal(creates.bodies.length, 0, 'nothing sent before confirming');
    await sleep(300);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const job = await pending;
    assert.ok(job, c.lines.slice(-6).join('\n'));
    assert.equal(creates.bodies.length, 1);
    assert.equal(creates.bodies[0]!['trainingType'], 'globalstandard', 'the create body says Global training');
    assert.equal(c.api.state.jobs.get(job.id)?.trainingType, 'globalstandard');
  });

  it('trains an open model (gpt-oss-20b) with Global without asking, shows why, and sends trainingType globalstandard', async () => {
    const pending = start({ trainingFile: fixtureUri('datasets', 'good.jsonl'), model: 'gpt-oss-20b', method: 'supervised', confirm: 'options', ifProblems: 'stop' });
    await waitFor(() => steps.includes('summary'), 'straight to the summary');
    assert.ok(!steps.includes('options'), 'no training-type question for a model with one training type');
    await waitFor(async () => /without asking/.test(await listText()), 'the reason on the summary');
    const text = await listText();
    assert.match(text, /Training type: Global/);
    assert.match(text, /trains gpt-oss-20b( \(preview\))? with Global training type only \(an open-weight model\)/);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const job = await pending;
    assert.ok(job, c.lines.slice(-6).join('\n'));
    assert.equal(creates.bodies[0]!['trainingType'], 'globalstandard');
    assert.equal(creates.bodies[0]!['model'], 'gpt-oss-20b');
  });

  it('a 4th concurrent job gets Azure\'s quota explanation in plain words, not a raw error, and is not retried', async () => {
    const args = { trainingFile: fixtureUri('datasets', 'good.jsonl'), model: 'gpt-4.1-mini-2025-04-14', method: 'supervised', ifProblems: 'stop' };
    for (let i = 0; i < 3; i++) assert.ok(await start({ ...args, suffix: `q${i}` }), c.lines.slice(-4).join('\n'));
    const fourth = await start({ ...args, suffix: 'q3' });
    assert.equal(fourth, undefined, 'refused');
    assert.equal(c.api.requests.count({ method: 'POST', path: '^/fine_tuning/jobs$' }), 4, 'the refusal was not retried');
    assert.equal(c.api.requests.count({ method: 'POST', path: '^/fine_tuning/jobs$', status: 429 }), 1);
    const said = c.lines.filter((l) => /fine-tuning job quota/.test(l));
    assert.ok(said.length > 0, c.lines.slice(-6).join('\n'));
    assert.match(said[0]!, /at most 3 jobs running at once/);
    assert.match(said[0]!, /cancel one in the Fine-tuning Jobs view/, 'what to do next');
    assert.ok(!c.lines.some((l) => /is rate limiting requests/.test(l)), 'not shown as a rate limit');
  });
});

describe('Provider training: OpenAI wind-down (issue 16)', function () {
  this.timeout(90_000);
  let c: Connected;
  beforeEach(async () => {
    c = await connect('openai', { provider: 'openai' });
  });
  afterEach(async () => {
    await c.close();
  });

  it('a 403 training_not_available shows the wind-down with its dates and the next step', async () => {
    assertUserSettingCounts('openai');
    c.api.faults.add({ kind: 'error', status: 403, code: 'training_not_available', message: 'Fine-tuning is not available for this organization.', method: 'POST', path: '^/fine_tuning/jobs$', count: 1 });
    const job = await start({ trainingFile: fixtureUri('datasets', 'good.jsonl'), model: 'gpt-4o-mini-2024-07-18', ifProblems: 'stop' });
    assert.equal(job, undefined);
    const said = c.lines.filter((l) => /winding down fine-tuning/.test(l));
    assert.ok(said.length > 0, c.lines.slice(-6).join('\n'));
    assert.match(said[0]!, /2027-01-06/, 'the date no job can start after');
    assert.match(said[0]!, /2027-01-14/, 'the serving date');
    assert.match(said[0]!, /"tuneline\.provider" to "azure"/, 'the next step');
    assert.ok(!said[0]!.includes('this key has no access'), 'not the generic 403');
    assert.equal(c.api.requests.count({ method: 'POST', path: '^/fine_tuning/jobs$' }), 1, 'a 403 is not retried');
  });
});

describe('Provider training: Nebius Token Factory on the OpenAI-shaped client (issue 20)', function () {
  this.timeout(90_000);
  let c: Connected;
  let creates: ReturnType<typeof recordCreates>;
  const steps: string[] = [];
  beforeEach(async () => {
    creates = recordCreates();
    steps.length = 0;
    c = await connect('nebius', { provider: 'nebius', api: { onResponse: creates.onResponse } });
    c.t.connection.setWizardListener((s) => steps.push(s));
  });
  afterEach(async () => {
    c.t.connection.setWizardListener(undefined);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await c.close();
  });

  it('asks LoRA or full weights, checks Nebius\' own hyperparameters, and sends its job body', async () => {
    assertUserSettingCounts('nebius');
    const model = 'meta-llama/Meta-Llama-3.1-8B-Instruct';
    const bad = await start({ trainingFile: fixtureUri('datasets', 'good.jsonl'), model, hyperparameters: { lora_r: 0 }, ifProblems: 'stop' });
    assert.equal(bad, undefined);
    assert.equal(creates.bodies.length, 0, 'refused before sending');
    assert.ok(c.lines.some((l) => /LoRA rank must be at least 1/.test(l)), c.lines.slice(-4).join('\n'));

    const pending = start({ trainingFile: fixtureUri('datasets', 'good.jsonl'), model, hyperparameters: { lora_r: 16 }, confirm: 'options', ifProblems: 'stop' });
    await waitFor(() => steps.includes('options'), 'the LoRA / full step');
    await waitFor(async () => /Full weights/.test(await listText()), 'the adapter choices');
    assert.match(await listText(), /LoRA/);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await waitFor(() => steps.includes('summary'), 'the summary');
    await waitFor(async () => /Training options.*LoRA/s.test(await listText()), 'the summary with LoRA', 45_000);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const job = await pending;
    assert.ok(job, c.lines.slice(-6).join('\n'));
    const hp = creates.bodies[0]!['hyperparameters'] as Record<string, unknown>;
    assert.equal(hp['lora'], true, 'LoRA (the default) as Nebius takes it');
    assert.equal(hp['lora_r'], 16);
  });
});
