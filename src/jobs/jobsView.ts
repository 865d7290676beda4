import * as vscode from 'vscode';
import { Disposable } from '../common/dispose';

/**
 * The `tuneline.jobs` view. Until the jobs model lands (issue 7) the tree has no nodes, and the view's welcome
 * content (package.json `viewsWelcome`) tells the user the next step: connect a provider.
 */
export class JobsView extends Disposable implements vscode.TreeDataProvider<vscode.TreeItem> {
  static readonly viewId = 'tuneline.jobs';
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<vscode.TreeItem>;

  constructor() {
    super();
    this.view = this._register(vscode.window.createTreeView(JobsView.viewId, { treeDataProvider: this }));
  }

  getTreeItem(element: vscode.TreeItem): vscode.TreeItem {
    return element;
  }

  getChildren(): vscode.TreeItem[] {
    return [];
  }

  refresh(): void {
    this.changed.fire();
  }
}
