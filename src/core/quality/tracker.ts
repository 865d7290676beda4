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
 * Cost: conflicts are two passes over bitmaps of the prompt keys (`maybeRepeated`), then a map from prompt key to its
 * first answer over the examples whose key may repeat, and a pass over those of conflicting prompts. Near-duplicates
 * are LSH banding (16 bands): per band, the band keys from one pass over the signatures, the examples whose key may
 * repeat picked by the same bitmaps and put in radix order (stable: a bucket stays in example order); each example is
 * compared only with the first `PER_BUCKET` examples of each band bucket it falls in: at most 16 × `PER_BUCKET`
 * signature comparisons an example, whatever the file. On the bench's 400,000 examples: 1.7 s → 0.2 s.
 */
import type { Problem } from '../types';
import { ruleByCode } from '../rules/catalog';
import { locate } from '../locate';
import { BAND_ROWS, SIG_BINS, sigSimilarity, sigSimilarityWords, sigWords, type QualityKeys } from './keys';
import { REPEATED_PASSES, maybeRepeated, radixOrder } from '../radix';

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
    const sig = keys.sig;
    if (sig) {
      // a loop: `set` of 64 bytes cost more than the rest of `add`
      const sigs = this.sigs;
      const o = i * SIG_BINS;
      for (let k = 0; k < SIG_BINS; k++) sigs[o + k] = sig[k]!;
    }
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
  // Only a prompt key that occurs twice can have two answers: the map holds the few examples whose key may repeat
  // (`maybeRepeated`), not one entry per example (a map of 400,000 entries cost more than the rest of the rules).
  let prompted = 0;
  for (let i = 0; i < d.count; i++) if (!Number.isNaN(d.nums[i * NUMS]!)) prompted++;
  const at = new Uint32Array(prompted);
  const low = new Uint32Array(prompted);
  prompted = 0;
  for (let i = 0; i < d.count; i++) {
    qualityCost.visits++;
    const p = d.nums[i * NUMS]!;
    if (Number.isNaN(p)) continue;
    at[prompted] = i;
    low[prompted++] = p % 0x100000000;
  }
  const rep = maybeRepeated(low);
  qualityCost.visits += REPEATED_PASSES * prompted;
  const groups = new Map<number, { answer: number; multi: boolean; members?: number[] }>();
  for (let r = 0; r < rep.length; r++) {
    const i = at[rep[r]!]!;
    const p = d.nums[i * NUMS]!;
    const a = d.nums[i * NUMS + 1]!;
    const g = groups.get(p);
    if (!g) groups.set(p, { answer: a, multi: false });
    else if (g.answer !== a) g.multi = true;
  }
  const involved: number[] = [];
  for (let r = 0; r < rep.length; r++) {
    const i = at[rep[r]!]!;
    const g = groups.get(d.nums[i * NUMS]!)!;
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

const BANDS = SIG_BINS / BAND_ROWS;

/** The 28-bit key of band `band` of signature `k` in `s`. */
function bandKey(s: Uint8Array, k: number, band: number): number {
  const o = k * SIG_BINS + band * BAND_ROWS;
  return ((s[o]! << 20) | (s[o + 1]! << 12) | (s[o + 2]! << 4) | (s[o + 3]! >>> 4)) >>> 0;
}

/**
 * For each example with a signature in `b`, the earliest earlier example it is at least `threshold` similar to,
 * among the candidates the bands give: `[bestIndex, similarity]` per example (`-1` where none).
 */
function bestMatches(b: QualityData, threshold: number): { best: Int32Array; sim: Float32Array } {
  const best = new Int32Array(b.count).fill(-1);
  const sim = new Float32Array(b.count);
  let m = 0;
  for (let i = 0; i < b.count; i++) if (hasSig(b, i)) m++;
  if (m > MAX_SIG_EXAMPLES) return { best, sim };
  const idx = new Int32Array(m);
  m = 0;
  for (let i = 0; i < b.count; i++) if (hasSig(b, i)) idx[m++] = i;
  // The band keys of `GROUP` bands at a time, band-major, from one pass over the signatures (a signature is one
  // cache line: reading it once per band was 16 misses an example, most of the time on 400,000 examples).
  const GROUP = 8;
  const keys = new Uint32Array(GROUP * m);
  const w32 = sigWords(b.sigs);
  for (let g = 0; g < BANDS; g += GROUP) {
    const bands = Math.min(GROUP, BANDS - g);
    for (let n = 0; n < m; n++) {
      for (let k = 0; k < bands; k++) keys[k * m + n] = bandKey(b.sigs, idx[n]!, g + k);
    }
    for (let k = 0; k < bands; k++) {
      const bk = keys.subarray(k * m, (k + 1) * m);
      const rep = maybeRepeated(bk);
      // the band's keys, each read by each of the bitmaps' passes
      qualityCost.visits += REPEATED_PASSES * m;
      // Only examples whose band key may repeat can share a bucket: nearly every key is unique, so only these are
      // put in (stable, linear) radix order, which keeps a bucket in example order.
      const sub = new Uint32Array(rep.length);
      for (let r = 0; r < rep.length; r++) sub[r] = bk[rep[r]!]!;
      const order = radixOrder(sub, 28);
      let runStart = 0;
      for (let n = 1; n <= order.length; n++) {
        qualityCost.visits++;
        if (n < order.length && sub[order[n]!] === sub[order[runStart]!]) continue;
        // A run [runStart, n) shares this band, in example order.
        for (let r = runStart + 1; r < n; r++) {
          const j = idx[rep[order[r]!]!]!;
          for (let q = runStart; q < Math.min(r, runStart + PER_BUCKET); q++) {
            const cand = idx[rep[order[q]!]!]!;
            if (best[j]! >= 0 && best[j]! <= cand) continue;
            qualityCost.comparisons++;
            const s = w32 ? sigSimilarityWords(w32, j, w32, cand) : sigSimilarity(b.sigs, j, b.sigs, cand);
            if (s >= threshold) {
              best[j] = cand;
              sim[j] = s;
            }
          }
        }
        runStart = n;
      }
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
 * A training file's examples prepared once for judging validation files against them (the editor keeps one per
 * training file and re-judges its validation file on every publish): a map of whole-conversation keys and, per LSH
 * band, the examples' band keys sorted (a radix order). Building it is linear in the training file; judging a validation file of
 * v examples is v × (16 binary searches + at most 16 × `PER_BUCKET` signature comparisons), whatever the training
 * file holds. The candidates of a validation example are the first `PER_BUCKET` training examples of each band
 * bucket it falls in, the result the earliest of them at `threshold` or more.
 */
export class TrainingSet {
  private readonly wholes = new Map<number, number>();
  /** Per band: (band key × `MAX_SIG_EXAMPLES` + training index), sorted; undefined: near-duplicates off. */
  private readonly bands: Float64Array[] | undefined;
  /** Per band: where the entries of each value of the band key's top bits start in `bands` (`dirShift`). */
  private readonly dirs: Uint32Array[] = [];
  private dirShift = 24;
  /** The training signatures' 32-bit view (`sigWords`). */
  private readonly words: Int32Array | undefined;

  constructor(
    readonly data: QualityData,
    /** Near-duplicate threshold (≤ 0 or > 1: exact overlaps only). */
    readonly threshold: number,
  ) {
    this.words = sigWords(data.sigs);
    for (let i = 0; i < data.count; i++) {
      qualityCost.visits++;
      const w = data.nums[i * NUMS + 2]!;
      if (!this.wholes.has(w)) this.wholes.set(w, i);
    }
    // Training indexes must fit the packed numbers (below `MAX_SIG_EXAMPLES`).
    if (!(threshold > 0 && threshold <= 1) || data.count > MAX_SIG_EXAMPLES) return;
    const idx: number[] = [];
    for (let i = 0; i < data.count; i++) if (hasSig(data, i)) idx.push(i);
    if (idx.length > MAX_SIG_EXAMPLES) return;
    this.bands = [];
    // A directory of about one entry per training example (at most 2^16), per band.
    let dirBits = 4;
    while (dirBits < 16 && 1 << dirBits < idx.length) dirBits++;
    this.dirShift = 28 - dirBits;
    const keys = new Uint32Array(idx.length);
    for (let band = 0; band < BANDS; band++) {
      for (let n = 0; n < idx.length; n++) keys[n] = bandKey(data.sigs, idx[n]!, band);
      // The stable radix order (linear; a native sort of the packed numbers cost 650 ms on 400,000 examples): the
      // packed numbers come out sorted, equal keys in example order.
      const order = radixOrder(keys, 28);
      const packed = new Float64Array(idx.length);
      for (let n = 0; n < order.length; n++) {
        const o = order[n]!;
        packed[n] = keys[o]! * MAX_SIG_EXAMPLES + idx[o]!;
      }
      this.bands.push(packed);
      // dir[t]: the first entry whose key's top bits are t or more
      const dir = new Uint32Array((1 << dirBits) + 1);
      for (let n = 0; n < order.length; n++) dir[(keys[order[n]!]! >>> this.dirShift) + 1]!++;
      for (let t = 1; t < dir.length; t++) dir[t]! += dir[t - 1]!;
      this.dirs.push(dir);
    }
  }

  /** The earliest training example a validation example (`k` of `val`) is a near-duplicate of, or undefined. */
  private nearest(val: QualityData, k: number, vw: Int32Array | undefined): { i: number; sim: number } | undefined {
    if (!this.bands || !hasSig(val, k)) return undefined;
    const tw = this.words;
    let best = -1;
    let sim = 0;
    for (let band = 0; band < BANDS; band++) {
      const packed = this.bands[band]!;
      const key = bandKey(val.sigs, k, band);
      // The first entry of the bucket: binary search for key × MAX (training indexes are < MAX), within the range of
      // entries whose key has the same top bits (the directory: a search over 400,000 entries was ten cache misses).
      const want = key * MAX_SIG_EXAMPLES;
      const dir = this.dirs[band]!;
      const top = key >>> this.dirShift;
      let lo = dir[top]!;
      let hi = dir[top + 1]!;
      while (lo < hi) {
        qualityCost.visits++;
        const mid = (lo + hi) >>> 1;
        if (packed[mid]! < want) lo = mid + 1;
        else hi = mid;
      }
      for (let q = lo; q < Math.min(packed.length, lo + PER_BUCKET); q++) {
        if (Math.floor(packed[q]! / MAX_SIG_EXAMPLES) !== key) break;
        const cand = packed[q]! % MAX_SIG_EXAMPLES;
        if (best >= 0 && best <= cand) continue;
        qualityCost.comparisons++;
        const s = vw && tw ? sigSimilarityWords(vw, k, tw, cand) : sigSimilarity(val.sigs, k, this.data.sigs, cand);
        if (s >= this.threshold) {
          best = cand;
          sim = s;
        }
      }
    }
    return best >= 0 ? { i: best, sim } : undefined;
  }

  /**
   * Problems on the validation file's lines (`val`) that repeat a training example (from the file `trainName` as
   * the message names it, `trainFile` as related information points to it): the same conversation (system prompt
   * aside), or a near-duplicate at the threshold.
   */
  problems(val: QualityData, trainName: string, trainFile?: string): Problem[] {
    const train = this.data;
    const useNear = this.bands !== undefined && train.count + val.count <= MAX_SIG_EXAMPLES;
    const vw = sigWords(val.sigs);
    const r = rule('train-validation-overlap');
    const out: Problem[] = [];
    for (let j = 0; j < val.count; j++) {
      qualityCost.visits++;
      const exact = this.wholes.get(val.nums[j * NUMS + 2]!);
      const near = exact === undefined && useNear ? this.nearest(val, j, vw) : undefined;
      const i = exact ?? near?.i;
      if (i === undefined) continue;
      const tl = lineOf(train, i);
      const how = exact !== undefined ? 'is also in' : `is a near-duplicate (about ${Math.round(near!.sim * 100)}% similar) of an example of`;
      out.push({
        code: 'train-validation-overlap',
        ruleId: r.id,
        severity: r.severity,
        message: `Example ${exampleOf(val, j)} of this validation file ${how} the training file ${trainName} (line ${tl + 1}). A validation example the model trained on makes the validation loss look better than it is: remove it from one of the files.`,
        line: lineOf(val, j),
        column: 0,
        endColumn: lengthOf(val, j),
        related: [{ line: tl, message: `The training example (${trainName}, line ${tl + 1})`, ...(trainFile !== undefined ? { file: trainFile } : {}) }],
        data: { trainLine: tl, exact: exact !== undefined, ...(exact === undefined ? { similarity: Math.round(near!.sim * 1000) / 1000 } : {}) },
      });
    }
    return out;
  }
}

/**
 * Problems on the validation file's lines (`val`) that repeat a training example (`train`): see `TrainingSet`
 * (one validation file judged once).
 */
export function overlapProblems(train: QualityData, val: QualityData, threshold: number, trainName: string, trainFile?: string): Problem[] {
  return new TrainingSet(train, threshold).problems(val, trainName, trainFile);
}
