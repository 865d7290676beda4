/**
 * The `tuneline.jobs` tree view: renders the `JobsModel` (it never fetches by itself), tells the model when the view
 * is visible (it polls only then), and keeps the `tuneline.jobs.empty` context key for the "no jobs" welcome.
 */
import * as vscode from 'vscode';
import { ContextKeys, setContext } from '../common/contextKeys';
import { Disposable } from '../common/dispose';
import type { Deployments } from './deployments';
import { listChildren, ProviderGroupNode, rootJobNode } from './groupNode';
import type { ProviderGroups, ProviderJobs } from './groups';
import type { JobsModel } from './model';
import { FineTunedGroupNode, JobNode, type FineTunedContext, type JobsNode, type NodeContext } from './nodes';

export const JOBS_VIEW_ID = 'tuneline.jobs';


/** How long a reveal may take before it is tried again (VS Code's `TreeView.reveal` has been seen never to answer). */
const REVEAL_TIMEOUT_MS = 5_000;
export class JobsTree extends Disposable implements vscode.TreeDataProvider<JobsNode> {
  private readonly changed = this._register(new vscode.EventEmitter<JobsNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  readonly view: vscode.TreeView<JobsNode>;
  private readonly nodes = new Map<string, JobsNode>();
  private readonly ctx: NodeContext;
  private empty: boolean | undefined;
  /** Ids of the nodes the user expanded: a refreshed node keeps its children open. */
  private readonly expanded = new Set<string>();
  /** `getChildren` calls VS Code has made and not yet had answered, and when the last one ended (see `settled`). */
  private fetching = 0;
  private lastFetch = 0;
  private lastFire = 0;
  /** Reveals run one at a time (two at once race inside VS Code as well). */
  private revealing: Promise<void> = Promise.resolve();

  constructor(
    private readonly model: JobsModel,
    deployments: Deployments,
    fineTuned?: FineTunedContext,
    /** Several providers configured (issue 16): one group per provider. */
    private readonly groups?: ProviderGroups,
  ) {
    super();
    this.ctx = {
      model,
      deployments,
      ...(fineTuned ? { fineTuned } : {}),
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
        this.fire(node);
        this.updateEmpty();
      }),
    );
    if (fineTuned) {
      // the account's fine-tuned models arrived, the clock moved or ARM's dates came: the marks re-render
      this._register(fineTuned.models.onDidChange(() => this.changed.fire(this.nodes.get('fineTuned'))));
      this._register(fineTuned.retirements.onDidChange(() => this.changed.fire(undefined)));
    }
    // a deployment appeared, changed state or went: its model's node (and the rest) re-render
    this._register(deployments.onDidChange(() => this.fire(undefined)));
    if (groups) {
      this._register(this.view.onDidChangeVisibility((e) => groups.setVisible(e.visible)));
      // grouped ↔ not: the same job nodes get another parent, so none is reused (`jobNode` makes them again at once)
      this._register(
        groups.onDidChange(() => {
          this.nodes.clear();
          this.fire(undefined);
        }),
      );
      this._register(groups.onDidChangeJobs((entry) => this.fire(entry ? this.nodes.get(`job/${entry.job.id}`) : undefined)));
      if (this.view.visible) groups.setVisible(true);
    }
    if (this.view.visible) model.setVisible(true);
  }

  private fire(node: JobsNode | undefined): void {
    this.lastFire = Date.now();
    this.changed.fire(node);
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
    this.fetching++;
    try {
      return await this.childrenOf(node);
    } finally {
      this.fetching--;
      this.lastFetch = Date.now();
    }
  }

  private async childrenOf(node?: JobsNode): Promise<JobsNode[]> {
    if (node) return node.children();
    if (this.groups?.grouped) return this.groups.groups().map((g) => this.groupNode(g));
    return listChildren(this.ctx, undefined, '', true);
  }

  /** The one group node of a provider; another provider's jobs render through that provider's model. */
  private groupNode(g: ProviderJobs): ProviderGroupNode {
    return this.ctx.intern(`group/${g.kind}`, () => {
      const ft = this.ctx.fineTuned;
      // days-left marks of another provider's jobs are that provider's (its fine-tuned models stay with the current one)
      const ctx: NodeContext = g.current ? this.ctx : { ...this.ctx, model: g.model, ...(ft ? { fineTuned: { ...ft, providerId: () => g.model.adapter().id } } : {}) };
      return new ProviderGroupNode(g.kind, g.current, ctx);
    });
  }

  /**
   * The node of a job a model holds. The tree keeps one per id; after the grouping changed (and the nodes were
   * dropped) it is made again under its provider's group, the same instance VS Code's next fetch gets.
   */
  jobNode(jobId: string): JobNode | undefined {
    const n = this.nodes.get(`job/${jobId}`);
    if (n instanceof JobNode) return n;
    if (this.groups?.grouped) {
      const g = this.groups.groups().find((x) => x.model.get(jobId));
      return g ? this.groupNode(g).jobNode(jobId) : undefined;
    }
    return this.model.get(jobId) ? rootJobNode(this.ctx, jobId) : undefined;
  }

  /** The "My fine-tuned models" node, if the tree shows it. */
  fineTunedNode(): FineTunedGroupNode | undefined {
    const n = this.nodes.get('fineTuned');
    return n instanceof FineTunedGroupNode ? n : undefined;
  }

  /** The node of a deployment, if the tree holds it (found by its name). */
  deploymentNode(name: string): JobsNode | undefined {
    for (const [id, n] of this.nodes) if (n.kind === 'deployment' && id.endsWith(`/deployment/${name}`)) return n;
    return undefined;
  }

  /**
   * Resolves once VS Code has fetched what the last change asked for: no `getChildren` running and none for a moment
   * after the last change or fetch (at most `maxMs`). A reveal that runs while VS Code re-reads the tree races with it
   * and fails with "Element with id … is already registered" (microsoft/vscode#192055; the maintainers' advice there
   * is to reveal only once the refresh is over).
   */
  private async settled(maxMs = 3_000): Promise<void> {
    const quietMs = 120;
    const deadline = Date.now() + maxMs;
    while (Date.now() < deadline) {
      const since = Date.now() - Math.max(this.lastFetch, this.lastFire);
      if (this.fetching === 0 && since >= quietMs) return;
      await new Promise((r) => setTimeout(r, this.fetching ? 30 : quietMs - since));
    }
  }

  /**
   * Reveals (and expands) a node, one reveal at a time and only once the tree is not being re-read (see `settled`);
   * if VS Code still reports the race, it is tried once more after the tree settles.
   */
  reveal(node: JobsNode, expand: boolean | number = true): Promise<void> {
    const run = this.revealing.then(async () => {
      await this.settled();
      let done: boolean;
      try {
        done = await this.bounded(this.view.reveal(node, { expand, select: true, focus: false }));
      } catch (e) {
        if (!(e instanceof Error) || !/already registered/.test(e.message)) throw e;
        done = false;
      }
      // raced with a refresh, or VS Code's reveal never answered (seen under load): once more, after the tree settles
      if (!done) {
        await this.settled();
        await this.bounded(this.view.reveal(node, { expand, select: true, focus: false }));
      }
    });
    this.revealing = run.catch(() => undefined);
    return run;
  }

  /**
   * True when VS Code's reveal resolved within `ms`; false when it did not answer, so that one lost reveal never holds
   * up the ones queued after it (they run one at a time).
   */
  private async bounded(reveal: Thenable<void>, ms = REVEAL_TIMEOUT_MS): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    try {
      return await Promise.race([Promise.resolve(reveal).then(() => true as const), late]);
    } finally {
      clearTimeout(timer);
    }
  }
}
