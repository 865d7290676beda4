import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, fixtureUri, runnerRequest, screenshot, testName, trustMode, waitFor } from './helpers';

describe('Activation', () => {
  it('knows whether the workspace is trusted', () => {
    const mode = trustMode();
    assert.notEqual(mode, 'unknown', 'the runner says which mode this is');
    assert.equal(vscode.workspace.isTrusted, mode === 'trusted');
  });

  it('activates when a .jsonl file opens, and shows its view container', async function () {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'Tuneline is installed in the test VS Code');
    const doc = await vscode.workspace.openTextDocument(fixtureUri('datasets', 'good.jsonl'));
    assert.equal(doc.languageId, 'jsonl', 'VS Code 1.100 gives .jsonl files the built-in jsonl language');
    await vscode.window.showTextDocument(doc);
    await waitFor(() => ext.isActive, 'Tuneline to activate on the jsonl language');

    // The activity bar has Tuneline's container; opening it shows the jobs view with its welcome content.
    await vscode.commands.executeCommand('workbench.view.extension.tuneline');
    const count = await runnerRequest({ type: 'count', selector: '.activitybar .action-item a[aria-label^="Tuneline"]' });
    if (count) assert.equal(count.value, 1, 'one Tuneline icon in the activity bar');
    const welcome = await runnerRequest({ type: 'text', selector: '.pane-body .welcome-view-content' });
    if (welcome) assert.match(String(welcome.value), /Connect a provider/);
    await screenshot(testName(this));
  });

  it('registers its commands', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of ['tuneline.setApiKey', 'tuneline.clearApiKey', 'tuneline.showLog']) {
      assert.ok(all.includes(id), `${id} is registered`);
    }
  });
});
