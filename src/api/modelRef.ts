/**
 * A model of one of several configured providers, as one string (issue 16: the playground and evaluation put models
 * of different providers side by side): a model of the current provider is its plain id, as with one provider; a
 * model of another provider is `@<provider>/<id>` (`@azure/gpt-4.1-mini-2025-04-14.ft-abc`). Model ids never start
 * with `@` on the services Tuneline knows, so a plain id is never mistaken for a reference.
 */
import { PROVIDERS } from './providers';
import type { ProviderKind } from './types';

const KNOWN: ReadonlySet<string> = new Set(PROVIDERS.map((p) => p.id));

export interface ModelRef {
  readonly provider: ProviderKind;
  /** The id the provider's service knows. */
  readonly model: string;
}

/** The string of `model` on `provider`, given the current provider. */
export function modelRef(provider: ProviderKind, model: string, current: ProviderKind): string {
  return provider === current ? model : `@${provider}/${model}`;
}

/** The provider and service id a string names: `@<known provider>/<id>`, else the current provider's plain id. */
export function parseModelRef(ref: string, current: ProviderKind): ModelRef {
  const m = /^@([a-z-]+)\/(.+)$/.exec(ref.trim());
  if (m && KNOWN.has(m[1]!)) return { provider: m[1] as ProviderKind, model: m[2]! };
  return { provider: current, model: ref.trim() };
}
