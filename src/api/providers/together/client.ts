/**
 * A vscode-free Together AI client on the official `together-ai` SDK (0.52), with Tuneline's retry and error layer
 * (providers/retry.ts) around every call.
 *
 * The upload does not use the SDK's `files.upload` (lib/upload.js), which in 0.52 (a) loads `fs` with `require`, so
 * the ESM build fails, (b) PUTs a file *stream* with Node's fetch without `duplex: 'half'`, which Node refuses,
 * (c) posts to `TOGETHER_API_BASE_URL` or https://api.together.xyz/v1, ignoring the client's `baseURL`, and (d) takes
 * a path on disk only. Tuneline does the same presigned-URL exchange itself, on the client's base URL:
 *   1. `POST {baseURL}/files` form-encoded `file_name`, `file_type`, `purpose`, `redirect: 'manual'` → `302` with
 *      `Location` (the presigned URL) and `x-together-file-id`;
 *   2. `PUT Location` with the bytes as a Buffer body (a complete body: no stream, so no `duplex` needed) and
 *      `Content-Type: application/octet-stream`, *without* the API key (the URL carries its own signature);
 *   3. `GET /files/{id}` through the SDK.
 * Both bundles (extension host and CLI) are CommonJS (esbuild.js), where the SDK's other calls work as they are.
 */
import { basename } from 'node:path';
import Together, { APIConnectionError, APIError, APIUserAbortError } from 'together-ai';
import type { FileResponse } from 'together-ai/resources/files';
import type {
  FineTuningCancelResponse,
  FineTuningCreateParams,
  FineTuningCreateResponse,
  FineTuningEstimatePriceParams,
  FineTuningEstimatePriceResponse,
  FineTuningListCheckpointsResponse,
  FineTuningListEventsResponse,
  FineTuningListMetricsResponse,
  FineTuningListResponse,
  FinetuneEvent,
  FinetuneModelLimits,
  FinetuneResponse,
} from 'together-ai/resources/fine-tuning';
import type { ChatCompletion, ChatCompletionChunk } from 'together-ai/resources/chat/completions';
import type { ModelObject } from 'together-ai/resources/models/models';
import { TOGETHER_BASE_URL } from '../together';
import {
  ProviderHttpError,
  RequestCancelledError,
  fetchWithRetry,
  retryAfterFromHeaders,
  retryableStatus,
  errorBodyFacts,
  withRetry,
  type CallOptions,
  type Failure,
  type Logish,
  type RetryPolicy,
} from '../retry';

export const TOGETHER_SERVICE = 'Together AI';

export interface TogetherClientOptions {
  readonly apiKey: string;
  /** Default https://api.together.ai/v1 (the SDK's and the SPEC's). */
  readonly baseURL?: string;
  readonly log?: Logish;
  readonly retry?: Partial<RetryPolicy>;
  /** Per-request timeout (ms), default 60 s; uploads 10 min. */
  readonly timeoutMs?: number;
  readonly uploadTimeoutMs?: number;
}

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/** What the SDK threw, as a Failure (undefined: not an HTTP answer; connection errors are classified by withRetry). */
function classify(what: string, n: number) {
  return (error: unknown): Failure | undefined => {
    if (error instanceof APIUserAbortError) return { error: new ProviderHttpError(TOGETHER_SERVICE, what, undefined, 'cancelled', undefined, undefined, n), retryable: false };
    if (error instanceof APIConnectionError) {
      return { error: new ProviderHttpError(TOGETHER_SERVICE, what, undefined, 'the connection failed', undefined, undefined, n), retryable: true };
    }
    if (error instanceof APIError && typeof error.status === 'number') {
      const facts = errorBodyFacts(error.error);
      return {
        error: new ProviderHttpError(TOGETHER_SERVICE, what, error.status, facts.message, facts.code, retryAfterFromHeaders(error.headers), n),
        retryable: retryableStatus(error.status, facts.code),
      };
    }
    return undefined;
  };
}

export class TogetherClient {
  readonly sdk: Together;
  readonly baseURL: string;
  private readonly timeoutMs: number;
  private readonly uploadTimeoutMs: number;

  constructor(private readonly options: TogetherClientOptions) {
    this.baseURL = (options.baseURL ?? TOGETHER_BASE_URL).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.uploadTimeoutMs = options.uploadTimeoutMs ?? 10 * 60_000;
    // The SDK does not retry: Tuneline's loop does (capped retry-after, wakes on cancel, same policy as SdkClient).
    this.sdk = new Together({ apiKey: options.apiKey, baseURL: this.baseURL, maxRetries: 0, timeout: this.timeoutMs });
  }

  private call<T>(what: string, fn: (req: { signal?: AbortSignal }) => Promise<T>, opts: CallOptions = {}): Promise<T> {
    let n = 0;
    return withRetry(
      TOGETHER_SERVICE,
      what,
      (signal, attempt) => {
        n = attempt;
        return fn(signal ? { signal } : {});
      },
      (error) => classify(what, n)(error),
      { ...opts, ...(this.options.retry ? { policy: this.options.retry } : {}), ...(this.options.log ? { log: this.options.log } : {}) },
    );
  }

  // ---- files

  /**
   * Uploads a training file (purpose `fine-tune`) by the presigned-URL exchange (see the file comment). The POST is
   * not retried on a dropped connection (it may have created the file); the PUT to the presigned URL is.
   */
  async uploadFile(file: { readonly name: string; readonly data: Uint8Array }, opts: CallOptions = {}): Promise<FileResponse> {
    const fileName = basename(file.name);
    const ext = /\.(jsonl|parquet|csv)$/i.exec(fileName)?.[1]?.toLowerCase();
    if (!ext) throw new ProviderHttpError(TOGETHER_SERVICE, 'upload the file', undefined, 'the file name must end in .jsonl, .parquet or .csv', undefined, undefined, 0);
    const policy = { ...(this.options.retry ? { policy: this.options.retry } : {}), ...(this.options.log ? { log: this.options.log } : {}) };
    const form = new URLSearchParams({ file_name: fileName, file_type: ext, purpose: 'fine-tune' });
    const start = await fetchWithRetry(
      TOGETHER_SERVICE,
      'start the upload',
      (signal) =>
        fetch(`${this.baseURL}/files`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Bearer ${this.options.apiKey}` },
          body: form.toString(),
          redirect: 'manual',
          signal: timeoutSignal(signal, this.timeoutMs),
        }),
      { ...opts, network: false, accept: (s) => s === 302 || s === 307 || s === 303, ...policy },
    );
    await start.body?.cancel().catch(() => undefined);
    const location = start.headers.get('location');
    const fileId = start.headers.get('x-together-file-id');
    if (!location || !fileId) {
      throw new ProviderHttpError(TOGETHER_SERVICE, 'start the upload', start.status, 'the answer had no presigned URL (Location) or file id (x-together-file-id)', undefined, undefined, 0);
    }
    const target = new URL(location, `${this.baseURL}/`).toString();
    const body = Buffer.from(file.data.buffer, file.data.byteOffset, file.data.byteLength);
    await fetchWithRetry(
      TOGETHER_SERVICE,
      'upload the file to its presigned URL',
      (signal) =>
        fetch(target, {
          method: 'PUT',
          // No Authorization header: the presigned URL is its own credential, and the key must not leave for storage.
          headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(body.byteLength) },
          body,
          signal: timeoutSignal(signal, this.uploadTimeoutMs),
        }),
      { ...opts, ...policy },
    );
    return this.retrieveFile(fileId, opts);
  }

  retrieveFile(id: string, opts?: CallOptions): Promise<FileResponse> {
    return this.call(`read file ${id}`, (req) => this.sdk.files.retrieve(id, req), opts);
  }

  async listFiles(opts?: CallOptions): Promise<FileResponse[]> {
    const list = await this.call('list files', (req) => this.sdk.files.list(req), opts);
    return list.data;
  }

  async deleteFile(id: string, opts?: CallOptions): Promise<void> {
    await this.call(`delete file ${id}`, (req) => this.sdk.files.delete(id, req), opts);
  }

  // ---- jobs

  createJob(body: FineTuningCreateParams, opts?: CallOptions): Promise<FineTuningCreateResponse> {
    return this.call('start the fine-tuning job', (req) => this.sdk.fineTuning.create(body, req), { ...opts, network: false });
  }

  retrieveJob(id: string, opts?: CallOptions): Promise<FinetuneResponse> {
    return this.call(`read job ${id}`, (req) => this.sdk.fineTuning.retrieve(id, req), opts);
  }

  async listJobs(opts?: CallOptions): Promise<FineTuningListResponse['data']> {
    const list = await this.call('list fine-tuning jobs', (req) => this.sdk.fineTuning.list(req), opts);
    return list.data;
  }

  cancelJob(id: string, opts?: CallOptions): Promise<FineTuningCancelResponse> {
    return this.call(`cancel job ${id}`, (req) => this.sdk.fineTuning.cancel(id, req), opts);
  }

  async listEvents(id: string, opts?: CallOptions): Promise<FineTuningListEventsResponse['data']> {
    const list = await this.call(`read the events of job ${id}`, (req) => this.sdk.fineTuning.listEvents(id, req), opts);
    return list.data;
  }

  async listCheckpoints(id: string, opts?: CallOptions): Promise<FineTuningListCheckpointsResponse['data']> {
    const list = await this.call(`read the checkpoints of job ${id}`, (req) => this.sdk.fineTuning.listCheckpoints(id, req), opts);
    return list.data;
  }

  async metrics(id: string, opts?: CallOptions): Promise<NonNullable<FineTuningListMetricsResponse['metrics']>> {
    const m = await this.call(`read the metrics of job ${id}`, (req) => this.sdk.fineTuning.listMetrics(id, {}, req), opts);
    return m.metrics ?? [];
  }

  estimatePrice(body: FineTuningEstimatePriceParams, opts?: CallOptions): Promise<FineTuningEstimatePriceResponse> {
    return this.call('estimate the price', (req) => this.sdk.fineTuning.estimatePrice(body, req), opts);
  }

  modelLimits(model: string, opts?: CallOptions): Promise<FinetuneModelLimits> {
    return this.call(`read the limits of ${model}`, (req) => this.sdk.fineTuning.modelLimits({ model_name: model }, req), opts);
  }

  /** The message of the job's `job_error` event (it names the example when the data was at fault), if any. */
  async failureMessage(id: string, opts?: CallOptions): Promise<string | undefined> {
    const events: FinetuneEvent[] = await this.listEvents(id, opts);
    const errs = events.filter((e) => e.type === 'job_error' || e.level === 'error');
    return errs[errs.length - 1]?.message;
  }

  /** The file's bytes (SPEC GET /files/{id}/content). */
  async fileContent(id: string, opts?: CallOptions): Promise<Uint8Array> {
    return this.call(`read the content of file ${id}`, async (req) => new Uint8Array(await (await this.sdk.files.content(id, req)).arrayBuffer()), opts);
  }

  /** The models the account can use (SPEC GET /models: a bare array of ModelInfo). */
  listModels(opts?: CallOptions): Promise<ModelObject[]> {
    return this.call('list the models', (req) => this.sdk.models.list({}, req), opts);
  }

  // ---- chat (OpenAI-compatible /chat/completions)

  chat(model: string, messages: readonly ChatMessage[], opts: ChatOptions = {}): Promise<ChatCompletion> {
    return this.call('get a chat reply', (req) => this.sdk.chat.completions.create({ ...chatBody(model, messages, opts), stream: false }, req), { ...opts, network: false });
  }

  /**
   * A streamed reply (SPEC ChatCompletionRequest `stream: true`: server-sent ChatCompletionChunk events). The request
   * is retried until the stream starts; a stream cut short afterwards is the caller's to report.
   */
  streamChat(model: string, messages: readonly ChatMessage[], opts: ChatOptions = {}): Promise<AsyncIterable<ChatCompletionChunk>> {
    return this.call('get a chat reply', (req) => this.sdk.chat.completions.create({ ...chatBody(model, messages, opts), stream: true }, req), { ...opts, network: false });
  }
}

/** Chat options: sampling and the caller's signal. */
export type ChatOptions = CallOptions & { temperature?: number; maxTokens?: number };

/** `signal` (the caller's) combined with a timeout. */
function timeoutSignal(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const t = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, t]) : t;
}

function chatBody(model: string, messages: readonly ChatMessage[], opts: ChatOptions) {
  return {
    model,
    messages: messages.map((m) => ({ role: m.role, content: m.content })),
    ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
    ...(opts.maxTokens !== undefined ? { max_tokens: opts.maxTokens } : {}),
  };
}

export { RequestCancelledError };
