/**
 * Exact token totals on worker threads, so that counting never holds up the problems.
 *
 * `countTokensInWorkers(input, options)` splits the work into `workers` contiguous parts (line slices, or byte ranges
 * of a file cut at line starts, which each worker reads itself), counts every line's tokens (TOK-02) and stitches the
 * per-line counts back in order.
 *
 * The worker script: bundled, it is `tokenWorker.js` next to the bundle (`dist/tokenWorker.js`); from source (tsx,
 * mocha) it is `worker.ts` next to this file, started with `--require tsx/cjs`. `options.workerPath` overrides both.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { abortError } from '../abort';
import { resolveModel } from '../models';
import { resolveProfile } from '../profiles';
import type { WorkerRequest, WorkerResponse } from './workerProtocol';

/** The tokenizers counted on this thread's side (gpt-tokenizer); any other profile tokenizer id is a Hugging Face id. */
const OPENAI_ENCODINGS: ReadonlySet<string> = new Set(['o200k_base', 'cl100k_base']);

export interface TokenCountOptions {
  /** Number of worker threads (default 2, at least 1). */
  readonly workers?: number;
  /** Model id; decides the encoding and `func_init`. Default: the default model. */
  readonly model?: string;
  readonly signal?: AbortSignal;
  /** Explicit worker script (a `.js` file, or a `.ts` file run through tsx). */
  readonly workerPath?: string;
  /**
   * The provider the file is for: with an open model's profile (`Profile.tokenizer`), the workers count with that
   * model's own tokenizer and chat template where its files are on this machine (`open/tokenizer.ts`).
   */
  readonly provider?: string;
  /** Extra directories for open-model tokenizer files (`<dir>/<org>/<model>/tokenizer.json`). */
  readonly tokenizerDirs?: readonly string[];
}

export interface TokenCountResult {
  /** Per-line token counts (0 for blank or invalid lines), indexed by 0-based line. */
  readonly perLine: Uint32Array;
  readonly lines: number;
  readonly total: number;
  readonly max: number;
  readonly workers: number;
  /**
   * What counted: `exact` is true for an OpenAI encoding on an OpenAI-family profile, and for an open model whose own
   * tokenizer was found; false when an open model's tokens were estimated with an OpenAI encoding.
   */
  readonly tokenizer: { readonly id: string; readonly exact: boolean };
}

interface WorkerScript {
  readonly file: string;
  readonly execArgv: string[];
}

export function resolveWorkerScript(explicit?: string): WorkerScript {
  let tsx = 'tsx/cjs';
  try {
    // Absolute, so that the worker finds tsx whatever the current directory.
    tsx = require.resolve('tsx/cjs');
  } catch {
    // Keep the bare name (resolved from the current directory).
  }
  const tsxArgs = ['--require', tsx];
  if (explicit) {
    return { file: explicit, execArgv: explicit.endsWith('.ts') ? tsxArgs : [] };
  }
  const bundled = path.join(__dirname, 'tokenWorker.js');
  if (fs.existsSync(bundled)) {
    return { file: bundled, execArgv: [] };
  }
  const source = path.join(__dirname, 'worker.ts');
  if (fs.existsSync(source)) {
    return { file: source, execArgv: tsxArgs };
  }
  const dist = path.join(__dirname, '..', '..', '..', 'dist', 'tokenWorker.js');
  if (fs.existsSync(dist)) {
    return { file: dist, execArgv: [] };
  }
  throw new Error(`Tuneline: token worker script not found next to ${__dirname}`);
}

/** Finds the byte offset of the first line start at or after `pos` (the byte after the next `\n`). */
function nextLineStart(fd: number, pos: number, size: number): number {
  if (pos <= 0) {
    return 0;
  }
  const buf = Buffer.allocUnsafe(64 * 1024);
  let at = pos - 1; // the line starts at pos if the byte before it is '\n'
  while (at < size) {
    const got = fs.readSync(fd, buf, 0, buf.length, at);
    if (got <= 0) {
      break;
    }
    const nl = buf.subarray(0, got).indexOf(10);
    if (nl >= 0) {
      return at + nl + 1;
    }
    at += got;
  }
  return size;
}

function fileRanges(file: string, parts: number): Array<[number, number]> {
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r');
  try {
    const cuts = [0];
    for (let i = 1; i < parts; i++) {
      const c = Math.max(cuts[cuts.length - 1]!, nextLineStart(fd, Math.floor((size * i) / parts), size));
      cuts.push(c);
    }
    cuts.push(size);
    const out: Array<[number, number]> = [];
    for (let i = 0; i < parts; i++) {
      out.push([cuts[i]!, cuts[i + 1]!]);
    }
    return out;
  } finally {
    fs.closeSync(fd);
  }
}

export async function countTokensInWorkers(
  input: readonly string[] | { readonly file: string },
  options: TokenCountOptions = {},
): Promise<TokenCountResult> {
  const n = Math.max(1, Math.floor(options.workers ?? 2));
  const model = resolveModel(options.model);
  const script = resolveWorkerScript(options.workerPath);
  const profileTokenizer = resolveProfile(options.provider, options.model).tokenizer;
  const open = OPENAI_ENCODINGS.has(profileTokenizer.id) ? undefined : { hf: profileTokenizer.id, dirs: [...(options.tokenizerDirs ?? [])] };
  const base = { encoding: model.encoding, funcInit: model.info.funcInit, ...(open ? { openTokenizer: open } : {}) };
  const requests: WorkerRequest[] = [];
  if (Array.isArray(input)) {
    const lines = input as readonly string[];
    const per = Math.ceil(lines.length / n);
    for (let i = 0; i < n; i++) {
      requests.push({ ...base, id: i, kind: 'lines', lines: lines.slice(i * per, (i + 1) * per) });
    }
  } else {
    const file = (input as { file: string }).file;
    fileRanges(file, n).forEach(([start, end], i) => {
      requests.push({ ...base, id: i, kind: 'range', path: file, start, end });
    });
  }
  if (options.signal?.aborted) {
    throw abortError();
  }
  const workers: Worker[] = [];
  const results: Uint32Array[] = new Array(requests.length);
  let openUsed = open !== undefined;
  try {
    await Promise.all(
      requests.map(
        (req, i) =>
          new Promise<void>((resolve, reject) => {
            const w = new Worker(script.file, { execArgv: script.execArgv });
            workers.push(w);
            const onAbort = (): void => reject(abortError());
            options.signal?.addEventListener('abort', onAbort, { once: true });
            w.once('message', (res: WorkerResponse) => {
              options.signal?.removeEventListener('abort', onAbort);
              if (res.error !== undefined) {
                reject(new Error(res.error));
              } else {
                results[i] = res.counts;
                if (res.open !== true) openUsed = false;
                resolve();
              }
            });
            w.once('error', (e) => reject(e));
            w.once('exit', (code) => {
              if (results[i] === undefined) {
                reject(new Error(`token worker exited with code ${code}`));
              }
            });
            w.postMessage(req);
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate().catch(() => 0)));
  }
  let lines = 0;
  for (const r of results) {
    lines += r.length;
  }
  const perLine = new Uint32Array(lines);
  let at = 0;
  let total = 0;
  let max = 0;
  for (const r of results) {
    perLine.set(r, at);
    at += r.length;
    for (let j = 0; j < r.length; j++) {
      const v = r[j]!;
      total += v;
      if (v > max) {
        max = v;
      }
    }
  }
  const tokenizer = open ? (openUsed ? { id: open.hf, exact: true } : { id: model.encoding, exact: false }) : { id: model.encoding, exact: profileTokenizer.exact };
  return { perLine, lines, total, max, workers: n, tokenizer };
}
