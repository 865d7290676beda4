/**
 * The one place where the local API asks Tuneline's engine (`src/core`) about a training file. Jobs call
 * `checkTrainingFile`; only this file knows the engine's API.
 */
import { validateText, type Method } from '../../src/core';

export type JobMethod = 'supervised' | 'dpo' | 'reinforcement';

export interface TrainingFileCheck {
  /** Non-blank lines. */
  readonly examples: number;
  /** The first line-level error in file order, if any (what the service reports as "Example N"). */
  readonly firstError?: {
    /** 0-based line. */
    readonly line: number;
    /** 1-based example number: non-blank lines up to and including `line`. */
    readonly example: number;
    readonly code: string;
    /** The engine's message (it names "Example N" itself). */
    readonly message: string;
  };
}

/** Counts non-blank lines up to and including `line` (0-based): the service's "Example N". */
export function exampleNumber(lines: readonly string[], line: number): number {
  let n = 0;
  for (let i = 0; i <= line && i < lines.length; i++) if (lines[i]!.trim() !== '') n++;
  return n;
}

/**
 * Checks a training (or validation) file for a job of `method` on `model` with Tuneline's engine. `completion` marks
 * the legacy prompt/completion models (babbage-002, davinci-002). `grader` is the job's RFT grader, if any.
 */
export function checkTrainingFile(
  text: string,
  method: JobMethod,
  model: string,
  options: { completion?: boolean; grader?: unknown } = {},
): TrainingFileCheck {
  const engineMethod: Method = options.completion ? 'completion' : method;
  const report = validateText(text, {
    method: engineMethod,
    model,
    tokens: false,
    ...(options.grader !== undefined ? { grader: options.grader } : {}),
  });
  // File-level problems (no line) are not "Example N" errors: the example count is checked by the job itself, and
  // model/method mismatches are refused when the job is created.
  let first: (typeof report.problems)[number] | undefined;
  for (const p of report.problems) {
    if (p.severity !== 'error' || p.line === undefined) continue;
    if (!first || p.line < first.line!) first = p;
  }
  if (!first) return { examples: report.examples };
  const lines = text.split(/\r?\n/);
  return {
    examples: report.examples,
    firstError: { line: first.line!, example: exampleNumber(lines, first.line!), code: first.code, message: first.message },
  };
}
