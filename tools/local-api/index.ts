/**
 * Tuneline's local OpenAI-shaped API, for tests and for trying Tuneline offline. See README.md.
 *
 *   const api = await startLocalApi({ flavour: 'openai' });
 *   const client = new OpenAI({ apiKey: api.key, baseURL: api.baseURL });
 *   ...
 *   api.clock.advance(60_000); // move every job along
 *   await api.close();
 */
import { ArmDeployments, DEFAULT_ARM_ACCOUNT, DEFAULT_ARM_TOKEN, type ArmAccount, type ArmModel } from './arm';
import { Clock } from './clock';
import type { ServerContext } from './context';
import { Faults } from './faults';
import { flavourByName, type FlavourName } from './flavours';
import { AZURE_JOB_QUOTAS, JobEngine, type JobQuotas } from './jobs';
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
export { TIMING, MIN_EXAMPLES, AZURE_JOB_QUOTAS, type JobQuotas } from './jobs';
export { ARM_TIMING, DEFAULT_ARM_ACCOUNT, DEFAULT_ARM_MODELS, DEFAULT_ARM_TOKEN, MAX_FINE_TUNED_DEPLOYMENTS, type ArmAccount, type ArmModel } from './arm';
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
  /** Called after every API response (not admin or ARM ones) with what was sent: used by the tests' spec check. */
  readonly onResponse?: (record: ResponseRecord) => void;
  /** Azure flavour: job quotas (default Azure's: 3 running, 5 for Developer training, 20 queued). */
  readonly azureQuotas?: Partial<JobQuotas>;
  /** Azure flavour: the one account the ARM routes know, and the bearer token they accept. */
  readonly arm?: { readonly account?: Partial<ArmAccount>; readonly token?: string };
}

/** The Azure flavour's Resource Manager: where it is and what it accepts. */
export interface LocalArm {
  /** The ARM base URL to give the SDK (`endpoint`): the server's `url`. */
  readonly endpoint: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly account: string;
  /** The bearer token the ARM routes accept. */
  readonly token: string;
  /** Deployment name → provisioning state, for tests. */
  states(): Record<string, string>;
  /** Puts (or replaces) a model of the account's model list (its `deprecation` dates). */
  setModel(m: ArmModel): void;
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
  /** Azure flavour only: the Resource Manager deployment routes. */
  readonly arm?: LocalArm;
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
  const quotas = flavour.name === 'azure' ? { ...AZURE_JOB_QUOTAS, ...options.azureQuotas } : undefined;
  const jobs = new JobEngine(state, clock, flavour, faults, organization, resultFileEncoding, quotas);
  const context: ServerContext = { state, clock, flavour, faults, jobs, organization, resultFileEncoding };
  const armAccount: ArmAccount = { ...DEFAULT_ARM_ACCOUNT, ...options.arm?.account };
  const armToken = options.arm?.token ?? DEFAULT_ARM_TOKEN;
  const arm = flavour.name === 'azure' ? new ArmDeployments(context, armAccount, armToken) : undefined;
  const router = buildRouter();
  let baseURL = '';
  let port = 0;
  const reset = (): void => {
    arm?.clear();
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
    ...(arm ? { arm } : {}),
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
    ...(arm
      ? {
          arm: {
            endpoint: url,
            ...armAccount,
            token: armToken,
            states: () => Object.fromEntries([...arm.deployments.values()].map((d) => [d.name, d.provisioningState])),
            setModel: (m) => arm.setModel(m),
          },
        }
      : {}),
    deploy: (name, model) => {
      state.deploy(name, model);
    },
    reset,
    close: () => {
      closed ??= (async () => {
        arm?.clear();
        jobs.dispose();
        clock.dispose();
        await server.close();
      })();
      return closed;
    },
  };
}
