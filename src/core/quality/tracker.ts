/**
 * The cross-line data-quality rules, from each example's keys (`quality/keys.ts`):
 * - TL-21 `conflicting-answers`: the same user turn (the conversation up to its last user message, normalised) with
 *   different answers in different examples. A warning on each involved example's answer, naming the other lines. A
 *   file where most prompts have several answers (several answers per prompt by design) gets one file-level
 *   information instead.
 * - TL-22 `near-duplicate`: an example whose words are at least `threshold` similar (estimated Jaccard similarity of
 *   word bigrams) to an earlier example, exact copies left to TL-03. An information on the later line, naming the
 *   earlier one; a file where a large share of the examples are near-duplicates (templated by design) gets one
 *   file-level information instead.
 * - TL-23 `train-validation-overlap`: an example of the validation file that is also (the same conversation, or a
 *   near-duplicate) in the training file. A warning on the validation file's line, naming the training line.
 *
 * The data is a few typed arrays (`QualityData`: about 110 bytes an example), appended in line order; a file
 * validated in two parts merges its parts' data and judges the whole, so the result is that of one pass.
 *
 * Cost: conflicts are one pass with a map from prompt key to its first answer and a second over the examples of
 * conflicting prompts; near-duplicates are LSH banding done by sorting (16 bands: one native sort of packed
 * (band key, example) numbers each, n log n), comparing each example only with the first `PER_BUCKET` examples of
 * each band bucket it falls in: at most 16 × `PER_BUCKET` signature comparisons an example, whatever the file.
 */
import type { Problem } from '../types';
import { ruleByCode } from '../rules/catalog';
import { locate } from '../locate';
import { BAND_ROWS, SIG_BINS, sigSimilarity, type QualityKeys } from './keys';

/** Default similarity (estimated Jaccard of word bigrams) from which two examples count as near-duplicates. */
export const DEFAULT_NEAR_DUPLICATE_THRESHOLD = 0.8;
/** Earlier examples of a band bucket a later one is compared with. */
export const PER_BUCKET = 3;
/** Related lines named on one problem. */
const MAX_RELATED = 5;
/** A file where more than this share of the examples is involved is taken as deliberate: one file-level information. */
const DELIBERATE_SHARE = 0.5;
/** ...but only with at least this many examples involved (a small file with two conflicts is not a design). */
const DELIBERATE_MIN = 20;

const INTS = 5; // line, example, length, answer ref (list << 24 | index, bit 30: has a signature), bytes
const NUMS = 4; // prompt, answer, whole, byte offset
const HAS_SIG = 1 << 30;
/** Band keys keep 28 bits: the packed (key, example) number must stay exact in a double (28 + 25 bits). */
const MAX_SIG_EXAMPLES = 1 << 25;

/** Plain data of a collector (posted between threads). */
export interface QualityData {
  readonly count: number;
  readonly ints: Int32Array;
  readonly nums: Float64Array;
  readonly sigs: Uint8Array;
}

/** Collects the keys of a file's examples, in line order. */
export class QualityCollector {
  private count = 0;
  private ints = new Int32Array(INTS * 64);
  private nums = new Float64Array(NUMS * 64);
  private sigs = new Uint8Array(SIG_BINS * 64);

  /** Adds an example (`offset`, `bytes`: where the line is in its file; -1 when not from a file). */
  add(line: number, example: number, length: number, keys: QualityKeys, offset = -1, bytes = 0): void {
    this.reserve(this.count + 1);
    const i = this.count++;
    const ints = this.ints;
    ints[i * INTS] = line;
    ints[i * INTS + 1] = example;
    ints[i * INTS + 2] = length;
    ints[i * INTS + 3] = (keys.answerList << 24) | keys.answerAt | (keys.sig ? HAS_SIG : 0);
    ints[i * INTS + 4] = bytes;
    const nums = this.nums;
    nums[i * NUMS] = keys.prompt;
    nums[i * NUMS + 1] = keys.answer;
    nums[i * NUMS + 2] = keys.whole;
    nums[i * NUMS + 3] = offset;
    if (keys.sig) this.sigs.set(keys.sig, i * SIG_BINS);
  }

  /** Appends another collector's data (the later part of a file). */
  merge(d: QualityData): void {
    this.reserve(this.count + d.count);
    this.ints.set(d.ints.subarray(0, d.count * INTS), this.count * INTS);
    this.nums.set(d.nums.subarray(0, d.count * NUMS), this.count * NUMS);
    this.sigs.set(d.sigs.subarray(0, d.count * SIG_BINS), this.count * SIG_BINS);
    this.count += d.count;
  }

  data(): QualityData {
    return {
      count: this.count,
      ints: this.ints.subarray(0, this.count * INTS),
      nums: this.nums.subarray(0, this.count * NUMS),
      sigs: this.sigs.subarray(0, this.count * SIG_BINS),
    };
  }

  private reserve(n: number): void {
    if (n * INTS <= this.ints.length) return;
    const cap = Math.max(n, Math.ceil((this.ints.length / INTS) * 2));
    const ints = new Int32Array(cap * INTS);
    ints.set(this.ints);
    this.ints = ints;
    const nums = new Float64Array(cap * NUMS);
    nums.set(this.nums);
    this.nums = nums;
    const sigs = new Uint8Array(cap * SIG_BINS);
    sigs.set(this.sigs);
    this.sigs = sigs;
  }
}

/** The work done (signature comparisons, entries visited): what the linear-cost test counts. */
export const qualityCost = { comparisons: 0, visits: 0 };

const lineOf = (d: QualityData, i: number): number => d.ints[i * INTS]!;
const exampleOf = (d: QualityData, i: number): number => d.ints[i * INTS + 1]!;
const lengthOf = (d: QualityData, i: number): number => d.ints[i * INTS + 2]!;
const hasSig = (d: QualityData, i: number): boolean => (d.ints[i * INTS + 3]! & HAS_SIG) !== 0;

/** Where a line of the data is in its file (for reading it back): byte offset and length, or undefined. */
export function lineBytes(d: QualityData, i: number): { offset: number; bytes: number } | undefined {
  const offset = d.nums[i * NUMS + 3]!;
  return offset >= 0 ? { offset, bytes: d.ints[i * INTS + 4]! } : undefined;
}

function rule(code: string): { id: string; severity: Problem['severity'] } {
  const r = ruleByCode(code);
  return { id: r?.id ?? code, severity: r?.severity ?? 'warning' };
}

function lineList(lines: readonly number[], more: number): string {
  return lines.map((l) => String(l + 1)).join(', ') + (more > 0 ? ` and ${more.toLocaleString('en-US')} more` : '');
}

/**
 * Reads a line's text back (the editor: the document; a file: its bytes) to place a warning on the answer. Returns
 * undefined when the text is not at hand (the warning then covers the whole line).
 */
export type LineText = (entry: number, line: number) => string | undefined;

// ---------------------------------------------------------------------------------------------------------------
// TL-21 conflicting answers

export function conflictProblems(d: QualityData, textOf?: LineText): Problem[] {
  const groups = new Map<number, { answer: number; multi: boolean; members?: number[] }>();
  let prompted = 0;
  for (let i = 0; i < d.count; i++) {
    qualityCost.visits++;
    const p = d.nums[i * NUMS]!;
    if (Number.isNaN(p)) continue;
    prompted++;
    const a = d.nums[i * NUMS + 1]!;
    const g = groups.get(p);
    if (!g) groups.set(p, { answer: a, multi: false });
    else if (g.answer !== a) g.multi = true;
  }
  const involved: number[] = [];
  for (let i = 0; i < d.count; i++) {
    const p = d.nums[i * NUMS]!;
    if (Number.isNaN(p)) continue;
    const g = groups.get(p)!;
    if (!g.multi) continue;
    (g.members ??= []).push(i);
    involved.push(i);
  }
  if (involved.length === 0) return [];
  const r = rule('conflicting-answers');
  let prompts = 0;
  for (const g of groups.values()) if (g.multi) prompts++;
  if (involved.length >= DELIBERATE_MIN && involved.length > prompted * DELIBERATE_SHARE) {
    return [
      {
        code: 'conflicting-answers',
        ruleId: r.id,
        severity: 'info',
        message: `${prompts.toLocaleString('en-US')} user turns have several different answers (${involved.length.toLocaleString('en-US')} of ${prompted.toLocaleString('en-US')} examples, e.g. line ${lineOf(d, involved[0]!) + 1}). That is fine if the file gives several answers per prompt by design; otherwise keep one answer per user turn.`,
        data: { prompts, examples: involved.length, deliberate: true },
      },
    ];
  }
  const out: Problem[] = [];
  for (const g of groups.values()) {
    if (!g.multi) continue;
    const members = g.members!;
    const answers = new Set<number>();
    for (const i of members) answers.add(d.nums[i * NUMS + 1]!);
    for (const i of members) {
      const line = lineOf(d, i);
      // The first few other lines (a group of thousands names five of them: linear in the group).
      const others: number[] = [];
      for (let q = 0; q < members.length && others.length < MAX_RELATED; q++) {
        qualityCost.visits++;
        if (members[q] !== i) others.push(lineOf(d, members[q]!));
      }
      const more = members.length - 1 - others.length;
      const ref = d.ints[i * INTS + 3]! & ~HAS_SIG;
      const range = answerRange(textOf?.(i, line), ref >>> 24, ref & 0xffffff, lengthOf(d, i));
      out.push({
        code: 'conflicting-answers',
        ruleId: r.id,
        severity: r.severity,
        message: `Example ${exampleOf(d, i)}'s user turn is also on line${others.length === 1 ? '' : 's'} ${lineList(others, more)}, with ${answers.size === 2 ? 'a different answer' : `${answers.size - 1} other answers`}. The model is taught contradicting answers to the same question: keep the right one, or make the prompts differ.`,
        line,
        column: range.column,
        endColumn: range.endColumn,
        relatedLine: others[0]!,
        related: others.map((l) => ({ line: l, message: `The same user turn, another answer (line ${l + 1})` })),
        data: { answers: answers.size, lines: others, more },
      });
    }
  }
  return out;
}

/** The range of the answer's first message content (or the message) in a line's text; the whole line without text. */
function answerRange(text: string | undefined, list: number, at: number, length: number): { column: number; endColumn: number } {
  if (text === undefined) return { column: 0, endColumn: length };
  return locate(text, [list === 1 ? 'preferred_output' : 'messages', at, 'content'], 'value');
}

// ---------------------------------------------------------------------------------------------------------------
// LSH banding

/**
 * For each example with a signature in `b` (or, with `a`, of `b` against those of `a`), the earliest example it is
 * at least `threshold` similar to, among the candidates the bands give: `[bestIndex, similarity]` per example of `b`
 * (`-1` where none). With `a`, only examples of `a` are candidates; without, earlier examples of `b`.
 */
function bestMatches(b: QualityData, threshold: number, a?: QualityData): { best: Int32Array; sim: Float32Array } {
  const best = new Int32Array(b.count).fill(-1);
  const sim = new Float32Array(b.count);
  const na = a ? a.count : 0;
  // Signature-holding examples: a's first, then b's (indexes into the combined list).
  const idx: number[] = [];
  if (a) for (let i = 0; i < a.count; i++) if (hasSig(a, i)) idx.push(i);
  const aSigs = idx.length;
  for (let i = 0; i < b.count; i++) if (hasSig(b, i)) idx.push(na + i);
  if (idx.length > MAX_SIG_EXAMPLES) return { best, sim };
  const sigOf = (k: number): [Uint8Array, number] => (k < na ? [a!.sigs, k] : [b.sigs, k - na]);
  const bands = SIG_BINS / BAND_ROWS;
  const packed = new Float64Array(idx.length);
  for (let band = 0; band < bands; band++) {
    for (let n = 0; n < idx.length; n++) {
      const [s, k] = sigOf(idx[n]!);
      const o = k * SIG_BINS + band * BAND_ROWS;
      const key = ((s[o]! << 20) | (s[o + 1]! << 12) | (s[o + 2]! << 4) | (s[o + 3]! >>> 4)) >>> 0;
      packed[n] = key * MAX_SIG_EXAMPLES + n;
    }
    packed.sort();
    let runStart = 0;
    for (let n = 1; n <= packed.length; n++) {
      qualityCost.visits++;
      if (n < packed.length && Math.floor(packed[n]! / MAX_SIG_EXAMPLES) === Math.floor(packed[runStart]! / MAX_SIG_EXAMPLES)) continue;
      // A run [runStart, n) shares this band; in example order (the packed numbers sort by example within a key).
      if (n - runStart > 1) {
        for (let m = runStart + 1; m < n; m++) {
          const jn = packed[m]! % MAX_SIG_EXAMPLES;
          if (a && jn < aSigs) continue; // a training example: not judged
          const j = idx[jn]! - na;
          const [sj, kj] = sigOf(idx[jn]!);
          for (let q = runStart; q < Math.min(m, runStart + PER_BUCKET); q++) {
            const iq = packed[q]! % MAX_SIG_EXAMPLES;
            if (a && iq >= aSigs) break; // only training examples are candidates
            const cand = idx[iq]! - (a ? 0 : na);
            if (best[j]! >= 0 && best[j]! <= cand) continue;
            const [si, ki] = sigOf(idx[iq]!);
            qualityCost.comparisons++;
            const s = sigSimilarity(sj, kj, si, ki);
            if (s >= threshold) {
              best[j] = cand;
              sim[j] = s;
            }
          }
        }
      }
      runStart = n;
    }
  }
  return { best, sim };
}

// ---------------------------------------------------------------------------------------------------------------
// TL-22 near-duplicates

/** Share of the examples from which near-duplicates are taken as the file's design (one file-level information). */
const TEMPLATED_SHARE = 0.3;

/**
 * Near-duplicate problems. `isCopy(line)`: the line is an exact copy of an earlier one (TL-03 reports it; no
 * near-duplicate problem then). `threshold` ≤ 0 or > 1 turns the rule off.
 */
export function nearDuplicateProblems(d: QualityData, threshold: number, isCopy: (line: number) => boolean = () => false): Problem[] {
  if (!(threshold > 0 && threshold <= 1)) return [];
  const { best, sim } = bestMatches(d, threshold);
  const found: number[] = [];
  for (let j = 0; j < d.count; j++) {
    const i = best[j]!;
    if (i < 0 || isCopy(lineOf(d, j))) continue;
    // The same user turn with another answer: TL-21 reports the pair.
    const p = d.nums[j * NUMS]!;
    if (!Number.isNaN(p) && p === d.nums[i * NUMS]! && d.nums[j * NUMS + 1] !== d.nums[i * NUMS + 1]) continue;
    found.push(j);
  }
  if (found.length === 0) return [];
  const r = rule('near-duplicate');
  if (found.length >= DELIBERATE_MIN && found.length > d.count * TEMPLATED_SHARE) {
    return [
      {
        code: 'near-duplicate',
        ruleId: r.id,
        severity: 'info',
        message: `${found.length.toLocaleString('en-US')} of ${d.count.toLocaleString('en-US')} examples are near-duplicates (${Math.round(threshold * 100)}% or more similar) of earlier ones, e.g. line ${lineOf(d, found[0]!) + 1} and line ${lineOf(d, best[found[0]!]!) + 1}. If the file is templated by design, that is fine; otherwise vary or remove them.`,
        data: { examples: found.length, threshold, templated: true },
      },
    ];
  }
  return found.map((j) => {
    const i = best[j]!;
    const pct = Math.round(sim[j]! * 100);
    const other = lineOf(d, i);
    return {
      code: 'near-duplicate',
      ruleId: r.id,
      severity: r.severity,
      message: `Example ${exampleOf(d, j)} (line ${lineOf(d, j) + 1}) is a near-duplicate of line ${other + 1} (about ${pct}% of their word pairs are the same). Near-copies over-weight one example: remove one or make them differ.`,
      line: lineOf(d, j),
      column: 0,
      endColumn: lengthOf(d, j),
      relatedLine: other,
      related: [{ line: other, message: `The earlier, similar example (line ${other + 1})` }],
      data: { similarity: Math.round(sim[j]! * 1000) / 1000, threshold, of: other },
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// TL-23 train/validation overlap

/**
 * Problems on the validation file's lines (`val`) that repeat a training example (`train`, from the file `trainName`
 * as the message names it, `trainFile` as related information points to it): the same conversation (system prompt
 * aside), or a near-duplicate at `threshold` (≤ 0: exact only).
 */
export function overlapProblems(train: QualityData, val: QualityData, threshold: number, trainName: string, trainFile?: string): Problem[] {
  const wholes = new Map<number, number>();
  for (let i = 0; i < train.count; i++) {
    qualityCost.visits++;
    const w = train.nums[i * NUMS + 2]!;
    if (!wholes.has(w)) wholes.set(w, i);
  }
  const near = threshold > 0 && threshold <= 1 ? bestMatches(val, threshold, train) : undefined;
  const r = rule('train-validation-overlap');
  const out: Problem[] = [];
  for (let j = 0; j < val.count; j++) {
    qualityCost.visits++;
    const exact = wholes.get(val.nums[j * NUMS + 2]!);
    const i = exact ?? (near && near.best[j]! >= 0 ? near.best[j]! : undefined);
    if (i === undefined) continue;
    const tl = lineOf(train, i);
    const how = exact !== undefined ? 'is also in' : `is a near-duplicate (about ${Math.round(near!.sim[j]! * 100)}% similar) of an example of`;
    out.push({
      code: 'train-validation-overlap',
      ruleId: r.id,
      severity: r.severity,
      message: `Example ${exampleOf(val, j)} of this validation file ${how} the training file ${trainName} (line ${tl + 1}). A validation example the model trained on makes the validation loss look better than it is: remove it from one of the files.`,
      line: lineOf(val, j),
      column: 0,
      endColumn: lengthOf(val, j),
      related: [{ line: tl, message: `The training example (${trainName}, line ${tl + 1})`, ...(trainFile !== undefined ? { file: trainFile } : {}) }],
      data: { trainLine: tl, exact: exact !== undefined, ...(exact === undefined ? { similarity: Math.round(near!.sim[j]! * 1000) / 1000 } : {}) },
    });
  }
  return out;
}
