/**
 * The kept baseline (issue 18), pure: an evaluation results file (`src/core/eval/results.ts`, format
 * `tuneline-eval`) whose header also says which service and model replied, when, and with which settings, and whose
 * rows also carry the prompt each reply answered, so a later model can be run on the very same conversations, and
 * compared offline, after the old model (and maybe the validation file) is gone. The evaluation panel and
 * `readResults` read it like any results file: the extra fields are additions.
 *
 * Saved under `.tuneline/baselines/<model>-<date>.jsonl`; a comparison's run of the new model is the same format
 * (`.tuneline/comparisons/`), so it can itself serve as the next baseline.
 */
import { readResults, type EvalExample, type EvalHeader, type EvalMessage, type EvalRow, type ParsedResults } from '../core/eval';
import type { ProviderId } from '../api/providers';

export const BASELINE_DIR = '.tuneline/baselines';
export const COMPARISON_DIR = '.tuneline/comparisons';

export interface BaselineInfo {
  /** The service that replied. */
  readonly provider: ProviderId;
  /** The model that replied (also `header.models[0]`). */
  readonly model: string;
  /** Its base model, when known. */
  readonly baseModel?: string;
  /** ISO time the replies were recorded. */
  readonly recordedAt: string;
  /** Request settings every reply used. */
  readonly settings: { readonly temperature: number };
  /** The validation file's workspace-relative path and sha256 when the baseline was recorded. */
  readonly validationFile: string;
  readonly validationSha256: string;
  /** The baseline this run was compared with (a comparison's run). */
  readonly comparedWith?: string;
}

export type BaselineHeader = EvalHeader & { readonly baseline: BaselineInfo };
export type BaselineRow = EvalRow & { readonly messages: readonly EvalMessage[]; readonly tools?: readonly unknown[] };

export interface ParsedBaseline extends ParsedResults {
  readonly header: BaselineHeader;
  readonly info: BaselineInfo;
}

/** Reads a baseline (or any results file of one model: the info is then taken from the header as far as it goes). */
export function readBaseline(text: string): ParsedBaseline {
  const r = readResults(text);
  const h = r.header as Partial<BaselineHeader> & EvalHeader;
  const model = h.models[0];
  if (!model) throw new Error('the results file names no model');
  const info: BaselineInfo = h.baseline ?? {
    provider: 'openai',
    model,
    recordedAt: h.startedAt,
    settings: { temperature: h.temperature },
    validationFile: h.dataset,
    validationSha256: '',
  };
  return { ...r, header: { ...h, baseline: info }, info };
}

/** The examples of a baseline to send again (rows that carry their prompt), in dataset order. */
export function baselineExamples(b: ParsedResults): EvalExample[] {
  const seen = new Set<number>();
  const out: EvalExample[] = [];
  for (const r of b.rows as ReadonlyArray<EvalRow & Partial<BaselineRow>>) {
    if (!Array.isArray(r.messages) || seen.has(r.line)) continue;
    seen.add(r.line);
    out.push({ line: r.line, example: r.example, messages: r.messages, reference: r.reference, ...(r.tools ? { tools: r.tools } : {}) });
  }
  return out.sort((a, b) => a.line - b.line);
}

/** A file-name-safe slug of a model id (`ft:gpt-4o-mini:org::abc` → `ft-gpt-4o-mini-org-abc`). */
export function modelSlug(model: string): string {
  return model.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '').slice(0, 80) || 'model';
}

/** `2026-12-03T14:05:09.123Z` → `20261203T140509Z`. */
export function stamp(when: Date): string {
  return when.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export function baselineFileName(model: string, when: Date): string {
  return `${modelSlug(model)}-${stamp(when)}.jsonl`;
}

/** Rows with their prompts (what a baseline writes instead of the plain row). */
export function withPrompt(row: EvalRow, example: EvalExample): BaselineRow {
  return { ...row, messages: example.messages, ...(example.tools ? { tools: example.tools } : {}) };
}
