/**
 * Converts common dataset shapes to chat `messages` lines (supervised fine-tuning). Pure: no `vscode`.
 *
 * Recognised per line:
 * - chat: `{"messages": [{role, content}...]}` — kept as it is;
 * - prompt/completion (legacy): `prompt` → user, `completion` → assistant. The old guide's conventions are undone:
 *   trailing white space of the prompt and leading white space of the completion are trimmed, and when EVERY
 *   prompt/completion line of the file ends with the same well-known separator (prompt: `###`, `->`, `\n\n###\n\n`...)
 *   or stop sequence (completion: ` END`, `###`, `<|endoftext|>`), it is removed;
 * - ShareGPT: `conversations` (or `messages`) of `{from, value}` turns; `from` human/user → user,
 *   gpt/assistant/chatgpt/bard/bing/model → assistant, system → system; a top-level `system` string becomes the
 *   system message;
 * - Alpaca: `instruction`, optional `input`, `output` → user (`instruction`, a blank line, `input`) and assistant;
 *   an optional `system` string becomes the system message.
 * Blank lines are dropped. A line that is not JSON, has another shape (e.g. a preference pair), has an unknown
 * ShareGPT role, empty text or no assistant turn is skipped and reported with its line and reason; nothing throws.
 */
import { splitLines } from './dataset';

export type SourceShape = 'chat' | 'completion' | 'sharegpt' | 'alpaca';

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export type LineConversion =
  | { readonly ok: true; readonly from: SourceShape; readonly text: string }
  | { readonly ok: false; readonly reason: string };

export interface ConvertSkip {
  /** 0-based line. */
  readonly line: number;
  readonly reason: string;
}

export interface ConvertResult {
  /** The chat lines, in source order. */
  readonly lines: string[];
  /** Lines turned into chat. */
  readonly converted: number;
  /** Lines already in the chat format, kept as they are. */
  readonly kept: number;
  readonly blank: number;
  readonly skipped: ConvertSkip[];
  /** How many lines of each source shape were written. */
  readonly shapes: Readonly<Record<SourceShape, number>>;
}

const SHAREGPT_ROLES: Readonly<Record<string, ChatMessage['role']>> = {
  human: 'user',
  user: 'user',
  gpt: 'assistant',
  assistant: 'assistant',
  chatgpt: 'assistant',
  bard: 'assistant',
  bing: 'assistant',
  model: 'assistant',
  system: 'system',
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(reason: string): LineConversion {
  return { ok: false, reason };
}

function chat(from: SourceShape, messages: ChatMessage[]): LineConversion {
  if (!messages.some((m) => m.role === 'assistant')) return fail('no assistant turn to train on');
  const empty = messages.findIndex((m) => !m.content.trim());
  if (empty >= 0) return fail(`message ${empty + 1} (${messages[empty]!.role}) has no text`);
  // A conversation that ends after the last assistant turn with user turns teaches nothing from them: drop them.
  let end = messages.length;
  while (end > 0 && messages[end - 1]!.role !== 'assistant') end--;
  return { ok: true, from, text: JSON.stringify({ messages: messages.slice(0, end) }) };
}

function withSystem(system: unknown, messages: ChatMessage[]): ChatMessage[] {
  return typeof system === 'string' && system.trim() && messages[0]?.role !== 'system'
    ? [{ role: 'system', content: system }, ...messages]
    : messages;
}

function isShareGptTurns(v: unknown): v is unknown[] {
  return Array.isArray(v) && v.length > 0 && v.every((t) => isRecord(t) && 'from' in t && 'value' in t);
}

/** Separators and stop sequences of legacy prompt/completion data that the whole file shares (see `legacyMarkers`). */
export interface LegacyMarkers {
  readonly prompt?: string;
  readonly completion?: string;
}

const PROMPT_SEPARATORS = ['###', '->', '-->', '=>', '\n\nAnswer:', '\n\nA:'];
const COMPLETION_STOPS = ['END', '###', '<|endoftext|>', '\n\n###'];

function stripSuffix(text: string, suffix: string | undefined): string {
  return suffix && text.endsWith(suffix) && text.length > suffix.length ? text.slice(0, -suffix.length) : text;
}

/**
 * The separator every prompt ends with and the stop sequence every completion ends with (white space trimmed), if
 * the file's prompt/completion lines all share one of the well-known ones; only then are they removed.
 */
export function legacyMarkers(lines: readonly string[]): LegacyMarkers {
  const prompts: string[] = [];
  const completions: string[] = [];
  for (const t of lines) {
    if (!t.includes('"prompt"')) continue;
    try {
      const v = JSON.parse(t) as unknown;
      if (isRecord(v) && typeof v.prompt === 'string' && typeof v.completion === 'string') {
        prompts.push(v.prompt.replace(/\s+$/, ''));
        completions.push(v.completion.replace(/\s+$/, ''));
      }
    } catch {
      // not JSON: reported by convertLine
    }
  }
  if (prompts.length < 2) return {};
  const shared = (texts: string[], candidates: string[]) => candidates.find((c) => texts.every((t) => t.endsWith(c) && t.length > c.length));
  return { prompt: shared(prompts, PROMPT_SEPARATORS), completion: shared(completions, COMPLETION_STOPS) };
}

/** Converts one line; `undefined` for a blank line. `legacy`: the file's prompt/completion markers to remove. */
export function convertLine(text: string, legacy: LegacyMarkers = {}): LineConversion | undefined {
  if (!text.trim()) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail('not valid JSON');
  }
  if (!isRecord(value)) return fail('not a JSON object');

  const turns = isShareGptTurns(value.conversations) ? value.conversations : isShareGptTurns(value.messages) ? value.messages : undefined;
  if (turns) {
    const messages: ChatMessage[] = [];
    for (let i = 0; i < turns.length; i++) {
      const t = turns[i] as Record<string, unknown>;
      const from = typeof t.from === 'string' ? t.from.trim().toLowerCase() : '';
      const role = SHAREGPT_ROLES[from];
      if (!role) return fail(`turn ${i + 1} comes from "${String(t.from)}", which has no chat role`);
      if (typeof t.value !== 'string') return fail(`turn ${i + 1} has no text value`);
      messages.push({ role, content: t.value });
    }
    return chat('sharegpt', withSystem(value.system, messages));
  }

  if (Array.isArray(value.messages)) {
    return { ok: true, from: 'chat', text: text.trim() };
  }

  if ('prompt' in value || 'completion' in value) {
    if (typeof value.prompt !== 'string' || typeof value.completion !== 'string') return fail('prompt and completion must both be strings');
    const prompt = stripSuffix(value.prompt.replace(/\s+$/, ''), legacy.prompt).replace(/\s+$/, '');
    const completion = stripSuffix(value.completion.replace(/\s+$/, ''), legacy.completion).trim();
    return chat('completion', [
      { role: 'user', content: prompt },
      { role: 'assistant', content: completion },
    ]);
  }

  if ('instruction' in value || 'output' in value) {
    if (typeof value.instruction !== 'string' || typeof value.output !== 'string') return fail('instruction and output must both be strings');
    if (value.input !== undefined && value.input !== null && typeof value.input !== 'string') return fail('input must be a string');
    const input = typeof value.input === 'string' ? value.input.trim() : '';
    const user = input ? `${value.instruction.trim()}\n\n${input}` : value.instruction.trim();
    return chat('alpaca', withSystem(value.system, [
      { role: 'user', content: user },
      { role: 'assistant', content: value.output },
    ]));
  }

  if ('preferred_output' in value || 'non_preferred_output' in value) return fail('a preference (DPO) pair: it has no single chat answer');
  return fail(`unrecognised shape (keys: ${Object.keys(value).slice(0, 5).join(', ') || 'none'})`);
}

/** Converts every line of a JSONL text. */
export function convertDataset(text: string | readonly string[]): ConvertResult {
  const lines = typeof text === 'string' ? splitLines(text) : text;
  const out: string[] = [];
  const skipped: ConvertSkip[] = [];
  const shapes: Record<SourceShape, number> = { chat: 0, completion: 0, sharegpt: 0, alpaca: 0 };
  let converted = 0;
  let kept = 0;
  let blank = 0;
  const legacy = legacyMarkers(lines);
  lines.forEach((t, line) => {
    const r = convertLine(t, legacy);
    if (!r) {
      blank++;
      return;
    }
    if (!r.ok) {
      skipped.push({ line, reason: r.reason });
      return;
    }
    out.push(r.text);
    shapes[r.from]++;
    if (r.from === 'chat') kept++;
    else converted++;
  });
  return { lines: out, converted, kept, blank, skipped, shapes };
}
