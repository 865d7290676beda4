/**
 * Which file is a validation file's training file, from the names alone (TL-23 in the editor; the rule text in
 * `rules/catalog-profiles.ts` says the same):
 * - `val.jsonl`, `validation.jsonl`, `valid.jsonl` → `train.jsonl` beside it;
 * - `NAME_val.jsonl`, `NAME_validation.jsonl`, `NAME_valid.jsonl` (separator `_`, `-` or `.`) → `NAME_train.jsonl`
 *   (the same separator first, then the other two), else `NAME.jsonl`.
 * Case-insensitive in the validation name (`Data-VAL.jsonl`); the training names are tried in lower case, with the
 * validation file's own extension (`.jsonl`, `.ndjson`...).
 */

const VAL_WORDS = ['val', 'validation', 'valid'];
const SEPARATORS = ['_', '-', '.'];
const TRAIN_WORD = 'train';

/**
 * The training file names to look for beside a validation file `fileName` (a base name), best first; empty when the
 * name is not a validation file's.
 */
export function trainingFileCandidates(fileName: string): string[] {
  const dot = fileName.lastIndexOf('.');
  if (dot <= 0) return [];
  const stem = fileName.slice(0, dot);
  const ext = fileName.slice(dot);
  const lower = stem.toLowerCase();
  if (VAL_WORDS.includes(lower)) return [TRAIN_WORD + ext];
  for (const word of VAL_WORDS) {
    for (const sep of SEPARATORS) {
      const suffix = sep + word;
      if (lower.length <= suffix.length || !lower.endsWith(suffix)) continue;
      const name = stem.slice(0, stem.length - suffix.length);
      const seps = [sep, ...SEPARATORS.filter((s) => s !== sep)];
      return [...seps.map((s) => name + s + TRAIN_WORD + ext), name + ext];
    }
  }
  return [];
}
