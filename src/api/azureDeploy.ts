/**
 * Deploy a fine-tuned model (or a checkpoint) on Azure through Azure Resource Manager, with the official
 * `@azure/arm-cognitiveservices` SDK (Deployments_CreateOrUpdate / Get / List / Delete): create, follow its
 * provisioning state to the end, list, delete. A Developer deployment's expiry (24 hours after creation) is computed
 * from `systemData.createdAt`. Free of `vscode`: the caller passes a `TokenCredential` (in the extension, one over
 * VS Code's Microsoft sign-in; elsewhere any `@azure/core-auth` credential, such as `@azure/identity`'s) and, for tests, the ARM base URL of the local API.
 *
 * Pointing the SDK at the local API: the SDK's client always installs core-rest-pipeline's
 * `bearerTokenAuthenticationPolicy`, which refuses any `http://` URL ("Bearer token authentication is not permitted
 * for non-TLS protected (non-https) URLs"). For a loopback endpoint (127.0.0.1, ::1, localhost) only, the deployer
 * swaps that policy for one that sets the same `Authorization: Bearer` header from the same credential; every other
 * endpoint keeps the SDK's policy (and must be https).
 *
 * Errors: every failure is an `AzureDeployError` in plain words with ARM's own code and message (anything that looks
 * like a token cut out); never the token.
 */
import type { AccountModel, Deployment, CognitiveServicesManagementClient } from '@azure/arm-cognitiveservices';
import type { TokenCredential } from '@azure/core-auth';
import { scrubKeys } from './errorInfo';
import { ARM_SCOPE } from './providers/azure';
import type { Retirement, RetirementKind } from './providers/types';

export const ARM_ENDPOINT = 'https://management.azure.com';
/** The SDK's default api-version (8.1.0: "2025-09-01"); Developer deployments need 2025-07-01-preview or later. */
export const ARM_API_VERSION = '2025-09-01';

/** The Azure OpenAI / Foundry resource the deployments live on (picked once, remembered by the caller). */
export interface AzureAccountRef {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  /** The Cognitive Services account (resource) name. */
  readonly account: string;
}

export interface AzureDeployerOptions {
  readonly credential: TokenCredential;
  /** ARM base URL (default `https://management.azure.com`); `http://` only for a loopback host (tests). */
  readonly endpoint?: string;
  readonly apiVersion?: string;
  /** The SDK's retries (default 3); tests pass 0. */
  readonly maxRetries?: number;
}

/** Provisioning states ARM reports (`KnownDeploymentProvisioningState`). */
export type ProvisioningState = 'Accepted' | 'Creating' | 'Deleting' | 'Moving' | 'Failed' | 'Succeeded' | 'Disabled' | 'Canceled';

const TERMINAL: readonly string[] = ['Succeeded', 'Failed', 'Canceled', 'Disabled'];

/** Developer deployments have a fixed lifetime of 24 hours (fine-tune-test.md). */
export const DEVELOPER_LIFETIME_MS = 24 * 3600_000;
const DEVELOPER_SKUS = ['developertier', 'developer'];

export interface DeploymentInfo {
  readonly name: string;
  /** The deployed model (fine-tuned id, checkpoint id or base model). */
  readonly model: string;
  readonly modelVersion?: string;
  readonly skuName: string;
  readonly capacity?: number;
  /** As ARM reports it (a string: ARM may add states). */
  readonly state: ProvisioningState | string;
  /** `Succeeded`, `Failed`, `Canceled` or `Disabled`: polling stops. */
  readonly done: boolean;
  readonly createdAt?: Date;
  /** Developer deployments: when they are removed (created + 24 h). */
  readonly expiresAt?: Date;
  /** The ARM resource id. */
  readonly id?: string;
}

export interface CreateDeploymentParams {
  /** The fine-tuned model id (`gpt-4.1-mini-2025-04-14.ft-…`) or a checkpoint id (`ftchkpt-…`). */
  readonly model: string;
  /** ARM `sku.name`: `Standard`, `GlobalStandard`, `developertier`, `ProvisionedManaged`. */
  readonly skuName: string;
  readonly capacity?: number;
  /** Fine-tuned models deploy as version "1" (fine-tuning-deploy.md). */
  readonly version?: string;
  /** Cross-resource deployment: the ARM id of the account the model was trained on. */
  readonly source?: string;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
}

export interface WaitOptions extends CallOptions {
  /** Between polls (default 5 s). */
  readonly intervalMs?: number;
  /** Give up after this long (default 30 min). */
  readonly timeoutMs?: number;
  /** Called with each state seen (for the tree). */
  readonly onState?: (info: DeploymentInfo) => void;
  /** How to wait between polls (tests advance the local API's clock here). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type AzureDeployErrorKind = 'auth' | 'forbidden' | 'not-found' | 'conflict' | 'bad-request' | 'quota' | 'server' | 'connection' | 'cancelled' | 'timeout' | 'failed' | 'config' | 'other';

/** A deployment call failed; `message` is plain words (never a token). */
export class AzureDeployError extends Error {
  constructor(
    message: string,
    readonly kind: AzureDeployErrorKind,
    readonly status?: number,
    /** ARM's error code (`AuthorizationFailed`, `InsufficientQuota`, `DeploymentModelNotSupported`...). */
    readonly code?: string,
    /** ARM's message, cleaned of anything token-like. */
    readonly armMessage?: string,
  ) {
    super(message);
    this.name = 'AzureDeployError';
  }
}

/** Cuts bearer tokens and JWT-looking strings (Entra ID tokens start with `eyJ`) out of a message. */
export function scrubTokens(text: string): string {
  return scrubKeys(text).replace(/\beyJ[A-Za-z0-9_-]{8,}(\.[A-Za-z0-9_-]*){0,2}/g, '…');
}

function isLoopback(url: URL): boolean {
  const h = url.hostname.replace(/^\[|\]$/g, '');
  return h === '127.0.0.1' || h === '::1' || h === 'localhost';
}

const where = (a: AzureAccountRef): string => `the Azure resource "${a.account}" (resource group "${a.resourceGroup}")`;

/** Turns what the SDK threw into an `AzureDeployError`. */
export function toDeployError(error: unknown, what: string, account: AzureAccountRef, signal?: AbortSignal): AzureDeployError {
  if (error instanceof AzureDeployError) return error;
  const e = error as { name?: unknown; statusCode?: unknown; code?: unknown; message?: unknown; details?: unknown };
  if (signal?.aborted || e?.name === 'AbortError') return new AzureDeployError(`Tuneline stopped: ${what} was cancelled.`, 'cancelled');
  const status = typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  const details = (e?.details ?? {}) as { error?: { code?: unknown; message?: unknown } };
  const code = typeof details.error?.code === 'string' ? details.error.code : typeof e?.code === 'string' ? e.code : undefined;
  const rawMessage = typeof details.error?.message === 'string' ? details.error.message : typeof e?.message === 'string' ? e.message : String(error);
  const armMessage = scrubTokens(rawMessage);
  const said = armMessage ? ` Azure said: "${armMessage}"` : '';
  const make = (kind: AzureDeployErrorKind, text: string): AzureDeployError => new AzureDeployError(`Tuneline could not ${what}: ${text}${said}`, kind, status, code, armMessage);
  if (status === undefined) {
    if (code === 'REQUEST_SEND_ERROR' || /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|fetch failed|socket/i.test(rawMessage)) {
      return make('connection', 'the connection to Azure Resource Manager failed. Check your connection.');
    }
    return make('other', 'the request did not complete.');
  }
  if (status === 401) return make('auth', 'Azure did not accept your sign-in (401). Sign in to Azure again.');
  if (status === 403) {
    return make('forbidden', `your Azure account may not deploy models on ${where(account)} (403). Deploying needs a role with Microsoft.CognitiveServices/accounts/deployments/write, for example Cognitive Services OpenAI Contributor.`);
  }
  if (status === 404) return make('not-found', `Azure does not know ${code === 'DeploymentNotFound' ? 'that deployment' : `${where(account)} in subscription ${account.subscriptionId}`} (404). Check the subscription, resource group and resource you picked.`);
  if (status === 409) return make('conflict', 'another operation is running on that deployment (409). Wait for it to finish and try again.');
  if (status === 429) return make('quota', 'Azure is throttling deployment requests (429). Wait a minute and try again.');
  if (status >= 500) return make('server', `Azure Resource Manager had a problem of its own (${status}). Try again later.`);
  if (/quota/i.test(`${code ?? ''} ${rawMessage}`)) return make('quota', `the resource has no room for this deployment (${status}${code ? ` ${code}` : ''}).`);
  return make('bad-request', `Azure refused the deployment (${status}${code ? ` ${code}` : ''}).`);
}

/**
 * Whether a 404 means the subscription, resource group or account is missing (an error to show), rather than the
 * deployment (no deployment). ARM names the missing parent in its code or message; the deployment's own 404 code is
 * not documented, so anything else counts as "no such deployment".
 */
function parentMissing(e: AzureDeployError): boolean {
  if (e.code === 'SubscriptionNotFound' || e.code === 'ResourceGroupNotFound') return true;
  const m = e.armMessage ?? '';
  return e.code === 'ResourceNotFound' && /accounts\/[^/'"]+['"]/i.test(m) && !/deployments\//i.test(m);
}

function toInfo(d: Deployment): DeploymentInfo {
  const state = d.properties?.provisioningState ?? 'Accepted';
  const skuName = d.sku?.name ?? '';
  const created = d.systemData?.createdAt;
  const createdAt = created instanceof Date ? created : typeof created === 'string' ? new Date(created) : undefined;
  const developer = DEVELOPER_SKUS.includes(skuName.toLowerCase());
  return {
    name: d.name ?? '',
    model: d.properties?.model?.name ?? '',
    ...(d.properties?.model?.version ? { modelVersion: d.properties.model.version } : {}),
    skuName,
    ...(d.sku?.capacity !== undefined ? { capacity: d.sku.capacity } : {}),
    state,
    done: TERMINAL.includes(state),
    ...(createdAt ? { createdAt } : {}),
    ...(developer && createdAt ? { expiresAt: new Date(createdAt.getTime() + DEVELOPER_LIFETIME_MS) } : {}),
    ...(d.id ? { id: d.id } : {}),
  };
}

const abortable = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
      return;
    }
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export class AzureDeployer {
  private client?: Promise<CognitiveServicesManagementClient>;
  private readonly endpoint: URL;

  constructor(
    readonly account: AzureAccountRef,
    private readonly options: AzureDeployerOptions,
  ) {
    let url: URL;
    try {
      url = new URL(options.endpoint ?? ARM_ENDPOINT);
    } catch {
      throw new AzureDeployError(`Tuneline cannot use the Azure Resource Manager endpoint "${options.endpoint}": it is not a URL.`, 'config');
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url))) {
      throw new AzureDeployError(`Tuneline sends Azure sign-in tokens over https only; "${url.origin}" is not https.`, 'config');
    }
    if (url.username || url.password) throw new AzureDeployError('Tuneline cannot use an Azure Resource Manager endpoint with credentials in its URL.', 'config');
    this.endpoint = url;
  }

  /** The SDK client, loaded on first use (the SDK stays out of activation). */
  private sdk(): Promise<CognitiveServicesManagementClient> {
    this.client ??= (async () => {
      const { CognitiveServicesManagementClient } = await import('@azure/arm-cognitiveservices');
      const endpoint = this.endpoint.origin;
      const client = new CognitiveServicesManagementClient(this.options.credential, this.account.subscriptionId, {
        endpoint,
        $host: endpoint,
        apiVersion: this.options.apiVersion ?? ARM_API_VERSION,
        credentialScopes: [ARM_SCOPE],
        retryOptions: { maxRetries: this.options.maxRetries ?? 3 },
        ...(this.endpoint.protocol === 'http:' ? { allowInsecureConnection: true } : {}),
      });
      if (this.endpoint.protocol === 'http:') {
        // Loopback only (checked in the constructor): the SDK's bearer policy refuses http, so set the same header.
        const credential = this.options.credential;
        client.pipeline.removePolicy({ name: 'bearerTokenAuthenticationPolicy' });
        client.pipeline.addPolicy({
          name: 'tunelineLoopbackBearer',
          async sendRequest(request, next) {
            const token = await credential.getToken(ARM_SCOPE, { abortSignal: request.abortSignal });
            if (token) request.headers.set('authorization', `Bearer ${token.token}`);
            return next(request);
          },
        });
      }
      return client;
    })();
    return this.client;
  }

  private async call<T>(what: string, signal: AbortSignal | undefined, fn: (c: CognitiveServicesManagementClient) => Promise<T>): Promise<T> {
    try {
      return await fn(await this.sdk());
    } catch (e) {
      throw toDeployError(e, what, this.account, signal);
    }
  }

  /** Starts a deployment of `params.model` under `name`; answers its first state (usually `Creating`). */
  async create(name: string, params: CreateDeploymentParams, opts: CallOptions = {}): Promise<DeploymentInfo> {
    const body: Deployment = {
      sku: { name: params.skuName, capacity: params.capacity ?? 1 },
      properties: {
        model: { format: 'OpenAI', name: params.model, version: params.version ?? '1', ...(params.source ? { source: params.source } : {}) },
      },
    };
    return this.call(`deploy ${params.model} as "${name}"`, opts.signal, async (c) => {
      // Only the PUT: the state is followed with `waitUntilDone` (the tree shows each state), not the SDK's poller.
      await c.deployments.beginCreateOrUpdate(this.account.resourceGroup, this.account.account, name, body, {
        ...(opts.signal ? { abortSignal: opts.signal } : {}),
      });
      return toInfo(await c.deployments.get(this.account.resourceGroup, this.account.account, name, opts.signal ? { abortSignal: opts.signal } : {}));
    });
  }

  /** The deployment `name`, or undefined when there is none. */
  async get(name: string, opts: CallOptions = {}): Promise<DeploymentInfo | undefined> {
    try {
      return await this.call(`read the deployment "${name}"`, opts.signal, async (c) =>
        toInfo(await c.deployments.get(this.account.resourceGroup, this.account.account, name, opts.signal ? { abortSignal: opts.signal } : {})),
      );
    } catch (e) {
      if (e instanceof AzureDeployError && e.kind === 'not-found' && !parentMissing(e)) return undefined;
      throw e;
    }
  }

  /** Every deployment on the resource (all pages). */
  async list(opts: CallOptions = {}): Promise<DeploymentInfo[]> {
    return this.call(`list the deployments of ${this.account.account}`, opts.signal, async (c) => {
      const out: DeploymentInfo[] = [];
      for await (const d of c.deployments.list(this.account.resourceGroup, this.account.account, opts.signal ? { abortSignal: opts.signal } : {})) out.push(toInfo(d));
      return out;
    });
  }

  /**
   * The retirement dates ARM gives for the account's models (Accounts_ListModels, each model's `deprecation`), by
   * model name and by `name-version` (see `armRetirements`).
   */
  async modelDates(opts: CallOptions = {}): Promise<Map<string, Retirement>> {
    return this.call(`read the model list of ${this.account.account}`, opts.signal, async (c) => {
      const models: AccountModel[] = [];
      for await (const m of c.accounts.listModels(this.account.resourceGroup, this.account.account, opts.signal ? { abortSignal: opts.signal } : {})) models.push(m);
      return armRetirements(models, new Date().toISOString().slice(0, 10), `${this.account.account} (resource group ${this.account.resourceGroup})`);
    });
  }

  /** Deletes the deployment (the model itself stays); resolves once ARM says it is gone. */
  async delete(name: string, opts: CallOptions = {}): Promise<void> {
    await this.call(`delete the deployment "${name}"`, opts.signal, async (c) => {
      await c.deployments.beginDeleteAndWait(this.account.resourceGroup, this.account.account, name, {
        updateIntervalInMs: 2000,
        ...(opts.signal ? { abortSignal: opts.signal } : {}),
      });
    });
  }

  /** Polls the deployment until ARM reports a terminal state; rejects with kind `failed` when it is not `Succeeded`. */
  async waitUntilDone(name: string, opts: WaitOptions = {}): Promise<DeploymentInfo> {
    const interval = opts.intervalMs ?? 5000;
    const timeout = opts.timeoutMs ?? 30 * 60_000;
    const sleep = opts.sleep ?? abortable;
    let waited = 0;
    for (;;) {
      const info = await this.get(name, opts);
      if (!info) throw new AzureDeployError(`Tuneline could not follow the deployment "${name}": it is gone from ${where(this.account)}.`, 'not-found');
      opts.onState?.(info);
      if (info.done) {
        if (info.state !== 'Succeeded') throw new AzureDeployError(`The deployment "${name}" ended ${info.state}.`, 'failed', undefined, info.state);
        return info;
      }
      if (waited >= timeout) {
        throw new AzureDeployError(`The deployment "${name}" is still ${info.state} after ${Math.round(timeout / 60_000)} minutes; Tuneline stopped waiting (it goes on in Azure).`, 'timeout');
      }
      try {
        await sleep(interval, opts.signal);
      } catch (e) {
        throw toDeployError(e, `follow the deployment "${name}"`, this.account, opts.signal);
      }
      waited += interval;
    }
  }
}

/** A credential from a fixed token (tests, or a token the caller already holds). */
export function staticTokenCredential(token: string, expiresInMs = 3600_000): TokenCredential {
  return {
    getToken: async () => ({ token, expiresOnTimestamp: Date.now() + expiresInMs }),
  };
}

/** What `armRetirements` reads of an AccountModel. */
export type ArmModelDates = Pick<AccountModel, 'name' | 'version' | 'isDefaultVersion' | 'deprecation'>;

/**
 * Retirement dates from ARM's model list: `deprecation.fineTune` is the last day of training, `deprecation.inference`
 * the end of serving (ModelDeprecationInfo, @azure/arm-cognitiveservices 8.1.0; Azure's model-retirement page:
 * https://learn.microsoft.com/azure/ai-foundry/openai/concepts/model-retirements, read 2026-12-03). A "Tentative"
 * date is an estimate that may move, shown as "no earlier than". Keyed by `name-version` (`gpt-4.1-mini-2025-04-14`,
 * the form of Azure's base model ids) and by `name` (its default version, else the first listed); a model without a
 * `deprecation` gives nothing (the catalogue stays the fallback).
 */
export function armRetirements(models: Iterable<ArmModelDates>, read: string, where: string): Map<string, Retirement> {
  const out = new Map<string, Retirement>();
  const byName = new Map<string, { r: Retirement; isDefault: boolean }>();
  for (const m of models) {
    const d = m.deprecation;
    if (!m.name || !d || (!d.fineTune && !d.inference)) continue;
    const day = (v: string | undefined): string | undefined => {
      const t = v ? Date.parse(v) : NaN;
      return Number.isFinite(t) ? new Date(t).toISOString().slice(0, 10) : undefined;
    };
    const training = day(d.fineTune);
    const serving = day(d.inference);
    if (!training && !serving) continue;
    const noDate: RetirementKind[] = [...(training ? [] : ['training' as const]), ...(serving ? [] : ['serving' as const])];
    const r: Retirement = {
      ...(training ? { training } : {}),
      ...(serving ? { serving } : {}),
      ...(noDate.length ? { noDate } : {}),
      ...(d.deprecationStatus === 'Tentative' ? { noEarlierThan: true } : {}),
      source: {
        url: 'https://learn.microsoft.com/rest/api/aiservices/accountmanagement/accounts/list-models',
        read,
        note: `Azure Resource Manager's model list of ${where}: deprecation.fineTune / deprecation.inference${d.deprecationStatus ? ` (${d.deprecationStatus})` : ''}`,
      },
    };
    if (m.version) out.set(`${m.name}-${m.version}`.toLowerCase(), r);
    const had = byName.get(m.name.toLowerCase());
    if (!had || (!had.isDefault && m.isDefaultVersion)) byName.set(m.name.toLowerCase(), { r, isDefault: !!m.isDefaultVersion });
  }
  for (const [name, { r }] of byName) if (!out.has(name)) out.set(name, r);
  return out;
}
