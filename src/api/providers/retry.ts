/**
 * The retry and error layer of the REST clients that do not run on the `openai` SDK (Together's presigned upload,
 * Fireworks): the same policy as `SdkClient` (sdkClient.ts `DEFAULT_RETRY`: retry 408/409/429-not-quota/5xx and
 * dropped connections of calls safe to repeat; wait the server's `retry-after(-ms)`, capped at `maxWaitMs`, else
 * exponential backoff with jitter; waits end at once on cancel), without `vscode` or the OpenAI SDK, so the CLI, the
 * extension and the tests share it. `sdkClient.ts` keeps its own loop around the OpenAI SDK's errors but takes its
 * policy (`DEFAULT_RETRY`) and `sleep` from here: one definition.
 *
 * Errors: `ProviderHttpError` carries the status, the service's code and message (keys scrubbed, never the key), the
 * `retry-after` it asked for, and the example number a failed-job message names (`errorInfo.exampleNumber`), which
 * `exampleLine()` maps to the dataset line (`errorInfo.exampleToLine`).
 */
import { CancelledError } from '../../core/errors';
import { exampleNumber, exampleToLine, isNetworkError, isRetryable, QUOTA_CODES, retryAfterMs, scrubKeys } from '../errorInfo';

export interface RetryPolicy {
  readonly maxRetries: number;
  /** First backoff (ms); doubles per attempt, with up to 25 % jitter. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** The longest `retry-after` Tuneline waits; a longer one fails at once. */
  readonly maxWaitMs: number;
}

/** Tuneline's retry policy: the one definition (SdkClient and the REST clients use it). */
export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 8_000, maxWaitMs: 60_000 };

/** A request stopped by its AbortSignal: a core `CancelledError` (the command boundary shows nothing for it). */
export class RequestCancelledError extends CancelledError {}

/** Sleeps `ms`, waking at once (rejecting with `RequestCancelledError`) when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new RequestCancelledError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new RequestCancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

interface HeaderBag {
  get(name: string): string | null;
}

/** The wait a response asks for: `retry-after-ms`, or `retry-after` in seconds or as an HTTP date (ms). */
export function retryAfterFromHeaders(headers: HeaderBag | undefined, now = Date.now()): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && !Number.isNaN(parseFloat(ms))) return Math.max(0, parseFloat(ms));
  const ra = headers?.get('retry-after');
  if (!ra) return undefined;
  const secs = Number(ra);
  if (!Number.isNaN(secs)) return Math.max(0, secs * 1000);
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A failed HTTP call to a service, in plain words (the message never holds the key). */
export class ProviderHttpError extends Error {
  constructor(
    /** "Together AI", "Fireworks AI". */
    readonly service: string,
    /** What Tuneline was doing ("upload the file"). */
    readonly what: string,
    readonly status: number | undefined,
    /** The service's own words (scrubbed). */
    readonly serviceMessage: string,
    readonly code: string | undefined,
    readonly retryAfterMs: number | undefined,
    /** Attempts retried before giving up. */
    readonly retries: number,
  ) {
    const why = status === undefined ? 'could not connect' : `answered ${status}`;
    super(`${service} ${why} when Tuneline tried to ${what}${serviceMessage ? `: ${serviceMessage}` : '.'}${retries > 0 ? ` (after ${retries} ${retries === 1 ? 'retry' : 'retries'})` : ''}`);
    this.name = 'ProviderHttpError';
  }

  /** The "Example N" the service's message names, if any. */
  get example(): number | undefined {
    return exampleNumber(this.serviceMessage);
  }
}

/** The 0-based line in `text` (the dataset) of the example a failure message names ("... Example 3: ..."). */
export function exampleLine(message: string | undefined, text: string): number | undefined {
  const n = exampleNumber(message);
  return n === undefined ? undefined : exampleToLine(text, n);
}

/** Whether a status may be retried: 408, 409, 429 (not a quota), 5xx. */
export function retryableStatus(status: number, code?: string): boolean {
  if (status === 429) return code === undefined || !QUOTA_CODES.includes(code);
  return status === 408 || status === 409 || status >= 500;
}

/** Reads an error body's message and code, whichever of the usual shapes it has (OpenAI/Together, Google-style). */
export function errorBodyFacts(body: unknown): { message: string; code?: string } {
  const b = body as { error?: unknown; message?: unknown; code?: unknown } | undefined;
  const inner = (typeof b?.error === 'object' && b.error !== null ? b.error : b) as { message?: unknown; code?: unknown; status?: unknown } | undefined;
  const message = typeof inner?.message === 'string' ? inner.message : typeof b?.error === 'string' ? b.error : '';
  const code = typeof inner?.code === 'string' ? inner.code : typeof inner?.status === 'string' ? inner.status : typeof inner?.code === 'number' ? String(inner.code) : undefined;
  return { message: scrubKeys(message), ...(code !== undefined ? { code } : {}) };
}

export interface Logish {
  info(message: string): void;
  warn(message: string): void;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
  /** A dropped connection may be retried (false for calls that create something). */
  readonly network?: boolean;
  readonly maxRetries?: number;
}

/** How a failed attempt is seen: the error to throw, and whether another attempt may follow. */
export interface Failure {
  readonly error: ProviderHttpError;
  readonly retryable: boolean;
}

/**
 * Runs `attempt` with the retry policy. `classify` turns what an attempt threw into a `Failure` (undefined: not a
 * service failure, rethrown as is). Connection failures (`errorInfo.isNetworkError`) are classified here and retried
 * when `network`.
 */
export async function withRetry<T>(
  service: string,
  what: string,
  attempt: (signal: AbortSignal | undefined, n: number) => Promise<T>,
  classify: (error: unknown, n: number) => Failure | undefined,
  options: CallOptions & { readonly policy?: Partial<RetryPolicy>; readonly log?: Logish } = {},
): Promise<T> {
  const policy = { ...DEFAULT_RETRY, ...options.policy };
  const maxRetries = options.maxRetries ?? policy.maxRetries;
  const signal = options.signal;
  const network = options.network ?? true;
  for (let n = 0; ; n++) {
    if (signal?.aborted) throw new RequestCancelledError();
    let failure: Failure;
    try {
      return await attempt(signal, n);
    } catch (error) {
      if (signal?.aborted) throw new RequestCancelledError();
      const classified = classify(error, n);
      if (classified) failure = classified;
      else if (isNetworkError(error)) {
        failure = { error: new ProviderHttpError(service, what, undefined, scrubKeys(error instanceof Error ? error.message : String(error)), undefined, undefined, n), retryable: network };
      } else throw error;
    }
    const e = failure.error;
    if (!failure.retryable || n >= maxRetries) throw e;
    if (e.retryAfterMs !== undefined && e.retryAfterMs > policy.maxWaitMs) {
      options.log?.warn(`${what}: ${service} asked to wait ${Math.round(e.retryAfterMs / 1000)} s; not retrying`);
      throw e;
    }
    const backoff = Math.min(policy.baseDelayMs * 2 ** n, policy.maxDelayMs) * (1 - Math.random() * 0.25);
    const wait = e.retryAfterMs ?? backoff;
    options.log?.info(`${what}: ${e.status ?? 'connection error'}; retry ${n + 1} of ${maxRetries} in ${Math.round(wait)} ms${e.retryAfterMs !== undefined ? ' (retry-after)' : ''}`);
    await sleep(wait, signal);
  }
}

/** An HTTP error answer seen by `fetchWithRetry` (thrown inside an attempt, classified outside). */
class HttpAnswer extends Error {
  constructor(readonly failure: Failure) {
    super(failure.error.message);
  }
}

/** A non-2xx `Response` as a `Failure` (its body read for the service's message and code). */
export async function responseFailure(service: string, what: string, res: Response, n: number): Promise<Failure> {
  const text = await res.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = { message: text.slice(0, 500) };
  }
  const facts = errorBodyFacts(body);
  const error = new ProviderHttpError(service, what, res.status, facts.message, facts.code, retryAfterFromHeaders(res.headers), n);
  return { error, retryable: retryableStatus(res.status, facts.code) };
}

/**
 * `withRetry` over `fetch`: `attempt` returns a `Response`; one whose status `accept` refuses (default: not 2xx)
 * becomes a `ProviderHttpError`. The accepted response is returned unread.
 */
export function fetchWithRetry(
  service: string,
  what: string,
  attempt: (signal: AbortSignal | undefined) => Promise<Response>,
  options: CallOptions & { readonly policy?: Partial<RetryPolicy>; readonly log?: Logish; readonly accept?: (status: number) => boolean } = {},
): Promise<Response> {
  const ok = options.accept ?? ((s: number) => s >= 200 && s < 300);
  return withRetry(
    service,
    what,
    async (signal, n) => {
      const res = await attempt(signal);
      if (ok(res.status)) return res;
      throw new HttpAnswer(await responseFailure(service, what, res, n));
    },
    (error) => (error instanceof HttpAnswer ? error.failure : undefined),
    options,
  );
}

/**
 * `classify` for calls made with the `openai` SDK (Nebius, Bedrock Mantle and any OpenAI-compatible service used
 * outside the extension's SdkClient): errorInfo's `isRetryable` / `retryAfterMs` decide, as in SdkClient.
 */
export function openAIFailure(service: string, what: string) {
  return (error: unknown, n: number): Failure | undefined => {
    const e = error as { status?: unknown; error?: unknown; message?: unknown };
    if (typeof e?.status !== 'number') return undefined;
    const facts = errorBodyFacts({ error: e.error });
    return {
      error: new ProviderHttpError(service, what, e.status, facts.message || scrubKeys(String(e.message ?? '')), facts.code, retryAfterMs(error), n),
      retryable: isRetryable(error, false),
    };
  };
}
