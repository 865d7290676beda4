/**
 * The pure parts of error handling (no `vscode`): which failures are retried, how long to wait, key scrubbing, and
 * mapping the service's "Example N" to a dataset line. Unit-tested in `test/unit/api.test.ts`.
 */
import OpenAI from 'openai';

/** Cuts anything that looks like an API key out of a provider message (OpenAI's 401 echoes a masked key). */
export function scrubKeys(text: string): string {
  return text
    .replace(/\b(sk|rk|pk|sess)-[A-Za-z0-9_*-]{3,}/g, '$1-…')
    .replace(/\b[a-f0-9]{32}\b/gi, '…')
    .replace(/(Bearer\s+)\S+/gi, '$1…');
}

const NETWORK_CODES = /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ENOTFOUND|UND_ERR_\w+)$/;

function causeCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let i = 0; i < 4 && e && typeof e === 'object'; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A connection failure outside the SDK's request (e.g. the body cut short while reading it: undici's "terminated"). */
export function isNetworkError(error: unknown): boolean {
  if (error instanceof OpenAI.APIConnectionError) return true;
  if (error instanceof OpenAI.APIError) return false;
  if (causeCode(error)) return true;
  return error instanceof TypeError && /terminated|fetch failed|other side closed|socket/i.test(error.message);
}

export function networkCause(error: Error): string {
  return causeCode(error) ?? (/terminated/i.test(error.message) ? 'the connection was dropped' : '');
}

/** 429 codes that say a quota is reached (retrying never succeeds): OpenAI's billing quota, Azure's job quota. */
export const QUOTA_CODES: readonly string[] = ['insufficient_quota', 'quota_exceeded'];

/** Whether a failed attempt may be retried: 408/409/429 (not quota), 5xx; connection errors when `network`. */
export function isRetryable(error: unknown, network: boolean): boolean {
  if (error instanceof OpenAI.APIUserAbortError) return false;
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
    const s = error.status;
    if (s === 429) {
      const body = (error.error ?? {}) as { code?: unknown; type?: unknown };
      const quota = (v: unknown): boolean => typeof v === 'string' && QUOTA_CODES.includes(v);
      return !quota(body.code) && !quota(body.type) && !quota(error.code);
    }
    return s === 408 || s === 409 || s >= 500;
  }
  return network && (isNetworkError(error) || error instanceof OpenAI.APIConnectionTimeoutError);
}

/** The wait the server asked for (`retry-after-ms`, `retry-after` in seconds or as an HTTP date), in ms. */
export function retryAfterMs(error: unknown, now = Date.now()): number | undefined {
  if (!(error instanceof OpenAI.APIError)) return undefined;
  const headers = error.headers as Headers | undefined;
  const ms = headers?.get('retry-after-ms');
  if (ms && !Number.isNaN(parseFloat(ms))) return Math.max(0, parseFloat(ms));
  const ra = headers?.get('retry-after');
  if (!ra) return undefined;
  const secs = parseFloat(ra);
  if (!Number.isNaN(secs)) return Math.max(0, secs * 1000);
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * "Invalid file format. Example 12: ..." → 12. The service counts examples as non-blank lines (1-based).
 */
export function exampleNumber(message: string | undefined): number | undefined {
  const m = message ? /\bExample\s+(\d+)\b/i.exec(message) : null;
  return m ? Number(m[1]) : undefined;
}

/** The 0-based line of the `example`-th non-blank line of `text` (what the service calls "Example N"). */
export function exampleToLine(text: string, example: number): number | undefined {
  let n = 0;
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (text.slice(start, end).trim() !== '') {
      n++;
      if (n === example) return line;
    }
    line++;
    start = end + 1;
  }
  return undefined;
}
