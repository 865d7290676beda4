/**
 * Whole-file validation: `validateText` (a text in memory, through `DatasetIndex`) and `validateFile` (a file on disk,
 * streamed with bounded memory, through the same per-line functions).
 *
 * ## Auto method while streaming, in one pass
 * Each line is checked against a guess: the method inferred from the shape counts so far (the line included). The
 * guess is right for all but the first few lines of any file whose format does not change half-way. For every guess
 * the validator keeps its problems, counters and the line ranges it covered (as runs `[firstLine, byteOffset,
 * lastLine, endOffset]`, so a homogeneous file needs one run). At the end the method is inferred from the whole file;
 * the runs checked against any other guess are read again (by byte range, not the whole file) and re-checked against
 * the final method. The result is exactly what `validateText` gives on the same text, while memory holds only the
 * problems, per-method counters, the runs and a duplicate table of 12 bytes per distinct example.
 */
import * as fs from 'node:fs';
import {
  DatasetIndex,
  analyzeLine,
  blankLineProblem,
  compareProblems,
  duplicateProblem,
  emptyShapeCounts,
  fileLevelProblems,
  inferMethod,
  splitLines,
  tokenLimitProblem,
  type EngineContext,
} from './dataset';
import { parseLine } from './parse';
import { resolveModel, type ResolvedModel } from './models';
import type { Method, MethodSetting, Problem, Severity } from './types';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from './tokens/lines';
import { ruleByCode } from './rules/catalog';
import { billedTokensPerEpoch, defaultEpochs, estimateCost } from './tokens/cost';
import { lineTokens } from './tokens/count';
import { getEncoder } from './tokens/encoding';
import { countTokensInWorkers } from './tokens/workers';

export interface ValidateOptions {
  readonly method?: MethodSetting;
  readonly model?: string;
  /** Count exact tokens (TOK-02) for the totals: on worker threads for files, on this thread for texts. */
  readonly tokens?: boolean;
  /** Keep at most this many problems (file-level first, then by line). Counts still cover every problem. */
  readonly maxProblems?: number;
  /** The RFT grader (parsed JSON) for the GRD and RFT-05 rules. */
  readonly grader?: unknown;
}

export interface ValidateFileOptions extends ValidateOptions {
  onProgress?(bytesRead: number, totalBytes: number): void;
  readonly signal?: AbortSignal;
  /** Worker threads for exact tokens (default 2). */
  readonly workers?: number;
  /** Read chunk size (default 4 MB; tests use tiny chunks). */
  readonly highWaterMark?: number;
}

export interface TokenSummary {
  /** Tokens in the file (exact, or the sum of cheap estimates when `exact` is false). */
  readonly total: number;
  /** Billed training tokens: Σ min(limit, tokens) × epochs (TOK-03). */
  readonly billed: number;
  readonly epochs: number;
  readonly perExampleMax: number;
  /** Examples over the model's training-example limit (TOK-01; always exact). */
  readonly overLimit: number;
  readonly limit: number;
  readonly exact: boolean;
}

export interface ValidationReport {
  readonly path?: string;
  readonly method: Method;
  readonly methodInferred: boolean;
  /** The resolved model snapshot. */
  readonly model: string;
  readonly modelKnown: boolean;
  /** Non-blank lines. */
  readonly examples: number;
  readonly problems: Problem[];
  /** Counts of all problems, including those cut by `maxProblems`. */
  readonly counts: Readonly<Record<Severity, number>>;
  readonly truncated: boolean;
  readonly tokens?: TokenSummary;
  readonly estimatedCost?: { readonly usd: number; readonly priceDate: string; readonly epochs: number };
  /** Why exact token counting failed (the totals are then estimates). */
  readonly tokensError?: string;
  /** File size in bytes. */
  readonly bytes: number;
}

function countSeverities(problems: readonly Problem[]): Record<Severity, number> {
  const c = { error: 0, warning: 0, info: 0 };
  for (const p of problems) c[p.severity]++;
  return c;
}

function cap(problems: Problem[], max: number | undefined): { problems: Problem[]; truncated: boolean } {
  if (max === undefined || max < 0 || problems.length <= max) return { problems, truncated: false };
  return { problems: problems.slice(0, max), truncated: true };
}

function tokenSummary(
  examples: number,
  total: number,
  billedPerEpoch: number,
  max: number,
  overLimit: number,
  model: ResolvedModel,
  exact: boolean,
): { tokens: TokenSummary; estimatedCost?: ValidationReport['estimatedCost'] } {
  const epochs = defaultEpochs(examples);
  const cost = estimateCost(billedPerEpoch, epochs, model.info);
  return {
    tokens: { total, billed: billedPerEpoch * epochs, epochs, perExampleMax: max, overLimit, limit: model.limit, exact },
    estimatedCost: cost ? { usd: cost.usd, priceDate: cost.priceDate, epochs } : undefined,
  };
}

/** Validates a whole text (lines split on `\n` / `\r\n`). Synchronous. */
export function validateText(text: string, options: ValidateOptions = {}): ValidationReport {
  const index = DatasetIndex.fromText(text, { method: options.method, model: options.model, grader: options.grader });
  const all = index.problems();
  const stats = index.stats();
  const model = index.model;
  let total = stats.totalTokens;
  let max = 0;
  let billed = stats.billedTokensPerEpoch;
  let exact = stats.tokensExact;
  if (options.tokens) {
    const opts = { encoder: getEncoder(model.encoding), funcInit: model.info.funcInit };
    total = 0;
    billed = 0;
    for (const line of splitLines(text)) {
      const t = lineTokens(line, opts) ?? 0;
      total += t;
      billed += Math.min(model.limit, t);
      if (t > max) max = t;
    }
    exact = true;
  } else {
    for (const t of stats.tokensPerExample) if (t > max) max = t;
  }
  const { problems, truncated } = cap(all, options.maxProblems);
  return {
    method: index.method,
    methodInferred: index.methodInferred,
    model: model.id,
    modelKnown: model.known,
    examples: stats.examples,
    problems,
    counts: countSeverities(all),
    truncated,
    ...tokenSummary(stats.examples, total, billed, max, stats.overLimit, model, exact),
    bytes: Buffer.byteLength(text, 'utf8'),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Streaming

/** Problems and counters of the lines checked against one method. */
class Bucket {
  readonly problems: Problem[] = [];
  readonly counts = { error: 0, warning: 0, info: 0 };
  /** Runs of consecutive lines: [firstLine, startOffset, lastLine, endOffset] repeated. */
  readonly runs: number[] = [];
  overLimit = 0;
  total = 0;
  billed = 0;
  max = 0;

  constructor(readonly method: Method, private readonly keep: number) {}

  add(p: Problem): void {
    this.counts[p.severity]++;
    if (this.problems.length < this.keep) this.problems.push(p);
  }

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
}

/**
 * An open-addressing map from 64-bit hashes of duplicate keys to the first line holding them (12 bytes per slot), so
 * that a multi-gigabyte file's duplicate map stays small. Two different keys share a 64-bit hash with probability
 * about n²/2⁶⁵ (≈ 3·10⁻⁸ for a million distinct examples).
 */
class DupTable {
  /** Interleaved slots [hashHi, hashLo, line + 1] (0 = empty), so that a probe touches one cache line. */
  private slots: Uint32Array;
  private cap: number;
  private size = 0;

  /** `expected`: a guess of the number of keys (sizes the table once instead of growing it step by step). */
  constructor(expected = 1 << 15) {
    let cap = 1 << 16;
    while (cap < expected * 2 && cap < 1 << 26) cap <<= 1;
    this.cap = cap;
    this.slots = new Uint32Array(cap * 3);
  }

  /** Returns the first line with this key, inserting `line` if the key is new. */
  firstOrInsert(key: string, line: number): number {
    if (this.size * 2 >= this.cap) this.grow();
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193 ^ key.length;
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
    }
    return this.probe(h1 >>> 0, h2 >>> 0, line);
  }

  private probe(h1: number, h2: number, line: number): number {
    const mask = this.cap - 1;
    const t = this.slots;
    let i = ((h1 ^ Math.imul(h2, 0x9e3779b1)) >>> 0) & mask;
    for (;;) {
      const j = i * 3;
      const l = t[j + 2]!;
      if (l === 0) {
        t[j] = h1;
        t[j + 1] = h2;
        t[j + 2] = line + 1;
        this.size++;
        return line;
      }
      if (t[j] === h1 && t[j + 1] === h2) return l - 1;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.cap *= 2;
    this.slots = new Uint32Array(this.cap * 3);
    this.size = 0;
    for (let j = 0; j < old.length; j += 3) {
      if (old[j + 2]! !== 0) this.probe(old[j]!, old[j + 1]!, old[j + 2]! - 1);
    }
  }
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

function abortError(): Error {
  const e = new Error('The operation was aborted');
  e.name = 'AbortError';
  return e;
}

/** Reads byte range [start, end) of an open file and feeds its lines (numbered from `firstLine`) to `sink`. */
async function rereadRun(
  fh: fs.promises.FileHandle,
  firstLine: number,
  start: number,
  end: number,
  sink: (text: string, line: number) => void,
): Promise<void> {
  const splitter = new LineSplitter((text, line) => sink(text, line), firstLine, start);
  const buf = Buffer.allocUnsafe(Math.min(4 * 1024 * 1024, Math.max(1, end - start + 1)));
  let pos = start;
  // Read up to and including the line break after the last line of the run (if any).
  const stop = end + 1;
  while (pos < stop) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, stop - pos), pos);
    if (bytesRead <= 0) break;
    splitter.push(buf.subarray(0, bytesRead));
    pos += bytesRead;
  }
  splitter.end();
}

/**
 * Streams a file from disk through the engine with bounded memory (line texts are not kept), reporting progress and
 * honouring `signal`. Rejects with the `fs` error (e.g. `ENOENT`) if the file cannot be read, or an `AbortError`.
 */
export async function validateFile(path: string, options: ValidateFileOptions = {}): Promise<ValidationReport> {
  const signal = options.signal;
  if (signal?.aborted) throw abortError();
  const stat = await fs.promises.stat(path);
  if (!stat.isFile()) {
    const e = new Error(`${path} is not a file`) as NodeJS.ErrnoException;
    e.code = 'EISDIR';
    throw e;
  }
  const totalBytes = stat.size;
  const model = resolveModel(options.model);
  const ctx: EngineContext = { model, grader: options.grader };
  const fixed: Method | undefined = options.method && options.method !== 'auto' ? options.method : undefined;
  const keep = options.maxProblems !== undefined && options.maxProblems >= 0 ? options.maxProblems : Infinity;

  const tokensPromise = options.tokens
    ? countTokensInWorkers({ file: path }, { workers: options.workers ?? 2, model: model.requested, signal })
    : undefined;
  // Never leave a rejection unhandled while the validation runs.
  tokensPromise?.catch(() => undefined);

  const shapes = emptyShapeCounts();
  const buckets = new Map<Method, Bucket>();
  const bucket = (m: Method): Bucket => {
    let b = buckets.get(m);
    if (!b) buckets.set(m, (b = new Bucket(m, keep)));
    return b;
  };
  const common = new Bucket('supervised', keep);
  // Chat examples are rarely under ~300 bytes: size the table for that many lines (capped; it grows if needed).
  const dups = new DupTable(Math.min(totalBytes / 300, 1 << 24));
  let examples = 0;
  let imageExamples = 0;
  let pendingBlank: { line: number; length: number } | undefined;
  /** Blank line numbers, ascending (to number examples in re-checked lines). */
  const blankLines: number[] = [];
  let lastByte = -1;

  const checkInto = (b: Bucket, text: string, line: number, example: number, bytes: number, parsed = parseLine(text)) => {
    const r = analyzeLine(text, line, example, b.method, ctx, parsed, bytes);
    for (const p of r.problems) b.add(p);
    if (r.overLimit && r.tokens !== undefined) {
      b.overLimit++;
      b.add(tokenLimitProblem(line, r.length, r.tokens, ctx, example));
    }
    if (r.shape !== 'blank') {
      const t = r.tokens ?? r.estimate;
      b.total += t;
      b.billed += Math.min(model.limit, t);
      if (t > b.max) b.max = t;
    }
    return r;
  };

  const onLine = (text: string, line: number, offset: number, bytes: number, oversize?: boolean): void => {
    if (pendingBlank) {
      common.add(blankLineProblem(pendingBlank.line, pendingBlank.length));
      pendingBlank = undefined;
    }
    if (oversize) {
      // Not decoded (bounded memory): counted as an example and reported as unreadable.
      shapes.invalid++;
      examples++;
      common.add(oversizeProblem(line, bytes, examples));
      return;
    }
    const parsed = parseLine(text);
    shapes[parsed.shape]++;
    const guess = fixed ?? inferMethod(shapes);
    const b = bucket(guess);
    if (parsed.shape !== 'blank') examples++;
    const r = checkInto(b, text, line, examples, bytes, parsed);
    b.cover(line, offset, offset + bytes);
    if (r.images > 0) imageExamples++;
    if (r.shape === 'blank') {
      pendingBlank = { line, length: r.length };
      blankLines.push(line);
    }
    if (r.dupKey !== undefined) {
      const first = dups.firstOrInsert(r.dupKey, line);
      if (first !== line) common.add(duplicateProblem(line, r.length, first, examples));
    }
  };

  const splitter = new LineSplitter(onLine);
  let bytesRead = 0;
  await new Promise<void>((resolve, reject) => {
    const stream = fs.createReadStream(path, { highWaterMark: options.highWaterMark ?? 4 * 1024 * 1024 });
    const onAbort = (): void => {
      stream.destroy();
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: string | Buffer) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      try {
        splitter.push(buf);
      } catch (e) {
        stream.destroy();
        reject(e);
        return;
      }
      if (buf.length > 0) lastByte = buf[buf.length - 1]!;
      bytesRead += buf.length;
      options.onProgress?.(bytesRead, totalBytes);
    });
    stream.on('error', (e) => {
      signal?.removeEventListener('abort', onAbort);
      reject(e);
    });
    stream.on('end', () => {
      signal?.removeEventListener('abort', onAbort);
      try {
        splitter.end();
      } catch (e) {
        reject(e);
        return;
      }
      resolve();
    });
  });
  // A blank line followed by a line break is reported; the document's last line (no break after it) is not.
  if (pendingBlank && lastByte === 10) {
    common.add(blankLineProblem(pendingBlank.line, pendingBlank.length));
  }

  const method = fixed ?? inferMethod(shapes);
  const final = bucket(method);
  const others = [...buckets.values()].filter((b) => b !== final && b.runs.length > 0);
  if (others.length > 0) {
    // Re-check the lines that were checked against another guess, reading only their byte ranges.
    const runs: Array<[number, number, number, number]> = [];
    for (const b of others) {
      for (let i = 0; i < b.runs.length; i += 4) runs.push([b.runs[i]!, b.runs[i + 1]!, b.runs[i + 2]!, b.runs[i + 3]!]);
    }
    runs.sort((a, b) => a[0] - b[0]);
    const fh = await fs.promises.open(path, 'r');
    try {
      for (const [firstLine, start, , end] of runs) {
        if (signal?.aborted) throw abortError();
        await rereadRun(fh, firstLine, start, end, (text, line) => {
          const parsed = parseLine(text);
          const example = exampleNumberAt(line) - (parsed.shape === 'blank' ? 1 : 0);
          checkInto(final, text, line, example, Buffer.byteLength(text, 'utf8'), parsed);
        });
      }
    } finally {
      await fh.close();
    }
  }

  /** The example number of a non-blank line: its 1-based line number minus the blank lines before it. A blank line's is one less. */
  function exampleNumberAt(line: number): number {
    let lo = 0;
    let hi = blankLines.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (blankLines[mid]! < line) lo = mid + 1;
      else hi = mid;
    }
    return line + 1 - lo;
  }

  const fileProblems = fileLevelProblems({
    method,
    methodInferred: !fixed,
    shapes,
    examples,
    bytes: totalBytes,
    imageExamples,
    model,
  });
  const all = [...fileProblems, ...final.problems, ...common.problems].sort(compareProblems);
  const counts = countSeverities(fileProblems);
  for (const b of [final, common]) {
    counts.error += b.counts.error;
    counts.warning += b.counts.warning;
    counts.info += b.counts.info;
  }
  const limited = cap(all, options.maxProblems);
  const truncated = limited.truncated || counts.error + counts.warning + counts.info > limited.problems.length;

  let total = final.total;
  let billed = final.billed;
  let max = final.max;
  let exact = false;
  let tokensError: string | undefined;
  if (tokensPromise) {
    try {
      const t = await tokensPromise;
      total = t.total;
      max = t.max;
      billed = billedTokensPerEpoch(t.perLine, model.limit);
      exact = true;
    } catch (e) {
      if (signal?.aborted) throw abortError();
      // The problems stand; the totals stay estimates.
      tokensError = e instanceof Error ? e.message : String(e);
    }
  }
  return {
    path,
    method,
    methodInferred: !fixed,
    model: model.id,
    modelKnown: model.known,
    examples,
    problems: limited.problems,
    counts,
    truncated,
    ...tokenSummary(examples, total, billed, max, final.overLimit, model, exact),
    ...(tokensError !== undefined ? { tokensError } : {}),
    bytes: totalBytes,
  };
}
