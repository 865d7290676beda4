/**
 * Inference prices (USD per 1M tokens, standard tier) for the models Tuneline fine-tunes, base and fine-tuned, so an
 * evaluation can show what it cost. OpenAI's pricing page as of PRICE_DATE; the Batch API costs half. Unknown models:
 * no price (the tokens are still shown).
 */
import { resolveModel } from '../models';

// Inference prices as published on 2025-11-30.

export interface InferencePrice {
  readonly input: number;
  readonly output: number;
}

interface Row {
  readonly base: InferencePrice;
  readonly fineTuned: InferencePrice;
}

const TABLE: Readonly<Record<string, Row>> = {
  'gpt-4.1-2025-04-14': { base: { input: 2, output: 8 }, fineTuned: { input: 3, output: 12 } },
  'gpt-4.1-mini-2025-04-14': { base: { input: 0.4, output: 1.6 }, fineTuned: { input: 0.8, output: 3.2 } },
  'gpt-4.1-nano-2025-04-14': { base: { input: 0.1, output: 0.4 }, fineTuned: { input: 0.2, output: 0.8 } },
  'gpt-4o-2024-08-06': { base: { input: 2.5, output: 10 }, fineTuned: { input: 3.75, output: 15 } },
  'gpt-4o-mini-2024-07-18': { base: { input: 0.15, output: 0.6 }, fineTuned: { input: 0.3, output: 1.2 } },
  'gpt-3.5-turbo-0125': { base: { input: 0.5, output: 1.5 }, fineTuned: { input: 3, output: 6 } },
  'o4-mini-2025-04-16': { base: { input: 1.1, output: 4.4 }, fineTuned: { input: 4, output: 16 } },
};

/** The price of `model` (a snapshot, an alias or an `ft:` id), undefined when Tuneline does not know it. */
export function inferencePrice(model: string): InferencePrice | undefined {
  const r = resolveModel(model);
  if (!r.known) return undefined;
  const row = TABLE[r.id];
  if (!row) return undefined;
  return r.fineTuned ? row.fineTuned : row.base;
}

/** USD for the tokens used; `batch` halves it. Undefined when the price is unknown. */
export function inferenceCost(model: string, promptTokens: number, completionTokens: number, batch = false): number | undefined {
  const p = inferencePrice(model);
  if (!p) return undefined;
  const usd = (p.input * promptTokens + p.output * completionTokens) / 1_000_000;
  return batch ? usd / 2 : usd;
}
