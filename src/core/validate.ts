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
 * problems, per-method counters, the runs and the duplicate candidates, 24 bytes an example (`scan.ts`).
 * Big files are validated in two parts at once (see `validateFile`).
 */
import * as fs from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { abortError } from './abort';
import {
  DatasetIndex,
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
import { SystemPromptTracker } from './rules/system-prompt';
import { QualityCollector, lineBytes, nearThreshold, overlapProblems, qualityProblems, type QualityData } from './quality/index';
import { badUtf8Problems, fileNotUtf8Problem, mergeBadUtf8, sniffFileEncoding, type BadUtf8 } from './encoding';
import type { ResolvedModel } from './models';
import { profileContext } from './profiles/apply';
import type { Profile } from './profiles/types';
import type { Method, MethodSetting, Problem, Severity } from './types';
import { LineSplitter, readChunks } from './tokens/lines';
import { billedTokensPerEpoch, defaultEpochs, estimateCost } from './tokens/cost';
import { lineTokens } from './tokens/count';
import { getEncoder } from './tokens/encoding';
import { countTokensInWorkers, resolveWorkerScript } from './tokens/workers';
import type { ValidateWorkerMessage, WorkerRequest } from './tokens/workerProtocol';
import { Bucket, DEFERRED_FIELDS, DupCollector, RangeScanner, checkInto, findDuplicates, type BucketData, type RangeResult, type ScanOptions } from './scan';

export interface ValidateOptions {
  readonly method?: MethodSetting;
  readonly model?: string;
  /**
   * The provider whose dataset profile judges the file (`profiles/`: `openai`, `azure`, `together`, `fireworks`,
   * `bedrock-mantle`). Default: OpenAI, today's rules.
   */
  readonly provider?: string;
  /** Count exact tokens (TOK-02) for the totals: on worker threads for files, on this thread for texts. */
  readonly tokens?: boolean;
  /** Keep at most this many problems (file-level first, then by line). Counts still cover every problem. */
  readonly maxProblems?: number;
  /** The RFT grader (parsed JSON) for the GRD and RFT-05 rules. */
  readonly grader?: unknown;
  /** Near-duplicate threshold (TL-22, TL-23; default 0.8, 0: near-duplicates off). */
  readonly nearDuplicateThreshold?: number;
}

export interface ValidateFileOptions extends ValidateOptions {
  onProgress?(bytesRead: number, totalBytes: number): void;
  readonly signal?: AbortSignal;
  /** Worker threads for exact tokens (default 2). */
  readonly workers?: number;
  /** Extra directories holding open models' tokenizer files (`<dir>/<org>/<model>/tokenizer.json`; `--tokenizers`). */
  readonly tokenizerDirs?: readonly string[];
  /** Read chunk size (default 4 MB; tests use tiny chunks). */
  readonly highWaterMark?: number;
  /**
   * Validate the second half on a worker thread: `true` always (tests), `false` never; by default when the file has
   * `PARALLEL_MIN_BYTES` or more and the machine more than one CPU.
   */
  readonly parallel?: boolean;
  /** Explicit engine worker script (as for `countTokensInWorkers`). */
  readonly workerPath?: string;
  /** Called when the worker could not validate its part (this thread then does; the result is the same). */
  onWorkerError?(error: Error): void;
  /**
   * This file is a validation file and `overlapWith` its training file's quality data (from `onQuality` of the
   * training file's validation): its examples that are in the training file are reported (TL-23). `name`: the
   * training file as messages name it, `path`: as related information points to it.
   */
  readonly overlapWith?: { readonly data: QualityData; readonly name: string; readonly path?: string };
  /** Receives the file's quality data (to judge a validation file against it: `overlapWith`). */
  onQuality?(data: QualityData): void;
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
  /** The profile that judged the file ("checked against Azure AI Foundry · gpt-4.1-mini-2025-04-14"). */
  readonly profile: ProfileSummary;
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
  /** Threads that validated the file (`validateFile`: 2 when a worker took the second half). */
  readonly threads?: number;
}

/** What a report says about the profile that judged the file. */
export interface ProfileSummary {
  readonly id: string;
  readonly provider: string;
  readonly model: string;
  readonly label: string;
  /** Token counts use the model's own tokenizer (false: an estimate, `tokenizerEstimate` says how). */
  readonly tokensExact: boolean;
  readonly tokenizerEstimate?: string;
  /** E.g. `Together AI`. */
  readonly providerLabel: string;
  /** Why the report has no cost: the profile has no published price (`Profile.priceMissing`). */
  readonly priceMissing?: string;
}

export function profileSummary(p: Profile): ProfileSummary {
  return {
    id: p.id,
    provider: p.provider,
    providerLabel: p.providerLabel,
    model: p.model,
    label: p.label,
    ...(p.priceMissing !== undefined ? { priceMissing: p.priceMissing } : {}),
    tokensExact: p.tokenizer.exact,
    ...(p.tokenizer.estimate !== undefined ? { tokenizerEstimate: p.tokenizer.estimate } : {}),
  };
}

/**
 * The profile's summary as the token workers counted: exact when an open model's own tokenizer was found (the
 * profile alone says "estimate" for every open model), an estimate when it was not.
 */
function withTokenizer(p: ProfileSummary, t: { readonly id: string; readonly exact: boolean }): ProfileSummary {
  if (t.exact === p.tokensExact) return p;
  const { tokenizerEstimate: _, ...rest } = p;
  return t.exact ? { ...rest, tokensExact: true } : { ...p, tokensExact: false };
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
  const index = DatasetIndex.fromText(text, {
    method: options.method,
    model: options.model,
    provider: options.provider,
    grader: options.grader,
    nearDuplicateThreshold: options.nearDuplicateThreshold,
  });
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
    profile: profileSummary(index.profile),
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

/** Files at least this big are validated in two parts, the second on a worker thread (when there are two CPUs). */
export const PARALLEL_MIN_BYTES = 16 * 1024 * 1024;

/** Reads byte range [start, end) of an open file and feeds its lines (numbered from `firstLine`) to `sink`. */
async function rereadRun(
  fh: fs.promises.FileHandle,
  firstLine: number,
  start: number,
  end: number,
  sink: (text: string, line: number, offset: number) => void,
): Promise<void> {
  const splitter = new LineSplitter((text, line, offset) => sink(text, line, offset), firstLine, start);
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

/** Reads the bytes [start, end) of a file through `splitter`, reporting each chunk's size. */
async function streamRange(
  path: string,
  start: number,
  end: number | (() => number),
  splitter: LineSplitter,
  chunkSize: number,
  onChunk: (bytes: number) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  await readChunks(
    path,
    start,
    end,
    chunkSize,
    (chunk) => {
      splitter.push(chunk);
      onChunk(chunk.length);
    },
    signal,
  );
  splitter.end();
}

/** The byte offset of the first line start at or after `pos` (the byte after the next line break), or `size`. */
function lineStartAtOrAfter(path: string, pos: number, size: number): number {
  const fd = fs.openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(64 * 1024);
    let at = pos - 1;
    while (at < size) {
      const got = fs.readSync(fd, buf, 0, buf.length, at);
      if (got <= 0) break;
      const nl = buf.subarray(0, got).indexOf(10);
      if (nl >= 0) return at + nl + 1;
      at += got;
    }
    return size;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The worker's line count before its part (`countLinesBefore`) costs about this share of validating the same bytes
 * (measured as thread CPU time on the 400,000-example bench file: 53-74 ms to count 53% of it, 1.9-2.1 s to validate
 * the other 47%; the same per byte on both threads).
 */
export const RECOUNT_COST = 1 / 32;
/** A second part smaller than this is not worth a worker. */
export const MIN_WORKER_BYTES = 4 * 1024 * 1024;

/**
 * Where the worker's part starts, decided when the worker starts running and this thread has validated `done` bytes
 * of a `total`-byte file: both then have the same work left, this thread `cut - done`, the worker the recount of
 * `cut` bytes and the `total - cut` bytes of its part (same speed per byte), so `cut = (total + done) / (2 - r)`.
 * Snapped to the next line start; the file's end (no worker part) when the worker's part would be too small.
 */
export function balancedCut(path: string, total: number, done: number): number {
  const at = Math.max(done, Math.floor((total + done) / (2 - RECOUNT_COST)));
  const cut = at >= total ? total : lineStartAtOrAfter(path, at, total);
  return total - cut < MIN_WORKER_BYTES ? total : cut;
}

/**
 * One engine worker kept between validations, so that validating files one after another (the CLI on several files,
 * the editor's checks of files on disk, a benchmark) does not pay each time for a new thread's start and for code that
 * the JIT has not optimised yet. It is unreferenced while idle (it never keeps a process alive) and ends after
 * `IDLE_MS` without work. A second validation while it is busy gets a thread of its own.
 */
const IDLE_MS = 30_000;
let idleWorker: { worker: Worker; file: string; timer: NodeJS.Timeout } | undefined;

/** An engine worker taken for one validation: `online` once its thread runs (a kept worker already does). */
interface EngineWorker {
  readonly worker: Worker;
  readonly file: string;
  online: boolean;
  /** It failed before it was given its part. */
  failed?: Error;
}

function takeWorker(file: string, execArgv: string[]): EngineWorker {
  const idle = idleWorker;
  idleWorker = undefined;
  if (idle) {
    clearTimeout(idle.timer);
    if (idle.file === file) {
      idle.worker.ref();
      return { worker: idle.worker, file, online: true };
    }
    void idle.worker.terminate();
  }
  const worker = new Worker(file, { execArgv });
  const taken: EngineWorker = { worker, file, online: false };
  worker.once('online', () => (taken.online = true));
  worker.once('error', (e) => (taken.failed ??= e));
  worker.once('exit', (code) => {
    taken.failed ??= new Error(`validation worker exited with code ${code}`);
    if (idleWorker?.worker === worker) {
      clearTimeout(idleWorker.timer);
      idleWorker = undefined;
    }
  });
  return taken;
}

function keepWorker(worker: Worker, file: string): void {
  if (idleWorker) {
    void worker.terminate();
    return;
  }
  worker.unref();
  const timer = setTimeout(() => {
    if (idleWorker?.worker === worker) idleWorker = undefined;
    void worker.terminate();
  }, IDLE_MS);
  timer.unref();
  idleWorker = { worker, file, timer };
}

/** Validates the range [start, end) of a file on an engine worker (see `scanFileRange`). */
function scanRangeInWorker(
  engine: EngineWorker,
  path: string,
  start: number,
  end: number,
  request: { model: string; provider?: string; fixed?: Method; keep: number; grader?: unknown; deferTokens?: boolean },
  onChunk: (bytes: number) => void,
  signal: AbortSignal | undefined,
): { promise: Promise<RangeResult>; stop(): Promise<void> } {
  const w = engine.worker;
  /** The worker answered and may take another job. */
  let reusable = false;
  let settled = false;
  const promise = new Promise<RangeResult>((resolve, reject) => {
    const onAbort = (): void => reject(abortError());
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => {
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      w.off('message', onMessage);
      w.off('error', onError);
      w.off('exit', onExit);
    };
    const onMessage = (m: ValidateWorkerMessage): void => {
      if (m.progress !== undefined) onChunk(m.progress);
      else if (m.error !== undefined) {
        done();
        reject(new Error(m.error));
      } else if (m.result !== undefined) {
        done();
        reusable = true;
        resolve(m.result);
      }
    };
    const onError = (e: Error): void => {
      done();
      reject(e);
    };
    const onExit = (code: number): void => {
      if (!settled) {
        done();
        reject(new Error(`validation worker exited with code ${code}`));
      }
    };
    w.on('message', onMessage);
    w.on('error', onError);
    w.on('exit', onExit);
    const req: WorkerRequest = { kind: 'validate', id: 0, path, start, end, ...request };
    w.postMessage(req);
  });
  promise.catch(() => undefined);
  return {
    promise,
    // Keep a worker that finished its job; end one that failed, was cancelled or is still working.
    stop: async () => {
      if (reusable) keepWorker(w, engine.file);
      else await w.terminate().then(() => undefined, () => undefined);
    },
  };
}

/**
 * Streams a file from disk through the engine with bounded memory (line texts are not kept), reporting progress and
 * honouring `signal`. Rejects with the `fs` error (e.g. `ENOENT`) if the file cannot be read, or an `AbortError`.
 *
 * A file of `PARALLEL_MIN_BYTES` or more is validated in two parts at once: the first half on this thread, the second
 * on a worker thread, which first counts the lines and blank lines before its part (a native search for line breaks)
 * so that its problems carry the right line and example numbers. The parts' findings are merged in line order, and
 * the duplicate candidates of both parts are compared together at the end (so "a copy of line N" names the first copy
 * in the file). If the worker cannot run, this thread validates the second part too. The result is the same either way.
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
  const { model, profile } = profileContext(options.provider, options.model);
  // UTF-16/32: one file-level error; the lines are not read (each would be an error of its own).
  const encoding = totalBytes > 0 ? sniffFileEncoding(path) : undefined;
  if (encoding !== undefined) {
    const p = fileNotUtf8Problem(`The file is ${encoding}, not UTF-8. Save it as UTF-8 (without a byte-order mark) and check again; its lines were not checked.`, { encoding });
    const fixed = options.method && options.method !== 'auto' ? options.method : 'supervised';
    return {
      path,
      method: fixed,
      methodInferred: !(options.method && options.method !== 'auto'),
      model: model.id,
      modelKnown: model.known,
      profile: profileSummary(profile),
      examples: 0,
      problems: options.maxProblems === 0 ? [] : [p],
      counts: countSeverities([p]),
      truncated: options.maxProblems === 0,
      bytes: totalBytes,
      threads: 1,
    };
  }
  // With exact tokens on, the token workers count every line anyway: lines whose TOK-01 check needs exact tokens
  // wait for those counts instead of being tokenized a second time here (and this thread never loads an encoding).
  const ctx: EngineContext = { model, grader: options.grader, profile, ...(options.tokens ? { deferTokensAboveBytes: 0 } : {}) };
  const fixed: Method | undefined = options.method && options.method !== 'auto' ? options.method : undefined;
  const keep = options.maxProblems !== undefined && options.maxProblems >= 0 ? options.maxProblems : Infinity;
  const highWaterMark = options.highWaterMark ?? 4 * 1024 * 1024;

  const tokensPromise = options.tokens
    ? countTokensInWorkers({ file: path }, { workers: options.workers ?? 2, model: model.requested, signal, ...(options.provider !== undefined ? { provider: options.provider } : {}), ...(options.tokenizerDirs ? { tokenizerDirs: options.tokenizerDirs } : {}) })
    : undefined;
  // Never leave a rejection unhandled while the validation runs.
  tokensPromise?.catch(() => undefined);

  const scanOpts: ScanOptions = { ctx, fixed, keep };
  let bytesRead = 0;
  const onChunk = (n: number): void => {
    bytesRead += n;
    options.onProgress?.(bytesRead, totalBytes);
  };
  let workerBytes = 0;
  const onWorkerChunk = (n: number): void => {
    workerBytes += n;
    onChunk(n);
  };
  const parallel =
    options.parallel === true ||
    (options.parallel === undefined && totalBytes >= PARALLEL_MIN_BYTES && availableParallelism() > 1);
  const workerError = (e: unknown): void => options.onWorkerError?.(e instanceof Error ? e : new Error(String(e)));
  // The worker is started before this thread reads (its start overlaps the reading). Where the second part begins:
  // in the middle when `parallel` is true (tests: every file, however small, in two parts); otherwise decided once
  // the worker runs, from how far this thread has read by then (`balancedCut`), so that both parts end together.
  let engine: EngineWorker | undefined;
  if (parallel && totalBytes > 0) {
    try {
      const script = resolveWorkerScript(options.workerPath);
      engine = takeWorker(script.file, script.execArgv);
    } catch (e) {
      workerError(e); // no worker script: this thread does both parts
    }
  }
  let cut = totalBytes;
  let decided = engine === undefined;
  let worker: ReturnType<typeof scanRangeInWorker> | undefined;
  const giveWorker = (at: number): void => {
    decided = true;
    if (engine?.failed) return; // this thread validates the whole file; the error is reported below
    cut = at;
    if (cut <= 0 || cut >= totalBytes) return;
    const request = {
      model: model.requested,
      keep,
      grader: options.grader,
      ...(fixed ? { fixed } : {}),
      ...(options.provider !== undefined ? { provider: options.provider } : {}),
      ...(options.tokens ? { deferTokens: true } : {}),
    };
    worker = scanRangeInWorker(engine!, path, cut, totalBytes, request, onWorkerChunk, signal);
  };
  if (engine && options.parallel === true) giveWorker(lineStartAtOrAfter(path, Math.floor(totalBytes / 2), totalBytes));
  let consumed = 0;
  const onOwnChunk = (n: number): void => {
    consumed += n;
    onChunk(n);
    if (!decided && (engine!.online || engine!.failed)) giveWorker(engine!.failed ? totalBytes : balancedCut(path, totalBytes, consumed));
  };

  let first: RangeResult;
  let threads = 1;
  let second: RangeResult | undefined;
  try {
    // The first part's size (to size the duplicate candidates): the cut when known, else about half the file.
    const own = new RangeScanner({ ...scanOpts, rangeBytes: decided ? cut : Math.ceil(totalBytes * 0.55) }, new DupCollector());
    await streamRange(path, 0, () => cut, new LineSplitter(own.onLine), highWaterMark, onOwnChunk, signal);
    first = own.result();
    if (engine?.failed && !worker) workerError(engine.failed);
    if (cut < totalBytes) {
      if (worker) {
        try {
          second = await worker.promise;
          threads = 2;
          if (second.firstLine !== first.lines) throw new Error('the file changed while it was read');
        } catch (e) {
          if (signal?.aborted) throw abortError();
          second = undefined;
          workerError(e);
        }
      }
      if (second === undefined) {
        threads = 1;
        // Without a worker (or if it failed): this thread validates the second part as well.
        bytesRead -= workerBytes;
        workerBytes = 0;
        const rest = new RangeScanner({ ...scanOpts, rangeBytes: totalBytes - cut }, new DupCollector(), first.lines, first.examples);
        await streamRange(path, cut, totalBytes, new LineSplitter(rest.onLine, first.lines, cut), highWaterMark, onChunk, signal);
        second = rest.result();
      }
    }
  } finally {
    if (worker) await worker.stop();
    else if (engine && !engine.failed && engine.online) keepWorker(engine.worker, engine.file);
    else if (engine) await engine.worker.terminate().then(() => undefined, () => undefined);
  }
  const parts = second ? [first, second] : [first];
  // Duplicates, over both parts at once (so "a copy of line N" names the first copy in the file), in line order.
  const dupProblems = new Bucket('supervised', keep);
  /** Lines that are exact copies of earlier ones (TL-03; no near-duplicate problem on them). */
  const copies = new Set<number>();
  {
    const firsts = findDuplicates(path, parts.map((p) => p.dups));
    const allBlanks = parts.flatMap((p) => p.blankLines);
    let k = 0;
    let b = 0;
    for (const p of parts) {
      const d = p.dups;
      for (let i = 0; i < d.count; i++, k++) {
        const copyOf = firsts[k]!;
        if (copyOf < 0) continue;
        const line = d.line[i]!;
        copies.add(line);
        // Example numbers: the line number minus the blank lines before it.
        while (b < allBlanks.length && allBlanks[b]! < line) b++;
        dupProblems.add(duplicateProblem(line, d.length[i]!, copyOf, line + 1 - b));
      }
    }
  }

  const shapes = emptyShapeCounts();
  let examples = 0;
  let imageExamples = 0;
  const blankLines: number[] = [];
  const commonProblems: Problem[] = [];
  const commonCounts = { error: 0, warning: 0, info: 0 };
  const addCommon = (b: BucketData): void => {
    for (const x of b.problems) commonProblems.push(x);
    commonCounts.error += b.counts.error;
    commonCounts.warning += b.counts.warning;
    commonCounts.info += b.counts.info;
  };
  for (const p of parts) {
    for (const k of Object.keys(shapes) as Array<keyof typeof shapes>) shapes[k] += p.shapes[k];
    examples += p.examples;
    imageExamples += p.imageExamples;
    for (const x of p.blankLines) blankLines.push(x);
    addCommon(p.common);
  }
  addCommon(dupProblems);
  // The system prompt across the file: the parts' trackers in line order.
  const system = new SystemPromptTracker();
  for (const p of parts) system.merge(p.system);
  const systemBucket = new Bucket('supervised', keep);
  for (const p of system.problems()) systemBucket.add(p);
  addCommon(systemBucket);
  // The cross-line quality rules (`quality/`) over both parts' keys, in line order; answers located by reading back
  // the few lines involved.
  {
    const quality = new QualityCollector();
    for (const p of parts) quality.merge(p.quality);
    const qd = quality.data();
    options.onQuality?.(qd);
    const bucket = new Bucket('supervised', keep);
    const fd = fs.openSync(path, 'r');
    try {
      const textOf = (entry: number): string | undefined => {
        const at = lineBytes(qd, entry);
        if (!at) return undefined;
        const buf = Buffer.allocUnsafe(at.bytes);
        fs.readSync(fd, buf, 0, at.bytes, at.offset);
        return buf.toString('utf8');
      };
      for (const p of qualityProblems(qd, options.nearDuplicateThreshold, textOf, (line) => copies.has(line))) bucket.add(p);
    } finally {
      fs.closeSync(fd);
    }
    if (options.overlapWith) {
      const o = options.overlapWith;
      for (const p of overlapProblems(o.data, qd, nearThreshold(options.nearDuplicateThreshold), o.name, o.path)) bucket.add(p);
    }
    addCommon(bucket);
  }
  // Bytes that are not UTF-8: per line when a few lines have them, else one file-level error.
  const bad: BadUtf8 = { count: 0, lines: [] };
  for (const p of parts) mergeBadUtf8(bad, p.badUtf8);
  const badBucket = new Bucket('supervised', keep);
  for (const p of badUtf8Problems(bad)) badBucket.add(p);
  addCommon(badBucket);
  // A blank line followed by a line break is reported; the document's last line (no break after it) is not. The
  // first part's last line is always followed by one.
  const pendingBlanks: Problem[] = [];
  if (second && first.pendingBlank) pendingBlanks.push(blankLineProblem(first.pendingBlank.line, first.pendingBlank.length));
  const lastPart = parts[parts.length - 1]!;
  if (lastPart.pendingBlank && totalBytes > 0 && (await lastByte(path, totalBytes)) === 10) {
    pendingBlanks.push(blankLineProblem(lastPart.pendingBlank.line, lastPart.pendingBlank.length));
  }
  for (const p of pendingBlanks) {
    commonProblems.push(p);
    commonCounts[p.severity]++;
  }

  const method = fixed ?? inferMethod(shapes, profile);
  /** The lines checked against the final method, then those re-checked against it. */
  const finals: BucketData[] = [];
  const runs: Array<[number, number, number, number]> = [];
  for (const p of parts) {
    for (const b of p.buckets) {
      if (b.method === method) finals.push(b);
      else for (let i = 0; i < b.runs.length; i += 4) runs.push([b.runs[i]!, b.runs[i + 1]!, b.runs[i + 2]!, b.runs[i + 3]!]);
    }
  }
  if (runs.length > 0) {
    // Re-check the lines that were checked against another guess, reading only their byte ranges.
    const recheck = new Bucket(method, keep);
    runs.sort((a, b) => a[0] - b[0]);
    const fh = await fs.promises.open(path, 'r');
    try {
      for (const [firstLine, start, , end] of runs) {
        if (signal?.aborted) throw abortError();
        await rereadRun(fh, firstLine, start, end, (text, line, offset) => {
          const parsed = parseLine(text);
          const example = exampleNumberAt(line) - (parsed.shape === 'blank' ? 1 : 0);
          checkInto(recheck, ctx, text, line, example, Buffer.byteLength(text, 'utf8'), parsed, offset);
        });
      }
    } finally {
      await fh.close();
    }
    finals.push(recheck);
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
    profile,
  });
  let exact = false;
  let tokensError: string | undefined;
  let perLine: Uint32Array | undefined;
  let tokensResult: Awaited<NonNullable<typeof tokensPromise>> | undefined;
  if (tokensPromise) {
    try {
      tokensResult = await tokensPromise;
      perLine = tokensResult.perLine;
    } catch (e) {
      if (signal?.aborted) throw abortError();
      // The problems stand; the totals stay estimates.
      tokensError = e instanceof Error ? e.message : String(e);
    }
  }
  // The TOK-01 checks left to the token workers' counts (or, if they failed, to this thread now).
  const deferredProblems = await deferredLimitProblems(path, finals, perLine, ctx);

  const all = [...fileProblems, ...commonProblems];
  const counts = countSeverities(fileProblems);
  counts.error += commonCounts.error;
  counts.warning += commonCounts.warning;
  counts.info += commonCounts.info;
  let total = 0;
  let billed = 0;
  let max = 0;
  let overLimit = 0;
  for (const b of finals) {
    for (const x of b.problems) all.push(x);
    counts.error += b.counts.error;
    counts.warning += b.counts.warning;
    counts.info += b.counts.info;
    total += b.total;
    billed += b.billed;
    overLimit += b.overLimit;
    if (b.max > max) max = b.max;
  }
  for (const d of deferredProblems.problems) {
    all.push(d);
    counts[d.severity]++;
  }
  overLimit += deferredProblems.problems.length;
  total += deferredProblems.totalDelta;
  billed += deferredProblems.billedDelta;
  if (deferredProblems.max > max) max = deferredProblems.max;
  all.sort(compareProblems);
  const limited = cap(all, options.maxProblems);
  const truncated = limited.truncated || counts.error + counts.warning + counts.info > limited.problems.length;

  if (tokensResult) {
    total = tokensResult.total;
    max = tokensResult.max;
    billed = billedTokensPerEpoch(tokensResult.perLine, model.limit);
    exact = tokensResult.tokenizer.exact;
  }
  return {
    path,
    method,
    methodInferred: !fixed,
    model: model.id,
    modelKnown: model.known,
    profile: tokensResult ? withTokenizer(profileSummary(profile), tokensResult.tokenizer) : profileSummary(profile),
    examples,
    problems: limited.problems,
    counts,
    truncated,
    ...tokenSummary(examples, total, billed, max, overLimit, model, exact),
    ...(tokensError !== undefined ? { tokensError } : {}),
    bytes: totalBytes,
    threads,
  };
}

/**
 * TOK-01 for the lines whose check was deferred (`BucketData.deferred`): from the workers' per-line counts, or, when
 * there are none (the token workers failed), by reading each such line back and tokenizing it here. Gives their
 * problems (as `checkInto` makes them) and what replacing their estimates with exact counts changes in the totals.
 */
async function deferredLimitProblems(
  path: string,
  buckets: readonly BucketData[],
  perLine: Uint32Array | undefined,
  ctx: EngineContext,
): Promise<{ problems: Problem[]; totalDelta: number; billedDelta: number; max: number }> {
  const out = { problems: [] as Problem[], totalDelta: 0, billedDelta: 0, max: 0 };
  const limit = ctx.model.limit;
  let fh: fs.promises.FileHandle | undefined;
  try {
    for (const b of buckets) {
      const d = b.deferred;
      for (let i = 0; i < d.length; i += DEFERRED_FIELDS) {
        const [line, length, example, offset, bytes, estimate] = [d[i]!, d[i + 1]!, d[i + 2]!, d[i + 3]!, d[i + 4]!, d[i + 5]!];
        let tokens: number;
        // A worker count of 0 is read again: the workers count a line with a byte-order mark as 0 (not JSON to them).
        if (perLine && line < perLine.length && perLine[line]! > 0) {
          tokens = perLine[line]!;
        } else {
          fh ??= await fs.promises.open(path, 'r');
          const buf = Buffer.allocUnsafe(bytes);
          await fh.read(buf, 0, bytes, offset);
          let text = buf.toString('utf8');
          if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
          tokens = lineTokens(text, { encoder: getEncoder(ctx.model.encoding), funcInit: ctx.model.info.funcInit }) ?? 0;
        }
        out.totalDelta += tokens - estimate;
        out.billedDelta += Math.min(limit, tokens) - Math.min(limit, estimate);
        if (tokens > out.max) out.max = tokens;
        if (tokens > limit) out.problems.push(tokenLimitProblem(line, length, tokens, ctx, example));
      }
    }
  } finally {
    await fh?.close();
  }
  return out;
}

async function lastByte(path: string, size: number): Promise<number> {
  const fh = await fs.promises.open(path, 'r');
  try {
    const b = Buffer.alloc(1);
    const { bytesRead } = await fh.read(b, 0, 1, size - 1);
    return bytesRead === 1 ? b[0]! : -1;
  } finally {
    await fh.close();
  }
}
