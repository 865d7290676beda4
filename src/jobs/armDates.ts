/**
 * Azure's own retirement dates in the views (issue 18): when the provider is Azure and a resource is remembered (the
 * one deployments go to), the model list of that resource is read from Azure Resource Manager — silently, with the
 * Microsoft session the user already has — and its `deprecation` dates win over the adapter's catalogue in the jobs
 * view, the playground and the evaluation (`Retirements.setArmDates`). Read at start, when the resource or the
 * provider changes, and on Refresh; a failure is logged once per resource and the catalogue's dates stay.
 */
import type { ProviderId } from '../api/providers/types';
import type { Retirements } from '../connection/retirement';
import { Disposable } from '../common/dispose';
import { describeError, type Logger } from '../common/logger';
import type { Deployments } from './deployments';

export class ArmRetirementDates extends Disposable {
  private readKey: string | undefined;
  private reading: Promise<void> | undefined;
  private abort: AbortController | undefined;
  private failedFor: string | undefined;
  /** The resource whose dates are in `retirements` now. */
  private shown: string | undefined;

  constructor(
    private readonly deployments: Deployments,
    private readonly retirements: Retirements,
    private readonly providerId: () => ProviderId,
    private readonly log: Logger,
  ) {
    super();
    // a deployment changing state fires too: read again only when the resource itself changed
    this._register(deployments.onDidChange(() => (this.key() !== this.readKey ? void this.refresh() : undefined)));
    this._register({ dispose: () => this.abort?.abort() });
  }

  private key(): string | undefined {
    const a = this.providerId() === 'azure' ? this.deployments.account() : undefined;
    return a ? `${a.subscriptionId}/${a.resourceGroup}/${a.account}`.toLowerCase() : undefined;
  }

  /**
   * Reads the dates (or drops ARM's when the provider is not Azure or no resource is known). Unless `force` (Refresh),
   * a resource whose dates are shown, or being read, is not read again.
   */
  refresh(force = false): Promise<void> {
    const key = this.key();
    if (!force && key !== undefined && key === this.readKey && (this.shown === key || this.reading)) return this.reading ?? Promise.resolve();
    this.readKey = key;
    this.abort?.abort();
    if (!key) {
      if (this.shown !== undefined) this.retirements.setArmDates(new Map());
      this.shown = undefined;
      this.reading = undefined;
      return Promise.resolve();
    }
    if (this.shown !== undefined && this.shown !== key) {
      // another resource: the first one's dates are not this one's
      this.retirements.setArmDates(new Map());
      this.shown = undefined;
    }
    const abort = (this.abort = new AbortController());
    const run = (async () => {
      try {
        const dates = await this.deployments.modelDates(abort.signal);
        if (abort.signal.aborted || this.isDisposed) return;
        this.retirements.setArmDates(dates ?? new Map());
        this.shown = key;
        this.failedFor = undefined;
        this.log.info(`Azure: retirement dates of ${dates?.size ?? 0} model name(s) read from Azure Resource Manager`);
      } catch (e) {
        if (abort.signal.aborted || this.isDisposed) return;
        if (this.failedFor !== key) this.log.warn(`Azure: could not read the model list's retirement dates (the catalogue's are shown): ${describeError(e)}`);
        this.failedFor = key;
      }
    })().finally(() => {
      if (this.reading === run) this.reading = undefined;
    });
    this.reading = run;
    return run;
  }

  /** Tests: the read in flight, if any. */
  settled(): Promise<void> {
    return this.reading ?? Promise.resolve();
  }
}
