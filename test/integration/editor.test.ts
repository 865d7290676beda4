import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { getEncoder, lineTokens, resolveModel, validateText } from '../../src/core';
import { fmtInt, fmtPercent, fmtUsd } from '../../src/core/format';
import { activateExtension, EXTENSION_ID, fixtureUri, runnerRequest, screenshot, testName, waitFor } from './helpers';

const MODEL = 'gpt-4o-mini-2024-07-18'; // the fixture workspace's tuneline.model

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Tuneline');
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

/** Exact tokens of each line, as the engine's TOK-02 counts them. */
function exactTokens(text: string): number[] {
  const model = resolveModel(MODEL);
  const opts = { encoder: getEncoder(model.encoding), funcInit: model.info.funcInit };
  return text.split('\n').map((l) => lineTokens(l, opts) ?? 0);
}

async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  const texts = (hovers ?? []).flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)));
  const ours = texts.filter((t) => /\*\*Example \d/.test(t));
  assert.equal(ours.length, 1, `one Tuneline hover: ${JSON.stringify(texts)}`);
  return ours[0]!;
}

describe('Dataset hover and status bar', () => {
  before(async () => {
    await activateExtension();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows the status bar for JSONL files: examples, tokens (estimated, then exact), cost, errors', async function () {
    const api = await activateExtension();
    const uri = fixtureUri('datasets', 'broken.jsonl');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const first = await waitFor(() => (api.datasets.statusBar.visible ? api.datasets.statusBar.text : undefined), 'the status bar item');
    assert.match(first, /^\$\(error\) 12 examples · ~?[\d,.k]+ tokens · ~?\$[\d.]+ · 5 errors$/);
    assert.equal(api.datasets.statusBar.command, 'tuneline.showDatasetStats');

    // Exact counts arrive from the worker threads when the file is idle; the `~` goes.
    await waitFor(() => api.datasets.tokensExact(uri), 'exact token counts', 30_000);
    await waitFor(() => !api.datasets.statusBar.text.includes('~'), 'the status bar to show exact counts');
    const report = validateText(doc.getText(), { model: MODEL, tokens: true });
    const total = exactTokens(doc.getText()).reduce((a, b) => a + b, 0);
    assert.equal(report.tokens?.total, total);
    assert.ok(report.estimatedCost);
    assert.equal(api.datasets.statusBar.text, `$(error) 12 examples · ${fmtInt(total)} tokens · ${fmtUsd(report.estimatedCost.usd)} · 5 errors`);
    assert.match(api.datasets.statusBar.tooltip, /gpt-4o-mini-2024-07-18/);
    assert.match(api.datasets.statusBar.tooltip, new RegExp(`for ${report.estimatedCost.epochs} epochs`));

    // What the person sees in the status bar: the workbench renders the item's new text a moment after the model
    // changes it, so wait for the exact counts to be drawn (the same pattern must match).
    const seen = /12 examples · [\d,]+ tokens · \$[\d.]+ · 5 errors/;
    let shown: string | undefined;
    if (process.env.TUNELINE_TEST_ACK_DIR) {
      await waitFor(async () => {
        const r = await runnerRequest({ type: 'text', selector: '.statusbar-item.right:has-text(" examples · ")' });
        shown = r === undefined ? undefined : String(r.value);
        return shown !== undefined && seen.test(shown);
      }, 'the status bar to draw the exact counts').catch((e: Error) => {
        throw new Error(`${e.message} (shown: ${JSON.stringify(shown)})`);
      });
    }
    await screenshot(testName(this));

    // A clean file: check mark, no errors.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(fixtureUri('datasets', 'good.jsonl')));
    await waitFor(() => api.datasets.statusBar.text.startsWith('$(check) 60 examples'), 'the status of good.jsonl');
    assert.match(api.datasets.statusBar.text, / · 0 errors$/);

    // Not a JSONL file: hidden.
    const txt = fixtureUri('notes.txt');
    fs.writeFileSync(txt.fsPath, 'hello');
    try {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(txt));
      await waitFor(() => !api.datasets.statusBar.visible, 'the item to hide for a text file');
    } finally {
      fs.rmSync(txt.fsPath, { force: true });
    }
  });

  it('hovers a line with its tokens, share of the cost and turns', async function () {
    const api = await activateExtension();
    const uri = fixtureUri('datasets', 'good.jsonl');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await waitFor(() => api.datasets.isChecked(uri), 'good.jsonl to be checked');

    const early = await hoverText(uri, new vscode.Position(0, 10));
    assert.match(early, /^\*\*Example 1\*\* · line 1 · gpt-4o-mini-2024-07-18/);
    assert.match(early, /- Tokens: ~?[\d,]+ \((exact|estimate)\)/);
    assert.match(early, /- Turns: 1 assistant turn in 3 messages \(system, user, assistant\)/);

    await waitFor(() => api.datasets.tokensExact(uri), 'exact token counts', 30_000);
    const perLine = exactTokens(doc.getText());
    const total = perLine.reduce((a, b) => a + b, 0);
    const text = await hoverText(uri, new vscode.Position(4, 3));
    assert.match(text, /^\*\*Example 5\*\* · line 5/);
    assert.ok(text.includes(`- Tokens: ${fmtInt(perLine[4]!)} (exact)`), text);
    assert.ok(text.includes(`- Share of the file's cost: ${fmtPercent(perLine[4]! / total)} (≈ `), text);
    assert.doesNotMatch(text, /Over the/);

    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(4, 20, 4, 20) });
    await vscode.commands.executeCommand('editor.action.showHover');
    const shown = await runnerRequest({ type: 'text', selector: '.monaco-hover' });
    if (shown) assert.match(String(shown.value), /Example 5/);
    await screenshot(testName(this), 600);
  });

  it('says by how much an example is over the model’s limit', async () => {
    const api = await activateExtension();
    const long = `{"messages":[{"role":"user","content":"Summarise."},{"role":"assistant","content":"${'word '.repeat(70_000)}"}]}`;
    const uri = fixtureUri('datasets', 'scratch-long.jsonl');
    fs.writeFileSync(uri.fsPath, `${long}\n`);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await waitFor(() => ours(doc.uri).some((d) => codeOf(d) === 'example-too-long'), 'the limit diagnostic');
    const tokens = exactTokens(long)[0]!;
    const limit = resolveModel(MODEL).limit;
    assert.ok(tokens > limit);
    const text = await hoverText(doc.uri, new vscode.Position(0, 5));
    assert.ok(text.includes(`- Tokens: ${fmtInt(tokens)} (exact)`), text);
    assert.ok(text.includes(`Over the ${fmtInt(limit)}-token training-example limit by **${fmtInt(tokens - limit)}** tokens`), text);
    // One example: the file-level "at least 10 examples" error; the tokens are exact (the limit check counted them).
    assert.equal(api.datasets.statusBar.text.split(' · ').slice(0, 2).join(' · '), `$(error) 1 example · ${(tokens / 1000).toFixed(1)}k tokens`);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    fs.rmSync(uri.fsPath, { force: true });
  });
});

describe('Check JSONL file on disk', () => {
  before(async () => {
    await activateExtension();
  });

  it('is offered in the explorer for .jsonl and .ndjson files', () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { menus: Record<string, { command: string; when?: string }[]>; commands: { command: string; category?: string }[] };
    };
    const entry = pkg.contributes.menus['explorer/context']?.find((m) => m.command === 'tuneline.validateFileOnDisk');
    assert.ok(entry?.when, 'an explorer context menu entry with a when clause');
    assert.match(entry.when, /resourceExtname =~ \/\^\\\.\(jsonl\|ndjson\)\$\/i/);
    assert.match(entry.when, /!explorerResourceIsFolder/);
    assert.equal(pkg.contributes.commands.find((c) => c.command === 'tuneline.validateFileOnDisk')?.category, 'Tuneline');
  });

  it('streams a file that is not open and fills the Problems panel', async function () {
    const uri = fixtureUri('datasets', 'disk-only.jsonl');
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), 'the file is not open');
    const result = await vscode.commands.executeCommand<{ examples: number; errors: number; warnings: number; tokens?: number; tokensExact: boolean; published: boolean }>(
      'tuneline.validateFileOnDisk',
      uri,
    );
    assert.ok(result, 'the command returns its summary');
    assert.deepEqual(
      { examples: result.examples, errors: result.errors, warnings: result.warnings, published: result.published, exact: result.tokensExact },
      { examples: 6, errors: 6, warnings: 1, published: true, exact: true },
    );
    const text = fs.readFileSync(uri.fsPath, 'utf8');
    assert.equal(result.tokens, exactTokens(text).reduce((a, b) => a + b, 0));

    const ds = await waitFor(() => (ours(uri).length === 7 ? ours(uri) : undefined), 'the problems of disk-only.jsonl');
    const role = ds.find((d) => codeOf(d) === 'invalid-role');
    assert.ok(role);
    assert.deepEqual([role.range.start.line, role.range.start.character, role.range.end.character], [1, 158, 170]);
    assert.equal(text.split('\n')[1]!.slice(158, 170), '"assistant "');
    const dup = ds.find((d) => codeOf(d) === 'duplicate-example');
    assert.equal(dup?.range.start.line, 4);
    assert.equal(dup?.relatedInformation?.[0]?.location.range.start.line, 0);
    assert.ok(ds.some((d) => codeOf(d) === 'invalid-json' && d.range.start.line === 2));
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), 'still not open');

    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await screenshot(testName(this), 800);

    // Opening the file hands it over to the live diagnostics of its editor (same problems, no duplicates).
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const api = await activateExtension();
    await waitFor(() => api.datasets.isChecked(uri), 'the editor to check it');
    await waitFor(() => ours(uri).length === 7, 'the same 7 problems, once');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });

  it('checks a file over 50 MB, which the editor cannot open for extensions', async function () {
    this.timeout(240_000);
    const uri = fixtureUri('datasets', 'big-generated.jsonl');
    const line = (i: number) =>
      `{"messages":[{"role":"system","content":"You are Clara, the support assistant of Example Shop."},{"role":"user","content":"Question number ${i}: where is my order, and when will it arrive?"},{"role":"assistant","content":"Order ${i} left our warehouse today and arrives within three working days."}]}`;
    const n = 200_000;
    const bad = 150_000;
    const fd = fs.openSync(uri.fsPath, 'w');
    try {
      const chunk: string[] = [];
      for (let i = 0; i < n; i++) {
        chunk.push(i === bad ? line(i).replace('"role":"user"', '"role":"usre"') : line(i));
        if (chunk.length === 10_000) {
          fs.writeSync(fd, chunk.join('\n') + '\n');
          chunk.length = 0;
        }
      }
      if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
    } finally {
      fs.closeSync(fd);
    }
    try {
      const size = fs.statSync(uri.fsPath).size;
      assert.ok(size > 50 * 1024 * 1024, `the file is over 50 MB (${size} bytes)`);
      const started = Date.now();
      const result = await vscode.commands.executeCommand<{ examples: number; errors: number; published: boolean }>('tuneline.validateFileOnDisk', uri);
      assert.ok(result);
      assert.equal(result.examples, n);
      assert.equal(result.published, true);
      const d = await waitFor(() => ours(uri).find((x) => codeOf(x) === 'invalid-role'), 'the role problem deep in the big file');
      assert.equal(d.range.start.line, bad);
      assert.equal(result.errors, 1);
      this.test!.title += ` (${Math.round((Date.now() - started) / 100) / 10} s)`;
    } finally {
      fs.rmSync(uri.fsPath, { force: true });
    }
  });
});
