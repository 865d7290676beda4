/**
 * `tuneline` command line. `main(argv, io)` is the testable core (no `process.exit`, no spawning); the bottom of
 * this file runs it when the module is the program (`dist/cli.js`, or `tsx src/cli/main.ts`).
 *
 *   tuneline validate FILE... [--method auto|supervised|dpo|reinforcement|completion] [--provider NAME] [--model ID]
 *                             [--format text|json|sarif] [--max-problems N] [--no-tokens] [--grader FILE]
 *                             [--validation FILE] [--near-duplicates T] [--tokenizers DIR]
 *   tuneline export --trainer axolotl|trl|llama-factory|mlx-lm FILE --out DIR   (src/cli/export.ts)
 *   tuneline --help | --version
 *
 * Exit codes: 0 no errors; 1 errors found; 2 bad usage or an unreadable file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_MODEL, METHODS, validateFile, type MethodSetting, type ValidationReport } from '../core';
import { providerFor, retirementLine } from '../api/providers';
import { PROVIDER_IDS, providerId, type ProviderId } from '../core/profiles';
import type { QualityData } from '../core/quality';
import { formatJson, formatSarif, formatText, textProblemLine, textSummary, type FileResult } from './format';

export interface CliIo {
  readonly stdout: { write(s: string): unknown };
  readonly stderr: { write(s: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  readonly cwd?: string;
  /** The clock for retirement days (tests drive it). */
  readonly now?: () => Date;
}

declare const TUNELINE_VERSION: string | undefined;

export function version(): string {
  if (typeof TUNELINE_VERSION === 'string') return TUNELINE_VERSION;
  try {
    return (require('../../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export const USAGE = `Usage: tuneline validate FILE... [options]

Validate OpenAI-style fine-tuning JSONL files: every problem with its line, column and rule code,
then a summary (examples, problems, tokens, estimated cost).

Options:
  --method auto|supervised|dpo|reinforcement|completion
                       fine-tuning method (default: auto, inferred from the file as a whole)
  --provider NAME      judge the file by that service's dataset rules: ${PROVIDER_IDS.join(', ')} (default: openai)
  --model ID           target model (default: ${DEFAULT_MODEL}); aliases and ft: ids map to their base
                       (when given, its retirement dates on the provider are printed first)
  --format text|json|sarif
                       output format (default: text); sarif is SARIF 2.1.0 for code scanning
  --max-problems N     print at most N problems per file (counts still include all)
  --no-tokens          skip exact token counting (totals and cost are then estimated)
  --grader FILE        JSON file with the reinforcement grader (method.reinforcement.grader)
  --workers N          worker threads for exact token counts (default: 2)
  --validation FILE    the validation file of the (one) training FILE: validated too, and its examples
                       that are also in the training file reported (train-validation-overlap)
  --near-duplicates T  similarity (0-1) from which examples are near-duplicates (default: 0.8; 0: off)
  --tokenizers DIR     where open models' tokenizer files are (DIR/<org>/<model>/tokenizer.json and
                       tokenizer_config.json; also TUNELINE_TOKENIZERS and the Hugging Face cache): tokens
                       are then counted with the model's own tokenizer and chat template, else estimated
  -h, --help           show this help
  -v, --version        print the version

Exit codes: 0 no errors, 1 errors found, 2 bad usage or unreadable file.
Rules: https://github.com/tuneline/tuneline/blob/main/docs/rules.md
Also: tuneline eval --help; tuneline export --help (the dataset for Axolotl, TRL, LLaMA-Factory or MLX-LM).
`;

class UsageError extends Error {}

interface Parsed {
  readonly files: string[];
  readonly method: MethodSetting;
  readonly model?: string;
  readonly provider?: string;
  readonly format: 'text' | 'json' | 'sarif';
  readonly maxProblems?: number;
  readonly tokens: boolean;
  readonly grader?: string;
  readonly workers: number;
  readonly validation?: string;
  readonly nearDuplicates?: number;
  /** `--tokenizers`: extra directories of open models' tokenizer files. */
  readonly tokenizerDirs: readonly string[];
}

function parseArgs(args: readonly string[]): Parsed {
  const files: string[] = [];
  let method: MethodSetting = 'auto';
  let model: string | undefined;
  let provider: string | undefined;
  let format: Parsed['format'] = 'text';
  let maxProblems: number | undefined;
  let tokens = true;
  let grader: string | undefined;
  let workers = 2;
  let validation: string | undefined;
  let nearDuplicates: number | undefined;
  const tokenizerDirs: string[] = [];
  let onlyFiles = false;
  for (let i = 0; i < args.length; i++) {
    let a = args[i]!;
    if (onlyFiles || !a.startsWith('-') || a === '-') {
      files.push(a);
      continue;
    }
    if (a === '--') {
      onlyFiles = true;
      continue;
    }
    let inline: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      inline = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = args[++i];
      if (v === undefined || (v.startsWith('--') && v.length > 2)) throw new UsageError(`option ${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--method': {
        const v = value();
        if (v !== 'auto' && !(METHODS as readonly string[]).includes(v)) {
          throw new UsageError(`--method must be auto, supervised, dpo, reinforcement or completion (got "${v}")`);
        }
        method = v as MethodSetting;
        break;
      }
      case '--model':
        model = value();
        if (!model.trim()) throw new UsageError('--model needs a model id');
        break;
      case '--provider': {
        const v = value();
        provider = providerId(v);
        if (provider === undefined) throw new UsageError(`--provider must be one of ${PROVIDER_IDS.join(', ')} (got "${v}")`);
        break;
      }
      case '--format': {
        const v = value();
        if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new UsageError(`--format must be text, json or sarif (got "${v}")`);
        format = v;
        break;
      }
      case '--max-problems': {
        const v = value();
        if (!/^\d+$/.test(v)) throw new UsageError(`--max-problems must be a whole number (got "${v}")`);
        maxProblems = Number(v);
        break;
      }
      case '--workers': {
        const v = value();
        if (!/^[1-9]\d*$/.test(v)) throw new UsageError(`--workers must be a positive whole number (got "${v}")`);
        workers = Number(v);
        break;
      }
      case '--no-tokens':
        if (inline !== undefined) throw new UsageError('--no-tokens takes no value');
        tokens = false;
        break;
      case '--tokens':
        tokens = true;
        break;
      case '--grader':
        grader = value();
        break;
      case '--validation':
        validation = value();
        break;
      case '--tokenizers':
        tokenizerDirs.push(value());
        break;
      case '--near-duplicates': {
        const v = value();
        const t = Number(v);
        if (!/^\d*\.?\d+$/.test(v) || !(t >= 0 && t <= 1)) throw new UsageError(`--near-duplicates must be a number from 0 to 1 (got "${v}")`);
        nearDuplicates = t;
        break;
      }
      default:
        throw new UsageError(`unknown option ${a}`);
    }
  }
  if (validation !== undefined && files.length !== 1) throw new UsageError('--validation needs exactly one training FILE');
  return { files, method, model, provider, format, maxProblems, tokens, grader, workers, validation, nearDuplicates, tokenizerDirs };
}

function errMessage(e: unknown, file: string): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT':
      return `cannot read ${file}: no such file`;
    case 'EACCES':
    case 'EPERM':
      return `cannot read ${file}: permission denied`;
    case 'EISDIR':
      return `cannot read ${file}: it is a directory`;
    default:
      return `cannot read ${file}: ${err && typeof err.message === 'string' ? err.message.split('\n')[0] : String(e)}`;
  }
}

/** A one-line progress bar on a TTY stderr, redrawn at most every 100 ms. */
function progressBar(io: CliIo, file: string): { update(done: number, total: number): void; clear(): void } {
  let last = 0;
  let drawn = false;
  const started = Date.now();
  const width = Math.max(10, Math.min(40, (io.stderr.columns ?? 80) - 30));
  return {
    update(done, total) {
      const now = Date.now();
      // Small files finish before a bar would help: draw only after 250 ms.
      if (now - started < 250 || (now - last < 100 && done < total)) return;
      last = now;
      const f = total > 0 ? Math.min(1, done / total) : 1;
      const n = Math.round(f * width);
      io.stderr.write(`\r[${'#'.repeat(n)}${' '.repeat(width - n)}] ${(f * 100).toFixed(0).padStart(3)}% ${file}`.slice(0, (io.stderr.columns ?? 80) - 1));
      drawn = true;
    },
    clear() {
      if (drawn) io.stderr.write('\r\x1b[K');
    },
  };
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      io.stdout.write(USAGE);
      return argv.length === 0 ? 2 : 0;
    }
    if (argv[0] === '--version' || argv[0] === '-v' || argv[0] === 'version') {
      io.stdout.write(`${version()}\n`);
      return 0;
    }
    if (argv[0] === 'eval') return await (require('./eval') as typeof import('./eval')).evalMain(argv.slice(1), io);
    if (argv[0] === 'export') return await (require('./export') as typeof import('./export')).exportMain(argv.slice(1), io);
    if (argv[0] !== 'validate') {
      throw new UsageError(`unknown command "${argv[0]}" (try: tuneline validate FILE...)`);
    }
    const rest = argv.slice(1);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(USAGE);
      return 0;
    }
    const opts = parseArgs(rest);
    if (opts.files.length === 0) throw new UsageError('no input files (usage: tuneline validate FILE...)');
    let grader: unknown;
    if (opts.grader !== undefined) {
      let text: string;
      try {
        text = fs.readFileSync(path.resolve(cwd, opts.grader), 'utf8');
      } catch (e) {
        io.stderr.write(`tuneline: ${errMessage(e, opts.grader)}\n`);
        return 2;
      }
      try {
        const g = JSON.parse(text) as unknown;
        // Accept the grader itself or a job's `method` / `method.reinforcement` object around it.
        grader = unwrapGrader(g);
      } catch (e) {
        io.stderr.write(`tuneline: ${opts.grader} is not valid JSON: ${(e as Error).message.split('\n')[0]}\n`);
        return 2;
      }
    }
    if (opts.model !== undefined) {
      // Issue 18: what retires when, for the chosen model (stdout in text format, stderr beside json/sarif).
      const line = modelRetirementLine((opts.provider ?? 'openai') as ProviderId, opts.model, (io.now ?? (() => new Date()))());
      (opts.format === 'text' ? io.stdout : io.stderr).write(line + '\n');
    }
    const results: FileResult[] = [];
    let unreadable = false;
    let errors = false;
    // With --validation: the training file first (its quality data kept), then the validation file against it.
    let trainData: QualityData | undefined;
    const files = opts.validation !== undefined ? [...opts.files, opts.validation] : opts.files;
    for (const [n, file] of files.entries()) {
      const bar = io.stderr.isTTY ? progressBar(io, file) : undefined;
      let report: ValidationReport;
      const isValidation = opts.validation !== undefined && n === files.length - 1;
      try {
        report = await validateFile(path.resolve(cwd, file), {
          method: opts.method,
          model: opts.model,
          provider: opts.provider,
          tokens: opts.tokens,
          workers: opts.workers,
          maxProblems: opts.maxProblems,
          grader,
          nearDuplicateThreshold: opts.nearDuplicates,
          ...(opts.tokenizerDirs.length ? { tokenizerDirs: opts.tokenizerDirs.map((d) => path.resolve(cwd, d)) } : {}),
          ...(opts.validation !== undefined && !isValidation ? { onQuality: (d: QualityData) => (trainData = d) } : {}),
          ...(isValidation && trainData ? { overlapWith: { data: trainData, name: opts.files[0]!, path: path.resolve(cwd, opts.files[0]!) } } : {}),
          onProgress: bar ? (d, t) => bar.update(d, t) : undefined,
        });
      } catch (e) {
        bar?.clear();
        io.stderr.write(`tuneline: ${errMessage(e, file)}\n`);
        unreadable = true;
        continue;
      }
      bar?.clear();
      if (report.tokensError !== undefined) {
        io.stderr.write(`tuneline: exact token counting failed for ${file} (${report.tokensError.split('\n')[0]}); totals are estimates\n`);
      }
      if (report.counts.error > 0) errors = true;
      const result = { path: file, report: { ...report, path: file } };
      results.push(result);
      if (opts.format === 'text') {
        // Stream text output file by file.
        for (const p of report.problems) io.stdout.write(textProblemLine(file, p) + '\n');
        io.stdout.write(textSummary(file, report) + '\n');
      }
    }
    if (opts.format === 'json') io.stdout.write(formatJson(results));
    else if (opts.format === 'sarif') io.stdout.write(formatSarif(results, version(), cwd));
    return unreadable ? 2 : errors ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`tuneline: ${e.message}\n`);
      io.stderr.write('Run "tuneline --help" for usage.\n');
      return 2;
    }
    io.stderr.write(`tuneline: internal error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
    return 2;
  }
}

/** The retirement line of `model` on `provider`'s adapter table, or why there is none. */
export function modelRetirementLine(provider: ProviderId, model: string, now: Date): string {
  const p = providerFor(provider);
  const m = p.model(model.trim());
  if (!m) return `${model} on ${p.label}: not in Tuneline's model table, retirement dates unknown`;
  return retirementLine(m.label, p.label, m.retirement, now);
}

function unwrapGrader(g: unknown): unknown {
  const o = g as Record<string, unknown> | null;
  if (o && typeof o === 'object') {
    const m = (o.method ?? o) as Record<string, unknown>;
    const r = (m.reinforcement ?? m) as Record<string, unknown>;
    if (r && typeof r === 'object' && r.grader !== undefined) return r.grader;
  }
  return g;
}

// Re-exported for tests and other front ends.
export { formatJson, formatSarif, formatText };

if (require.main === module) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`tuneline: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
