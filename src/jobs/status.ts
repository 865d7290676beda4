/**
 * Pure parts of the jobs view: what a job's status means (active or finished, its icon and colour), progress,
 * relative ages, and the polling backoff. No `vscode` import, so unit tests can run them in plain Node.
 */
import { tunelineStatus, type JobOperation, type ProviderCapabilities, type Support } from '../api/providers/types';
import type { FineTuningJob, FineTuningJobEvent } from '../api/types';

/** A job status as the service reports it: the SDK's union plus `paused` (and anything newer, kept as text). */
export type JobStatus = FineTuningJob['status'] | 'paused' | (string & {});

/** Statuses after which a job never changes again. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['succeeded', 'failed', 'cancelled']);
/** Statuses the view keeps polling for. */
export const ACTIVE_STATUSES: ReadonlySet<string> = new Set(['validating_files', 'queued', 'running', 'paused', 'pending']);

export function isActive(status: JobStatus): boolean {
  return ACTIVE_STATUSES.has(status);
}

export function isFinal(status: JobStatus): boolean {
  return FINAL_STATUSES.has(status);
}

export interface StatusLook {
  /** A codicon id. */
  readonly icon: string;
  /** A theme colour id (`charts.green`, ...), if any. */
  readonly color?: string;
  /** Words for the description and the tooltip. */
  readonly label: string;
}

const LOOKS: Readonly<Record<string, StatusLook>> = {
  validating_files: { icon: 'file-code', color: 'charts.yellow', label: 'Validating files' },
  pending: { icon: 'clock', color: 'charts.yellow', label: 'Pending' },
  queued: { icon: 'clock', color: 'charts.yellow', label: 'Queued' },
  running: { icon: 'sync~spin', color: 'charts.blue', label: 'Running' },
  paused: { icon: 'debug-pause', color: 'charts.orange', label: 'Paused' },
  succeeded: { icon: 'pass-filled', color: 'testing.iconPassed', label: 'Succeeded' },
  failed: { icon: 'error', color: 'testing.iconFailed', label: 'Failed' },
  cancelled: { icon: 'circle-slash', color: 'disabledForeground', label: 'Cancelled' },
};

/**
 * How a status looks. With the provider's capabilities, the service's own status goes through its adapter's table
 * first (`tunelineStatus`: Together's `running`, Fireworks' `JOB_STATE_RUNNING` → Tuneline's `running`); an unknown
 * status is shown as it is, with a question mark.
 */
export function statusLook(status: JobStatus, capabilities?: ProviderCapabilities): StatusLook {
  const mapped = capabilities ? tunelineStatus(capabilities, String(status))?.tuneline : undefined;
  return LOOKS[mapped ?? status] ?? { icon: 'question', label: String(status) };
}

/** Tuneline's status for a service status (the adapter's table), else the status as it is. */
export function normalStatus(status: JobStatus, capabilities?: ProviderCapabilities): JobStatus {
  return (capabilities ? tunelineStatus(capabilities, String(status))?.tuneline : undefined) ?? status;
}

const allows = (ops: Readonly<Partial<Record<JobOperation, Support>>> | undefined, op: JobOperation): boolean => !ops || ops[op]?.supported !== false;

/**
 * The `contextValue` of a job node: `job:<status>` plus one `:can<Action>` flag per action that applies — to the
 * job's status, and to the provider (`operations`: an action the service does not have is never offered).
 */
export function jobContextValue(job: Pick<FineTuningJob, 'status' | 'fine_tuned_model' | 'result_files'>, capabilities?: ProviderCapabilities): string {
  const ops = capabilities?.operations;
  const s: JobStatus = normalStatus(job.status, capabilities);
  const parts = [`job:${s}`];
  if (isActive(s) && allows(ops, 'cancel')) parts.push('canCancel');
  if (s === 'running' && allows(ops, 'pause')) parts.push('canPause');
  if (s === 'paused' && allows(ops, 'resume')) parts.push('canResume');
  if (job.fine_tuned_model) parts.push('hasModel');
  if (allows(ops, 'metrics') || allows(ops, 'events')) parts.push('hasMetrics');
  return parts.join(':');
}

/** The `contextValue` of a model or checkpoint node: `modelId` / `checkpoint`, plus `:canDeploy` where serving needs a deployment. */
export function modelContextValue(kind: 'modelId' | 'checkpoint', capabilities?: ProviderCapabilities): string {
  const s = capabilities?.serving;
  const deployable = s?.kind === 'deployment' && (kind === 'modelId' || s.checkpoints.supported);
  return deployable ? `${kind}:canDeploy` : kind;
}

/** The training progress a metrics event reports: `{ step, total }`. */
export interface Progress {
  readonly step: number;
  readonly total?: number;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The step (and total steps) of the newest metrics event in `events` (newest first), if any. */
export function latestProgress(events: readonly FineTuningJobEvent[]): Progress | undefined {
  for (const e of events) {
    if (e.type !== 'metrics' || !e.data || typeof e.data !== 'object') continue;
    const d = e.data as Record<string, unknown>;
    const step = num(d['step']);
    if (step === undefined) continue;
    const total = num(d['total_steps']);
    return total !== undefined ? { step, total } : { step };
  }
  return undefined;
}

/** "step 12/40 (30%)", or "about 2 min left" from `estimated_finish`, or "". */
export function progressText(job: Pick<FineTuningJob, 'status' | 'estimated_finish'>, progress: Progress | undefined, nowSeconds: number): string {
  const parts: string[] = [];
  if (progress) {
    parts.push(progress.total ? `step ${progress.step}/${progress.total} (${Math.floor((100 * progress.step) / progress.total)}%)` : `step ${progress.step}`);
  }
  if (job.status === 'running' && job.estimated_finish) {
    const left = job.estimated_finish - nowSeconds;
    if (left > 0) parts.push(`about ${duration(left)} left`);
  }
  return parts.join(', ');
}

/** 42 → "42 s", 150 → "3 min", 7200 → "2 h", 200000 → "2 days". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.round(s / 3600);
  if (h < 48) return `${h} h`;
  return `${Math.round(s / 86400)} days`;
}

/** "just now", "3 min ago", "2 h ago", "5 days ago" (a unix time in seconds, against now in seconds). */
export function age(unixSeconds: number, nowSeconds: number): string {
  const d = nowSeconds - unixSeconds;
  if (d < 10) return 'just now';
  return `${duration(d)} ago`;
}

/** The method of a job (`supervised`, `dpo`, `reinforcement`), supervised when the service does not say. */
export function jobMethod(job: Pick<FineTuningJob, 'method'>): string {
  return job.method?.type ?? 'supervised';
}

/**
 * Polling delays: start at `initialMs`, grow by `factor` after each poll that found nothing new, up to `maxMs`;
 * `reset()` when something changed (or the user acted) starts again from `initialMs`.
 */
export class Backoff {
  private current: number;

  constructor(
    readonly initialMs = 2_000,
    readonly maxMs = 30_000,
    readonly factor = 2,
  ) {
    this.current = initialMs;
  }

  /** The delay before the next poll. */
  get delay(): number {
    return this.current;
  }

  /** After a poll: `changed` resets to the initial delay, otherwise the delay grows (capped). Returns the new delay. */
  next(changed: boolean): number {
    this.current = changed ? this.initialMs : Math.min(this.maxMs, Math.round(this.current * this.factor));
    return this.current;
  }

  reset(): void {
    this.current = this.initialMs;
  }
}

/** The suffix the user gave (`user_provided_suffix`; `suffix` on some compatible services), if any. */
export function jobSuffix(job: FineTuningJob): string | undefined {
  const j = job as FineTuningJob & { user_provided_suffix?: string | null; suffix?: string | null };
  return j.user_provided_suffix ?? j.suffix ?? undefined;
}

/** The status as text (the SDK's union does not know `paused`). */
export function statusOf(job: Pick<FineTuningJob, 'status'>): JobStatus {
  return job.status as JobStatus;
}
