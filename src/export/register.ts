import * as vscode from 'vscode';
import { feature, registerCommands, type Feature, type FeatureContext } from '../common/feature';
import { exportForTrainer } from './exportForTrainer';

/**
 * Export to open-source trainers (issue 17): `tuneline.exportForTrainer`, and the diagnostics that show the trainer
 * checks on the source lines (cleared when the file is edited). One Disposable for all of it.
 */
export function register(ctx: FeatureContext): Feature {
  const diagnostics = vscode.languages.createDiagnosticCollection('tuneline-export');
  const commands = registerCommands(
    {
      'tuneline.exportForTrainer': (uri?: unknown, trainer?: unknown, folder?: unknown) => exportForTrainer(ctx.log, diagnostics, uri, trainer, folder),
    },
    ctx.log,
  );
  const edits = vscode.workspace.onDidChangeTextDocument((e) => {
    if (e.contentChanges.length && diagnostics.has(e.document.uri)) diagnostics.delete(e.document.uri);
  });
  return feature([diagnostics, commands, edits], undefined);
}
