/**
 * The one place where the local API asks Tuneline's engine about a training file. Jobs call `checkTrainingFile`;
 * only this file knows the engine's API.
 */

export type JobMethod = 'supervised' | 'dpo' | 'reinforcement';

export interface TrainingFileCheck {
  /** Non-blank lines. */
  readonly examples: number;
  /** The first error in file order, if any (what the service reports as "Example N"). */
  readonly firstError?: {
    /** 0-based line. */
    readonly line: number;
    /** 1-based example number: non-blank lines up to and including `line`. */
    readonly example: number;
    readonly code: string;
    readonly message: string;
  };
}

/** Counts non-blank lines up to and including `line` (0-based): the service's "Example N". */
export function exampleNumber(lines: readonly string[], line: number): number {
  let n = 0;
  for (let i = 0; i <= line && i < lines.length; i++) if (lines[i]!.trim() !== '') n++;
  return n;
}

/** Splits a JSONL text into lines the way the engine does (`\n`, `\r\n`). */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function checkTrainingFile(text: string, method: JobMethod, _model: string): TrainingFileCheck {
  return minimalCheck(text, method);
}

/** The minimum check used until the engine is wired in: line count, JSON, and the method's top-level keys. */
function minimalCheck(text: string, method: JobMethod): TrainingFileCheck {
  const lines = splitLines(text);
  let examples = 0;
  let firstError: TrainingFileCheck['firstError'];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    examples++;
    if (firstError) continue;
    const problem = lineProblem(raw, method);
    if (problem) firstError = { line: i, example: examples, code: problem.code, message: problem.message };
  }
  return firstError ? { examples, firstError } : { examples };
}

function lineProblem(raw: string, method: JobMethod): { code: string; message: string } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { code: 'invalid-json', message: 'the line is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { code: 'not-object', message: 'each line must be a JSON object' };
  }
  const obj = value as Record<string, unknown>;
  if (method === 'dpo') {
    for (const key of ['input', 'preferred_output', 'non_preferred_output']) {
      if (!(key in obj)) return { code: 'missing-key', message: `missing the "${key}" key` };
    }
    return undefined;
  }
  if (!Array.isArray(obj['messages'])) return { code: 'missing-messages', message: 'missing the "messages" array' };
  const messages = obj['messages'] as unknown[];
  if (method === 'supervised' && !messages.some((m) => isObj(m) && m['role'] === 'assistant')) {
    return { code: 'no-assistant', message: 'needs at least one assistant message' };
  }
  return undefined;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
