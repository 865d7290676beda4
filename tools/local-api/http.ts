/** Small HTTP helpers shared by the routes: errors in OpenAI's JSON shape, replies, bodies, multipart. */

/** The body every error response carries (`ErrorResponse` in the spec). */
export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** Thrown by handlers; the server turns it into an error response in OpenAI's JSON shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = status >= 500 ? 'server_error' : 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const badRequest = (message: string, param: string | null = null, code: string | null = null): ApiError =>
  new ApiError(400, message, 'invalid_request_error', param, code);

export const notFound = (message: string, param: string | null = null, code: string | null = null): ApiError =>
  new ApiError(404, message, 'invalid_request_error', param, code);

/** What a handler returns. The server writes it (and may break it on purpose when a fault says so). */
export type Reply =
  | { readonly kind: 'json'; readonly status: number; readonly body: unknown; readonly headers?: Record<string, string> }
  | { readonly kind: 'raw'; readonly status: number; readonly body: Buffer; readonly contentType: string }
  /** Server-sent events: each entry is one `data:` payload (already serialised), `[DONE]` included. */
  | { readonly kind: 'sse'; readonly status: number; readonly events: readonly string[] };

export const json = (body: unknown, status = 200, headers?: Record<string, string>): Reply => ({
  kind: 'json',
  status,
  body,
  ...(headers ? { headers } : {}),
});

/** One part of a multipart/form-data body. */
export interface FormPart {
  readonly name: string;
  readonly filename?: string;
  readonly contentType?: string;
  readonly data: Buffer;
}

/** Parses a multipart/form-data body (RFC 7578); enough for what the SDK sends. */
export function parseMultipart(body: Buffer, contentTypeHeader: string | undefined): FormPart[] {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentTypeHeader ?? '');
  if (!contentTypeHeader || !/^multipart\/form-data/i.test(contentTypeHeader) || !m) {
    throw badRequest('Expected a multipart/form-data request body.');
  }
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  const parts: FormPart[] = [];
  let pos = body.indexOf(boundary);
  if (pos < 0) throw badRequest('Malformed multipart body: boundary not found.');
  for (;;) {
    pos += boundary.length;
    if (body.subarray(pos, pos + 2).toString() === '--') break; // closing boundary
    if (body.subarray(pos, pos + 2).toString() === '\r\n') pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw badRequest('Malformed multipart body: part headers not terminated.');
    const headerText = body.subarray(pos, headerEnd).toString('utf8');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), boundary]), headerEnd + 4);
    if (next < 0) throw badRequest('Malformed multipart body: closing boundary not found.');
    const data = body.subarray(headerEnd + 4, next);
    const headers = new Map<string, string>();
    for (const line of headerText.split('\r\n')) {
      const i = line.indexOf(':');
      if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
    }
    const disposition = headers.get('content-disposition') ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
    const contentType = headers.get('content-type');
    if (name !== undefined) {
      parts.push({
        name,
        data,
        ...(filename !== undefined ? { filename } : {}),
        ...(contentType !== undefined ? { contentType } : {}),
      });
    }
    pos = next + 2;
  }
  return parts;
}

/** Parses a JSON request body into an object, or throws a 400 like the service does. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) throw badRequest('We could not parse the JSON body of your request. (HINT: This likely means you aren\'t using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)');
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw badRequest('We could not parse the JSON body of your request. (HINT: This likely means you aren\'t using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

/** Refuses keys the operation does not know, as the service does ("Unrecognized request argument supplied"). */
export function rejectUnknown(body: Record<string, unknown>, allowed: readonly string[]): void {
  const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw badRequest(`Unrecognized request argument supplied: ${unknown.join(', ')}`, unknown[0]!, 'unknown_parameter');
  }
}

/** Reads `limit` from a query string with the bounds the service uses. */
export function queryLimit(query: URLSearchParams, dflt: number, max: number): number {
  const raw = query.get('limit');
  if (raw === null) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw badRequest(`Invalid 'limit': expected an integer between 1 and ${max}, got ${raw}.`, 'limit', 'integer_out_of_range');
  }
  return n;
}

/**
 * Cursor paging the way the service does it: `items` are already in list order; `after` is the id of the last item
 * of the previous page.
 */
export function page<T extends { id: string }>(
  items: readonly T[],
  after: string | null,
  limit: number,
): { data: T[]; has_more: boolean } {
  let start = 0;
  if (after) {
    const i = items.findIndex((x) => x.id === after);
    start = i < 0 ? items.length : i + 1;
  }
  const data = items.slice(start, start + limit);
  return { data, has_more: start + limit < items.length };
}
