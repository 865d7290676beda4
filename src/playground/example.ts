/**
 * Between dataset lines and playground conversations, without VS Code:
 * - `conversationFromLine` / `conversationFromMessages`: a chat or DPO line (or a message list) → the conversation up
 *   to its last assistant turn, with that turn's reply kept as the dataset's reply for comparison;
 * - `exampleLine`: a playground conversation → one JSONL line in the dataset's format (chat; DPO with a preferred and
 *   a non-preferred reply; legacy prompt/completion).
 */
import type { Method } from '../core';
import type { Session, SimpleMessage } from './session';

export interface LoadedTurn {
  readonly user: string;
  /** The assistant's reply in the dataset (every turn but the last has one). */
  readonly assistant?: string;
}

export interface Conversation {
  readonly system: string;
  /** Earlier turns (with replies), then the last user turn (no reply: the models answer it). */
  readonly turns: readonly LoadedTurn[];
  /** The dataset's reply to the last turn. */
  readonly expected?: string;
  /** For a DPO line: its non-preferred reply. */
  readonly rejected?: string;
  /** Messages left out (tool calls, images, unknown roles), in plain words. */
  readonly notes: readonly string[];
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The text of a message's content: a string, or the text parts of an array (images are left out). */
export function contentText(content: unknown): { text: string; dropped: boolean } {
  if (typeof content === 'string') return { text: content, dropped: false };
  if (Array.isArray(content)) {
    let dropped = false;
    const parts: string[] = [];
    for (const p of content) {
      if (isObj(p) && typeof p.text === 'string') parts.push(p.text);
      else dropped = true;
    }
    return { text: parts.join('\n'), dropped };
  }
  return { text: '', dropped: content !== undefined && content !== null };
}

/** The conversation of a message list, up to its last assistant reply (kept as `expected`), or an explanation. */
export function conversationFromMessages(messages: readonly unknown[], options: { expectedFromEnd?: boolean } = {}): Conversation | string {
  const notes = new Set<string>();
  const msgs: SimpleMessage[] = [];
  for (const m of messages) {
    if (!isObj(m)) continue;
    const role = m.role;
    const { text, dropped } = contentText(m.content);
    if (dropped) notes.add('images and other non-text parts are left out');
    if (role === 'system' || role === 'developer') msgs.push({ role: 'system', content: text });
    else if (role === 'user') msgs.push({ role: 'user', content: text });
    else if (role === 'assistant') {
      if (text === '' && (m.tool_calls !== undefined || m.function_call !== undefined)) {
        notes.add('tool calls are left out');
        continue;
      }
      msgs.push({ role: 'assistant', content: text });
    } else if (role === 'tool' || role === 'function') notes.add('tool results are left out');
    else notes.add(`messages with role ${JSON.stringify(role)} are left out`);
  }
  let last = -1;
  if (options.expectedFromEnd !== false) {
    for (let i = msgs.length - 1; i >= 0; i--) {
      if (msgs[i]!.role === 'assistant') {
        last = i;
        break;
      }
    }
  }
  const before = last >= 0 ? msgs.slice(0, last) : msgs;
  const systems: string[] = [];
  const turns: Array<{ user: string; assistant?: string }> = [];
  for (const m of before) {
    if (m.role === 'system') {
      if (turns.length === 0) systems.push(m.content);
      else notes.add('system messages after the first user turn are left out');
    } else if (m.role === 'user') {
      const cur = turns[turns.length - 1];
      if (cur && cur.assistant === undefined) cur.user = cur.user ? `${cur.user}\n\n${m.content}` : m.content;
      else turns.push({ user: m.content });
    } else {
      const cur = turns[turns.length - 1];
      if (!cur) {
        notes.add('an assistant message before the first user message is left out');
        continue;
      }
      cur.assistant = cur.assistant === undefined ? m.content : `${cur.assistant}\n\n${m.content}`;
    }
  }
  const lastTurn = turns[turns.length - 1];
  if (!lastTurn) return 'it has no user message to answer';
  if (last >= 0 && lastTurn.assistant !== undefined) return 'its last assistant reply does not follow a user message';
  if (last < 0 && lastTurn.assistant !== undefined) {
    // A conversation that ends on an assistant reply, with `expectedFromEnd: false`: everything is history.
    return { system: systems.join('\n\n'), turns, notes: [...notes] };
  }
  return {
    system: systems.join('\n\n'),
    turns,
    ...(last >= 0 ? { expected: msgs[last]!.content } : {}),
    notes: [...notes],
  };
}

/** The conversation of one dataset line (chat or DPO), or why there is none. */
export function conversationFromLine(text: string): Conversation | string {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return 'the line is not valid JSON';
  }
  if (!isObj(value)) return 'the line is not a JSON object';
  if (Array.isArray(value.messages)) {
    const conv = conversationFromMessages(value.messages);
    if (typeof conv === 'string') return conv;
    if (conv.expected === undefined) return 'it has no assistant reply to compare with';
    return conv;
  }
  if (isObj(value.input) && Array.isArray(value.input.messages)) {
    const conv = conversationFromMessages(value.input.messages, { expectedFromEnd: false });
    if (typeof conv === 'string') return conv;
    const first = (v: unknown) => (Array.isArray(v) ? v.find((m) => isObj(m) && m.role === 'assistant') : undefined);
    const preferred = first(value.preferred_output);
    const rejected = first(value.non_preferred_output);
    if (!isObj(preferred)) return 'it has no preferred reply to compare with';
    const expected = contentText(preferred.content).text;
    return { ...conv, expected, ...(isObj(rejected) ? { rejected: contentText(rejected.content).text } : {}) };
  }
  if (typeof value.prompt === 'string' && typeof value.completion === 'string') {
    return { system: '', turns: [{ user: value.prompt }], expected: value.completion, notes: [] };
  }
  return 'it is not a chat or preference (DPO) example';
}

export class ExampleError extends Error {}

/** What `exampleLine` leaves out, in plain words (empty when nothing). */
export function exampleNotes(session: Session, method: Method): string[] {
  if (method === 'dpo' && session.turns.length > 1) {
    return [`preference (DPO) examples hold one turn, so the ${session.turns.length - 1} earlier turn(s) are left out`];
  }
  return [];
}

/** The text of `column`'s final reply to `turn`, or an ExampleError naming what is missing. */
function finalReply(session: Session, turn: number, column: number): string {
  const r = session.turns[turn]?.replies[column];
  if (!r || r.status === 'error' || r.status === 'waiting' || r.status === 'streaming' || r.text.trim() === '') {
    const what = r?.status === 'streaming' || r?.status === 'waiting' ? 'is still being written' : 'is missing';
    throw new ExampleError(`The reply of ${session.models[column] ?? `column ${column + 1}`} to the last turn ${what}.`);
  }
  return r.text;
}

/** The messages of the conversation for an example, with `column`'s replies (earlier turns may fall back, see `replyText`). */
function historyMessages(session: Session, column: number, upTo: number): Array<{ role: string; content: string }> {
  const out: Array<{ role: string; content: string }> = [];
  if (session.system.trim()) out.push({ role: 'system', content: session.system });
  for (let i = 0; i < upTo; i++) {
    const t = session.turns[i]!;
    out.push({ role: 'user', content: t.user });
    const reply = session.replyText(i, column);
    if (reply === undefined) throw new ExampleError(`Turn ${i + 1} has no reply.`);
    out.push({ role: 'assistant', content: reply });
  }
  return out;
}

/**
 * One JSONL line (no line break) holding the conversation in `method`'s format, the chosen `column`'s replies as the
 * assistant's. DPO: `rejectedColumn`'s last reply is the non-preferred output. Throws `ExampleError` when it cannot.
 */
export function exampleLine(session: Session, method: Method, column: number, rejectedColumn?: number): string {
  const last = session.turns.length - 1;
  if (last < 0) throw new ExampleError('The conversation is empty: send a message first.');
  const lastUser = session.turns[last]!.user;
  const chosen = finalReply(session, last, column);
  switch (method) {
    case 'supervised': {
      const messages = historyMessages(session, column, last);
      messages.push({ role: 'user', content: lastUser }, { role: 'assistant', content: chosen });
      return JSON.stringify({ messages });
    }
    case 'dpo': {
      if (rejectedColumn === undefined || rejectedColumn === column) {
        throw new ExampleError('A preference (DPO) example needs two replies: add a second model column, then choose the better reply.');
      }
      const rejected = finalReply(session, last, rejectedColumn);
      // DPO trains on one-turn conversations (the engine warns about assistant turns inside `input`): the system
      // prompt and the last user turn only (see `exampleNotes`).
      const messages = historyMessages(session, column, 0);
      messages.push({ role: 'user', content: lastUser });
      return JSON.stringify({
        input: { messages },
        preferred_output: [{ role: 'assistant', content: chosen }],
        non_preferred_output: [{ role: 'assistant', content: rejected }],
      });
    }
    case 'completion': {
      if (last > 0 || session.system.trim()) throw new ExampleError('This dataset uses the legacy prompt/completion format, which holds one prompt without a system prompt or earlier turns.');
      return JSON.stringify({ prompt: lastUser, completion: chosen });
    }
    case 'reinforcement':
      throw new ExampleError('This is a reinforcement fine-tuning dataset: its examples end on a user turn and carry the data its grader reads, which a chat reply cannot fill in. Save to a chat or DPO dataset instead.');
  }
}
