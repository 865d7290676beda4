/**
 * What an evaluation sends: for each chat example of a dataset, the conversation up to (not including) its last
 * assistant turn, and that turn's text as the reference answer.
 */
import { splitLines } from '../dataset';

export interface EvalMessage {
  readonly role: string;
  readonly content: unknown;
  readonly name?: string;
  readonly tool_calls?: unknown;
  readonly tool_call_id?: string;
}

export interface EvalExample {
  /** 0-based line in the dataset. */
  readonly line: number;
  /** 1-based example number (the service's "Example N": non-blank lines). */
  readonly example: number;
  /** The messages to send (everything before the last assistant turn). */
  readonly messages: readonly EvalMessage[];
  /** The reference answer: the last assistant turn's text. */
  readonly reference: string;
  /** `tools` of the example, sent along when present. */
  readonly tools?: readonly unknown[];
}

export interface SkippedLine {
  readonly line: number;
  readonly reason: string;
}

export interface ExtractResult {
  readonly examples: EvalExample[];
  readonly skipped: SkippedLine[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The text of a message's content: a string, or the text parts of an array joined by newlines. */
export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p) => (isObj(p) && typeof p['text'] === 'string' ? p['text'] : ''))
      .filter((t) => t !== '')
      .join('\n');
  }
  return '';
}

/** Only the keys the chat API takes (`weight` and other training-only keys are dropped). */
function sendable(m: Record<string, unknown>): EvalMessage {
  return {
    role: String(m['role']),
    content: m['content'] ?? null,
    ...(typeof m['name'] === 'string' ? { name: m['name'] } : {}),
    ...(m['tool_calls'] !== undefined ? { tool_calls: m['tool_calls'] } : {}),
    ...(typeof m['tool_call_id'] === 'string' ? { tool_call_id: m['tool_call_id'] } : {}),
  };
}

/**
 * One line → an example, or the reason it cannot be evaluated. `example` is the 1-based example number.
 */
export function extractExample(text: string, line: number, example: number): EvalExample | SkippedLine {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { line, reason: 'not valid JSON' };
  }
  if (!isObj(v) || !Array.isArray(v['messages'])) return { line, reason: 'not a chat example (no "messages")' };
  const msgs = v['messages'] as unknown[];
  let last = -1;
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = msgs[i];
    if (isObj(m) && m['role'] === 'assistant') {
      last = i;
      break;
    }
  }
  if (last < 0) return { line, reason: 'no assistant turn to compare with' };
  const answer = msgs[last] as Record<string, unknown>;
  const reference = messageText(answer['content']);
  if (reference === '' && answer['tool_calls'] !== undefined) return { line, reason: 'the last assistant turn is a tool call' };
  const before = msgs.slice(0, last).filter(isObj);
  if (!before.some((m) => m['role'] === 'user')) return { line, reason: 'no user turn before the last assistant turn' };
  const tools = Array.isArray(v['tools']) ? (v['tools'] as unknown[]) : undefined;
  return { line, example, messages: before.map(sendable), reference, ...(tools ? { tools } : {}) };
}

export function isExample(x: EvalExample | SkippedLine): x is EvalExample {
  return 'reference' in x;
}

/** Every evaluable example of a JSONL text (blank lines ignored; the others listed as skipped with a reason). */
export function extractExamples(text: string): ExtractResult {
  const examples: EvalExample[] = [];
  const skipped: SkippedLine[] = [];
  let n = 0;
  splitLines(text).forEach((l, i) => {
    if (l.trim() === '') return;
    n++;
    const x = extractExample(l, i, n);
    if (isExample(x)) examples.push(x);
    else skipped.push(x);
  });
  return { examples, skipped };
}
