/**
 * `TunelineClient` for Fireworks AI: what the extension's uploads, training wizard, jobs view, playground and
 * evaluation call, on `FireworksClient` (REST with the shared retry layer), answered in the OpenAI shapes those
 * features read. Failures end as `ApiError` in plain words (openClients.ts `guarded`). No `vscode`.
 *
 * Mapping (sources in providers/fireworks.ts, read 2026-12-03):
 * - Files are datasets: `createFile` creates `accounts/{a}/datasets/{id}` and uploads the file into it (`:upload`,
 *   up to 150 MB; larger files are refused before anything is sent). The dataset id is Tuneline's own,
 *   `tl-<name>-<bytes>b-<random>` (1-63 lower-case letters, digits, hyphens: DATASET), because a Dataset carries no
 *   byte count and the jobs view finds the local file of a failed job by name and size. `listFiles` pages
 *   ListDatasets; `fileContent` is refused (Fireworks hands a dataset's file out through a signed download URL,
 *   `:getDownloadEndpoint`, which Tuneline does not use yet).
 * - Jobs: `POST .../supervisedFineTuningJobs` with the adapter's `jobRequest` body as it is; list (`pageSize`,
 *   `pageToken`: the page token is the `after` cursor), get, and cancel = DELETE (Fireworks stops a job by deleting
 *   it). `state` goes through the adapter's `statuses` table; a failed job's `status.message` ("... Example N: ...")
 *   is its `error.message`, which the jobs view maps to the dataset line.
 * - Events and metrics: Fireworks has neither for a supervised job (the adapter's `operations`): one event tells the
 *   state and `jobProgress`; no loss curve (Fireworks sends those to Weights & Biases only). No checkpoints.
 * - Models: the adapter's base models and the account's output models of completed jobs. Chat: the OpenAI-compatible
 *   `/inference/v1/chat/completions`; a tuned model must be deployed first (adapter `serving.kind: 'deployment'`):
 *   when Fireworks answers that it is not deployed, Tuneline loads the LoRA serverlessly (`POST .../deployedModels`,
 *   no hourly fee: adapter `deploymentTypes`) and asks again, once.
 * - Batch API: Fireworks' batch inference jobs are not OpenAI's Batch API: `batchApi` says so; evaluation runs live.
 */
import { ApiError, openSettingsAction } from '../../errors';
import { FIREWORKS, FIREWORKS_SOURCES } from '../fireworks';
import { ProviderHttpError, type CallOptions } from '../retry';
import { unsupported } from '../types';
import { guarded, notOffered, openAIChat, openAIChunk, openAIJob, pageOf, seconds, streamError, textMessages, sampling, OpenServiceRefusals, type BatchSupport, type OpenClientConfig } from '../openClients';
import { FireworksClient, resourceId, type FireworksDataset, type FireworksJob } from './client';
import type {
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
} from '../../types';

const BATCH_REASON = 'Fireworks\' batch inference jobs are not OpenAI\'s Batch API, and Tuneline does not use them yet; evaluation runs live on Fireworks.';
const CONTENT_REASON = 'Fireworks hands a dataset\'s file out only through a signed download URL (:getDownloadEndpoint), which Tuneline does not use yet.';
/** Fireworks' answer for a model that is not served ("Model not found, inaccessible, and/or not deployed"). */
const NOT_DEPLOYED = /not deployed|not found, inaccessible/i;

/** A dataset id for a file: `tl-<name>-<bytes>b-<random>`, at most 63 characters (DATASET's id rule). */
export function datasetIdFor(fileName: string, bytes: number, random: string): string {
  const tail = `-${bytes}b-${random}`;
  const slug = fileName.toLowerCase().replace(/\.(jsonl|ndjson)$/, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'data';
  return `tl-${slug.slice(0, 63 - 3 - tail.length).replace(/-+$/, '')}${tail}`;
}

/** The byte count a Tuneline dataset id carries, else 0 (a dataset made elsewhere). */
export function bytesOfDatasetId(id: string): number {
  const m = /-(\d+)b-[a-z0-9]+$/.exec(resourceId(id));
  return m ? Number(m[1]) : 0;
}

export class FireworksTunelineClient extends OpenServiceRefusals implements TunelineClient {
  readonly endpoint: Endpoint;
  readonly accountKey: string;
  readonly batchChatUrl = '/v1/chat/completions' as const;
  readonly batchApi: BatchSupport = unsupported(BATCH_REASON, FIREWORKS_SOURCES.gateway);
  readonly fireworks: FireworksClient;
  private readonly label: string;
  private readonly account: string;
  private readonly log: OpenClientConfig['log'];

  constructor(config: OpenClientConfig & { readonly account: string }) {
    super(FIREWORKS, BATCH_REASON);
    if (!config.account) {
      throw new ApiError('Tuneline needs your Fireworks account id: set "tuneline.fireworks.account" (the ACCOUNT_ID of https://app.fireworks.ai/account).', 'config', undefined, undefined, undefined, undefined, openSettingsAction('tuneline.fireworks.account'));
    }
    this.endpoint = config.endpoint;
    this.accountKey = config.accountKey;
    this.label = config.label;
    this.account = config.account;
    this.log = config.log;
    this.fireworks = new FireworksClient({ apiKey: config.apiKey, account: config.account, baseURL: config.endpoint.baseURL, log: config.log, ...(config.retry ? { retry: config.retry } : {}) });
  }

  private run<T>(what: string, fn: () => Promise<T>, opts?: RequestOptions): Promise<T> {
    return guarded(FIREWORKS, this.label, what, fn, opts);
  }

  private static o(opts?: RequestOptions): CallOptions {
    return { ...(opts?.signal ? { signal: opts.signal } : {}), ...(opts?.maxRetries !== undefined ? { maxRetries: opts.maxRetries } : {}) };
  }

  // ---- files (datasets)

  createFile(file: { name: string; data: Uint8Array }, _purpose: 'fine-tune', opts?: RequestOptions): Promise<FileObject> {
    const max = FIREWORKS.capabilities.upload.singleRequest.maxBytes;
    if (file.data.byteLength > max) {
      return Promise.reject(notOffered(FIREWORKS, `upload ${file.name}`, `the file is larger than ${Math.round(max / 1024 / 1024)} MB, the most one upload takes; larger files go to a signed URL (:getUploadEndpoint), which Tuneline does not use yet.`));
    }
    return this.run('upload the file', async () => {
      const id = datasetIdFor(file.name, file.data.byteLength, Math.random().toString(36).slice(2, 8));
      const examples = countLines(file.data);
      return datasetFile(await this.fireworks.uploadDataset(id, { name: file.name, data: file.data }, examples, FireworksTunelineClient.o(opts)));
    }, opts);
  }

  retrieveFile(id: string, opts?: RequestOptions): Promise<FileObject> {
    return this.run(`read dataset ${resourceId(id)}`, async () => datasetFile(await this.fireworks.getDataset(id, FireworksTunelineClient.o(opts))), opts);
  }

  listFiles(params: PageParams & { purpose?: string; order?: 'asc' | 'desc' } = {}, opts?: RequestOptions): Promise<Page<FileObject>> {
    return this.run('list datasets', async () => {
      const r = await this.fireworks.listDatasets({ ...(params.limit ? { pageSize: params.limit } : {}), ...(params.after ? { pageToken: params.after } : {}) }, FireworksTunelineClient.o(opts));
      const data = r.datasets.map(datasetFile).sort((a, b) => (params.order === 'asc' ? a.created_at - b.created_at : b.created_at - a.created_at));
      return { data, hasMore: r.nextPageToken !== undefined, ...(r.nextPageToken ? { nextAfter: r.nextPageToken } : {}) };
    }, opts);
  }

  fileContent(id: string): Promise<Uint8Array> {
    return Promise.reject(notOffered(FIREWORKS, `read the content of dataset ${resourceId(id)}`, CONTENT_REASON));
  }

  deleteFile(id: string, opts?: RequestOptions): Promise<void> {
    return this.run(`delete dataset ${resourceId(id)}`, () => this.fireworks.deleteDataset(id, FireworksTunelineClient.o(opts)), opts);
  }

  // ---- jobs

  createJob(params: JobCreateParams, opts?: RequestOptions): Promise<FineTuningJob> {
    // `params` is the adapter's `jobRequest(plan)` (a SupervisedFineTuningJob body), sent as it is.
    return this.run('start the fine-tuning job', async () => job(await this.fireworks.createJob(params as unknown as Record<string, unknown>, undefined, FireworksTunelineClient.o(opts))), opts);
  }

  listJobs(params: PageParams = {}, opts?: RequestOptions): Promise<Page<FineTuningJob>> {
    return this.run('list fine-tuning jobs', async () => {
      const r = await this.fireworks.listJobs({ ...(params.limit ? { pageSize: params.limit } : {}), ...(params.after ? { pageToken: params.after } : {}) }, FireworksTunelineClient.o(opts));
      return { data: r.jobs.map(job), hasMore: r.nextPageToken !== undefined, ...(r.nextPageToken ? { nextAfter: r.nextPageToken } : {}) };
    }, opts);
  }

  retrieveJob(id: string, opts?: RequestOptions): Promise<FineTuningJob> {
    return this.run(`read job ${id}`, async () => job(await this.fireworks.getJob(id, FireworksTunelineClient.o(opts))), opts);
  }

  /** Fireworks stops a job by deleting it: the answer is the job as it was, now being deleted (cancelled). */
  cancelJob(id: string, opts?: RequestOptions): Promise<FineTuningJob> {
    return this.run(`cancel job ${id}`, async () => {
      const before = await this.fireworks.getJob(id, FireworksTunelineClient.o(opts));
      await this.fireworks.cancelJob(id, FireworksTunelineClient.o(opts));
      return job({ ...before, state: 'JOB_STATE_DELETING' });
    }, opts);
  }

  /** One event: the job's state, its status message and `jobProgress` (Fireworks keeps no events list). */
  listJobEvents(id: string, params: PageParams = {}, opts?: RequestOptions): Promise<Page<FineTuningJobEvent>> {
    return this.run(`read job ${id}`, async () => {
      const j = await this.fireworks.getJob(id, FireworksTunelineClient.o(opts));
      const p = j.jobProgress;
      const state = j.state.replace(/^JOB_STATE_/, '').toLowerCase().replace(/_/g, ' ');
      const progress = p?.percent !== undefined ? `, ${p.percent} %${p.epoch ? ` (epoch ${p.epoch})` : ''}` : '';
      const message = `Fireworks: ${state}${progress}${j.status?.message ? `: ${j.status.message}` : ''}`;
      const failed = j.state === 'JOB_STATE_FAILED' || j.state === 'JOB_STATE_EXPIRED';
      const event: FineTuningJobEvent = { id: `${resourceId(j.name)}:${j.state}:${p?.percent ?? 0}`, object: 'fine_tuning.job.event', created_at: seconds(j.updateTime ?? j.createTime), level: failed ? 'error' : 'info', message, type: 'message' };
      return pageOf([event], params);
    }, opts);
  }

  listJobCheckpoints(): Promise<Page<FineTuningJobCheckpoint>> {
    // Fireworks keeps no intermediate checkpoints of a supervised job (the adapter's `operations.checkpoints`).
    return Promise.resolve({ data: [], hasMore: false });
  }

  // ---- models and chat

  listModels(opts?: RequestOptions): Promise<Model[]> {
    return this.run('list the models', async () => {
      const out: Model[] = FIREWORKS.capabilities.models.map((m) => ({ id: m.id, object: 'model', created: 0, owned_by: 'fireworks' }));
      let token: string | undefined;
      for (let i = 0; i < 10; i++) {
        const r = await this.fireworks.listJobs({ pageSize: 200, ...(token ? { pageToken: token } : {}) }, FireworksTunelineClient.o(opts));
        for (const j of r.jobs) {
          if (j.state === 'JOB_STATE_COMPLETED' && j.outputModel) out.push({ id: j.outputModel, object: 'model', created: seconds(j.completedTime ?? j.updateTime), owned_by: `fine-tuned from ${j.baseModel ?? j.warmStartFrom ?? '?'}` });
        }
        token = r.nextPageToken;
        if (!token) break;
      }
      return out;
    }, opts);
  }

  chat(request: ChatRequest, opts?: RequestOptions): Promise<ChatCompletion> {
    return this.run('get a chat reply', async () => openAIChat(await this.deployed(request.model, () => this.fireworks.chat(request.model, textMessages(request), { ...FireworksTunelineClient.o(opts), ...sampling(request) }), opts)), opts);
  }

  async *streamChat(request: ChatRequest, opts?: RequestOptions): AsyncIterable<ChatCompletionChunk> {
    const stream = await this.run('get a chat reply', () => this.deployed(request.model, () => this.fireworks.streamChat(request.model, textMessages(request), { ...FireworksTunelineClient.o(opts), ...sampling(request) }), opts), opts);
    try {
      for await (const chunk of stream) yield openAIChunk(chunk);
    } catch (e) {
      throw streamError(FIREWORKS, this.label, e, opts?.signal);
    }
  }

  /**
   * Runs a chat call; when Fireworks answers that the account's tuned model is not deployed, loads it serverlessly
   * (adapter `serving`: a deployment is needed; serverless LoRA has no hourly fee) and asks once more.
   */
  private async deployed<T>(model: string, call: () => Promise<T>, opts?: RequestOptions): Promise<T> {
    try {
      return await call();
    } catch (e) {
      const mine = model.startsWith(`accounts/${this.account}/models/`);
      if (!(e instanceof ProviderHttpError) || e.status !== 404 || !mine || !NOT_DEPLOYED.test(e.serviceMessage)) throw e;
      this.log.info(`Fireworks: ${model} is not deployed; loading it as a serverless LoRA`);
      await this.fireworks.deployModel(model, FireworksTunelineClient.o(opts));
      return call();
    }
  }

}

/** Non-blank lines of a JSONL file (the `exampleCount` of the dataset), in one pass. */
function countLines(data: Uint8Array): number {
  let n = 0;
  let blank = true;
  for (let i = 0; i < data.length; i++) {
    const c = data[i]!;
    if (c === 10) {
      if (!blank) n++;
      blank = true;
    } else if (c !== 13 && c !== 32 && c !== 9) blank = false;
  }
  return blank ? n : n + 1;
}

function datasetFile(d: FireworksDataset): FileObject {
  const state = (d as { state?: string }).state;
  return {
    id: d.name,
    object: 'file',
    bytes: bytesOfDatasetId(d.name),
    created_at: seconds(d.createTime),
    filename: d.displayName ?? resourceId(d.name),
    purpose: 'fine-tune',
    status: state === 'READY' ? 'processed' : state === 'STATE_UNSPECIFIED' || state === undefined ? 'processed' : 'uploaded',
  };
}

function job(j: FireworksJob): FineTuningJob {
  const failed = j.state === 'JOB_STATE_FAILED' || j.state === 'JOB_STATE_EXPIRED';
  return openAIJob(FIREWORKS, {
    id: resourceId(j.name),
    serviceStatus: j.state,
    model: j.baseModel ?? j.warmStartFrom ?? '',
    createdAt: seconds(j.createTime),
    ...(j.completedTime ? { finishedAt: seconds(j.completedTime) } : {}),
    ...(j.outputModel ? { fineTunedModel: j.outputModel } : {}),
    trainingFile: j.dataset,
    ...(failed ? { error: { code: j.status?.code ?? 'FAILED', message: j.status?.message || 'The job failed; Fireworks gave no reason.' } } : {}),
    ...(j.epochs !== undefined ? { epochs: j.epochs } : {}),
    ...(j.learningRate !== undefined ? { learningRate: j.learningRate } : {}),
  });
}
