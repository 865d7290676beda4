/**
 * Training/validation split and exact-duplicate detection over the lines of a JSONL file. Pure: no `vscode`.
 *
 * "Exact duplicate" means what the engine's TL-03 rule means: two non-blank lines whose text is identical once
 * leading and trailing white space is trimmed (and that are JSON). The split keeps every copy of an example on the
 * same side (all copies go to training, or all to validation), so the validation file never holds an example the
 * model was trained on; it does not drop copies (run "Remove Duplicate Examples" for that).
 */
import { splitLines } from './dataset';

/** The duplicate-detection key of a line: its trimmed text; undefined for blank lines and lines that are not JSON. */
export function exampleKey(text: string): string | undefined {
  const t = text.trim();
  if (!t) return undefined;
  try {
    JSON.parse(t);
  } catch {
    return undefined;
  }
  return t;
}

export interface DuplicateLine {
  /** 0-based line of the later copy. */
  readonly line: number;
  /** 0-based line of the first copy. */
  readonly first: number;
}

/** The later copies of exact duplicates, in line order. */
export function duplicateLines(lines: readonly string[]): DuplicateLine[] {
  const firsts = new Map<string, number>();
  const out: DuplicateLine[] = [];
  lines.forEach((text, line) => {
    const key = exampleKey(text);
    if (key === undefined) return;
    const first = firsts.get(key);
    if (first === undefined) firsts.set(key, line);
    else out.push({ line, first });
  });
  return out;
}

/**
 * mulberry32: a small, fast, seeded 32-bit PRNG. The same seed gives the same sequence on every platform, so a
 * split is reproducible from its ratio and seed.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SplitOptions {
  /** The share of examples for training, strictly between 0 and 1 (0.8 = 80 % training, 20 % validation). */
  readonly ratio: number;
  /** Seed of the shuffle (an integer; the same seed and ratio give the same split). */
  readonly seed: number;
}

export interface SkippedLine {
  /** 0-based line. */
  readonly line: number;
  readonly reason: string;
}

export interface SplitResult {
  /** Lines of the training file, in their original order. */
  readonly train: string[];
  /** Lines of the validation file, in their original order. */
  readonly validation: string[];
  /** 0-based source lines of each training line. */
  readonly trainLines: number[];
  readonly validationLines: number[];
  /** Later copies of exact duplicates (kept, on the side of their first copy). */
  readonly duplicates: number;
  /** Blank lines dropped. */
  readonly blank: number;
  /** Lines that are not JSON: left out of both files and reported. */
  readonly skipped: SkippedLine[];
}

/** Checks a ratio; returns an error message or undefined. */
export function checkRatio(ratio: number): string | undefined {
  if (!Number.isFinite(ratio) || ratio <= 0 || ratio >= 1) return `The training share must be a number between 0 and 1 (exclusive), not ${ratio}.`;
  return undefined;
}

/**
 * Splits the examples of a JSONL text into a training and a validation set. Groups of exact duplicates are shuffled
 * as units with a seeded PRNG and handed to validation until it holds `round((1 - ratio) · examples)` examples (at
 * least one when there are two or more groups, never all of them); the rest trains. Each output keeps the source
 * order. Blank lines are dropped; lines that are not JSON are reported in `skipped` and left out.
 */
export function splitDataset(text: string | readonly string[], options: SplitOptions): SplitResult {
  const err = checkRatio(options.ratio);
  if (err) throw new RangeError(err);
  const lines = typeof text === 'string' ? splitLines(text) : text;
  const groups = new Map<string, number[]>();
  const skipped: SkippedLine[] = [];
  let blank = 0;
  let examples = 0;
  lines.forEach((t, line) => {
    if (!t.trim()) {
      blank++;
      return;
    }
    const key = exampleKey(t);
    if (key === undefined) {
      skipped.push({ line, reason: 'not valid JSON' });
      return;
    }
    examples++;
    const g = groups.get(key);
    if (g) g.push(line);
    else groups.set(key, [line]);
  });
  const order = [...groups.values()];
  const random = mulberry32(options.seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  let target = Math.round((1 - options.ratio) * examples);
  if (order.length >= 2) target = Math.max(1, target);
  const inValidation = new Set<number>();
  let validationCount = 0;
  let trainGroups = order.length;
  for (const g of order) {
    if (validationCount >= target) break;
    // Never give validation the last group training has.
    if (trainGroups <= 1) break;
    if (validationCount + g.length > target && validationCount > 0) continue;
    for (const l of g) inValidation.add(l);
    validationCount += g.length;
    trainGroups--;
  }
  const trainLines: number[] = [];
  const validationLines: number[] = [];
  for (const g of groups.values()) for (const l of g) (inValidation.has(l) ? validationLines : trainLines).push(l);
  trainLines.sort((a, b) => a - b);
  validationLines.sort((a, b) => a - b);
  return {
    train: trainLines.map((l) => lines[l]!.trim()),
    validation: validationLines.map((l) => lines[l]!.trim()),
    trainLines,
    validationLines,
    duplicates: examples - groups.size,
    blank,
    skipped,
  };
}
