/**
 * The jobs model: fetches fine-tuning jobs (paged), their events and checkpoints, caches them, and fires change
 * events. It polls only while some job is active and the view is visible (or a job the user started in this session
 * is still active, so its end can be announced), with a backoff that resets when something changes, and stops when
 * nothing is active. The tree (`tree.ts`) only renders what this model holds.
 */
import * as vscode from 'vscode';
import { ApiError } from '../api/errors';
import { providerFor, type Provider } from '../api/providers';
import type { ProviderService } from '../connection/provider';
import type { FineTuningJob, FineTuningJobCheckpoint, FineTuningJobEvent, Page, ProviderKind, TunelineClient } from '../api/types';
import { CancelledError } from '../common/commands';
import { Disposable } from '../common/dispose';
import { describeError, type Logger } from '../common/logger';
import { Backoff, isActive, isFinal, latestProgress, type JobStatus, type Progress } from './status';

/** A cursor-paged list the model holds (events, checkpoints). */
export interface PagedList<T> {
  items: T[];
  hasMore: boolean;
  nextAfter?: string;
  error?: string;
}

export interface JobEntry {
  job: FineTuningJob;
  /** Newest first; undefined until fetched. */
  events?: PagedList<FineTuningJobEvent>;
  /** Newest first; undefined until fetched. */
  checkpoints?: PagedList<FineTuningJobCheckpoint>;
  /** The newest metrics event's step. */
  progress?: Progress;
}

export interface StatusChange {
  readonly job: FineTuningJob;
  readonly previous: JobStatus;
}

export type JobAction = 'cancel' | 'pause' | 'resume';

export interface PollTiming {
  readonly initialMs: number;
  readonly maxMs: number;
}

export const DEFAULT_POLL: PollTiming = { initialMs: 2_000, maxMs: 30_000 };
export const JOBS_PAGE = 20;
export const EVENTS_PAGE = 25;
export const CHECKPOINTS_PAGE = 10;

/** What the model knows about the list as a whole. */
export type ListState =
  | { readonly kind: 'idle' } // never fetched
  | { readonly kind: 'loading' }
  | { readonly kind: 'no-key' } // no API key: the welcome view explains
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'ready' };

export class JobsModel extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<JobEntry | undefined>());
  /** A job changed (its node re-renders), or the list as a whole (`undefined`). */
  readonly onDidChange = this.changed.event;
  private readonly statusChanged = this._register(new vscode.EventEmitter<StatusChange>());
  /** A job's status changed (seen by a poll, a refresh or an action). */
  readonly onDidChangeStatus = this.statusChanged.event;

  private entries: JobEntry[] = [];
  private readonly byId = new Map<string, JobEntry>();
  private hasMore = false;
  private nextAfter: string | undefined;
  private listState: ListState = { kind: 'idle' };
  private loading: Promise<void> | undefined;
  /** Bumped when the provider changes: answers for an older generation are dropped. */
  private generation = 0;
  private visible = false;
  /** Jobs whose end must be seen even while the view is hidden (the user started them in this session). */
  private readonly watched = new Map<string, JobStatus>();
  /** Jobs something outside the view follows live (an open metrics panel): polled while active, view or not. */
  private readonly pinned = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private polling: Promise<void> | undefined;
  private backoff: Backoff;
  private readonly inflight = new Set<AbortController>();
  /** Number of polls done (tests, diagnostics). */
  pollCount = 0;

  constructor(
    private readonly provider: ProviderService,
    private readonly log: Logger,
    timing: PollTiming = DEFAULT_POLL,
    /** The provider whose jobs this model holds (several at once, issue 16); `undefined`: the current provider. */
    readonly kind?: ProviderKind,
  ) {
    super();
    this.backoff = new Backoff(timing.initialMs, timing.maxMs);
    // another provider's key changing leaves this model's list as it is (several providers at once)
    this._register(provider.onDidChange((e) => (e.key === undefined || e.key === (this.kind ?? provider.currentProvider()) ? this.reset() : undefined)));
    this._register({
      dispose: () => {
        this.stopTimer();
        for (const c of this.inflight) c.abort();
      },
    });
  }

  // ------------------------------------------------------------------------------------------------ reading

  /** The adapter of the provider the settings point at: which actions, results and serving the view offers. */
  adapter(): Provider {
    return this.adapterOverride ?? providerFor(this.kind ?? this.provider.currentProvider());
  }

  private adapterOverride: Provider | undefined;

  /**
   * Tests: show the jobs as another adapter's service would allow (e.g. one without pause, while the local API is
   * OpenAI-shaped); `undefined` goes back to the settings' provider.
   */
  setAdapterOverride(adapter: Provider | undefined): void {
    this.adapterOverride = adapter;
    this.changed.fire(undefined);
  }

  get state(): ListState {
    return this.listState;
  }

  get jobs(): readonly JobEntry[] {
    return this.entries;
  }

  get canLoadMore(): boolean {
    return this.hasMore;
  }

  get(id: string): JobEntry | undefined {
    return this.byId.get(id);
  }

  /** True while a timer for the next poll is set. */
  get isPolling(): boolean {
    return this.timer !== undefined || this.polling !== undefined;
  }

  get pollDelay(): number {
    return this.backoff.delay;
  }

  /** Tests: faster polling. */
  setTiming(timing: PollTiming | undefined): void {
    const t = timing ?? DEFAULT_POLL;
    this.backoff = new Backoff(t.initialMs, t.maxMs);
    this.schedule();
  }

  // ------------------------------------------------------------------------------------------------ driving

  /** The view became visible or hidden: visible loads (once) and polls. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && this.listState.kind === 'idle') void this.load();
    else this.schedule();
  }

  /** Loads the first page unless it is loaded or loading. */
  ensureLoaded(): Promise<void> {
    if (this.listState.kind === 'idle') return this.load();
    return this.loading ?? Promise.resolve();
  }

  /** Forgets everything (the endpoint or key changed) and loads again if visible. */
  reset(): void {
    this.generation++;
    for (const c of this.inflight) c.abort();
    this.entries = [];
    this.byId.clear();
    this.hasMore = false;
    this.nextAfter = undefined;
    this.loading = undefined;
    this.listState = { kind: 'idle' };
    this.backoff.reset();
    this.stopTimer();
    this.changed.fire(undefined);
    if (this.visible) void this.load();
  }

  /** `tuneline.jobs.refresh`: fetches the first page, and the events and checkpoints already shown, now. */
  async refresh(): Promise<void> {
    this.backoff.reset();
    if (this.listState.kind !== 'ready') {
      this.listState = { kind: 'idle' };
      this.loading = undefined;
      await this.load();
      return;
    }
    await this.pollNow(true);
  }

  /** A job Tuneline just created: shown at the top at once, and watched until it ends. */
  addCreated(job: FineTuningJob, watch: boolean): void {
    if (watch) this.watched.set(job.id, job.status);
    if (this.listState.kind === 'ready') {
      this.merge([job], true);
      this.changed.fire(undefined);
    }
    this.backoff.reset();
    this.schedule();
  }

  /** Stops watching a job (its end was announced, or notifications are off). */
  unwatch(id: string): void {
    this.watched.delete(id);
  }

  isWatched(id: string): boolean {
    return this.watched.has(id);
  }

  /** Keeps a job polled while it is active, even with the view hidden, until the result is disposed. */
  pin(id: string): vscode.Disposable {
    this.pinned.set(id, (this.pinned.get(id) ?? 0) + 1);
    this.backoff.reset();
    this.schedule();
    let done = false;
    return new vscode.Disposable(() => {
      if (done) return;
      done = true;
      const n = (this.pinned.get(id) ?? 1) - 1;
      if (n > 0) this.pinned.set(id, n);
      else this.pinned.delete(id);
    });
  }

  /** Puts a job fetched elsewhere (e.g. by a panel) into the model, firing status changes. */
  update(job: FineTuningJob): void {
    const entry = this.byId.get(job.id);
    const touched = this.merge([job], false);
    if (!entry && this.listState.kind !== 'ready') {
      // not listed yet: keep it out of the list (the first load puts it where it belongs)
      this.byId.delete(job.id);
      this.entries = this.entries.filter((e) => e.job.id !== job.id);
      return;
    }
    if (touched.length) this.changed.fire(entry ?? undefined);
  }

  // ------------------------------------------------------------------------------------------------ fetching

  /** Background fetches never ask the user anything (see ProviderService.getClient); commands use `getClient`. */
  private async client(): Promise<TunelineClient> {
    return this.provider.getClient({ provider: this.kind, interactive: false });
  }

  /** Runs `fn` with an AbortSignal that the model aborts when disposed or reset. */
  private async call<T>(fn: (client: TunelineClient, signal: AbortSignal) => Promise<T>): Promise<T> {
    const c = new AbortController();
    this.inflight.add(c);
    try {
      return await fn(await this.client(), c.signal);
    } finally {
      this.inflight.delete(c);
    }
  }

  private load(): Promise<void> {
    if (this.loading) return this.loading;
    const generation = this.generation;
    this.listState = { kind: 'loading' };
    this.changed.fire(undefined);
    const run = (async () => {
      try {
        const page = await this.call((c, signal) => c.listJobs({ limit: JOBS_PAGE }, { signal }));
        if (generation !== this.generation) return;
        this.entries = [];
        this.byId.clear();
        this.merge(page.data, false);
        this.hasMore = page.hasMore;
        this.nextAfter = page.nextAfter;
        this.listState = { kind: 'ready' };
        this.log.info(`Jobs: ${page.data.length} job(s) loaded${page.hasMore ? ' (more on the service)' : ''}`);
        await this.fetchEventsOf(this.entries.filter((e) => isActive(e.job.status)), generation);
      } catch (e) {
        if (generation !== this.generation) return;
        this.listState = this.errorState(e);
      } finally {
        if (generation === this.generation) {
          this.loading = undefined;
          this.changed.fire(undefined);
          this.schedule();
        }
      }
    })();
    this.loading = run;
    return run;
  }

  private errorState(e: unknown): ListState {
    if (e instanceof CancelledError) return { kind: 'idle' };
    if (e instanceof ApiError && e.kind === 'config' && /no API key/i.test(e.message)) return { kind: 'no-key' };
    this.log.warn(`Jobs: could not list the fine-tuning jobs: ${describeError(e)}`);
    return { kind: 'error', message: describeError(e) };
  }

  /** The next page of jobs. */
  async loadMore(): Promise<void> {
    if (!this.hasMore || !this.nextAfter) return;
    const generation = this.generation;
    const after = this.nextAfter;
    const page = await this.call((c, signal) => c.listJobs({ limit: JOBS_PAGE, after }, { signal }));
    if (generation !== this.generation) return;
    this.merge(page.data, false);
    this.hasMore = page.hasMore;
    this.nextAfter = page.nextAfter;
    this.changed.fire(undefined);
    this.schedule();
  }

  /** The first page of a job's events (when its Events node is expanded). */
  /** `silent`: the caller (the tree fetching the node's children) renders the result; no change event. */
  async loadEvents(id: string, silent = false): Promise<void> {
    const entry = this.byId.get(id);
    if (!entry || entry.events) return;
    await this.fetchEventsOf([entry], this.generation);
    if (!silent) this.changed.fire(entry);
  }

  async loadMoreEvents(id: string): Promise<void> {
    await this.loadMoreOf(id, (e) => e.events, (c, after, signal) => c.listJobEvents(id, { limit: EVENTS_PAGE, after }, { signal }));
  }

  async loadCheckpoints(id: string, silent = false): Promise<void> {
    const entry = this.byId.get(id);
    if (!entry || entry.checkpoints) return;
    await this.fetchCheckpointsOf([entry], this.generation);
    if (!silent) this.changed.fire(entry);
  }

  async loadMoreCheckpoints(id: string): Promise<void> {
    await this.loadMoreOf(id, (e) => e.checkpoints, (c, after, signal) => c.listJobCheckpoints(id, { limit: CHECKPOINTS_PAGE, after }, { signal }));
  }

  /** The next page of one of a job's lists (events or checkpoints), appended to it. */
  private async loadMoreOf<T extends { id: string }>(
    id: string,
    listOf: (entry: JobEntry) => PagedList<T> | undefined,
    fetch: (client: TunelineClient, after: string, signal: AbortSignal) => Promise<Page<T>>,
  ): Promise<void> {
    const entry = this.byId.get(id);
    const list = entry && listOf(entry);
    if (!entry || !list?.hasMore || !list.nextAfter) return;
    const after = list.nextAfter;
    const page = await this.call((c, signal) => fetch(c, after, signal));
    appendPage(list, page);
    this.changed.fire(entry);
  }

  /** Fetches (or refreshes) the first page of events of each entry; returns true if any event is new. */
  private async fetchEventsOf(entries: readonly JobEntry[], generation: number): Promise<boolean> {
    let changed = false;
    await Promise.all(
      entries.map(async (entry) => {
        try {
          const page = await this.call((c, signal) => c.listJobEvents(entry.job.id, { limit: EVENTS_PAGE }, { signal }));
          if (generation !== this.generation) return;
          if (mergeFirstPage(entry, 'events', page)) changed = true;
          entry.progress = latestProgress(entry.events!.items) ?? entry.progress;
        } catch (e) {
          if (e instanceof CancelledError || generation !== this.generation) return;
          entry.events = { items: entry.events?.items ?? [], hasMore: false, error: describeError(e) };
          this.log.warn(`Jobs: events of ${entry.job.id}: ${describeError(e)}`);
        }
      }),
    );
    return changed;
  }

  private async fetchCheckpointsOf(entries: readonly JobEntry[], generation: number): Promise<boolean> {
    let changed = false;
    await Promise.all(
      entries.map(async (entry) => {
        try {
          const page = await this.call((c, signal) => c.listJobCheckpoints(entry.job.id, { limit: CHECKPOINTS_PAGE }, { signal }));
          if (generation !== this.generation) return;
          if (mergeFirstPage(entry, 'checkpoints', page)) changed = true;
        } catch (e) {
          if (e instanceof CancelledError || generation !== this.generation) return;
          entry.checkpoints = { items: entry.checkpoints?.items ?? [], hasMore: false, error: describeError(e) };
          this.log.warn(`Jobs: checkpoints of ${entry.job.id}: ${describeError(e)}`);
        }
      }),
    );
    return changed;
  }

  /**
   * Puts jobs into the list (new ones at the top when `atTop`, else in the order given after the known ones) and
   * updates known ones; fires `onDidChangeStatus` for each status change. Returns the entries whose job changed.
   */
  private merge(jobs: readonly FineTuningJob[], atTop: boolean): JobEntry[] {
    const touched: JobEntry[] = [];
    const fresh: JobEntry[] = [];
    for (const job of jobs) {
      const known = this.byId.get(job.id);
      const previous = known?.job.status ?? this.watched.get(job.id);
      if (this.watched.has(job.id)) this.watched.set(job.id, job.status);
      if (previous !== undefined && previous !== job.status) {
        this.log.info(`Jobs: ${job.id} ${previous} → ${job.status}`);
        this.statusChanged.fire({ job, previous });
      }
      if (!known) {
        const entry: JobEntry = { job };
        this.byId.set(job.id, entry);
        fresh.push(entry);
        touched.push(entry);
        continue;
      }
      if (JSON.stringify(known.job) !== JSON.stringify(job)) {
        known.job = job;
        touched.push(known);
      }
    }
    if (fresh.length) {
      this.entries = atTop ? [...fresh, ...this.entries] : [...this.entries, ...fresh];
      // newest first, whatever order they arrived in
      this.entries.sort((a, b) => b.job.created_at - a.job.created_at);
    }
    return touched;
  }

  // ------------------------------------------------------------------------------------------------ actions

  /** Cancels, pauses or resumes a job; the answer updates the node at once and polling starts again. */
  async act(id: string, action: JobAction): Promise<FineTuningJob> {
    this.log.info(`Jobs: ${action} ${id}…`);
    const job = await this.call((c, signal) =>
      action === 'cancel' ? c.cancelJob(id, { signal }) : action === 'pause' ? c.pauseJob(id, { signal }) : c.resumeJob(id, { signal }),
    );
    this.log.info(`Jobs: ${action} ${id} → ${job.status}`);
    const touched = this.merge([job], true);
    const entry = this.byId.get(id);
    if (entry) await this.fetchEventsOf([entry], this.generation);
    this.changed.fire(touched.length === 1 && entry && !touched.some((t) => t !== entry) ? entry : undefined);
    this.backoff.reset();
    this.schedule();
    return job;
  }

  /** Fetches one job now (commands given a job id the list does not hold). */
  async retrieve(id: string): Promise<FineTuningJob> {
    const known = this.byId.get(id);
    const job = await this.call((c, signal) => c.retrieveJob(id, { signal }));
    if (known) {
      this.merge([job], false);
      this.changed.fire(known);
    }
    return job;
  }

  /** The client, for commands that read files of a job. */
  getClient(): Promise<TunelineClient> {
    return this.provider.getClient({ provider: this.kind });
  }

  // ------------------------------------------------------------------------------------------------ polling

  /**
   * Reads these jobs; one the service does not know (404: deleted, or created with the endpoint or key used before)
   * stops being watched and shown, so that it cannot hold up the others. Any other failure fails the poll.
   */
  private async retrieveKnown(ids: readonly string[]): Promise<FineTuningJob[]> {
    const found = await Promise.all(
      ids.map((id) =>
        this.call((c, signal) => c.retrieveJob(id, { signal })).catch((e: unknown) => {
          if (!(e instanceof ApiError) || e.kind !== 'not-found') throw e;
          this.log.warn(`Jobs: ${id} is not on the service any more; no longer watching or showing it`);
          this.watched.delete(id);
          if (this.byId.delete(id)) {
            this.entries = this.entries.filter((e) => e.job.id !== id);
            this.changed.fire(undefined);
          }
          return undefined;
        }),
      ),
    );
    return found.filter((j): j is FineTuningJob => j !== undefined);
  }

  /** Whether anything needs a poll, and what. */
  private wants(): { view: boolean; watched: string[] } {
    const view = this.visible && this.listState.kind === 'ready' && this.entries.some((e) => isActive(e.job.status));
    const watched = [...this.watched].filter(([, status]) => !isFinal(status)).map(([id]) => id);
    for (const id of this.pinned.keys()) {
      const status = this.byId.get(id)?.job.status ?? this.watched.get(id);
      if ((status === undefined || !isFinal(status)) && !watched.includes(id)) watched.push(id);
    }
    return { view, watched };
  }

  private schedule(): void {
    if (this.isDisposed || this.polling) return;
    this.stopTimer();
    const { view, watched } = this.wants();
    if (!view && watched.length === 0) {
      this.backoff.reset();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pollNow(false);
    }, this.backoff.delay);
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * One poll. With the view visible (or `forced`): the first page of jobs, the active jobs beyond it, and the events
   * (and checkpoints, if shown) of every job that was or is active. Hidden: only the watched jobs.
   */
  private async pollNow(forced: boolean): Promise<void> {
    if (this.polling) {
      await this.polling;
      if (!forced) return;
    }
    this.stopTimer();
    const generation = this.generation;
    const run = (async () => {
      let changed = false;
      this.pollCount++;
      try {
        const { view, watched } = this.wants();
        const before = new Map(this.entries.map((e) => [e.job.id, e.job.status]));
        let jobs: FineTuningJob[] = [];
        if (view || forced) {
          const page = await this.call((c, signal) => c.listJobs({ limit: JOBS_PAGE }, { signal }));
          jobs = [...page.data];
          if (this.entries.length <= page.data.length) {
            this.hasMore = page.hasMore;
            this.nextAfter = page.nextAfter;
          }
          const seen = new Set(jobs.map((j) => j.id));
          const beyond = this.entries.filter((e) => !seen.has(e.job.id) && isActive(e.job.status)).map((e) => e.job.id);
          const extra = [...new Set([...beyond, ...watched.filter((id) => !seen.has(id))])];
          jobs.push(...(await this.retrieveKnown(extra)));
        } else {
          jobs = await this.retrieveKnown(watched);
        }
        if (generation !== this.generation) return;
        const known = new Set(this.entries.map((e) => e.job.id));
        const touched = this.merge(jobs, true);
        if (touched.some((e) => !known.has(e.job.id))) changed = true;
        if (touched.some((e) => before.get(e.job.id) !== e.job.status)) changed = true;
        // events (and shown checkpoints) of every job that was active before this poll or is now
        const live = this.entries.filter(
          (e) =>
            (view || forced || this.pinned.has(e.job.id)) &&
            (isActive(e.job.status) || isActive(before.get(e.job.id) ?? 'succeeded') || (forced && (e.events || e.checkpoints))),
        );
        if (await this.fetchEventsOf(live, generation)) changed = true;
        if (await this.fetchCheckpointsOf(live.filter((e) => e.checkpoints), generation)) changed = true;
        if (touched.length || changed) this.changed.fire(undefined);
      } catch (e) {
        if (generation !== this.generation || e instanceof CancelledError) return;
        this.log.warn(`Jobs: poll failed: ${describeError(e)}`);
      } finally {
        if (generation === this.generation) {
          this.backoff.next(changed || forced);
        }
      }
    })();
    this.polling = run;
    try {
      await run;
    } finally {
      this.polling = undefined;
      if (generation === this.generation) this.schedule();
    }
  }
}

function appendPage<T extends { id: string }>(list: PagedList<T>, page: Page<T>): void {
  const have = new Set(list.items.map((i) => i.id));
  list.items.push(...page.data.filter((i) => !have.has(i.id)));
  list.hasMore = page.hasMore;
  list.nextAfter = page.nextAfter;
  delete list.error;
}

/** Merges a fresh first page (newest first) into a list; returns true if it brought anything new. */
function mergeFirstPage<K extends 'events' | 'checkpoints'>(entry: JobEntry, key: K, page: Page<NonNullable<JobEntry[K]>['items'][number]>): boolean {
  const list = entry[key] as PagedList<{ id: string }> | undefined;
  if (!list) {
    entry[key] = { items: [...page.data], hasMore: page.hasMore, ...(page.nextAfter ? { nextAfter: page.nextAfter } : {}) } as JobEntry[K];
    return page.data.length > 0;
  }
  delete list.error;
  const have = new Set(list.items.map((i) => i.id));
  const fresh = page.data.filter((i) => !have.has(i.id));
  if (!fresh.length) return false;
  if (fresh.length === page.data.length && page.hasMore) {
    // more new items than one page: start over from this page
    list.items = [...page.data];
    list.hasMore = page.hasMore;
    list.nextAfter = page.nextAfter;
  } else {
    list.items = [...fresh, ...list.items];
  }
  return true;
}
