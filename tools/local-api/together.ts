/**
 * The local API's Together AI flavour (issue 20): Together's paths under `/v1`, its ids (`file-<uuid>`,
 * `ft-<uuid>`), statuses (FinetuneJobStatus), events, checkpoints, metrics, price estimate, model limits, error bodies
 * (`{"error": {"message", "type", "param", "code"}}`, SPEC ErrorData), and lists (`{"data": [...]}`, no cursor: the
 * SPEC's lists are not paginated). Responses are checked against shared/together-openapi/openapi.yaml by the tests
 * (test/local-api/togetherSpec.ts).
 *
 * The upload is the `together-ai` SDK's exchange: `POST /v1/files` (form fields or query `file_name`, `file_type`,
 * `purpose`) → `302` with `Location: <url>/__presigned/<file id>?X-Amz-Signature=...` and `x-together-file-id`; then
 * `PUT` of the bytes to that URL → 200, which, like S3, refuses a request that also carries an `Authorization` header
 * (400 InvalidArgument). The SPEC's multipart `POST /files/upload` is answered too.
 *
 * Jobs run on the shared `Clock`: pending → queued (1 s) → running (5 s; the data is checked here: a bad example fails
 * the job with a `job_error` event "... Example N: ...") → 40 s of training with a metrics row every 4 s and
 * `n_checkpoints` checkpoints → compressing → uploading → completed (≈ 55 s). Faults: `faults` (429 with retry-after,
 * 5xx) match a method and a path regex and fire `times` times.
 */
import { randomUUID, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Clock } from './clock';

export const TOGETHER_KEY = 'tg-local-demo';

/** The models the flavour tunes, with the limits GET /fine-tunes/models/limits reports (docs' LoRA table). */
export const TOGETHER_LOCAL_MODELS = [
  { model_name: 'openai/gpt-oss-20b', ctxSft: 16384, ctxDpo: 8192, minBatch: 8, maxBatch: 8, full: false },
  { model_name: 'openai/gpt-oss-120b', ctxSft: 16384, ctxDpo: 8192, minBatch: 16, maxBatch: 16, full: false },
  { model_name: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', ctxSft: 131072, ctxDpo: 131072, minBatch: 8, maxBatch: 32, full: true },
] as const;

export interface TogetherFault {
  readonly method?: string;
  /** Regex on the path (after `/v1`). */
  readonly path: string;
  readonly status: number;
  /** `retry-after` in seconds (429). */
  readonly retryAfterSeconds?: number;
  readonly message?: string;
  times: number;
}

export interface TogetherResponseRecord {
  readonly method: string;
  readonly path: string;
  /** SPEC path template of the matched route (`/fine-tunes/{id}`), or null. */
  readonly operation: string | null;
  readonly status: number;
  readonly body: string;
  readonly requestJson?: string;
  /** A streamed answer (`text/event-stream`): each event's `data` as sent, the `[DONE]` sentinel included. */
  readonly events?: readonly string[];
  /** The content type of a body that is not JSON (`text/plain` file content). */
  readonly contentType?: string;
}

interface StoredFile {
  id: string;
  filename: string;
  purpose: string;
  type: string;
  bytes: number;
  created: number;
  content?: Buffer;
}

interface Job {
  id: string;
  status: string;
  body: Record<string, unknown>;
  created: number;
  updated: number;
  started?: number;
  events: Record<string, unknown>[];
  checkpoints: Record<string, unknown>[];
  metrics: Record<string, number>[];
  timers: number[];
  outputName: string;
  tokenCount: number;
}

export interface LocalTogether {
  readonly url: string;
  /** What the SDK's `baseURL` is: `url + '/v1'`. */
  readonly baseURL: string;
  readonly key: string;
  readonly clock: Clock;
  readonly faults: TogetherFault[];
  /** Every request seen: method, path, whether it carried an Authorization header. */
  readonly requests: { method: string; path: string; auth: boolean }[];
  /** Serve a tuned model (a dedicated endpoint, as Together requires for fine-tuned models). */
  deploy(model: string): void;
  close(): Promise<void>;
}

export interface LocalTogetherOptions {
  readonly port?: number;
  readonly key?: string;
  readonly speed?: 'manual' | 'demo';
  readonly onResponse?: (r: TogetherResponseRecord) => void;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Checks one training line the way the service's validation does (chat SFT or DPO); returns the reason, if bad. */
export function badExample(line: string, method: string): string | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return 'the line is not valid JSON';
  }
  const o = v as { messages?: unknown; input?: { messages?: unknown }; preferred_output?: unknown; non_preferred_output?: unknown };
  if (method === 'dpo') {
    if (!Array.isArray(o.input?.messages) || !Array.isArray(o.preferred_output) || !Array.isArray(o.non_preferred_output)) {
      return 'a preference example needs input.messages, preferred_output and non_preferred_output';
    }
    return undefined;
  }
  if (!Array.isArray(o.messages) || o.messages.length === 0) return 'missing "messages"';
  for (const m of o.messages as { role?: unknown; content?: unknown }[]) {
    if (m.role !== 'system' && m.role !== 'user' && m.role !== 'assistant') return `unknown role ${JSON.stringify(m.role)}`;
    if (typeof m.content !== 'string') return 'a message has no string "content"';
  }
  if (!(o.messages as { role?: unknown }[]).some((m) => m.role === 'assistant')) return 'no assistant message to train on';
  return undefined;
}

export async function startLocalTogether(options: LocalTogetherOptions = {}): Promise<LocalTogether> {
  const key = options.key ?? TOGETHER_KEY;
  const clock = new Clock(Date.now(), options.speed ?? 'manual');
  const files = new Map<string, StoredFile>();
  const pendingUploads = new Map<string, StoredFile>();
  const jobs = new Map<string, Job>();
  const deployed = new Set<string>();
  const faults: TogetherFault[] = [];
  const requests: { method: string; path: string; auth: boolean }[] = [];
  let url = '';

  const send = (res: ServerResponse, rec: Omit<TogetherResponseRecord, 'status' | 'body'>, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { ...(text ? { 'content-type': 'application/json' } : {}), ...headers });
    res.end(text);
    options.onResponse?.({ ...rec, status, body: text });
  };
  const error = (message: string, type: string, code: string | null = null) => ({ error: { message, type, param: null, code } });

  const fileObject = (f: StoredFile) => ({ id: f.id, object: 'file', created_at: f.created, filename: f.filename, bytes: f.bytes, purpose: f.purpose, FileType: f.type, Processed: true });

  const event = (job: Job, type: string, message: string, extra: Record<string, unknown> = {}): void => {
    job.events.push({
      object: 'fine-tune-event',
      created_at: iso(clock.now()),
      level: type === 'job_error' ? 'error' : 'info',
      message,
      type,
      param_count: 8_030_000_000,
      token_count: job.tokenCount,
      total_steps: 10,
      wandb_url: '',
      step: 0,
      checkpoint_path: '',
      model_path: '',
      training_offset: 0,
      hash: randomBytes(8).toString('hex'),
      ...extra,
    });
  };

  const jobObject = (job: Job, truncated = false): Record<string, unknown> => {
    const b = job.body;
    const full = {
      id: job.id,
      status: job.status,
      user_id: 'user_local',
      created_at: iso(job.created),
      updated_at: iso(job.updated),
      ...(job.started ? { started_at: iso(job.started) } : {}),
      model: b['model'],
      model_output_name: job.outputName,
      training_file: b['training_file'],
      ...(b['validation_file'] ? { validation_file: b['validation_file'] } : {}),
      n_epochs: b['n_epochs'] ?? 1,
      n_checkpoints: b['n_checkpoints'] ?? 1,
      n_evals: b['n_evals'] ?? 0,
      batch_size: typeof b['batch_size'] === 'number' ? b['batch_size'] : 8,
      learning_rate: b['learning_rate'] ?? 0.00001,
      warmup_ratio: b['warmup_ratio'] ?? 0,
      max_grad_norm: b['max_grad_norm'] ?? 1,
      weight_decay: b['weight_decay'] ?? 0,
      training_method: b['training_method'] ?? { method: 'sft', train_on_inputs: false },
      training_type: b['training_type'] ?? { type: 'Lora', lora_r: 8, lora_alpha: 16 },
      token_count: job.tokenCount,
      // SPEC: integer (its example: 1500)
      total_price: Math.round(job.tokenCount * 0.00048),
      epochs_completed: job.status === 'completed' ? (b['n_epochs'] ?? 1) : 0,
      ...(b['from_checkpoint'] ? { from_checkpoint: b['from_checkpoint'] } : {}),
    };
    return truncated ? full : { ...full, events: job.events };
  };

  const set = (job: Job, status: string): void => {
    job.status = status;
    job.updated = clock.now();
  };

  const runJob = (job: Job): void => {
    const at = (ms: number, fn: () => void): void => {
      job.timers.push(clock.setTimeout(fn, ms));
    };
    at(1000, () => {
      set(job, 'queued');
      event(job, 'job_start', 'Job started; waiting for a GPU');
    });
    at(5000, () => {
      const file = files.get(String(job.body['training_file']));
      const method = (job.body['training_method'] as { method?: string } | undefined)?.method ?? 'sft';
      const lines = (file?.content?.toString('utf8') ?? '').split('\n').filter((l) => l.trim() !== '');
      for (let i = 0; i < lines.length; i++) {
        const bad = badExample(lines[i]!, method);
        if (bad) {
          set(job, 'error');
          event(job, 'job_error', `Training data validation failed. Example ${i + 1}: ${bad}.`);
          for (const t of job.timers) clock.clearTimeout(t);
          return;
        }
      }
      set(job, 'running');
      job.started = clock.now();
      event(job, 'training_start', 'Training started');
    });
    const steps = 10;
    const nCk = Number(job.body['n_checkpoints'] ?? 1);
    for (let s = 1; s <= steps; s++) {
      at(5000 + s * 4000, () => {
        if (job.status !== 'running') return;
        job.metrics.push({ 'train/loss': Math.round((2.2 * Math.exp(-s / 4) + 0.3) * 1000) / 1000, 'train/learning_rate': 0.00001, 'train/global_step': s, 'train/epoch': s / steps });
        if (nCk > 1 && s % Math.ceil(steps / nCk) === 0 && s < steps) {
          job.checkpoints.push({ step: s, created_at: iso(clock.now()), path: `s3://together-local/${job.id}/checkpoint-${s}`, checkpoint_type: `Intermediate (step ${s})` });
          event(job, 'checkpoint_save', `Checkpoint saved at step ${s}`, { step: s });
        }
      });
    }
    at(46_000, () => {
      if (job.status !== 'running') return;
      set(job, 'compressing');
      event(job, 'training_complete', 'Training completed');
    });
    at(50_000, () => {
      if (job.status !== 'compressing') return;
      set(job, 'uploading');
      event(job, 'model_uploading', 'Uploading the model');
    });
    at(55_000, () => {
      if (job.status !== 'uploading') return;
      job.checkpoints.push({ step: steps, created_at: iso(clock.now()), path: `s3://together-local/${job.id}/final`, checkpoint_type: 'Final' });
      set(job, 'completed');
      event(job, 'job_complete', `Job finished. Model: ${job.outputName}`, { model_path: `s3://together-local/${job.id}/final` });
    });
  };

  const readBody = (req: IncomingMessage): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });

  const server = createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? '/', 'http://local');
      const method = req.method ?? 'GET';
      const body = await readBody(req);
      requests.push({ method, path: u.pathname, auth: req.headers.authorization !== undefined });
      const ct = String(req.headers['content-type'] ?? '');
      const requestJson = ct.startsWith('application/json') && body.length > 0 ? body.toString('utf8') : undefined;

      // The presigned URL (S3-like: no API key, and no Authorization header allowed with a query signature).
      const pm = /^\/__presigned\/([^/]+)$/.exec(u.pathname);
      if (pm && method === 'PUT') {
        const rec = { method, path: u.pathname, operation: null };
        if (req.headers.authorization) {
          res.writeHead(400, { 'content-type': 'application/xml' });
          res.end('<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified</Message></Error>');
          options.onResponse?.({ ...rec, status: 400, body: '' });
          return;
        }
        const putFault = faults.find((f) => f.times > 0 && (!f.method || f.method === 'PUT') && new RegExp(f.path).test(u.pathname));
        if (putFault) {
          putFault.times--;
          res.writeHead(putFault.status, { 'content-type': 'application/xml' });
          res.end('<Error><Code>ServiceUnavailable</Code><Message>Please reduce your request rate.</Message></Error>');
          return;
        }
        const pending = pendingUploads.get(pm[1]!);
        if (!pending || !u.searchParams.get('X-Amz-Signature')) {
          res.writeHead(403, { 'content-type': 'application/xml' });
          res.end('<Error><Code>AccessDenied</Code></Error>');
          return;
        }
        pending.content = body;
        pending.bytes = body.length;
        files.set(pending.id, pending);
        pendingUploads.delete(pending.id);
        res.writeHead(200);
        res.end();
        return;
      }
      if (u.pathname.startsWith('/__admin/deploy') && method === 'POST') {
        const m = (JSON.parse(body.toString('utf8') || '{}') as { model?: string }).model;
        if (m) deployed.add(m);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ model: m, state: 'STARTED' }));
        return;
      }
      if (!u.pathname.startsWith('/v1/')) {
        res.writeHead(404);
        res.end();
        return;
      }
      const path = u.pathname.slice(3);
      const match = route(method, path);
      const rec = { method, path, operation: match?.template ?? null, ...(requestJson !== undefined ? { requestJson } : {}) };
      const auth = req.headers.authorization;
      if (auth !== `Bearer ${key}`) {
        return send(res, rec, 401, error(auth ? 'Invalid API key provided. You can find your API key at https://api.together.ai/settings/api-keys.' : 'No API key provided.', 'invalid_request_error', 'invalid_api_key'));
      }
      const fault = faults.find((f) => f.times > 0 && (!f.method || f.method === method) && new RegExp(f.path).test(path));
      if (fault) {
        fault.times--;
        const isRate = fault.status === 429;
        return send(
          res,
          rec,
          fault.status,
          error(fault.message ?? (isRate ? 'You have exceeded your request rate limit. Please wait and retry.' : 'Internal server error'), isRate ? 'rate_limit_exceeded' : 'server_error'),
          isRate && fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {},
        );
      }
      if (!match) return send(res, rec, 404, error(`Unknown path ${method} /v1${path}`, 'invalid_request_error', 'not_found'));
      const p = match.params;
      let json: Record<string, unknown> = {};
      if (requestJson) {
        try {
          json = JSON.parse(requestJson) as Record<string, unknown>;
        } catch {
          return send(res, rec, 400, error('Request body is not valid JSON', 'invalid_request_error'));
        }
      }
      switch (match.template) {
        case '/files': {
          if (method === 'GET') return send(res, rec, 200, { data: [...files.values()].map(fileObject) });
          const form = ct.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(body.toString('utf8')) : u.searchParams;
          const fileName = form.get('file_name');
          const purpose = form.get('purpose') ?? 'fine-tune';
          const type = form.get('file_type') ?? 'jsonl';
          if (!fileName) return send(res, rec, 400, error('file_name is required', 'invalid_request_error'));
          if (!['jsonl', 'parquet', 'csv'].includes(type)) return send(res, rec, 400, error('file_type must be jsonl, parquet or csv', 'invalid_request_error'));
          const f: StoredFile = { id: `file-${randomUUID()}`, filename: fileName, purpose, type, bytes: 0, created: clock.seconds() };
          pendingUploads.set(f.id, f);
          res.writeHead(302, { location: `${url}/__presigned/${f.id}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=${randomBytes(16).toString('hex')}`, 'x-together-file-id': f.id });
          res.end();
          options.onResponse?.({ ...rec, status: 302, body: '' });
          return;
        }
        case '/files/{id}/content': {
          // SPEC: 200 text/plain, the file's bytes.
          const f = files.get(p['id']!);
          if (!f) return send(res, rec, 404, error(`File ${p['id']} not found`, 'invalid_request_error', 'not_found'));
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(f.content ?? Buffer.alloc(0));
          options.onResponse?.({ ...rec, status: 200, body: '', contentType: 'text/plain' });
          return;
        }
        case '/files/{id}': {
          const f = files.get(p['id']!);
          if (!f) return send(res, rec, 404, error(`File ${p['id']} not found`, 'invalid_request_error', 'not_found'));
          if (method === 'DELETE') {
            files.delete(f.id);
            return send(res, rec, 200, { id: f.id, deleted: true });
          }
          return send(res, rec, 200, fileObject(f));
        }
        case '/fine-tunes': {
          if (method === 'GET') return send(res, rec, 200, { data: [...jobs.values()].reverse().map((j) => jobObject(j, true)) });
          const model = json['model'];
          const trainingFile = json['training_file'];
          if (typeof model !== 'string' || typeof trainingFile !== 'string') return send(res, rec, 400, error('model and training_file are required', 'invalid_request_error'));
          const known = TOGETHER_LOCAL_MODELS.find((m) => m.model_name === model);
          if (!known) return send(res, rec, 400, error(`Model ${model} is not supported for fine-tuning`, 'invalid_request_error', 'model_not_supported'));
          if (!files.has(trainingFile)) return send(res, rec, 400, error(`Training file ${trainingFile} not found`, 'invalid_request_error'));
          const tt = json['training_type'] as { type?: string; lora_r?: unknown; lora_alpha?: unknown } | undefined;
          if (tt?.type === 'Full' && !known.full) return send(res, rec, 400, error(`Full fine-tuning is not supported for ${model}`, 'invalid_request_error'));
          if (tt?.type === 'Lora' && (typeof tt.lora_r !== 'number' || typeof tt.lora_alpha !== 'number')) return send(res, rec, 400, error('lora_r and lora_alpha are required for LoRA training', 'invalid_request_error'));
          const bs = json['batch_size'];
          if (typeof bs === 'number' && (bs < known.minBatch || bs > known.maxBatch)) {
            return send(res, rec, 400, error(`batch_size must be between ${known.minBatch} and ${known.maxBatch} for ${model}`, 'invalid_request_error'));
          }
          const now = clock.now();
          const content = files.get(trainingFile)!.content ?? Buffer.alloc(0);
          const suffix = typeof json['suffix'] === 'string' ? `-${json['suffix']}` : '';
          const job: Job = {
            id: `ft-${randomUUID()}`,
            status: 'pending',
            body: json,
            created: now,
            updated: now,
            events: [],
            checkpoints: [],
            metrics: [],
            timers: [],
            outputName: `local_user/${model.split('/').pop()}${suffix}-${randomBytes(4).toString('hex')}`,
            tokenCount: Math.ceil(content.length / 4) * Number(json['n_epochs'] ?? 1),
          };
          jobs.set(job.id, job);
          event(job, 'job_pending', 'Fine-tune request created');
          runJob(job);
          return send(res, rec, 200, jobObject(job, true));
        }
        case '/fine-tunes/estimate-price': {
          const f = files.get(String(json['training_file']));
          if (!f) return send(res, rec, 400, error(`Training file ${String(json['training_file'])} not found`, 'invalid_request_error'));
          const tokens = Math.ceil((f.content?.length ?? 0) / 4) * Number(json['n_epochs'] ?? 1);
          // The SDK (0.52) discriminates on estimation_available, which the SPEC does not list: both are satisfied.
          return send(res, rec, 200, { estimation_available: true, estimated_total_price: Math.max(0.5, Math.round(tokens * 0.00048) / 100), allowed_to_proceed: true, user_limit: 100, estimated_train_token_count: tokens, estimated_eval_token_count: 0 });
        }
        case '/fine-tunes/models/limits': {
          const m = TOGETHER_LOCAL_MODELS.find((x) => x.model_name === u.searchParams.get('model_name'));
          if (!m) return send(res, rec, 404, error('Model not found or not supported for fine-tuning', 'invalid_request_error', 'not_found'));
          return send(res, rec, 200, {
            model_name: m.model_name,
            max_num_epochs: 20,
            max_learning_rate: 1,
            min_learning_rate: 0,
            max_num_checkpoints: 10,
            max_num_evals: 100,
            min_max_seq_length: 256,
            max_seq_length_sft: m.ctxSft,
            max_seq_length_dpo: m.ctxDpo,
            default_gradient_accumulation_steps: 1,
            merge_output_lora: true,
            supports_full_training: m.full,
            supports_reasoning: false,
            supports_tools: true,
            supports_vision: false,
            lora_training: { max_batch_size: m.maxBatch, max_batch_size_dpo: m.maxBatch, min_batch_size: m.minBatch, max_rank: 64, max_alpha: 128, target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] },
            ...(m.full ? { full_training: { max_batch_size: m.maxBatch, max_batch_size_dpo: m.maxBatch, min_batch_size: m.minBatch } } : {}),
          });
        }
        default:
          break;
      }
      const job = p['id'] ? jobs.get(p['id']) : undefined;
      if (match.template.startsWith('/fine-tunes/{id}') && !job) return send(res, rec, 404, error(`Fine-tune job ${p['id']} not found`, 'invalid_request_error', 'not_found'));
      switch (match.template) {
        case '/fine-tunes/{id}':
          return send(res, rec, 200, jobObject(job!));
        case '/fine-tunes/{id}/cancel':
          if (['completed', 'error', 'cancelled'].includes(job!.status)) return send(res, rec, 400, error(`Job ${job!.id} has already ended (${job!.status})`, 'invalid_request_error'));
          set(job!, 'cancel_requested');
          event(job!, 'cancel_requested', 'Cancel requested');
          for (const t of job!.timers) clock.clearTimeout(t);
          job!.timers.push(clock.setTimeout(() => {
            set(job!, 'cancelled');
            event(job!, 'job_stopped', 'Job cancelled');
          }, 2000));
          return send(res, rec, 200, jobObject(job!, true));
        case '/fine-tunes/{id}/events':
          return send(res, rec, 200, { data: job!.events });
        case '/fine-tunes/{id}/checkpoints':
          return send(res, rec, 200, { data: job!.checkpoints });
        case '/fine-tunes/{id}/metrics':
          return send(res, rec, 200, { metrics: job!.metrics });
        case '/models': {
          // SPEC GET /models: a bare array of ModelInfo {id, object, created, type, ...}; tuned models appear once
          // their job has completed (Together lists the account's fine-tuned models with the serverless ones).
          const base = TOGETHER_LOCAL_MODELS.map((m) => ({ id: m.model_name, object: 'model', created: 1_721_000_000, type: 'chat', display_name: m.model_name.split('/').pop(), organization: m.model_name.split('/')[0] }));
          const tuned = [...jobs.values()].filter((j) => j.status === 'completed').map((j) => ({ id: j.outputName, object: 'model', created: Math.floor(j.updated / 1000), type: 'chat', display_name: j.outputName, organization: 'local_user' }));
          return send(res, rec, 200, [...base, ...tuned]);
        }
        case '/chat/completions': {
          const model = String(json['model'] ?? '');
          const tuned = [...jobs.values()].find((j) => j.outputName === model && j.status === 'completed');
          const base = TOGETHER_LOCAL_MODELS.some((m) => m.model_name === model);
          if (!base && !(tuned && deployed.has(model))) {
            return send(res, rec, 404, error(`Unable to access non-serverless model ${model}. Please visit https://api.together.ai/models/${model} to create and start a new dedicated endpoint for the model.`, 'invalid_request_error', 'model_not_available'));
          }
          const messages = (json['messages'] as { content?: unknown }[] | undefined) ?? [];
          const last = String(messages[messages.length - 1]?.content ?? '');
          const content = tuned ? `(${model}) ${replyFor(tuned, last, files)}` : `Echo: ${last}`;
          const id = `chatcmpl-${randomBytes(12).toString('hex')}`;
          if (json['stream'] === true) {
            // SPEC ChatCompletionStream: `data: ChatCompletionChunk` events, then the `[DONE]` sentinel; the last
            // chunk carries finish_reason (Together's `eos` for an end of sequence) and usage.
            const words = content.match(/\S+\s*/g) ?? [content];
            const chunk = (delta: Record<string, unknown>, finish: string | null, usage?: Record<string, number>) =>
              JSON.stringify({ id, object: 'chat.completion.chunk', created: clock.seconds(), model, choices: [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) });
            const events = [
              ...words.map((w, i) => chunk({ role: 'assistant', content: w }, i === words.length - 1 ? 'eos' : null, i === words.length - 1 ? { prompt_tokens: Math.ceil(last.length / 4), completion_tokens: words.length, total_tokens: Math.ceil(last.length / 4) + words.length } : undefined)),
              '[DONE]',
            ];
            res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
            for (const e of events) res.write(`data: ${e}\n\n`);
            res.end();
            options.onResponse?.({ ...rec, status: 200, body: '', events });
            return;
          }
          return send(res, rec, 200, {
            id,
            object: 'chat.completion',
            created: clock.seconds(),
            model,
            // SPEC ChatCompletionResponse requires `prompt` (filled when echo is set): an empty list here.
            prompt: [],
            choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }],
            usage: { prompt_tokens: Math.ceil(last.length / 4), completion_tokens: Math.ceil(content.length / 4), total_tokens: Math.ceil((last.length + content.length) / 4) },
          });
        }
        default:
          return send(res, rec, 404, error('Not found', 'invalid_request_error', 'not_found'));
      }
    })().catch((e: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(e), type: 'server_error', param: null, code: null } }));
    });
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  url = `http://127.0.0.1:${port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    key,
    clock,
    faults,
    requests,
    deploy: (m) => {
      deployed.add(m);
    },
    close: async () => {
      for (const j of jobs.values()) for (const t of j.timers) clock.clearTimeout(t);
      clock.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The tuned model answers with the training reply whose prompt matches (what it "learnt"), else a generic line. */
function replyFor(job: Job, prompt: string, files: Map<string, StoredFile>): string {
  const text = files.get(String(job.body['training_file']))?.content?.toString('utf8') ?? '';
  for (const line of text.split('\n')) {
    try {
      const o = JSON.parse(line) as { messages?: { role: string; content: string }[] };
      const user = o.messages?.filter((m) => m.role === 'user').pop();
      const reply = o.messages?.filter((m) => m.role === 'assistant').pop();
      if (user && reply && user.content === prompt) return reply.content;
    } catch {
      /* not a chat line */
    }
  }
  return 'I was fine-tuned locally.';
}

const ROUTES: readonly { method: string; template: string }[] = [
  { method: 'GET', template: '/files' },
  { method: 'POST', template: '/files' },
  { method: 'GET', template: '/files/{id}' },
  { method: 'GET', template: '/files/{id}/content' },
  { method: 'DELETE', template: '/files/{id}' },
  { method: 'GET', template: '/fine-tunes' },
  { method: 'POST', template: '/fine-tunes' },
  { method: 'POST', template: '/fine-tunes/estimate-price' },
  { method: 'GET', template: '/fine-tunes/models/limits' },
  { method: 'GET', template: '/fine-tunes/{id}' },
  { method: 'POST', template: '/fine-tunes/{id}/cancel' },
  { method: 'GET', template: '/fine-tunes/{id}/events' },
  { method: 'GET', template: '/fine-tunes/{id}/checkpoints' },
  { method: 'GET', template: '/fine-tunes/{id}/metrics' },
  { method: 'POST', template: '/chat/completions' },
  { method: 'GET', template: '/models' },
];

/** The routes of the flavour, with the SPEC's path templates. */
export const TOGETHER_ROUTES = ROUTES;

function route(method: string, path: string): { template: string; params: Record<string, string> } | undefined {
  for (const r of ROUTES) {
    if (r.method !== method) continue;
    const names: string[] = [];
    const re = new RegExp(`^${r.template.replace(/\{(\w+)\}/g, (_m, n: string) => (names.push(n), '([^/]+)'))}/?$`);
    const m = re.exec(path);
    if (m) return { template: r.template, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])) };
  }
  return undefined;
}
