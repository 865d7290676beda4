/**
 * Faults on demand. A fault matches requests by method and a regular expression on the API path (the path after the
 * flavour's prefix, e.g. `/fine_tuning/jobs/ftjob-abc/events`, so one fault works for both flavours), and applies to
 * the next `count` matching requests (after letting `skip` of them through).
 */

export type FaultKind =
  /** Wait `latencyMs` before handling the request normally. */
  | 'latency'
  /** Answer 429 with `retry-after` (seconds) and, if given, `retry-after-ms`. */
  | 'rate-limit'
  /** Answer `status` (500, 502 or 503; default 500) with a server error body. */
  | 'error'
  /** Send the status line, headers and part of the body (`afterBytes`, default half), then drop the connection. */
  | 'drop-body'
  /** For a streamed reply, send `afterChunks` SSE events (default 2), then drop the connection. Else like drop-body. */
  | 'drop-stream'
  /** Not per request: the next `count` running jobs matching `job` (regex on the job id) fail at step `afterSteps`. */
  | 'job-failure';

export interface FaultSpec {
  readonly kind: FaultKind;
  /** HTTP method to match (case-insensitive); any when absent. */
  readonly method?: string;
  /** Regex source matched against the API path; any when absent. */
  readonly path?: string;
  /** How many matching requests (or jobs) it applies to; default 1. `0` or `null` means every one, until removed. */
  readonly count?: number | null;
  /** Matching requests to let through untouched before the fault starts applying; default 0. */
  readonly skip?: number;
  readonly latencyMs?: number;
  readonly retryAfter?: number;
  readonly retryAfterMs?: number;
  readonly status?: number;
  readonly message?: string;
  readonly afterBytes?: number;
  readonly afterChunks?: number;
  /** job-failure: regex on the job id; any when absent. */
  readonly job?: string;
  /** job-failure: the step at which the job fails (default: half of its steps). */
  readonly afterSteps?: number;
  /** job-failure: the `error.code` of the failed job (default `server_error`); error: the body's `error.code`. */
  readonly code?: string;
}

export interface ActiveFault extends FaultSpec {
  readonly id: string;
  /** How many times it has applied so far. */
  hits: number;
  /** How many matching requests it has let through because of `skip`. */
  skipped: number;
}

const KINDS: readonly FaultKind[] = ['latency', 'rate-limit', 'error', 'drop-body', 'drop-stream', 'job-failure'];

export class Faults {
  private list: ActiveFault[] = [];
  private nextId = 1;

  /** Adds a fault; returns it (with its `id`, for `remove`). Throws on a malformed spec. */
  add(spec: FaultSpec): ActiveFault {
    if (!KINDS.includes(spec.kind)) throw new Error(`Unknown fault kind: ${String(spec.kind)} (one of ${KINDS.join(', ')})`);
    if (spec.path !== undefined) new RegExp(spec.path); // throws on a bad regex
    if (spec.job !== undefined) new RegExp(spec.job);
    if (spec.kind === 'error' && spec.status !== undefined && (spec.status < 400 || spec.status > 599)) {
      throw new Error(`An error fault needs a 4xx/5xx status, got ${spec.status}`);
    }
    const fault: ActiveFault = { ...spec, id: `fault_${this.nextId++}`, hits: 0, skipped: 0 };
    this.list.push(fault);
    return fault;
  }

  remove(id: string): boolean {
    const before = this.list.length;
    this.list = this.list.filter((f) => f.id !== id);
    return this.list.length !== before;
  }

  clear(): void {
    this.list = [];
  }

  /** Every fault still able to apply, plus spent ones (with their `hits`), in the order added. */
  all(): readonly ActiveFault[] {
    return this.list;
  }

  /**
   * The request faults that apply to this request (counting it against them). At most one of each kind; latency
   * combines with any other.
   */
  take(method: string, apiPath: string): ActiveFault[] {
    const taken: ActiveFault[] = [];
    for (const f of this.list) {
      if (f.kind === 'job-failure' || !this.live(f)) continue;
      if (f.method && f.method.toUpperCase() !== method.toUpperCase()) continue;
      if (f.path !== undefined && !new RegExp(f.path).test(apiPath)) continue;
      if (taken.some((t) => t.kind === f.kind)) continue;
      if (f.skipped < (f.skip ?? 0)) {
        f.skipped++;
        continue;
      }
      f.hits++;
      taken.push(f);
    }
    return taken;
  }

  /** The job-failure fault for a job that is starting to run, if any (counting the job against it). */
  takeJobFailure(jobId: string): ActiveFault | undefined {
    for (const f of this.list) {
      if (f.kind !== 'job-failure' || !this.live(f)) continue;
      if (f.job !== undefined && !new RegExp(f.job).test(jobId)) continue;
      if (f.skipped < (f.skip ?? 0)) {
        f.skipped++;
        continue;
      }
      f.hits++;
      return f;
    }
    return undefined;
  }

  private live(f: ActiveFault): boolean {
    const count = f.count === undefined ? 1 : f.count;
    return count === null || count === 0 || f.hits < count;
  }
}
