/**
 * API failures in plain words. Every error the client throws is an `ApiError` (a `UserFacingError`: the command
 * boundary shows its message as is) or a `CancelledError`. Messages carry the provider's own words (with anything
 * that looks like a key cut out) and what to do; never the key.
 */
import OpenAI from 'openai';
import * as vscode from 'vscode';
import { CancelledError, UserFacingError } from '../common/commands';

export type ApiErrorKind =
  | 'auth' // 401
  | 'forbidden' // 403: no access to fine-tuning (or the model)
  | 'not-found' // 404
  | 'quota' // 429 insufficient_quota
  | 'rate-limit' // 429 otherwise (after retries)
  | 'bad-request' // 400 / 422
  | 'server' // 5xx (after retries)
  | 'connection' // could not connect / connection dropped (after retries)
  | 'timeout'
  | 'config' // no key, no endpoint, endpoint not confirmed
  | 'other';

const SET_KEY = 'Set API key';
const OPEN_SETTINGS = 'Open settings';

export class ApiError extends UserFacingError {
  constructor(
    message: string,
    readonly kind: ApiErrorKind,
    readonly status?: number,
    /** The provider's error code (`insufficient_quota`, `invalid_file_format`, ...). */
    readonly code?: string,
    /** The provider's `param` (e.g. `training_file`). */
    readonly param?: string,
    /** The provider's message, cleaned of key-like strings. */
    readonly providerMessage?: string,
    actions: Readonly<Record<string, () => unknown>> = {},
  ) {
    super(message, actions);
    this.name = 'ApiError';
  }
}

/** Cuts anything that looks like an API key out of a provider message (OpenAI's 401 echoes a masked key). */
export function scrubKeys(text: string): string {
  return text
    .replace(/\b(sk|rk|pk|sess)-[A-Za-z0-9_*.-]{3,}/g, '$1-…')
    .replace(/\b[a-f0-9]{32}\b/gi, '…')
    .replace(/(Bearer\s+)\S+/gi, '$1…');
}

const setKeyAction = { [SET_KEY]: () => vscode.commands.executeCommand('tuneline.setApiKey') };
const settingsAction = { [OPEN_SETTINGS]: () => vscode.commands.executeCommand('workbench.action.openSettings', 'tuneline.') };

/** Where the request went, for messages: "OpenAI", "Azure OpenAI (contoso.openai.azure.com)", "127.0.0.1:8080". */
export type ProviderLabel = string;

function retryNote(retries: number): string {
  return retries > 0 ? ` Tuneline tried ${retries + 1} times.` : '';
}

/** Turns anything a call threw into an `ApiError` or `CancelledError`. `what` names the action ("upload the file"). */
export function toApiError(error: unknown, where: ProviderLabel, what: string, retries = 0, signal?: AbortSignal): Error {
  if (error instanceof ApiError || error instanceof CancelledError) return error;
  if (signal?.aborted || error instanceof OpenAI.APIUserAbortError || (error instanceof Error && error.name === 'AbortError')) {
    return new CancelledError();
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new ApiError(`Tuneline could not ${what}: ${where} did not answer in time.${retryNote(retries)} Check your connection and try again.`, 'timeout');
  }
  if (error instanceof OpenAI.APIConnectionError || isNetworkError(error)) {
    const cause = error instanceof Error ? networkCause(error) : '';
    return new ApiError(
      `Tuneline could not ${what}: the connection to ${where} failed${cause ? ` (${cause})` : ''}.${retryNote(retries)} Check the endpoint setting and your connection.`,
      'connection',
      undefined,
      undefined,
      undefined,
      undefined,
      settingsAction,
    );
  }
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
    const status = error.status;
    const body = (error.error ?? {}) as { message?: unknown; code?: unknown; param?: unknown; type?: unknown };
    const provider = scrubKeys(typeof body.message === 'string' ? body.message : stripStatus(error.message));
    const code = typeof body.code === 'string' ? body.code : (error.code ?? undefined) || undefined;
    const param = typeof body.param === 'string' ? body.param : (error.param ?? undefined) || undefined;
    const said = provider ? ` ${where} said: "${provider}"` : '';
    const make = (kind: ApiErrorKind, text: string, actions = {}) => new ApiError(text, kind, status, code, param, provider, actions);
    if (status === 401) {
      return make('auth', `Tuneline could not ${what}: ${where} rejected the API key (401). Set the right key with "Tuneline: Set API Key".${said}`, setKeyAction);
    }
    if (status === 403) {
      return make('forbidden', `Tuneline could not ${what}: this key has no access to it on ${where} (403). Fine-tuning may not be enabled for your organisation or project, or the model is not available to it.${said}`);
    }
    if (status === 404) {
      if (/invalid url|resource not found|DeploymentNotFound/i.test(`${provider} ${code ?? ''}`)) {
        return make('not-found', `Tuneline could not ${what}: ${where} does not offer this endpoint (404). Check the endpoint setting.${said}`, settingsAction);
      }
      return make('not-found', `Tuneline could not ${what}: ${where} does not know it, or this key has no access to it (404).${said}`);
    }
    if (status === 429) {
      if (code === 'insufficient_quota' || body.type === 'insufficient_quota') {
        return make('quota', `Tuneline could not ${what}: the account's quota is used up on ${where} (429 insufficient_quota). Check the plan and billing details; retrying will not help.${said}`);
      }
      return make('rate-limit', `Tuneline could not ${what}: ${where} is rate limiting requests (429).${retryNote(retries)} Wait a minute and try again.${said}`);
    }
    if (status >= 500) {
      return make('server', `Tuneline could not ${what}: ${where} had a problem of its own (${status}).${retryNote(retries)} Try again later.${said}`);
    }
    if (status === 400 || status === 422) {
      return make('bad-request', `Tuneline could not ${what}: ${where} refused the request${param ? ` (${param})` : ''}.${said}`);
    }
    return make('other', `Tuneline could not ${what}: ${where} answered ${status}.${said}`);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(`Tuneline could not ${what}: ${scrubKeys(message)}`, 'other');
}

function stripStatus(message: string): string {
  return message.replace(/^\d{3}\s+/, '').replace(/^status code \(no body\)$/, '');
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

function networkCause(error: Error): string {
  return causeCode(error) ?? (/terminated/i.test(error.message) ? 'the connection was dropped' : '');
}

/** Whether a failed attempt may be retried: 408/409/429 (not quota), 5xx; connection errors when `network`. */
export function isRetryable(error: unknown, network: boolean): boolean {
  if (error instanceof OpenAI.APIUserAbortError) return false;
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
    const s = error.status;
    if (s === 429) {
      const body = (error.error ?? {}) as { code?: unknown; type?: unknown };
      return body.code !== 'insufficient_quota' && body.type !== 'insufficient_quota' && error.code !== 'insufficient_quota';
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
