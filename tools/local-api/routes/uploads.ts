/** `/uploads`: create, add part, complete (byte count and parts checked, assembled in `part_ids` order), cancel, expiry. */
import { createHash } from 'node:crypto';
import { badRequest, json, notFound, parseJsonObject, parseMultipart, rejectUnknown, type Reply } from '../http';
import type { Router } from '../router';
import { fileObject, type State, type StoredFile, type StoredUpload } from '../state';
import type { Clock } from '../clock';
import { checkNewFile } from './files';

export const UPLOAD_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision'] as const;
export const MAX_UPLOAD_BYTES = 8 * 1024 * 1024 * 1024;
export const MAX_PART_BYTES = 64 * 1024 * 1024;
/** An upload expires an hour after it was created. */
export const UPLOAD_TTL_SECONDS = 3600;

const MIME_TYPES: Record<string, readonly string[]> = {
  'fine-tune': ['text/jsonl', 'application/jsonl', 'application/x-ndjson', 'application/json', 'text/plain', 'application/octet-stream'],
  batch: ['text/jsonl', 'application/jsonl', 'application/x-ndjson', 'application/json', 'text/plain', 'application/octet-stream'],
};

/** The upload's status now (a pending upload past `expires_at` has expired). */
function refresh(u: StoredUpload, clock: Clock): StoredUpload {
  if (u.status === 'pending' && clock.seconds() >= u.expires_at) u.status = 'expired';
  return u;
}

function uploadObject(u: StoredUpload, state: State): Record<string, unknown> {
  const file = u.fileId ? state.files.get(u.fileId) : undefined;
  return {
    id: u.id,
    object: 'upload',
    bytes: u.bytes,
    created_at: u.created_at,
    filename: u.filename,
    purpose: u.purpose,
    status: u.status,
    expires_at: u.expires_at,
    file: file ? fileObject(file) : null,
  };
}

function getUpload(state: State, clock: Clock, id: string): StoredUpload {
  const u = state.uploads.get(id);
  if (!u) throw notFound(`No such Upload object: ${id}`, 'upload_id');
  return refresh(u, clock);
}

function requirePending(u: StoredUpload): void {
  if (u.status !== 'pending') {
    throw badRequest(`Upload ${u.id} is ${u.status}; only a pending upload accepts this.`, 'upload_id', `upload_${u.status}`);
  }
}

export function registerUploadRoutes(router: Router): void {
  router.post('/uploads', ({ body, server }) => {
    const req = parseJsonObject(body);
    rejectUnknown(req, ['filename', 'purpose', 'bytes', 'mime_type', 'expires_after']);
    for (const key of ['filename', 'purpose', 'bytes', 'mime_type']) {
      if (req[key] === undefined || req[key] === null) throw badRequest(`Missing required parameter: '${key}'.`, key, 'missing_required_parameter');
    }
    const { filename, purpose, bytes, mime_type: mime } = req;
    if (typeof filename !== 'string') throw badRequest("Invalid type for 'filename': expected a string.", 'filename', 'invalid_type');
    if (typeof purpose !== 'string' || !(UPLOAD_PURPOSES as readonly string[]).includes(purpose)) {
      throw badRequest(`Invalid value for 'purpose': '${String(purpose)}'. Supported values are: ${UPLOAD_PURPOSES.map((p) => `'${p}'`).join(', ')}.`, 'purpose', 'invalid_value');
    }
    if (typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 0) throw badRequest("Invalid type for 'bytes': expected a non-negative integer.", 'bytes', 'invalid_type');
    if (bytes > MAX_UPLOAD_BYTES) throw badRequest(`Invalid 'bytes': an upload can hold at most ${MAX_UPLOAD_BYTES} bytes, got ${bytes}.`, 'bytes', 'integer_above_max_value');
    if (typeof mime !== 'string') throw badRequest("Invalid type for 'mime_type': expected a string.", 'mime_type', 'invalid_type');
    const allowed = MIME_TYPES[purpose];
    if (allowed && !allowed.includes(mime.toLowerCase())) {
      throw badRequest(`Invalid 'mime_type': '${mime}' is not supported for purpose '${purpose}'. Supported: ${allowed.join(', ')}.`, 'mime_type', 'invalid_value');
    }
    const now = server.clock.seconds();
    checkNewFile(purpose, filename, 0, now);
    const u: StoredUpload = {
      id: server.flavour.newId('upload'),
      created_at: now,
      filename,
      bytes,
      purpose,
      mime_type: mime,
      expires_at: now + UPLOAD_TTL_SECONDS,
      status: 'pending',
      parts: [],
      fileId: null,
    };
    server.state.uploads.set(u.id, u);
    return json(uploadObject(u, server.state));
  });

  router.post('/uploads/{upload_id}/parts', ({ params, body, headers, server }): Reply => {
    const u = getUpload(server.state, server.clock, params['upload_id']!);
    requirePending(u);
    const data = parseMultipart(body, headers['content-type']).find((p) => p.name === 'data');
    if (!data) throw badRequest("Missing required parameter: 'data'.", 'data', 'missing_required_parameter');
    if (data.data.length > MAX_PART_BYTES) {
      throw badRequest(`A part can hold at most ${MAX_PART_BYTES} bytes, got ${data.data.length}.`, 'data', 'part_too_large');
    }
    const part = { id: server.flavour.newId('part'), created_at: server.clock.seconds(), data: Buffer.from(data.data) };
    u.parts.push(part);
    return json({ id: part.id, object: 'upload.part', created_at: part.created_at, upload_id: u.id });
  });

  router.post('/uploads/{upload_id}/complete', ({ params, body, server }) => {
    const u = getUpload(server.state, server.clock, params['upload_id']!);
    requirePending(u);
    const req = parseJsonObject(body);
    rejectUnknown(req, ['part_ids', 'md5']);
    const ids = req['part_ids'];
    if (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string')) {
      throw badRequest("Invalid type for 'part_ids': expected an array of strings.", 'part_ids', 'invalid_type');
    }
    const seen = new Set<string>();
    const chunks: Buffer[] = [];
    for (const [i, id] of (ids as string[]).entries()) {
      if (seen.has(id)) throw badRequest(`Invalid 'part_ids[${i}]': part ${id} is listed more than once.`, 'part_ids', 'duplicate_part');
      seen.add(id);
      const part = u.parts.find((p) => p.id === id);
      if (!part) throw badRequest(`Invalid 'part_ids[${i}]': ${id} is not a part of upload ${u.id}.`, 'part_ids', 'invalid_part');
      chunks.push(part.data);
    }
    const content = Buffer.concat(chunks);
    if (content.length !== u.bytes) {
      throw badRequest(
        `The number of bytes uploaded (${content.length}) does not match the number of bytes expected when the upload was created (${u.bytes}).`,
        'part_ids',
        'bytes_mismatch',
      );
    }
    const md5 = req['md5'];
    if (typeof md5 === 'string' && md5 !== '') {
      const actual = createHash('md5').update(content).digest('hex');
      if (actual !== md5.toLowerCase()) throw badRequest(`The md5 checksum of the assembled file (${actual}) does not match the md5 given (${md5}).`, 'md5', 'md5_mismatch');
    }
    const now = server.clock.seconds();
    const file: StoredFile = {
      id: server.flavour.newId('file'),
      bytes: content.length,
      created_at: now,
      filename: u.filename,
      purpose: u.purpose,
      content,
    };
    server.state.files.set(file.id, file);
    u.fileId = file.id;
    u.status = 'completed';
    return json(uploadObject(u, server.state));
  });

  router.post('/uploads/{upload_id}/cancel', ({ params, server }) => {
    const u = getUpload(server.state, server.clock, params['upload_id']!);
    requirePending(u);
    u.status = 'cancelled';
    return json(uploadObject(u, server.state));
  });
}
