/**
 * The results file of an evaluation: `<dataset>.eval-<timestamp>.jsonl`, next to the dataset. JSON Lines, one record
 * per line, told apart by `type`:
 *
 * 1. `header` (first line): format name and version, dataset, models, mode (`live` or `batch`, with the batch id),
 *    start time, the examples to evaluate and the lines skipped (with the reason).
 * 2. `result` (one per example and model, in the order they finish): model, line (0-based), example number,
 *    reference, reply, scores, tokens used, or `error` when the request failed.
 * 3. `summary` (last line, when the run ended): `completed`, `cancelled` or `failed`, and per model the mean of each
 *    score, the errors, tokens and estimated cost.
 *
 * Each record is appended as one whole line, so the file is valid JSON Lines at every moment: a cancelled (or killed)
 * run leaves a partial file that still reads (`summary` may be missing; `readResults` then recomputes it).
 */
import { SCORE_NAMES, type ExampleScores, type ScoreName } from './score';
import type { SkippedLine } from './examples';
import { inferenceCost } from './prices';
import { jsonObjects } from '../parse';
import { isObj } from '../rules/util';

export const RESULTS_FORMAT = 'tuneline-eval';
export const RESULTS_VERSION = 1;

export interface EvalHeader {
  readonly type: 'header';
  readonly format: typeof RESULTS_FORMAT;
  readonly version: number;
  /** The dataset's file name (the results file sits next to it). */
  readonly dataset: string;
  readonly models: readonly string[];
  readonly mode: 'live' | 'batch';
  readonly batchId?: string;
  /** ISO time. */
  readonly startedAt: string;
  /** Examples evaluated per model. */
  readonly examples: number;
  readonly skipped: readonly SkippedLine[];
  readonly temperature: number;
}

export interface Usage {
  readonly prompt: number;
  readonly completion: number;
}

export interface EvalRow {
  readonly type: 'result';
  readonly model: string;
  /** 0-based dataset line. */
  readonly line: number;
  /** 1-based example number. */
  readonly example: number;
  readonly reference: string;
  /** The reply; empty when the request failed. */
  readonly reply: string;
  readonly scores: ExampleScores;
  readonly usage?: Usage;
  readonly finishReason?: string;
  /** Why there is no reply (after the client's retries). */
  readonly error?: string;
}

export interface ModelSummary {
  readonly model: string;
  /** Rows with a reply. */
  readonly scored: number;
  readonly errors: number;
  /** Mean of each score over the scored rows that have it (JSON scores: only examples with a JSON reference). */
  readonly means: Partial<Record<ScoreName, number>>;
  /** Rows with JSON scores. */
  readonly jsonRows: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Estimated USD (batch prices for a batch run), when the price is known. */
  readonly costUsd?: number;
}

export type RunStatus = 'completed' | 'cancelled' | 'failed';

export interface EvalSummary {
  readonly type: 'summary';
  readonly status: RunStatus;
  readonly finishedAt: string;
  readonly models: readonly ModelSummary[];
  readonly message?: string;
}

export type EvalRecord = EvalHeader | EvalRow | EvalSummary;

/** Aggregates the rows of each model (in the order of `models`). */
export function summarize(models: readonly string[], rows: readonly EvalRow[], batch = false): ModelSummary[] {
  return models.map((model) => {
    const mine = rows.filter((r) => r.model === model);
    const ok = mine.filter((r) => r.error === undefined);
    const means: Partial<Record<ScoreName, number>> = {};
    for (const name of SCORE_NAMES) {
      const vals = ok.map((r) => r.scores[name]).filter((v): v is number => typeof v === 'number');
      if (vals.length > 0) means[name] = vals.reduce((a, b) => a + b, 0) / vals.length;
    }
    const promptTokens = mine.reduce((s, r) => s + (r.usage?.prompt ?? 0), 0);
    const completionTokens = mine.reduce((s, r) => s + (r.usage?.completion ?? 0), 0);
    const cost = inferenceCost(model, promptTokens, completionTokens, batch);
    return {
      model,
      scored: ok.length,
      errors: mine.length - ok.length,
      means,
      jsonRows: ok.filter((r) => r.scores.jsonValid !== undefined).length,
      promptTokens,
      completionTokens,
      ...(cost !== undefined ? { costUsd: cost } : {}),
    };
  });
}

/** One record as one line (with the line break). */
export function recordLine(r: EvalRecord): string {
  return `${JSON.stringify(r)}\n`;
}

export interface ParsedResults {
  readonly header: EvalHeader;
  readonly rows: EvalRow[];
  /** The file's own summary, or one recomputed from the rows (status `cancelled`) when the run did not finish. */
  readonly summary: EvalSummary;
  /** Whether the file had its summary line. */
  readonly finished: boolean;
}


/** Reads a results file; throws with a plain message when it is not one. Invalid lines (a torn last line) are ignored. */
export function readResults(text: string): ParsedResults {
  let header: EvalHeader | undefined;
  const rows: EvalRow[] = [];
  let summary: EvalSummary | undefined;
  for (const v of jsonObjects(text)) {
    if (v['type'] === 'header' && v['format'] === RESULTS_FORMAT) header = v as unknown as EvalHeader;
    else if (v['type'] === 'result' && typeof v['model'] === 'string' && isObj(v['scores'])) rows.push(v as unknown as EvalRow);
    else if (v['type'] === 'summary') summary = v as unknown as EvalSummary;
  }
  if (!header) throw new Error('not a Tuneline evaluation results file (no header line)');
  return {
    header,
    rows,
    summary: summary ?? {
      type: 'summary',
      status: 'cancelled',
      finishedAt: '',
      models: summarize(header.models, rows, header.mode === 'batch'),
      message: 'The run did not finish; these numbers cover the examples it completed.',
    },
    finished: summary !== undefined,
  };
}

/** `good.jsonl` + a date → `good.eval-20261124T225300Z.jsonl` (no characters that file systems refuse). */
export function resultsFileName(dataset: string, when: Date): string {
  const stamp = when.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const base = dataset.replace(/\.(jsonl|ndjson|json)$/i, '');
  return `${base}.eval-${stamp}.jsonl`;
}

/** Whether a file name looks like a results file (so dataset pickers can leave them out). */
export function isResultsFileName(name: string): boolean {
  return /\.eval-\d{8}T\d{6}Z(-\d+)?\.jsonl$/.test(name);
}
