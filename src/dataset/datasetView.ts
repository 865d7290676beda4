import * as vscode from 'vscode';
import type { DatasetStats, Problem, Severity } from '../core';
import { ruleByCode } from '../core';
import { Disposable } from '../common/dispose';
import { ContextKeys, setContext } from '../common/contextKeys';
import type { DocumentModels } from '../documents';
import type { TrackedDocument } from '../documents/trackedDocument';
import { fmtCompact, fmtInt, fmtUsd, plural } from '../core/format';

const METHOD_LABEL: Readonly<Record<string, string>> = {
  supervised: 'supervised (chat)',
  dpo: 'preference (DPO)',
  reinforcement: 'reinforcement (RFT)',
  completion: 'legacy prompt/completion',
};

const SEVERITY_ICON: Readonly<Record<Severity, vscode.ThemeIcon>> = {
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  warning: new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  info: new vscode.ThemeIcon('info', new vscode.ThemeColor('problemsInfoIcon.foreground')),
};

/** How many occurrences a rule node lists (the Problems panel has them all). */
const MAX_OCCURRENCES = 100;

abstract class DatasetNode {
  abstract toTreeItem(): vscode.TreeItem;
  children(): DatasetNode[] {
    return [];
  }
}

/** A summary line: a label, a value and an icon. */
class FactNode extends DatasetNode {
  constructor(
    private readonly label: string,
    private readonly value: string,
    private readonly icon: string,
    private readonly tooltip?: string,
    private readonly command?: vscode.Command,
  ) {
    super();
  }
  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, vscode.TreeItemCollapsibleState.None);
    item.description = this.value;
    item.iconPath = new vscode.ThemeIcon(this.icon);
    item.tooltip = this.tooltip ?? `${this.label}: ${this.value}`;
    item.command = this.command;
    item.contextValue = 'datasetFact';
    return item;
  }
}

/** One occurrence of a problem: clicking it reveals the line. */
class OccurrenceNode extends DatasetNode {
  constructor(
    private readonly uri: vscode.Uri,
    private readonly problem: Problem,
  ) {
    super();
  }
  toTreeItem(): vscode.TreeItem {
    const p = this.problem;
    const line = p.line ?? 0;
    const item = new vscode.TreeItem(p.line === undefined ? 'File' : `Line ${line + 1}`, vscode.TreeItemCollapsibleState.None);
    item.description = p.message;
    item.tooltip = p.message;
    item.iconPath = SEVERITY_ICON[p.severity];
    const range = new vscode.Range(line, p.column ?? 0, line, p.endColumn ?? p.column ?? 0);
    item.command = { command: 'vscode.open', title: 'Go to problem', arguments: [this.uri, { selection: range }] };
    item.contextValue = 'datasetProblem';
    return item;
  }
}

/** All problems of one rule code, worst severity first. */
class RuleNode extends DatasetNode {
  constructor(
    private readonly uri: vscode.Uri,
    private readonly code: string,
    private readonly problems: readonly Problem[],
  ) {
    super();
  }
  toTreeItem(): vscode.TreeItem {
    const rule = ruleByCode(this.code);
    const item = new vscode.TreeItem(rule?.title ?? this.code, vscode.TreeItemCollapsibleState.Collapsed);
    item.description = `${this.code} · ${fmtInt(this.problems.length)}`;
    item.iconPath = SEVERITY_ICON[this.problems[0]!.severity];
    item.tooltip = new vscode.MarkdownString(
      `**${rule?.title ?? this.code}** (\`${this.code}\`${rule ? `, ${rule.id}` : ''})\n\n${rule?.description ?? ''}`,
    );
    item.contextValue = 'datasetRule';
    item.id = `rule:${this.uri.toString()}:${this.code}`;
    return item;
  }
  override children(): DatasetNode[] {
    const shown: DatasetNode[] = this.problems.slice(0, MAX_OCCURRENCES).map((p) => new OccurrenceNode(this.uri, p));
    if (this.problems.length > MAX_OCCURRENCES) {
      shown.push(
        new FactNode(`${fmtInt(this.problems.length - MAX_OCCURRENCES)} more`, 'in the Problems panel', 'ellipsis', undefined, {
          command: 'workbench.actions.view.problems',
          title: 'Show Problems',
        }),
      );
    }
    return shown;
  }
}

/** The Problems group: one child per rule code. */
class ProblemsNode extends DatasetNode {
  constructor(
    private readonly uri: vscode.Uri,
    private readonly problems: readonly Problem[],
    private readonly stats: DatasetStats,
    /** The problems against another file among `problems` (not in the index's counts). */
    private readonly cross: readonly Problem[] = [],
  ) {
    super();
  }
  toTreeItem(): vscode.TreeItem {
    const s = { errors: this.stats.errors, warnings: this.stats.warnings, infos: this.stats.infos };
    for (const p of this.cross) {
      if (p.severity === 'error') s.errors++;
      else if (p.severity === 'warning') s.warnings++;
      else s.infos++;
    }
    const clean = this.problems.length === 0;
    const item = new vscode.TreeItem('Problems', clean ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Expanded);
    item.description = clean
      ? 'none'
      : [s.errors && plural(s.errors, 'error'), s.warnings && plural(s.warnings, 'warning'), s.infos && plural(s.infos, 'note')]
          .filter(Boolean)
          .join(', ');
    item.iconPath = clean ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')) : SEVERITY_ICON[s.errors ? 'error' : s.warnings ? 'warning' : 'info'];
    item.contextValue = 'datasetProblems';
    item.id = `problems:${this.uri.toString()}`;
    return item;
  }
  override children(): DatasetNode[] {
    const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
    const byCode = new Map<string, Problem[]>();
    for (const p of this.problems) {
      const list = byCode.get(p.code);
      if (list) list.push(p);
      else byCode.set(p.code, [p]);
    }
    return [...byCode.entries()]
      .map(([code, list]) => [code, [...list].sort((a, b) => rank[a.severity] - rank[b.severity] || (a.line ?? -1) - (b.line ?? -1))] as const)
      .sort(([, a], [, b]) => rank[a[0]!.severity] - rank[b[0]!.severity] || b.length - a.length)
      .map(([code, list]) => new RuleNode(this.uri, code, list));
  }
}

/** Builds the nodes of the view for one tracked document. */
export function datasetNodes(t: TrackedDocument): DatasetNode[] {
  const s = t.index.stats();
  const uri = t.document.uri;
  const approx = s.tokensExact ? '' : '~';
  const nodes: DatasetNode[] = [
    new FactNode('Format', `${METHOD_LABEL[s.method] ?? s.method}${s.methodInferred ? ' (inferred)' : ''}`, 'symbol-structure'),
    new FactNode('Model', `${s.model}${s.modelKnown ? '' : ' (unknown: default limits)'}`, 'hubot'),
    new FactNode('Examples', fmtInt(s.examples), 'list-ordered', undefined, {
      command: 'tuneline.showDatasetStats',
      title: 'Show Dataset Statistics',
      arguments: [uri],
    }),
    new FactNode(
      'Tokens',
      `${approx}${fmtCompact(s.totalTokens)}${s.overLimit ? ` · ${plural(s.overLimit, 'example')} over ${fmtInt(s.limit)}` : ''}`,
      'symbol-number',
      s.tokensExact ? 'Exact token count (the model\'s tokenizer).' : 'Estimated; the exact count follows when the file has been idle for a moment.',
    ),
  ];
  if (s.estimatedCost) {
    nodes.push(
      new FactNode(
        'Training cost',
        `${approx}${fmtUsd(s.estimatedCost.usd)} · ${plural(s.estimatedCost.epochs, 'epoch')}`,
        'credit-card',
        `${fmtInt(s.estimatedCost.billedTokens)} billed tokens at $${s.estimatedCost.pricePerMillion} per 1M (price of ${s.estimatedCost.priceDate}), ${plural(s.estimatedCost.epochs, 'epoch')}.`,
      ),
    );
  }
  if (s.duplicates) nodes.push(new FactNode('Duplicates', plural(s.duplicates, 'later copy', 'later copies'), 'copy'));
  // The file's own problems and those against another file (TL-23 overlap with the training file), as published.
  const cross = t.crossFileProblems;
  nodes.push(new ProblemsNode(uri, cross.length ? [...t.index.problems(), ...cross] : t.index.problems(), s, cross));
  return nodes;
}

/**
 * The `tuneline.dataset` view: the active JSONL dataset at a glance (format, model, examples, tokens, cost) and its
 * problems grouped by rule, each occurrence a click away. The data comes from the diagnostics manager's index (the
 * model); this class only maps it to tree items and refreshes when the manager publishes or the editor changes.
 */
export class DatasetView extends Disposable implements vscode.TreeDataProvider<DatasetNode> {
  static readonly viewId = 'tuneline.dataset';
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<DatasetNode>;
  private current: TrackedDocument | undefined;

  constructor(private readonly manager: DocumentModels) {
    super();
    this.view = this._register(vscode.window.createTreeView(DatasetView.viewId, { treeDataProvider: this, showCollapseAll: true }));
    this._register(vscode.window.onDidChangeActiveTextEditor(() => this.refresh()));
    this._register(vscode.window.tabGroups.onDidChangeTabs(() => this.refresh()));
    this._register(
      manager.onDidUpdate((t) => {
        if (t === this.current || vscode.window.activeTextEditor?.document === t.document) this.refresh();
      }),
    );
    this._register(manager.onDidUntrack(() => this.refresh()));
    this.refresh();
  }

  /** The file the view shows now (for tests). */
  get shownUri(): vscode.Uri | undefined {
    return this.current?.document.uri;
  }

  private refresh(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const t = doc ? this.manager.get(doc) : undefined;
    if (t) this.current = t;
    else if (vscode.window.activeTextEditor) this.current = undefined;
    // No text editor is active (e.g. the statistics webview has focus): keep showing the last dataset while it is
    // still checked and open in a tab; once its tab closes, the view welcomes with the next step.
    else if (this.current && !(this.manager.get(this.current.document) && hasTab(this.current.document.uri))) this.current = undefined;
    this.view.description = this.current ? vscode.workspace.asRelativePath(this.current.document.uri) : undefined;
    void setContext(ContextKeys.datasetOpen, !!this.current);
    this.changed.fire();
  }

  getTreeItem(element: DatasetNode): vscode.TreeItem {
    return element.toTreeItem();
  }

  getChildren(element?: DatasetNode): DatasetNode[] {
    if (element) return element.children();
    return this.current ? datasetNodes(this.current) : [];
  }
}

function hasTab(uri: vscode.Uri): boolean {
  const key = uri.toString();
  return vscode.window.tabGroups.all.some((g) => g.tabs.some((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === key));
}
