import * as vscode from 'vscode';
import { UserFacingError } from '../common/commands';
import type { Logger } from '../common/logger';
import { duplicateLines } from '../core/split';
import { isJsonlDocument } from '../common/datasetFiles';

export interface RemoveDuplicatesResult {
  /** 0-based lines removed (as they were numbered before the edit). */
  readonly lines: number[];
  readonly removed: number;
}

/**
 * `tuneline.removeDuplicates [uri]`: removes the later copies of exact duplicate examples (TL-03: identical lines
 * once trimmed) from the document, as one WorkspaceEdit, so one undo brings them all back.
 */
export async function removeDuplicates(log: Logger, arg?: unknown): Promise<RemoveDuplicatesResult> {
  const doc =
    arg instanceof vscode.Uri
      ? await vscode.workspace.openTextDocument(arg)
      : vscode.window.activeTextEditor && isJsonlDocument(vscode.window.activeTextEditor.document)
        ? vscode.window.activeTextEditor.document
        : undefined;
  if (!doc) throw new UserFacingError(vscode.l10n.t('Open a JSONL training file first.'));
  const lines: string[] = [];
  for (let i = 0; i < doc.lineCount; i++) lines.push(doc.lineAt(i).text);
  const dups = duplicateLines(lines).map((d) => d.line);
  if (!dups.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No duplicate examples in {0}.', vscode.workspace.asRelativePath(doc.uri)));
    return { lines: [], removed: 0 };
  }
  const edit = new vscode.WorkspaceEdit();
  // Runs of consecutive lines become one deletion each (ranges of one edit must not overlap).
  for (let i = 0; i < dups.length; ) {
    let j = i;
    while (j + 1 < dups.length && dups[j + 1] === dups[j]! + 1) j++;
    const a = dups[i]!;
    const b = dups[j]!;
    // The lines and their line breaks; a run at the very end takes the break before it instead (a > 0: the first
    // copy of a duplicate is never removed).
    const range =
      b + 1 < doc.lineCount ? new vscode.Range(a, 0, b + 1, 0) : new vscode.Range(doc.lineAt(a - 1).range.end, doc.lineAt(b).range.end);
    edit.delete(doc.uri, range);
    i = j + 1;
  }
  const version = doc.version;
  if (!(await vscode.workspace.applyEdit(edit))) {
    throw new UserFacingError(vscode.l10n.t('The duplicates could not be removed: the document changed or is read-only.'));
  }
  log.info(`Removed ${dups.length} duplicate examples from ${doc.uri.toString(true)} (version ${version})`);
  void vscode.window.showInformationMessage(
    vscode.l10n.t('Removed {0} duplicate example(s) from {1}. Undo brings them back.', dups.length, vscode.workspace.asRelativePath(doc.uri)),
  );
  return { lines: dups, removed: dups.length };
}
