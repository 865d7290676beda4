/**
 * The HTTP server: flavour prefix and auth, request log, faults, routing, and writing replies (which a fault may cut
 * short on purpose). Plain Node `http`, bound to 127.0.0.1 only.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdmin, type AdminTarget } from './admin';
import { isArmPath, type ArmDeployments } from './arm';
import type { ServerContext } from './context';
import type { ActiveFault } from './faults';
import { ApiError, type ErrorBody, type Reply } from './http';
import type { RequestLog } from './requests';
import type { Router } from './router';

/** What the server sent for one API request; given to `onResponse` (e.g. to check it against the spec). */
export interface ResponseRecord {
  readonly method: string;
  /** Path after the flavour's prefix. */
  readonly path: string;
  /** Spec path template of the matched route, or null when no route matched. */
  readonly operation: string | null;
  readonly status: number;
  readonly contentType: string;
  /** The whole body, for non-streamed replies. */
  readonly body?: string;
  /** The `data:` payloads of a streamed reply, in order (`[DONE]` included), as far as they were sent. */
  readonly events?: readonly string[];
  /** False when a fault dropped the connection before the reply was complete. */
  readonly complete: boolean;
  /** The request's JSON body (only for `application/json` requests), to check what was accepted. */
  readonly requestJson?: string;
}

export interface ServerOptions {
  readonly context: ServerContext;
  readonly router: Router;
  readonly requests: RequestLog;
  readonly key: string;
  readonly admin: AdminTarget;
  /** Real-time delay between streamed chunks, ms. */
  readonly streamDelayMs: number;
  readonly onResponse?: (record: ResponseRecord) => void;
  /** Azure flavour: the Azure Resource Manager deployment routes (`/subscriptions/...`). */
  readonly arm?: ArmDeployments;
}

const MAX_BODY = 600 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError(413, 'Request body too large.', 'invalid_request_error', null, 'request_too_large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}


function faultError(f: ActiveFault): ApiError {
  if (f.kind === 'rate-limit') {
    const headers: Record<string, string> = { 'retry-after': String(f.retryAfter ?? 1) };
    if (f.retryAfterMs !== undefined) headers['retry-after-ms'] = String(f.retryAfterMs);
    headers['x-ratelimit-limit-requests'] = '500';
    headers['x-ratelimit-remaining-requests'] = '0';
    headers['x-ratelimit-reset-requests'] = `${f.retryAfter ?? 1}s`;
    return new ApiError(
      429,
      f.message ?? 'Rate limit reached for requests. Please try again later.',
      'requests',
      null,
      'rate_limit_exceeded',
      headers,
    );
  }
  const status = f.status ?? 500;
  const message =
    f.message ??
    (status === 503
      ? 'The server is overloaded or not ready yet.'
      : status === 502
        ? 'Bad gateway.'
        : 'The server had an error while processing your request. Sorry about that!');
  // `code` (e.g. 403 `training_not_available`, OpenAI's wind-down refusal) goes in the error body when given.
  return new ApiError(status, message, status >= 500 ? 'server_error' : 'invalid_request_error', null, f.code ?? null);
}

export class LocalApiServer {
  readonly http: Server;
  private readonly opts: ServerOptions;
  /** Latency faults in progress (cut short by `close()`, so no timer outlives the server). */
  private readonly sleeping = new Map<NodeJS.Timeout, () => void>();

  constructor(opts: ServerOptions) {
    this.opts = opts;
    this.http = createServer({ keepAlive: true }, (req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        // last resort: the handler itself broke
        if (!res.headersSent) {
          const e = new ApiError(500, `Internal error in the local API: ${err instanceof Error ? err.message : String(err)}`);
          res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify(e.toBody()));
        } else res.destroy();
      });
    });
  }

  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, '127.0.0.1', () => {
        this.http.off('error', reject);
        resolve((this.http.address() as AddressInfo).port);
      });
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.sleeping.delete(t);
        resolve();
      }, ms);
      this.sleeping.set(t, resolve);
    });
  }

  close(): Promise<void> {
    for (const [t, wake] of this.sleeping) {
      clearTimeout(t);
      wake();
    }
    this.sleeping.clear();
    return new Promise((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { context, router, requests } = this.opts;
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (err) {
      if (err instanceof ApiError) this.write(res, method, url.pathname, null, errorReply(err), []);
      return;
    }

    if (url.pathname === '/__admin' || url.pathname.startsWith('/__admin/')) {
      const reply = handleAdmin(this.opts.admin, method, url, body);
      this.write(res, method, url.pathname, null, reply, [], false);
      return;
    }

    if (this.opts.arm && isArmPath(url.pathname)) {
      // Azure Resource Manager: its own auth (an Entra ID bearer token) and error shape; not in the OpenAI spec.
      const entry = requests.add({ at: context.clock.now(), method, path: url.pathname, query: url.search, operation: 'ARM deployments', status: 0, faults: [] });
      const faults = context.faults.take(method, url.pathname);
      entry.faults.push(...faults.map((f) => `${f.id}:${f.kind}`));
      const auth = req.headers['authorization'];
      const reply = this.opts.arm.handle({ method, url, authorization: Array.isArray(auth) ? auth[0] : auth, body, faults });
      entry.status = reply.status;
      this.write(res, method, url.pathname, null, reply, [], false);
      return;
    }

    const prefix = context.flavour.prefix;
    const inPrefix = url.pathname === prefix || url.pathname.startsWith(`${prefix}/`);
    const apiPath = inPrefix ? url.pathname.slice(prefix.length) || '/' : url.pathname;
    const match = inPrefix ? router.match(method, apiPath) : ({ kind: 'not-found' } as const);
    const operation = match.kind === 'found' ? match.route.template : null;
    const entry = requests.add({
      at: context.clock.now(),
      method,
      path: apiPath,
      query: url.search,
      operation,
      status: 0,
      faults: [],
    });

    const presented = context.flavour.presentedKey(req.headers);
    if (presented !== this.opts.key) {
      const u = context.flavour.unauthorized(presented);
      entry.status = 401;
      this.write(res, method, apiPath, operation, errorReply(new ApiError(401, u.message, u.type, null, u.code)), []);
      return;
    }

    const faults = context.faults.take(method, apiPath);
    entry.faults.push(...faults.map((f) => `${f.id}:${f.kind}`));
    const latency = faults.find((f) => f.kind === 'latency');
    if (latency) await this.sleep(latency.latencyMs ?? 1000);
    const failing = faults.find((f) => f.kind === 'rate-limit' || f.kind === 'error');

    let reply: Reply;
    if (failing) reply = errorReply(faultError(failing));
    else if (match.kind === 'not-found') {
      reply = errorReply(new ApiError(404, `Invalid URL (${method} ${url.pathname})`, 'invalid_request_error', null, null));
    } else if (match.kind === 'method-not-allowed') {
      reply = errorReply(new ApiError(405, `Invalid method for URL (${method} ${url.pathname})`, 'invalid_request_error', null, null));
    } else {
      try {
        reply = await match.route.handler({
          method,
          apiPath,
          params: match.params,
          query: url.searchParams,
          headers: req.headers,
          body,
          server: context,
        });
      } catch (err) {
        reply = errorReply(
          err instanceof ApiError ? err : new ApiError(500, `The server had an error while processing your request: ${err instanceof Error ? err.message : String(err)}`),
        );
      }
    }
    entry.status = reply.status;
    const drop = faults.filter((f) => f.kind === 'drop-body' || f.kind === 'drop-stream');
    const isJson = /^application\/json/i.test(req.headers['content-type'] ?? '') && body.length > 0;
    this.write(res, method, apiPath, operation, reply, drop, true, isJson ? body.toString('utf8') : undefined);
  }

  private write(
    res: ServerResponse,
    method: string,
    path: string,
    operation: string | null,
    reply: Reply,
    drops: readonly ActiveFault[],
    record = true,
    requestJson?: string,
  ): void {
    if (res.destroyed) return; // the client went away, or the server is closing
    const common: Record<string, string> = {
      'x-request-id': `req_${randomBytes(16).toString('hex')}`,
      'openai-version': '2020-10-01',
      'openai-processing-ms': '1',
    };
    const report = (r: Omit<ResponseRecord, 'method' | 'path' | 'operation' | 'status'>): void => {
      if (record) {
        this.opts.onResponse?.({ method, path, operation, status: reply.status, ...r, ...(requestJson !== undefined ? { requestJson } : {}) });
      }
    };
    const dropStream = drops.find((f) => f.kind === 'drop-stream');
    const dropBody = drops.find((f) => f.kind === 'drop-body') ?? (reply.kind !== 'sse' ? dropStream : undefined);

    if (reply.kind === 'sse') {
      res.writeHead(reply.status, { ...common, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.flushHeaders();
      const cut = dropStream ? Math.min(reply.events.length - 1, dropStream.afterChunks ?? 2) : reply.events.length;
      const sent: string[] = [];
      const delay = this.opts.streamDelayMs;
      let i = 0;
      const next = (): void => {
        if (res.destroyed) return;
        if (i >= cut) {
          if (dropStream) {
            report({ contentType: 'text/event-stream', events: sent, complete: false });
            res.destroy();
          } else {
            res.end();
            report({ contentType: 'text/event-stream', events: sent, complete: true });
          }
          return;
        }
        const ev = reply.events[i++]!;
        sent.push(ev);
        res.write(`data: ${ev}\n\n`, () => {
          if (delay > 0) setTimeout(next, delay);
          else next();
        });
      };
      next();
      return;
    }

    const contentType = reply.kind === 'json' ? 'application/json' : reply.contentType;
    const text = reply.kind === 'json' ? JSON.stringify(reply.body) : undefined;
    const buf = reply.kind === 'json' ? Buffer.from(text!) : reply.body;
    const headers: Record<string, string> = {
      ...common,
      ...(reply.kind === 'json' ? reply.headers : {}),
      'content-type': contentType,
      'content-length': String(buf.length),
    };
    res.writeHead(reply.status, headers);
    if (dropBody) {
      const n = Math.max(0, Math.min(buf.length - 1, dropBody.afterBytes ?? Math.floor(buf.length / 2)));
      report({ contentType, body: buf.subarray(0, n).toString('utf8'), complete: false });
      res.write(buf.subarray(0, n), () => res.destroy());
      return;
    }
    res.end(buf);
    report({ contentType, body: text ?? buf.toString('utf8'), complete: true });
  }
}

export function errorReply(err: ApiError): Reply {
  const body: ErrorBody = err.toBody();
  return { kind: 'json', status: err.status, body, headers: err.headers };
}
