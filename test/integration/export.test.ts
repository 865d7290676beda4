import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { exportText } from '../../src/core/export';
import { activateExtension, fixtureUri, screenshot, testName, trustMode, waitFor } from './helpers';

interface ExportResult {
  trainer: string;
  files: vscode.Uri[];
  config: vscode.Uri;
  message: string;
  summary: { counts: Array<{ code: string; count: number }>; skipped: { train: number } };
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
}

async function readText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

describe('Export for open-source trainers', function () {
  this.timeout(120_000);
  const source = fixtureUri('export', 'trainer-export.jsonl');
  const out = fixtureUri('export', `out-${trustMode()}`);
  const clean = () => vscode.workspace.fs.delete(out, { recursive: true }).then(undefined, () => undefined);

  before(async () => {
    await activateExtension();
    await clean();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await clean();
  });

  it('does not replace an existing file unless the user agrees (the modal question is refused in tests: nothing written)', async () => {
    const folder = vscode.Uri.joinPath(out, 'existing');
    const mine = vscode.Uri.joinPath(folder, 'dataset_info.json');
    await vscode.workspace.fs.writeFile(mine, new TextEncoder().encode('{"mine": {}}\n'));
    const r = await vscode.commands.executeCommand<ExportResult | undefined>('tuneline.exportForTrainer', source, 'llama-factory', folder);
    assert.equal(r, undefined, 'cancelled');
    assert.equal(await readText(mine), '{"mine": {}}\n');
    assert.equal(await exists(vscode.Uri.joinPath(folder, 'trainer-export.llamafactory.jsonl')), false, 'no file written either');
  });

  for (const trainer of ['axolotl', 'mlx-lm'] as const) {
    it(`${trainer}: writes the files the engine computes, opens the config, shows the checks; one undo removes the files`, async function () {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      const folder = vscode.Uri.joinPath(out, trainer);
      await vscode.workspace.fs.createDirectory(folder);
      const r = await vscode.commands.executeCommand<ExportResult>('tuneline.exportForTrainer', source, trainer, folder);
      assert.ok(r, 'the command returns its result');
      const expected = exportText(trainer, await readText(source), { name: 'trainer-export', model: 'gpt-4o-mini-2024-07-18' });
      assert.deepEqual(
        r.files.map((u) => vscode.workspace.asRelativePath(u)),
        expected.files.map((f) => vscode.workspace.asRelativePath(vscode.Uri.joinPath(folder, ...f.path.split('/')))),
      );
      for (let i = 0; i < r.files.length; i++) assert.equal(await readText(r.files[i]!), expected.files[i]!.text, expected.files[i]!.path);
      assert.equal(r.summary.skipped.train, 2, 'the line with non-JSON arguments and the line with an image are left out');

      // The config is open; the checks are on the source lines (the Problems panel) and in the summary.
      await waitFor(() => vscode.window.activeTextEditor?.document.uri.toString() === r.config.toString(), 'the config to open');
      const diags = vscode.languages.getDiagnostics(source).filter((d) => String(d.source).startsWith('Tuneline export'));
      const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
      assert.deepEqual(
        diags.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).map((d) => `${d.range.start.line + 1}:${codeOf(d)}`),
        ['3:tool-args-not-json', '5:image'],
      );
      assert.match(r.message, /tool-args-not-json ×1/);
      assert.match(r.message, /model-placeholder ×1/, 'gpt-4o-mini is not an open model: the config names a placeholder');
      if (trainer === 'mlx-lm') {
        assert.match(r.message, /missing-validation ×1/);
        await vscode.commands.executeCommand('workbench.actions.view.problems');
      }
      await screenshot(testName(this), 800);

      // One undo (the bulk edit's) removes every file it created.
      await vscode.commands.executeCommand('undo');
      for (const u of r.files) await waitFor(async () => !(await exists(u)), `undo to remove ${vscode.workspace.asRelativePath(u)}`, 10_000);
    });
  }
});
