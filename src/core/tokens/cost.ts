/**
 * Billing estimate (reference TOK-03, the cookbook's data-prep notebook):
 * billed tokens = Σ min(limit, example tokens) × epochs; cost = price per 1M ÷ 1M × billed tokens.
 * Validation files are not charged.
 */
import type { ModelInfo } from '../models';

export const TARGET_EPOCHS = 3;
export const MIN_TARGET_EXAMPLES = 100;
export const MAX_TARGET_EXAMPLES = 25_000;
export const MIN_DEFAULT_EPOCHS = 1;
export const MAX_DEFAULT_EPOCHS = 25;

/**
 * The default-epoch heuristic: 3 epochs, raised so that examples × epochs reaches 100 (at most 25 epochs), or
 * lowered so that it stays under 25,000 (at least 1 epoch). Integer division as in the cookbook.
 */
export function defaultEpochs(examples: number): number {
  if (examples <= 0) {
    return TARGET_EPOCHS;
  }
  if (examples * TARGET_EPOCHS < MIN_TARGET_EXAMPLES) {
    return Math.min(MAX_DEFAULT_EPOCHS, Math.floor(MIN_TARGET_EXAMPLES / examples));
  }
  if (examples * TARGET_EPOCHS > MAX_TARGET_EXAMPLES) {
    return Math.max(MIN_DEFAULT_EPOCHS, Math.floor(MAX_TARGET_EXAMPLES / examples));
  }
  return TARGET_EPOCHS;
}

/** Σ min(limit, tokens) over the examples (one epoch). */
export function billedTokensPerEpoch(perExample: Iterable<number>, limit: number): number {
  let sum = 0;
  for (const t of perExample) {
    sum += Math.min(limit, t);
  }
  return sum;
}

export interface CostEstimate {
  readonly usd: number;
  readonly priceDate: string;
  readonly epochs: number;
  /** Billed tokens over all epochs. */
  readonly billedTokens: number;
  readonly pricePerMillion: number;
}

/**
 * The training cost for a model priced per token; undefined for models without a listed price or priced per hour
 * (o4-mini reinforcement fine-tuning is billed by training time, which cannot be derived from the file).
 */
export function estimateCost(billedPerEpoch: number, epochs: number, model: ModelInfo): CostEstimate | undefined {
  const price = model.trainingPrice;
  if (!price || price.unit !== 'per-1M-tokens') {
    return undefined;
  }
  const billedTokens = billedPerEpoch * epochs;
  return {
    usd: (price.usd / 1_000_000) * billedTokens,
    priceDate: price.date,
    epochs,
    billedTokens,
    pricePerMillion: price.usd,
  };
}
