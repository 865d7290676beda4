/**
 * The provider adapters (issue 16). `providerFor(kind)` is what features ask: the wizard reads its capabilities,
 * the jobs view its operations, the playground its serving. A `custom` OpenAI-compatible endpoint uses the OpenAI
 * adapter's table (what the OpenAI shape allows), without OpenAI's wind-down rules.
 */
import { AZURE } from './azure';
import { makeProvider } from './base';
import { OPENAI, OPENAI_CAPABILITIES } from './openai';
import type { Provider } from './types';

export * from './types';
export { AZURE, AZURE_CAPABILITIES, AZURE_DEPLOYMENT_TYPES, AZURE_MODELS, AZURE_SOURCES, AZURE_TRAINING_TYPE, ARM_SCOPE, COGNITIVE_SERVICES_SCOPE, azureProvider } from './azure';
export { OPENAI, OPENAI_CAPABILITIES, OPENAI_MODELS, OPENAI_SOURCES, OPENAI_WIND_DOWN, openAIProvider, windDownExplanation } from './openai';
export { baseOfModelId, checkHyperparameter } from './base';

/** An OpenAI-compatible endpoint: the OpenAI shape, any model id the endpoint lists as tunable. */
const { default: _openaiDefault, ...customBaseUrl } = OPENAI_CAPABILITIES.baseUrl;
export const CUSTOM: Provider = makeProvider('custom', 'OpenAI-compatible endpoint', { ...OPENAI_CAPABILITIES, baseUrl: { ...customBaseUrl, example: 'https://HOST/v1' } }, {
  unknownModelMethods: ['supervised', 'dpo', 'reinforcement'],
});

/** The adapter for a `tuneline.provider` value. */
export function providerFor(kind: 'openai' | 'azure' | 'custom'): Provider {
  return kind === 'azure' ? AZURE : kind === 'custom' ? CUSTOM : OPENAI;
}

export const PROVIDERS: readonly Provider[] = [OPENAI, AZURE, CUSTOM];
