/**
 * The nodes of the jobs tree, one class per kind. Each renders itself (`treeItem`) from the model's current data and
 * knows its children; the provider (`tree.ts`) keeps one instance per id, so VS Code's reveal and expansion state
 * work across refreshes.
 */
import * as vscode from 'vscode';
import type { ProviderId, RetirementLevel } from '../api/providers';
import type { FineTuningJob, FineTuningJobCheckpoint, FineTuningJobEvent } from '../api/types';
import type { Retirements, RetirementView } from '../connection/retirement';
import { deploymentDescription, deploymentIcon } from './deployPlan';
import type { Deployments, KnownDeployment } from './deployments';
import { hyperparameterRows, shortModelName, type FineTunedEntry } from './fineTunedList';
import type { FineTunedModels } from './fineTunedModel';
import type { ProviderGroupNode } from './groupNode';
import type { JobEntry, JobsModel } from './model';
import { age, isActive, jobContextValue, jobMethod, jobSuffix, modelContextValue, normalStatus, progressText, statusLook } from './status';

export type JobsNode =
  | ProviderGroupNode
  | JobNode
  | EventsGroupNode
  | EventNode
  | CheckpointsGroupNode
  | CheckpointNode
  | FilesGroupNode
  | FileNode
  | ModelIdNode
  | DeploymentNode
  | LoadMoreNode
  | MessageNode
  | FineTunedGroupNode
  | FineTunedModelNode
  | FineTunedCheckpointNode;

/** What the nodes need from their surroundings. */
export interface NodeContext {
  readonly model: JobsModel;
  /** The Azure deployments Tuneline knows (shown under their model). */
  readonly deployments: Deployments;
  /** Now, in unix seconds (ages, progress). */
  now(): number;
  /** The one node instance for an id (created by `make` the first time). */
  intern<T extends JobsNode>(id: string, make: () => T): T;
  /** The account's fine-tuned models and the retirement dates (issue 18); absent: no days-left marks. */
  readonly fineTuned?: FineTunedContext;
}

const md = (text: string) => text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');

function fmtTime(unix: number | null | undefined): string {
  return unix ? new Date(unix * 1000).toLocaleString() : '—';
}

abstract class BaseNode {
  abstract readonly kind: string;
  constructor(
    readonly id: string,
    readonly parent: JobsNode | undefined,
  ) {}
  abstract treeItem(): vscode.TreeItem;
  children(): JobsNode[] | Promise<JobsNode[]> {
    return [];
  }
}

export class JobNode extends BaseNode {
  readonly kind = 'job';
  // private (#): not an own property, so a node passed to `executeCommand` clones cheaply
  readonly #ctx: NodeContext;
  constructor(
    readonly jobId: string,
    ctx: NodeContext,
    /** The provider's group when several providers are configured (issue 16); at the root otherwise. */
    parent?: ProviderGroupNode,
  ) {
    super(`job/${jobId}`, parent);
    this.#ctx = ctx;
  }

  get entry(): JobEntry | undefined {
    return this.#ctx.model.get(this.jobId);
  }

  get job(): FineTuningJob | undefined {
    return this.entry?.job;
  }

  treeItem(): vscode.TreeItem {
    const entry = this.entry;
    const item = new vscode.TreeItem(this.jobId, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    if (!entry) return item;
    const job = entry.job;
    const caps = this.#ctx.model.adapter().capabilities;
    const look = statusLook(job.status, caps);
    const suffix = jobSuffix(job);
    item.label = suffix ? `${suffix} · ${job.model}` : job.model;
    const now = this.#ctx.now();
    const status = normalStatus(job.status, caps);
    const progress = status === 'running' || status === 'paused' ? progressText(job, entry.progress, now) : '';
    const mark = jobMark(this.#ctx, job);
    item.description = [look.label + (progress ? ` ${progress}` : ''), jobMethod(job), age(job.created_at, now), mark?.mark.short].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined);
    item.contextValue = jobContextValue(job, caps);
    item.tooltip = jobTooltip(entry, now, look);
    if (mark) item.tooltip.appendMarkdown(`\n**Retirement**: ${md(mark.mark.long)}\n`);
    item.accessibilityInformation = { label: `Job ${job.id}, ${look.label}${progress ? `, ${progress}` : ''}, ${job.model}, ${jobMethod(job)}, created ${age(job.created_at, now)}` };
    return item;
  }

  override children(): JobsNode[] {
    const job = this.job;
    if (!job) return [];
    const c = this.#ctx;
    const out: JobsNode[] = [];
    if (job.fine_tuned_model) out.push(c.intern(`${this.id}/model`, () => new ModelIdNode(this, c)));
    if (job.error?.message) out.push(c.intern(`${this.id}/error`, () => new MessageNode(`${this.id}/error`, this, 'error')));
    // what the service cannot do is not shown (issue 16): no Events node on Fireworks, for example
    const ops = c.model.adapter().capabilities.operations;
    if (ops.events.supported) out.push(c.intern(`${this.id}/events`, () => new EventsGroupNode(this, c)));
    if (ops.checkpoints.supported) out.push(c.intern(`${this.id}/checkpoints`, () => new CheckpointsGroupNode(this, c)));
    out.push(c.intern(`${this.id}/files`, () => new FilesGroupNode(this, c)));
    const err = out.find((n): n is MessageNode => n instanceof MessageNode);
    if (err) err.text = `${job.error!.code ? `${job.error!.code}: ` : ''}${job.error!.message}`;
    return out;
  }
}

export function jobTooltip(entry: JobEntry, now: number, look = statusLook(entry.job.status)): vscode.MarkdownString {
  const job = entry.job;
  const hp = job.method?.[jobMethod(job) as 'supervised']?.hyperparameters ?? job.hyperparameters;
  const rows: Array<[string, string | number | null | undefined]> = [
    ['Status', look.label + (entry.progress ? ` (${progressText(job, entry.progress, now)})` : '')],
    ['Job', job.id],
    ['Base model', job.model],
    ['Method', jobMethod(job)],
    ['Suffix', jobSuffix(job)],
    ['Fine-tuned model', job.fine_tuned_model],
    ['Created', `${fmtTime(job.created_at)} (${age(job.created_at, now)})`],
    ['Finished', job.finished_at ? fmtTime(job.finished_at) : undefined],
    ['Estimated finish', job.estimated_finish && isActive(job.status) ? fmtTime(job.estimated_finish) : undefined],
    ['Training file', job.training_file],
    ['Validation file', job.validation_file],
    ['Epochs', hp?.n_epochs],
    ['Batch size', hp?.batch_size],
    ['LR multiplier', hp?.learning_rate_multiplier],
    ['Trained tokens', job.trained_tokens?.toLocaleString('en-US')],
    ['Seed', job.seed],
  ];
  const m = new vscode.MarkdownString(undefined, true);
  m.appendMarkdown(`**$(${look.icon.replace(/~spin$/, '')}) ${md(look.label)}** — \`${job.id}\`\n\n`);
  m.appendMarkdown('| | |\n|---|---|\n');
  for (const [k, v] of rows) if (v !== undefined && v !== null && v !== '') m.appendMarkdown(`| ${md(k)} | ${md(String(v))} |\n`);
  if (job.error?.message) m.appendMarkdown(`\n**Error**${job.error.code ? ` (\`${md(job.error.code)}\`)` : ''}: ${md(job.error.message)}\n`);
  return m;
}

export class ModelIdNode extends BaseNode {
  readonly kind = 'modelId';
  readonly #ctx: NodeContext;
  constructor(
    readonly jobNode: JobNode,
    ctx: NodeContext,
  ) {
    super(`${jobNode.id}/model`, jobNode);
    this.#ctx = ctx;
  }
  get modelId(): string | undefined {
    return this.#ctx.model.get(this.jobNode.jobId)?.job.fine_tuned_model ?? undefined;
  }
  /** The job's base model (which deployment types apply). */
  get baseModel(): string | undefined {
    return this.#ctx.model.get(this.jobNode.jobId)?.job.model;
  }
  treeItem(): vscode.TreeItem {
    const deployed = this.modelId ? this.#ctx.deployments.forModel(this.modelId) : [];
    const item = new vscode.TreeItem(this.modelId ?? '', deployed.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = deployed.length ? `fine-tuned model · ${deployed.length} deployment${deployed.length === 1 ? '' : 's'}` : 'fine-tuned model';
    const job = this.#ctx.model.get(this.jobNode.jobId)?.job;
    const mark = job ? jobMark(this.#ctx, job) : undefined;
    if (mark?.mark.short) item.description += ` · ${mark.mark.short}`;
    item.iconPath = retirementIcon(mark?.mark.level ?? 'none', { icon: 'symbol-class', color: 'charts.green' });
    item.contextValue = modelContextValue('modelId', this.#ctx.model.adapter().capabilities);
    item.tooltip = `The fine-tuned model id: ${this.modelId ?? ''}${mark ? `\nRetirement: ${mark.mark.long}` : ''}`;
    return item;
  }
  override children(): JobsNode[] {
    return this.modelId ? deploymentNodes(this, this.modelId, this.#ctx) : [];
  }
}

/** The deployment nodes of a model (or checkpoint) node, interned, with their current data. */
function deploymentNodes(parent: ModelIdNode | CheckpointNode, model: string, ctx: NodeContext): DeploymentNode[] {
  return ctx.deployments.forModel(model).map((d) => {
    return ctx.intern(`${parent.id}/deployment/${d.name}`, () => new DeploymentNode(d, parent, ctx));
  });
}

/** An Azure deployment of a fine-tuned model or checkpoint: its state, type and (Developer) expiry. */
export class DeploymentNode extends BaseNode {
  readonly kind = 'deployment';
  readonly #ctx: NodeContext;
  #last: KnownDeployment;
  constructor(
    deployment: KnownDeployment,
    parent: ModelIdNode | CheckpointNode,
    ctx: NodeContext,
  ) {
    super(`${parent.id}/deployment/${deployment.name}`, parent);
    this.#ctx = ctx;
    this.#last = deployment;
  }
  /** What is known now (the deployments' current record; the last one seen once it is gone). */
  get deployment(): KnownDeployment {
    const now = this.#ctx.deployments.forModel(this.#last.model).find((d) => d.name === this.#last.name);
    if (now) this.#last = now;
    return this.#last;
  }
  get name(): string {
    return this.#last.name;
  }
  get model(): string {
    return this.#last.model;
  }
  treeItem(): vscode.TreeItem {
    const d = this.deployment;
    const item = new vscode.TreeItem(d.name, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const types = this.#ctx.model.adapter().capabilities.serving.deploymentTypes;
    item.description = deploymentDescription(d, types, this.#ctx.now() * 1000);
    const look = deploymentIcon(d.state);
    item.iconPath = new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined);
    item.contextValue = `deployment:${d.state}`;
    const tip = new vscode.MarkdownString();
    tip.appendMarkdown(`**Azure deployment \`${md(d.name)}\`** — ${md(item.description)}\n\n`);
    tip.appendMarkdown(`Model: \`${md(d.model)}\`\n\n`);
    if (d.expiresAt) tip.appendMarkdown(`Removed by Azure at ${md(new Date(d.expiresAt).toLocaleString())} (Developer deployments live 24 hours).\n\n`);
    if (d.error) tip.appendMarkdown(`**Error**: ${md(d.error)}\n\n`);
    item.tooltip = tip;
    item.accessibilityInformation = { label: `Azure deployment ${d.name}, ${item.description}` };
    return item;
  }
}

/** A page of a job's events or checkpoints, as the model holds it. */
interface PagedList<T> {
  readonly items: readonly T[];
  readonly hasMore: boolean;
  readonly error?: string;
}

/**
 * A job's paged list (events, checkpoints): loads the first page when expanded, one node per item, then an error
 * node, a "Load more" node or a "none yet" node as the list says.
 */
abstract class PagedGroupNode<T extends { readonly id: string }> extends BaseNode {
  abstract override readonly kind: 'events' | 'checkpoints';
  // private (#): not an own property, so a node passed to `executeCommand` clones cheaply
  readonly #ctx: NodeContext;
  constructor(
    readonly jobNode: JobNode,
    ctx: NodeContext,
    private readonly look: { readonly segment: 'events' | 'checkpoints'; readonly label: string; readonly icon: string },
  ) {
    super(`${jobNode.id}/${look.segment}`, jobNode);
    this.#ctx = ctx;
  }
  protected get ctx(): NodeContext {
    return this.#ctx;
  }
  /** The list as loaded so far (undefined before the first load). */
  protected abstract list(): PagedList<T> | undefined;
  /** Loads the first page without a change event (VS Code is still registering these children). */
  protected abstract loadFirstPage(): Promise<void>;
  /** The node of an item (interned, with the item's current data). */
  protected abstract itemNode(item: T): JobsNode;
  treeItem(): vscode.TreeItem {
    const list = this.list();
    const item = new vscode.TreeItem(this.look.label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(this.look.icon);
    item.description = list ? `${list.items.length}${list.hasMore ? '+' : ''}` : undefined;
    item.contextValue = this.look.segment;
    return item;
  }
  override async children(): Promise<JobsNode[]> {
    if (!this.list()) await this.loadFirstPage();
    const list = this.list();
    if (!list) return [];
    const noun = this.look.segment;
    const ctx = this.#ctx;
    // Every concrete group (events, checkpoints) is one of the tree's node kinds.
    const self = this as unknown as JobsNode;
    const out: JobsNode[] = list.items.map((i) => this.itemNode(i));
    if (list.error) out.push(ctx.intern(`${this.id}/error`, () => new MessageNode(`${this.id}/error`, self, 'error')).withText(`Could not load ${noun}: ${list.error}`));
    if (list.hasMore) out.push(ctx.intern(`${this.id}/more`, () => new LoadMoreNode(`${this.id}/more`, self, { kind: noun, jobId: this.jobNode.jobId })));
    if (!out.length) out.push(ctx.intern(`${this.id}/none`, () => new MessageNode(`${this.id}/none`, self, 'info')).withText(`No ${noun} yet`));
    return out;
  }
}

export class EventsGroupNode extends PagedGroupNode<FineTuningJobEvent> {
  readonly kind = 'events';
  constructor(jobNode: JobNode, ctx: NodeContext) {
    super(jobNode, ctx, { segment: 'events', label: 'Events', icon: 'list-unordered' });
  }
  protected list(): PagedList<FineTuningJobEvent> | undefined {
    return this.ctx.model.get(this.jobNode.jobId)?.events;
  }
  protected loadFirstPage(): Promise<void> {
    return this.ctx.model.loadEvents(this.jobNode.jobId, true);
  }
  protected itemNode(e: FineTuningJobEvent): JobsNode {
    const node = this.ctx.intern(`${this.id}/${e.id}`, () => new EventNode(e, this));
    node.event = e;
    return node;
  }
}

export class EventNode extends BaseNode {
  readonly kind = 'event';
  constructor(
    public event: FineTuningJobEvent,
    group: EventsGroupNode,
  ) {
    super(`${group.id}/${event.id}`, group);
  }
  treeItem(): vscode.TreeItem {
    const e = this.event;
    const item = new vscode.TreeItem(e.message, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = new Date(e.created_at * 1000).toLocaleTimeString();
    const icon = e.level === 'error' ? ['error', 'list.errorForeground'] : e.level === 'warn' ? ['warning', 'list.warningForeground'] : e.type === 'metrics' ? ['graph-line', 'charts.blue'] : ['info', undefined];
    item.iconPath = new vscode.ThemeIcon(icon[0]!, icon[1] ? new vscode.ThemeColor(icon[1]) : undefined);
    item.contextValue = `event:${e.level}`;
    const tip = new vscode.MarkdownString();
    tip.appendMarkdown(`**${md(e.level)}** ${md(fmtTime(e.created_at))}\n\n${md(e.message)}`);
    if (e.data && typeof e.data === 'object' && Object.keys(e.data).length) tip.appendCodeblock(JSON.stringify(e.data, null, 2), 'json');
    item.tooltip = tip;
    return item;
  }
}

export class CheckpointsGroupNode extends PagedGroupNode<FineTuningJobCheckpoint> {
  readonly kind = 'checkpoints';
  constructor(jobNode: JobNode, ctx: NodeContext) {
    super(jobNode, ctx, { segment: 'checkpoints', label: 'Checkpoints', icon: 'debug-stackframe-dot' });
  }
  protected list(): PagedList<FineTuningJobCheckpoint> | undefined {
    return this.ctx.model.get(this.jobNode.jobId)?.checkpoints;
  }
  protected loadFirstPage(): Promise<void> {
    return this.ctx.model.loadCheckpoints(this.jobNode.jobId, true);
  }
  protected itemNode(c: FineTuningJobCheckpoint): JobsNode {
    const node = this.ctx.intern(`${this.id}/${c.id}`, () => new CheckpointNode(c, this, this.ctx));
    node.checkpoint = c;
    return node;
  }
}

export class CheckpointNode extends BaseNode {
  readonly kind = 'checkpoint';
  readonly #ctx: NodeContext;
  constructor(
    public checkpoint: FineTuningJobCheckpoint,
    readonly group: CheckpointsGroupNode,
    ctx: NodeContext,
  ) {
    super(`${group.id}/${checkpoint.id}`, group);
    this.#ctx = ctx;
  }
  /** The job's base model (which deployment types apply). */
  get baseModel(): string | undefined {
    return this.group.jobNode.job?.model;
  }
  override children(): JobsNode[] {
    return deploymentNodes(this, this.modelId, this.#ctx);
  }
  get modelId(): string {
    return this.checkpoint.fine_tuned_model_checkpoint;
  }
  treeItem(): vscode.TreeItem {
    const c = this.checkpoint;
    const m = c.metrics;
    const deployed = this.#ctx.deployments.forModel(this.modelId).length > 0;
    const item = new vscode.TreeItem(`Step ${c.step_number}`, deployed ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const parts: string[] = [];
    if (typeof m.train_loss === 'number') parts.push(`train loss ${m.train_loss.toFixed(3)}`);
    if (typeof m.valid_loss === 'number') parts.push(`valid loss ${m.valid_loss.toFixed(3)}`);
    if (typeof m.train_mean_token_accuracy === 'number') parts.push(`acc ${(m.train_mean_token_accuracy * 100).toFixed(1)}%`);
    item.description = parts.join(' · ');
    item.iconPath = new vscode.ThemeIcon('debug-stackframe-dot', new vscode.ThemeColor('charts.purple'));
    item.contextValue = modelContextValue('checkpoint', this.#ctx.model.adapter().capabilities);
    const tip = new vscode.MarkdownString();
    tip.appendMarkdown(`**Checkpoint at step ${c.step_number}**\n\n\`${md(c.fine_tuned_model_checkpoint)}\`\n\n`);
    tip.appendCodeblock(JSON.stringify(m, null, 2), 'json');
    item.tooltip = tip;
    return item;
  }
}

export type FileRole = 'training' | 'validation' | 'result';

export class FilesGroupNode extends BaseNode {
  readonly kind = 'files';
  readonly #ctx: NodeContext;
  constructor(
    readonly jobNode: JobNode,
    ctx: NodeContext,
  ) {
    super(`${jobNode.id}/files`, jobNode);
    this.#ctx = ctx;
  }
  private files(): Array<[FileRole, string]> {
    const job = this.jobNode.job;
    if (!job) return [];
    const out: Array<[FileRole, string]> = [['training', job.training_file]];
    if (job.validation_file) out.push(['validation', job.validation_file]);
    for (const f of job.result_files ?? []) out.push(['result', f]);
    return out;
  }
  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Files', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('files');
    item.description = String(this.files().length);
    item.contextValue = 'files';
    return item;
  }
  override children(): JobsNode[] {
    return this.files().map(([role, fileId]) => this.#ctx.intern(`${this.id}/${role}/${fileId}`, () => new FileNode(role, fileId, this)));
  }
}

export class FileNode extends BaseNode {
  readonly kind = 'file';
  constructor(
    readonly role: FileRole,
    readonly fileId: string,
    readonly group: FilesGroupNode,
  ) {
    super(`${group.id}/${role}/${fileId}`, group);
  }
  get jobId(): string {
    return this.group.jobNode.jobId;
  }
  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.fileId, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = this.role === 'result' ? 'result (CSV)' : this.role;
    item.iconPath = new vscode.ThemeIcon(this.role === 'result' ? 'graph' : 'file');
    item.contextValue = `file:${this.role}`;
    if (this.role === 'result') {
      item.command = { command: 'tuneline.jobs.openResultFile', title: 'Open result file', arguments: [this] };
      item.tooltip = 'Open the result file (step metrics) as CSV';
    } else {
      item.tooltip = `The ${this.role} file ${this.fileId}`;
    }
    return item;
  }
}

export type LoadMoreTarget = { readonly kind: 'jobs' } | { readonly kind: 'events' | 'checkpoints'; readonly jobId: string };

export class LoadMoreNode extends BaseNode {
  readonly kind = 'loadMore';
  constructor(
    id: string,
    parent: JobsNode | undefined,
    readonly target: LoadMoreTarget,
  ) {
    super(id, parent);
  }
  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.contextValue = 'loadMore';
    item.command = { command: 'tuneline.jobs.loadMore', title: 'Load more', arguments: [this] };
    return item;
  }
}

export class MessageNode extends BaseNode {
  readonly kind = 'message';
  text = '';
  constructor(
    id: string,
    parent: JobsNode | undefined,
    readonly level: 'info' | 'error' | 'loading',
    readonly command?: vscode.Command,
  ) {
    super(id, parent);
  }
  withText(text: string): this {
    this.text = text;
    return this;
  }
  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.text, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon(
      this.level === 'error' ? 'error' : this.level === 'loading' ? 'loading~spin' : 'info',
      this.level === 'error' ? new vscode.ThemeColor('list.errorForeground') : undefined,
    );
    item.tooltip = this.text;
    item.contextValue = `message:${this.level}`;
    if (this.command) item.command = this.command;
    return item;
  }
}

// ------------------------------------------------------------------------------------------------ My fine-tuned models (issue 18)

/** What the "My fine-tuned models" nodes need besides the jobs' context. */
export interface FineTunedContext {
  readonly models: FineTunedModels;
  readonly retirements: Retirements;
  /** The provider the models are on (the settings' one). */
  providerId(): ProviderId;
}

/** The colour of a days-left mark: warning inside 30 days, error once past (issue 18). */
const MARK_COLOR: Partial<Record<RetirementLevel, string>> = { warning: 'list.warningForeground', past: 'list.errorForeground' };

/** The icon of a model with its days-left mark (`normal` when nothing is near). */
export function retirementIcon(level: RetirementLevel, normal: { readonly icon: string; readonly color?: string }): vscode.ThemeIcon {
  const color = MARK_COLOR[level] ?? normal.color;
  const icon = level === 'warning' ? 'warning' : level === 'past' ? 'error' : normal.icon;
  return new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
}

/** A job's days-left mark: of its fine-tuned model once it has one, else of its base model. */
function jobMark(ctx: NodeContext, job: FineTuningJob): RetirementView | undefined {
  return ctx.fineTuned ? markOf(ctx.fineTuned, job.fine_tuned_model ?? job.model) : undefined;
}

/** The mark of a model on the context's provider (or none, when neither ARM nor the catalogue has a date). */
function markOf(ft: FineTunedContext, model: string): RetirementView | undefined {
  return ft.retirements.view(ft.providerId(), model);
}

function retirementRows(view: RetirementView | undefined): Array<[string, string]> {
  if (!view) return [['Retirement', 'not in Tuneline\'s model table: no dates known']];
  const r = view.retirement;
  const soft = r.noEarlierThan ? 'no earlier than ' : '';
  const date = (d: string | undefined) => (d ? `${soft}${d}` : 'no date announced');
  return [
    ['Days left', view.mark.long],
    ['New jobs end', date(r.training)],
    ['Serving ends', date(r.serving)],
    ['Dates from', view.origin === 'arm' ? 'Azure Resource Manager (model list)' : `${r.source.url} (read ${r.source.read})`],
  ];
}

function tableTooltip(title: string, rows: ReadonlyArray<[string, string | number | null | undefined]>): vscode.MarkdownString {
  const m = new vscode.MarkdownString(undefined, true);
  m.appendMarkdown(`**${md(title)}**\n\n| | |\n|---|---|\n`);
  for (const [k, v] of rows) if (v !== undefined && v !== null && v !== '') m.appendMarkdown(`| ${md(k)} | ${md(String(v))} |\n`);
  return m;
}

/** The top node: every fine-tuned model the account has (not only this session's jobs). */
export class FineTunedGroupNode extends BaseNode {
  readonly kind = 'fineTunedGroup';
  readonly #ctx: NodeContext;
  readonly #ft: FineTunedContext;
  constructor(
    ctx: NodeContext,
    ft: FineTunedContext,
    /** The current provider's group when several providers are configured (issue 16); at the root otherwise. */
    parent?: ProviderGroupNode,
  ) {
    super('fineTuned', parent);
    this.#ctx = ctx;
    this.#ft = ft;
  }
  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('My fine-tuned models', vscode.TreeItemCollapsibleState.Collapsed);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('library');
    const s = this.#ft.models.state;
    const models = this.#ft.models.models;
    const near = models.filter((m) => (markOf(this.#ft, m.id)?.mark.level ?? 'none') === 'warning').length;
    item.description = s.kind === 'ready' ? `${models.length}${near ? ` · ${near} retiring within 30 days` : ''}` : s.kind === 'error' ? 'could not load' : 'loading…';
    item.contextValue = 'fineTunedGroup';
    item.tooltip = 'Every fine-tuned model on this account (all its succeeded jobs, and the models it lists), with its base model and days left before retirement';
    return item;
  }
  override async children(): Promise<JobsNode[]> {
    const ft = this.#ft;
    await ft.models.ensureLoaded();
    const s = ft.models.state;
    const c = this.#ctx;
    if (s.kind === 'error') return [c.intern(`${this.id}/error`, () => new MessageNode(`${this.id}/error`, this, 'error')).withText(`Could not list the fine-tuned models: ${s.message}`)];
    const out: JobsNode[] = ft.models.models.map((m) => c.intern(`${this.id}/${m.id}`, () => new FineTunedModelNode(m.id, this, c, ft)));
    if (!out.length) out.push(c.intern(`${this.id}/none`, () => new MessageNode(`${this.id}/none`, this, 'info')).withText('No fine-tuned models on this account yet'));
    return out;
  }
}

/**
 * A fine-tuned model of the account: base model, training file, hyperparameters (tooltip), retirement date and days
 * left, coloured inside 30 days. `providerId`, `modelId` and `baseModel` are read (duck-typed) by other commands.
 */
export class FineTunedModelNode extends BaseNode {
  readonly kind = 'fineTunedModel';
  readonly providerId: ProviderId;
  readonly baseModel: string;
  readonly #ctx: NodeContext;
  readonly #ft: FineTunedContext;
  constructor(
    readonly modelId: string,
    group: FineTunedGroupNode,
    ctx: NodeContext,
    ft: FineTunedContext,
  ) {
    super(`${group.id}/${modelId}`, group);
    this.#ctx = ctx;
    this.#ft = ft;
    this.providerId = ft.providerId();
    this.baseModel = ft.models.get(modelId)?.baseModel ?? modelId;
  }
  get entry(): FineTunedEntry | undefined {
    return this.#ft.models.get(this.modelId);
  }
  treeItem(): vscode.TreeItem {
    const e = this.entry;
    const item = new vscode.TreeItem(shortModelName(this.modelId), e?.job ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const view = markOf(this.#ft, this.modelId);
    const level = view?.mark.level ?? 'none';
    // days left first: the narrow sidebar cuts the end of the line
    item.description = [view?.mark.short, this.baseModel].filter(Boolean).join(' · ');
    item.iconPath = retirementIcon(level, { icon: 'symbol-class', color: 'charts.green' });
    item.contextValue = `${modelContextValue('modelId', this.#ctx.model.adapter().capabilities)}:fineTunedModel`;
    const job = e?.job;
    const rows: Array<[string, string | number | null | undefined]> = [
      ['Base model', this.baseModel],
      ['Job', job?.id ?? 'not listed any more'],
      ['Training file', job?.training_file],
      ['Validation file', job?.validation_file],
      ['Method', job ? jobMethod(job) : undefined],
      ...hyperparameterRows(job),
      ['Trained tokens', job?.trained_tokens?.toLocaleString('en-US')],
      ['Created', e ? fmtTime(e.created) : undefined],
      ...retirementRows(view),
    ];
    item.tooltip = tableTooltip(`Fine-tuned model ${this.modelId}`, [['Model', this.modelId], ...rows]);
    item.accessibilityInformation = { label: `Fine-tuned model ${this.modelId}, base ${this.baseModel}${view?.mark.short ? `, ${view.mark.short}` : ''}` };
    return item;
  }
  override async children(): Promise<JobsNode[]> {
    const ft = this.#ft;
    await ft.models.loadCheckpoints(this.modelId);
    const list = ft.models.checkpointsOf(this.modelId);
    const c = this.#ctx;
    const out: JobsNode[] = (list?.items ?? []).map((cp) => {
      const node = c.intern(`${this.id}/${cp.id}`, () => new FineTunedCheckpointNode(cp, this, c, ft));
      node.checkpoint = cp;
      return node;
    });
    if (list?.error) out.push(c.intern(`${this.id}/error`, () => new MessageNode(`${this.id}/error`, this, 'error')).withText(`Could not load checkpoints: ${list.error}`));
    return out;
  }
}

/** A checkpoint of an account's fine-tuned model (it retires with its base model). */
export class FineTunedCheckpointNode extends BaseNode {
  readonly kind = 'fineTunedCheckpoint';
  readonly providerId: ProviderId;
  readonly baseModel: string;
  readonly #ctx: NodeContext;
  readonly #ft: FineTunedContext;
  constructor(
    public checkpoint: FineTuningJobCheckpoint,
    parent: FineTunedModelNode,
    ctx: NodeContext,
    ft: FineTunedContext,
  ) {
    super(`${parent.id}/${checkpoint.id}`, parent);
    this.#ctx = ctx;
    this.#ft = ft;
    this.providerId = parent.providerId;
    this.baseModel = parent.baseModel;
  }
  get modelId(): string {
    return this.checkpoint.fine_tuned_model_checkpoint;
  }
  treeItem(): vscode.TreeItem {
    const cp = this.checkpoint;
    const item = new vscode.TreeItem(`Step ${cp.step_number}`, vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    const view = markOf(this.#ft, this.modelId);
    const level = view?.mark.level ?? 'none';
    item.description = [view?.mark.short, this.modelId].filter(Boolean).join(' · ');
    item.iconPath = retirementIcon(level, { icon: 'debug-stackframe-dot', color: 'charts.purple' });
    item.contextValue = `${modelContextValue('checkpoint', this.#ctx.model.adapter().capabilities)}:fineTunedCheckpoint`;
    item.tooltip = tableTooltip(`Checkpoint at step ${cp.step_number}`, [
      ['Checkpoint', this.modelId],
      ['Base model', this.baseModel],
      ...Object.entries(cp.metrics ?? {}).map(([k, v]): [string, string] => [k, String(v)]),
      ...retirementRows(view),
    ]);
    return item;
  }
}
