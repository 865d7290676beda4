/**
 * `tuneline eval`: evaluate one or more models on a validation file, from the command line (CI). The same client and
 * orchestration as the extension (`SdkClient`, `src/api/evalLive.ts`, `src/api/evalBatch.ts`, scores from
 * `src/core/eval`), the same results file next to the dataset, the same scores.
 *
 *   tuneline eval --model ID [--model ID2 ...] FILE [--batch] [--format text|json] [--base-url URL]
 *                 [--concurrency N] [--azure]
 *
 * The key comes from OPENAI_API_KEY (AZURE_OPENAI_API_KEY with --azure); the base URL from --base-url, else
 * OPENAI_BASE_URL, else https://api.openai.com/v1. Exit codes: 0 done; 1 the run failed or requests failed; 2 usage.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { accountKeyOf, OPENAI_BASE_URL, providerLabel } from '../api/endpoint';
import { batchRunStatus, collectBatch, waitForBatch, submitBatch } from '../api/evalBatch';
import { clientChat, EVAL_PARAMS, evalHeader, isCancelError, isFatalEvalError, runLive } from '../api/evalLive';
import { SdkClient } from '../api/sdkClient';
import type { ApiLog, Endpoint } from '../api/types';
import { extractExamples, summarize, type EvalRow, type EvalSummary, type ModelSummary, type RunStatus } from '../core/eval';
import { ResultsWriter } from '../core/eval/writer';
import { fmtUsd } from '../core/format';

export interface EvalIo {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown; readonly isTTY?: boolean };
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Tests: stops the run (as Ctrl+C would). */
  readonly signal?: AbortSignal;
}

export const EVAL_USAGE = `Usage: tuneline eval --model ID [--model ID2 ...] FILE [options]

Send each example's conversation (up to its last assistant turn) to each model and score the reply against
the example's last assistant turn: exact match, normalised match, token F1, and JSON validity / key match
when references are JSON. Results go to FILE's folder as <name>.eval-<timestamp>.jsonl.

Options:
  --model ID           a model to evaluate (repeat to compare, e.g. a base model and its fine-tune)
  --batch              use the Batch API (half price, results within 24 h) instead of live requests
  --format text|json   output format (default: text)
  --base-url URL       API base URL (default: $OPENAI_BASE_URL or https://api.openai.com/v1)
  --azure              Azure OpenAI v1 endpoint (key from $AZURE_OPENAI_API_KEY, sent as api-key)
  --concurrency N      live requests in flight (default: 4)
  --poll-interval MS   how often a batch is checked (default: 30000)
  -h, --help           show this help

The key comes from $OPENAI_API_KEY (or $AZURE_OPENAI_API_KEY with --azure).
Exit codes: 0 done, 1 the run failed or some requests failed, 2 bad usage or an unreadable file.
`;

class UsageError extends Error {}

interface EvalArgs {
  readonly models: string[];
  readonly file: string;
  readonly batch: boolean;
  readonly format: 'text' | 'json';
  readonly baseUrl?: string;
  readonly azure: boolean;
  readonly concurrency: number;
  readonly pollMs: number;
}

function parse(args: readonly string[]): EvalArgs {
  const models: string[] = [];
  const files: string[] = [];
  let batch = false;
  let format: EvalArgs['format'] = 'text';
  let baseUrl: string | undefined;
  let azure = false;
  let concurrency = 4;
  let pollMs = 30_000;
  for (let i = 0; i < args.length; i++) {
    let a = args[i]!;
    if (!a.startsWith('--') || a === '--') {
      if (a !== '--') files.push(a);
      continue;
    }
    let inline: string | undefined;
    const eq = a.indexOf('=');
    if (eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`option ${a} needs a value`);
      return v;
    };
    const positive = (name: string): number => {
      const v = value();
      if (!/^[1-9]\d*$/.test(v)) throw new UsageError(`${name} must be a positive whole number (got "${v}")`);
      return Number(v);
    };
    switch (a) {
      case '--model': {
        const m = value().trim();
        if (!m) throw new UsageError('--model needs a model id');
        models.push(m);
        break;
      }
      case '--batch':
        batch = true;
        break;
      case '--azure':
        azure = true;
        break;
      case '--format': {
        const v = value();
        if (v !== 'text' && v !== 'json') throw new UsageError(`--format must be text or json (got "${v}")`);
        format = v;
        break;
      }
      case '--base-url':
        baseUrl = value();
        break;
      case '--concurrency':
        concurrency = Math.min(32, positive('--concurrency'));
        break;
      case '--poll-interval':
        pollMs = positive('--poll-interval');
        break;
      default:
        throw new UsageError(`unknown option ${a}`);
    }
  }
  if (models.length === 0) throw new UsageError('no model (use --model ID, once per model)');
  if (files.length !== 1) throw new UsageError(files.length === 0 ? 'no validation file' : 'give one validation file');
  return { models: [...new Set(models)], file: files[0]!, batch, format, azure, concurrency, pollMs, ...(baseUrl ? { baseUrl } : {}) };
}

const pct = (n: number | undefined) => (n === undefined ? '     –' : `${(n * 100).toFixed(1).padStart(5)}%`);

export function formatSummaryText(models: readonly ModelSummary[]): string {
  const width = Math.max(5, ...models.map((m) => m.model.length));
  const head = `${'model'.padEnd(width)}   exact   norm.     F1   JSON  JSONkeys  errors  tokens in/out  cost\n`;
  return (
    head +
    models
      .map(
        (m) =>
          `${m.model.padEnd(width)}  ${pct(m.means.exact)}  ${pct(m.means.normalized)}  ${pct(m.means.f1)}  ${pct(m.means.jsonValid)}  ${pct(m.means.jsonKeys).padStart(8)}  ${String(m.errors).padStart(6)}  ${`${m.promptTokens}/${m.completionTokens}`.padStart(13)}  ${m.costUsd === undefined ? '?' : fmtUsd(m.costUsd)}`,
      )
      .join('\n') +
    '\n'
  );
}

export async function evalMain(argv: readonly string[], io: EvalIo): Promise<number> {
  const env = io.env ?? process.env;
  let a: EvalArgs;
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout.write(EVAL_USAGE);
      return 0;
    }
    a = parse(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`tuneline eval: ${e.message}\nRun "tuneline eval --help" for usage.\n`);
      return 2;
    }
    throw e;
  }
  const key = (a.azure ? env['AZURE_OPENAI_API_KEY'] : env['OPENAI_API_KEY'])?.trim();
  if (!key) {
    io.stderr.write(`tuneline eval: set ${a.azure ? 'AZURE_OPENAI_API_KEY' : 'OPENAI_API_KEY'} to the API key\n`);
    return 2;
  }
  const baseURL = a.baseUrl ?? env['OPENAI_BASE_URL'] ?? OPENAI_BASE_URL;
  let origin: string;
  try {
    origin = new URL(baseURL).origin;
  } catch {
    io.stderr.write(`tuneline eval: "${baseURL}" is not a URL\n`);
    return 2;
  }
  const file = path.resolve(io.cwd ?? process.cwd(), a.file);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    io.stderr.write(`tuneline eval: cannot read ${a.file}: ${(e as Error).message.split('\n')[0]}\n`);
    return 2;
  }
  const { examples, skipped } = extractExamples(text);
  if (examples.length === 0) {
    io.stderr.write(`tuneline eval: ${a.file} has no chat example to evaluate\n`);
    return 2;
  }
  const scrub = (s: string) => s.split(key).join('***');
  const header = (mode: 'live' | 'batch', batchId?: string) => evalHeader(file, a.models, mode, examples.length, skipped, batchId);
  const endpoint: Endpoint = { provider: a.azure ? 'azure' : baseURL === OPENAI_BASE_URL ? 'openai' : 'custom', baseURL, origin, settingOrigin: 'user' };
  const quiet = () => undefined;
  const log: ApiLog = { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };
  const client = new SdkClient({ endpoint, apiKey: key, accountKey: accountKeyOf(endpoint, key), label: providerLabel(endpoint), log });
  const total = examples.length * a.models.length;
  const signal = io.signal ?? new AbortController().signal;
  let rows: EvalRow[] = [];
  let status: RunStatus = 'completed';
  let message: string | undefined;
  let writer: ResultsWriter;
  if (!a.batch) {
    writer = await ResultsWriter.create(file, header('live'));
    const result = await runLive({
      examples,
      models: a.models,
      concurrency: a.concurrency,
      signal,
      chat: clientChat(client),
      onRow: (row) => writer.append(row),
      onProgress: (done) => {
        if (io.stderr.isTTY) io.stderr.write(`\r${done}/${total} replies`);
      },
      isFatal: isFatalEvalError,
      isCancel: isCancelError,
      describe: (e) => scrub(e instanceof Error ? e.message : String(e)),
    });
    if (io.stderr.isTTY) io.stderr.write('\r\x1b[K');
    rows = result.rows;
    status = result.status;
    if (result.error !== undefined) message = scrub(result.error instanceof Error ? result.error.message : String(result.error));
  } else {
    const api = client;
    let batch;
    try {
      batch = await submitBatch(api, examples, a.models, EVAL_PARAMS, `${path.basename(file, path.extname(file))}.eval-batch.jsonl`, { metadata: { tuneline: 'eval' }, signal });
    } catch (e) {
      io.stderr.write(`tuneline eval: could not start the batch: ${scrub((e as Error).message)}\n`);
      return 1;
    }
    writer = await ResultsWriter.create(file, header('batch', batch.id));
    io.stderr.write(`tuneline eval: batch ${batch.id} submitted (${total} requests); waiting for it (Ctrl+C stops waiting, the batch runs on)\n`);
    try {
      const final = await waitForBatch(api, batch.id, {
        pollMs: a.pollMs,
        signal,
        onStatus: (b) => {
          if (io.stderr.isTTY) io.stderr.write(`\r${b.status} ${(b.request_counts?.completed ?? 0) + (b.request_counts?.failed ?? 0)}/${b.request_counts?.total ?? 0}`);
        },
      });
      if (io.stderr.isTTY) io.stderr.write('\r\x1b[K');
      rows = await collectBatch(api, final, examples, a.models, signal);
      for (const r of rows) await writer.append(r);
      status = batchRunStatus(final);
      if (status !== 'completed') message = `batch ${final.id} ended ${final.status}`;
    } catch (e) {
      status = signal.aborted ? 'cancelled' : 'failed';
      message = signal.aborted ? `stopped waiting for batch ${batch.id} (it runs on at the provider)` : scrub((e as Error).message);
    }
  }
  const models = summarize(a.models, rows, a.batch);
  const summary: EvalSummary = { type: 'summary', status, finishedAt: new Date().toISOString(), models, ...(message ? { message } : {}) };
  await writer.finish(summary);
  const rel = path.relative(io.cwd ?? process.cwd(), writer.file) || writer.file;
  if (a.format === 'json') {
    io.stdout.write(`${JSON.stringify({ dataset: a.file, resultsFile: rel, mode: a.batch ? 'batch' : 'live', status, ...(message ? { message } : {}), examples: examples.length, skipped: skipped.length, models }, null, 2)}\n`);
  } else {
    io.stdout.write(`${a.file}: ${examples.length} examples × ${a.models.length} model(s), ${a.batch ? 'Batch API' : 'live'}, ${status}${message ? ` (${message})` : ''}\n`);
    io.stdout.write(formatSummaryText(models));
    io.stdout.write(`results: ${rel}\n`);
  }
  return status === 'completed' && models.every((m) => m.errors === 0) ? 0 : 1;
}
