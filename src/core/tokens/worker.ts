/**
 * The engine worker (bundled as `dist/tokenWorker.js`). Token jobs: receives either a slice of lines or a byte range
 * of a file, counts the tokens of every line (TOK-02) and answers with a `Uint32Array` of per-line counts (0 for blank
 * or invalid lines); the encoding is loaded on the first job. Validation jobs (`kind: 'validate'`): validates a byte
 * range of a file (`scanFileRange`), posting progress and then the range's findings.
 */
import { parentPort } from 'node:worker_threads';
import * as fs from 'node:fs';
import { getEncoder } from './encoding';
import { lineTokens } from './count';
import { LineSplitter } from './lines';
import type { ValidateWorkerMessage, WorkerRequest, WorkerResponse } from './workerProtocol';
import { profileContext } from '../profiles/apply';
import { rangeResultBuffers, scanFileRange } from '../scan';

type TokenRequest = Exclude<WorkerRequest, { kind: 'validate' }>;

/**
 * Longest line (UTF-16 units) an open model's tokenizer counts. `@huggingface/tokenizers` is linear but slow on one
 * long piece: a 2 MB run of one character took 25 s and 1.5 GB, a 250 K one 3 s. Longer lines are counted with the
 * OpenAI encoding (Tuneline's own linear merge) and the totals marked as estimates. Such a line is over the context of
 * most open models anyway (Qwen3's 40,960 tokens are about 160 K characters of English).
 */
const OPEN_TOKENIZER_MAX_CHARS = 256 * 1024;

function validateRange(req: Extract<WorkerRequest, { kind: 'validate' }>, post: (m: ValidateWorkerMessage, transfer?: ArrayBuffer[]) => void): void {
  const ctx = { ...profileContext(req.provider, req.model), grader: req.grader, ...(req.deferTokens ? { deferTokensAboveBytes: 0 } : {}) };
  let pending = 0;
  const result = scanFileRange(req.path, req.start, req.end, { ctx, fixed: req.fixed, keep: req.keep }, (bytes) => {
    pending += bytes;
    if (pending >= 16 * 1024 * 1024) {
      post({ id: req.id, progress: pending });
      pending = 0;
    }
  });
  if (pending > 0) post({ id: req.id, progress: pending });
  post({ id: req.id, result }, rangeResultBuffers(result));
}

/** The per-line counter of a request: the open model's tokenizer where asked for and found, else the encoding. */
/**
 * The per-line counter of a request: the open model's tokenizer where asked for and found, else the encoding. A line
 * the model's template cannot render is counted with the encoding, and the counts are then not all exact (`open()`).
 */
function counter(req: TokenRequest): { count: (text: string) => number; open: () => boolean | undefined } {
  let encoded: ((text: string) => number) | undefined;
  const byEncoding = (text: string): number => {
    if (!encoded) {
      const opts = { encoder: getEncoder(req.encoding), funcInit: req.funcInit };
      encoded = (t) => lineTokens(t, opts) ?? 0;
    }
    return encoded(text);
  };
  if (req.openTokenizer) {
    // Loaded only here: @huggingface/tokenizers and jinja are not parsed by workers that count OpenAI encodings.
    const { tryOpenLineTokens, openTokenizer } = require('./open/tokenizer') as typeof import('./open/tokenizer');
    const t = openTokenizer(req.openTokenizer.hf, req.openTokenizer.dirs);
    if (t) {
      let fallbacks = 0;
      const count = (text: string): number => {
        // a line this long is counted with the encoding (linear here, Tuneline's own merge), and said to be an estimate
        const n = text.length > OPEN_TOKENIZER_MAX_CHARS ? undefined : tryOpenLineTokens(text, t);
        if (n !== undefined) return n;
        fallbacks++;
        return byEncoding(text);
      };
      return { count, open: () => fallbacks === 0 };
    }
    return { count: byEncoding, open: () => false };
  }
  return { count: byEncoding, open: () => undefined };
}

function countLines(req: TokenRequest, post: (r: WorkerResponse) => void): void {
  const c = counter(req);
  const count = c.count;
  const flag = (): { open?: boolean } => {
    const open = c.open();
    return open !== undefined ? { open } : {};
  };
  if (req.kind === 'lines') {
    const counts = new Uint32Array(req.lines.length);
    for (let i = 0; i < req.lines.length; i++) {
      counts[i] = count(req.lines[i]!);
    }
    post({ id: req.id, counts, lines: req.lines.length, ...flag() });
    return;
  }
  let counts = new Uint32Array(1024);
  let n = 0;
  const splitter = new LineSplitter((text) => {
    if (n === counts.length) {
      const next = new Uint32Array(counts.length * 2);
      next.set(counts);
      counts = next;
    }
    counts[n++] = count(text);
  });
  const fd = fs.openSync(req.path, 'r');
  try {
    const size = 4 * 1024 * 1024;
    const buf = Buffer.allocUnsafe(size);
    let pos = req.start;
    while (pos < req.end) {
      const want = Math.min(size, req.end - pos);
      const got = fs.readSync(fd, buf, 0, want, pos);
      if (got <= 0) {
        break;
      }
      splitter.push(buf.subarray(0, got));
      pos += got;
    }
    splitter.end();
  } finally {
    fs.closeSync(fd);
  }
  const out = counts.slice(0, n);
  post({ id: req.id, counts: out, lines: n, ...flag() });
}

const port = parentPort;
if (port) {
  port.on('message', (req: WorkerRequest) => {
    try {
      if (req.kind === 'validate') validateRange(req, (m, transfer) => port.postMessage(m, transfer ?? []));
      else countLines(req, (r) => port.postMessage(r, r.counts ? [r.counts.buffer as ArrayBuffer] : []));
    } catch (e) {
      port.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) });
    }
  });
}
