/**
 * The model of the jobs view's "My fine-tuned models" node (issue 18): the account's fine-tuned models and their
 * checkpoints, fetched from the provider client (every page of the jobs list, and the model list), cached, and
 * refreshed with the view; checkpoints are fetched when a model is expanded. The nodes (`nodes.ts`,
 * `FineTunedGroupNode` and below) only render what it holds. Like `JobsModel`, background fetches never ask the user.
 */
import * as vscode from 'vscode';
import { ApiError } from '../api/errors';
import type { FineTuningJobCheckpoint, Model, Page, TunelineClient } from '../api/types';
import { CancelledError } from '../common/commands';
import { Disposable } from '../common/dispose';
import { describeError, type Logger } from '../common/logger';
import type { ProviderService } from '../connection/provider';
import { fineTunedModels, type FineTunedEntry } from './fineTunedList';
import type { ListState } from './model';

/** Pages of jobs read at most (100 each): an account with more shows the newest 5,000 jobs' models. */
export const MAX_JOB_PAGES = 50;
const PAGE = 100;

export interface CheckpointList {
  readonly items: readonly FineTuningJobCheckpoint[];
  readonly error?: string;
}

export class FineTunedModels extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private list: FineTunedEntry[] = [];
  private listState: ListState = { kind: 'idle' };
  private loading: Promise<void> | undefined;
  private generation = 0;
  private readonly checkpoints = new Map<string, CheckpointList>();
  private readonly inflight = new Set<AbortController>();
  /** Why the model list could not be read (the jobs still give the models), for the log and the tooltip. */
  modelsError: string | undefined;

  constructor(
    private readonly provider: ProviderService,
    private readonly log: Logger,
  ) {
    super();
    // the current provider's models: another provider's key changing leaves them as they are
    this._register(provider.onDidChange((e) => (e.key === undefined || e.key === provider.currentProvider() ? this.reset() : undefined)));
    this._register({ dispose: () => this.inflight.forEach((c) => c.abort()) });
  }

  get state(): ListState {
    return this.listState;
  }

  get models(): readonly FineTunedEntry[] {
    return this.list;
  }

  get(id: string): FineTunedEntry | undefined {
    return this.list.find((m) => m.id === id);
  }

  checkpointsOf(id: string): CheckpointList | undefined {
    return this.checkpoints.get(id);
  }

  reset(): void {
    this.generation++;
    this.inflight.forEach((c) => c.abort());
    this.list = [];
    this.checkpoints.clear();
    this.loading = undefined;
    this.listState = { kind: 'idle' };
    this.changed.fire();
  }

  ensureLoaded(): Promise<void> {
    if (this.listState.kind === 'idle') return this.load();
    return this.loading ?? Promise.resolve();
  }

  /** Reads the lists again (the jobs view's Refresh). */
  async refresh(): Promise<void> {
    if (this.loading) await this.loading;
    this.checkpoints.clear();
    await this.load();
  }

  private async call<T>(fn: (client: TunelineClient, signal: AbortSignal) => Promise<T>): Promise<T> {
    const c = new AbortController();
    this.inflight.add(c);
    try {
      return await fn(await this.provider.getClient({ interactive: false }), c.signal);
    } finally {
      this.inflight.delete(c);
    }
  }

  private load(): Promise<void> {
    if (this.loading) return this.loading;
    const generation = this.generation;
    if (this.listState.kind !== 'ready') this.listState = { kind: 'loading' };
    this.changed.fire();
    const run = (async () => {
      try {
        const jobs = await this.call((c, signal) => allPages((after) => c.listJobs({ limit: PAGE, ...(after ? { after } : {}) }, { signal })));
        let models: Model[] = [];
        try {
          models = await this.call((c, signal) => c.listModels({ signal }));
          this.modelsError = undefined;
        } catch (e) {
          if (e instanceof CancelledError) throw e;
          this.modelsError = describeError(e);
          this.log.warn(`Fine-tuned models: could not list the models (the jobs still name them): ${this.modelsError}`);
        }
        if (generation !== this.generation) return;
        this.list = fineTunedModels(jobs, models);
        this.listState = { kind: 'ready' };
        this.log.info(`Fine-tuned models: ${this.list.length} on the account (from ${jobs.length} job(s) and ${models.length} listed model(s))`);
      } catch (e) {
        if (generation !== this.generation) return;
        this.listState = errorState(e, this.log);
      } finally {
        if (generation === this.generation) {
          this.loading = undefined;
          this.changed.fire();
        }
      }
    })();
    this.loading = run;
    return run;
  }

  /** Every checkpoint of a model's job (all pages), fetched once; silent: the tree renders the result. */
  async loadCheckpoints(id: string): Promise<void> {
    const entry = this.get(id);
    if (!entry?.job || this.checkpoints.has(id)) return;
    const jobId = entry.job.id;
    const generation = this.generation;
    try {
      const items = await this.call((c, signal) => allPages((after) => c.listJobCheckpoints(jobId, { limit: PAGE, ...(after ? { after } : {}) }, { signal })));
      if (generation === this.generation) this.checkpoints.set(id, { items });
    } catch (e) {
      if (e instanceof CancelledError || generation !== this.generation) return;
      this.checkpoints.set(id, { items: [], error: describeError(e) });
      this.log.warn(`Fine-tuned models: checkpoints of ${id}: ${describeError(e)}`);
    }
  }
}

/** Every item of a cursor-paged list, at most `MAX_JOB_PAGES` pages. */
async function allPages<T>(fetch: (after: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const all: T[] = [];
  let after: string | undefined;
  for (let i = 0; i < MAX_JOB_PAGES; i++) {
    const page = await fetch(after);
    all.push(...page.data);
    if (!page.hasMore || !page.nextAfter) break;
    after = page.nextAfter;
  }
  return all;
}

function errorState(e: unknown, log: Logger): ListState {
  if (e instanceof CancelledError) return { kind: 'idle' };
  if (e instanceof ApiError && e.kind === 'config' && /no API key/i.test(e.message)) return { kind: 'no-key' };
  log.warn(`Fine-tuned models: could not list the fine-tuning jobs: ${describeError(e)}`);
  return { kind: 'error', message: describeError(e) };
}
