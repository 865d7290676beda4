/** `/files`: upload (multipart), list, retrieve, content, delete. */
import { badRequest, json, notFound, page, parseMultipart, queryLimit, type Reply } from '../http';
import type { Router } from '../router';
import { fileObject, type State, type StoredFile } from '../state';

export const FILE_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'] as const;
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

export function getFile(state: State, id: string): StoredFile {
  const f = state.files.get(id);
  if (!f) throw notFound(`No such File object: ${id}`, 'id');
  return f;
}

/** Checks purpose, name and size of a new file the way the service does; returns the expiry (or undefined). */
export function checkNewFile(
  purpose: string,
  filename: string,
  bytes: number,
  createdAt: number,
  expiresAfter?: { anchor?: string; seconds?: number },
): number | undefined {
  if (!(FILE_PURPOSES as readonly string[]).includes(purpose)) {
    throw badRequest(
      `Invalid value for 'purpose': '${purpose}'. Supported values are: ${FILE_PURPOSES.map((p) => `'${p}'`).join(', ')}.`,
      'purpose',
      'invalid_value',
    );
  }
  if (bytes > MAX_FILE_BYTES) throw badRequest(`File is too large (${bytes} bytes); the maximum is ${MAX_FILE_BYTES} bytes.`, 'file', 'file_too_large');
  if ((purpose === 'fine-tune' || purpose === 'batch') && !/\.jsonl$/i.test(filename)) {
    throw badRequest(
      `Invalid file format for ${purpose === 'batch' ? 'Batch' : 'Fine-Tuning'} API. Must be .jsonl`,
      'file',
      'invalid_file_format',
    );
  }
  if (!expiresAfter) return undefined;
  if (expiresAfter.anchor !== 'created_at') throw badRequest("Invalid value for 'expires_after.anchor': must be 'created_at'.", 'expires_after.anchor', 'invalid_value');
  const secs = Number(expiresAfter.seconds);
  if (!Number.isInteger(secs) || secs < 3600 || secs > 2592000) {
    throw badRequest("Invalid 'expires_after.seconds': expected an integer between 3600 and 2592000.", 'expires_after.seconds', 'integer_out_of_range');
  }
  return createdAt + secs;
}

export function registerFileRoutes(router: Router): void {
  router.post('/files', ({ body, headers, server }): Reply => {
    const parts = parseMultipart(body, headers['content-type']);
    const file = parts.find((p) => p.name === 'file');
    const purposePart = parts.find((p) => p.name === 'purpose');
    if (!purposePart) throw badRequest("Missing required parameter: 'purpose'.", 'purpose', 'missing_required_parameter');
    if (!file) throw badRequest("Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
    const purpose = purposePart.data.toString('utf8');
    const filename = file.filename ?? 'upload';
    const anchor = parts.find((p) => p.name === 'expires_after[anchor]')?.data.toString('utf8');
    const seconds = parts.find((p) => p.name === 'expires_after[seconds]')?.data.toString('utf8');
    const now = server.clock.seconds();
    const expires = checkNewFile(
      purpose,
      filename,
      file.data.length,
      now,
      anchor !== undefined || seconds !== undefined ? { anchor: anchor ?? '', seconds: Number(seconds) } : undefined,
    );
    const stored: StoredFile = {
      id: server.flavour.newId('file'),
      bytes: file.data.length,
      created_at: now,
      filename,
      purpose,
      ...(expires !== undefined ? { expires_at: expires } : {}),
      content: Buffer.from(file.data),
    };
    server.state.files.set(stored.id, stored);
    return json(fileObject(stored));
  });

  router.get('/files', ({ query, server }) => {
    const purpose = query.get('purpose');
    const order = query.get('order') ?? 'desc';
    if (order !== 'asc' && order !== 'desc') throw badRequest(`Invalid value for 'order': '${order}'. Supported values are: 'asc' and 'desc'.`, 'order', 'invalid_value');
    const limit = queryLimit(query, 10000, 10000);
    const all = [...server.state.files.values()].filter((f) => !purpose || f.purpose === purpose);
    all.sort((a, b) => a.created_at - b.created_at);
    if (order === 'desc') all.reverse();
    const { data, has_more } = page(all, query.get('after'), limit);
    return json({
      object: 'list',
      data: data.map(fileObject),
      first_id: data[0]?.id ?? '',
      last_id: data[data.length - 1]?.id ?? '',
      has_more,
    });
  });

  router.get('/files/{file_id}', ({ params, server }) => json(fileObject(getFile(server.state, params['file_id']!))));

  router.delete('/files/{file_id}', ({ params, server }) => {
    const f = getFile(server.state, params['file_id']!);
    server.state.files.delete(f.id);
    return json({ id: f.id, object: 'file', deleted: true });
  });

  router.get('/files/{file_id}/content', ({ params, server }): Reply => {
    const f = getFile(server.state, params['file_id']!);
    return { kind: 'raw', status: 200, body: f.content, contentType: 'application/octet-stream' };
  });
}
