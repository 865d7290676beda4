/**
 * The server's clock. Everything time-dependent (job lifecycle, upload expiry, timestamps) reads it and schedules on
 * it, so tests can drive time with `advance()` while the demo lets it run by itself.
 */

export type ClockMode = 'manual' | 'demo';

interface Timer {
  readonly id: number;
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

export class Clock {
  private current: number;
  private timers: Timer[] = [];
  private nextId = 1;
  private seq = 0;
  private ticker: NodeJS.Timeout | undefined;
  private lastReal = 0;
  private advancing = false;

  /**
   * @param startMs clock time at creation, in ms since the epoch (default: the real time).
   * @param mode `manual`: time only moves through `advance()`; `demo`: it also follows real time (× `rate`).
   * @param rate in demo mode, clock ms per real ms.
   */
  constructor(
    startMs: number = Date.now(),
    readonly mode: ClockMode = 'manual',
    readonly rate = 1,
  ) {
    this.current = startMs;
    if (mode === 'demo') this.start();
  }

  /** Current clock time in ms since the epoch. */
  now(): number {
    return this.current;
  }

  /** Current clock time in whole seconds (what the API's `created_at` fields hold). */
  seconds(): number {
    return Math.floor(this.current / 1000);
  }

  /** Runs `fn` once the clock has reached now + `ms`. Returns an id for `clearTimeout`. */
  setTimeout(fn: () => void, ms: number): number {
    const timer: Timer = { id: this.nextId++, at: this.current + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(id: number | undefined): void {
    if (id === undefined) return;
    this.timers = this.timers.filter((t) => t.id !== id);
  }

  /** Number of timers waiting (for tests and diagnostics). */
  pending(): number {
    return this.timers.length;
  }

  /**
   * Moves the clock forward by `ms`, running every timer that falls due on the way, in time order, each with the
   * clock set to its due time (so timestamps written by timers are the times they were due).
   */
  advance(ms: number): number {
    if (!(ms >= 0)) throw new RangeError(`advance(ms) needs a non-negative number, got ${ms}`);
    if (this.advancing) throw new Error('Clock.advance() called from a timer');
    this.advancing = true;
    try {
      const target = this.current + ms;
      for (;;) {
        let next: Timer | undefined;
        for (const t of this.timers) {
          if (t.at <= target && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
        }
        if (!next) break;
        const due = next;
        this.timers = this.timers.filter((t) => t !== due);
        this.current = Math.max(this.current, due.at);
        due.fn();
      }
      this.current = target;
      return this.current;
    } finally {
      this.advancing = false;
    }
  }

  /** Advances until no timer is due within `maxMs` (or `maxMs` has passed); returns the ms advanced. */
  runAll(maxMs = 24 * 3600_000): number {
    const start = this.current;
    while (this.timers.length > 0) {
      const next = Math.min(...this.timers.map((t) => t.at));
      if (next - start > maxMs) break;
      this.advance(Math.max(0, next - this.current));
    }
    return this.current - start;
  }

  /** Stops following real time (demo mode) and drops every timer. */
  dispose(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    this.timers = [];
  }

  private start(): void {
    this.lastReal = Date.now();
    this.ticker = setInterval(() => {
      const real = Date.now();
      const elapsed = real - this.lastReal;
      this.lastReal = real;
      if (!this.advancing) this.advance(elapsed * this.rate);
    }, 100);
  }
}
