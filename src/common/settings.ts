import * as vscode from 'vscode';
import type { ProviderKind } from '../api/types';
import { DEFAULT_MODEL } from '../core/models';
import type { MethodSetting } from '../core/types';

export type { ProviderKind } from '../api/types';

/**
 * An immutable snapshot of Tuneline's settings, read through one function. Defaults live here and in package.json
 * (the manifest test checks they agree). Settings that choose where requests and keys go (`provider`, `baseUrl`,
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
  /** Where `baseUrl` / `azure.endpoint` came from. */
  readonly endpointOrigin: 'default' | 'user' | 'workspace';
}

export const SECTION = 'tuneline';

export const DEFAULTS = {
  method: 'auto',
  model: DEFAULT_MODEL,
  validateInclude: [],
  provider: 'openai',
  baseUrl: '',
  azureEndpoint: '',
  azureDeployments: {},
  jobNotifications: true,
} as const satisfies Omit<Settings, 'endpointOrigin'>;

const METHODS: readonly string[] = ['auto', 'supervised', 'dpo', 'reinforcement', 'completion'];
const PROVIDERS: readonly string[] = ['openai', 'azure', 'custom'];

function originOf(config: vscode.WorkspaceConfiguration, key: string): Settings['endpointOrigin'] {
  const info = config.inspect(key);
  if (!info) return 'default';
  if (info.workspaceFolderValue !== undefined || info.workspaceValue !== undefined) return 'workspace';
  if (info.globalValue !== undefined) return 'user';
  return 'default';
}

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const method = c.get<string>('method', DEFAULTS.method);
  const provider = c.get<string>('provider', DEFAULTS.provider);
  const include = c.get<unknown>('validate.include', DEFAULTS.validateInclude);
  const deployments = c.get<unknown>('azure.deployments', DEFAULTS.azureDeployments);
  const endpointKey = provider === 'azure' ? 'azure.endpoint' : 'baseUrl';
  return {
    method: (METHODS.includes(method) ? method : DEFAULTS.method) as MethodSetting,
    model: c.get<string>('model', DEFAULTS.model).trim() || DEFAULTS.model,
    validateInclude: Array.isArray(include) ? include.filter((g): g is string => typeof g === 'string') : [],
    provider: (PROVIDERS.includes(provider) ? provider : DEFAULTS.provider) as ProviderKind,
    baseUrl: c.get<string>('baseUrl', DEFAULTS.baseUrl).trim(),
    azureEndpoint: c.get<string>('azure.endpoint', DEFAULTS.azureEndpoint).trim(),
    azureDeployments:
      deployments && typeof deployments === 'object' && !Array.isArray(deployments)
        ? Object.fromEntries(Object.entries(deployments).filter(([, v]) => typeof v === 'string'))
        : {},
    jobNotifications: c.get<boolean>('jobs.notifications', DEFAULTS.jobNotifications),
    endpointOrigin: originOf(c, endpointKey),
  };
}

/** Fires `listener` with a fresh snapshot whenever a Tuneline setting changes. */
export function onDidChangeSettings(listener: (settings: Settings) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(SECTION)) listener(readSettings());
  });
}
