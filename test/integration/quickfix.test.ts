import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, fixtureUri, runnerRequest, screenshot, sleep, testName, waitFor } from './helpers';

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Tuneline');
}

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

async function open(name: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(fixtureUri('datasets', name));
  await vscode.window.showTextDocument(doc);
  return doc;
}

async function diagnostic(doc: vscode.TextDocument, line: number, code: string): Promise<vscode.Diagnostic> {
  return waitFor(() => ours(doc.uri).find((d) => d.range.start.line === line && codeOf(d) === code), `${code} on line ${line + 1}`);
}

/** The quick fixes VS Code collects for a diagnostic's range (all providers), as the light bulb would. */
async function quickFixes(doc: vscode.TextDocument, d: vscode.Diagnostic): Promise<vscode.CodeAction[]> {
  const all = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    'vscode.executeCodeActionProvider',
    doc.uri,
    d.range,
    vscode.CodeActionKind.QuickFix.value,
  );
  return (all ?? []).filter((a): a is vscode.CodeAction => 'kind' in a || 'edit' in a);
}

function action(actions: readonly vscode.CodeAction[], title: string | RegExp): vscode.CodeAction {
  const a = actions.find((x) => (typeof title === 'string' ? x.title === title : title.test(x.title)));
  assert.ok(a, `a quick fix "${String(title)}" among: ${actions.map((x) => x.title).join(' | ')}`);
  assert.ok(a.kind && vscode.CodeActionKind.QuickFix.contains(a.kind), 'it is a quick fix');
  assert.ok(a.edit, 'it is a workspace edit (undoable)');
  return a;
}

/** Applies the action's edit, runs `check`, then one `undo` must restore the text exactly. */
async function applyAndUndo(doc: vscode.TextDocument, a: vscode.CodeAction, check: () => void | Promise<void>): Promise<void> {
  const before = doc.getText();
  assert.ok(await vscode.workspace.applyEdit(a.edit!), 'the edit applies');
  assert.notEqual(doc.getText(), before, 'the edit changed the text');
  await check();
  await vscode.window.showTextDocument(doc);
  await vscode.commands.executeCommand('undo');
  await waitFor(() => doc.getText() === before, 'one undo to restore the text');
  assert.equal(doc.isDirty, false, 'back to the saved state');
}

describe('Dataset quick fixes', () => {
  before(async () => {
    await activateExtension();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('changes a misspelled role to the nearest valid one', async function () {
    const doc = await open('broken.jsonl');
    const d = await diagnostic(doc, 2, 'invalid-role');
    const fixes = await quickFixes(doc, d);
    const fix = action(fixes, 'Change role to "user"');
    assert.equal(fix.isPreferred, true);

    // The light bulb menu, as a person sees it.
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(2, 73, 2, 73) });
    await vscode.commands.executeCommand('editor.action.quickFix');
    const menu = await runnerRequest({ type: 'text', selector: '.action-widget' });
    if (menu) assert.match(String(menu.value), /Change role to "user"/);
    await screenshot(testName(this), 600);
    await runnerRequest({ type: 'press', keys: ['Escape'] });

    await applyAndUndo(doc, fix, async () => {
      assert.equal(doc.lineAt(2).text, '{"messages": [{"role": "system", "content": "You are Clara."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}');
      await waitFor(() => !ours(doc.uri).some((x) => codeOf(x) === 'invalid-role'), 'the role diagnostic to go');
    });
    await diagnostic(doc, 2, 'invalid-role');
  });

  it('offers no role fix when no valid role is close', async () => {
    const doc = await open('chat.ndjson');
    const d = await diagnostic(doc, 4, 'invalid-role');
    const fixes = await quickFixes(doc, d);
    assert.equal(fixes.filter((a) => a.title.startsWith('Change role')).length, 0, `"narrator" is too far from any role: ${fixes.map((a) => a.title).join(' | ')}`);
  });

  it('converts a prompt/completion line to chat messages', async () => {
    const doc = await open('broken.jsonl');
    const d = await diagnostic(doc, 8, 'wrong-format');
    const fix = action(await quickFixes(doc, d), 'Convert prompt/completion to chat messages');
    await applyAndUndo(doc, fix, async () => {
      assert.equal(doc.lineAt(8).text, '{"messages":[{"role":"user","content":"Old style"},{"role":"assistant","content":"line"}]}');
      await waitFor(() => !ours(doc.uri).some((x) => codeOf(x) === 'wrong-format'), 'the format errors (line and file) to go');
    });
  });

  it('sets a weight to 0 or 1', async () => {
    const doc = await open('broken.jsonl');
    const d = await diagnostic(doc, 4, 'weight-not-binary');
    const fixes = await quickFixes(doc, d);
    action(fixes, /^Set weight to 0/);
    const one = action(fixes, /^Set weight to 1/);
    await applyAndUndo(doc, one, async () => {
      assert.equal(doc.lineAt(4).text, '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!", "weight": 1}]}');
      await waitFor(() => !ours(doc.uri).some((x) => codeOf(x) === 'weight-not-binary'), 'the weight diagnostic to go');
    });
  });

  it('removes a duplicate example', async () => {
    const doc = await open('broken.jsonl');
    const d = await diagnostic(doc, 10, 'duplicate-example');
    const fix = action(await quickFixes(doc, d), 'Remove duplicate example (copy of line 2)');
    assert.equal(fix.isPreferred, true);
    const lines = doc.getText().split('\n');
    await applyAndUndo(doc, fix, async () => {
      assert.deepEqual(doc.getText().split('\n'), [...lines.slice(0, 10), ...lines.slice(11)]);
      await waitFor(() => !ours(doc.uri).some((x) => codeOf(x) === 'duplicate-example'), 'the duplicate diagnostic to go');
    });
  });

  it('drops an unknown key, top-level or in a message', async () => {
    const doc = await open('fixable.jsonl');
    const top = await diagnostic(doc, 3, 'unknown-top-level-key');
    const fixTop = action(await quickFixes(doc, top), 'Remove key "id"');
    await applyAndUndo(doc, fixTop, () => {
      const o = JSON.parse(doc.lineAt(3).text) as Record<string, unknown>;
      assert.deepEqual(Object.keys(o), ['messages']);
      assert.equal((o.messages as unknown[]).length, 3);
    });
    const msg = await diagnostic(doc, 6, 'unknown-message-key');
    const fixMsg = action(await quickFixes(doc, msg), 'Remove key "timestamp"');
    await applyAndUndo(doc, fixMsg, () => {
      const o = JSON.parse(doc.lineAt(6).text) as { messages: Record<string, unknown>[] };
      assert.deepEqual(o.messages[1], { role: 'user', content: 'How do I contact support?' });
    });
  });

  it('fixes all of a kind in the file in one edit (one undo step)', async () => {
    const doc = await open('fixable.jsonl');
    const role = await diagnostic(doc, 1, 'invalid-role');
    const allRoles = action(await quickFixes(doc, role), 'Fix all misspelled roles in the file (2)');
    await applyAndUndo(doc, allRoles, async () => {
      assert.match(doc.lineAt(1).text, /"role": "assistant", "content": "Yes, to the EU/);
      assert.match(doc.lineAt(2).text, /"role": "user", "content": "What are your opening hours\?"/);
      await waitFor(() => !ours(doc.uri).some((x) => codeOf(x) === 'invalid-role'), 'both role diagnostics to go');
    });

    const dup = await diagnostic(doc, 9, 'duplicate-example');
    const allDups = action(await quickFixes(doc, dup), 'Remove all 2 duplicate examples in the file');
    const lines = doc.getText().split('\n');
    await applyAndUndo(doc, allDups, () => {
      assert.deepEqual(doc.getText().split('\n'), [...lines.slice(0, 9), ...lines.slice(11)]);
    });

    const legacy = await diagnostic(doc, 4, 'wrong-format');
    const allLegacy = action(await quickFixes(doc, legacy), 'Convert all prompt/completion lines in the file to chat messages (2)');
    await applyAndUndo(doc, allLegacy, async () => {
      assert.equal(doc.lineAt(5).text, '{"messages":[{"role":"user","content":"Can I pay by invoice?"},{"role":"assistant","content":"Yes, for business accounts."}]}');
      await waitFor(() => !ours(doc.uri).some((x) => codeOf(x) === 'wrong-format'), 'every format error to go');
    });

    const weight = await diagnostic(doc, 7, 'weight-not-binary');
    const allWeights = action(await quickFixes(doc, weight), 'Fix all weights with an obvious 0/1 value in the file (2)');
    await applyAndUndo(doc, allWeights, () => {
      assert.match(doc.lineAt(7).text, /"weight": 1\}/);
      assert.match(doc.lineAt(8).text, /"weight": 0\}/);
    });
    await sleep(300);
    assert.equal(ours(doc.uri).filter((x) => codeOf(x) === 'invalid-role').length, 2, 'after the undos the problems are back');
  });
});
