import * as vscode from 'vscode';

/** True when something exists at `uri` (through the workspace file system, so remote and virtual files work). */
export async function uriExists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
