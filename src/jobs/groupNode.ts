/**
 * The group node of one provider in the jobs tree (several providers configured, issue 16): its label is the
 * provider's, its children are that provider's jobs as its own model holds them (loading, "Set API key", an error
 * to retry, or the jobs with "Load more"). `listChildren` renders a model's list; the tree uses it at the root too.
 * "My fine-tuned models" (issue 18) is the current provider's: first at the root, or first in the current group.
 */
import * as vscode from 'vscode';
import { PROVIDER_LABELS } from '../api/endpoint';
import type { ProviderKind } from '../api/types';
import type { JobsModel } from './model';
import { FineTunedGroupNode, JobNode, LoadMoreNode, MessageNode, type JobsNode, type NodeContext } from './nodes';

/** The one node of a job at the root (one provider). */
export function rootJobNode(ctx: NodeContext, jobId: string): JobNode {
  return ctx.intern(`job/${jobId}`, () => new JobNode(jobId, ctx));
}

/**
 * The nodes a model's list renders as, under `parent` (a group) or at the root; ids start with `prefix`. With
 * `withFineTuned` (the current provider's list) and jobs listed, "My fine-tuned models" comes first.
 */
export function listChildren(ctx: NodeContext, parent: ProviderGroupNode | undefined, prefix: string, withFineTuned: boolean): JobsNode[] {
  const model = ctx.model;
  const state = model.state;
  const message = (level: MessageNode['level'], text: string, command?: vscode.Command): MessageNode => {
    const id = `${prefix}message/${level}`;
    const n = ctx.intern(id, () => new MessageNode(id, parent, level, command));
    // one node per id: a different command (another error) needs a fresh one
    const fresh = n.command?.command === command?.command ? n : new MessageNode(id, parent, level, command);
    return fresh.withText(command && level === 'error' ? `${text} (click to retry)` : text);
  };
  switch (state.kind) {
    case 'idle':
      void model.ensureLoaded();
      return [message('loading', 'Loading fine-tuning jobs…')];
    case 'loading':
      return [message('loading', 'Loading fine-tuning jobs…')];
    case 'no-key':
      // at the root the welcome view explains; in a group, the group says what to do
      if (!parent) return [];
      return [message('info', 'Set API key', { command: 'tuneline.setApiKey', title: 'Set API Key', arguments: [undefined, parent.provider] })];
    case 'error':
      return [message('error', state.message, { command: 'tuneline.jobs.refresh', title: 'Retry' })];
    case 'ready': {
      const out: JobsNode[] = model.jobs.map((e) => (parent ? parent.jobNode(e.job.id) : rootJobNode(ctx, e.job.id)));
      const ft = ctx.fineTuned;
      if (withFineTuned && ft && out.length) out.unshift(ctx.intern('fineTuned', () => new FineTunedGroupNode(ctx, ft, parent)));
      if (model.canLoadMore) out.push(ctx.intern(`${prefix}jobs/more`, () => new LoadMoreNode(`${prefix}jobs/more`, parent, { kind: 'jobs' })));
      if (parent && out.length === 0) out.push(message('info', 'No fine-tuning jobs yet'));
      return out;
    }
  }
}

export class ProviderGroupNode {
  readonly kind = 'providerGroup';
  readonly parent = undefined;
  readonly id: string;
  // private (#): not an own property, so a node passed to `executeCommand` clones cheaply
  readonly #ctx: NodeContext;

  constructor(
    readonly provider: ProviderKind,
    /** The provider `tuneline.provider` chooses. */
    readonly current: boolean,
    ctx: NodeContext,
  ) {
    this.id = `group/${provider}`;
    this.#ctx = ctx;
  }

  get model(): JobsModel {
    return this.#ctx.model;
  }

  treeItem(): vscode.TreeItem {
    const model = this.#ctx.model;
    const item = new vscode.TreeItem(PROVIDER_LABELS[this.provider], vscode.TreeItemCollapsibleState.Expanded);
    item.id = this.id;
    item.iconPath = new vscode.ThemeIcon('cloud');
    const state = model.state;
    const count = state.kind === 'ready' ? `${model.jobs.length}${model.canLoadMore ? '+' : ''} job${model.jobs.length === 1 && !model.canLoadMore ? '' : 's'}` : state.kind === 'no-key' ? 'no API key' : state.kind === 'error' ? 'error' : '';
    item.description = [this.current ? 'current' : '', count].filter(Boolean).join(' · ');
    item.tooltip = `${PROVIDER_LABELS[this.provider]}${this.current ? ' (tuneline.provider)' : ''}: its fine-tuning jobs, listed and polled with its own key`;
    item.contextValue = `providerGroup:${this.provider}`;
    return item;
  }

  /** The one node of a job of this provider, in this group. */
  jobNode(jobId: string): JobNode {
    return this.#ctx.intern(`job/${jobId}`, () => new JobNode(jobId, this.#ctx, this));
  }

  children(): JobsNode[] {
    return listChildren(this.#ctx, this, `${this.id}/`, this.current);
  }
}
