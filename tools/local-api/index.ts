/**
 * Tuneline's local OpenAI-shaped API, for tests and for trying Tuneline offline. See README.md.
 *
 *   const api = await startLocalApi({ flavour: 'openai' });
 *   const client = new OpenAI({ apiKey: api.key, baseURL: api.baseURL });
 *   ...
 *   api.clock.advance(60_000); // move every job along
 *   await api.close();
 */
import { Clock } from './clock';
import type { ServerContext } from './context';
import { Faults } from './faults';
import { flavourByName, type FlavourName } from './flavours';
import { JobEngine } from './jobs';
import { RequestLog } from './requests';
import { buildRouter } from './routes';
import { LocalApiServer, type ResponseRecord } from './server';
import { State } from './state';

export type { FaultKind, FaultSpec, ActiveFault } from './faults';
export type { FlavourName } from './flavours';
export type { RequestEntry, RequestFilter } from './requests';
export type { ResponseRecord } from './server';
export { Clock } from './clock';
export { Faults } from './faults';
export { RequestLog } from './requests';
export { State } from './state';
export { TIMING, MIN_EXAMPLES } from './jobs';
export { BASE_MODELS } from './models';

export const DEFAULT_KEY = 'sk-local-demo';

export interface LocalApiOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  readonly port?: number;
  /** `openai` (default): `/v1`, `Authorization: Bearer`. `azure`: `/openai/v1`, `api-key` (or Bearer). */
  readonly flavour?: FlavourName;
  /** The one key the server accepts (default `sk-local-demo`). */
  readonly key?: string;
  /**
   * `manual` (default): the clock only moves when told (`clock.advance(ms)`, `POST /__admin/clock/advance`).
   * `demo`: the clock follows real time, so a small job finishes in about a minute.
   */
  readonly speed?: 'manual' | 'demo';
  /** Clock start, ms since the epoch (default: now). */
  readonly startTime?: number;
  /** Organization id in fine-tuned model names and `organization_id` (default `org-local`). */
  readonly organization?: string;
  /** Real-time delay between streamed chunks, ms (default: 15 in demo speed, 0 in manual). */
  readonly streamDelayMs?: number;
  /** Result file content: plain CSV (default) or base64 of the CSV, as the real service serves it. */
  readonly resultFileEncoding?: 'csv' | 'base64';
  /** Called after every API response (not admin ones) with what was sent: used by the tests' spec check. */
  readonly onResponse?: (record: ResponseRecord) => void;
}

export interface LocalApi {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** What a client's `baseURL` should be: `url + '/v1'` (openai) or `url + '/openai/v1'` (azure). */
  readonly baseURL: string;
  readonly port: number;
  readonly flavour: FlavourName;
  readonly key: string;
  readonly clock: Clock;
  readonly faults: Faults;
  readonly state: State;
  readonly requests: RequestLog;
  /** Azure: deploy `model` (e.g. a fine-tuned model id) under `name`, to chat with it as `model: name`. */
  deploy(name: string, model: string): void;
  /** Clears state, faults and the request log; stops every job. */
  reset(): void;
  /** Stops the server, its clock and every job; resolves once every connection is closed. */
  close(): Promise<void>;
}

export async function startLocalApi(options: LocalApiOptions = {}): Promise<LocalApi> {
  const flavour = flavourByName(options.flavour ?? 'openai');
  const key = options.key ?? DEFAULT_KEY;
  const speed = options.speed ?? 'manual';
  const clock = new Clock(options.startTime ?? Date.now(), speed);
  const state = new State();
  const faults = new Faults();
  const requests = new RequestLog();
  const organization = options.organization ?? 'org-local';
  const resultFileEncoding = options.resultFileEncoding ?? 'csv';
  const jobs = new JobEngine(state, clock, flavour, faults, organization, resultFileEncoding);
  const context: ServerContext = { state, clock, flavour, faults, jobs, organization, resultFileEncoding };
  const router = buildRouter();
  let baseURL = '';
  let port = 0;
  const reset = (): void => {
    jobs.dispose();
    state.clear();
    faults.clear();
    requests.clear();
  };
  const server = new LocalApiServer({
    context,
    router,
    requests,
    key,
    streamDelayMs: options.streamDelayMs ?? (speed === 'demo' ? 15 : 0),
    admin: {
      info: () => ({ flavour: flavour.name, baseURL, port, speed }),
      clock,
      faults,
      requests,
      state,
      router,
      reset,
    },
    ...(options.onResponse ? { onResponse: options.onResponse } : {}),
  });
  port = await server.listen(options.port ?? 0);
  const url = `http://127.0.0.1:${port}`;
  baseURL = `${url}${flavour.prefix}`;
  let closed: Promise<void> | undefined;
  return {
    url,
    baseURL,
    port,
    flavour: flavour.name,
    key,
    clock,
    faults,
    state,
    requests,
    deploy: (name, model) => {
      state.deploy(name, model);
    },
    reset,
    close: () => {
      closed ??= (async () => {
        jobs.dispose();
        clock.dispose();
        await server.close();
      })();
      return closed;
    },
  };
}
