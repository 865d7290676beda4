/**
 * "Example N" → dataset line, the one way: the provider names a bad example by its number ("Example 6: ..."), Tuneline
 * finds its line in the local file, adds " (Example 6 is line 8 of data/train.jsonl.)" to the message and offers one
 * button, "Open Line", that opens the file with that line selected. Used by the upload verdict, the start-training
 * error and the failed-job notification.
 */
import * as vscode from 'vscode';
import { exampleNumber, exampleToLine } from '../api/errorInfo';

export const OPEN_LINE = 'Open Line';

export interface ExampleLocation {
  readonly uri: vscode.Uri;
  /** 1-based, as the provider counts. */
  readonly example: number;
  /** 0-based line in the file. */
  readonly line: number;
}

/** Where the example a provider message names is in `uri` (read from disk), if the message names one. */
export async function locateExample(uri: vscode.Uri, message: string | undefined): Promise<ExampleLocation | undefined> {
  const example = exampleNumber(message);
  if (example === undefined) return undefined;
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const line = exampleToLine(text, example);
  return line === undefined ? undefined : { uri, example, line };
}

/** " (Example 6 is line 8 of data/train.jsonl.)", to append to a message. */
export function exampleNote(at: ExampleLocation): string {
  return ` (Example ${at.example} is line ${at.line + 1} of ${vscode.workspace.asRelativePath(at.uri)}.)`;
}

/** Opens the file with the example's line selected. */
export async function openExampleLine(at: ExampleLocation): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(at.uri);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(at.line, 0, at.line, doc.lineAt(at.line).text.length) });
}

/** The "Open Line" button of an error (for `UserFacingError` actions). */
export function openLineAction(at: ExampleLocation): Record<string, () => Promise<void>> {
  return { [OPEN_LINE]: () => openExampleLine(at) };
}
