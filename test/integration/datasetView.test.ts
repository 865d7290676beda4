import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, fixtureUri, runnerRequest, screenshot, testName, waitFor } from './helpers';

const VIEW_BODY = '.pane:has(.pane-header[aria-label^="Dataset"]) .pane-body';

async function viewText(): Promise<string | undefined> {
  const r = await runnerRequest({ type: 'text', selector: VIEW_BODY });
  return r === undefined ? undefined : String(r.value);
}

describe('Dataset view', () => {
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('welcomes with the next step when no dataset is open', async function () {
    const api = await activateExtension();
    // A dataset shown and then closed stays open as a document (VS Code keeps documents alive after their tab
    // closes), and may stay checked: the view must still go back to its welcome once no tab shows it.
    const shown = await vscode.workspace.openTextDocument(fixtureUri('datasets', 'dpo.jsonl'));
    await vscode.window.showTextDocument(shown);
    await waitFor(() => api.datasets.publishes(shown.uri)?.version === shown.version, 'dpo.jsonl to be checked');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('tuneline.dataset.focus');
    const text = await waitFor(async () => {
      const t = await viewText();
      return t === undefined || /Open a JSONL training file/.test(t) ? (t ?? 'no runner') : undefined;
    }, 'the Dataset view to welcome with the next step');
    if (text !== 'no runner') {
      assert.match(text, /Open a JSONL training file/);
      assert.match(text, /Create Starter Dataset/);
    }
    await screenshot(testName(this));
  });

  it('summarises the active dataset and groups its problems by rule', async function () {
    const api = await activateExtension();
    const doc = await vscode.workspace.openTextDocument(fixtureUri('datasets', 'broken.jsonl'));
    await vscode.window.showTextDocument(doc);
    await waitFor(() => api.datasets.publishes(doc.uri)?.version === doc.version, 'diagnostics for broken.jsonl');
    await vscode.commands.executeCommand('tuneline.dataset.focus');
    const text = await waitFor(async () => {
      const t = await viewText();
      return t === undefined || /Problems/.test(t) ? (t ?? 'no runner') : undefined;
    }, 'the Dataset view to list the problems');
    if (text !== 'no runner') {
      assert.match(text, /Examples\s*\n?\s*12/, 'twelve examples');
      assert.match(text, /Tokens/);
      assert.match(text, /Problems/);
      // The rule codes of broken.jsonl's problems appear as groups (the codes come from the engine's catalogue).
      const codes = new Set(vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'Tuneline').map((d) => String(typeof d.code === 'object' ? d.code.value : d.code)));
      assert.ok(codes.size >= 3, 'broken.jsonl has several kinds of problems');
      for (const code of codes) assert.ok(text.includes(code), `the view lists rule ${code}`);
    }
    await screenshot(testName(this));
  });
});
