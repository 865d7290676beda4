/**
 * Several providers at once (issue 16): one `JobsModel` per configured provider. The current provider's model is the
 * jobs feature's own (`JobsModel` without a kind, as with one provider); every other provider with a key
 * (`ProviderService.configuredProviders`) gets a model of its own, polled through that provider's client. The tree
 * groups the jobs per provider when there is more than one; with one provider the view is as before.
 */
import * as vscode from 'vscode';
import type { ProviderKind } from '../api/types';
import type { ProviderService } from '../connection/provider';
import { Disposable } from '../common/dispose';
import { describeError, type Logger } from '../common/logger';
import { JobsModel, type JobEntry, type PollTiming, type StatusChange } from './model';

export interface ProviderJobs {
  readonly kind: ProviderKind;
  readonly model: JobsModel;
  /** True for the provider `tuneline.provider` chooses. */
  readonly current: boolean;
}

export class ProviderGroups extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** The set of providers changed (groups appear or go). */
  readonly onDidChange = this.changed.event;
  private readonly jobsChanged = this._register(new vscode.EventEmitter<JobEntry | undefined>());
  /** A job of another provider's model changed (its node re-renders), or that model's list (`undefined`). */
  readonly onDidChangeJobs = this.jobsChanged.event;
  private readonly statusChanged = this._register(new vscode.EventEmitter<StatusChange>());
  /** A job of another provider's model changed status (the notifier announces the jobs started from Tuneline). */
  readonly onDidChangeStatus = this.statusChanged.event;

  private readonly others = new Map<ProviderKind, { model: JobsModel; listener: vscode.Disposable }>();
  private kinds: ProviderKind[] = [];
  private visible = false;
  private timing: PollTiming | undefined;
  private request = 0;
  private updating: Promise<void> = Promise.resolve();

  constructor(
    private readonly primary: JobsModel,
    private readonly provider: ProviderService,
    private readonly log: Logger,
  ) {
    super();
    this._register(provider.onDidChange(() => void this.update()));
    this._register({
      dispose: () => {
        for (const o of this.others.values()) {
          o.listener.dispose();
          o.model.dispose();
        }
        this.others.clear();
      },
    });
    void this.update();
  }

  /** Waits for the set of providers to be known (after a settings or key change). */
  ready(): Promise<void> {
    return this.updating;
  }

  /** More than one provider is configured: the tree shows a group per provider. */
  get grouped(): boolean {
    return this.kinds.length > 1;
  }

  /** Every provider's jobs, the current provider first. */
  groups(): ProviderJobs[] {
    return this.kinds.map((kind, i) => ({ kind, current: i === 0, model: i === 0 ? this.primary : this.others.get(kind)!.model }));
  }

  /** The model that holds a job (the current provider's first). */
  modelOf(jobId: string): JobsModel | undefined {
    if (this.primary.get(jobId)) return this.primary;
    for (const o of this.others.values()) if (o.model.get(jobId)) return o.model;
    return undefined;
  }

  /**
   * The model that shows `kind`'s jobs: the primary one for the current provider, else that provider's own (once its
   * key is known: after `ready()`); `undefined` when `kind` has no group.
   */
  modelFor(kind: ProviderKind): JobsModel | undefined {
    if (kind === this.provider.currentProvider()) return this.primary;
    return this.others.get(kind)?.model;
  }

  /** The view's visibility, for the other providers' models (the tree tells the primary model itself). */
  setVisible(visible: boolean): void {
    this.visible = visible;
    for (const o of this.others.values()) o.model.setVisible(visible);
  }

  setTiming(timing: PollTiming | undefined): void {
    this.timing = timing;
    for (const o of this.others.values()) o.model.setTiming(timing);
  }

  /** Refreshes every other provider's list (the primary model is refreshed by its command). */
  async refreshOthers(): Promise<void> {
    await Promise.all([...this.others.values()].map((o) => o.model.refresh()));
  }

  private update(): Promise<void> {
    const request = ++this.request;
    this.updating = (async () => {
      let kinds: ProviderKind[];
      try {
        const current = this.provider.currentProvider();
        const configured = await this.provider.configuredProviders();
        kinds = [current, ...configured.filter((k) => k !== current)];
      } catch (e) {
        this.log.warn(`Jobs: could not list the configured providers: ${describeError(e)}`);
        return;
      }
      if (request !== this.request || this.isDisposed) return;
      for (const [kind, o] of this.others) {
        if (kinds.indexOf(kind) > 0) continue;
        o.listener.dispose();
        o.model.dispose();
        this.others.delete(kind);
      }
      for (const kind of kinds.slice(1)) {
        if (this.others.has(kind)) continue;
        const model = new JobsModel(this.provider, this.log, this.timing, kind);
        const changes = model.onDidChange((entry) => this.jobsChanged.fire(entry));
        const statuses = model.onDidChangeStatus((c) => this.statusChanged.fire(c));
        const listener = vscode.Disposable.from(changes, statuses);
        this.others.set(kind, { model, listener });
        model.setVisible(this.visible);
      }
      const before = this.kinds.join(',');
      this.kinds = kinds;
      if (kinds.join(',') !== before) {
        this.log.info(`Jobs: ${kinds.length > 1 ? `grouped by provider: ${kinds.join(', ')}` : `one provider (${kinds[0]})`}`);
        this.changed.fire();
      }
    })();
    return this.updating;
  }
}
