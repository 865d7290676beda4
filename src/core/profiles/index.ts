/** Dataset profiles: the rules of the service and model a dataset trains on (see `types.ts`). */
export * from './types';
export { resolveProfile, defaultProfile, providerId, openModel, openModelIds, isBaseline, PROVIDER_IDS } from './catalog';
export { profileContext, profileMethod, applyLineProfile, applyFileProfile, type ProfileContext, type ProfileFileFacts } from './apply';
