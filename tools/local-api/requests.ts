/** A log of the API requests the server answered, so tests can count polling and see what a client did. */

export interface RequestEntry {
  readonly seq: number;
  /** Clock time (ms since the epoch) when the request arrived. */
  readonly at: number;
  readonly method: string;
  /** Path after the flavour's prefix, e.g. `/fine_tuning/jobs/ftjob-abc`. */
  readonly path: string;
  readonly query: string;
  /** Spec path template of the route it matched (`/fine_tuning/jobs/{fine_tuning_job_id}`), or null. */
  readonly operation: string | null;
  status: number;
  /** Ids and kinds of the faults applied to it, e.g. `fault_1:rate-limit`. */
  readonly faults: string[];
}

export interface RequestFilter {
  readonly method?: string;
  /** Regex (or its source) tested against the API path. */
  readonly path?: RegExp | string;
  /** Exact spec template, e.g. `/fine_tuning/jobs/{fine_tuning_job_id}/events`. */
  readonly operation?: string;
  readonly status?: number;
}

export class RequestLog {
  private list: RequestEntry[] = [];
  private seq = 0;

  constructor(private readonly max = 10_000) {}

  add(entry: Omit<RequestEntry, 'seq'>): RequestEntry {
    const e: RequestEntry = { ...entry, seq: ++this.seq };
    this.list.push(e);
    if (this.list.length > this.max) this.list.splice(0, this.list.length - this.max);
    return e;
  }

  entries(filter: RequestFilter = {}): RequestEntry[] {
    const re = filter.path === undefined ? undefined : typeof filter.path === 'string' ? new RegExp(filter.path) : filter.path;
    return this.list.filter(
      (e) =>
        (!filter.method || e.method === filter.method.toUpperCase()) &&
        (!re || re.test(e.path)) &&
        (!filter.operation || e.operation === filter.operation) &&
        (filter.status === undefined || e.status === filter.status),
    );
  }

  count(filter: RequestFilter = {}): number {
    return this.entries(filter).length;
  }

  /** Counts per `METHOD operation` (or `METHOD path` when no route matched). */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const e of this.list) {
      const k = `${e.method} ${e.operation ?? e.path}`;
      out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  }

  clear(): void {
    this.list = [];
  }
}
