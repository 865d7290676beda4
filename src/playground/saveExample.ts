/**
 * `tuneline.playground.saveAsExample`: appends the playground's conversation (with any reply the user edited) to a
 * `.jsonl` dataset as one line in that file's format, through one undoable `WorkspaceEdit`, then checks the file with
 * the engine at once and reports the new line's problems.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledError, UserFacingError } from '../common/commands';
import type { Logger } from '../common/logger';
import { readSettings } from '../common/settings';
import { DatasetIndex, validateText, type Method, type Problem } from '../core';
import { ExampleError, exampleLine, exampleNotes } from './example';
import type { PlaygroundPanel } from './playgroundPanel';

export interface SaveArgs {
  /** The column whose replies become the example's assistant replies (the preferred one for DPO). */
  readonly column?: number;
  /** DPO: the column whose last reply is the non-preferred output. */
  readonly rejectedColumn?: number;
  /** The dataset (a Uri or its string); asked for when absent. */
  readonly uri?: vscode.Uri | string;
}

export interface SaveResult {
  readonly uri: string;
  /** 0-based line of the new example. */
  readonly line: number;
  readonly method: Method;
  readonly text: string;
  /** The engine's problems on the new line. */
  readonly problems: readonly Problem[];
}

const BROWSE = '$(folder-opened) Choose a file…';

export async function saveAsExample(panel: PlaygroundPanel, args: SaveArgs, log: Logger): Promise<SaveResult | undefined> {
  const session = panel.session;
  if (panel.busy) throw new UserFacingError('Wait for the replies to finish (or stop them) before saving the conversation as an example.');
  if (!session.turns.length) throw new UserFacingError('The playground conversation is empty: send a message first.');
  const column = args.column ?? (await pickColumn(panel, 'Which reply should the example teach? (its column’s replies become the assistant’s)'));
  if (column === undefined) throw new CancelledError();
  if (column < 0 || column >= session.models.length) throw new UserFacingError(`The playground has no column ${column + 1}.`);

  const uri = args.uri ? (typeof args.uri === 'string' ? vscode.Uri.parse(args.uri) : args.uri) : await pickDataset(panel);
  if (!uri) throw new CancelledError();
  const doc = await vscode.workspace.openTextDocument(uri);
  const name = path.posix.basename(uri.path);
  const settings = readSettings(uri);
  const before = doc.getText();
  const method: Method = before.trim() === '' ? (settings.method === 'auto' ? 'supervised' : settings.method) : DatasetIndex.fromText(before, { method: settings.method, model: settings.model }).method;

  let rejected = args.rejectedColumn;
  if (method === 'dpo' && rejected === undefined && session.models.length > 1) {
    const others = session.models.map((_, i) => i).filter((i) => i !== column);
    rejected = others.length === 1 ? others[0] : await pickColumn(panel, 'Which reply is the worse one (non_preferred_output)?', column);
    if (rejected === undefined) throw new CancelledError();
  }
  let line: string;
  try {
    line = exampleLine(session, method, column, rejected);
  } catch (e) {
    if (e instanceof ExampleError) throw new UserFacingError(`Tuneline cannot save the conversation to ${name}: ${e.message}`);
    throw e;
  }

  // Append at the end, after a line break if the file does not end with one.
  const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
  const end = doc.lineAt(doc.lineCount - 1).range.end;
  const lastEmpty = doc.lineAt(doc.lineCount - 1).text === '';
  const insert = before === '' || lastEmpty ? `${line}${eol}` : `${eol}${line}`;
  const newLine = before === '' || lastEmpty ? doc.lineCount - 1 : doc.lineCount;
  const edit = new vscode.WorkspaceEdit();
  edit.insert(uri, end, insert, { label: 'Save playground conversation as example', needsConfirmation: false });
  if (!(await vscode.workspace.applyEdit(edit))) throw new UserFacingError(`Tuneline could not add the example to ${name} (the editor refused the edit).`);
  log.info(`Playground: added a ${method} example to ${uri.toString(true)} at line ${newLine + 1}`);

  // The engine checks the file as it now is; the new line's problems are reported at once.
  const report = validateText(doc.getText(), { method: settings.method, model: settings.model });
  const problems = report.problems.filter((p) => p.line === newLine);
  const shownIn = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  const editor = await vscode.window.showTextDocument(doc, {
    viewColumn: shownIn?.viewColumn ?? (panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One),
    preserveFocus: true,
    preview: false,
  });
  const range = doc.lineAt(Math.min(newLine, doc.lineCount - 1)).range;
  editor.selection = new vscode.Selection(range.start, range.start);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);

  const where = `${name}, line ${newLine + 1}`;
  const notes = exampleNotes(session, method);
  const noted = notes.length ? ` Note: ${notes.join('; ')}.` : '';
  const errors = problems.filter((p) => p.severity === 'error');
  if (problems.length === 0) {
    panel.setNotice({ level: 'info', message: `Saved as a ${method === 'dpo' ? 'preference (DPO)' : method} example to ${where}. The engine found no problems in it.${noted} (Undo with Ctrl+Z in the file; save the file to keep it.)` });
  } else {
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (+${problems.length - 1} more in the Problems view)` : '';
    const message = `Saved to ${where}, but the engine reports: ${first.message}${more}${noted}`;
    panel.setNotice({ level: errors.length ? 'error' : 'warning', message });
    void (errors.length ? vscode.window.showErrorMessage(message) : vscode.window.showWarningMessage(message));
  }
  return { uri: uri.toString(), line: newLine, method, text: line, problems };
}

async function pickColumn(panel: PlaygroundPanel, title: string, except?: number): Promise<number | undefined> {
  const session = panel.session;
  const last = session.turns[session.turns.length - 1];
  const items = session.models
    .map((model, i) => ({ i, model, reply: last?.replies[i] }))
    .filter((x) => x.i !== except)
    .map((x) => ({
      label: `Column ${x.i + 1}: ${x.model}`,
      detail: (x.reply?.text ?? '').replace(/\s+/g, ' ').slice(0, 160) || '(no reply)',
      column: x.i,
    }));
  if (items.length === 1) return items[0]!.column;
  const pick = await vscode.window.showQuickPick(items, { title, matchOnDetail: true });
  return pick?.column;
}

async function pickDataset(panel: PlaygroundPanel): Promise<vscode.Uri | undefined> {
  const seen = new Set<string>();
  const items: Array<vscode.QuickPickItem & { uri?: vscode.Uri }> = [];
  const add = (uri: vscode.Uri, description?: string) => {
    const key = uri.toString();
    if (seen.has(key)) return;
    seen.add(key);
    items.push({ label: path.posix.basename(uri.path), description: description ?? vscode.workspace.asRelativePath(uri), uri });
  };
  if (panel.session.sourceUri) add(vscode.Uri.parse(panel.session.sourceUri), 'the conversation came from here');
  for (const d of vscode.workspace.textDocuments) if (d.languageId === 'jsonl' && !d.isClosed) add(d.uri, `open · ${vscode.workspace.asRelativePath(d.uri)}`);
  if (vscode.workspace.workspaceFolders?.length) {
    for (const u of await vscode.workspace.findFiles('**/*.{jsonl,ndjson}', '**/node_modules/**', 200)) add(u);
  }
  items.push({ label: BROWSE });
  const pick = await vscode.window.showQuickPick(items, { title: 'Append the conversation to which dataset?', matchOnDescription: true });
  if (!pick) return undefined;
  if (pick.uri) return pick.uri;
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'JSON Lines': ['jsonl', 'ndjson'] }, openLabel: 'Append here' });
  return chosen?.[0];
}
