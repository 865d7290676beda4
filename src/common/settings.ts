import * as vscode from 'vscode';
import type { ProviderKind } from '../api/types';
import { SETTING_DEFAULTS as D } from './defaults';
import type { MethodSetting } from '../core/types';

export type { ProviderKind } from '../api/types';

/**
 * An immutable snapshot of Tuneline's settings, read through one function. Defaults live in `defaults.ts` and in
 * package.json (the manifest test checks they agree). Settings that choose where requests and keys go (`provider`, `baseUrl`,
 * `azure.endpoint`) are declared as restricted configurations, so in Restricted Mode VS Code ignores workspace values
 * for them; `origin` tells whether the effective endpoint came from the workspace, which a trusted workspace can still
 * set, so the API layer can ask before a key is first sent there.
 */
export interface Settings {
  readonly method: MethodSetting;
  readonly model: string;
  /** Globs (workspace-relative) of the JSONL files to check; empty = every .jsonl/.ndjson file. */
  readonly validateInclude: readonly string[];
  readonly provider: ProviderKind;
  readonly baseUrl: string;
  readonly azureEndpoint: string;
  readonly azureDeployments: Readonly<Record<string, string>>;
  readonly jobNotifications: boolean;
  /** Fireworks AI account id (`tuneline.fireworks.account`; restricted). */
  readonly fireworksAccount: string;
  /** Amazon Bedrock (Mantle) region (`tuneline.bedrock.region`; restricted). */
  readonly bedrockRegion: string;
  /** Where `baseUrl` / `azure.endpoint` came from. */
  readonly endpointOrigin: 'default' | 'user' | 'workspace';
  /** `tuneline.endpoints` (restricted): the base URL per provider, for several providers at once. */
  readonly endpoints: Readonly<Partial<Record<ProviderKind, string>>>;
  /** Where each `tuneline.endpoints` entry came from. */
  readonly endpointsOrigin: Readonly<Partial<Record<ProviderKind, 'user' | 'workspace'>>>;
  /** Where `tuneline.azure.endpoint` came from (Azure's endpoint also when another provider is current). */
  readonly azureEndpointOrigin: 'default' | 'user' | 'workspace';
}

export const SECTION = 'tuneline';

export const DEFAULTS = {
  method: D['tuneline.method'],
  model: D['tuneline.model'],
  validateInclude: D['tuneline.validate.include'],
  provider: D['tuneline.provider'],
  baseUrl: D['tuneline.baseUrl'],
  azureEndpoint: D['tuneline.azure.endpoint'],
  azureDeployments: D['tuneline.azure.deployments'],
  jobNotifications: D['tuneline.jobs.notifications'],
  endpoints: D['tuneline.endpoints'],
} as const satisfies Omit<Settings, 'endpointOrigin' | 'fireworksAccount' | 'bedrockRegion' | 'endpointsOrigin' | 'azureEndpointOrigin'>;

const METHODS: readonly string[] = ['auto', 'supervised', 'dpo', 'reinforcement', 'completion'];
const PROVIDERS: readonly ProviderKind[] = ['openai', 'azure', 'custom', 'together', 'fireworks', 'nebius', 'bedrock-mantle'];

function originOf(config: vscode.WorkspaceConfiguration, key: string): Settings['endpointOrigin'] {
  const info = config.inspect(key);
  if (!info) return 'default';
  if (info.workspaceFolderValue !== undefined || info.workspaceValue !== undefined) return 'workspace';
  if (info.globalValue !== undefined) return 'user';
  return 'default';
}

/**
 * `tuneline.endpoints`: provider id → base URL (unknown providers and non-string values dropped), with the origin
 * of each entry. VS Code merges an object setting across scopes; a provider's entry is the workspace's when the
 * workspace (or folder) value names it. In Restricted Mode VS Code leaves the workspace values out (restricted).
 */
function readEndpoints(c: vscode.WorkspaceConfiguration): Pick<Settings, 'endpoints' | 'endpointsOrigin'> {
  const value = c.get<unknown>('endpoints', DEFAULTS.endpoints);
  const info = c.inspect<Record<string, unknown>>('endpoints');
  const inWorkspace = (p: string): boolean => [info?.workspaceFolderValue, info?.workspaceValue].some((v) => v && typeof v === 'object' && typeof v[p] === 'string');
  const endpoints: Partial<Record<ProviderKind, string>> = {};
  const endpointsOrigin: Partial<Record<ProviderKind, 'user' | 'workspace'>> = {};
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [p, url] of Object.entries(value)) {
      if (typeof url !== 'string' || !url.trim() || !(PROVIDERS as readonly string[]).includes(p)) continue;
      endpoints[p as ProviderKind] = url.trim();
      endpointsOrigin[p as ProviderKind] = inWorkspace(p) ? 'workspace' : 'user';
    }
  }
  return { endpoints, endpointsOrigin };
}

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const method = c.get<string>('method', DEFAULTS.method);
  const provider = c.get<string>('provider', DEFAULTS.provider);
  const include = c.get<unknown>('validate.include', DEFAULTS.validateInclude);
  const deployments = c.get<unknown>('azure.deployments', DEFAULTS.azureDeployments);
  const endpointKey = provider === 'azure' ? 'azure.endpoint' : 'baseUrl';
  // Restricted (like provider / baseUrl): in Restricted Mode VS Code reads these from user settings only.
  return {
    method: (METHODS.includes(method) ? method : DEFAULTS.method) as MethodSetting,
    model: c.get<string>('model', DEFAULTS.model).trim() || DEFAULTS.model,
    validateInclude: Array.isArray(include) ? include.filter((g): g is string => typeof g === 'string') : [],
    provider: ((PROVIDERS as readonly string[]).includes(provider) ? provider : DEFAULTS.provider) as ProviderKind,
    baseUrl: c.get<string>('baseUrl', DEFAULTS.baseUrl).trim(),
    azureEndpoint: c.get<string>('azure.endpoint', DEFAULTS.azureEndpoint).trim(),
    azureDeployments:
      deployments && typeof deployments === 'object' && !Array.isArray(deployments)
        ? Object.fromEntries(Object.entries(deployments).filter(([, v]) => typeof v === 'string'))
        : {},
    jobNotifications: c.get<boolean>('jobs.notifications', DEFAULTS.jobNotifications),
    fireworksAccount: c.get<string>('fireworks.account', D['tuneline.fireworks.account']).trim(),
    bedrockRegion: c.get<string>('bedrock.region', D['tuneline.bedrock.region']).trim() || D['tuneline.bedrock.region'],
    endpointOrigin: originOf(c, endpointKey),
    azureEndpointOrigin: originOf(c, 'azure.endpoint'),
    ...readEndpoints(c),
  };
}

/** `tuneline.eval.*`: the Batch API threshold (requests) and the live concurrency (1–32). */
export function readEvalSettings(scope?: vscode.ConfigurationScope): { batchThreshold: number; concurrency: number } {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const t = c.get<number>('eval.batchThreshold', D['tuneline.eval.batchThreshold']);
  const n = c.get<number>('eval.concurrency', D['tuneline.eval.concurrency']);
  return {
    batchThreshold: Number.isFinite(t) && t >= 0 ? Math.floor(t) : D['tuneline.eval.batchThreshold'],
    concurrency: Number.isFinite(n) ? Math.min(32, Math.max(1, Math.floor(n))) : D['tuneline.eval.concurrency'],
  };
}

/**
 * `tuneline.nearDuplicateThreshold`: the similarity (0–1) from which two examples are near-duplicates (TL-22) and a
 * validation example overlaps a training one; 0 turns near-duplicates off. Out of range: the default.
 */
export function readNearDuplicateThreshold(scope?: vscode.ConfigurationScope): number {
  const t = vscode.workspace.getConfiguration(SECTION, scope).get<number>('nearDuplicateThreshold', D['tuneline.nearDuplicateThreshold']);
  return typeof t === 'number' && Number.isFinite(t) && t >= 0 && t <= 1 ? t : D['tuneline.nearDuplicateThreshold'];
}

/** `tuneline.playground.codeLens`: the "Try in playground" lens. */
export function readCodeLensSetting(scope?: vscode.ConfigurationScope): boolean {
  return vscode.workspace.getConfiguration(SECTION, scope).get<boolean>('playground.codeLens', D['tuneline.playground.codeLens']);
}

/** Fires `listener` with a fresh snapshot whenever a Tuneline setting changes. */
export function onDidChangeSettings(listener: (settings: Settings) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(SECTION)) listener(readSettings());
  });
}

/** What the editor judges a dataset with: the dataset profile of a provider and model (issue 17). */
export interface ProfileSettings {
  /** The profile's provider; undefined: OpenAI's rules (`openai`, and `custom`, an OpenAI-compatible endpoint). */
  readonly provider: string | undefined;
  /** The model; undefined: the provider's default model (see `readProfileSettings`). */
  readonly model: string | undefined;
}

/**
 * The profile settings of a document: `tuneline.provider` and `tuneline.model`. For the open-model services
 * (Together, Fireworks, Nebius, Bedrock Mantle) a `tuneline.model` never set is the service's default model, not the
 * OpenAI model that is the setting's default.
 */
export function readProfileSettings(scope?: vscode.ConfigurationScope): ProfileSettings {
  const s = readSettings(scope);
  const provider = s.provider === 'openai' || s.provider === 'custom' ? undefined : s.provider;
  if (provider === undefined || provider === 'azure') return { provider, model: s.model };
  const info = vscode.workspace.getConfiguration(SECTION, scope).inspect<string>('model');
  const set = [info?.workspaceFolderValue, info?.workspaceValue, info?.globalValue].some((v) => typeof v === 'string' && v.trim() !== '');
  return { provider, model: set ? s.model : undefined };
}
