import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { countTokensInWorkers, DatasetIndex, splitLines } from '../../src/core';
import { activateExtension, fixtureUri, runnerRequest, screenshot, sleep, testName, waitFor, waitForWebviewText, webviewCount, webviewText } from './helpers';

/** The panel's charts can take a while under load: a longer wait than the shared default. */
const waitForStatsText = (selector: string, ok: (text: string) => boolean, what: string, timeoutMs = 60_000): Promise<string> =>
  waitForWebviewText(selector, ok, what, timeoutMs);

const fmt = (n: number) => n.toLocaleString('en-US');

describe('Dataset statistics view', function () {
  // Generous: the test machine may be busy, and the first exact token count loads the tokenizer.
  this.timeout(180_000);
  // These tests need the runner (playwright) to read and click inside the webview.
  before(async function () {
    if (!process.env.TUNELINE_TEST_ACK_DIR) this.skip();
    await activateExtension();
  });

  beforeEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('renders totals, roles, cost and both histograms of the active dataset', async function () {
    const uri = fixtureUri('datasets', 'good.jsonl');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const shown = await vscode.commands.executeCommand<vscode.Uri>('tuneline.showDatasetStats');
    assert.equal(shown?.toString(), uri.toString());

    // What the engine says about the file, computed here independently of the view.
    const model = vscode.workspace.getConfiguration('tuneline', uri).get<string>('model');
    const lines = splitLines(doc.getText());
    const index = DatasetIndex.fromText(doc.getText(), { model });
    const stats = index.stats();
    const exact = await countTokensInWorkers(lines, { model, workers: 1 });

    await waitForStatsText('#card-examples .card-value', (t) => t === fmt(stats.examples), 'the examples card');
    assert.equal(await webviewText('#file-name'), 'good.jsonl');
    // Exact counts replace the estimate once the worker is done.
    await waitForStatsText('#card-tokens .card-detail', (t) => t === 'exact count', 'exact token counts');
    assert.equal(await webviewText('#card-tokens .card-value'), fmt(exact.total));
    assert.match(String(await webviewText('#summary')), new RegExp(`supervised \\(inferred\\).*${model!.replace(/\./g, '\\.')}`));
    const cost = String(await webviewText('#card-cost'));
    assert.match(cost, /\$\d+\.\d\d/);
    assert.match(cost, new RegExp(`prices of ${stats.estimatedCost!.priceDate}`));
    assert.match(cost, new RegExp(`${stats.epochs} epochs`));
    assert.equal(await webviewText('#card-duplicates .card-value'), '0');
    assert.equal(await webviewText('#card-over-limit .card-value'), '0');
    const roles = String(await webviewText('#roles'));
    for (const role of ['system', 'user', 'assistant']) assert.match(roles, new RegExp(`${role}\\s+60`));

    // uPlot drew both charts on canvases, with VS Code's theme colours (no uPlot default colours).
    assert.equal(await webviewCount('#chart-tokens .uplot canvas'), 1);
    assert.equal(await webviewCount('#chart-turns .uplot canvas'), 1);
    assert.match(String(await webviewText('#chart-tokens figcaption')), new RegExp(`max ${Math.max(...exact.perLine)} tokens?`));
    await screenshot(testName(this), 800);
  });

  it('lists the examples of a clicked bar, and opens one at its line', async function () {
    const uri = fixtureUri('datasets', 'good.jsonl');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await vscode.commands.executeCommand('tuneline.showDatasetStats', uri);
    await waitForStatsText('#card-tokens .card-detail', (t) => t === 'exact count', 'the view with exact counts');

    // Every example has one assistant turn: one bar, in the middle of the turns chart. Click it.
    await runnerRequest({ type: 'click', selector: '#chart-turns .u-over', webview: true });
    await waitForStatsText('#examples-title', (t) => /Assistant turns per example: 1 turn — 60 examples/.test(t), 'the list of the bar’s examples');
    assert.equal(await webviewCount('.example-list li'), 60);
    const doc = await vscode.workspace.openTextDocument(uri);
    const fifth = String(await webviewText('.example-list li:nth-child(5)'));
    const user = (JSON.parse(doc.lineAt(4).text) as { messages: Array<{ role: string; content: string }> }).messages.find((x) => x.role === 'user')!;
    assert.match(fifth, /^Line 5\s+\d+ tokens · 1 turn\s/);
    assert.ok(fifth.includes(user.content), `the snippet shows the first user message: ${fifth}`);

    // A bar of the tokens chart lists only examples whose counts lie in its range.
    await runnerRequest({ type: 'click', selector: '#chart-tokens .u-over', webview: true });
    const title = await waitForStatsText('#examples-title', (t) => t.startsWith('Tokens per example'), 'a tokens bar’s examples');
    const m = /: (\d+)(?:–(\d+))? tokens? — (\d+) examples?/.exec(title);
    assert.ok(m, `title names the range: ${title}`);
    const [from, to, total] = [Number(m[1]), Number(m[2] ?? m[1]), Number(m[3])];
    const perLine = (await countTokensInWorkers(splitLines(doc.getText()), { model: vscode.workspace.getConfiguration('tuneline', uri).get<string>('model'), workers: 1 })).perLine;
    const expected = [...perLine.keys()].filter((l) => doc.lineAt(l).text.trim() && perLine[l]! >= from && perLine[l]! <= to);
    assert.equal(total, expected.length);
    assert.equal(await webviewCount('.example-list li'), expected.length);
    await screenshot(`${testName(this)}-tokens-bar`, 600);

    // Clicking an example opens the document at that line, the whole line selected.
    const target = expected[Math.min(2, expected.length - 1)]!;
    await runnerRequest({ type: 'click', selector: `.example-list button[data-line="${target}"]`, webview: true });
    const editor = await waitFor(
      () => {
        const e = vscode.window.activeTextEditor;
        return e && e.document.uri.toString() === uri.toString() && e.selection.start.line === target ? e : undefined;
      },
      `good.jsonl to open at line ${target + 1}`,
    );
    assert.equal(editor.selection.start.character, 0);
    assert.equal(editor.selection.end.line, target);
    assert.equal(editor.selection.end.character, doc.lineAt(target).text.length);
    await screenshot(testName(this), 600);
  });

  it('follows edits of the document, and shows one panel per document', async function () {
    const uri = fixtureUri('datasets', 'dups.jsonl');
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('tuneline.showDatasetStats');
    await waitForStatsText('#card-duplicates .card-value', (t) => t === '4', 'the duplicates of dups.jsonl');
    assert.equal(await webviewText('#card-examples .card-value'), '16');

    // Copy the first line once more at the end: one more example, one more duplicate.
    await editor.edit((b) => b.insert(new vscode.Position(doc.lineCount - 1, 0), `${doc.lineAt(0).text}\n`));
    await waitForStatsText('#card-examples .card-value', (t) => t === '17', 'the view to follow the edit');
    assert.equal(await webviewText('#card-duplicates .card-value'), '5');

    // Showing the statistics again reveals the same panel instead of opening a second one.
    await vscode.commands.executeCommand('tuneline.showDatasetStats', uri);
    await sleep(300);
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.label === 'Statistics: dups.jsonl');
    assert.equal(tabs.length, 1);
    await screenshot(testName(this), 600);

    // Leave the fixture as it was.
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(doc.isDirty, false);
  });

  it('keeps the selected bar when the view is hidden and shown again', async function () {
    const uri = fixtureUri('datasets', 'good.jsonl');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), vscode.ViewColumn.One);
    await vscode.commands.executeCommand('tuneline.showDatasetStats', uri);
    await waitForStatsText('#card-examples .card-value', (t) => t === '60', 'the view');
    await runnerRequest({ type: 'click', selector: '#chart-turns .u-over', webview: true });
    await waitForStatsText('#examples-title', (t) => /— 60 examples/.test(t), 'the bar’s examples');

    // Another editor on top of the panel: its page is unloaded (hidden webviews are not retained).
    const other = await vscode.workspace.openTextDocument(fixtureUri('datasets', 'dpo.jsonl'));
    await vscode.window.showTextDocument(other, vscode.ViewColumn.Two);
    await waitFor(async () => (await webviewCount('#examples-title')) === 0, 'the hidden page to go away');

    // Shown again, the page restores its selection from its state and lists the bar's examples again.
    await vscode.commands.executeCommand('tuneline.showDatasetStats', uri);
    await waitForStatsText('#examples-title', (t) => /Assistant turns per example: 1 turn — 60 examples/.test(t), 'the restored list');
    assert.equal(await webviewCount('.example-list li'), 60);
  });

  it('shows example text as text, never as markup', async () => {
    const uri = fixtureUri('datasets', 'markup.jsonl');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await vscode.commands.executeCommand('tuneline.showDatasetStats', uri);
    await waitForStatsText('#card-examples .card-value', (t) => t === '10', 'the view of markup.jsonl');
    await runnerRequest({ type: 'click', selector: '#chart-turns .u-over', webview: true });
    await waitForStatsText('#examples-title', (t) => /— 10 examples/.test(t), 'the bar’s examples');
    const third = String(await webviewText('.example-list li:nth-child(3)'));
    assert.ok(third.includes('Render <img src=x onerror="document.body.dataset.pwned=1"> and <script>'), third);
    assert.ok(String(await webviewText('.example-list li:nth-child(1)')).includes('what does <b>this</b> do?'));
    for (const tag of ['img', 'b', 'script']) assert.equal(await webviewCount(`#examples ${tag}`), 0, `no <${tag}> element from the data`);
    assert.equal(await webviewCount('body[data-pwned]'), 0);
  });

  it('redraws its charts in the new colours when the colour theme changes', async function () {
    const uri = fixtureUri('datasets', 'good.jsonl');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await vscode.commands.executeCommand('tuneline.showDatasetStats', uri);
    await waitForStatsText('#card-examples .card-value', (t) => t === '60', 'the view');
    const config = vscode.workspace.getConfiguration('workbench');
    const dark = vscode.window.activeColorTheme.kind === vscode.ColorThemeKind.Dark;
    const [theme, kind] = dark ? ['Default Light Modern', 'vscode-light'] : ['Default Dark Modern', 'vscode-dark'];
    assert.equal(await webviewCount(`#chart-tokens .plot[data-theme="${kind}"]`), 0);
    try {
      await config.update('colorTheme', theme, vscode.ConfigurationTarget.Global);
      await waitFor(async () => (await webviewCount(`#chart-tokens .plot[data-theme="${kind}"]`)) === 1, `the tokens chart redrawn for ${theme}`, 30_000);
      assert.equal(await webviewCount(`#chart-turns .plot[data-theme="${kind}"]`), 1);
      await screenshot(testName(this), 800);
    } finally {
      await config.update('colorTheme', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('refuses politely without a dataset', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The command's error boundary shows the message and resolves undefined.
    const r = await vscode.commands.executeCommand('tuneline.showDatasetStats');
    assert.equal(r, undefined);
  });
});
