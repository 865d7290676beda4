/**
 * `tuneline export`: writes a dataset as an open-source trainer reads it, with its ready config (src/core/export/).
 *
 *   tuneline export --trainer axolotl|trl|llama-factory|mlx-lm FILE --out DIR [--validation FILE] [--model ID]
 *                   [--force] [--format text|json] [--max-checks N]
 *
 * Streams: each file is read line by line and written line by line. Exit codes: 0 written, no errors; 1 written, but
 * lines the trainer would fail on were left out; 2 bad usage, an unreadable file, or output files that exist already
 * (without --force).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL } from '../core';
import { TRAINER_IDS, TrainerExport, trainerId, type ExportPart, type ExportSummary, type TrainerId } from '../core/export';
import type { CliIo } from './main';

export const EXPORT_USAGE = `Usage: tuneline export --trainer ${TRAINER_IDS.join('|')} FILE --out DIR [options]

Write FILE (OpenAI-style chat, preference or prompt/completion lines) as the trainer reads it into DIR, with a
ready config or command line, and list the lines the trainer would fail on (those lines are left out).

Options:
  --trainer NAME       ${TRAINER_IDS.join(', ')}
  --out DIR            output folder (created if missing)
  --validation FILE    a validation file to export too (MLX-LM: mlx-data/valid.jsonl)
  --model ID           base model for the config (default: ${DEFAULT_MODEL}); an open model Tuneline knows is
                       written as its Hugging Face id, any other as a placeholder marked EDIT
  --force              replace output files that exist already
  --format text|json   output format (default: text)
  --max-checks N       print at most N checks (default: 50; counts include all)
  -h, --help           show this help

Exit codes: 0 written, 1 written but some lines were left out (errors), 2 bad usage, unreadable file or
existing output files.
`;

class UsageError extends Error {}

interface ExportArgs {
  readonly trainer: TrainerId;
  readonly file: string;
  readonly out: string;
  readonly validation?: string;
  readonly model: string;
  readonly force: boolean;
  readonly format: 'text' | 'json';
  readonly maxChecks: number;
}

function parse(args: readonly string[]): ExportArgs {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args);
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]!.split('. To specify')[0]!.replace(/^Option '([^']+)'.*argument missing.*$/, 'option $1 needs a value'));
  }
  const v = parsed.values;
  const t = v.trainer;
  const trainer = t === undefined ? undefined : trainerId(t);
  if (t === undefined) throw new UsageError(`--trainer is required (${TRAINER_IDS.join(', ')})`);
  if (!trainer) throw new UsageError(`--trainer must be one of ${TRAINER_IDS.join(', ')} (got "${t}")`);
  const files = parsed.positionals;
  if (files.length !== 1) throw new UsageError(files.length ? 'export takes one FILE (use --validation for the validation file)' : 'no input file');
  if (!v.out) throw new UsageError('--out DIR is required');
  const model = (v.model ?? DEFAULT_MODEL).trim();
  if (!model) throw new UsageError('--model needs a model id');
  const format = v.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json (got "${format}")`);
  const maxChecks = v['max-checks'] ?? '50';
  if (!/^\d+$/.test(maxChecks)) throw new UsageError(`--max-checks must be a whole number (got "${maxChecks}")`);
  return { trainer, file: files[0]!, out: v.out, validation: v.validation, model, force: v.force === true, format, maxChecks: Number(maxChecks) };
}

function parseOptions(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    strict: true,
    options: {
      trainer: { type: 'string' },
      out: { type: 'string' },
      validation: { type: 'string' },
      model: { type: 'string' },
      force: { type: 'boolean' },
      format: { type: 'string' },
      'max-checks': { type: 'string' },
    },
  });
}

/** `data/set.jsonl` → `set`. */
export function datasetName(file: string): string {
  return path.basename(file).replace(/\.(jsonl|ndjson|json)$/i, '') || 'dataset';
}

async function streamPart(ex: TrainerExport, input: string, part: ExportPart, output: string): Promise<void> {
  await fs.promises.mkdir(path.dirname(output), { recursive: true });
  const sink = fs.createWriteStream(output, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => sink.on('error', reject));
  const lines = readline.createInterface({ input: fs.createReadStream(input, { encoding: 'utf8' }), crlfDelay: Infinity });
  let n = 0;
  const run = (async () => {
    for await (const text of lines) {
      const o = ex.line(text, n++, part);
      if (o !== undefined && !sink.write(o + '\n')) await new Promise<void>((r) => sink.once('drain', () => r()));
    }
    await new Promise<void>((resolve, reject) => sink.end((e?: Error | null) => (e ? reject(e) : resolve())));
  })();
  await Promise.race([run, failed]);
}

export async function exportMain(argv: readonly string[], io: CliIo): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  let opts: ExportArgs;
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout.write(EXPORT_USAGE);
      return 0;
    }
    opts = parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`tuneline: ${e.message}\nRun "tuneline export --help" for usage.\n`);
    return 2;
  }
  const inputs: Array<[ExportPart, string]> = [['train', path.resolve(cwd, opts.file)]];
  if (opts.validation !== undefined) inputs.push(['validation', path.resolve(cwd, opts.validation)]);
  for (const [, p] of inputs) {
    try {
      if (!(await fs.promises.stat(p)).isFile()) throw Object.assign(new Error('it is a directory'), { code: 'EISDIR' });
    } catch (e) {
      io.stderr.write(`tuneline: cannot read ${path.relative(cwd, p) || p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}\n`);
      return 2;
    }
  }
  const outDir = path.resolve(cwd, opts.out);
  const ex = new TrainerExport(opts.trainer, { name: datasetName(opts.file), model: opts.model, validation: opts.validation !== undefined });
  // Every file the export will write (the config files' names do not depend on the lines).
  const planned = [...inputs.map(([part]) => ex.dataPath(part)), ...configNames(opts.trainer)];
  if (!opts.force) {
    const existing = planned.filter((p) => fs.existsSync(path.join(outDir, p)));
    if (existing.length) {
      io.stderr.write(`tuneline: ${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''} in ${opts.out} (use --force to replace)\n`);
      return 2;
    }
  }
  try {
    for (const [part, p] of inputs) await streamPart(ex, p, part, path.join(outDir, ex.dataPath(part)));
    const summary = ex.finish();
    for (const f of summary.config.files) await fs.promises.writeFile(path.join(outDir, f.path), f.text, 'utf8');
    const shown = { train: opts.file, validation: opts.validation ?? '' };
    if (opts.format === 'json') io.stdout.write(JSON.stringify({ out: opts.out, ...summary }, null, 2) + '\n');
    else io.stdout.write(textReport(summary, opts.out, shown, opts.maxChecks));
    return summary.counts.some((c) => c.severity === 'error') ? 1 : 0;
  } catch (e) {
    io.stderr.write(`tuneline: export failed: ${(e as Error).message.split('\n')[0]}\n`);
    return 2;
  }
}

/** The config files a trainer writes (independent of the data). */
function configNames(trainer: TrainerId): string[] {
  const probe = new TrainerExport(trainer, { name: 'x' });
  const sft = probe.finish().config.files.map((f) => f.path);
  return trainer === 'trl' ? [...sft, 'trl-dpo.yaml'] : sft;
}

function textReport(s: ExportSummary, out: string, files: Readonly<Record<ExportPart, string>>, max: number): string {
  const lines: string[] = [];
  for (const d of s.data) lines.push(`wrote ${path.join(out, d.path)}: ${d.lines} line(s)${s.skipped[d.part] ? `, ${s.skipped[d.part]} left out` : ''}`);
  for (const f of s.config.files) lines.push(`wrote ${path.join(out, f.path)}`);
  lines.push(`train: cd ${out} && ${s.config.command}`);
  let shown = 0;
  for (const c of s.checks) {
    if (shown++ >= max) break;
    const where = c.line === undefined ? files[c.part] || c.part : `${files[c.part]}:${c.line + 1}`;
    lines.push(`${where}: ${c.severity} ${c.code}: ${c.message}`);
  }
  const total = s.counts.reduce((n, c) => n + c.count, 0);
  if (total > Math.min(shown, max)) lines.push(`... ${total - Math.min(shown, max)} more check(s)`);
  lines.push(
    total
      ? `checks: ${s.counts.map((c) => `${c.count} ${c.code} (${c.severity})`).join(', ')}`
      : 'checks: none, the trainer reads every line',
  );
  return lines.join('\n') + '\n';
}
