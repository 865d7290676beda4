/**
 * What the `TunelineClient`s of the services that are not OpenAI-shaped (Together AI, Fireworks AI) share: failures
 * as `ApiError` in plain words (`toApiError`, with the adapter's explanations), refusals of what the service does not
 * have (the adapter's own reason), pages cut from a whole list, and the conversions from the services' shapes to the
 * OpenAI shapes the jobs view, the playground and evaluation read (statuses through the adapter's `statuses` table).
 * No `vscode`.
 */
import { CancelledError } from '../../core/errors';
import { ApiError, toApiError } from '../errors';
import type { ApiLog, Batch, ChatCompletion, ChatCompletionChunk, ChatRequest, Endpoint, FineTuningJob, Page, PageParams, RequestOptions, Upload, UploadPart } from '../types';
import type { RetryPolicy } from './retry';
import { tunelineStatus, type JobOperation, type Provider, type Support } from './types';

/** What the factory gives a non-OpenAI client (endpoint.ts `ClientConfig` plus the log and retry policy). */
export interface OpenClientConfig {
  readonly endpoint: Endpoint;
  readonly apiKey: string;
  readonly accountKey: string;
  /** Where requests go, for messages ("Together AI", "127.0.0.1:8080"). */
  readonly label: string;
  readonly log: ApiLog;
  readonly retry?: Partial<RetryPolicy>;
}

/** The Batch API of a client: absent or supported = usable; unsupported carries the reason evaluation shows. */
export type BatchSupport = Support;

/** Runs one call and turns what it threw into an `ApiError` / `CancelledError` (the adapter explains first). */
export async function guarded<T>(adapter: Provider, label: string, what: string, fn: () => Promise<T>, opts?: RequestOptions): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toApiError(e, label, what, (e as { retries?: number }).retries ?? 0, opts?.signal, adapter);
  }
}

/** The refusal of a job operation the service does not have, in the adapter's words. */
export function unsupportedOperation(adapter: Provider, op: JobOperation, what: string): ApiError {
  const s = adapter.capabilities.operations[op];
  const reason = s.supported ? `${adapter.label} has it, but Tuneline does not use it yet.` : s.reason;
  return new ApiError(`Tuneline cannot ${what} on ${adapter.label}: ${reason}`, 'other');
}

/** A plain-words refusal of something the service (or Tuneline's client for it) does not do. */
export function notOffered(adapter: Provider, what: string, reason: string): ApiError {
  return new ApiError(`Tuneline cannot ${what} on ${adapter.label}: ${reason}`, 'other');
}

/** One page of a list the service returns whole: items after `after` (by id), at most `limit`. */
export function pageOf<T extends { id: string }>(all: readonly T[], params: PageParams = {}): Page<T> {
  let start = 0;
  if (params.after) {
    const i = all.findIndex((x) => x.id === params.after);
    start = i < 0 ? all.length : i + 1;
  }
  const limit = params.limit && params.limit > 0 ? params.limit : all.length;
  const data = all.slice(start, start + limit);
  const hasMore = start + limit < all.length;
  const last = data[data.length - 1];
  return { data, hasMore, ...(hasMore && last ? { nextAfter: last.id } : {}) };
}

/** Seconds since the epoch of an ISO date (0 when absent or unreadable). */
export function seconds(iso: string | undefined | null): number {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? 0 : Math.floor(t / 1000);
}

/** Tuneline's status for a service status (the adapter's table); an unknown one is kept as it is. */
export function mappedStatus(adapter: Provider, status: string): FineTuningJob['status'] {
  return (tunelineStatus(adapter.capabilities, status)?.tuneline ?? status) as FineTuningJob['status'];
}

/** The parts of an OpenAI `FineTuningJob` a service job fills; the rest gets neutral values. */
export interface JobFacts {
  readonly id: string;
  readonly serviceStatus: string;
  readonly model: string;
  readonly createdAt: number;
  readonly finishedAt?: number;
  readonly fineTunedModel?: string;
  readonly trainingFile: string;
  readonly validationFile?: string;
  readonly error?: { readonly code: string; readonly message: string };
  readonly trainedTokens?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly seed?: number;
  readonly suffix?: string;
}

/**
 * An OpenAI-shaped job: `status` is Tuneline's (the adapter's table), the service's own status is kept in
 * `metadata.service_status` (shown by Show JSON); `hyperparameters` carry the service's values under OpenAI's names.
 */
export function openAIJob(adapter: Provider, f: JobFacts): FineTuningJob {
  const status = mappedStatus(adapter, f.serviceStatus);
  return {
    id: f.id,
    object: 'fine_tuning.job',
    created_at: f.createdAt,
    error: f.error ? { code: f.error.code, message: f.error.message, param: null } : null,
    fine_tuned_model: status === 'succeeded' ? (f.fineTunedModel ?? null) : null,
    finished_at: f.finishedAt ?? null,
    hyperparameters: {
      ...(f.epochs !== undefined ? { n_epochs: f.epochs } : { n_epochs: 'auto' }),
      ...(f.batchSize !== undefined ? { batch_size: f.batchSize } : { batch_size: 'auto' }),
      ...(f.learningRate !== undefined ? { learning_rate_multiplier: f.learningRate } : { learning_rate_multiplier: 'auto' }),
    },
    model: f.model,
    organization_id: '',
    result_files: [],
    seed: f.seed ?? 0,
    status,
    trained_tokens: f.trainedTokens ?? null,
    training_file: f.trainingFile,
    validation_file: f.validationFile ?? null,
    metadata: { service_status: f.serviceStatus, ...(f.suffix ? { suffix: f.suffix } : {}) },
  } as FineTuningJob;
}

type FinishReason = ChatCompletion['choices'][number]['finish_reason'];

/** A finish reason in OpenAI's words (Together's `eos` is OpenAI's `stop`). */
export function finishReason(r: unknown): FinishReason {
  if (r === 'length' || r === 'tool_calls' || r === 'content_filter' || r === 'function_call') return r;
  return 'stop';
}

/** An OpenAI-compatible chat reply (Together's, Fireworks') in the `openai` SDK's type. */
export function openAIChat(r: { id?: string; created?: number; model?: string; choices?: readonly { index?: number; message?: { content?: string | null }; finish_reason?: unknown }[]; usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null }): ChatCompletion {
  return {
    id: r.id ?? '',
    object: 'chat.completion',
    created: r.created ?? 0,
    model: r.model ?? '',
    choices: (r.choices ?? []).map((c, i) => ({ index: c.index ?? i, message: { role: 'assistant', content: c.message?.content ?? '', refusal: null }, finish_reason: finishReason(c.finish_reason), logprobs: null })),
    ...(r.usage ? { usage: { prompt_tokens: r.usage.prompt_tokens ?? 0, completion_tokens: r.usage.completion_tokens ?? 0, total_tokens: r.usage.total_tokens ?? 0 } } : {}),
  };
}

/** One streamed chunk in the `openai` SDK's type. */
export function openAIChunk(c: { id?: string; created?: number; model?: string; choices?: readonly { index?: number; delta?: { content?: string | null }; finish_reason?: unknown }[]; usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null }): ChatCompletionChunk {
  return {
    id: c.id ?? '',
    object: 'chat.completion.chunk',
    created: c.created ?? 0,
    model: c.model ?? '',
    choices: (c.choices ?? []).map((x, i) => ({
      index: x.index ?? i,
      delta: x.delta?.content ? { content: x.delta.content } : {},
      finish_reason: x.finish_reason === null || x.finish_reason === undefined ? null : finishReason(x.finish_reason),
    })),
    ...(c.usage ? { usage: { prompt_tokens: c.usage.prompt_tokens ?? 0, completion_tokens: c.usage.completion_tokens ?? 0, total_tokens: c.usage.total_tokens ?? 0 } } : {}),
  };
}

/** Rethrows a cancellation as is; anything else as an ApiError (for errors met while iterating a stream). */
export function streamError(adapter: Provider, label: string, e: unknown, signal?: AbortSignal): Error {
  if (e instanceof CancelledError) return e;
  return toApiError(e, label, 'get a chat reply', 0, signal, adapter);
}

/** Chat messages as text (what the open-model chat endpoints take here; image parts are left out). */
export function textMessages(r: ChatRequest): { role: 'system' | 'user' | 'assistant'; content: string }[] {
  return r.messages
    .filter((m) => m.role === 'system' || m.role === 'user' || m.role === 'assistant')
    .map((m) => ({ role: m.role as 'system' | 'user' | 'assistant', content: typeof m.content === 'string' ? m.content : Array.isArray(m.content) ? m.content.map((p) => ('text' in p ? p.text : '')).join('') : '' }));
}

/** A chat request's sampling options. */
export function sampling(r: ChatRequest): { temperature?: number; maxTokens?: number } {
  return { ...(r.temperature !== undefined ? { temperature: r.temperature } : {}), ...(r.maxCompletionTokens !== undefined ? { maxTokens: r.maxCompletionTokens } : {}) };
}

/**
 * The refusals every non-OpenAI client shares, in its adapter's words: uploads in parts (neither service has the
 * Uploads API), pause and resume (the adapter's `operations`), and the Batch API (`batchReason`).
 */
export abstract class OpenServiceRefusals {
  abstract readonly batchApi: BatchSupport;
  protected constructor(
    private readonly adapter: Provider,
    private readonly batchReason: string,
  ) {}

  private noParts(): Error {
    const m = this.adapter.capabilities.upload.multipart;
    return notOffered(this.adapter, 'upload a file in parts', m.supported ? 'not used by Tuneline yet.' : m.reason);
  }
  createUpload(): Promise<Upload> {
    return Promise.reject(this.noParts());
  }
  addUploadPart(): Promise<UploadPart> {
    return Promise.reject(this.noParts());
  }
  completeUpload(): Promise<Upload> {
    return Promise.reject(this.noParts());
  }
  cancelUpload(): Promise<Upload> {
    return Promise.reject(this.noParts());
  }
  pauseJob(): Promise<FineTuningJob> {
    return Promise.reject(unsupportedOperation(this.adapter, 'pause', 'pause a job'));
  }
  resumeJob(): Promise<FineTuningJob> {
    return Promise.reject(unsupportedOperation(this.adapter, 'resume', 'resume a job'));
  }
  private noBatch(): Error {
    return notOffered(this.adapter, 'use the Batch API', this.batchReason);
  }
  uploadBatchInput(): Promise<string> {
    return Promise.reject(this.noBatch());
  }
  createBatch(): Promise<Batch> {
    return Promise.reject(this.noBatch());
  }
  retrieveBatch(): Promise<Batch> {
    return Promise.reject(this.noBatch());
  }
  cancelBatch(): Promise<Batch> {
    return Promise.reject(this.noBatch());
  }
  listBatches(): Promise<Batch[]> {
    return Promise.reject(this.noBatch());
  }
}
