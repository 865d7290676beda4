/**
 * Where requests go, without `vscode`: the endpoint a provider's settings point to, its label for messages, a key's
 * fingerprint, and how a client is built from them. The extension's host side (`src/connection/provider.ts`) reads the
 * settings and the key store and calls these; the CLI builds the same client from its flags and the environment.
 */
import { createHash } from 'node:crypto';
import { ApiError, openSettingsAction } from './errors';
import { bedrockMantleBaseUrl, providerFor } from './providers';
import { FireworksTunelineClient } from './providers/fireworks/tunelineClient';
import { TogetherTunelineClient } from './providers/together/tunelineClient';
import { SdkClient, type RetryPolicy } from './sdkClient';
import type { ApiLog, Endpoint, ProviderKind, TunelineClient } from './types';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

/** How messages name each provider family. */
export const PROVIDER_LABELS: Readonly<Record<ProviderKind, string>> = {
  openai: 'OpenAI',
  azure: 'Azure OpenAI',
  custom: 'the custom endpoint',
  together: 'Together AI',
  fireworks: 'Fireworks AI',
  nebius: 'Nebius Token Factory',
  'bedrock-mantle': 'Amazon Bedrock (Mantle)',
};

/** The environment variables a key is read from when none is stored, by provider (the adapter's `auth.keyEnvVar`). */
export const KEY_ENV: Readonly<Record<ProviderKind, readonly string[]>> = {
  openai: [providerFor('openai').capabilities.auth.keyEnvVar],
  azure: [providerFor('azure').capabilities.auth.keyEnvVar],
  custom: ['OPENAI_API_KEY'],
  together: [providerFor('together').capabilities.auth.keyEnvVar],
  fireworks: [providerFor('fireworks').capabilities.auth.keyEnvVar],
  nebius: [providerFor('nebius').capabilities.auth.keyEnvVar],
  'bedrock-mantle': [providerFor('bedrock-mantle').capabilities.auth.keyEnvVar],
};

export type SettingOrigin = 'default' | 'user' | 'workspace';

/** The settings an endpoint is made of (a subset of the extension's `Settings`). */
export interface EndpointSettings {
  readonly provider: ProviderKind;
  readonly baseUrl: string;
  readonly azureEndpoint: string;
  readonly azureDeployments: Readonly<Record<string, string>>;
  /** Where `baseUrl` / `azure.endpoint` came from. */
  readonly endpointOrigin: 'default' | 'user' | 'workspace';
  /** Amazon Bedrock (Mantle): the AWS region of the default endpoint (`tuneline.bedrock.region`). */
  readonly bedrockRegion?: string;
  /** Fireworks AI: the account id its paths take (`tuneline.fireworks.account`). */
  readonly fireworksAccount?: string;
  /** `tuneline.endpoints`: the base URL per provider (several providers at once), and where each value came from. */
  readonly endpoints?: Readonly<Partial<Record<ProviderKind, string>>>;
  readonly endpointsOrigin?: Readonly<Partial<Record<ProviderKind, SettingOrigin>>>;
  /** Where `tuneline.azure.endpoint` came from (it applies to Azure whether or not Azure is the current provider). */
  readonly azureEndpointOrigin?: SettingOrigin;
}

/**
 * The endpoint settings of `provider`, which need not be the current one (`s.provider`). Where its endpoint comes
 * from, first that applies: Azure: `tuneline.azure.endpoint` (Azure's own setting), then `tuneline.endpoints.azure`;
 * the current provider: `tuneline.baseUrl` (as before several providers), then `tuneline.endpoints[provider]`; any
 * other provider: `tuneline.endpoints[provider]`, else the adapter's default (none for custom). The result is fed to
 * `endpointFromSettings` / `clientConfig` unchanged.
 */
export function endpointSettingsFor(s: EndpointSettings, provider: ProviderKind = s.provider): EndpointSettings {
  const mapped = s.endpoints?.[provider]?.trim() ?? '';
  const mappedOrigin: SettingOrigin = s.endpointsOrigin?.[provider] ?? 'user';
  if (provider === 'azure') {
    const own = s.azureEndpoint;
    const ownOrigin = s.provider === 'azure' ? s.endpointOrigin : (s.azureEndpointOrigin ?? 'user');
    return { ...s, provider, baseUrl: '', azureEndpoint: own || mapped, endpointOrigin: own ? ownOrigin : mapped ? mappedOrigin : 'default' };
  }
  if (provider === s.provider && s.baseUrl) return s;
  return { ...s, provider, baseUrl: mapped, endpointOrigin: mapped ? mappedOrigin : 'default' };
}

/** Everything a client is built from (the key included: factories are in-process only). */
export interface ClientConfig {
  readonly endpoint: Endpoint;
  readonly apiKey: string;
  readonly accountKey: string;
  readonly label: string;
  readonly settings: EndpointSettings;
}

export type ClientFactory = (config: ClientConfig, log: ApiLog) => TunelineClient;

/** A short, stable fingerprint of a key (sha256, 16 hex digits): safe to store, useless to call the API with. */
export function keyFingerprint(key: string): string {
  return createHash('sha256').update(`tuneline:${key}`).digest('hex').slice(0, 16);
}

/** The endpoint the settings point to, or an ApiError saying what to set. */
export function endpointFromSettings(s: EndpointSettings): Endpoint {
  let baseURL: string;
  if (s.provider === 'azure') {
    if (!s.azureEndpoint) {
      throw new ApiError('Tuneline needs the Azure OpenAI endpoint: set "tuneline.azure.endpoint" (https://NAME.openai.azure.com).', 'config', undefined, undefined, undefined, undefined, openSettingsAction('tuneline.azure.endpoint'));
    }
    baseURL = `${s.azureEndpoint.replace(/\/+$/, '').replace(/\/openai(\/v1)?$/, '')}/openai/v1/`;
  } else if (s.provider === 'custom') {
    if (!s.baseUrl) {
      throw new ApiError('Tuneline needs the base URL of the OpenAI-compatible endpoint: set "tuneline.baseUrl".', 'config', undefined, undefined, undefined, undefined, openSettingsAction('tuneline.baseUrl'));
    }
    baseURL = s.baseUrl;
  } else if (s.provider === 'bedrock-mantle') {
    baseURL = s.baseUrl || bedrockMantleBaseUrl(s.bedrockRegion || 'us-east-1');
  } else {
    // OpenAI, Together, Fireworks, Nebius: the adapter's one public endpoint unless tuneline.baseUrl says otherwise.
    baseURL = s.baseUrl || (providerFor(s.provider).capabilities.baseUrl.default ?? OPENAI_BASE_URL);
  }
  let origin: string;
  try {
    const u = new URL(baseURL);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('not http');
    if (u.username || u.password) throw new Error('credentials in URL');
    origin = u.origin;
  } catch {
    throw new ApiError(`Tuneline cannot use the endpoint "${baseURL}": it is not an http(s) URL without credentials.`, 'config');
  }
  const settingOrigin = s.provider !== 'azure' && s.provider !== 'custom' && !s.baseUrl ? 'default' : s.endpointOrigin;
  return { provider: s.provider, baseURL, origin, settingOrigin };
}

export function providerLabel(e: Endpoint): string {
  if (e.provider === 'openai' && e.baseURL === OPENAI_BASE_URL) return 'OpenAI';
  const host = new URL(e.origin).host;
  if (e.provider === 'azure') return `Azure OpenAI (${host})`;
  if (e.provider !== 'openai' && e.provider !== 'custom' && e.settingOrigin === 'default') return PROVIDER_LABELS[e.provider];
  return host;
}

/** The account key of an endpoint + key: keys caches of uploaded file ids (a short hash, never the key). */
export function accountKeyOf(endpoint: Endpoint, apiKey: string): string {
  return createHash('sha256').update(`${endpoint.provider}|${endpoint.baseURL}|${keyFingerprint(apiKey)}`).digest('hex').slice(0, 16);
}

/** The full config of a client for these settings and key. */
export function clientConfig(settings: EndpointSettings, apiKey: string): ClientConfig {
  const endpoint = endpointFromSettings(settings);
  return { endpoint, apiKey, accountKey: accountKeyOf(endpoint, apiKey), label: providerLabel(endpoint), settings };
}

/**
 * The client of a provider, built per service: `SdkClient` for the OpenAI-shaped services (OpenAI, Azure v1, custom,
 * Nebius, Bedrock Mantle) at the adapter's base URL (endpointFromSettings), `TogetherTunelineClient` for Together AI
 * (its SDK and presigned upload) and `FireworksTunelineClient` for Fireworks AI (its REST API, account from
 * `tuneline.fireworks.account`), all with the same retry policy; `deploymentFor`: the Azure deployments Tuneline
 * knows (consulted before `tuneline.azure.deployments`).
 */
export function sdkClientFactory(retry?: Partial<RetryPolicy>, deploymentFor?: (model: string) => string | undefined): ClientFactory {
  return (c, log) => {
    const common = { endpoint: c.endpoint, apiKey: c.apiKey, accountKey: c.accountKey, label: c.label, log, ...(retry ? { retry } : {}) };
    if (c.endpoint.provider === 'together') return new TogetherTunelineClient(common);
    if (c.endpoint.provider === 'fireworks') return new FireworksTunelineClient({ ...common, account: c.settings.fireworksAccount ?? '' });
    return new SdkClient({ ...c, log, deployments: c.settings.azureDeployments, ...(retry ? { retry } : {}), ...(deploymentFor ? { deploymentFor } : {}) });
  };
}
