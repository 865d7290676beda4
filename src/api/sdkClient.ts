/**
 * `TunelineClient` on the `openai` SDK (v6). One class for OpenAI, Azure OpenAI (v1 API) and OpenAI-compatible
 * endpoints:
 * - OpenAI / custom: `new OpenAI({ apiKey, baseURL })` (Bearer auth).
 * - Azure v1: the plain `OpenAI` client with `baseURL: '<endpoint>/openai/v1/'`, `apiKey` and `defaultHeaders:
 *   { 'api-key': key }` (Microsoft's documented setup for the v1 API; `AzureOpenAI` is for the older
 *   `/deployments/{name}?api-version=` routes). Chat `model` is mapped to the deployment name from
 *   `tuneline.azure.deployments` (base models are deployed under their own names).
 *
 * Retries: the SDK's own `maxRetries` honours `retry-after-ms` and `retry-after` (seconds or HTTP date), but it does
 * not cap the wait, does not wake up when the request is cancelled during that wait, retries 429
 * `insufficient_quota` (which never succeeds), and cannot retry a body that was cut short after the headers. So the
 * SDK runs with `maxRetries: 0` and this class retries: 408/409/429 (not quota)/5xx, and dropped connections for
 * calls that are safe to repeat; the wait is the server's `retry-after(-ms)` when given (capped at `maxWaitMs`),
 * else exponential backoff with jitter; waits end at once on cancel.
 */
import OpenAI from 'openai';
import { CancelledError } from '../core/errors';
import { providerFor, type Provider } from './providers';
import { DEFAULT_RETRY, sleep, type RetryPolicy } from './providers/retry';
import { isRetryable, retryAfterMs, toApiError } from './errors';
import type {
  ApiLog,
  Batch,
  ChatCompletion,
  ChatCompletionChunk,
  ChatRequest,
  Endpoint,
  FileObject,
  FineTuningJob,
  FineTuningJobCheckpoint,
  FineTuningJobEvent,
  JobCreateParams,
  Model,
  Page,
  PageParams,
  RequestOptions,
  TunelineClient,
  Upload,
  UploadPart,
} from './types';

/** Tuneline's one retry policy and its cancellable sleep: defined in providers/retry.ts (shared with the non-SDK clients). */
export { DEFAULT_RETRY, sleep, type RetryPolicy } from './providers/retry';

export interface SdkClientOptions {
  readonly endpoint: Endpoint;
  readonly apiKey: string;
  readonly accountKey: string;
  /** A short label of where requests go, for messages ("OpenAI", "Azure OpenAI (x.openai.azure.com)"). */
  readonly label: string;
  readonly log: ApiLog;
  /** Azure: model id → deployment name (for chat), the manual mapping (`tuneline.azure.deployments`). */
  readonly deployments?: Readonly<Record<string, string>>;
  /**
   * Azure: the deployment Tuneline itself created or found for a model (the jobs view's Deploy), consulted on every
   * chat request before `deployments`; undefined = none known.
   */
  readonly deploymentFor?: (model: string) => string | undefined;
  readonly retry?: Partial<RetryPolicy>;
  /** The provider adapter that explains failures; default: `providerFor(endpoint.provider)`. */
  readonly adapter?: Provider;
  /** Default per-attempt timeouts (ms). */
  readonly timeoutMs?: number;
  readonly uploadTimeoutMs?: number;
}

function page<T extends { id: string }>(p: { data: T[]; has_more?: boolean; hasNextPage?: () => boolean }): Page<T> {
  const hasMore = typeof p.has_more === 'boolean' ? p.has_more : (p.hasNextPage?.() ?? false);
  const last = p.data[p.data.length - 1];
  return { data: p.data, hasMore, ...(hasMore && last ? { nextAfter: last.id } : {}) };
}

export class SdkClient implements TunelineClient {
  readonly endpoint: Endpoint;
  readonly batchChatUrl: TunelineClient['batchChatUrl'];
  readonly accountKey: string;
  private readonly sdk: OpenAI;
  private readonly retry: RetryPolicy;
  /** The provider's adapter: asked first to explain a failure (`toApiError`). */
  private readonly adapter: Provider;
  private readonly timeoutMs: number;
  private readonly uploadTimeoutMs: number;

  constructor(private readonly options: SdkClientOptions) {
    this.endpoint = options.endpoint;
    this.accountKey = options.accountKey;
    this.batchChatUrl = options.endpoint.provider === 'azure' ? '/chat/completions' : '/v1/chat/completions';
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.adapter = options.adapter ?? providerFor(options.endpoint.provider);
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.uploadTimeoutMs = options.uploadTimeoutMs ?? 10 * 60_000;
    const log = options.log;
    const sdkLog = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, ...rest: unknown[]) => {
      const text = `[openai] ${message}${rest.length ? ` ${rest.map((r) => safeString(r)).join(' ')}` : ''}`;
      if (level === 'error') log.error(text);
      else if (level === 'warn') log.warn(text);
      else if (level === 'info') log.debug(text);
      else log.trace(text);
    };
    this.sdk = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.endpoint.baseURL,
      ...(options.endpoint.provider === 'azure' ? { defaultHeaders: { 'api-key': options.apiKey } } : {}),
      maxRetries: 0,
      timeout: this.timeoutMs,
      logLevel: 'info',
      logger: { debug: sdkLog('debug'), info: sdkLog('info'), warn: sdkLog('warn'), error: sdkLog('error') },
    });
  }

  /**
   * Runs `attempt` with Tuneline's retry policy. `network`: whether a dropped connection may be retried (false for
   * calls that create something and cannot be repeated safely once sent).
   */
  private async call<T>(
    what: string,
    opts: RequestOptions | undefined,
    attempt: (req: { signal?: AbortSignal; timeout: number }) => Promise<T>,
    { network = true, upload = false, stream = false }: { network?: boolean; upload?: boolean; stream?: boolean } = {},
  ): Promise<T> {
    const signal = opts?.signal;
    const maxRetries = opts?.maxRetries ?? this.retry.maxRetries;
    const timeout = opts?.timeoutMs ?? (upload ? this.uploadTimeoutMs : this.timeoutMs);
    for (let n = 0; ; n++) {
      if (signal?.aborted) throw new CancelledError();
      // The SDK leaves a listener on the signal it is given; each attempt gets a signal of its own, unlinked when the
      // attempt ends, so that a long-lived signal (an upload's hundred parts) does not collect one per request. A
      // stream keeps the caller's signal: it must still stop the stream after the call returns.
      const child = signal && !stream ? followSignal(signal) : undefined;
      try {
        return await attempt({ ...(signal ? { signal: child?.signal ?? signal } : {}), timeout });
      } catch (error) {
        if (signal?.aborted) throw new CancelledError();
        const retryable = isRetryable(error, network);
        if (!retryable || n >= maxRetries) throw toApiError(error, this.options.label, what, n, signal, this.adapter);
        const asked = retryAfterMs(error);
        if (asked !== undefined && asked > this.retry.maxWaitMs) {
          this.options.log.warn(`${what}: the service asked to wait ${Math.round(asked / 1000)} s; not retrying`);
          throw toApiError(error, this.options.label, what, n, signal, this.adapter);
        }
        const backoff = Math.min(this.retry.baseDelayMs * 2 ** n, this.retry.maxDelayMs) * (1 - Math.random() * 0.25);
        const wait = asked ?? backoff;
        const status = error instanceof OpenAI.APIError && error.status ? String(error.status) : 'connection error';
        this.options.log.info(`${what}: ${status}; retry ${n + 1} of ${maxRetries} in ${Math.round(wait)} ms${asked !== undefined ? ' (retry-after)' : ''}`);
        await sleep(wait, signal);
      } finally {
        child?.unlink();
      }
    }
  }

  // ---- files

  createFile(file: { name: string; data: Uint8Array }, purpose: 'fine-tune', opts?: RequestOptions): Promise<FileObject> {
    // A dropped connection is not retried here: the file may exist already (the uploader looks for it).
    return this.call(
      'upload the file',
      opts,
      async (req) => this.sdk.files.create({ file: await OpenAI.toFile(file.data, file.name, { type: 'application/jsonl' }), purpose }, req),
      { network: false, upload: true },
    );
  }

  retrieveFile(id: string, opts?: RequestOptions): Promise<FileObject> {
    return this.call(`read file ${id}`, opts, (req) => this.sdk.files.retrieve(id, req));
  }

  async listFiles(params: PageParams & { purpose?: string; order?: 'asc' | 'desc' } = {}, opts?: RequestOptions): Promise<Page<FileObject>> {
    const p = await this.call('list files', opts, (req) => this.sdk.files.list({ ...params }, req));
    return page(p);
  }

  async fileContent(id: string, opts?: RequestOptions): Promise<Uint8Array> {
    return this.call(`download file ${id}`, opts, async (req) => {
      const res = await this.sdk.files.content(id, req);
      return new Uint8Array(await res.arrayBuffer());
    }, { upload: true });
  }

  async deleteFile(id: string, opts?: RequestOptions): Promise<void> {
    await this.call(`delete file ${id}`, opts, (req) => this.sdk.files.delete(id, req));
  }

  // ---- uploads

  createUpload(p: { bytes: number; filename: string; mimeType: string; purpose: 'fine-tune' }, opts?: RequestOptions): Promise<Upload> {
    return this.call(
      'start the upload',
      opts,
      (req) => this.sdk.uploads.create({ bytes: p.bytes, filename: p.filename, mime_type: p.mimeType, purpose: p.purpose }, req),
      { network: false },
    );
  }

  addUploadPart(uploadId: string, data: Uint8Array, opts?: RequestOptions): Promise<UploadPart> {
    // Safe to repeat: a part whose answer was lost is simply not listed when the upload is completed.
    return this.call(
      'upload a part of the file',
      opts,
      async (req) => this.sdk.uploads.parts.create(uploadId, { data: await OpenAI.toFile(data, 'part') }, req),
      { upload: true },
    );
  }

  completeUpload(uploadId: string, partIds: readonly string[], md5?: string, opts?: RequestOptions): Promise<Upload> {
    return this.call(
      'complete the upload',
      opts,
      (req) => this.sdk.uploads.complete(uploadId, { part_ids: [...partIds], ...(md5 ? { md5 } : {}) }, req),
      { network: false },
    );
  }

  cancelUpload(uploadId: string, opts?: RequestOptions): Promise<Upload> {
    return this.call('cancel the upload', opts, (req) => this.sdk.uploads.cancel(uploadId, req));
  }

  // ---- jobs

  createJob(params: JobCreateParams, opts?: RequestOptions): Promise<FineTuningJob> {
    return this.call('start the fine-tuning job', opts, (req) => this.sdk.fineTuning.jobs.create(params, req), { network: false });
  }

  async listJobs(params: PageParams & { metadata?: Record<string, string> } = {}, opts?: RequestOptions): Promise<Page<FineTuningJob>> {
    const p = await this.call('list fine-tuning jobs', opts, (req) => this.sdk.fineTuning.jobs.list({ ...params }, req));
    return page(p);
  }

  retrieveJob(id: string, opts?: RequestOptions): Promise<FineTuningJob> {
    return this.call(`read job ${id}`, opts, (req) => this.sdk.fineTuning.jobs.retrieve(id, req));
  }

  cancelJob(id: string, opts?: RequestOptions): Promise<FineTuningJob> {
    return this.call(`cancel job ${id}`, opts, (req) => this.sdk.fineTuning.jobs.cancel(id, req));
  }

  pauseJob(id: string, opts?: RequestOptions): Promise<FineTuningJob> {
    return this.call(`pause job ${id}`, opts, (req) => this.sdk.fineTuning.jobs.pause(id, req));
  }

  resumeJob(id: string, opts?: RequestOptions): Promise<FineTuningJob> {
    return this.call(`resume job ${id}`, opts, (req) => this.sdk.fineTuning.jobs.resume(id, req));
  }

  async listJobEvents(id: string, params: PageParams = {}, opts?: RequestOptions): Promise<Page<FineTuningJobEvent>> {
    const p = await this.call(`read the events of job ${id}`, opts, (req) => this.sdk.fineTuning.jobs.listEvents(id, { ...params }, req));
    return page(p);
  }

  async listJobCheckpoints(id: string, params: PageParams = {}, opts?: RequestOptions): Promise<Page<FineTuningJobCheckpoint>> {
    const p = await this.call(`read the checkpoints of job ${id}`, opts, (req) => this.sdk.fineTuning.jobs.checkpoints.list(id, { ...params }, req));
    return page(p);
  }

  // ---- models, chat

  async listModels(opts?: RequestOptions): Promise<Model[]> {
    return this.call('list the models', opts, async (req) => {
      const out: Model[] = [];
      for await (const m of this.sdk.models.list(req)) out.push(m);
      return out;
    });
  }

  private chatModel(model: string): string {
    if (this.endpoint.provider !== 'azure') return model;
    return this.options.deploymentFor?.(model) ?? this.options.deployments?.[model] ?? model;
  }

  chat(request: ChatRequest, opts?: RequestOptions): Promise<ChatCompletion> {
    return this.call('get a chat reply', opts, (req) =>
      this.sdk.chat.completions.create(
        {
          model: this.chatModel(request.model),
          messages: [...request.messages],
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          ...(request.maxCompletionTokens !== undefined ? { max_completion_tokens: request.maxCompletionTokens } : {}),
        },
        req,
      ),
    { network: false });
  }

  async *streamChat(request: ChatRequest, opts?: RequestOptions): AsyncIterable<ChatCompletionChunk> {
    // Retried only until the stream starts; a stream cut short ends with an ApiError.
    const stream = await this.call('get a chat reply', opts, (req) =>
      this.sdk.chat.completions.create(
        {
          model: this.chatModel(request.model),
          messages: [...request.messages],
          stream: true,
          stream_options: { include_usage: true },
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
          ...(request.maxCompletionTokens !== undefined ? { max_completion_tokens: request.maxCompletionTokens } : {}),
        },
        req,
      ),
      { stream: true },
    );
    try {
      for await (const chunk of stream) yield chunk;
    } catch (error) {
      throw toApiError(error, this.options.label, 'get a chat reply', 0, opts?.signal, this.adapter);
    }
  }

  // ---- batches (evaluation of large files)

  async uploadBatchInput(name: string, data: Uint8Array, opts?: RequestOptions): Promise<string> {
    const f = await this.call(
      'upload the batch input file',
      opts,
      async (req) => this.sdk.files.create({ file: await OpenAI.toFile(data, name, { type: 'application/jsonl' }), purpose: 'batch' }, req),
      { network: false, upload: true },
    );
    return f.id;
  }

  createBatch(inputFileId: string, metadata: Record<string, string>, opts?: RequestOptions): Promise<Batch> {
    return this.call(
      'start the batch',
      opts,
      (req) => this.sdk.batches.create({ input_file_id: inputFileId, endpoint: this.batchChatUrl as '/v1/chat/completions', completion_window: '24h', metadata }, req),
      { network: false },
    );
  }

  retrieveBatch(id: string, opts?: RequestOptions): Promise<Batch> {
    return this.call(`read batch ${id}`, opts, (req) => this.sdk.batches.retrieve(id, req));
  }

  cancelBatch(id: string, opts?: RequestOptions): Promise<Batch> {
    return this.call(`cancel batch ${id}`, opts, (req) => this.sdk.batches.cancel(id, req));
  }

  async listBatches(limit = 20, opts?: RequestOptions): Promise<Batch[]> {
    const p = await this.call('list batches', opts, (req) => this.sdk.batches.list({ limit }, req));
    return p.data;
  }
}

/** A signal that aborts when `parent` does, until `unlink()`. */
function followSignal(parent: AbortSignal): { signal: AbortSignal; unlink(): void } {
  const c = new AbortController();
  const onAbort = (): void => c.abort(parent.reason);
  if (parent.aborted) c.abort(parent.reason);
  else parent.addEventListener('abort', onAbort, { once: true });
  return { signal: c.signal, unlink: () => parent.removeEventListener('abort', onAbort) };
}

function safeString(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v, (k, val: unknown) => (/^(authorization|api-key|x-api-key)$/i.test(k) ? '***' : val));
  } catch {
    return String(v);
  }
}
