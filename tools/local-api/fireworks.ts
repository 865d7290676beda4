/**
 * The local API's Fireworks AI flavour (issue 20), in the shapes the Fireworks docs document
 * (docs.fireworks.ai/api-reference: create-dataset, upload-dataset-files, get-supervised-fine-tuning-job; the Gateway
 * REST API's OpenAPI for the `gatewayJobState` enum and list paging):
 *   POST   /v1/accounts/{account}/datasets                         {datasetId, dataset: {exampleCount, userUploaded, format}}
 *   POST   /v1/accounts/{account}/datasets/{dataset}:upload        multipart `file` (up to 150 MB) → {id, object, bytes, ...}
 *   GET    /v1/accounts/{account}/datasets/{dataset}               Dataset {name, state: UPLOADING | READY, exampleCount}
 *   POST   /v1/accounts/{account}/supervisedFineTuningJobs[?supervisedFineTuningJobId=]  → SupervisedFineTuningJob
 *   GET    /v1/accounts/{account}/supervisedFineTuningJobs[?pageSize&pageToken]          → {supervisedFineTuningJobs, nextPageToken, totalSize}
 *   GET    /v1/accounts/{account}/supervisedFineTuningJobs/{job}
 *   DELETE /v1/accounts/{account}/supervisedFineTuningJobs/{job}   (stops and removes it)
 *   POST   /v1/accounts/{account}/deployedModels                   {model} → serves a LoRA output model (load-lora)
 *   POST   /inference/v1/chat/completions                          OpenAI-compatible; a tuned model must be deployed
 * Errors are the gateway's (grpc-gateway) `{code, message, details}`, with the HTTP status. Jobs run on the Clock:
 * JOB_STATE_CREATING (the dataset is checked: a bad example fails the job, `status.message` naming "Example N") →
 * JOB_STATE_PENDING (1 s) → JOB_STATE_RUNNING (5 s, `jobProgress.percent` every 4 s) → JOB_STATE_WRITING_RESULTS
 * (45 s) → JOB_STATE_COMPLETED (50 s) with `outputModel`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Clock } from './clock';
import { badExample } from './together';

export const FIREWORKS_KEY = 'fw-local-demo';
export const FIREWORKS_ACCOUNT = 'local-account';
export const FIREWORKS_LOCAL_MODELS = ['accounts/fireworks/models/llama-v3p1-8b-instruct', 'accounts/fireworks/models/llama-v3-8b-instruct'];

export interface FireworksFault {
  readonly method?: string;
  readonly path: string;
  readonly status: number;
  readonly retryAfterSeconds?: number;
  readonly message?: string;
  times: number;
}

interface Dataset {
  name: string;
  displayName: string;
  createTime: string;
  state: string;
  exampleCount: string;
  format: string;
  content?: Buffer;
}

interface Job {
  id: string;
  body: Record<string, unknown>;
  state: string;
  status: { code: string; message: string };
  created: number;
  updated: number;
  completed?: number;
  percent: number;
  epoch: number;
  outputModel: string;
  timers: number[];
}

export interface LocalFireworks {
  readonly url: string;
  /** The control-plane base (`url`): paths are `/v1/accounts/...`. */
  readonly baseURL: string;
  /** The OpenAI-compatible inference base: `url + '/inference/v1'`. */
  readonly inferenceURL: string;
  readonly key: string;
  readonly account: string;
  readonly clock: Clock;
  readonly faults: FireworksFault[];
  readonly requests: { method: string; path: string }[];
  close(): Promise<void>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/** The `file` part of a multipart body (enough for what FormData sends). */
function multipartFile(body: Buffer, contentType: string): Buffer | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const b = boundary ? (boundary[1] ?? boundary[2])! : undefined;
  if (!b) return undefined;
  const text = body.toString('latin1');
  for (const part of text.split(`--${b}`)) {
    const head = part.indexOf('\r\n\r\n');
    if (head < 0 || !/name="file"/.test(part.slice(0, head))) continue;
    const data = part.slice(head + 4).replace(/\r\n$/, '');
    return Buffer.from(data, 'latin1');
  }
  return undefined;
}

export async function startLocalFireworks(options: { port?: number; key?: string; speed?: 'manual' | 'demo' } = {}): Promise<LocalFireworks> {
  const key = options.key ?? FIREWORKS_KEY;
  const account = FIREWORKS_ACCOUNT;
  const clock = new Clock(Date.now(), options.speed ?? 'manual');
  const datasets = new Map<string, Dataset>();
  const jobs = new Map<string, Job>();
  const deployed = new Set<string>();
  const faults: FireworksFault[] = [];
  const requests: { method: string; path: string }[] = [];
  const prefix = `/v1/accounts/${account}`;

  const jobObject = (j: Job): Record<string, unknown> => ({
    name: `accounts/${account}/supervisedFineTuningJobs/${j.id}`,
    displayName: j.body['displayName'] ?? j.id,
    createTime: iso(j.created),
    updateTime: iso(j.updated),
    ...(j.completed ? { completedTime: iso(j.completed) } : {}),
    state: j.state,
    status: j.status,
    createdBy: 'local@example.com',
    dataset: j.body['dataset'],
    ...(j.body['evaluationDataset'] ? { evaluationDataset: j.body['evaluationDataset'] } : {}),
    ...(j.body['baseModel'] ? { baseModel: j.body['baseModel'] } : {}),
    ...(j.body['warmStartFrom'] ? { warmStartFrom: j.body['warmStartFrom'] } : {}),
    ...(j.state === 'JOB_STATE_COMPLETED' ? { outputModel: j.outputModel } : {}),
    epochs: j.body['epochs'] ?? 1,
    learningRate: j.body['learningRate'] ?? 0.0001,
    loraRank: j.body['loraRank'] ?? 8,
    maxContextLength: j.body['maxContextLength'] ?? 8192,
    batchSize: j.body['batchSize'] ?? 32768,
    earlyStop: false,
    jobProgress: { percent: j.percent, epoch: j.epoch },
  });

  const run = (j: Job): void => {
    const at = (ms: number, fn: () => void): void => {
      j.timers.push(clock.setTimeout(fn, ms));
    };
    const setState = (s: string): void => {
      j.state = s;
      j.updated = clock.now();
    };
    at(1000, () => {
      const ds = datasets.get(String(j.body['dataset']));
      const lines = (ds?.content?.toString('utf8') ?? '').split('\n').filter((l) => l.trim() !== '');
      for (let i = 0; i < lines.length; i++) {
        const bad = badExample(lines[i]!, 'sft');
        if (bad) {
          setState('JOB_STATE_FAILED');
          j.status = { code: 'INVALID_ARGUMENT', message: `Dataset validation failed. Example ${i + 1}: ${bad}.` };
          j.completed = clock.now();
          for (const t of j.timers) clock.clearTimeout(t);
          return;
        }
      }
      setState('JOB_STATE_PENDING');
    });
    at(5000, () => setState('JOB_STATE_RUNNING'));
    for (let s = 1; s <= 10; s++) {
      at(5000 + s * 4000, () => {
        j.percent = s * 10;
        j.epoch = Math.ceil((s / 10) * Number(j.body['epochs'] ?? 1));
        j.updated = clock.now();
      });
    }
    at(45_500, () => setState('JOB_STATE_WRITING_RESULTS'));
    at(50_000, () => {
      setState('JOB_STATE_COMPLETED');
      j.completed = clock.now();
    });
  };

  const server = createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? '/', 'http://local');
      const method = req.method ?? 'GET';
      const body = await readBody(req);
      requests.push({ method, path: u.pathname });
      const reply = (status: number, value: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(value));
      };
      const fail = (status: number, code: number, message: string, headers: Record<string, string> = {}): void => reply(status, { code, message, details: [] }, headers);
      if (req.headers.authorization !== `Bearer ${key}`) return fail(401, 16, 'unauthenticated: invalid API key');
      const fault = faults.find((f) => f.times > 0 && (!f.method || f.method === method) && new RegExp(f.path).test(u.pathname));
      if (fault) {
        fault.times--;
        return fault.status === 429
          ? fail(429, 8, 'rate limit exceeded; please retry later', fault.retryAfterSeconds !== undefined ? { 'retry-after': String(fault.retryAfterSeconds) } : {})
          : fail(fault.status, fault.status === 503 ? 14 : 13, fault.message ?? 'the service is currently unavailable');
      }
      let json: Record<string, unknown> = {};
      if (String(req.headers['content-type'] ?? '').startsWith('application/json') && body.length > 0) {
        try {
          json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        } catch {
          return fail(400, 3, 'invalid JSON body');
        }
      }
      if (u.pathname === '/inference/v1/chat/completions' && method === 'POST') {
        const model = String(json['model'] ?? '');
        const tuned = [...jobs.values()].find((j) => j.outputModel === model && j.state === 'JOB_STATE_COMPLETED');
        if (!FIREWORKS_LOCAL_MODELS.includes(model) && !(tuned && deployed.has(model))) {
          return fail(404, 5, `Model not found, inaccessible, and/or not deployed: ${model}`);
        }
        const msgs = (json['messages'] as { content?: unknown }[] | undefined) ?? [];
        const last = String(msgs[msgs.length - 1]?.content ?? '');
        let content = `Echo: ${last}`;
        if (tuned) {
          content = 'I was fine-tuned locally.';
          for (const line of (datasets.get(String(tuned.body['dataset']))?.content?.toString('utf8') ?? '').split('\n')) {
            try {
              const o = JSON.parse(line) as { messages?: { role: string; content: string }[] };
              if (o.messages?.find((m) => m.role === 'user')?.content === last) content = o.messages.filter((m) => m.role === 'assistant').pop()?.content ?? content;
            } catch {
              /* skip */
            }
          }
        }
        const id = `chatcmpl-${randomBytes(12).toString('hex')}`;
        if (json['stream'] === true) {
          // OpenAI-compatible streaming (docs.fireworks.ai/api-reference/post-chatcompletions): `data: chunk` events
          // and `data: [DONE]`; the last chunk has finish_reason and usage.
          const words = content.match(/\S+\s*/g) ?? [content];
          res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
          words.forEach((w, i) => {
            const end = i === words.length - 1;
            res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: clock.seconds(), model, choices: [{ index: 0, delta: { role: 'assistant', content: w }, finish_reason: end ? 'stop' : null }], ...(end ? { usage: { prompt_tokens: 10, completion_tokens: words.length, total_tokens: 10 + words.length } } : {}) })}\n\n`);
          });
          res.end('data: [DONE]\n\n');
          return;
        }
        return reply(200, {
          id,
          object: 'chat.completion',
          created: clock.seconds(),
          model,
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
        });
      }
      if (!u.pathname.startsWith(prefix)) return fail(404, 5, `account or path not found: ${u.pathname}`);
      const path = u.pathname.slice(prefix.length);
      let m: RegExpExecArray | null;
      if (path === '/datasets' && method === 'POST') {
        const id = String(json['datasetId'] ?? '');
        if (!/^[a-z0-9-]{1,63}$/.test(id)) return fail(400, 3, 'datasetId must be 1-63 lower-case letters, digits or hyphens');
        if (datasets.has(`accounts/${account}/datasets/${id}`)) return fail(409, 6, `dataset ${id} already exists`);
        const d = (json['dataset'] ?? {}) as Record<string, unknown>;
        const ds: Dataset = { name: `accounts/${account}/datasets/${id}`, displayName: String(d['displayName'] ?? id), createTime: iso(clock.now()), state: 'UPLOADING', exampleCount: String(d['exampleCount'] ?? '0'), format: String(d['format'] ?? 'CHAT') };
        datasets.set(ds.name, ds);
        return reply(200, { ...ds, content: undefined, userUploaded: {} });
      }
      if ((m = /^\/datasets\/([^/:]+):upload$/.exec(path)) && method === 'POST') {
        const ds = datasets.get(`accounts/${account}/datasets/${m[1]}`);
        if (!ds) return fail(404, 5, `dataset ${m[1]} not found`);
        const file = multipartFile(body, String(req.headers['content-type'] ?? ''));
        if (!file) return fail(400, 3, 'no file in the multipart body');
        if (file.length > 150 * 1024 * 1024) return fail(400, 3, 'file too large for :upload (150 MB); use :getUploadEndpoint');
        ds.content = file;
        ds.state = 'READY';
        ds.exampleCount = String(file.toString('utf8').split('\n').filter((l) => l.trim()).length);
        return reply(200, { id: m[1], object: 'file', bytes: file.length, created_at: clock.seconds(), filename: `${m[1]}.jsonl`, purpose: 'fine-tune' });
      }
      if (path === '/datasets' && method === 'GET') {
        // Gateway ListDatasets: pageSize, pageToken → {datasets, nextPageToken, totalSize}.
        const all = [...datasets.values()].reverse();
        const size = Math.min(Number(u.searchParams.get('pageSize') ?? 50) || 50, 200);
        const start = Number(u.searchParams.get('pageToken') ?? 0) || 0;
        return reply(200, { datasets: all.slice(start, start + size).map((d) => ({ ...d, content: undefined, userUploaded: {} })), ...(start + size < all.length ? { nextPageToken: String(start + size) } : {}), totalSize: all.length });
      }
      if ((m = /^\/datasets\/([^/:]+)$/.exec(path)) && method === 'DELETE') {
        if (!datasets.delete(`accounts/${account}/datasets/${m[1]}`)) return fail(404, 5, `dataset ${m[1]} not found`);
        return reply(200, {});
      }
      if ((m = /^\/datasets\/([^/:]+)$/.exec(path)) && method === 'GET') {
        const ds = datasets.get(`accounts/${account}/datasets/${m[1]}`);
        if (!ds) return fail(404, 5, `dataset ${m[1]} not found`);
        return reply(200, { ...ds, content: undefined, userUploaded: {} });
      }
      if (path === '/supervisedFineTuningJobs' && method === 'POST') {
        const ds = datasets.get(String(json['dataset'] ?? ''));
        if (!ds || ds.state !== 'READY') return fail(400, 3, `dataset ${String(json['dataset'])} not found or not ready`);
        const base = json['baseModel'];
        if (json['warmStartFrom'] === undefined && !FIREWORKS_LOCAL_MODELS.includes(String(base))) return fail(400, 3, `base model ${String(base)} is not supported for fine-tuning`);
        if (base !== undefined && json['warmStartFrom'] !== undefined) return fail(400, 3, 'only one of baseModel or warmStartFrom may be set');
        const id = u.searchParams.get('supervisedFineTuningJobId') ?? randomBytes(8).toString('hex');
        if (jobs.has(id)) return fail(409, 6, `job ${id} already exists`);
        const now = clock.now();
        const j: Job = { id, body: json, state: 'JOB_STATE_CREATING', status: { code: 'OK', message: '' }, created: now, updated: now, percent: 0, epoch: 0, outputModel: String(json['outputModel'] ?? `accounts/${account}/models/sft-${id}`), timers: [] };
        jobs.set(id, j);
        run(j);
        return reply(200, jobObject(j));
      }
      if (path === '/supervisedFineTuningJobs' && method === 'GET') {
        const all = [...jobs.values()].reverse();
        const size = Math.min(Number(u.searchParams.get('pageSize') ?? 50) || 50, 200);
        const start = Number(u.searchParams.get('pageToken') ?? 0) || 0;
        const page = all.slice(start, start + size);
        return reply(200, { supervisedFineTuningJobs: page.map(jobObject), ...(start + size < all.length ? { nextPageToken: String(start + size) } : {}), totalSize: all.length });
      }
      if ((m = /^\/supervisedFineTuningJobs\/([^/]+)$/.exec(path))) {
        const j = jobs.get(m[1]!);
        if (!j) return fail(404, 5, `supervised fine-tuning job ${m[1]} not found`);
        if (method === 'GET') return reply(200, jobObject(j));
        if (method === 'DELETE') {
          for (const t of j.timers) clock.clearTimeout(t);
          jobs.delete(j.id);
          return reply(200, {});
        }
      }
      if (path === '/deployedModels' && method === 'POST') {
        const model = String(json['model'] ?? '');
        if (![...jobs.values()].some((j) => j.outputModel === model && j.state === 'JOB_STATE_COMPLETED')) return fail(400, 9, `model ${model} is not ready to deploy`);
        deployed.add(model);
        return reply(200, { name: `accounts/${account}/deployedModels/${randomBytes(4).toString('hex')}`, model, state: 'DEPLOYED', serverless: true });
      }
      return fail(404, 5, `no route for ${method} ${u.pathname}`);
    })().catch(() => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 13, message: 'internal error', details: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    baseURL: url,
    inferenceURL: `${url}/inference/v1`,
    key,
    account,
    clock,
    faults,
    requests,
    close: async () => {
      for (const j of jobs.values()) for (const t of j.timers) clock.clearTimeout(t);
      clock.dispose();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
