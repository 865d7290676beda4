/**
 * The `tuneline.jobs` tree view: renders the `JobsModel` (it never fetches by itself), tells the model when the view
 * is visible (it polls only then), and keeps the `tuneline.jobs.empty` context key for the "no jobs" welcome.
 */
import * as vscode from 'vscode';
import { ContextKeys, setContext } from '../common/contextKeys';
import { Disposable } from '../common/dispose';
import type { Deployments } from './deployments';
import { ProviderGroupNode } from './groupNode';
import type { ProviderGroups } from './groups';
import type { JobsModel } from './model';
import { JobNode, LoadMoreNode, MessageNode, type JobsNode, type NodeContext } from './nodes';

export const JOBS_VIEW_ID = 'tuneline.jobs';

export class JobsTree extends Disposable implements vscode.TreeDataProvider<JobsNode> {
  private readonly changed = this._register(new vscode.EventEmitter<JobsNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<JobsNode>;
  private readonly nodes = new Map<string, JobsNode>();
  private readonly ctx: NodeContext;
  private empty: boolean | undefined;
  /** Ids of the nodes the user expanded: a refreshed node keeps its children open. */
  private readonly expanded = new Set<string>();

  constructor(
    private readonly model: JobsModel,
    deployments: Deployments,
    /** Several providers configured (issue 16): one group per provider. */
    private readonly groups?: ProviderGroups,
  ) {
    super();
    this.ctx = {
      model,
      deployments,
      now: () => Date.now() / 1000,
      intern: <T extends JobsNode>(id: string, make: () => T): T => {
        let n = this.nodes.get(id) as T | undefined;
        if (!n) {
          n = make();
          this.nodes.set(id, n);
        }
        return n;
      },
    };
    this.view = this._register(vscode.window.createTreeView(JOBS_VIEW_ID, { treeDataProvider: this, showCollapseAll: true }));
    this._register(this.view.onDidChangeVisibility((e) => model.setVisible(e.visible)));
    this._register(this.view.onDidExpandElement((e) => this.expanded.add(e.element.id)));
    this._register(this.view.onDidCollapseElement((e) => this.expanded.delete(e.element.id)));
    this._register(
      model.onDidChange((entry) => {
        const node = entry ? this.nodes.get(`job/${entry.job.id}`) : undefined;
        this.changed.fire(node);
        this.updateEmpty();
      }),
    );
    // a deployment appeared, changed state or went: its model's node (and the rest) re-render
    this._register(deployments.onDidChange(() => this.changed.fire(undefined)));
    if (groups) {
      this._register(this.view.onDidChangeVisibility((e) => groups.setVisible(e.visible)));
      // grouped ↔ not: the same job nodes get another parent, so none is reused
      this._register(
        groups.onDidChange(() => {
          this.nodes.clear();
          this.changed.fire(undefined);
        }),
      );
      this._register(groups.onDidChangeJobs((entry) => this.changed.fire(entry ? this.nodes.get(`job/${entry.job.id}`) : undefined)));
      if (this.view.visible) groups.setVisible(true);
    }
    if (this.view.visible) model.setVisible(true);
  }

  private updateEmpty(): void {
    const empty = this.model.state.kind === 'ready' && this.model.jobs.length === 0;
    if (empty === this.empty) return;
    this.empty = empty;
    void setContext(ContextKeys.jobsEmpty, empty);
  }

  getTreeItem(node: JobsNode): vscode.TreeItem {
    const item = node.treeItem();
    if (item.collapsibleState === vscode.TreeItemCollapsibleState.Collapsed && this.expanded.has(node.id)) {
      item.collapsibleState = vscode.TreeItemCollapsibleState.Expanded;
    }
    return item;
  }

  getParent(node: JobsNode): JobsNode | undefined {
    return node.parent;
  }

  async getChildren(node?: JobsNode): Promise<JobsNode[]> {
    if (node) return node.children();
    if (this.groups?.grouped) {
      return this.groups.groups().map((g) => {
        const ctx = g.current ? this.ctx : { ...this.ctx, model: g.model };
        return this.ctx.intern(`group/${g.kind}`, () => new ProviderGroupNode(g.kind, g.current, ctx));
      });
    }
    const state = this.model.state;
    switch (state.kind) {
      case 'idle':
        void this.model.ensureLoaded();
        return [this.message('loading', 'Loading fine-tuning jobs…')];
      case 'loading':
        return [this.message('loading', 'Loading fine-tuning jobs…')];
      case 'no-key':
        return [];
      case 'error':
        return [
          this.message('error', state.message, { command: 'tuneline.jobs.refresh', title: 'Retry' }),
        ];
      case 'ready': {
        const out: JobsNode[] = this.model.jobs.map((e) => this.ctx.intern(`job/${e.job.id}`, () => new JobNode(e.job.id, this.ctx)));
        if (this.model.canLoadMore) out.push(this.ctx.intern('jobs/more', () => new LoadMoreNode('jobs/more', undefined, { kind: 'jobs' })));
        return out;
      }
    }
  }

  private message(level: MessageNode['level'], text: string, command?: vscode.Command): MessageNode {
    const id = `message/${level}`;
    let n = this.nodes.get(id) as MessageNode | undefined;
    if (!n || n.command !== command) {
      n = new MessageNode(id, undefined, level, command);
      this.nodes.set(id, n);
    }
    return n.withText(command ? `${text} (click to retry)` : text);
  }

  /** The node of a job, if the tree holds it. */
  jobNode(jobId: string): JobNode | undefined {
    const n = this.nodes.get(`job/${jobId}`);
    return n instanceof JobNode ? n : undefined;
  }

  /** The node of a deployment, if the tree holds it (found by its name). */
  deploymentNode(name: string): JobsNode | undefined {
    for (const [id, n] of this.nodes) if (n.kind === 'deployment' && id.endsWith(`/deployment/${name}`)) return n;
    return undefined;
  }

  /** Reveals (and expands) a node; the job's own node when given a job id. */
  async reveal(node: JobsNode, expand: boolean | number = true): Promise<void> {
    await this.view.reveal(node, { expand, select: true, focus: false });
  }
}
