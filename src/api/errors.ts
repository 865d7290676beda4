/**
 * API failures in plain words (no `vscode`: the CLI uses them too). `toApiError` turns whatever a call threw into an
 * `ApiError` (a `UserFacingError`: the command boundary shows its message as is, its actions as buttons that run
 * commands) or a `CancelledError`. Messages carry the provider's own words (with anything
 * that looks like a key cut out) and what to do; never the key.
 */
import OpenAI from 'openai';
import { CancelledError, UserFacingError, type ErrorAction } from '../core/errors';
import { isNetworkError, networkCause, scrubKeys } from './errorInfo';
import { ProviderHttpError } from './providers/retry';
import type { ErrorExplanation, ErrorFacts } from './providers/types';

export { exampleNumber, exampleToLine, isNetworkError, isRetryable, retryAfterMs, scrubKeys } from './errorInfo';

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
    actions: Readonly<Record<string, ErrorAction>> = {},
  ) {
    super(message, actions);
    this.name = 'ApiError';
  }
}

/** A button that opens the settings filtered to `query`. */
export function openSettingsAction(query: string, label = OPEN_SETTINGS): Record<string, ErrorAction> {
  return { [label]: { command: 'workbench.action.openSettings', args: [query] } };
}

export const setKeyAction: Record<string, ErrorAction> = { [SET_KEY]: { command: 'tuneline.setApiKey' } };
const settingsAction = openSettingsAction('tuneline.');

/** Where the request went, for messages: "OpenAI", "Azure OpenAI (contoso.openai.azure.com)", "127.0.0.1:8080". */
export type ProviderLabel = string;

function retryNote(retries: number): string {
  return retries > 0 ? ` Tuneline tried ${retries + 1} times.` : '';
}

/** The part of a provider adapter `toApiError` asks first (`Provider.explainError`). */
export interface ErrorExplainer {
  explainError(facts: ErrorFacts): ErrorExplanation | undefined;
}

/**
 * Turns anything a call threw into an `ApiError` or `CancelledError`. `what` names the action ("upload the file").
 * `explainer`: the active provider's adapter, asked first for an HTTP failure it knows (OpenAI's `403
 * training_not_available` wind-down, Azure's job quota); its explanation and next step become the message.
 */
export function toApiError(error: unknown, where: ProviderLabel, what: string, retries = 0, signal?: AbortSignal, explainer?: ErrorExplainer): Error {
  if (error instanceof ApiError || error instanceof CancelledError) return error;
  if (signal?.aborted || error instanceof OpenAI.APIUserAbortError || (error instanceof Error && error.name === 'AbortError')) {
    return new CancelledError();
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new ApiError(`Tuneline could not ${what}: ${where} did not answer in time.${retryNote(retries)} Check your connection and try again.`, 'timeout');
  }
  // The REST clients' failures (providers/retry.ts: Together's presigned upload and SDK calls, Fireworks): the same
  // words as the openai SDK's, from the status, code and message the service sent (no status: it could not connect).
  if (error instanceof ProviderHttpError && error.status !== undefined) {
    return httpApiError(error.status, { message: error.serviceMessage, ...(error.code !== undefined ? { code: error.code } : {}) }, where, what, error.retries, explainer);
  }
  if (error instanceof OpenAI.APIConnectionError || isNetworkError(error) || error instanceof ProviderHttpError) {
    const rest = error instanceof ProviderHttpError ? error : undefined;
    const cause = rest ? rest.serviceMessage : error instanceof Error ? networkCause(error) : '';
    return new ApiError(
      `Tuneline could not ${what}: the connection to ${where} failed${cause ? ` (${cause})` : ''}.${retryNote(rest ? rest.retries : retries)} Check the endpoint setting and your connection.`,
      'connection',
      undefined,
      undefined,
      undefined,
      undefined,
      settingsAction,
    );
  }
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
    const body = (error.error ?? {}) as { message?: unknown; code?: unknown; param?: unknown; type?: unknown };
    const code = typeof body.code === 'string' ? body.code : (error.code ?? undefined) || undefined;
    const param = typeof body.param === 'string' ? body.param : (error.param ?? undefined) || undefined;
    const message = scrubKeys(typeof body.message === 'string' ? body.message : stripStatus(error.message));
    return httpApiError(error.status, { message, ...(code !== undefined ? { code } : {}), ...(param !== undefined ? { param } : {}), ...(typeof body.type === 'string' ? { type: body.type } : {}) }, where, what, retries, explainer);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(`Tuneline could not ${what}: ${scrubKeys(message)}`, 'other');
}

/** An HTTP failure (status + the service's scrubbed message, code, param, type) in plain words. */
function httpApiError(
  status: number,
  body: { readonly message: string; readonly code?: string; readonly param?: string; readonly type?: string },
  where: ProviderLabel,
  what: string,
  retries: number,
  explainer: ErrorExplainer | undefined,
): ApiError {
  {
    const adapter = explainer;
    const provider = body.message;
    const code = body.code;
    const param = body.param;
    const said = provider ? ` ${where} said: "${provider}"` : '';
    const make = (kind: ApiErrorKind, text: string, actions: Record<string, ErrorAction> = {}) => new ApiError(text, kind, status, code, param, provider, actions);
    const explained = adapterExplanation(adapter, { status, ...(code !== undefined ? { code } : {}), ...(provider ? { message: provider } : {}) });
    if (explained) {
      const kind: ApiErrorKind = status === 403 ? 'forbidden' : status === 429 ? 'quota' : status === 401 ? 'auth' : status >= 500 ? 'server' : 'other';
      return make(kind, `Tuneline could not ${what}: ${explained.message} ${explained.next}${said}`, status === 429 ? { 'Show jobs': { command: 'tuneline.jobs.refresh' } } : {});
    }
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
      if (code === 'quota_exceeded') {
        return make('quota', `Tuneline could not ${what}: ${where} refused it: a quota of the account or resource is reached (429 quota_exceeded). Retrying now will not help: wait for running work to finish, or cancel some.${said}`);
      }
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
}

/** The adapter's explanation, if it has one; an adapter that throws is ignored (the generic message applies). */
function adapterExplanation(adapter: ErrorExplainer | undefined, facts: ErrorFacts): ErrorExplanation | undefined {
  try {
    return adapter?.explainError(facts);
  } catch {
    return undefined;
  }
}

function stripStatus(message: string): string {
  return message.replace(/^\d{3}\s+/, '').replace(/^status code \(no body\)$/, '');
}

