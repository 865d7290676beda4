// The playground (issue 8) in the real VS Code, against the local OpenAI-shaped API: two models side by side, stop,
// safe rendering of model text, saving the conversation as an example (and undoing it), and "Try in playground".
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import OpenAI, { toFile } from 'openai';
import * as vscode from 'vscode';
import { startLocalApi, type LocalApi } from '../../tools/local-api';
import { genericReply } from '../../tools/local-api/chat';
import { validateText } from '../../src/core';
import type { TunelineApi } from '../../src/extension';
import type { Reply, SessionView } from '../../src/common/protocol/playground';
import { activateExtension, fixtureUri, runnerRequest, screenshot, testName, trustMode, waitFor, waitForWebviewText, webviewCount, webviewText } from './helpers';

const BASE = 'gpt-4.1-mini-2025-04-14';
const WORKSPACE_ORIGINAL = { provider: 'custom', baseUrl: 'http://127.0.0.1:9/workspace-chosen/v1' } as const;

/** The settings target that decides in this mode (workspace values win in a trusted workspace). */
function deciding(): vscode.ConfigurationTarget {
  return trustMode() === 'trusted' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

async function restoreSettings(): Promise<void> {
  const c = vscode.workspace.getConfiguration('tuneline');
  for (const k of ['provider', 'baseUrl']) await c.update(k, undefined, vscode.ConfigurationTarget.Global);
  if (trustMode() === 'trusted') {
    await c.update('provider', WORKSPACE_ORIGINAL.provider, vscode.ConfigurationTarget.Workspace);
    await c.update('baseUrl', WORKSPACE_ORIGINAL.baseUrl, vscode.ConfigurationTarget.Workspace);
  }
}

/**
 * After the undo: the file on disk and the document both hold `original` again, not dirty (if something saved the
 * document while the example was in it, the disk copy is put back first), so later tests see the fixture as it was.
 */
async function leaveClean(doc: vscode.TextDocument, original: string): Promise<void> {
  if (new TextDecoder().decode(await vscode.workspace.fs.readFile(doc.uri)) !== original) {
    await vscode.workspace.fs.writeFile(doc.uri, new TextEncoder().encode(original));
  }
  if (doc.isDirty) {
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  }
  await waitFor(() => !doc.isDirty && doc.getText() === original, 'the dataset to be as it was');
}

const replySel = (turn: number, column: number) => `.reply[data-turn="${turn}"][data-column="${column}"]`;

describe('Playground', function () {
  this.timeout(120_000);
  let api: LocalApi;
  let t: TunelineApi;
  let key: string;
  let ftModel: string;
  let chatUri: vscode.Uri;
  let chatLines: string[];

  before(async function () {
    // These tests need the runner (playwright) to type, click and read inside the webview.
    if (!process.env.TUNELINE_TEST_ACK_DIR) this.skip();
    t = await activateExtension();
    key = `sk-tuneline-test-${crypto.randomBytes(12).toString('hex')}`;
    // Replies stream word by word, 100 ms apart: slow enough to watch them arrive and to stop them.
    api = await startLocalApi({ key, streamDelayMs: 100 });

    // A fine-tuned model, trained (on the local API's clock) on the playground's chat fixture.
    chatUri = fixtureUri('datasets', 'playground-chat.jsonl');
    const data = await vscode.workspace.fs.readFile(chatUri);
    chatLines = new TextDecoder().decode(data).split('\n').filter((l) => l.trim());
    const sdk = new OpenAI({ apiKey: key, baseURL: api.baseURL });
    const file = await sdk.files.create({ file: await toFile(data, 'playground-chat.jsonl'), purpose: 'fine-tune' });
    const job = await sdk.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id, suffix: 'playground' });
    api.clock.runAll();
    const done = await sdk.fineTuning.jobs.retrieve(job.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    ftModel = done.fine_tuned_model!;

    await t.connection.provider.forgetConfirmedHosts();
    t.connection.provider.setHostPrompt(async () => true);
    const c = vscode.workspace.getConfiguration('tuneline');
    await c.update('provider', 'custom', deciding());
    await c.update('baseUrl', api.baseURL, deciding());
    assert.equal(await vscode.commands.executeCommand('tuneline.setApiKey', key, 'custom'), true);
  });

  after(async function () {
    if (!api) return;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    t.connection.provider.setHostPrompt(undefined);
    await vscode.commands.executeCommand('tuneline.clearApiKey', 'custom');
    await restoreSettings();
    await api.close();
  });

  beforeEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor(() => t.playground.session() === undefined, 'the playground to close');
    api.faults.clear();
  });

  /** Waits until the open playground is idle with every reply of `turn` finished. */
  async function settled(turn: number): Promise<SessionView> {
    return waitFor(
      () => {
        const s = t.playground.session();
        const replies = s?.turns[turn]?.replies;
        return s && !s.busy && replies?.length && replies.every((r) => r && r.status !== 'waiting' && r.status !== 'streaming') ? s : undefined;
      },
      `the replies to turn ${turn + 1}`,
      30_000,
    ).catch((e: unknown) => {
      // what the session held, for the failure report
      const s = t.playground.session();
      throw new Error(`${(e as Error).message}; session: ${JSON.stringify(s && { busy: s.busy, models: s.models, turns: s.turns.map((x) => x.replies) })}`);
    });
  }

  async function openWith(models: string[]): Promise<void> {
    await vscode.commands.executeCommand('tuneline.openPlayground', { models });
    // The columns show each model's kind once the model list has arrived.
    await waitForWebviewText('#columns', (x) => x.split('\n').filter((l) => /^(base model|fine-tuned)$/.test(l.trim())).length === models.length, 'the model columns');
    assert.deepEqual(t.playground.session()!.models, models);
    assert.equal(await webviewCount('.model-input'), models.length);
    for (const [i, m] of models.entries()) assert.equal(await webviewCount(`.model-input[data-column="${i}"][value="${m}"]`), 1);
  }

  async function sendWithKeyboard(text: string): Promise<void> {
    await runnerRequest({ type: 'fill', selector: '#input', text, webview: true });
    await runnerRequest({ type: 'press', keys: ['Enter'] });
  }

  it('streams different replies from a base and a fine-tuned model side by side, with usage, over two turns', async function () {
    await openWith([BASE, ftModel]);
    // The model list: the fine-tuned model, its job's checkpoints, the catalogue's base models.
    const options = await waitFor(() => {
      const m = t.playground.models();
      return m && !m.loading ? m.options : undefined;
    }, 'the model list');
    assert.equal(options.find((o) => o.id === ftModel)?.kind, 'fine-tuned');
    assert.ok(options.some((o) => o.kind === 'checkpoint' && o.id.startsWith(`${ftModel}:ckpt-step-`)), 'the checkpoints are offered');
    assert.equal(options.find((o) => o.id === BASE)?.kind, 'base');
    // Watch the replies arrive: partial texts while streaming.
    const seen: Array<{ column: number; status: Reply['status']; length: number }> = [];
    const watch = t.playground.onDidChange(() => {
      t.playground.session()?.turns[0]?.replies.forEach((r, column) => r && seen.push({ column, status: r.status, length: r.text.length }));
    });
    const question = 'What are your opening hours?';
    // Shift+Enter adds a line; Enter sends.
    await runnerRequest({ type: 'fill', selector: '#input', text: 'What are your', webview: true });
    await runnerRequest({ type: 'press', keys: ['Shift+Enter'] });
    await runnerRequest({ type: 'type', text: 'opening hours?' });
    await runnerRequest({ type: 'press', keys: ['Enter'] });
    const s = await settled(0);
    watch.dispose();
    assert.equal(s.turns[0]!.user, 'What are your\nopening hours?');

    const [base, ft] = s.turns[0]!.replies as Reply[];
    const trained = JSON.parse(chatLines.find((l) => l.includes(question))!).messages[2].content as string;
    assert.equal(base!.status, 'done');
    assert.equal(ft!.status, 'done');
    assert.equal(base!.text, genericReply(BASE, 'What are your\nopening hours?'));
    assert.equal(ft!.text, trained, 'the fine-tuned model answers from its training data');
    assert.notEqual(base!.text, ft!.text);
    for (const r of [base!, ft!]) {
      assert.ok(r.usage && !r.usage.estimated && r.usage.completion > 0 && r.usage.total === r.usage.prompt + r.usage.completion, `usage from the endpoint: ${JSON.stringify(r.usage)}`);
    }
    // Both streamed: partial texts were seen for each column before the whole reply.
    for (const column of [0, 1]) {
      const full = column === 0 ? base!.text.length : ft!.text.length;
      assert.ok(seen.some((x) => x.column === column && x.status === 'streaming' && x.length > 0 && x.length < full), `column ${column} streamed`);
    }

    // The page shows both replies next to each other, with their usage; the key is nowhere in it.
    assert.equal(await waitForWebviewText(`${replySel(0, 1)} .reply-body`, (x) => x.trim() === trained, 'the fine-tuned reply'), trained);
    assert.match(String(await webviewText(`${replySel(0, 0)} .reply-body`)), /Hello! This is gpt-4\.1-mini/);
    assert.match(String(await webviewText(`${replySel(0, 1)} .usage`)), new RegExp(`^${ft!.usage!.completion} completion \\+ ${ft!.usage!.prompt} prompt = ${ft!.usage!.total} tokens$`));
    assert.ok(!String(await webviewText('body')).includes(key));
    await screenshot(`${testName(this)}-side-by-side`, 500);

    // A second turn goes to both columns, with the conversation so far.
    await sendWithKeyboard('Do you ship abroad?');
    const s2 = await settled(1);
    assert.equal(s2.turns.length, 2);
    for (const r of s2.turns[1]!.replies) assert.equal(r?.status, 'done');
    assert.notEqual(s2.turns[1]!.replies[1]!.text, s2.turns[0]!.replies[1]!.text);
    await waitForWebviewText(`${replySel(1, 1)} .reply-body`, (x) => x.trim() === s2.turns[1]!.replies[1]!.text, 'the second turn on the page');
    await screenshot(`${testName(this)}-two-turns`, 300);
  });

  it('Stop aborts every stream, keeps what arrived, and marks the replies stopped', async function () {
    // Two base models: their long generic replies take seconds to stream (100 ms a word), plenty of time to stop.
    const OTHER = 'gpt-4o-mini-2024-07-18';
    await openWith([BASE, OTHER]);
    const prompt = 'Tell me everything about your return policy, please.';
    await sendWithKeyboard(prompt);
    // Wait until both columns have part of their reply, then press Stop like a person.
    await waitFor(() => {
      const r = t.playground.session()?.turns[0]?.replies;
      return r?.every((x) => x?.status === 'streaming' && x.text.length > 0);
    }, 'both replies to be streaming');
    await runnerRequest({ type: 'click', selector: '#stop', webview: true });
    const s = await settled(0);
    for (const [column, model] of [BASE, OTHER].entries()) {
      const r = s.turns[0]!.replies[column]!;
      const full = genericReply(model, prompt);
      assert.equal(r.status, 'stopped', `column ${column}`);
      assert.ok(r.text.length > 0 && r.text.length < full.length && full.startsWith(r.text), `a prefix of ${model}'s reply: ${JSON.stringify(r.text)}`);
      assert.ok(r.usage?.estimated, 'a stopped stream has no usage from the endpoint: it is estimated, and says so');
    }
    await waitForWebviewText(`${replySel(0, 0)} .reply-status`, (x) => x === 'Stopped', 'the page to show Stopped');
    assert.match(String(await webviewText(`${replySel(0, 1)} .usage`)), /^≈ .* \(estimated: the endpoint sent no usage\)$/);
    assert.equal(await webviewCount('#stop:not([hidden])'), 0, 'the Stop button is hidden again');
    // Nothing else arrives after the stop.
    const frozen = t.playground.session()!.turns[0]!.replies.map((r) => r!.text);
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(t.playground.session()!.turns[0]!.replies.map((r) => r!.text), frozen);
    await screenshot(testName(this), 300);
  });

  it('shows raw HTML from a model as text (no img element), and renders markdown', async function () {
    await openWith([BASE]);
    // The local API's base models echo the prompt in their reply.
    const prompt = '**bold** `code` <img src=x onerror=alert(1)>';
    await sendWithKeyboard(prompt);
    const s = await settled(0);
    assert.ok(s.turns[0]!.replies[0]!.text.includes('<img src=x onerror=alert(1)>'), 'the reply holds the raw HTML');
    const body = await waitForWebviewText(`${replySel(0, 0)} .reply-body`, (x) => x.includes('<img src=x onerror=alert(1)>'), 'the HTML shown as text');
    assert.ok(body.includes('<img src=x onerror=alert(1)>'));
    assert.equal(await webviewCount('img'), 0, 'no img element anywhere in the page');
    assert.equal(await webviewCount('.reply-body script, .reply-body [onerror]'), 0);
    assert.equal(await webviewText(`${replySel(0, 0)} .reply-body strong`), 'bold');
    assert.equal(await webviewText(`${replySel(0, 0)} .reply-body code`), 'code');
    await screenshot(testName(this), 300);
  });

  it('saves the conversation (with an edited reply) as one engine-clean chat line, and undo removes it', async function () {
    await openWith([BASE, ftModel]);
    await sendWithKeyboard('How do I reset my password?');
    await settled(0);
    // Correct the fine-tuned reply in the page first.
    const corrected = 'Go to Settings → Account → Reset password; we email you a link that works for 24 hours.';
    await runnerRequest({ type: 'click', selector: `${replySel(0, 1)} .edit-reply`, webview: true });
    await runnerRequest({ type: 'fill', selector: `${replySel(0, 1)} .edit-area`, text: corrected, webview: true });
    await runnerRequest({ type: 'click', selector: `${replySel(0, 1)} .done-edit`, webview: true });
    await waitFor(() => t.playground.session()?.turns[0]?.replies[1]?.edited, 'the edit to reach the host');
    await waitForWebviewText(`${replySel(0, 1)} .reply-body`, (x) => x.trim() === corrected, 'the edited reply on the page');
    await runnerRequest({ type: 'fill', selector: '#system', text: 'You are Clara, the friendly support assistant of Example Shop.', webview: true });
    await waitFor(() => t.playground.session()?.system.startsWith('You are Clara'), 'the system prompt to reach the host');

    const doc = await vscode.workspace.openTextDocument(chatUri);
    const original = doc.getText();
    const result = await vscode.commands.executeCommand<{ line: number; method: string; problems: unknown[] }>('tuneline.playground.saveAsExample', { column: 1, uri: chatUri });
    assert.ok(result, 'the command returns what it did');
    assert.equal(result.method, 'supervised');
    assert.equal(result.line, chatLines.length);
    assert.deepEqual(result.problems, []);
    // One line more, at the end, in the chat format, with the edited reply.
    assert.equal(doc.getText(), `${original}${JSON.stringify({
      messages: [
        { role: 'system', content: 'You are Clara, the friendly support assistant of Example Shop.' },
        { role: 'user', content: 'How do I reset my password?' },
        { role: 'assistant', content: corrected },
      ],
    })}\n`);
    const report = validateText(doc.getText(), { model: vscode.workspace.getConfiguration('tuneline', chatUri).get('model') });
    assert.deepEqual(report.problems.filter((p) => p.line === result.line), [], 'the engine finds nothing wrong with the new line');
    await waitForWebviewText('#notice', (x) => x.includes('no problems'), 'the page to report the check');

    // Undo in the editor removes it again.
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await waitFor(() => doc.getText() === original, 'undo to remove the line');
    await leaveClean(doc, original);
    await screenshot(testName(this), 300);
  });

  it('saves a DPO example (chosen reply preferred, the other non-preferred) to a file without a final newline', async function () {
    await openWith([BASE, ftModel]);
    await sendWithKeyboard('What are your opening hours?');
    const s = await settled(0);
    const uri = fixtureUri('datasets', 'playground-dpo.jsonl');
    const doc = await vscode.workspace.openTextDocument(uri);
    const original = doc.getText();
    assert.ok(!original.endsWith('\n'));
    // The page's button on the fine-tuned reply asks which file: answer the quick pick like a person.
    await runnerRequest({ type: 'click', selector: `${replySel(0, 1)} .save-example`, webview: true });
    await waitFor(async () => {
      const r = await runnerRequest({ type: 'count', selector: '.quick-input-widget:not([style*="display: none"]) .quick-input-list .monaco-list-row' });
      return Number(r?.value ?? 0) > 0;
    }, 'the dataset quick pick');
    await runnerRequest({ type: 'type', text: 'playground-dpo' });
    await runnerRequest({ type: 'press', keys: ['Enter'] });
    await waitFor(() => doc.getText() !== original, 'the example to be appended');
    const lines = doc.getText().split('\n');
    assert.equal(lines.length, original.split('\n').length + 1);
    assert.equal(lines.slice(0, -1).join('\n'), original, 'the old lines are untouched');
    const added = JSON.parse(lines[lines.length - 1]!);
    assert.deepEqual(added, {
      input: { messages: [{ role: 'user', content: 'What are your opening hours?' }] },
      preferred_output: [{ role: 'assistant', content: s.turns[0]!.replies[1]!.text }],
      non_preferred_output: [{ role: 'assistant', content: s.turns[0]!.replies[0]!.text }],
    });
    const report = validateText(doc.getText(), { model: vscode.workspace.getConfiguration('tuneline', uri).get('model') });
    assert.equal(report.method, 'dpo');
    // The line is a clean DPO example. Two file-level remarks: every other example of this file has a system prompt
    // and the conversation had none (TL-08); and the fine-tuned model answers from its training data, so the pair
    // repeats line 2's question and preferred answer: a near-duplicate of line 2 (TL-22, system prompts aside).
    const onNew = report.problems.filter((p) => p.line === lines.length - 1);
    assert.deepEqual(onNew.map((p) => p.code).sort(), ['inconsistent-system-prompt', 'near-duplicate']);
    assert.equal(s.turns[0]!.replies[1]!.text, JSON.parse(lines[1]!).preferred_output[0].content, 'the fine-tuned reply is line 2\'s answer');
    assert.deepEqual(onNew.find((p) => p.code === 'near-duplicate')!.related?.map((r) => r.line), [1], 'it names line 2');

    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    await waitFor(() => doc.getText() === original, 'undo to remove the line');
    await leaveClean(doc, original);
  });

  it('"Try in playground" (code lens) loads a dataset line up to its last assistant turn, next to the dataset’s reply', async function () {
    const doc = await vscode.workspace.openTextDocument(chatUri);
    const editor = await vscode.window.showTextDocument(doc);
    const tryLenses = async (): Promise<vscode.CodeLens[]> =>
      ((await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', chatUri)) ?? []).filter(
        (x) => x.command?.command === 'tuneline.tryInPlayground',
      );
    // The lens sits above the example the cursor is on, and follows the cursor.
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    await waitFor(async () => {
      const l = await tryLenses();
      return l.length === 1 && l[0]!.range.start.line === 1;
    }, 'one lens, on the cursor line 2');
    editor.selection = new vscode.Selection(3, 5, 3, 5);
    const lenses = await waitFor(async () => {
      const l = await tryLenses();
      return l.length === 1 && l[0]!.range.start.line === 3 ? l : undefined;
    }, 'the lens to follow the cursor to line 4');
    assert.equal(lenses.length, 1, 'one lens: on the cursor line only, not above every example');
    const lens = lenses[0]!;
    assert.match(lens.command!.title, /Try in playground/);
    await vscode.commands.executeCommand('tuneline.openPlayground', { models: [BASE, ftModel] });
    await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));

    const line = JSON.parse(chatLines[3]!) as { messages: Array<{ role: string; content: string }> };
    const s = await waitFor(() => (t.playground.session()?.source?.includes('line 4') ? t.playground.session() : undefined), 'the line in the playground');
    assert.equal(s.system, line.messages[0]!.content);
    assert.equal(s.turns.length, 1);
    assert.equal(s.turns[0]!.user, line.messages[1]!.content);
    assert.equal(s.turns[0]!.expected, line.messages[2]!.content);
    assert.deepEqual(s.turns[0]!.replies, [null, null]);
    await waitForWebviewText('.reply.expected .reply-body', (x) => x.trim() === line.messages[2]!.content, 'the dataset’s reply on the page');
    assert.match(String(await webviewText('#source')), /playground-chat\.jsonl, line 4/);

    // Ask the models: the fine-tuned one answers like the dataset.
    await runnerRequest({ type: 'click', selector: '#run', webview: true });
    const done = await settled(0);
    assert.equal(done.turns[0]!.replies[1]!.text, line.messages[2]!.content);
    assert.notEqual(done.turns[0]!.replies[0]!.text, line.messages[2]!.content);
    await screenshot(testName(this), 500);

    // The editor context menu's command works from the cursor line too.
    const again = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    again.selection = new vscode.Selection(7, 0, 7, 0);
    await vscode.commands.executeCommand('tuneline.tryInPlayground', chatUri);
    const s8 = await waitFor(() => (t.playground.session()?.source?.includes('line 8') ? t.playground.session() : undefined), 'line 8 in the playground');
    assert.equal(s8.turns[0]!.expected, (JSON.parse(chatLines[7]!) as { messages: Array<{ content: string }> }).messages[2]!.content);
  });

  it('keeps the conversation when the panel is hidden and shown again', async function () {
    await openWith([ftModel]);
    await sendWithKeyboard('What are your opening hours?');
    const s = await settled(0);
    // Hide it behind a text editor in the same group, then show it again.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(chatUri), { viewColumn: vscode.ViewColumn.Active });
    await vscode.commands.executeCommand('tuneline.openPlayground');
    await waitForWebviewText(`${replySel(0, 0)} .reply-body`, (x) => x.trim() === s.turns[0]!.replies[0]!.text, 'the reply after showing the panel again');
    assert.equal(t.playground.session()!.turns.length, 1);
  });
});

describe('Playground (Azure OpenAI)', function () {
  this.timeout(120_000);
  let api: LocalApi;
  let t: TunelineApi;
  let ftModel: string;
  let trained: string;

  before(async function () {
    if (!process.env.TUNELINE_TEST_ACK_DIR) this.skip();
    t = await activateExtension();
    const key = `sk-tuneline-test-${crypto.randomBytes(12).toString('hex')}`;
    api = await startLocalApi({ flavour: 'azure', key, streamDelayMs: 20 });
    const uri = fixtureUri('datasets', 'playground-chat.jsonl');
    const data = await vscode.workspace.fs.readFile(uri);
    trained = JSON.parse(new TextDecoder().decode(data).split('\n')[1]!).messages[2].content;
    const sdk = new OpenAI({ apiKey: key, baseURL: api.baseURL, defaultHeaders: { 'api-key': key } });
    const file = await sdk.files.create({ file: await toFile(data, 'playground-chat.jsonl'), purpose: 'fine-tune' });
    const job = await sdk.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id, suffix: 'pg' });
    api.clock.runAll();
    ftModel = (await sdk.fineTuning.jobs.retrieve(job.id)).fine_tuned_model!;
    assert.ok(ftModel);
    // As on Azure: a fine-tuned model answers only through a deployment, which the settings map it to.
    api.deploy('pg-ft', ftModel);
    await t.connection.provider.forgetConfirmedHosts();
    t.connection.provider.setHostPrompt(async () => true);
    const c = vscode.workspace.getConfiguration('tuneline');
    await c.update('provider', 'azure', deciding());
    await c.update('azure.endpoint', api.url, deciding());
    await c.update('azure.deployments', { [ftModel]: 'pg-ft' }, vscode.ConfigurationTarget.Global);
    assert.equal(await vscode.commands.executeCommand('tuneline.setApiKey', key, 'azure'), true);
  });

  after(async function () {
    if (!api) return;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    t.connection.provider.setHostPrompt(undefined);
    await vscode.commands.executeCommand('tuneline.clearApiKey', 'azure');
    const c = vscode.workspace.getConfiguration('tuneline');
    await c.update('azure.deployments', undefined, vscode.ConfigurationTarget.Global);
    await c.update('azure.endpoint', undefined, vscode.ConfigurationTarget.Global);
    if (trustMode() === 'trusted') await c.update('azure.endpoint', undefined, vscode.ConfigurationTarget.Workspace);
    await restoreSettings();
    await api.close();
  });

  it('offers the Azure deployment and chats with the fine-tuned model through it, next to a base model', async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('tuneline.openPlayground', { models: [BASE, ftModel] });
    const options = await waitFor(() => {
      const m = t.playground.models();
      return m && !m.loading ? m.options : undefined;
    }, 'the model list');
    assert.deepEqual(options.find((o) => o.id === ftModel), { id: ftModel, kind: 'deployment', detail: 'Azure deployment pg-ft' });
    await waitForWebviewText('#columns', (x) => x.includes('Azure deployment'), 'the deployment column');
    await runnerRequest({ type: 'fill', selector: '#input', text: 'What are your opening hours?', webview: true });
    await runnerRequest({ type: 'press', keys: ['Enter'] });
    const s = await waitFor(() => {
      const x = t.playground.session();
      return x && !x.busy && x.turns[0]?.replies.every((r) => r?.status === 'done') ? x : undefined;
    }, 'both replies');
    // The fine-tuned model is not deployed under its own id (that would be a 404 DeploymentNotFound): its reply
    // came through the deployment the settings map it to.
    assert.equal(s.turns[0]!.replies[1]!.text, trained);
    assert.match(s.turns[0]!.replies[0]!.text, /^Hello! This is gpt-4\.1-mini/);
    await waitForWebviewText(`${replySel(0, 1)} .reply-body`, (x) => x.trim() === trained, 'the deployment’s reply on the page');
    await screenshot(testName(this), 300);
  });
});
