/**
 * Export to open-source trainers (issue 17): Axolotl, TRL, LLaMA-Factory and MLX-LM. Pure: no `vscode`.
 *
 * `TrainerExport` is fed the source lines one at a time (streaming, linear in the file's size) and returns each line
 * as the trainer reads it; `finish()` gives the ready config, the command line and the checks the trainer would fail
 * on, per line. The trainers' rules and their sources are in each module's header.
 */
import { axolotl } from './axolotl';
import { llamaFactory } from './llamaFactory';
import { CheckLog, readLine, type LineContext } from './mapping';
import { mlxLm } from './mlxLm';
import { configModel, type Trainer } from './trainer';
import { trl } from './trl';
import type { CheckSeverity, ConfigInput, ExportFile, ExportKind, ExportOptions, ExportPart, TrainerCheck, TrainerConfig, TrainerId } from './types';

export * from './types';
export { MODEL_PLACEHOLDER, configModel, type Trainer } from './trainer';

export const TRAINERS: Readonly<Record<TrainerId, Trainer>> = { axolotl, trl, 'llama-factory': llamaFactory, 'mlx-lm': mlxLm };

const ALIASES: Readonly<Record<string, TrainerId>> = { llamafactory: 'llama-factory', llama_factory: 'llama-factory', mlx: 'mlx-lm', mlx_lm: 'mlx-lm' };

/** The trainer a name stands for (`llamafactory` → `llama-factory`), or undefined. */
export function trainerId(name: string): TrainerId | undefined {
  const n = name.trim().toLowerCase();
  return n in TRAINERS ? (n as TrainerId) : ALIASES[n];
}

export interface ExportSummary {
  readonly trainer: TrainerId;
  readonly kind: ExportKind;
  readonly config: TrainerConfig;
  /** Output data files (relative to the output folder) with the lines written to each. */
  readonly data: ReadonlyArray<{ readonly part: ExportPart; readonly path: string; readonly lines: number }>;
  /** Source lines not written (an error check says why). */
  readonly skipped: Readonly<Record<ExportPart, number>>;
  /** The checks, the first 500 of each code with their line. */
  readonly checks: readonly TrainerCheck[];
  /** Every check counted per code (also past the kept ones), errors first. */
  readonly counts: ReadonlyArray<{ readonly code: string; readonly severity: CheckSeverity; readonly count: number }>;
}

export class TrainerExport {
  readonly trainer: Trainer;
  private readonly log = new CheckLog();
  private kind: ExportKind | undefined;
  private readonly written: Record<ExportPart, number> = { train: 0, validation: 0 };
  private readonly skipped: Record<ExportPart, number> = { train: 0, validation: 0 };
  private tools = false;
  private perMessageTraining = false;
  private readonly ctx: LineContext & { line: number; part: ExportPart; errors: number };

  constructor(
    trainer: TrainerId,
    private readonly options: ExportOptions,
  ) {
    this.trainer = TRAINERS[trainer];
    const log = this.log;
    const ctx = {
      line: 0,
      part: 'train' as ExportPart,
      errors: 0,
      trainer: this.trainer.label,
      report(code: string, severity: CheckSeverity, message: string) {
        if (severity === 'error') ctx.errors++;
        log.add({ code, severity, line: ctx.line, part: ctx.part, message });
      },
    };
    this.ctx = ctx;
  }

  /** The data file of a part, relative to the output folder. */
  dataPath(part: ExportPart): string {
    return this.trainer.dataPath(this.options.name, part);
  }

  /** One source line (0-based `line`); the JSON line to write, or undefined (blank, or skipped with a check). */
  line(text: string, line: number, part: ExportPart = 'train'): string | undefined {
    const ctx = this.ctx;
    ctx.line = line;
    ctx.part = part;
    const errorsBefore = ctx.errors;
    const src = readLine(text, ctx);
    if (!src) {
      if (ctx.errors > errorsBefore) this.skipped[part]++;
      return undefined;
    }
    if (this.kind === undefined) this.kind = src.kind;
    else if (src.kind !== this.kind) {
      ctx.report('mixed-kinds', 'error', `a ${src.kind === 'dpo' ? 'preference' : 'supervised'} line in a ${this.kind === 'dpo' ? 'preference' : 'supervised'} file (the first line decides); not exported`);
      this.skipped[part]++;
      return undefined;
    }
    const out = this.trainer.convert(src, ctx);
    if (out === undefined) {
      this.skipped[part]++;
      return undefined;
    }
    if (src.tools) this.tools = true;
    if (this.trainer.id === 'axolotl' && src.kind === 'sft' && src.messages.some((m) => m.weight !== undefined)) this.perMessageTraining = true;
    this.written[part]++;
    return JSON.stringify(out);
  }

  finish(): ExportSummary {
    const input: ConfigInput = {
      name: this.options.name,
      kind: this.kind ?? 'sft',
      model: configModel(this.options.model),
      train: this.dataPath('train'),
      validation: this.options.validation ? this.dataPath('validation') : undefined,
      written: { ...this.written },
      tools: this.tools,
      perMessageTraining: this.perMessageTraining,
    };
    for (const c of this.trainer.fileChecks?.(input) ?? []) this.log.add(c);
    if (input.model.placeholder) {
      this.log.add({
        code: 'model-placeholder',
        severity: 'warning',
        part: 'train',
        message: `the config names ${input.model.id}: ${input.model.asked ? `${input.model.asked} is not an open model Tuneline knows` : 'no base model chosen'}; edit it before training`,
      });
    }
    const data: Array<{ part: ExportPart; path: string; lines: number }> = [{ part: 'train', path: input.train, lines: this.written.train }];
    if (input.validation) data.push({ part: 'validation', path: input.validation, lines: this.written.validation });
    return {
      trainer: this.trainer.id,
      kind: input.kind,
      config: this.trainer.config(input),
      data,
      skipped: { ...this.skipped },
      checks: this.log.checks,
      counts: this.log.counts(),
    };
  }
}

/** Splits text into lines (LF or CRLF) lazily. */
export function* textLines(text: string): Generator<string> {
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let line = text.slice(start, end);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (end === text.length && line === '' && start > 0) return;
    yield line;
    start = end + 1;
  }
}

/** The whole export of in-memory text (tests, small files): every file to write and the summary. */
export function exportText(
  trainer: TrainerId,
  train: string,
  options: Omit<ExportOptions, 'validation'>,
  validation?: string,
): { files: ExportFile[]; summary: ExportSummary } {
  const ex = new TrainerExport(trainer, { ...options, validation: validation !== undefined });
  const files: ExportFile[] = [];
  const parts: Array<[ExportPart, string]> = [['train', train]];
  if (validation !== undefined) parts.push(['validation', validation]);
  for (const [part, text] of parts) {
    const out: string[] = [];
    let n = 0;
    for (const l of textLines(text)) {
      const o = ex.line(l, n++, part);
      if (o !== undefined) out.push(o);
    }
    files.push({ path: ex.dataPath(part), text: out.length ? out.join('\n') + '\n' : '' });
  }
  const summary = ex.finish();
  return { files: [...files, ...summary.config.files], summary };
}
