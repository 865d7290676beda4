/**
 * `/batches` (issue 11): create, retrieve, cancel, list. A batch takes a `batch`-purpose JSONL input file of
 * `{ custom_id, method: "POST", url, body }` lines and runs on the server's clock:
 *
 * `validating` (2 s; a bad input file → `failed` with `errors`) → `in_progress` (requests answered in ten steps over
 * max(5 s, 50 ms a request), `request_counts` growing) → `finalizing` (2 s) → `completed`, with an output file
 * (`batch_output`) of the answered requests and an error file of the failed ones. `cancel` while validating or in
 * progress → `cancelling` (1 s) → `cancelled`, with the files of what was answered by then.
 *
 * Each request is answered by the very handler of `POST /chat/completions` (the same nearest-example logic, the same
 * errors), so a batch evaluation scores the same as a live one.
 */
import { randomBytes } from 'node:crypto';
import type { ServerContext } from '../context';
import { ApiError, badRequest, json, notFound, page, parseJsonObject, queryLimit, rejectUnknown, type Reply } from '../http';
import { Router } from '../router';
import { type BatchRequestLine, type StoredBatch, type StoredFile } from '../state';
import { registerChatRoutes } from './chat';

export const BATCH_TIMING = {
  validateMs: 2_000,
  minRunMs: 5_000,
  perRequestMs: 50,
  steps: 10,
  finalizeMs: 2_000,
  cancelMs: 1_000,
  windowMs: 24 * 3600_000,
} as const;

export const MAX_BATCH_REQUESTS = 50_000;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function newBatchId(server: ServerContext): string {
  return server.flavour.name === 'azure'
    ? `batch_${randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5')}`
    : `batch_${randomBytes(12).toString('hex')}`;
}

/** The chat completions handler, reached through a router of its own (the one the HTTP server uses is not needed). */
const chatRouter = new Router();
registerChatRoutes(chatRouter);

function answer(server: ServerContext, body: Record<string, unknown>): { status: number; body: unknown } {
  const m = chatRouter.match('POST', '/chat/completions');
  if (m.kind !== 'found') throw new Error('chat route missing');
  try {
    if (body['stream'] === true) throw badRequest('Streaming is not supported in the Batch API.', 'stream', 'invalid_value');
    const reply = m.route.handler({
      method: 'POST',
      apiPath: '/chat/completions',
      params: {},
      query: new URLSearchParams(),
      headers: {},
      body: Buffer.from(JSON.stringify(body)),
      server,
    }) as Reply;
    if (reply.kind !== 'json') throw new Error('unexpected reply');
    return { status: reply.status, body: reply.body };
  } catch (e) {
    if (e instanceof ApiError) return { status: e.status, body: e.toBody() };
    throw e;
  }
}

export function batchObject(b: StoredBatch): Record<string, unknown> {
  const opt = (k: keyof StoredBatch) => (b[k] !== undefined ? { [k]: b[k] } : {});
  const model = b.run.requests.find((r) => typeof r.body['model'] === 'string')?.body['model'];
  return {
    id: b.id,
    object: 'batch',
    endpoint: b.endpoint,
    ...(typeof model === 'string' ? { model } : {}),
    ...opt('errors'),
    input_file_id: b.input_file_id,
    completion_window: b.completion_window,
    status: b.status,
    ...opt('output_file_id'),
    ...opt('error_file_id'),
    created_at: b.created_at,
    ...opt('in_progress_at'),
    expires_at: b.expires_at,
    ...opt('finalizing_at'),
    ...opt('completed_at'),
    ...opt('failed_at'),
    ...opt('cancelling_at'),
    ...opt('cancelled_at'),
    request_counts: { ...b.request_counts },
    usage: {
      input_tokens: b.usage.input_tokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: b.usage.output_tokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: b.usage.input_tokens + b.usage.output_tokens,
    },
    metadata: b.metadata,
  };
}

/** Checks the input file's lines; returns the requests or the errors (with 1-based line numbers, as the service). */
function checkInput(file: StoredFile, endpoint: string): { requests: BatchRequestLine[]; errors: NonNullable<StoredBatch['errors']>['data'] } {
  const requests: BatchRequestLine[] = [];
  const errors: NonNullable<StoredBatch['errors']>['data'] = [];
  const seen = new Set<string>();
  const lines = file.content.toString('utf8').split('\n');
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    const line = i + 1;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      errors.push({ code: 'invalid_json_line', message: 'This line is not parseable as valid JSON.', param: null, line });
      return;
    }
    if (!isObj(v)) {
      errors.push({ code: 'invalid_request', message: 'Each line must be a JSON object.', param: null, line });
      return;
    }
    const id = v['custom_id'];
    if (typeof id !== 'string' || id === '') {
      errors.push({ code: 'missing_required_parameter', message: "Missing required parameter: 'custom_id'.", param: 'custom_id', line });
      return;
    }
    if (seen.has(id)) {
      errors.push({ code: 'duplicate_custom_id', message: 'The custom_id for this request is a duplicate of another request. The custom_id parameter must be unique for each request in a batch.', param: 'custom_id', line });
      return;
    }
    seen.add(id);
    if (v['method'] !== 'POST') {
      errors.push({ code: 'invalid_method', message: "Invalid value for 'method': only 'POST' is supported.", param: 'method', line });
      return;
    }
    if (v['url'] !== endpoint) {
      errors.push({ code: 'mismatched_endpoint', message: `The provided url '${String(v['url'])}' does not match the batch endpoint '${endpoint}'.`, param: 'url', line });
      return;
    }
    if (!isObj(v['body']) || typeof v['body']['model'] !== 'string') {
      errors.push({ code: 'missing_required_parameter', message: "Missing required parameter: 'body.model'.", param: 'body.model', line });
      return;
    }
    requests.push({ customId: id, body: v['body'] });
  });
  if (requests.length + errors.length === 0) errors.push({ code: 'empty_file', message: 'The input file is empty.', param: null, line: null });
  if (requests.length > MAX_BATCH_REQUESTS) {
    errors.push({ code: 'too_many_requests', message: `A batch can have at most ${MAX_BATCH_REQUESTS} requests.`, param: null, line: null });
  }
  return { requests, errors };
}

function requestId(): string {
  return `req_${randomBytes(16).toString('hex')}`;
}

function schedule(server: ServerContext, b: StoredBatch, ms: number, fn: () => void): void {
  b.run.timer = server.clock.setTimeout(() => {
    b.run.timer = undefined;
    if (server.state.batches.get(b.id) !== b) return; // reset
    fn();
  }, ms);
}

function validate(server: ServerContext, b: StoredBatch): void {
  const file = server.state.files.get(b.input_file_id);
  const checked = file ? checkInput(file, b.endpoint) : { requests: [], errors: [{ code: 'file_not_found', message: `No such File object: ${b.input_file_id}`, param: 'input_file_id', line: null }] };
  if (checked.errors.length > 0) {
    b.status = 'failed';
    b.failed_at = server.clock.seconds();
    b.errors = { object: 'list', data: checked.errors };
    return;
  }
  b.run.requests = checked.requests;
  b.request_counts = { total: checked.requests.length, completed: 0, failed: 0 };
  b.status = 'in_progress';
  b.in_progress_at = server.clock.seconds();
  const runMs = Math.max(BATCH_TIMING.minRunMs, BATCH_TIMING.perRequestMs * checked.requests.length);
  const stepMs = Math.ceil(runMs / BATCH_TIMING.steps);
  const perStep = Math.ceil(checked.requests.length / BATCH_TIMING.steps);
  const step = () => {
    if (b.status !== 'in_progress') return;
    const end = Math.min(b.run.requests.length, b.run.next + perStep);
    for (; b.run.next < end; b.run.next++) {
      const r = b.run.requests[b.run.next]!;
      const a = answer(server, r.body);
      const line = JSON.stringify({ id: `batch_req_${randomBytes(12).toString('hex')}`, custom_id: r.customId, response: { status_code: a.status, request_id: requestId(), body: a.body }, error: null });
      if (a.status < 400) {
        b.run.output.push(line);
        b.request_counts.completed++;
        const u = isObj(a.body) && isObj(a.body['usage']) ? a.body['usage'] : undefined;
        b.usage.input_tokens += Number(u?.['prompt_tokens']) || 0;
        b.usage.output_tokens += Number(u?.['completion_tokens']) || 0;
      } else {
        b.run.errors.push(line);
        b.request_counts.failed++;
      }
    }
    if (b.run.next < b.run.requests.length) {
      schedule(server, b, stepMs, step);
      return;
    }
    b.status = 'finalizing';
    b.finalizing_at = server.clock.seconds();
    schedule(server, b, BATCH_TIMING.finalizeMs, () => {
      writeFiles(server, b);
      b.status = 'completed';
      b.completed_at = server.clock.seconds();
    });
  };
  schedule(server, b, stepMs, step);
}

function writeFiles(server: ServerContext, b: StoredBatch): void {
  const put = (lines: string[], kind: 'output' | 'error'): string => {
    const content = Buffer.from(lines.map((l) => `${l}\n`).join(''));
    const f: StoredFile = {
      id: server.flavour.newId('file'),
      bytes: content.length,
      created_at: server.clock.seconds(),
      filename: `${b.id}_${kind}.jsonl`,
      purpose: 'batch_output',
      content,
    };
    server.state.files.set(f.id, f);
    return f.id;
  };
  if (b.run.output.length > 0) b.output_file_id = put(b.run.output, 'output');
  if (b.run.errors.length > 0) b.error_file_id = put(b.run.errors, 'error');
}

function getBatch(server: ServerContext, id: string): StoredBatch {
  const b = server.state.batches.get(id);
  if (!b) throw notFound(`No batch found with id '${id}'.`, 'batch_id');
  return b;
}

export function registerBatchRoutes(router: Router): void {
  router.post('/batches', ({ body, server }): Reply => {
    const req = parseJsonObject(body);
    rejectUnknown(req, ['input_file_id', 'endpoint', 'completion_window', 'metadata', 'output_expires_after']);
    const inputFileId = req['input_file_id'];
    if (typeof inputFileId !== 'string' || inputFileId === '') {
      throw badRequest("Missing required parameter: 'input_file_id'.", 'input_file_id', 'missing_required_parameter');
    }
    const endpoint = req['endpoint'];
    // Azure's v1 API documents `/chat/completions`; OpenAI's spec `/v1/chat/completions`.
    const endpoints = server.flavour.name === 'azure' ? ['/v1/chat/completions', '/chat/completions'] : ['/v1/chat/completions'];
    if (typeof endpoint !== 'string') throw badRequest("Missing required parameter: 'endpoint'.", 'endpoint', 'missing_required_parameter');
    if (!endpoints.includes(endpoint)) {
      throw badRequest(`Invalid value for 'endpoint': '${endpoint}'. This local API supports ${endpoints.map((e) => `'${e}'`).join(' and ')}.`, 'endpoint', 'invalid_value');
    }
    if (req['completion_window'] !== '24h') {
      throw badRequest(`Invalid value for 'completion_window': '${String(req['completion_window'])}'. Supported values are: '24h'.`, 'completion_window', 'invalid_value');
    }
    const metadata = req['metadata'];
    if (metadata !== undefined && metadata !== null) {
      if (!isObj(metadata) || Object.keys(metadata).length > 16 || Object.entries(metadata).some(([k, v]) => k.length > 64 || typeof v !== 'string' || v.length > 512)) {
        throw badRequest("Invalid 'metadata': at most 16 string values (keys up to 64 characters, values up to 512).", 'metadata', 'invalid_value');
      }
    }
    const file = server.state.files.get(inputFileId);
    if (!file) throw notFound(`No such File object: ${inputFileId}`, 'input_file_id');
    if (file.purpose !== 'batch') {
      throw badRequest(`File ${inputFileId} has purpose '${file.purpose}'; a batch input file must have purpose 'batch'.`, 'input_file_id', 'invalid_value');
    }
    const now = server.clock.seconds();
    const b: StoredBatch = {
      id: newBatchId(server),
      created_at: now,
      endpoint,
      input_file_id: inputFileId,
      completion_window: '24h',
      metadata: isObj(metadata) ? (metadata as Record<string, string>) : null,
      expires_at: now + BATCH_TIMING.windowMs / 1000,
      status: 'validating',
      request_counts: { total: 0, completed: 0, failed: 0 },
      usage: { input_tokens: 0, output_tokens: 0 },
      run: { requests: [], next: 0, output: [], errors: [] },
    };
    server.state.batches.set(b.id, b);
    schedule(server, b, BATCH_TIMING.validateMs, () => validate(server, b));
    return json(batchObject(b));
  });

  router.get('/batches', ({ query, server }) => {
    const limit = queryLimit(query, 20, 100);
    const all = [...server.state.batches.values()].reverse(); // newest first
    const { data, has_more } = page(all, query.get('after'), limit);
    return json({
      object: 'list',
      data: data.map(batchObject),
      ...(data.length > 0 ? { first_id: data[0]!.id, last_id: data[data.length - 1]!.id } : {}),
      has_more,
    });
  });

  router.get('/batches/{batch_id}', ({ params, server }) => json(batchObject(getBatch(server, params['batch_id']!))));

  router.post('/batches/{batch_id}/cancel', ({ params, server }) => {
    const b = getBatch(server, params['batch_id']!);
    if (b.status === 'validating' || b.status === 'in_progress' || b.status === 'finalizing') {
      server.clock.clearTimeout(b.run.timer);
      b.status = 'cancelling';
      b.cancelling_at = server.clock.seconds();
      schedule(server, b, BATCH_TIMING.cancelMs, () => {
        writeFiles(server, b);
        b.status = 'cancelled';
        b.cancelled_at = server.clock.seconds();
      });
    } else if (b.status !== 'cancelling') {
      throw badRequest(`Cannot cancel a batch with status '${b.status}'.`, null, 'invalid_state');
    }
    return json(batchObject(b));
  });
}

