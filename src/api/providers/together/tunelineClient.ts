/**
 * `TunelineClient` for Together AI: what the extension's uploads, training wizard, jobs view, playground and
 * evaluation call, on `TogetherClient` (the `together-ai` SDK and Tuneline's presigned upload, with the shared retry
 * layer), answered in the OpenAI shapes those features read. Failures end as `ApiError` in plain words (openClients.ts
 * `guarded`, Together's adapter explaining the cases it knows). No `vscode`.
 *
 * Mapping (SPEC = togethercomputer/openapi openapi.yaml at 090263aa, read 2026-12-03; SDK = together-ai 0.52):
 * - Files: `POST /files` (presigned, see client.ts), `GET /files`, `GET /files/{id}`, `GET /files/{id}/content`,
 *   `DELETE /files/{id}`. Together has no parts upload (SPEC: no /uploads): the Uploads calls are refused in plain words.
 * - Jobs: `POST /fine-tunes` with the adapter's `jobRequest` body as it is; `GET /fine-tunes` (SPEC: one unpaged
 *   list, newest first; Tuneline pages it), `GET /fine-tunes/{id}`, `POST /fine-tunes/{id}/cancel`. `status` goes through
 *   the adapter's `statuses` table (`pending` → queued, `compressing` → running, `error` → failed, ...); a failed job's
 *   `error.message` is its `job_error` event ("... Example N: ..."), which the jobs view maps to the dataset line.
 * - Events: `GET /fine-tunes/{id}/events` plus one `metrics` event per row of `GET /fine-tunes/{id}/metrics` (SPEC:
 *   rows like `{"train/loss", "train/global_step"}`; `eval/loss` for validation), newest first (new ones always on
 *   top: `newestFirst`), so the metrics chart and the progress column read them as they read OpenAI's.
 * - Checkpoints: `GET /fine-tunes/{id}/checkpoints`; a checkpoint's model id is `JOB:STEP` (SPEC `from_checkpoint`:
 *   "{$JOB_ID}:{$STEP}").
 * - Models: `GET /models` plus the output models of the account's finished jobs. Chat: the OpenAI-compatible
 *   `POST /chat/completions` (streamed with `stream: true`); a tuned model answers once it is deployed on a dedicated
 *   endpoint (the adapter's `serving`), else Together's 404 is explained by the adapter.
 * - Batch API: not used by Tuneline on Together (its `/batches` jobs differ from OpenAI's Batch objects): `batchApi`
 *   says so, and evaluation runs live.
 */
import type { FinetuneEvent } from 'together-ai/resources/fine-tuning';
import type { FileResponse } from 'together-ai/resources/files';
import { TOGETHER, TOGETHER_SOURCES, togetherModelFromLimits, type TogetherModelLimits } from '../together';
import { unsupported, type TunableModel } from '../types';
import {
  guarded,
  openAIChat,
  openAIChunk,
  openAIJob,
  pageOf,
  seconds,
  streamError,
  textMessages,
  sampling,
  OpenServiceRefusals,
  type BatchSupport,
  type OpenClientConfig,
} from '../openClients';
import { TogetherClient } from './client';
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

/** The fields of a Together job (FinetuneResponse, the list's and the create's items) that Tuneline reads. */
interface TogetherJob {
  readonly id: string;
  readonly status: string;
  readonly model?: string;
  readonly created_at?: string;
  readonly updated_at?: string;
  readonly model_output_name?: string;
  readonly training_file?: string;
  readonly validation_file?: string;
  readonly token_count?: number;
  readonly n_epochs?: number;
  readonly batch_size?: number | 'max';
  readonly learning_rate?: number;
  readonly suffix?: string;
  readonly events?: readonly FinetuneEvent[];
}

const FINAL = new Set(['completed', 'error', 'cancelled']);
const BATCH_REASON = 'Tuneline does not use Together\'s Batch API yet (its /batches jobs are not OpenAI\'s Batch objects); evaluation runs live on Together.';

export class TogetherTunelineClient extends OpenServiceRefusals implements TunelineClient {
  readonly endpoint: Endpoint;
  readonly accountKey: string;
  readonly batchChatUrl = '/v1/chat/completions' as const;
  readonly batchApi: BatchSupport = unsupported(BATCH_REASON, TOGETHER_SOURCES.spec);
  readonly together: TogetherClient;
  private readonly label: string;
  /** The `job_error` message of failed jobs (final: read once per job). */
  private readonly failures = new Map<string, string | undefined>();
  /** When each event was first seen (see `newestFirst`). */
  private readonly stamps = new Map<string, { readonly time: number; readonly seq: number }>();
  private latestMessage = 0;
  private seq = 0;

  constructor(config: OpenClientConfig) {
    super(TOGETHER, BATCH_REASON);
    this.endpoint = config.endpoint;
    this.accountKey = config.accountKey;
    this.label = config.label;
    this.together = new TogetherClient({ apiKey: config.apiKey, baseURL: config.endpoint.baseURL, log: config.log, ...(config.retry ? { retry: config.retry } : {}) });
  }

  private run<T>(what: string, fn: () => Promise<T>, opts?: RequestOptions): Promise<T> {
    return guarded(TOGETHER, this.label, what, fn, opts);
  }

  private static callOpts(opts?: RequestOptions) {
    return { ...(opts?.signal ? { signal: opts.signal } : {}), ...(opts?.maxRetries !== undefined ? { maxRetries: opts.maxRetries } : {}) };
  }

  // ---- files

  createFile(file: { name: string; data: Uint8Array }, _purpose: 'fine-tune', opts?: RequestOptions): Promise<FileObject> {
    return this.run('upload the file', async () => fileObject(await this.together.uploadFile(file, TogetherTunelineClient.callOpts(opts))), opts);
  }

  retrieveFile(id: string, opts?: RequestOptions): Promise<FileObject> {
    return this.run(`read file ${id}`, async () => fileObject(await this.together.retrieveFile(id, TogetherTunelineClient.callOpts(opts))), opts);
  }

  listFiles(params: PageParams & { purpose?: string; order?: 'asc' | 'desc' } = {}, opts?: RequestOptions): Promise<Page<FileObject>> {
    return this.run('list files', async () => {
      const all = (await this.together.listFiles(TogetherTunelineClient.callOpts(opts))).map(fileObject).filter((f) => !params.purpose || f.purpose === params.purpose);
      all.sort((a, b) => (params.order === 'asc' ? a.created_at - b.created_at : b.created_at - a.created_at));
      return pageOf(all, params);
    }, opts);
  }

  fileContent(id: string, opts?: RequestOptions): Promise<Uint8Array> {
    return this.run(`read the content of file ${id}`, () => this.together.fileContent(id, TogetherTunelineClient.callOpts(opts)), opts);
  }

  deleteFile(id: string, opts?: RequestOptions): Promise<void> {
    return this.run(`delete file ${id}`, () => this.together.deleteFile(id, TogetherTunelineClient.callOpts(opts)), opts);
  }

  // ---- jobs

  createJob(params: JobCreateParams, opts?: RequestOptions): Promise<FineTuningJob> {
    // `params` is the adapter's `jobRequest(plan)` (Together's FineTuningCreateParams), sent as it is.
    return this.run('start the fine-tuning job', async () => this.job(await this.together.createJob(params as never, TogetherTunelineClient.callOpts(opts)), opts), opts);
  }

  listJobs(params: PageParams = {}, opts?: RequestOptions): Promise<Page<FineTuningJob>> {
    return this.run('list fine-tuning jobs', async () => {
      const list = (await this.together.listJobs(TogetherTunelineClient.callOpts(opts))) as readonly TogetherJob[];
      const sorted = [...list].sort((a, b) => seconds(b.created_at) - seconds(a.created_at));
      const page = pageOf(sorted, params);
      return { ...page, data: await Promise.all(page.data.map((j) => this.job(j, opts))) };
    }, opts);
  }

  /** The model's row narrowed by GET /fine-tunes/models/limits (Together's per-model bounds, read at run time). */
  tunableModel(model: string, opts?: RequestOptions): Promise<TunableModel> {
    return this.run(`read the limits of ${model}`, async () => togetherModelFromLimits((await this.together.modelLimits(model, TogetherTunelineClient.callOpts(opts))) as TogetherModelLimits), opts);
  }

  retrieveJob(id: string, opts?: RequestOptions): Promise<FineTuningJob> {
    return this.run(`read job ${id}`, async () => this.job(await this.together.retrieveJob(id, TogetherTunelineClient.callOpts(opts)), opts), opts);
  }

  cancelJob(id: string, opts?: RequestOptions): Promise<FineTuningJob> {
    return this.run(`cancel job ${id}`, async () => this.job(await this.together.cancelJob(id, TogetherTunelineClient.callOpts(opts)), opts), opts);
  }

  listJobEvents(id: string, params: PageParams = {}, opts?: RequestOptions): Promise<Page<FineTuningJobEvent>> {
    return this.run(`read the events of job ${id}`, async () => {
      const o = TogetherTunelineClient.callOpts(opts);
      const [events, metrics] = await Promise.all([this.together.listEvents(id, o), this.together.metrics(id, o)]);
      const totalSteps = events.reduce<number | undefined>((t, e) => (typeof e.total_steps === 'number' && e.total_steps > 0 ? e.total_steps : t), undefined);
      const messages = events.map((e, i) => messageEvent(id, e, i));
      const points = metrics.map((row) => metricsEvent(id, row, totalSteps)).filter((e): e is FineTuningJobEvent => e !== undefined);
      const all = this.newestFirst([...messages, ...points]);
      return pageOf(all, params);
    }, opts);
  }

  listJobCheckpoints(id: string, params: PageParams = {}, opts?: RequestOptions): Promise<Page<FineTuningJobCheckpoint>> {
    return this.run(`read the checkpoints of job ${id}`, async () => {
      const list = await this.together.listCheckpoints(id, TogetherTunelineClient.callOpts(opts));
      const all = list
        .map((c): FineTuningJobCheckpoint => ({
          id: `${id}:${c.step}`,
          object: 'fine_tuning.job.checkpoint',
          created_at: seconds(c.created_at),
          fine_tuned_model_checkpoint: `${id}:${c.step}`,
          fine_tuning_job_id: id,
          metrics: {},
          step_number: c.step,
        }))
        .sort((a, b) => b.step_number - a.step_number);
      return pageOf(all, params);
    }, opts);
  }

  /**
   * Events newest first, in an order that only ever grows at the top: metrics rows carry no time (SPEC), so each
   * event is stamped when this client first sees it — with the newest message time seen so far and a sequence number
   * — and sorted by (time, sequence), newest first. A poll that stops at the first event it knows (the metrics
   * panel, the jobs view) so sees every new message and every new point. Stamps are kept per client (small: the
   * events of the jobs looked at).
   */
  private newestFirst(events: readonly FineTuningJobEvent[]): FineTuningJobEvent[] {
    for (const e of events) {
      if (e.type !== 'metrics') this.latestMessage = Math.max(this.latestMessage, e.created_at);
    }
    const stamped = events.map((e) => {
      let stamp = this.stamps.get(e.id);
      if (!stamp) {
        stamp = { time: e.type === 'metrics' ? this.latestMessage : e.created_at, seq: this.seq++ };
        this.stamps.set(e.id, stamp);
      }
      return { e: e.type === 'metrics' ? { ...e, created_at: stamp.time } : e, stamp };
    });
    stamped.sort((a, b) => b.stamp.time - a.stamp.time || b.stamp.seq - a.stamp.seq);
    return stamped.map((x) => x.e);
  }

  // ---- models and chat

  listModels(opts?: RequestOptions): Promise<Model[]> {
    return this.run('list the models', async () => {
      const o = TogetherTunelineClient.callOpts(opts);
      const [models, jobs] = await Promise.all([this.together.listModels(o), this.together.listJobs(o) as Promise<readonly TogetherJob[]>]);
      const out: Model[] = models.map((m) => ({ id: m.id, object: 'model', created: m.created, owned_by: m.organization ?? 'together' }));
      const seen = new Set(out.map((m) => m.id));
      for (const j of jobs) {
        if (j.status !== 'completed' || !j.model_output_name || seen.has(j.model_output_name)) continue;
        seen.add(j.model_output_name);
        out.push({ id: j.model_output_name, object: 'model', created: seconds(j.updated_at ?? j.created_at), owned_by: `fine-tuned from ${j.model ?? '?'}` });
      }
      return out;
    }, opts);
  }

  chat(request: ChatRequest, opts?: RequestOptions): Promise<ChatCompletion> {
    return this.run('get a chat reply', async () => openAIChat(await this.together.chat(request.model, textMessages(request), { ...TogetherTunelineClient.callOpts(opts), ...sampling(request) })), opts);
  }

  async *streamChat(request: ChatRequest, opts?: RequestOptions): AsyncIterable<ChatCompletionChunk> {
    const stream = await this.run('get a chat reply', () => this.together.streamChat(request.model, textMessages(request), { ...TogetherTunelineClient.callOpts(opts), ...sampling(request) }), opts);
    try {
      for await (const chunk of stream) yield openAIChunk(chunk);
    } catch (e) {
      throw streamError(TOGETHER, this.label, e, opts?.signal);
    }
  }

  // ---- mapping

  /** A Together job as an OpenAI-shaped one (a failed job's message read from its events, once). */
  private async job(j: TogetherJob, opts?: RequestOptions): Promise<FineTuningJob> {
    let error: { code: string; message: string } | undefined;
    if (j.status === 'error') {
      let message = j.events ? lastError(j.events) : this.failures.get(j.id);
      if (message === undefined && !this.failures.has(j.id)) message = await this.together.failureMessage(j.id, TogetherTunelineClient.callOpts(opts));
      this.failures.set(j.id, message);
      error = { code: 'job_error', message: message ?? 'The job failed; Together gave no reason.' };
    }
    return openAIJob(TOGETHER, {
      id: j.id,
      serviceStatus: j.status,
      model: j.model ?? '',
      createdAt: seconds(j.created_at),
      ...(FINAL.has(j.status) && j.updated_at ? { finishedAt: seconds(j.updated_at) } : {}),
      ...(j.model_output_name ? { fineTunedModel: j.model_output_name } : {}),
      trainingFile: j.training_file ?? '',
      ...(j.validation_file ? { validationFile: j.validation_file } : {}),
      ...(error ? { error } : {}),
      ...(j.token_count !== undefined ? { trainedTokens: j.token_count } : {}),
      ...(j.n_epochs !== undefined ? { epochs: j.n_epochs } : {}),
      ...(typeof j.batch_size === 'number' ? { batchSize: j.batch_size } : {}),
      ...(j.learning_rate !== undefined ? { learningRate: j.learning_rate } : {}),
      ...(j.suffix ? { suffix: j.suffix } : {}),
    });
  }
}

function lastError(events: readonly FinetuneEvent[]): string | undefined {
  const errs = events.filter((e) => e.type === 'job_error' || e.level === 'error');
  return errs[errs.length - 1]?.message;
}

function fileObject(f: FileResponse): FileObject {
  return { id: f.id, object: 'file', bytes: f.bytes, created_at: f.created_at, filename: f.filename, purpose: 'fine-tune', status: 'processed' };
}

/** A Together event as an OpenAI one; its id is its place in the (append-only) list. */
function messageEvent(jobId: string, e: FinetuneEvent, index: number): FineTuningJobEvent {
  const level = e.level === 'error' || e.level === 'legacy_ierror' ? 'error' : e.level === 'warning' || e.level === 'legacy_iwarning' ? 'warn' : 'info';
  return { id: `${jobId}:event:${index}`, object: 'fine_tuning.job.event', created_at: seconds(e.created_at), level, message: e.message, type: 'message' };
}

/** One metrics row (`train/loss`, `train/global_step`, `eval/loss`, ...) as an OpenAI `metrics` event. */
function metricsEvent(jobId: string, row: Readonly<Record<string, number>>, totalSteps: number | undefined): FineTuningJobEvent | undefined {
  const step = row['train/global_step'] ?? row['global_step'] ?? row['step'];
  if (typeof step !== 'number') return undefined;
  const trainLoss = row['train/loss'] ?? row['train_loss'];
  const validLoss = row['eval/loss'] ?? row['valid/loss'] ?? row['eval_loss'];
  const data = { step, ...(trainLoss !== undefined ? { train_loss: trainLoss } : {}), ...(validLoss !== undefined ? { valid_loss: validLoss } : {}), ...(totalSteps !== undefined ? { total_steps: totalSteps } : {}) };
  return { id: `${jobId}:metrics:${step}`, object: 'fine_tuning.job.event', created_at: 0, level: 'info', message: `Step ${step}${trainLoss !== undefined ? `: training loss ${trainLoss}` : ''}`, type: 'metrics', data };
}
