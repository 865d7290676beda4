/**
 * The cross-line data-quality rules (TL-21 conflicting answers, TL-22 near-duplicates, TL-23 train/validation
 * overlap): per-line keys (`keys.ts`), the collected data and the rules over it (`tracker.ts`).
 */
import type { Problem } from '../types';
import {
  DEFAULT_NEAR_DUPLICATE_THRESHOLD,
  conflictProblems,
  nearDuplicateProblems,
  type LineText,
  type QualityData,
} from './tracker';

export { qualityKeys, sigSimilarity, type QualityKeys } from './keys';
export { trainingFileCandidates } from './pairing';
export {
  DEFAULT_NEAR_DUPLICATE_THRESHOLD,
  QualityCollector,
  conflictProblems,
  lineBytes,
  nearDuplicateProblems,
  overlapProblems,
  qualityCost,
  TrainingSet,
  type LineText,
  type QualityData,
} from './tracker';

/** The threshold in use: `threshold` when it is a number in [0, 1], else the default. */
export function nearThreshold(threshold: number | undefined): number {
  return threshold !== undefined && Number.isFinite(threshold) && threshold >= 0 && threshold <= 1 ? threshold : DEFAULT_NEAR_DUPLICATE_THRESHOLD;
}

/** The conflicting-answers and near-duplicate problems of collected data. */
export function qualityProblems(d: QualityData, threshold: number | undefined, textOf?: LineText, isCopy?: (line: number) => boolean): Problem[] {
  if (d.count < 2) return [];
  return [...conflictProblems(d, textOf), ...nearDuplicateProblems(d, nearThreshold(threshold), isCopy)];
}
