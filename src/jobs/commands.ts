/**
 * The job commands (all of them live here): refresh, load more, cancel (with a modal confirmation), pause, resume,
 * copy model id, open in playground, show metrics, show the job's JSON, open a result file. Each takes a tree node
 * or a job id (tests, other commands); the menus in package.json hide each where it does not apply.
 */
import * as vscode from 'vscode';
import type { FineTuningJob } from '../api/types';
import { CancelledError, UserFacingError } from '../common/commands';
import { modelRef } from '../api/modelRef';
import type { Logger } from '../common/logger';
import type { MetricsPanel, MetricsPanels } from './metricsPanel';
import type { JobAction, JobsModel } from './model';
import { ProviderGroupNode } from './groupNode';
import { CheckpointNode, FileNode, FineTunedCheckpointNode, FineTunedModelNode, JobNode, LoadMoreNode, ModelIdNode } from './nodes';
import { isActive, statusOf } from './status';
import type { JobDocuments } from './documents';

/** Asks whether to cancel a job (a modal dialog; tests answer without UI, as VS Code refuses modal dialogs there). */
export type CancelConfirmation = (jobId: string) => Promise<boolean>;

export interface JobCommandDeps {
  readonly confirm: () => CancelConfirmation;
  readonly model: JobsModel;
  readonly panels: MetricsPanels;
  readonly documents: JobDocuments;
  readonly log: Logger;
  /** Several providers (issue 16): the model that holds a job (another provider's), if not the current one's. */
  readonly modelOf?: (jobId: string) => JobsModel | undefined;
  /** Several providers: refreshes the other providers' lists too. */
  readonly refreshOthers?: () => Promise<void>;
}

export const PLAYGROUND_COMMAND = 'tuneline.openPlayground';

/** A job id from a job node, any node under a job, `{ jobId }` / `{ id }`, or a string. */
export function jobIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg.trim()) return arg.trim();
  if (arg instanceof JobNode) return arg.jobId;
  if (arg instanceof ModelIdNode) return arg.jobNode.jobId;
  if (arg instanceof FileNode) return arg.jobId;
  if (arg instanceof CheckpointNode) return arg.checkpoint.fine_tuning_job_id;
  if (arg && typeof arg === 'object') {
    const o = arg as { jobId?: unknown; id?: unknown };
    if (typeof o.jobId === 'string') return o.jobId;
    if (typeof o.id === 'string' && o.id.startsWith('ftjob')) return o.id;
  }
  return undefined;
}

async function pickJob(model: JobsModel, what: string, filter: (j: FineTuningJob) => boolean = () => true): Promise<string> {
  await model.ensureLoaded();
  const items = model.jobs
    .map((e) => e.job)
    .filter(filter)
    .map((j) => ({ label: j.id, description: `${statusOf(j)} · ${j.model}`, id: j.id }));
  if (!items.length) throw new UserFacingError(`There is no fine-tuning job to ${what}.`);
  const pick = await vscode.window.showQuickPick(items, { title: `Tuneline: ${what}`, placeHolder: 'Pick a fine-tuning job' });
  if (!pick) throw new CancelledError();
  return pick.id;
}

async function jobArg(model: JobsModel, arg: unknown, what: string, filter?: (j: FineTuningJob) => boolean): Promise<string> {
  return jobIdOf(arg) ?? (await pickJob(model, what, filter));
}

/** The model id a node or argument names: a checkpoint's, a fine-tuned model's, or a job's fine-tuned model. */
async function modelIdOf(model: JobsModel, arg: unknown, modelOf?: JobCommandDeps['modelOf']): Promise<string> {
  if (arg instanceof CheckpointNode) return arg.modelId;
  if (arg instanceof ModelIdNode && arg.modelId) return arg.modelId;
  if (arg instanceof FineTunedModelNode || arg instanceof FineTunedCheckpointNode) return arg.modelId;
  if (typeof arg === 'string' && !arg.startsWith('ftjob')) return arg;
  const id = await jobArg(model, arg, 'copy the model id of', (j) => !!j.fine_tuned_model);
  const holder = modelOf?.(id) ?? model;
  const job = holder.get(id)?.job ?? (await holder.retrieve(id));
  if (!job.fine_tuned_model) throw new UserFacingError(`Job ${id} has no fine-tuned model yet (it is ${statusOf(job)}).`);
  return job.fine_tuned_model;
}

export async function confirmCancel(jobId: string): Promise<boolean> {
  const CANCEL = 'Cancel Job';
  const choice = await vscode.window.showWarningMessage(
    `Cancel fine-tuning job ${jobId}?`,
    { modal: true, detail: 'The service stops the job; it cannot be resumed. Steps already trained may still be billed.' },
    CANCEL,
  );
  return choice === CANCEL;
}

async function act(deps: JobCommandDeps, arg: unknown, action: JobAction, options: unknown): Promise<FineTuningJob | undefined> {
  const filters: Record<JobAction, (j: FineTuningJob) => boolean> = {
    cancel: (j) => isActive(j.status),
    pause: (j) => statusOf(j) === 'running',
    resume: (j) => statusOf(j) === 'paused',
  };
  const id = await jobArg(deps.model, arg, action, filters[action]);
  const skip = !!options && typeof options === 'object' && (options as { confirm?: unknown }).confirm === false;
  if (action === 'cancel' && !skip && !(await deps.confirm()(id))) return undefined;
  return (deps.modelOf?.(id) ?? deps.model).act(id, action);
}

/**
 * The playground's name for a model of a node or argument (issue 16): under another provider's group, or a job only
 * another provider's model holds, it is `@provider/id`; the current provider's stays its plain id.
 */
function playgroundRef(deps: JobCommandDeps, arg: unknown, id: string): string {
  let n: unknown = arg;
  while (n && typeof n === 'object') {
    if (n instanceof ProviderGroupNode) return n.current ? id : modelRef(n.provider, id, deps.model.adapter().id);
    n = (n as { parent?: unknown }).parent;
  }
  const holder = typeof arg === 'string' && arg.startsWith('ftjob') ? deps.modelOf?.(arg) : undefined;
  return holder?.kind ? modelRef(holder.kind, id, deps.model.adapter().id) : id;
}

export async function openInPlayground(models: string[], log: Logger): Promise<boolean> {
  const all = await vscode.commands.getCommands(true);
  if (!all.includes(PLAYGROUND_COMMAND)) {
    log.warn(`Jobs: ${PLAYGROUND_COMMAND} is not available`);
    void vscode.window.showWarningMessage(`The Tuneline playground is not available in this version, so ${models.join(', ')} cannot be opened there. Copy the model id and use it in your own client.`, 'Copy model id').then((c) => {
      if (c) void vscode.env.clipboard.writeText(models[0] ?? '');
    });
    return false;
  }
  await vscode.commands.executeCommand(PLAYGROUND_COMMAND, { models });
  return true;
}

export function jobCommandHandlers(deps: JobCommandDeps): Record<string, (...args: any[]) => unknown> {
  const { model, panels, documents, log } = deps;
  return {
    // An explicit refresh may ask once whether a workspace-chosen host may get the key; polling never asks.
    'tuneline.jobs.refresh': async () => {
      await model.getClient();
      await Promise.all([model.refresh(), deps.refreshOthers?.()]);
    },
    'tuneline.jobs.loadMore': async (node?: unknown) => {
      // a group's "Load more" pages that provider's list
      const holder = node instanceof LoadMoreNode && node.parent instanceof ProviderGroupNode ? node.parent.model : model;
      if (!(node instanceof LoadMoreNode) || node.target.kind === 'jobs') return holder.loadMore();
      const of = deps.modelOf?.(node.target.jobId) ?? model;
      return node.target.kind === 'events' ? of.loadMoreEvents(node.target.jobId) : of.loadMoreCheckpoints(node.target.jobId);
    },
    'tuneline.jobs.cancel': (arg?: unknown, options?: unknown) => act(deps, arg, 'cancel', options),
    'tuneline.jobs.pause': (arg?: unknown) => act(deps, arg, 'pause', undefined),
    'tuneline.jobs.resume': (arg?: unknown) => act(deps, arg, 'resume', undefined),
    'tuneline.jobs.copyModelId': async (arg?: unknown) => {
      const id = await modelIdOf(model, arg, deps.modelOf);
      await vscode.env.clipboard.writeText(id);
      vscode.window.setStatusBarMessage(`Copied ${id}`, 3000);
      return id;
    },
    'tuneline.jobs.openInPlayground': async (arg?: unknown) => openInPlayground([playgroundRef(deps, arg, await modelIdOf(model, arg, deps.modelOf))], log),
    'tuneline.jobs.showMetrics': async (arg?: unknown): Promise<MetricsPanel> => panels.show(await jobArg(model, arg, 'show the metrics of')),
    'tuneline.jobs.showJson': async (arg?: unknown) => documents.showJob(await jobArg(model, arg, 'show the JSON of')),
    'tuneline.jobs.openResultFile': async (arg?: unknown) => {
      if (arg instanceof FileNode) return documents.showFile(arg.jobId, arg.fileId);
      const id = await jobArg(model, arg, 'open the result file of', (j) => !!j.result_files?.length);
      const holder = deps.modelOf?.(id) ?? model;
      const job = holder.get(id)?.job ?? (await holder.retrieve(id));
      const file = job.result_files?.[0];
      if (!file) throw new UserFacingError(`Job ${id} has no result file (yet).`);
      return documents.showFile(id, file);
    },
  };
}
