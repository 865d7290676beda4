/**
 * A small router. Routes are written with the spec's own path templates (`/fine_tuning/jobs/{fine_tuning_job_id}`),
 * relative to the flavour's prefix, so a response can be matched to its operation in the OpenAPI spec. A new group of
 * endpoints (e.g. `/batches`, issue 11) is one more `registerXRoutes(router, ctx)` module added in `routes/index.ts`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Reply } from './http';
import type { ServerContext } from './context';

export interface RequestContext {
  readonly method: string;
  /** Path after the flavour's prefix, e.g. `/files/file-abc`. */
  readonly apiPath: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly server: ServerContext;
}

export type Handler = (req: RequestContext) => Reply | Promise<Reply>;

export interface Route {
  readonly method: string;
  /** Spec path template, e.g. `/files/{file_id}`. */
  readonly template: string;
  readonly handler: Handler;
  readonly regex: RegExp;
  readonly names: readonly string[];
}

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: Route; readonly params: Record<string, string> }
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly string[] }
  | { readonly kind: 'not-found' };

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, template: string, handler: Handler): this {
    const names: string[] = [];
    const source = template
      .split('/')
      .map((seg) => {
        const m = /^\{(\w+)\}$/.exec(seg);
        if (m) {
          names.push(m[1]!);
          return '([^/]+)';
        }
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({ method: method.toUpperCase(), template, handler, regex: new RegExp(`^${source}/?$`), names });
    return this;
  }

  get(template: string, handler: Handler): this {
    return this.add('GET', template, handler);
  }

  post(template: string, handler: Handler): this {
    return this.add('POST', template, handler);
  }

  delete(template: string, handler: Handler): this {
    return this.add('DELETE', template, handler);
  }

  match(method: string, path: string): RouteMatch {
    const allowed: string[] = [];
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      if (route.method !== method.toUpperCase()) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1]!);
      });
      return { kind: 'found', route, params };
    }
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
  }

  /** Every route, for documentation and for tests that check each one against the spec. */
  list(): readonly { method: string; template: string }[] {
    return this.routes.map((r) => ({ method: r.method, template: r.template }));
  }
}
