import * as vscode from 'vscode';
import { starterDataset } from '../core/starter';
import { uriExists } from '../common/files';

/**
 * `tuneline.createStarterDataset [folder]`: writes `starter.jsonl` (or `starter-2.jsonl`, ... if taken) with a small,
 * valid chat dataset into the folder (default: the first workspace folder) through one undoable WorkspaceEdit, and
 * opens it. Without a workspace the dataset opens as an untitled JSON Lines document. Returns the document's Uri.
 */
export async function createStarterDataset(folder?: unknown): Promise<vscode.Uri> {
  const text = starterDataset();
  const base = folder instanceof vscode.Uri ? folder : vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!base) {
    const doc = await vscode.workspace.openTextDocument({ language: 'jsonl', content: text });
    await vscode.window.showTextDocument(doc);
    return doc.uri;
  }
  let uri = vscode.Uri.joinPath(base, 'starter.jsonl');
  for (let n = 2; await uriExists(uri); n++) uri = vscode.Uri.joinPath(base, `starter-${n}.jsonl`);
  const edit = new vscode.WorkspaceEdit();
  edit.createFile(uri, { ignoreIfExists: false });
  edit.insert(uri, new vscode.Position(0, 0), text);
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`Could not create ${vscode.workspace.asRelativePath(uri)}.`);
  const doc = await vscode.workspace.openTextDocument(uri);
  await doc.save();
  await vscode.window.showTextDocument(doc);
  return uri;
}

