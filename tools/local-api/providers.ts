/**
 * Which local server answers for each Tuneline provider (issue 20), and how a demo points Tuneline at it: the
 * settings and the key's environment variable. `main.ts --provider NAME` starts it; `scripts/start.mjs` reads the
 * `TUNELINE_DEMO {...}` line main.ts prints and writes those settings and that variable.
 *
 *   openai, azure, nebius, bedrock-mantle: the OpenAI-shaped engine (index.ts) with that flavour
 *   together:  together.ts (Together's own paths, presigned upload)
 *   fireworks: fireworks.ts (accounts/{account} paths, JOB_STATE_* states)
 */
import { startLocalFireworks, FIREWORKS_KEY } from './fireworks';
import { FLAVOUR_NAMES, type FlavourName } from './flavours';
import { DEFAULT_KEY, startLocalApi } from './index';
import { startLocalTogether, TOGETHER_KEY } from './together';

export type ProviderName = FlavourName | 'together' | 'fireworks';
export const PROVIDER_NAMES: readonly ProviderName[] = [...FLAVOUR_NAMES, 'together', 'fireworks'];

export interface ProviderDemo {
  readonly provider: ProviderName;
  readonly baseURL: string;
  readonly key: string;
  /** User settings for Tuneline (the values the wiring of issue 20 reads). */
  readonly settings: Record<string, string>;
  /** The environment variable the key goes in (the adapter's `auth.keyEnvVar`). */
  readonly keyEnvVar: string;
  close(): Promise<void>;
}

const ENV: Record<ProviderName, string> = {
  openai: 'OPENAI_API_KEY',
  azure: 'AZURE_OPENAI_API_KEY',
  nebius: 'NEBIUS_API_KEY',
  'bedrock-mantle': 'AWS_BEARER_TOKEN_BEDROCK',
  together: 'TOGETHER_API_KEY',
  fireworks: 'FIREWORKS_API_KEY',
};

export async function startProviderDemo(provider: ProviderName, options: { port?: number; speed?: 'manual' | 'demo'; key?: string } = {}): Promise<ProviderDemo> {
  const speed = options.speed ?? 'demo';
  if (provider === 'together') {
    const api = await startLocalTogether({ speed, ...(options.port !== undefined ? { port: options.port } : {}), key: options.key ?? TOGETHER_KEY });
    return { provider, baseURL: api.baseURL, key: api.key, settings: { 'tuneline.provider': 'together', 'tuneline.baseUrl': api.baseURL }, keyEnvVar: ENV.together, close: () => api.close() };
  }
  if (provider === 'fireworks') {
    const api = await startLocalFireworks({ speed, ...(options.port !== undefined ? { port: options.port } : {}), key: options.key ?? FIREWORKS_KEY });
    return {
      provider,
      baseURL: api.baseURL,
      key: api.key,
      settings: { 'tuneline.provider': 'fireworks', 'tuneline.baseUrl': api.baseURL, 'tuneline.fireworks.account': api.account },
      keyEnvVar: ENV.fireworks,
      close: () => api.close(),
    };
  }
  const api = await startLocalApi({ flavour: provider, speed, key: options.key ?? DEFAULT_KEY, ...(options.port !== undefined ? { port: options.port } : {}) });
  const settings: Record<string, string> =
    provider === 'azure'
      ? { 'tuneline.provider': 'azure', 'tuneline.baseUrl': '', 'tuneline.azure.endpoint': api.url }
      : { 'tuneline.provider': provider, 'tuneline.baseUrl': api.baseURL };
  return { provider, baseURL: api.baseURL, key: api.key, settings, keyEnvVar: ENV[provider], close: () => api.close() };
}
