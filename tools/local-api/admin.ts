/**
 * `/__admin/...`: drive the server from outside the process (tests in another process, the demo, curl).
 * No key needed (the server only listens on 127.0.0.1). Every answer is JSON.
 *
 *   GET    /__admin                     flavour, baseURL, clock, counts
 *   POST   /__admin/faults              body: a FaultSpec, an array of them, or { faults: [...] } → { faults }
 *   GET    /__admin/faults              → { faults } (with hits)
 *   DELETE /__admin/faults              remove all;  DELETE /__admin/faults/{id}  remove one
 *   GET    /__admin/clock               → { now, now_seconds, mode, pending }
 *   POST   /__admin/clock/advance       body: { ms } or { seconds } → { now, now_seconds, pending }
 *   POST   /__admin/clock/run-all       run every pending timer (all jobs to their end) → { advanced_ms, now, ... }
 *   GET    /__admin/requests            ?method=GET&path=<regex>&operation=<template> → { total, counts, entries }
 *   DELETE /__admin/requests            clear the log
 *   POST   /__admin/reset               clear state, faults and log; stop every job
 *   GET    /__admin/deployments         → { data }
 *   POST   /__admin/deployments         body: { name, model } (Azure flavour: deploy a model under a name) → deployment
 *   GET    /__admin/routes              → { data: [{ method, template }] }
 */
import type { Clock } from './clock';
import type { Faults, FaultSpec } from './faults';
import type { Reply } from './http';
import type { RequestLog } from './requests';
import type { Router } from './router';
import type { State } from './state';

export interface AdminTarget {
  readonly info: () => Record<string, unknown>;
  readonly clock: Clock;
  readonly faults: Faults;
  readonly requests: RequestLog;
  readonly state: State;
  readonly router: Router;
  readonly reset: () => void;
}

const ok = (body: unknown, status = 200): Reply => ({ kind: 'json', status, body });
const fail = (status: number, message: string): Reply => ({
  kind: 'json',
  status,
  body: { error: { message, type: 'invalid_request_error', param: null, code: null } },
});

function parse(body: Buffer): unknown {
  if (body.length === 0) return {};
  return JSON.parse(body.toString('utf8'));
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function handleAdmin(t: AdminTarget, method: string, url: URL, raw: Buffer): Reply {
  let body: unknown;
  try {
    body = parse(raw);
  } catch {
    return fail(400, 'The body is not valid JSON.');
  }
  const path = url.pathname.replace(/\/+$/, '');
  const clockInfo = (): Record<string, unknown> => ({
    now: t.clock.now(),
    now_seconds: t.clock.seconds(),
    mode: t.clock.mode,
    pending: t.clock.pending(),
  });
  try {
    if (path === '/__admin' && method === 'GET') return ok({ ...t.info(), clock: clockInfo(), requests: t.requests.count() });
    if (path === '/__admin/faults') {
      if (method === 'GET') return ok({ faults: t.faults.all() });
      if (method === 'DELETE') {
        t.faults.clear();
        return ok({ faults: [] });
      }
      if (method === 'POST') {
        const specs = Array.isArray(body) ? body : isObj(body) && Array.isArray(body['faults']) ? body['faults'] : [body];
        const added = (specs as FaultSpec[]).map((s) => t.faults.add(s));
        return ok({ faults: added });
      }
    }
    const faultId = /^\/__admin\/faults\/([^/]+)$/.exec(path)?.[1];
    if (faultId && method === 'DELETE') {
      return t.faults.remove(faultId) ? ok({ id: faultId, deleted: true }) : fail(404, `No fault ${faultId}`);
    }
    if (path === '/__admin/clock' && method === 'GET') return ok(clockInfo());
    if (path === '/__admin/clock/advance' && method === 'POST') {
      const b = isObj(body) ? body : {};
      const ms = typeof b['ms'] === 'number' ? b['ms'] : typeof b['seconds'] === 'number' ? b['seconds'] * 1000 : NaN;
      if (!(ms >= 0)) return fail(400, 'Give { "ms": N } or { "seconds": N } (non-negative).');
      t.clock.advance(ms);
      return ok(clockInfo());
    }
    if (path === '/__admin/clock/run-all' && method === 'POST') {
      const advanced = t.clock.runAll();
      return ok({ advanced_ms: advanced, ...clockInfo() });
    }
    if (path === '/__admin/requests') {
      if (method === 'GET') {
        const q = url.searchParams;
        const filter = {
          ...(q.get('method') ? { method: q.get('method')! } : {}),
          ...(q.get('path') ? { path: q.get('path')! } : {}),
          ...(q.get('operation') ? { operation: q.get('operation')! } : {}),
        };
        const entries = t.requests.entries(filter);
        return ok({ total: entries.length, counts: t.requests.counts(), entries });
      }
      if (method === 'DELETE') {
        t.requests.clear();
        return ok({ total: 0 });
      }
    }
    if (path === '/__admin/reset' && method === 'POST') {
      t.reset();
      return ok({ reset: true });
    }
    if (path === '/__admin/deployments') {
      if (method === 'GET') return ok({ data: [...t.state.deployments.values()] });
      if (method === 'POST') {
        const b = isObj(body) ? body : {};
        if (typeof b['name'] !== 'string' || typeof b['model'] !== 'string') return fail(400, 'Give { "name": "...", "model": "..." }.');
        return ok(t.state.deploy(b['name'], b['model']));
      }
    }
    if (path === '/__admin/routes' && method === 'GET') return ok({ data: t.router.list() });
    return fail(404, `No admin endpoint ${method} ${url.pathname}`);
  } catch (err) {
    return fail(400, err instanceof Error ? err.message : String(err));
  }
}
