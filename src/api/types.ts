/**
 * The surface of the provider API the rest of Tuneline uses (upload, training, the jobs view, the playground), so
 * that tests can swap the provider. Implementations: `SdkClient` (the `openai` SDK, for OpenAI, Azure OpenAI v1,
 * Nebius, Bedrock Mantle and any OpenAI-compatible endpoint), `TogetherTunelineClient` and `FireworksTunelineClient`
 * (providers/together, providers/fireworks: their own APIs answered in these OpenAI shapes), used by the extension,
 * the evaluation and the CLI alike. Every method
 * takes an optional `signal` (cancellation) and honours Tuneline's retry policy; each turns its failures into
 * an `ApiError` (plain words, no key) or a `CancelledError`. Other implementations (the tests' fakes) may throw
 * anything, so callers describe errors with `describeError`, not by their type. No `vscode` here.
 */
import type OpenAI from 'openai';
import type { ProviderId, TunableModel } from './providers/types';

/** A `tuneline.provider` value: every service a provider adapter exists for (src/api/providers). */
export type ProviderKind = ProviderId;

/** What the client layer logs through (the extension's `Logger`, or the CLI's stderr). */
export interface ApiLog {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** Small persistent key/value state (VS Code's `Memento` fits). */
export interface StateStore {
  get<T>(key: string, defaultValue: T): T;
  update(key: string, value: unknown): PromiseLike<void>;
}

export type FileObject = OpenAI.Files.FileObject;
export type Upload = OpenAI.Uploads.Upload;
export type UploadPart = OpenAI.Uploads.UploadPart;
export type FineTuningJob = OpenAI.FineTuning.FineTuningJob;
export type FineTuningJobEvent = OpenAI.FineTuning.Jobs.FineTuningJobEvent;
export type FineTuningJobCheckpoint = OpenAI.FineTuning.Jobs.FineTuningJobCheckpoint;
export type JobCreateParams = OpenAI.FineTuning.JobCreateParams;
export type Model = OpenAI.Models.Model;
export type ChatCompletionChunk = OpenAI.Chat.ChatCompletionChunk;
export type ChatCompletion = OpenAI.Chat.ChatCompletion;
export type ChatMessage = OpenAI.Chat.ChatCompletionMessageParam;
export type Batch = OpenAI.Batches.Batch;

/** Per-call options. */
export interface RequestOptions {
  /** Aborts the request (and any wait between retries); the call then rejects with `CancelledError`. */
  readonly signal?: AbortSignal;
  /** Per-attempt timeout (ms); defaults: 60 s for JSON calls, 10 min for file bodies. */
  readonly timeoutMs?: number;
  /** Retries after 429 / 5xx / dropped connections (default: the client's, 3). */
  readonly maxRetries?: number;
}

/** One page of a cursor-paged list (`after` = the last id of the previous page). */
export interface Page<T> {
  readonly data: readonly T[];
  readonly hasMore: boolean;
  /** The cursor for the next page (the last item's id), if any. */
  readonly nextAfter?: string;
}

export interface PageParams {
  readonly limit?: number;
  readonly after?: string;
}

export interface ChatRequest {
  /** A model id (fine-tuned, checkpoint or base); on Azure it is mapped to its deployment name. */
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly temperature?: number;
  readonly maxCompletionTokens?: number;
}

/** Where requests go; never holds the key. */
export interface Endpoint {
  readonly provider: ProviderKind;
  /** The SDK base URL (`https://api.openai.com/v1`, `<azure endpoint>/openai/v1/`, or the custom one). */
  readonly baseURL: string;
  /** `https://host:port` of the base URL (what the user confirms for a workspace-chosen endpoint). */
  readonly origin: string;
  /** Where the endpoint setting came from. */
  readonly settingOrigin: 'default' | 'user' | 'workspace';
}

export interface TunelineClient {
  readonly endpoint: Endpoint;
  /** A stable id of endpoint + key (a short hash, never the key): keys caches of uploaded file ids. */
  readonly accountKey: string;

  // Files
  createFile(file: { name: string; data: Uint8Array }, purpose: 'fine-tune', opts?: RequestOptions): Promise<FileObject>;
  retrieveFile(id: string, opts?: RequestOptions): Promise<FileObject>;
  listFiles(params?: PageParams & { purpose?: string; order?: 'asc' | 'desc' }, opts?: RequestOptions): Promise<Page<FileObject>>;
  /** The file's bytes (result files are CSV, sometimes base64-encoded: decoding is the caller's business). */
  fileContent(id: string, opts?: RequestOptions): Promise<Uint8Array>;
  deleteFile(id: string, opts?: RequestOptions): Promise<void>;

  // Uploads (files over 512 MB)
  createUpload(params: { bytes: number; filename: string; mimeType: string; purpose: 'fine-tune' }, opts?: RequestOptions): Promise<Upload>;
  addUploadPart(uploadId: string, data: Uint8Array, opts?: RequestOptions): Promise<UploadPart>;
  completeUpload(uploadId: string, partIds: readonly string[], md5?: string, opts?: RequestOptions): Promise<Upload>;
  cancelUpload(uploadId: string, opts?: RequestOptions): Promise<Upload>;

  // Fine-tuning jobs
  createJob(params: JobCreateParams, opts?: RequestOptions): Promise<FineTuningJob>;
  listJobs(params?: PageParams & { metadata?: Record<string, string> }, opts?: RequestOptions): Promise<Page<FineTuningJob>>;
  retrieveJob(id: string, opts?: RequestOptions): Promise<FineTuningJob>;
  cancelJob(id: string, opts?: RequestOptions): Promise<FineTuningJob>;
  pauseJob(id: string, opts?: RequestOptions): Promise<FineTuningJob>;
  resumeJob(id: string, opts?: RequestOptions): Promise<FineTuningJob>;
  /** Newest first. */
  listJobEvents(id: string, params?: PageParams, opts?: RequestOptions): Promise<Page<FineTuningJobEvent>>;
  listJobCheckpoints(id: string, params?: PageParams, opts?: RequestOptions): Promise<Page<FineTuningJobCheckpoint>>;

  // Models and chat
  /** Every model the account can use (base and fine-tuned), all pages. */
  listModels(opts?: RequestOptions): Promise<Model[]>;
  /** Streams a chat completion; the stream ends early (with `CancelledError`) when `signal` aborts. */
  streamChat(request: ChatRequest, opts?: RequestOptions): AsyncIterable<ChatCompletionChunk>;
  /** A whole (non-streamed) chat completion. */
  chat(request: ChatRequest, opts?: RequestOptions): Promise<ChatCompletion>;

  // Batch API (evaluation of large files)
  /**
   * Whether this client can use a Batch API; absent = it can (the OpenAI-shaped services). When unsupported, the
   * reason in plain words: evaluation then runs live instead of offering the Batch API.
   */
  readonly batchApi?: { readonly supported: true } | { readonly supported: false; readonly reason: string };
  /** `url` of each batch request line and `endpoint` of the batch (Azure v1 has no `/v1` prefix). */
  readonly batchChatUrl: '/v1/chat/completions' | '/chat/completions';
  /** Uploads a batch input file (purpose `batch`); resolves with its id. */
  uploadBatchInput(name: string, data: Uint8Array, opts?: RequestOptions): Promise<string>;
  createBatch(inputFileId: string, metadata: Record<string, string>, opts?: RequestOptions): Promise<Batch>;
  retrieveBatch(id: string, opts?: RequestOptions): Promise<Batch>;
  cancelBatch(id: string, opts?: RequestOptions): Promise<Batch>;
  listBatches(limit?: number, opts?: RequestOptions): Promise<Batch[]>;

  /**
   * The adapter's entry for `model` narrowed by the service's own limits, read at run time (Together: GET
   * /fine-tunes/models/limits — per-model batch sizes, epochs, learning rates). Absent: the adapter's table is all
   * Tuneline knows.
   */
  tunableModel?(model: string, opts?: RequestOptions): Promise<TunableModel>;
}
