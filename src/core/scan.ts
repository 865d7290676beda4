/**
 * The streaming validator's per-range machinery, shared by `validateFile` (on the calling thread) and the engine
 * worker (`tokens/worker.ts`), which validates the second part of a big file in parallel.
 *
 * A `RangeScanner` checks the lines of one contiguous byte range of a file, each against a guess of the method (see
 * `validate.ts`), and keeps per-guess problems, counters and line runs, the blank lines, and the file-wide facts
 * (shape counts, examples, examples with images). Its result is plain data (`RangeResult`), so that a worker can post
 * it back. Duplicates are found from the raw bytes of each line: each range collects fingerprints and byte ranges
 * (`DupEntries`), which `findDuplicates` compares once every range is scanned.
 */
import * as fs from 'node:fs';
import { radixOrder } from './radix';
import {
  analyzeLine,
  blankLineProblem,
  emptyShapeCounts,
  inferMethod,
  tokenLimitProblem,
  type EngineContext,
  type ShapeCounts,
} from './dataset';
import { parseLine, type ParsedLine } from './parse';
import { ruleByCode } from './rules/catalog';
import { SystemPromptTracker, systemPromptText, type SystemPromptData } from './rules/system-prompt';
import { addBadUtf8, hasInvalidUtf8, type BadUtf8 } from './encoding';
import { QualityCollector, type QualityData } from './quality/tracker';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from './tokens/lines';
import type { Method, Problem, Severity } from './types';

// ---------------------------------------------------------------------------------------------------------------
// Buckets

/** Problems and counters of the lines checked against one method, as posted between threads. */
export interface BucketData {
  readonly method: Method;
  readonly problems: Problem[];
  readonly counts: Record<Severity, number>;
  /** Runs of consecutive lines: [firstLine, startOffset, lastLine, endOffset] repeated. */
  readonly runs: number[];
  /**
   * Lines whose TOK-01 check waits for the token workers' counts (`EngineContext.deferTokensAboveBytes`):
   * [line, length, example, byte offset, bytes, estimate] repeated (`DEFERRED_FIELDS` numbers each).
   */
  readonly deferred: number[];
  overLimit: number;
  total: number;
  billed: number;
  max: number;
}

/** Problems and counters of the lines checked against one method. */
export class Bucket implements BucketData {
  problems: Problem[] = [];
  readonly counts = { error: 0, warning: 0, info: 0 };
  readonly runs: number[] = [];
  readonly deferred: number[] = [];
  overLimit = 0;
  total = 0;
  billed = 0;
  max = 0;

  constructor(
    readonly method: Method,
    private readonly keep: number,
  ) {}

  add(p: Problem): void {
    this.counts[p.severity]++;
    if (this.problems.length < this.keep) this.problems.push(p);
  }

  /** Adds line `line` (bytes [offset, end)) to the runs, joined to the last run when it follows it. */
  cover(line: number, offset: number, end: number): void {
    const r = this.runs;
    const n = r.length;
    if (n > 0 && r[n - 2] === line - 1) {
      r[n - 2] = line;
      r[n - 1] = end;
    } else {
      r.push(line, offset, line, end);
    }
  }

  data(): BucketData {
    const { method, problems, counts, runs, deferred, overLimit, total, billed, max } = this;
    return { method, problems, counts, runs, deferred, overLimit, total, billed, max };
  }
}

/** Numbers per entry of `BucketData.deferred`. */
export const DEFERRED_FIELDS = 6;

// ---------------------------------------------------------------------------------------------------------------
// Duplicates

function isSpaceByte(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a;
}

/** The trimmed range of the last `lineFingerprint` call (out parameters, to allocate nothing per line). */
let trimStart = 0;
let trimEnd = 0;
/** A `DataView` over the last buffer hashed (one per read chunk, not one per line). */
let viewOf: Uint8Array | undefined;
let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
/** An `Int32Array` over the last buffer hashed whose start is 4-byte aligned. */
let wordsOf: Uint8Array | undefined;
let words: Int32Array = new Int32Array(0);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The duplicate fingerprint of a line's bytes `raw[start, end)`: a hash of all of its trimmed bytes, in one pass of
 * 8 bytes a step read in place (two 32-bit lanes, multiply-rotate rounds as in xxHash, mixed with each other and the
 * length at the end; the 32-bit result depends only on the bytes, not on where they sit in a buffer). Trimming drops
 * what `duplicateKey` drops (space, tab, CR, LF, U+FEFF). Sets `trimStart` and `trimEnd`.
 *
 * It replaced a native CRC-32 of a `subarray` of the line plus a sampled FNV-1a: per line, the subarray object and
 * the native call cost more than hashing the bytes here (the profile of a 400,000-line file: 10% of the validation
 * time before, a third less after). It is not cryptographic and need not be: `findDuplicates` confirms every fingerprint
 * match by comparing the lines' bytes, so a collision costs two small reads and never makes a false duplicate. By
 * chance, n different lines share about n²/2^33 pairs of fingerprints: some 19 reads more for 400,000 lines, 116 for
 * a million (well under a millisecond).
 */
export function lineFingerprint(raw: Uint8Array, start: number, end: number): number {
  let a = start;
  let b = end;
  for (;;) {
    if (a < b && isSpaceByte(raw[a]!)) a++;
    else if (a + 2 < b && raw[a] === 0xef && raw[a + 1] === 0xbb && raw[a + 2] === 0xbf) a += 3;
    else break;
  }
  for (;;) {
    if (b > a && isSpaceByte(raw[b - 1]!)) b--;
    else if (b - 2 > a && raw[b - 3] === 0xef && raw[b - 2] === 0xbb && raw[b - 1] === 0xbf) b -= 3;
    else break;
  }
  trimStart = a;
  trimEnd = b;
  const n = b - a;
  let h1 = 0x9e3779b1 ^ n;
  let h2 = 0x85ebca77;
  let i = a;
  /** The end of the whole 8-byte blocks. */
  const blocks = a + (n & ~7);
  if (LITTLE_ENDIAN && (raw.byteOffset & 3) === 0 && blocks > a) {
    // The same little-endian words as `DataView.getInt32(i, true)` below, read from aligned memory (three times
    // faster: on the 400,000-line file the DataView reads cost as much as decoding the lines); a line that starts
    // off a 4-byte boundary has each word put together from two aligned ones.
    if (raw !== wordsOf) {
      wordsOf = raw;
      words = new Int32Array(raw.buffer, raw.byteOffset, raw.byteLength >>> 2);
    }
    const w32 = words;
    const last = w32.length;
    const r = a & 3;
    let w = (a - r) >>> 2;
    if (r === 0) {
      for (; i < blocks; i += 8, w += 2) {
        h1 = Math.imul(((h1 << 5) | (h1 >>> 27)) ^ w32[w]!, 0x9e3779b1);
        h2 = Math.imul(((h2 << 7) | (h2 >>> 25)) ^ w32[w + 1]!, 0x85ebca77);
      }
    } else {
      const lo = r * 8;
      const hi = 32 - lo;
      let prev = w32[w]!;
      for (; i < blocks && w + 2 < last; i += 8, w += 2) {
        const x = w32[w + 1]!;
        const y = w32[w + 2]!;
        h1 = Math.imul(((h1 << 5) | (h1 >>> 27)) ^ ((prev >>> lo) | (x << hi)), 0x9e3779b1);
        h2 = Math.imul(((h2 << 7) | (h2 >>> 25)) ^ ((x >>> lo) | (y << hi)), 0x85ebca77);
        prev = y;
      }
    }
  }
  if (i < blocks) {
    if (raw !== viewOf) {
      viewOf = raw;
      view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    }
    const v = view;
    for (; i < blocks; i += 8) {
      h1 = Math.imul(((h1 << 5) | (h1 >>> 27)) ^ v.getInt32(i, true), 0x9e3779b1);
      h2 = Math.imul(((h2 << 7) | (h2 >>> 25)) ^ v.getInt32(i + 4, true), 0x85ebca77);
    }
  }
  for (; i < b; i++) {
    const c = raw[i]!;
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul((h2 + c) | 0, 0xc2b2ae3d);
  }
  // Final avalanche (as in MurmurHash3's fmix32), each lane folded into the other.
  h1 ^= h2 >>> 3;
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h2 ^= h1;
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0xc2b2ae35);
  h2 ^= h2 >>> 16;
  return (h1 ^ Math.imul(h2, 0x27d4eb2f)) >>> 0;
}

/**
 * Exact duplicate detection over raw line bytes, after the scan: each part of the file gives its candidates in line
 * order (`DupEntries`: fingerprint, file range of the trimmed bytes); they are sorted by fingerprint (a stable radix
 * sort, so equal fingerprints stay in line order) and, within each run of equal fingerprints, a line is a copy of the
 * first earlier line whose bytes, read back from the file, are equal. Two different lines are never reported as
 * copies (a chance match of fingerprints only costs a read). Line texts are never kept.
 *
 * This replaced a hash table filled while the lines were read: on a 400,000-line file its one random probe a line
 * (a cache and TLB miss each, into 8 MB) cost 7% of the validation time, and with two threads the calling thread
 * inserted the worker's 200,000 entries one by one after its own part. Sorting touches memory in order (three passes
 * of 11 bits) and takes a few milliseconds. Memory: the candidates' 24 bytes a line plus 8 bytes a line while sorting.
 *
 * Returns, for each candidate of `parts` in order (the parts' candidates one after another), the line it is a copy
 * of, or -1.
 */
export function findDuplicates(path: string, parts: readonly DupEntries[]): Int32Array {
  let n = 0;
  for (const p of parts) n += p.count;
  const first = new Int32Array(n).fill(-1);
  if (n < 2) return first;
  // Flat views of the candidates (index k over the parts in order).
  const fp = new Uint32Array(n);
  if (parts.length > 256) throw new Error('findDuplicates: at most 256 parts');
  const partOf = new Uint8Array(n);
  const indexIn = new Uint32Array(n);
  {
    let k = 0;
    parts.forEach((p, j) => {
      fp.set(p.fingerprint.subarray(0, p.count), k);
      for (let i = 0; i < p.count; i++, k++) {
        partOf[k] = j;
        indexIn[k] = i;
      }
    });
  }
  const order = radixOrder(fp);
  const reader = new RangeReader(path);
  try {
    let s = 0;
    while (s < n) {
      const f = fp[order[s]!]!;
      let e = s + 1;
      while (e < n && fp[order[e]!] === f) e++;
      if (e - s > 1) {
        // Distinct contents among the lines of this fingerprint, first copies first (in line order).
        const reps: number[] = [];
        for (let q = s; q < e; q++) {
          const k = order[q]!;
          const pk = parts[partOf[k]!]!;
          const ik = indexIn[k]!;
          const len = pk.bytes[ik]!;
          let copyOf = -1;
          for (const r of reps) {
            const pr = parts[partOf[r]!]!;
            const ir = indexIn[r]!;
            if (pr.bytes[ir] === len && reader.same(pr.start[ir]!, pk.start[ik]!, len)) {
              copyOf = pr.line[ir]!;
              break;
            }
          }
          if (copyOf >= 0) first[k] = copyOf;
          else reps.push(k);
        }
      }
      s = e;
    }
  } finally {
    reader.close();
  }
  return first;
}


/** Compares byte ranges of a file (synchronous reads into two reused buffers). */
class RangeReader {
  private fd: number | undefined;
  private a = Buffer.alloc(0);
  private b = Buffer.alloc(0);

  constructor(private readonly path: string) {}

  private read(into: 'a' | 'b', offset: number, n: number): Buffer | undefined {
    if (this[into].length < n) this[into] = Buffer.allocUnsafe(Math.max(n, 64 * 1024));
    const buf = this[into];
    this.fd ??= fs.openSync(this.path, 'r');
    let got = 0;
    while (got < n) {
      const r = fs.readSync(this.fd, buf, got, n - got, offset + got);
      if (r <= 0) return undefined;
      got += r;
    }
    return buf;
  }

  /** True when the file holds the same `length` bytes at `x` and at `y`. */
  same(x: number, y: number, length: number): boolean {
    if (x === y) return true;
    const p = this.read('a', x, length);
    const q = p && this.read('b', y, length);
    return p !== undefined && q !== undefined && p.compare(q, 0, length, 0, length) === 0;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Duplicate candidates of a range, in line order (`findDuplicates` compares them). */
export interface DupEntries {
  readonly count: number;
  readonly fingerprint: Uint32Array;
  readonly line: Uint32Array;
  /** File offset of the trimmed bytes. */
  readonly start: Float64Array;
  /** Length of the trimmed bytes. */
  readonly bytes: Uint32Array;
  /** UTF-16 length of the whole line (the problem's range). */
  readonly length: Uint32Array;
}

/** Collects `DupEntries`: 24 bytes an example. */
export class DupCollector {
  private n = 0;
  private fp = new Uint32Array(1024);
  private ln = new Uint32Array(1024);
  private st = new Float64Array(1024);
  private by = new Uint32Array(1024);
  private le = new Uint32Array(1024);

  add(raw: Buffer, start: number, end: number, offset: number, line: number, length: number): void {
    if (this.n === this.fp.length) this.reserve(this.n * 2);
    const i = this.n++;
    this.fp[i] = lineFingerprint(raw, start, end);
    this.ln[i] = line;
    this.st[i] = offset + (trimStart - start);
    this.by[i] = trimEnd - trimStart;
    this.le[i] = length;
  }

  /** Makes room for `cap` entries (sizing once from an estimate avoids the copies of growing step by step). */
  reserve(cap: number): void {
    if (cap <= this.fp.length) return;
    const g = <T extends Uint32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a.subarray(0, this.n));
      return b;
    };
    this.fp = g(this.fp, (n) => new Uint32Array(n));
    this.ln = g(this.ln, (n) => new Uint32Array(n));
    this.st = g(this.st, (n) => new Float64Array(n));
    this.by = g(this.by, (n) => new Uint32Array(n));
    this.le = g(this.le, (n) => new Uint32Array(n));
  }

  /** The entries, as views of the collector's arrays (no copy; transfer them with `dupEntriesBuffers`). */
  entries(): DupEntries {
    const n = this.n;
    return {
      count: n,
      fingerprint: this.fp.subarray(0, n),
      line: this.ln.subarray(0, n),
      start: this.st.subarray(0, n),
      bytes: this.by.subarray(0, n),
      length: this.le.subarray(0, n),
    };
  }
}

/** The buffers of `DupEntries` (to transfer them to another thread without copying). */
export function dupEntriesBuffers(e: DupEntries): ArrayBuffer[] {
  return [e.fingerprint, e.line, e.start, e.bytes, e.length].map((a) => a.buffer as ArrayBuffer);
}

/** The buffers of a range's result that can move to another thread without a copy (duplicates, system prompts). */
export function rangeResultBuffers(r: RangeResult): ArrayBuffer[] {
  const s = r.system;
  const out = new Set<ArrayBuffer>(dupEntriesBuffers(r.dups));
  for (const a of [s.withSystem, s.without, ...s.groups.map((g) => g[2])]) out.add(a.buffer as ArrayBuffer);
  for (const a of [r.quality.ints, r.quality.nums, r.quality.sigs]) out.add(a.buffer as ArrayBuffer);
  return [...out];
}

// ---------------------------------------------------------------------------------------------------------------
// One range

export interface ScanOptions {
  readonly ctx: EngineContext;
  /** The range's bytes, to size the duplicate candidates once from the first lines' average length. */
  readonly rangeBytes?: number;
  /** The method, when given; otherwise each line is checked against the method inferred so far. */
  readonly fixed?: Method;
  /** Problems kept per bucket. */
  readonly keep: number;
}

/** What a scanned range found (plain data). */
export interface RangeResult {
  readonly firstLine: number;
  /** Lines in the range (blank ones included). */
  readonly lines: number;
  readonly shapes: ShapeCounts;
  /** Examples (non-blank lines) in the range. */
  readonly examples: number;
  readonly imageExamples: number;
  /** Blank line numbers, ascending. */
  readonly blankLines: number[];
  /** Problems checked against each guessed method. */
  readonly buckets: BucketData[];
  /** Method-independent problems: blank lines, unreadable lines, duplicates within the range when found directly. */
  readonly common: BucketData;
  /** The range's last line was blank (its problem is reported only if a line break follows it). */
  readonly pendingBlank?: { readonly line: number; readonly length: number };
  /** Duplicate candidates (compared by `findDuplicates` once every part is scanned). */
  readonly dups: DupEntries;
  /** The system prompts of the range's chat examples (`rules/system-prompt.ts`). */
  readonly system: SystemPromptData;
  /** Lines whose bytes are not UTF-8 (`encoding.ts`). */
  readonly badUtf8: BadUtf8;
  /** The quality keys of the range's examples (`quality/`), merged in line order by `validateFile`. */
  readonly quality: QualityData;
}


function oversizeProblem(line: number, bytes: number, example: number): Problem {
  const rule = ruleByCode('invalid-json');
  return {
    code: rule?.code ?? 'invalid-json',
    ruleId: rule?.id ?? 'FILE-01',
    severity: 'error',
    message: `Example ${example} (line ${line + 1}) is ${(bytes / 1024 / 1024).toFixed(0)} MB long, too long to check (Tuneline reads lines of up to ${DEFAULT_MAX_LINE_BYTES / 1024 / 1024} MB). One line must hold one example; split it.`,
    line,
    column: 0,
    endColumn: 0,
    data: { bytes },
  };
}

/** Checks one line into a bucket: its problems, its TOK-01 warning and its token sums. */
export function checkInto(
  b: Bucket,
  ctx: EngineContext,
  text: string,
  line: number,
  example: number,
  bytes: number,
  parsed: ParsedLine = parseLine(text),
  offset = -1,
): ReturnType<typeof analyzeLine> {
  // The duplicate key is left out: duplicates are found from the raw bytes.
  const r = analyzeLine(text, line, example, b.method, ctx, parsed, bytes, false);
  for (const p of r.problems) b.add(p);
  if (r.overLimit && r.tokens !== undefined) {
    b.overLimit++;
    b.add(tokenLimitProblem(line, r.length, r.tokens, ctx, example));
  } else if (r.deferred) {
    b.deferred.push(line, r.length, example, offset, bytes, r.estimate);
  }
  if (r.shape !== 'blank') {
    const t = r.tokens ?? r.estimate;
    b.total += t;
    b.billed += Math.min(ctx.model.limit, t);
    if (t > b.max) b.max = t;
  }
  return r;
}

/** Checks the lines of one range as a `LineSplitter` feeds them (`onLine`), then gives the result (`result`). */
export class RangeScanner {
  readonly shapes = emptyShapeCounts();
  readonly buckets = new Map<Method, Bucket>();
  readonly common: Bucket;
  private examples: number;
  private imageExamples = 0;
  private pendingBlank: { line: number; length: number } | undefined;
  private readonly blankLines: number[] = [];
  private lines = 0;
  private readonly system = new SystemPromptTracker();
  private readonly badUtf8: BadUtf8 = { count: 0, lines: [] };
  private readonly quality = new QualityCollector();

  /**
   * `firstLine`: the range's first line number; `examplesBefore`: the examples (non-blank lines) before it, so that
   * problems name the right example.
   */
  constructor(
    private readonly opts: ScanOptions,
    private readonly dups: DupCollector,
    private readonly firstLine = 0,
    private readonly examplesBefore = 0,
  ) {
    this.common = new Bucket('supervised', opts.keep);
    this.examples = examplesBefore;
  }

  bucket(m: Method): Bucket {
    let b = this.buckets.get(m);
    if (!b) this.buckets.set(m, (b = new Bucket(m, this.opts.keep)));
    return b;
  }

  private bytesSeen = 0;

  /** After the first lines: reserve the duplicate structures for the lines the sizes suggest. */
  private reserve(): void {
    const avg = this.bytesSeen / this.lines;
    if (this.opts.rangeBytes) this.dups.reserve(Math.ceil((this.opts.rangeBytes / avg) * 1.05));
  }

  readonly onLine = (text: string, line: number, offset: number, bytes: number, oversize: boolean, raw: Buffer, rawStart: number): void => {
    this.lines++;
    this.bytesSeen += bytes + 1;
    if (this.lines === 4096) this.reserve();
    if (this.pendingBlank) {
      this.common.add(blankLineProblem(this.pendingBlank.line, this.pendingBlank.length));
      this.pendingBlank = undefined;
    }
    if (oversize) {
      // Not decoded (bounded memory): counted as an example and reported as unreadable.
      this.shapes.invalid++;
      this.examples++;
      this.common.add(oversizeProblem(line, bytes, this.examples));
      return;
    }
    const parsed = parseLine(text);
    const shapes = this.shapes;
    shapes[parsed.shape]++;
    const b = this.bucket(this.opts.fixed ?? inferMethod(shapes, this.opts.ctx.profile));
    if (parsed.shape !== 'blank') this.examples++;
    if (hasInvalidUtf8(text, raw, rawStart, rawStart + bytes)) addBadUtf8(this.badUtf8, line, this.examples, text);
    const r = checkInto(b, this.opts.ctx, text, line, this.examples, bytes, parsed, offset);
    b.cover(line, offset, offset + bytes);
    if (r.images > 0) this.imageExamples++;
    if (r.quality) this.quality.add(line, this.examples, r.length, r.quality, offset, bytes);
    if (r.systemKey !== undefined) this.system.add(line, this.examples, r.length, r.systemKey, () => systemPromptText(parsed.value) ?? '');
    if (r.shape === 'blank') {
      this.pendingBlank = { line, length: r.length };
      this.blankLines.push(line);
    } else if (r.shape !== 'invalid') {
      // Blank and invalid lines are not compared (as in `checkLine`, which gives them no duplicate key).
      // Their candidates are compared after the scan (`findDuplicates`).
      this.dups.add(raw, rawStart, rawStart + bytes, offset, line, r.length);
    }
  };

  result(): RangeResult {
    return {
      firstLine: this.firstLine,
      lines: this.lines,
      shapes: this.shapes,
      examples: this.examples - this.examplesBefore,
      imageExamples: this.imageExamples,
      blankLines: this.blankLines,
      buckets: [...this.buckets.values()].map((b) => b.data()),
      common: this.common.data(),
      ...(this.pendingBlank ? { pendingBlank: this.pendingBlank } : {}),
      dups: this.dups.entries(),
      system: this.system.data(),
      badUtf8: this.badUtf8,
      quality: this.quality.data(),
    };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// A worker's part

/**
 * Lines and blank lines in the file's bytes [0, end): where a range that starts at `end` (a line start) stands. A
 * line is blank when it holds only what `parseLine` calls blank (space, tab, CR and whole UTF-8 BOMs), decided by a
 * small state machine over the bytes so that it does not depend on chunk boundaries; other lines are skipped with a
 * native search for the next line break. (A whitespace-only line longer than the splitter's 256 MB limit would be
 * counted as blank here but as an unreadable example by the splitter; no real file has one.)
 */
export function countLinesBefore(fd: number, end: number): { lines: number; blanks: number } {
  const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
  let lines = 0;
  let blanks = 0;
  /** -1: the current line is not blank; 0: blank so far; 1, 2: blank so far, inside a BOM after 1 or 2 of its bytes. */
  let state = 0;
  let pos = 0;
  while (pos < end) {
    const got = fs.readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
    if (got <= 0) break;
    let i = 0;
    while (i < got) {
      if (state < 0) {
        const nl = buf.indexOf(10, i);
        if (nl < 0 || nl >= got) break;
        lines++;
        state = 0;
        i = nl + 1;
        continue;
      }
      const c = buf[i++]!;
      if (c === 10) {
        lines++;
        if (state === 0) blanks++;
        state = 0;
      } else if (state === 0 && (c === 0x20 || c === 0x09 || c === 0x0d)) {
        // still blank
      } else if (state === 0 && c === 0xef) state = 1;
      else if (state === 1 && c === 0xbb) state = 2;
      else if (state === 2 && c === 0xbf) state = 0;
      else state = -1;
    }
    pos += got;
  }
  return { lines, blanks };
}

/**
 * Scans the byte range [start, end) of a file on this thread, synchronously (the engine worker's job): counts the
 * lines and examples before it, then checks its lines. `start` must be a line start.
 */
export function scanFileRange(
  path: string,
  start: number,
  end: number,
  opts: ScanOptions,
  onProgress?: (bytes: number) => void,
): RangeResult {
  const fd = fs.openSync(path, 'r');
  try {
    const before = start > 0 ? countLinesBefore(fd, start) : { lines: 0, blanks: 0 };
    const scanner = new RangeScanner({ ...opts, rangeBytes: end - start }, new DupCollector(), before.lines, before.lines - before.blanks);
    const splitter = new LineSplitter(scanner.onLine, before.lines, start);
    const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
    let pos = start;
    while (pos < end) {
      const got = fs.readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
      if (got <= 0) break;
      splitter.push(buf.subarray(0, got));
      pos += got;
      onProgress?.(got);
    }
    splitter.end();
    return scanner.result();
  } finally {
    fs.closeSync(fd);
  }
}
