import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, runnerRequest, screenshot, testName, waitFor } from './helpers';

describe('Walkthrough', () => {
  let created: vscode.Uri | undefined;

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (created) await vscode.workspace.fs.delete(created).then(undefined, () => undefined);
  });

  it('opens, and its starter-dataset step writes a dataset with no errors', async function () {
    const api = await activateExtension();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', 'tuneline.tuneline#gettingStarted', false);
    const before = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));

    const page = await runnerRequest({ type: 'text', selector: '.gettingStartedContainer' });
    if (page) {
      const text = String(page.value);
      assert.match(text, /Get started with Tuneline/);
      for (const step of ['Connect a provider', 'Open or create a dataset', 'See and fix problems', 'Check tokens and cost', 'Upload and train', 'Watch the job', 'Try the model']) {
        assert.ok(text.includes(step), `the walkthrough lists "${step}"`);
      }
      await screenshot(`${testName(this)}-walkthrough`);
      // As a person would: open the dataset step and press its button.
      await runnerRequest({ type: 'click', selector: '.getting-started-step:has-text("Open or create a dataset") .step-title' });
      await runnerRequest({ type: 'click', selector: '.getting-started-step.expanded a:has-text("Create Starter Dataset"), .getting-started-step.expanded .monaco-button:has-text("Create Starter Dataset")' });
    } else {
      // Without the offline runner (e.g. @vscode/test-electron) nobody can click: run the step's command.
      await vscode.commands.executeCommand('tuneline.createStarterDataset');
    }

    const editor = await waitFor(
      () => vscode.window.visibleTextEditors.find((e) => /starter(-\d+)?\.jsonl$/.test(e.document.uri.path) && !before.has(e.document.uri.toString())),
      'the starter dataset to open',
    );
    created = editor.document.uri;
    assert.equal(editor.document.languageId, 'jsonl');
    const doc = editor.document;
    await waitFor(() => api.datasets.publishes(doc.uri)?.version === doc.version, 'diagnostics for the starter dataset');
    const tuneline = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'Tuneline');
    const errors = tuneline.filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.deepEqual(errors.map((d) => `${d.range.start.line + 1}: ${d.message}`), [], 'the starter dataset has no errors');
    assert.ok(doc.lineCount >= 11, 'at least ten examples');
    await screenshot(`${testName(this)}-starter-dataset`);
  });
});
