import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledError, UserFacingError } from './commands';
import { uriExists } from './files';

/** True for the documents Tuneline treats as JSONL datasets. */
export function isJsonlDocument(doc: vscode.TextDocument): boolean {
  return doc.languageId === 'jsonl' || /\.(jsonl|ndjson)$/i.test(doc.uri.path);
}

/**
 * The dataset a command works on: a Uri argument (explorer and editor-title menus pass one), else the active JSONL
 * editor's document, else `fallback` (e.g. the statistics panel the user looks at).
 */
export function resolveDatasetUri(arg: unknown, fallback?: vscode.Uri): vscode.Uri {
  if (arg instanceof vscode.Uri) return arg;
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && isJsonlDocument(doc)) return doc.uri;
  if (fallback) return fallback;
  throw new UserFacingError(vscode.l10n.t('Open a JSONL training file first (or run this from its context menu in the Explorer).'));
}

/** The text of a dataset: the open document's (with unsaved edits), else the file's. */
export async function readDatasetText(uri: vscode.Uri): Promise<string> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  const bytes = await vscode.workspace.fs.readFile(uri);
  return new TextDecoder('utf-8').decode(bytes);
}

/** `data/set.jsonl` + `train` → `data/set.train.jsonl` (keeps `.ndjson`). */
export function siblingUri(uri: vscode.Uri, suffix: string): vscode.Uri {
  const base = path.posix.basename(uri.path);
  const m = /^(.*?)(\.(?:jsonl|ndjson))?$/i.exec(base)!;
  const name = m[1] || base;
  const ext = m[2] || '.jsonl';
  return vscode.Uri.joinPath(uri, '..', `${name}.${suffix}${ext}`);
}


/** Asks before replacing existing files; throws `CancelledError` unless the user agrees. */
export async function confirmOverwrite(uris: readonly vscode.Uri[]): Promise<void> {
  const existing: vscode.Uri[] = [];
  for (const u of uris) if (await uriExists(u)) existing.push(u);
  if (!existing.length) return;
  const names = existing.map((u) => path.posix.basename(u.path));
  const overwrite = vscode.l10n.t('Overwrite');
  const choice = await vscode.window.showWarningMessage(
    names.length === 1
      ? vscode.l10n.t('{0} already exists. Overwrite it?', names[0]!)
      : vscode.l10n.t('{0} and {1} already exist. Overwrite them?', names.slice(0, -1).join(', '), names[names.length - 1]!),
    { modal: true },
    overwrite,
  );
  if (choice !== overwrite) throw new CancelledError();
}

/** Writes JSONL lines (each followed by a line break). */
export async function writeJsonl(uri: vscode.Uri, lines: readonly string[]): Promise<void> {
  const text = lines.length ? `${lines.join('\n')}\n` : '';
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}

/** "3, 7, 12 and 4 more" (1-based line numbers). */
export function lineList(lines: readonly number[], max = 8): string {
  const shown = lines.slice(0, max).map((l) => String(l + 1));
  const more = lines.length - shown.length;
  return more > 0 ? vscode.l10n.t('{0} and {1} more', shown.join(', '), more) : shown.join(', ');
}
