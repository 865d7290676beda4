/**
 * The provider adapters (issue 16). `providerFor(kind)` is what features ask: the wizard reads its capabilities,
 * the jobs view its operations, the playground its serving. A `custom` OpenAI-compatible endpoint uses the OpenAI
 * adapter's table (what the OpenAI shape allows), without OpenAI's wind-down rules.
 */
import { AZURE } from './azure';
import { makeProvider } from './base';
import { BEDROCK_MANTLE } from './bedrockMantle';
import { FIREWORKS } from './fireworks';
import { NEBIUS } from './nebius';
import { TOGETHER } from './together';
import { OPENAI, OPENAI_CAPABILITIES } from './openai';
import type { Provider, ProviderId } from './types';

export * from './types';
export { AZURE, AZURE_CAPABILITIES, AZURE_DEPLOYMENT_TYPES, AZURE_MODELS, AZURE_SOURCES, AZURE_TRAINING_TYPE, ARM_SCOPE, COGNITIVE_SERVICES_SCOPE, azureProvider } from './azure';
export { OPENAI, OPENAI_CAPABILITIES, OPENAI_MODELS, OPENAI_SOURCES, OPENAI_WIND_DOWN, openAIProvider, windDownExplanation } from './openai';
export { baseOfModelId, checkHyperparameter, narrowed } from './base';
export { TOGETHER, TOGETHER_BASE_URL, TOGETHER_CAPABILITIES, TOGETHER_MODELS, TOGETHER_SOURCES, TOGETHER_STATUSES, togetherEstimateRequest, togetherJobRequest, togetherModelFromLimits, type TogetherModelLimits } from './together';
export { FIREWORKS, FIREWORKS_BASE_URL, FIREWORKS_CAPABILITIES, FIREWORKS_MODELS, FIREWORKS_SOURCES, FIREWORKS_STATUSES, fireworksJobRequest } from './fireworks';
export { NEBIUS, NEBIUS_BASE_URL, NEBIUS_CAPABILITIES, NEBIUS_MODELS, NEBIUS_SOURCES, nebiusJobRequest } from './nebius';
export { BEDROCK_MANTLE, BEDROCK_MANTLE_CAPABILITIES, BEDROCK_MANTLE_MODELS, BEDROCK_MANTLE_SOURCES, bedrockMantleBaseUrl } from './bedrockMantle';

/** An OpenAI-compatible endpoint: the OpenAI shape, any model id the endpoint lists as tunable. */
const { default: _openaiDefault, ...customBaseUrl } = OPENAI_CAPABILITIES.baseUrl;
export const CUSTOM: Provider = makeProvider('custom', 'OpenAI-compatible endpoint', { ...OPENAI_CAPABILITIES, baseUrl: { ...customBaseUrl, example: 'https://HOST/v1' } }, {
  unknownModelMethods: ['supervised', 'dpo', 'reinforcement'],
});

/** The adapter for a `tuneline.provider` value. */
export function providerFor(kind: ProviderId): Provider {
  switch (kind) {
    case 'azure':
      return AZURE;
    case 'custom':
      return CUSTOM;
    case 'together':
      return TOGETHER;
    case 'fireworks':
      return FIREWORKS;
    case 'nebius':
      return NEBIUS;
    case 'bedrock-mantle':
      return BEDROCK_MANTLE;
    default:
      return OPENAI;
  }
}

export const PROVIDERS: readonly Provider[] = [OPENAI, AZURE, CUSTOM, TOGETHER, FIREWORKS, NEBIUS, BEDROCK_MANTLE];
export { RETIREMENT_WARNING_DAYS, daysLeft, noDateAnnounced, retirementLine, retirementMark, type DaysLeft, type RetirementLevel, type RetirementMark } from './retirement';
