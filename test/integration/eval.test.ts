// Evaluation (issue 11) against the local API: the fine-tuned model beats its base on its own training data, a 429
// storm mid-run is retried and the run completes, cancel leaves a partial valid results file, the results view, and a
// batch evaluation that survives a "restart" (polling stopped, resumed from workspaceState) with the live scores.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import OpenAI from 'openai';
import * as vscode from 'vscode';
import { readResults, type ParsedResults } from '../../src/core/eval';
import { connect, type Connected } from './apiFixture';
import { fixtureUri, runnerRequest, screenshot, sleep, testName, waitFor } from './helpers';

interface EvalResult {
  file: string;
  status: string;
  mode: string;
  batchId?: string;
  rows: number;
}

const good = () => fixtureUri('datasets', 'good.jsonl');
const BASE = 'gpt-4o-mini-2024-07-18';

function read(file: string): ParsedResults {
  const text = fs.readFileSync(file, 'utf8');
  // every line of the file is whole JSON (valid JSON Lines at any moment)
  for (const [i, line] of text.split('\n').entries()) if (line.trim()) assert.doesNotThrow(() => JSON.parse(line), `line ${i + 1} is JSON`);
  return readResults(text);
}

function means(p: ParsedResults, model: string) {
  const m = p.summary.models.find((x) => x.model === model);
  assert.ok(m, `summary for ${model}`);
  return m;
}

describe('Evaluate a model', function () {
  this.timeout(180_000);
  let c: Connected;
  let ft: string;
  let live: ParsedResults | undefined;

  before(async function () {
    c = await connect('openai');
    const sdk = new OpenAI({ apiKey: c.api.key, baseURL: c.api.baseURL });
    const file = await sdk.files.create({ file: await OpenAI.toFile(fs.readFileSync(good().fsPath), 'good.jsonl'), purpose: 'fine-tune' });
    const job = await sdk.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
    c.api.clock.runAll();
    const done = await sdk.fineTuning.jobs.retrieve(job.id);
    assert.equal(done.status, 'succeeded');
    ft = done.fine_tuned_model!;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await c?.close();
  });

  afterEach(() => c.api.faults.clear());

  it('the fine-tuned model scores higher than its base on its own training data; the results view shows it', async function () {
    const r = (await vscode.commands.executeCommand('tuneline.evaluateModel', { models: [BASE, ft], file: good(), batch: false })) as EvalResult;
    assert.equal(r.status, 'completed');
    assert.equal(r.mode, 'live');
    assert.match(r.file, /good\.eval-\d{8}T\d{6}Z(-\d+)?\.jsonl$/);
    live = read(r.file);
    assert.equal(live.finished, true);
    assert.equal(live.header.examples, 60);
    assert.equal(live.rows.length, 120);
    const base = means(live, BASE);
    const tuned = means(live, ft);
    assert.equal(base.errors + tuned.errors, 0);
    assert.ok(tuned.means.exact! > base.means.exact!, `fine-tuned exact ${tuned.means.exact} > base ${base.means.exact}`);
    assert.ok(tuned.means.f1! > base.means.f1! + 0.5, `fine-tuned F1 ${tuned.means.f1} ≫ base ${base.means.f1}`);
    assert.ok(tuned.promptTokens > 0 && tuned.completionTokens > 0);
    assert.ok(tuned.costUsd! > 0, 'a cost for a priced model');
    console.log(`[eval] live: base exact ${base.means.exact} F1 ${base.means.f1?.toFixed(3)}; fine-tuned exact ${tuned.means.exact} F1 ${tuned.means.f1?.toFixed(3)}`);

    const rows = await runnerRequest({ type: 'count', selector: '#examples tbody tr', webview: true });
    if (rows) {
      await waitFor(async () => (await runnerRequest({ type: 'count', selector: '#examples tbody tr', webview: true }))?.value === 60, 'the 60 rows in the view');
      const text = await runnerRequest({ type: 'text', selector: '#summary tbody', webview: true });
      assert.match(String(text?.value), /100\.0 %/);
      await screenshot(`${testName(this)}`, 500);
    }
  });

  it('results view: filter to disagreements, sort by score, open the dataset line', async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors'); // one results view, so the runner finds it
    const file = fixtureUri('datasets', 'eval-validation.jsonl');
    const r = (await vscode.commands.executeCommand('tuneline.evaluateModel', { models: [ft], file, batch: false })) as EvalResult;
    const p = read(r.file);
    const wrong = p.rows.filter((x) => x.scores.normalized !== 1).map((x) => x.example).sort();
    assert.deepEqual(wrong, [3, 5, 7], 'the three changed references disagree');
    assert.equal(p.summary.models[0]!.means.exact, 5 / 8);
    const all = await runnerRequest({ type: 'count', selector: '#examples tbody tr', webview: true });
    if (!all) return; // no runner to drive the page
    await waitFor(async () => (await runnerRequest({ type: 'count', selector: '#examples tbody tr', webview: true }))?.value === 8, 'the 8 rows in the view');
    await runnerRequest({ type: 'click', selector: '#only-disagreements', webview: true });
    const shown = await runnerRequest({ type: 'count', selector: '#examples tbody tr', webview: true });
    assert.equal(shown?.value, 3, 'only the disagreements are listed');
    const diffs = await runnerRequest({ type: 'count', selector: '#examples tbody td.reference del', webview: true });
    assert.ok(Number(diffs?.value) >= 3, 'the reference shows the words the reply lacks');
    await runnerRequest({ type: 'click', selector: '#only-disagreements', webview: true });
    // sort: F1 of the model, worst first → a disagreement on top
    await runnerRequest({ type: 'click', selector: '#sort', webview: true });
    await runnerRequest({ type: 'press', keys: ['ArrowDown', 'Enter'] });
    const top = await runnerRequest({ type: 'text', selector: '#examples tbody tr:first-child .open-line', webview: true });
    assert.ok(['3', '5', '7'].includes(String(top?.value).trim()), `worst first: example ${String(top?.value)}`);
    await screenshot(`${testName(this)}`, 500);
    await runnerRequest({ type: 'click', selector: '#examples tbody tr:first-child .open-line', webview: true });
    const editor = await waitFor(() => vscode.window.visibleTextEditors.find((e) => e.document.uri.path.endsWith('/eval-validation.jsonl')), 'the dataset opens at the row');
    assert.equal(editor.selection.active.line + 1, Number(String(top?.value).trim()), 'at the row\'s line');
  });

  it('a 429 storm mid-run is retried (the client honours retry-after) and the run completes', async () => {
    c.api.requests.clear();
    const fault = c.api.faults.add({ kind: 'rate-limit', path: '^/chat/completions$', retryAfterMs: 50, skip: 20, count: 6 });
    const r = (await vscode.commands.executeCommand('tuneline.evaluateModel', { models: [ft], file: good(), batch: false, concurrency: 4, show: false })) as EvalResult;
    assert.equal(r.status, 'completed');
    const p = read(r.file);
    assert.equal(p.rows.length, 60);
    assert.equal(p.rows.filter((x) => x.error).length, 0, 'no request failed');
    assert.equal(fault.hits, 6);
    assert.equal(c.api.requests.count({ path: '^/chat/completions$', status: 429 }), 6);
    assert.equal(c.api.requests.count({ path: '^/chat/completions$', status: 200 }), 60);
    assert.equal(means(p, ft).means.exact, means(live!, ft).means.exact, 'same scores as without the storm');
    assert.ok(c.lines.some((l) => /get a chat reply: 429; retry 1 of 3 in 50 ms \(retry-after\)/.test(l)), 'the retries are logged');
  });

  it('cancel leaves a partial, valid results file', async () => {
    c.api.faults.add({ kind: 'latency', latencyMs: 150, path: '^/chat/completions$', count: 0 });
    const dir = vscode.Uri.joinPath(good(), '..').fsPath;
    const before = new Set(fs.readdirSync(dir));
    const running = vscode.commands.executeCommand('tuneline.evaluateModel', { models: [ft], file: good(), batch: false, concurrency: 2, show: false }) as Thenable<EvalResult>;
    const file = await waitFor(() => fs.readdirSync(dir).find((f) => !before.has(f) && /^good\.eval-/.test(f)), 'the results file');
    await waitFor(() => fs.readFileSync(`${dir}/${file}`, 'utf8').split('\n').length > 6, 'a few rows');
    const n = await vscode.commands.executeCommand('tuneline.evaluateModel.cancel');
    assert.equal(n, 1);
    const r = await running;
    assert.equal(r.status, 'cancelled');
    const p = read(r.file);
    assert.ok(p.rows.length > 0 && p.rows.length < 60, `partial: ${p.rows.length} rows`);
    assert.equal(p.finished, true);
    assert.equal(p.summary.status, 'cancelled');
    assert.equal(p.summary.models[0]!.scored, p.rows.length);
    await sleep(400);
    assert.equal(read(r.file).rows.length, p.rows.length, 'nothing written after the cancel');
  });

  it('a batch evaluation survives a restart (resumed from the saved batch id) and scores the same as the live one', async () => {
    assert.ok(live, 'the live run ran first');
    const started = vscode.commands.executeCommand('tuneline.evaluateModel', { models: [BASE, ft], file: good(), batch: true, pollIntervalMs: 100 }) as Thenable<EvalResult>;
    await waitFor(() => c.api.state.batches.size === 1, 'the batch at the provider');
    await waitFor(() => c.api.requests.count({ operation: '/batches/{batch_id}' }) >= 2, 'polling');
    // "Close the window": this window stops following the batch; the batch and the saved id stay.
    assert.equal(await vscode.commands.executeCommand('tuneline.evaluateModel.suspendBatches'), 1);
    const first = await started;
    assert.equal(first.status, 'suspended');
    assert.equal(read(first.file).rows.length, 0, 'no rows before the batch is done');
    // meanwhile the provider finishes the batch
    c.api.clock.runAll();
    const polls = c.api.requests.count({ operation: '/batches/{batch_id}' });
    const resumed = (await vscode.commands.executeCommand('tuneline.evaluateModel.resumeBatches', { pollIntervalMs: 100 })) as EvalResult[];
    assert.equal(resumed.length, 1, 'the saved batch is resumed');
    assert.ok(c.api.requests.count({ operation: '/batches/{batch_id}' }) > polls);
    const r = resumed[0]!;
    assert.equal(r.status, 'completed');
    assert.equal(r.batchId, first.batchId);
    assert.equal(r.file, first.file);
    const p = read(r.file);
    assert.equal(p.header.mode, 'batch');
    assert.equal(p.rows.length, 120);
    for (const model of [BASE, ft]) {
      assert.deepEqual(means(p, model).means, means(live!, model).means, `${model}: batch scores = live scores`);
    }
    console.log(`[eval] batch: fine-tuned exact ${means(p, ft).means.exact}; base exact ${means(p, BASE).means.exact}`);
    assert.deepEqual(await vscode.commands.executeCommand('tuneline.evaluateModel.resumeBatches'), [], 'nothing left to resume');
  });
});
