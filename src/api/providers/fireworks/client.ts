/**
 * A vscode-free Fireworks AI client on `fetch` (Fireworks publishes no official JavaScript SDK for its control
 * plane), with Tuneline's retry and error layer (providers/retry.ts). Paths and fields: providers/fireworks.ts and
 * /work/notes/openmodels.md.
 *
 * - Datasets: `POST /v1/accounts/{a}/datasets` then `POST .../datasets/{d}:upload` (multipart, up to 150 MB; the
 *   body is a Blob in FormData, so Node's fetch needs no `duplex`), `GET .../datasets/{d}`.
 * - Jobs: `POST .../supervisedFineTuningJobs?supervisedFineTuningJobId=`, `GET` one / a page (`pageSize`,
 *   `pageToken` → `nextPageToken`), `DELETE` (stops it).
 * - Serving: `POST .../deployedModels {model}` (serverless LoRA), then chat on the OpenAI-compatible
 *   `{base}/inference/v1/chat/completions`.
 * Creates are not retried on a dropped connection (the resource may exist); reads are.
 */
import { FIREWORKS_BASE_URL } from '../fireworks';
import { fetchWithRetry, type CallOptions, type Logish, type RetryPolicy } from '../retry';

export const FIREWORKS_SERVICE = 'Fireworks AI';

export interface FireworksClientOptions {
  readonly apiKey: string;
  readonly account: string;
  /** Default https://api.fireworks.ai (control plane at /v1, inference at /inference/v1). */
  readonly baseURL?: string;
  readonly log?: Logish;
  readonly retry?: Partial<RetryPolicy>;
  readonly timeoutMs?: number;
}

export interface FireworksDataset {
  readonly name: string;
  readonly state?: string;
  readonly exampleCount?: string;
  readonly displayName?: string;
  readonly createTime?: string;
}

export interface FireworksJob {
  readonly name: string;
  readonly state: string;
  readonly status?: { readonly code?: string; readonly message?: string };
  readonly dataset: string;
  readonly baseModel?: string;
  readonly warmStartFrom?: string;
  readonly outputModel?: string;
  readonly createTime?: string;
  readonly updateTime?: string;
  readonly completedTime?: string;
  readonly epochs?: number;
  readonly learningRate?: number;
  readonly loraRank?: number;
  readonly jobProgress?: { readonly percent?: number; readonly epoch?: number };
}

export interface FireworksPage {
  readonly jobs: readonly FireworksJob[];
  readonly nextPageToken?: string;
  readonly totalSize?: number;
}

export interface ChatReply {
  readonly id?: string;
  readonly created?: number;
  readonly choices: readonly { readonly index?: number; readonly message: { readonly role: string; readonly content: string }; readonly finish_reason?: string }[];
  readonly model: string;
  readonly usage?: { readonly prompt_tokens?: number; readonly completion_tokens?: number; readonly total_tokens?: number };
}

export interface ChatChunk {
  readonly id?: string;
  readonly created?: number;
  readonly model?: string;
  readonly choices?: readonly { readonly index?: number; readonly delta?: { readonly content?: string | null }; readonly finish_reason?: string | null }[];
  readonly usage?: { readonly prompt_tokens?: number; readonly completion_tokens?: number; readonly total_tokens?: number } | null;
}

export interface ChatSampling {
  readonly temperature?: number;
  readonly maxTokens?: number;
}

const sampling = (o?: ChatSampling) => ({ ...(o?.temperature !== undefined ? { temperature: o.temperature } : {}), ...(o?.maxTokens !== undefined ? { max_tokens: o.maxTokens } : {}) });

/** The `data:` events of a server-sent event stream, parsed as JSON, until `[DONE]` (linear in the body). */
export async function* sseChunks(res: Response): AsyncIterable<ChatChunk> {
  if (!res.body) return;
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(bytes, { stream: true });
    let nl: number;
    let start = 0;
    while ((nl = buffer.indexOf('\n', start)) >= 0) {
      const line = buffer.slice(start, nl).replace(/\r$/, '');
      start = nl + 1;
      if (!line.startsWith('data:')) continue;
      const data = line.slice(5).trim();
      if (data === '[DONE]') return;
      if (data) yield JSON.parse(data) as ChatChunk;
    }
    buffer = buffer.slice(start);
  }
}

/** The id segment of a resource name (`accounts/a/supervisedFineTuningJobs/x` → `x`). */
export const resourceId = (name: string): string => name.split('/').pop() ?? name;

export class FireworksClient {
  readonly baseURL: string;
  private readonly timeoutMs: number;

  constructor(private readonly options: FireworksClientOptions) {
    this.baseURL = (options.baseURL ?? FIREWORKS_BASE_URL).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  private get account(): string {
    return `${this.baseURL}/v1/accounts/${encodeURIComponent(this.options.account)}`;
  }

  private async json<T>(what: string, url: string, init: RequestInit, opts: CallOptions = {}): Promise<T> {
    const res = await fetchWithRetry(
      FIREWORKS_SERVICE,
      what,
      (signal) => {
        const t = AbortSignal.timeout(this.timeoutMs);
        return fetch(url, { ...init, headers: { Authorization: `Bearer ${this.options.apiKey}`, ...(init.headers as Record<string, string> | undefined) }, signal: signal ? AbortSignal.any([signal, t]) : t });
      },
      { ...opts, ...(this.options.retry ? { policy: this.options.retry } : {}), ...(this.options.log ? { log: this.options.log } : {}) },
    );
    return (await res.json()) as T;
  }

  private post<T>(what: string, url: string, body: unknown, opts?: CallOptions): Promise<T> {
    return this.json<T>(what, url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }, { ...opts, network: false });
  }

  /** Creates the dataset and uploads the file into it; resolves with the dataset once it is READY. */
  async uploadDataset(datasetId: string, file: { readonly name: string; readonly data: Uint8Array }, exampleCount: number, opts?: CallOptions): Promise<FireworksDataset> {
    await this.post('create the dataset', `${this.account}/datasets`, { datasetId, dataset: { displayName: file.name, exampleCount: String(exampleCount), userUploaded: {}, format: 'CHAT' } }, opts);
    const form = new FormData();
    form.append('file', new Blob([file.data], { type: 'application/jsonl' }), file.name);
    // The upload replaces the dataset's file: safe to repeat after a dropped connection.
    await this.json('upload the dataset file', `${this.account}/datasets/${encodeURIComponent(datasetId)}:upload`, { method: 'POST', body: form }, opts);
    return this.getDataset(datasetId, opts);
  }

  /** The account's datasets, one page (Gateway ListDatasets: `pageSize`, `pageToken` → `{datasets, nextPageToken}`). */
  async listDatasets(page: { pageSize?: number; pageToken?: string } = {}, opts?: CallOptions): Promise<{ datasets: FireworksDataset[]; nextPageToken?: string }> {
    const q = new URLSearchParams();
    if (page.pageSize) q.set('pageSize', String(page.pageSize));
    if (page.pageToken) q.set('pageToken', page.pageToken);
    const r = await this.json<{ datasets?: FireworksDataset[]; nextPageToken?: string }>('list datasets', `${this.account}/datasets${q.size ? `?${q}` : ''}`, { method: 'GET' }, opts);
    return { datasets: r.datasets ?? [], ...(r.nextPageToken ? { nextPageToken: r.nextPageToken } : {}) };
  }

  /** Deletes a dataset (Gateway DeleteDataset). */
  async deleteDataset(datasetId: string, opts?: CallOptions): Promise<void> {
    await this.json(`delete dataset ${datasetId}`, `${this.account}/datasets/${encodeURIComponent(resourceId(datasetId))}`, { method: 'DELETE' }, opts);
  }

  getDataset(datasetId: string, opts?: CallOptions): Promise<FireworksDataset> {
    return this.json(`read dataset ${datasetId}`, `${this.account}/datasets/${encodeURIComponent(resourceId(datasetId))}`, { method: 'GET' }, opts);
  }

  /** `body` is the adapter's `jobRequest(plan)` (dataset resource names, baseModel or warmStartFrom, hyperparameters). */
  createJob(body: Record<string, unknown>, jobId?: string, opts?: CallOptions): Promise<FireworksJob> {
    const q = jobId ? `?supervisedFineTuningJobId=${encodeURIComponent(jobId)}` : '';
    return this.post('start the fine-tuning job', `${this.account}/supervisedFineTuningJobs${q}`, body, opts);
  }

  getJob(jobId: string, opts?: CallOptions): Promise<FireworksJob> {
    return this.json(`read job ${jobId}`, `${this.account}/supervisedFineTuningJobs/${encodeURIComponent(resourceId(jobId))}`, { method: 'GET' }, opts);
  }

  async listJobs(page: { pageSize?: number; pageToken?: string } = {}, opts?: CallOptions): Promise<FireworksPage> {
    const q = new URLSearchParams();
    if (page.pageSize) q.set('pageSize', String(page.pageSize));
    if (page.pageToken) q.set('pageToken', page.pageToken);
    const r = await this.json<{ supervisedFineTuningJobs?: FireworksJob[]; nextPageToken?: string; totalSize?: number }>('list fine-tuning jobs', `${this.account}/supervisedFineTuningJobs${q.size ? `?${q}` : ''}`, { method: 'GET' }, opts);
    return { jobs: r.supervisedFineTuningJobs ?? [], ...(r.nextPageToken ? { nextPageToken: r.nextPageToken } : {}), ...(r.totalSize !== undefined ? { totalSize: r.totalSize } : {}) };
  }

  /** Fireworks stops a job by deleting it. */
  async cancelJob(jobId: string, opts?: CallOptions): Promise<void> {
    await this.json(`stop job ${jobId}`, `${this.account}/supervisedFineTuningJobs/${encodeURIComponent(resourceId(jobId))}`, { method: 'DELETE' }, opts);
  }

  /** Serves a LoRA output model serverlessly (firectl load-lora), so that it can be chatted with. */
  deployModel(model: string, opts?: CallOptions): Promise<{ name: string; model: string; state?: string }> {
    return this.post(`deploy ${model}`, `${this.account}/deployedModels`, { model }, opts);
  }

  chat(model: string, messages: readonly { role: string; content: string }[], opts?: CallOptions & ChatSampling): Promise<ChatReply> {
    return this.post('get a chat reply', `${this.baseURL}/inference/v1/chat/completions`, { model, messages, ...sampling(opts) }, opts);
  }

  /**
   * A streamed reply: the OpenAI-compatible endpoint with `stream: true` answers server-sent events, `data: {chunk}`
   * lines ending with `data: [DONE]` (https://docs.fireworks.ai/api-reference/post-chatcompletions, read
   * 2026-12-03). The request is retried until the stream starts.
   */
  async streamChat(model: string, messages: readonly { role: string; content: string }[], opts: CallOptions & ChatSampling = {}): Promise<AsyncIterable<ChatChunk>> {
    const res = await fetchWithRetry(
      FIREWORKS_SERVICE,
      'get a chat reply',
      (signal) =>
        fetch(`${this.baseURL}/inference/v1/chat/completions`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${this.options.apiKey}`, 'Content-Type': 'application/json', Accept: 'text/event-stream' },
          body: JSON.stringify({ model, messages, stream: true, ...sampling(opts) }),
          ...(signal ? { signal } : {}),
        }),
      { ...opts, network: false, ...(this.options.retry ? { policy: this.options.retry } : {}), ...(this.options.log ? { log: this.options.log } : {}) },
    );
    return sseChunks(res);
  }
}
