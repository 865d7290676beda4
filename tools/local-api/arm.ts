/**
 * The Azure flavour's Azure Resource Manager routes: deployments of (fine-tuned) models on one Cognitive Services
 * account, as `@azure/arm-cognitiveservices` calls them (Deployments_CreateOrUpdate / Get / List / Delete):
 *
 *   PUT    /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.CognitiveServices/accounts/{acct}/deployments/{name}?api-version=...
 *   GET    .../deployments/{name}?api-version=...
 *   GET    .../deployments?api-version=...
 *   DELETE .../deployments/{name}?api-version=...
 *   GET    .../accounts/{acct}/models?api-version=...   (Accounts_ListModels: the models the account can use, each
 *          with `deprecation: { fineTune, inference, deprecationStatus }`, as Azure's model-retirement page gives them)
 *
 * A new deployment answers 201 with `provisioningState: "Creating"` and turns `Succeeded` after
 * `ARM_TIMING.provisionMs` of clock time (then the data plane can chat with it by its name). A Developer deployment
 * (`sku.name` `developertier` / `Developer`) is removed 24 hours (clock) after it was created (fine-tune-test.md).
 * Errors are ARM-shaped: `{ "error": { "code", "message" } }` (ErrorResponse in the SDK's models). Requests need
 * `Authorization: Bearer <armToken>` (an Entra ID token in real life) and `api-version`.
 *
 * Shapes: `Deployment` in @azure/arm-cognitiveservices 8.1.0 `dist/commonjs/models/index.d.ts` (id, name, type,
 * sku {name, capacity}, systemData, etag, properties {model {format, name, version, source}, provisioningState,
 * capabilities}); the request body as in fine-tuning-deploy.md ("sku": {"name": "standard", "capacity": 1},
 * "properties": {"model": {"format": "OpenAI", "name": "<FINE_TUNED_MODEL>", "version": "1"}}).
 */
import { randomBytes } from 'node:crypto';
import type { ServerContext } from './context';
import type { ActiveFault } from './faults';
import type { Reply } from './http';
import { resolveBaseModel } from './models';

export const ARM_TIMING = {
  /** Creating → Succeeded. */
  provisionMs: 5_000,
  /** A Developer deployment's fixed lifetime (fine-tune-test.md: "a fixed lifetime of 24 hours"). */
  developerLifetimeMs: 24 * 3600_000,
} as const;

/** The one account the local ARM knows (any other is "not found"). */
export interface ArmAccount {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly account: string;
}

export const DEFAULT_ARM_ACCOUNT: ArmAccount = {
  subscriptionId: '00000000-0000-4000-8000-000000000000',
  resourceGroup: 'rg-local',
  account: 'local-foundry',
};
export const DEFAULT_ARM_TOKEN = 'local-arm-token';

/** quotas-limits.md (2026-02-17): "Maximum fine-tuned model deployments | 10". */
export const MAX_FINE_TUNED_DEPLOYMENTS = 10;

/** SKU names the local ARM accepts for a fine-tuned model, lower-cased → canonical (fine-tuning-deploy.md). */
const SKUS: Record<string, string> = {
  standard: 'Standard',
  globalstandard: 'GlobalStandard',
  developertier: 'developertier',
  developer: 'Developer',
  provisionedmanaged: 'ProvisionedManaged',
  datazonestandard: 'DataZoneStandard',
};
/** Base models whose fine-tunes each SKU takes (fine-tuning-deploy.md "Deployment Types"). */
const ALL_FT = ['o4-mini-2025-04-16', 'gpt-4.1-2025-04-14', 'gpt-4.1-mini-2025-04-14', 'gpt-4.1-nano-2025-04-14', 'gpt-4o-2024-08-06', 'gpt-4o-mini-2024-07-18'];
const SKU_MODELS: Record<string, readonly string[] | 'any'> = {
  Standard: ALL_FT,
  GlobalStandard: 'any',
  developertier: ['gpt-4.1-2025-04-14', 'gpt-4.1-mini-2025-04-14', 'gpt-4.1-nano-2025-04-14'],
  Developer: ['gpt-4.1-2025-04-14', 'gpt-4.1-mini-2025-04-14', 'gpt-4.1-nano-2025-04-14'],
  ProvisionedManaged: ['gpt-4.1-2025-04-14', 'gpt-4o-2024-08-06', 'gpt-4o-mini-2024-07-18'],
  DataZoneStandard: [],
};

export interface ArmDeployment {
  readonly name: string;
  sku: { name: string; capacity: number };
  model: { format: string; name: string; version: string; source?: string };
  /** The model id the data plane answers with (a checkpoint id `ftchkpt-…` resolved to its model). */
  servedModel: string;
  provisioningState: 'Accepted' | 'Creating' | 'Succeeded' | 'Failed' | 'Deleting';
  readonly createdAt: number;
  modifiedAt: number;
  etag: string;
  timer?: number;
  expiryTimer?: number;
}

/** Thrown by the ARM handlers; answered as `{ error: { code, message } }`. */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const armReply = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
  kind: 'json',
  status,
  body,
  ...(headers ? { headers } : {}),
});

export const armErrorReply = (e: ArmError): Reply => armReply(e.status, { error: { code: e.code, message: e.message } });

const PATH = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.CognitiveServices\/accounts\/([^/]+)\/(deployments|models)(?:\/([^/]+))?\/?$/i;

/** ARM's `deprecation` of a model (ModelDeprecationInfo in @azure/arm-cognitiveservices 8.1.0: ISO datetimes). */
export interface ArmModelDeprecation {
  readonly fineTune?: string;
  readonly inference?: string;
  readonly deprecationStatus?: 'Planned' | 'Tentative';
}

/** A model of the account's model list (AccountModel: format, name, version, deprecation, finetuneCapabilities). */
export interface ArmModel {
  readonly name: string;
  readonly version: string;
  readonly deprecation?: ArmModelDeprecation;
  readonly fineTunable: boolean;
}

/**
 * The list the local account answers: the gpt-4.x models Azure fine-tunes, with the dates of
 * https://learn.microsoft.com/azure/ai-foundry/openai/concepts/model-retirements (read 2026-12-03: fine-tunes of the
 * gpt-4.x families train until no earlier than April 2027 and serve until no earlier than October 2027; ARM gives
 * datetimes, "Tentative" while the page says "no earlier than"), and one model without a date. Tests replace an
 * entry with `setModel`.
 */
export const DEFAULT_ARM_MODELS: readonly ArmModel[] = [
  ...[['gpt-4o', '2024-08-06'], ['gpt-4o-mini', '2024-07-18'], ['gpt-4.1', '2025-04-14'], ['gpt-4.1-mini', '2025-04-14']].map(
    ([name, version]): ArmModel => ({
      name: name!,
      version: version!,
      fineTunable: true,
      deprecation: { fineTune: '2027-04-01T00:00:00Z', inference: '2027-10-01T00:00:00Z', deprecationStatus: 'Tentative' },
    }),
  ),
  { name: 'gpt-oss-20b', version: '1', fineTunable: true },
];

/** Whether `pathname` is an ARM route (served by `handleArm`, outside the flavour's prefix). */
export const isArmPath = (pathname: string): boolean => pathname.toLowerCase().startsWith('/subscriptions/');

const iso = (ms: number): string => new Date(ms).toISOString();

export function deploymentResource(d: ArmDeployment, a: ArmAccount): Record<string, unknown> {
  return {
    id: `/subscriptions/${a.subscriptionId}/resourceGroups/${a.resourceGroup}/providers/Microsoft.CognitiveServices/accounts/${a.account}/deployments/${d.name}`,
    name: d.name,
    type: 'Microsoft.CognitiveServices/accounts/deployments',
    sku: { ...d.sku },
    systemData: {
      createdBy: 'tuneline-local',
      createdByType: 'User',
      createdAt: iso(d.createdAt),
      lastModifiedBy: 'tuneline-local',
      lastModifiedByType: 'User',
      lastModifiedAt: iso(d.modifiedAt),
    },
    etag: d.etag,
    properties: {
      model: { ...d.model },
      provisioningState: d.provisioningState,
      capabilities: { chatCompletion: 'true' },
      versionUpgradeOption: 'NoAutoUpgrade',
      currentCapacity: d.sku.capacity,
    },
  };
}

export interface ArmRequest {
  readonly method: string;
  readonly url: URL;
  readonly authorization: string | undefined;
  readonly body: Buffer;
  readonly faults: readonly ActiveFault[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The model a deployment of `name` serves, or why it cannot be deployed. */
function resolveDeployable(ctx: ServerContext, name: string): { served: string; base: string } | undefined {
  const { state } = ctx;
  const ft = state.fineTunedModels.get(name);
  if (ft && !state.deletedModels.has(name)) return { served: name, base: ft.base };
  for (const job of state.jobs.values()) {
    for (const c of job.checkpoints) {
      if (c.id === name || c.fine_tuned_model_checkpoint === name) {
        const parent = state.fineTunedModels.get(c.fine_tuned_model_checkpoint.replace(/:ckpt-step-\d+$/, ''));
        if (parent) return { served: c.fine_tuned_model_checkpoint, base: parent.base };
      }
    }
  }
  const base = resolveBaseModel(name, ctx.flavour.name);
  return base ? { served: base.id, base: base.id } : undefined;
}

export class ArmDeployments {
  readonly deployments = new Map<string, ArmDeployment>();
  /** The account's model list, by `name@version`. */
  readonly models = new Map<string, ArmModel>(DEFAULT_ARM_MODELS.map((m) => [`${m.name}@${m.version}`, m]));

  /** Tests: puts (or replaces) a model of the list. */
  setModel(m: ArmModel): void {
    this.models.set(`${m.name}@${m.version}`, m);
  }

  constructor(
    private readonly ctx: ServerContext,
    private readonly account: ArmAccount,
    private readonly token: string,
  ) {}

  handle(req: ArmRequest): Reply {
    try {
      return this.route(req);
    } catch (e) {
      if (e instanceof ArmError) return armErrorReply(e);
      return armErrorReply(new ArmError(500, 'InternalServerError', `The local ARM failed: ${e instanceof Error ? e.message : String(e)}`));
    }
  }

  private route(req: ArmRequest): Reply {
    const auth = /^Bearer\s+(.+)$/i.exec(req.authorization?.trim() ?? '')?.[1]?.trim();
    if (auth === undefined) throw new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
    if (auth !== this.token) throw new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    const failing = req.faults.find((f) => f.kind === 'rate-limit' || f.kind === 'error');
    if (failing?.kind === 'rate-limit') {
      throw new ArmError(429, 'TooManyRequests', failing.message ?? 'The request was throttled. Please try again later.');
    }
    if (failing) throw new ArmError(failing.status ?? 500, 'InternalServerError', failing.message ?? 'The server encountered an internal error. Please retry the request.');
    const m = PATH.exec(req.url.pathname);
    if (!m) throw new ArmError(404, 'InvalidResourceType', `The resource type could not be found in the namespace 'Microsoft.CognitiveServices' for path '${req.url.pathname}'.`);
    const [, sub, rg, acct, collection, nameRaw] = m;
    if (!req.url.searchParams.get('api-version')) {
      throw new ArmError(400, 'MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests.");
    }
    const a = this.account;
    if (sub!.toLowerCase() !== a.subscriptionId.toLowerCase()) {
      throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${sub}' could not be found.`);
    }
    if (rg!.toLowerCase() !== a.resourceGroup.toLowerCase()) {
      throw new ArmError(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`);
    }
    if (acct!.toLowerCase() !== a.account.toLowerCase()) {
      throw new ArmError(404, 'ResourceNotFound', `The Resource 'Microsoft.CognitiveServices/accounts/${acct}' under resource group '${rg}' was not found.`);
    }
    const name = nameRaw === undefined ? undefined : decodeURIComponent(nameRaw);
    const method = req.method.toUpperCase();
    if (collection!.toLowerCase() === 'models') {
      if (name !== undefined) throw new ArmError(404, 'InvalidResourceType', `The resource type could not be found in the namespace 'Microsoft.CognitiveServices' for path '${req.url.pathname}'.`);
      if (method !== 'GET') throw new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`);
      return armReply(200, { value: [...this.models.values()].map(modelResource) });
    }
    if (name === undefined) {
      if (method !== 'GET') throw new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`);
      return armReply(200, { value: [...this.deployments.values()].map((d) => deploymentResource(d, a)) });
    }
    if (method === 'GET') return armReply(200, deploymentResource(this.get(name), a));
    if (method === 'PUT') return this.put(name, req.body);
    if (method === 'DELETE') return this.delete(name);
    throw new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`);
  }

  private get(name: string): ArmDeployment {
    const d = this.deployments.get(name);
    if (!d) throw new ArmError(404, 'DeploymentNotFound', `The deployment '${name}' could not be found on account '${this.account.account}'.`);
    return d;
  }

  private put(name: string, raw: Buffer): Reply {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$/.test(name)) {
      throw new ArmError(400, 'InvalidResourceName', `The deployment name '${name}' is invalid: use 2 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit.`);
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new ArmError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
    }
    if (!isObj(body)) throw new ArmError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
    const sku = body['sku'];
    const props = body['properties'];
    const model = isObj(props) ? props['model'] : undefined;
    if (!isObj(sku) || typeof sku['name'] !== 'string') {
      throw new ArmError(400, 'InvalidResourceProperties', "The 'sku' of the deployment is required: give { \"name\": \"Standard\", \"capacity\": 1 }.");
    }
    const skuName = SKUS[sku['name'].toLowerCase()];
    if (!skuName) throw new ArmError(400, 'InvalidSkuName', `The SKU '${sku['name']}' is not a valid deployment SKU.`);
    const capacity = sku['capacity'] === undefined ? 1 : sku['capacity'];
    if (typeof capacity !== 'number' || !Number.isInteger(capacity) || capacity < 1) {
      throw new ArmError(400, 'InvalidCapacity', `The capacity '${String(capacity)}' of the deployment is invalid: give a whole number of at least 1.`);
    }
    if (!isObj(model) || typeof model['name'] !== 'string' || model['name'] === '') {
      throw new ArmError(400, 'InvalidResourceProperties', "The deployment's 'properties.model.name' is required.");
    }
    if (model['format'] !== undefined && model['format'] !== 'OpenAI') {
      throw new ArmError(400, 'InvalidResourceProperties', `The model format '${String(model['format'])}' is not supported on this account; use 'OpenAI'.`);
    }
    const target = resolveDeployable(this.ctx, model['name']);
    if (!target) {
      throw new ArmError(400, 'DeploymentModelNotSupported', `The model '${model['name']}' of format 'OpenAI' is not supported on this account (no such fine-tuned model or checkpoint).`);
    }
    const allowed = SKU_MODELS[skuName];
    const baseOk = allowed === 'any' ? true : allowed !== undefined && allowed.includes(target.base);
    const isFineTuned = target.served !== target.base;
    if (isFineTuned && !baseOk) {
      throw new ArmError(400, 'InvalidResourceProperties', `The SKU '${skuName}' is not supported for fine-tuned models of '${target.base}'.`);
    }
    const existing = this.deployments.get(name);
    if (existing && (existing.provisioningState === 'Creating' || existing.provisioningState === 'Accepted' || existing.provisioningState === 'Deleting')) {
      throw new ArmError(409, 'RequestConflict', `Another operation is being performed on the deployment '${name}' (${existing.provisioningState}). Please try again later.`);
    }
    const fineTunedCount = [...this.deployments.values()].filter((d) => d.name !== name && d.servedModel !== resolveBaseModel(d.servedModel)?.id).length;
    if (!existing && isFineTuned && fineTunedCount >= MAX_FINE_TUNED_DEPLOYMENTS) {
      throw new ArmError(400, 'QuotaExceeded', `This account already has ${MAX_FINE_TUNED_DEPLOYMENTS} fine-tuned model deployments, the most it can have. Delete one and try again.`);
    }
    const now = this.ctx.clock.now();
    const version = typeof model['version'] === 'string' ? model['version'] : '1';
    const d: ArmDeployment = existing ?? {
      name,
      sku: { name: skuName, capacity },
      model: { format: 'OpenAI', name: model['name'], version },
      servedModel: target.served,
      provisioningState: 'Creating',
      createdAt: now,
      modifiedAt: now,
      etag: '',
    };
    d.sku = { name: skuName, capacity };
    d.model = { format: 'OpenAI', name: model['name'], version, ...(typeof model['source'] === 'string' ? { source: model['source'] } : {}) };
    d.servedModel = target.served;
    d.provisioningState = existing ? 'Accepted' : 'Creating';
    d.modifiedAt = now;
    d.etag = `"${randomBytes(8).toString('hex')}"`;
    this.deployments.set(name, d);
    this.ctx.clock.clearTimeout(d.timer);
    d.timer = this.ctx.clock.setTimeout(() => this.provisioned(d), ARM_TIMING.provisionMs);
    return armReply(existing ? 200 : 201, deploymentResource(d, this.account));
  }

  private provisioned(d: ArmDeployment): void {
    d.timer = undefined;
    if (this.deployments.get(d.name) !== d) return;
    d.provisioningState = 'Succeeded';
    d.modifiedAt = this.ctx.clock.now();
    this.ctx.state.deploy(d.name, d.servedModel);
    this.ctx.clock.clearTimeout(d.expiryTimer);
    d.expiryTimer = undefined;
    if (d.sku.name === 'developertier' || d.sku.name === 'Developer') {
      const left = Math.max(0, d.createdAt + ARM_TIMING.developerLifetimeMs - this.ctx.clock.now());
      d.expiryTimer = this.ctx.clock.setTimeout(() => this.remove(d.name), left);
    }
  }

  private remove(name: string): void {
    const d = this.deployments.get(name);
    if (!d) return;
    this.ctx.clock.clearTimeout(d.timer);
    this.ctx.clock.clearTimeout(d.expiryTimer);
    this.deployments.delete(name);
    this.ctx.state.deployments.delete(name);
  }

  private delete(name: string): Reply {
    // ARM: 200 when deleted, 204 when there was nothing to delete (Deployments_Delete responses 200/202/204).
    if (!this.deployments.has(name)) return { kind: 'raw', status: 204, body: Buffer.alloc(0), contentType: 'application/json' };
    this.remove(name);
    return { kind: 'raw', status: 200, body: Buffer.alloc(0), contentType: 'application/json' };
  }

  /** Stops every timer (reset, close). */
  clear(): void {
    for (const d of this.deployments.values()) {
      this.ctx.clock.clearTimeout(d.timer);
      this.ctx.clock.clearTimeout(d.expiryTimer);
    }
    this.deployments.clear();
    this.models.clear();
    for (const m of DEFAULT_ARM_MODELS) this.models.set(`${m.name}@${m.version}`, m);
  }
}

/** An AccountModel as ARM sends it. */
function modelResource(m: ArmModel): Record<string, unknown> {
  return {
    format: 'OpenAI',
    name: m.name,
    version: m.version,
    isDefaultVersion: true,
    ...(m.fineTunable ? { capabilities: { fineTune: 'true', chatCompletion: 'true' }, finetuneCapabilities: { chatCompletion: 'true' } } : { capabilities: { chatCompletion: 'true' } }),
    ...(m.deprecation ? { deprecation: m.deprecation } : {}),
    lifecycleStatus: 'GenerallyAvailable',
  };
}
