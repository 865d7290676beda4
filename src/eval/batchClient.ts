/**
 * The Batch API calls evaluation needs, over the `openai` SDK, configured the same way as Tuneline's `SdkClient`
 * (`src/api/sdkClient.ts`): `baseURL` and key, and for Azure v1 the `api-key` header. `TunelineClient` has no batch
 * methods yet and its SDK instance is private, so this small adapter builds its own SDK client from the same
 * endpoint and key. It uses the SDK's own retries (which honour `retry-after-ms`/`retry-after`); the few calls here
 * are not a request storm. No `vscode`: the CLI uses it too.
 */
import OpenAI from 'openai';

export type Batch = OpenAI.Batches.Batch;

export interface BatchClientConfig {
  readonly baseURL: string;
  readonly apiKey: string;
  /** Azure v1: sends the key as `api-key` as well; batch request lines use `/chat/completions`. */
  readonly azure?: boolean;
  readonly maxRetries?: number;
  readonly timeoutMs?: number;
}

export interface BatchApi {
  /** `url` of each request line and `endpoint` of the batch. */
  readonly chatUrl: '/v1/chat/completions' | '/chat/completions';
  uploadInput(name: string, data: Uint8Array, signal?: AbortSignal): Promise<string>;
  create(inputFileId: string, metadata: Record<string, string>, signal?: AbortSignal): Promise<Batch>;
  retrieve(id: string, signal?: AbortSignal): Promise<Batch>;
  cancel(id: string, signal?: AbortSignal): Promise<Batch>;
  list(limit?: number, signal?: AbortSignal): Promise<Batch[]>;
  fileText(id: string, signal?: AbortSignal): Promise<string>;
}

export function createBatchApi(config: BatchClientConfig): BatchApi {
  const sdk = new OpenAI({
    apiKey: config.apiKey,
    baseURL: config.baseURL,
    ...(config.azure ? { defaultHeaders: { 'api-key': config.apiKey } } : {}),
    maxRetries: config.maxRetries ?? 3,
    timeout: config.timeoutMs ?? 60_000,
    logLevel: 'off',
  });
  const chatUrl = config.azure ? '/chat/completions' : '/v1/chat/completions';
  const req = (signal?: AbortSignal) => (signal ? { signal } : {});
  return {
    chatUrl,
    async uploadInput(name, data, signal) {
      const f = await sdk.files.create({ file: await OpenAI.toFile(data, name, { type: 'application/jsonl' }), purpose: 'batch' }, req(signal));
      return f.id;
    },
    create: (inputFileId, metadata, signal) =>
      sdk.batches.create({ input_file_id: inputFileId, endpoint: chatUrl as '/v1/chat/completions', completion_window: '24h', metadata }, req(signal)),
    retrieve: (id, signal) => sdk.batches.retrieve(id, req(signal)),
    cancel: (id, signal) => sdk.batches.cancel(id, req(signal)),
    async list(limit = 20, signal) {
      const page = await sdk.batches.list({ limit }, req(signal));
      return page.data;
    },
    async fileText(id, signal) {
      const res = await sdk.files.content(id, req(signal));
      return await res.text();
    },
  };
}
