/**
 * The shared mapping of the trainer exports: one Tuneline line (OpenAI's chat, preference or prompt/completion shape)
 * read into a neutral form the four trainer modules write from, with the checks every trainer shares.
 *
 * Read (2026-12-03):
 * - OpenAI's formats (the source): shared/reference/openai-format-rules.md — roles system, developer, user, assistant,
 *   tool (function legacy), `weight` 0/1 on assistant messages, `tool_calls[].function.arguments` a JSON string, the
 *   preference shape `input` / `preferred_output` / `non_preferred_output`.
 * - Hugging Face chat templates take `tool_calls[].function.arguments` as an object (a dict): transformers' chat
 *   templating docs, https://huggingface.co/docs/transformers/main/en/chat_templating (tool use), also said in
 *   mlx-lm's LORA.md (https://github.com/ml-explore/mlx-lm/blob/main/mlx_lm/LORA.md#data, commit d78bf58).
 */
import type { CheckSeverity, ExportPart, TrainerCheck } from './types';

export type Role = 'system' | 'user' | 'assistant' | 'tool';

export interface ToolCall {
  readonly id?: string;
  readonly name: string;
  /** The arguments as the JSON text the source holds. */
  readonly argumentsText: string;
  /** The parsed arguments (always an object: a line whose arguments are not a JSON object is not exported). */
  readonly arguments: Record<string, unknown>;
}

export interface Msg {
  readonly role: Role;
  /** The role as written in the source (`developer`, `function`...). */
  readonly sourceRole: string;
  /** Text (content parts joined); null for an assistant turn with only tool calls. */
  readonly content: string | null;
  readonly toolCalls?: readonly ToolCall[];
  readonly toolCallId?: string;
  /** Tool name (tool results; `function` messages). */
  readonly name?: string;
  /** OpenAI's per-message `weight` on assistant turns. */
  readonly weight?: 0 | 1;
}

/** A tool definition, OpenAI-shaped: `{type: 'function', function: {name, description, parameters}}`. */
export type Tool = Readonly<Record<string, unknown>>;

export type SourceLine =
  | { readonly kind: 'sft'; readonly messages: readonly Msg[]; readonly tools?: readonly Tool[]; readonly from: 'chat' | 'completion' }
  | { readonly kind: 'dpo'; readonly prompt: readonly Msg[]; readonly chosen: Msg; readonly rejected: Msg; readonly tools?: readonly Tool[] };

/** Where a line's checks go. */
export interface LineContext {
  readonly line: number;
  readonly part: ExportPart;
  /** The trainer's name, for messages. */
  readonly trainer: string;
  report(code: string, severity: CheckSeverity, message: string): void;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Reads one source line. Undefined when the line is skipped (blank, or an error reported through `ctx`). */
export function readLine(text: string, ctx: LineContext): SourceLine | undefined {
  if (!text.trim()) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    ctx.report('not-json', 'error', `not JSON (${(e as Error).message.split('\n')[0]}); not exported`);
    return undefined;
  }
  if (!isObj(value)) {
    ctx.report('unknown-shape', 'error', 'not a JSON object; not exported');
    return undefined;
  }
  if (Array.isArray(value.messages)) return readChat(value, ctx);
  if (isObj(value.input) || value.preferred_output !== undefined || value.non_preferred_output !== undefined) return readPreference(value, ctx);
  if (typeof value.prompt === 'string' && typeof value.completion === 'string') {
    return {
      kind: 'sft',
      from: 'completion',
      messages: [
        { role: 'user', sourceRole: 'user', content: value.prompt },
        { role: 'assistant', sourceRole: 'assistant', content: value.completion },
      ],
    };
  }
  ctx.report('unknown-shape', 'error', 'neither chat `messages`, a preference pair nor prompt/completion; not exported');
  return undefined;
}

function readChat(o: Obj, ctx: LineContext): SourceLine | undefined {
  const messages = readMessages(o.messages as unknown[], ctx, 'message');
  if (!messages) return undefined;
  const tools = readTools(o, ctx);
  if (tools === null) return undefined;
  if (!messages.some((m) => m.role === 'assistant')) {
    ctx.report('no-assistant', 'error', `no assistant message: ${ctx.trainer} would have nothing to learn from this line; not exported`);
    return undefined;
  }
  return { kind: 'sft', from: 'chat', messages, tools };
}

function readPreference(o: Obj, ctx: LineContext): SourceLine | undefined {
  const input = o.input;
  if (!isObj(input) || !Array.isArray(input.messages)) {
    ctx.report('unknown-shape', 'error', 'a preference line needs `input.messages`; not exported');
    return undefined;
  }
  const prompt = readMessages(input.messages, ctx, 'input message');
  if (!prompt) return undefined;
  const tools = readTools(input, ctx);
  if (tools === null) return undefined;
  const chosen = onlyAnswer(o.preferred_output, 'preferred_output', ctx);
  const rejected = onlyAnswer(o.non_preferred_output, 'non_preferred_output', ctx);
  if (!chosen || !rejected) return undefined;
  return { kind: 'dpo', prompt, chosen, rejected, tools };
}

function onlyAnswer(v: unknown, key: string, ctx: LineContext): Msg | undefined {
  const list = Array.isArray(v) ? v : undefined;
  const msgs = list && list.length === 1 ? readMessages(list, ctx, key) : undefined;
  const m = msgs?.[0];
  if (!list || list.length !== 1) ctx.report('unknown-shape', 'error', `\`${key}\` must hold exactly one assistant message; not exported`);
  else if (m && m.role !== 'assistant') ctx.report('unknown-shape', 'error', `\`${key}\` must be an assistant message (got ${m.sourceRole}); not exported`);
  return m && m.role === 'assistant' ? m : undefined;
}

/** Reads messages; undefined (after a report) when one of them cannot be exported. */
function readMessages(list: readonly unknown[], ctx: LineContext, what: string): Msg[] | undefined {
  const out: Msg[] = [];
  // Tool results name their tool (TRL's and Axolotl's examples; some templates print it): from the call they answer.
  const callNames = new Map<string, string>();
  for (let i = 0; i < list.length; i++) {
    let m = readMessage(list[i], i + 1, ctx, what);
    if (!m) return undefined;
    for (const c of m.toolCalls ?? []) if (c.id !== undefined) callNames.set(c.id, c.name);
    if (m.role === 'tool' && m.name === undefined && m.toolCallId !== undefined && callNames.has(m.toolCallId)) m = { ...m, name: callNames.get(m.toolCallId) };
    out.push(m);
  }
  if (!out.length) {
    ctx.report('unknown-shape', 'error', `no ${what}s; not exported`);
    return undefined;
  }
  return out;
}

function readMessage(v: unknown, n: number, ctx: LineContext, what: string): Msg | undefined {
  if (!isObj(v)) {
    ctx.report('unknown-shape', 'error', `${what} ${n} is not an object; not exported`);
    return undefined;
  }
  const sourceRole = typeof v.role === 'string' ? v.role : String(v.role);
  let role: Role;
  switch (sourceRole) {
    case 'system':
    case 'user':
    case 'assistant':
    case 'tool':
      role = sourceRole;
      break;
    case 'developer':
      // OpenAI's `developer` is the system prompt of its reasoning models; the open models' templates know `system`.
      role = 'system';
      ctx.report('developer-role', 'info', `${what} ${n}: role developer written as system (${ctx.trainer}'s chat templates know system, not developer)`);
      break;
    case 'function':
      role = 'tool';
      ctx.report('function-role', 'info', `${what} ${n}: legacy role function written as tool`);
      break;
    default:
      ctx.report('unknown-role', 'error', `${what} ${n}: role "${sourceRole}" is not one ${ctx.trainer} knows (system, user, assistant, tool); not exported`);
      return undefined;
  }
  const content = readContent(v.content, n, ctx, what);
  if (content === undefined) return undefined;
  let toolCalls: ToolCall[] | undefined;
  if (role === 'assistant' && (Array.isArray(v.tool_calls) || isObj(v.function_call))) {
    const raw = Array.isArray(v.tool_calls) ? v.tool_calls : [{ type: 'function', function: v.function_call }];
    toolCalls = [];
    for (let k = 0; k < raw.length; k++) {
      const call = readToolCall(raw[k], `${what} ${n}, tool call ${k + 1}`, ctx);
      if (!call) return undefined;
      toolCalls.push(call);
    }
    if (!toolCalls.length) toolCalls = undefined;
  }
  if (content === null && !toolCalls) {
    ctx.report('unknown-shape', 'error', `${what} ${n}: no content; not exported`);
    return undefined;
  }
  let weight: 0 | 1 | undefined;
  if (v.weight !== undefined && role === 'assistant') {
    if (v.weight !== 0 && v.weight !== 1) {
      ctx.report('bad-weight', 'error', `${what} ${n}: weight must be 0 or 1 (got ${JSON.stringify(v.weight)}); not exported`);
      return undefined;
    }
    weight = v.weight;
  }
  return {
    role,
    sourceRole,
    content,
    toolCalls,
    toolCallId: typeof v.tool_call_id === 'string' ? v.tool_call_id : undefined,
    name: typeof v.name === 'string' ? v.name : undefined,
    weight,
  };
}

/** Text of a message: a string, text parts joined, or null; undefined (after a report) for images and other parts. */
function readContent(c: unknown, n: number, ctx: LineContext, what: string): string | null | undefined {
  if (typeof c === 'string') return c;
  if (c === null || c === undefined) return null;
  if (!Array.isArray(c)) {
    ctx.report('unknown-shape', 'error', `${what} ${n}: content is neither text nor a list of parts; not exported`);
    return undefined;
  }
  let text = '';
  for (const part of c) {
    const type = isObj(part) ? part.type : undefined;
    if (type === 'text' && typeof (part as Obj).text === 'string') {
      text += (part as Obj).text as string;
    } else if (type === 'image_url' || type === 'image') {
      ctx.report(
        'image',
        'error',
        `${what} ${n} has an image: the export writes text-model lines, and ${ctx.trainer}'s text training cannot read images (a vision model needs its own multimodal set-up); not exported`,
      );
      return undefined;
    } else {
      ctx.report('unknown-shape', 'error', `${what} ${n}: content part of type ${JSON.stringify(type)} cannot be exported; not exported`);
      return undefined;
    }
  }
  return text;
}

function readToolCall(v: unknown, where: string, ctx: LineContext): ToolCall | undefined {
  const fn = isObj(v) ? v.function : undefined;
  if (!isObj(fn) || typeof fn.name !== 'string') {
    ctx.report('unknown-shape', 'error', `${where}: needs function.name; not exported`);
    return undefined;
  }
  const raw = fn.arguments;
  let parsed: unknown = raw;
  let text: string;
  if (typeof raw === 'string') {
    text = raw;
    try {
      parsed = JSON.parse(raw);
    } catch {
      ctx.report(
        'tool-args-not-json',
        'error',
        `${where} (${fn.name}): arguments are not JSON; ${ctx.trainer} reads them as a JSON object (the chat template renders the object); not exported`,
      );
      return undefined;
    }
  } else {
    text = JSON.stringify(raw ?? {});
    if (raw === undefined || raw === null) parsed = {};
  }
  if (!isObj(parsed)) {
    const what = typeof parsed === 'string' ? 'a JSON string (double-encoded), not an object' : Array.isArray(parsed) ? 'a JSON array, not an object' : `${typeof parsed}, not an object`;
    ctx.report('tool-args-not-object', 'error', `${where} (${fn.name}): arguments are ${what}; chat templates need an object; not exported`);
    return undefined;
  }
  return { id: isObj(v) && typeof v.id === 'string' ? v.id : undefined, name: fn.name, argumentsText: text, arguments: parsed };
}

/** `tools` (or legacy `functions`) of a line: undefined when absent, null (after a report) when unusable. */
function readTools(o: Obj, ctx: LineContext): Tool[] | undefined | null {
  if (o.tools !== undefined) {
    if (!Array.isArray(o.tools) || !o.tools.every(isObj)) {
      ctx.report('unknown-shape', 'error', '`tools` must be a list of tool objects; not exported');
      return null;
    }
    return o.tools.length ? (o.tools as Tool[]) : undefined;
  }
  if (o.functions !== undefined) {
    if (!Array.isArray(o.functions) || !o.functions.every(isObj)) {
      ctx.report('unknown-shape', 'error', '`functions` must be a list of function objects; not exported');
      return null;
    }
    ctx.report('functions-legacy', 'info', 'legacy `functions` written as `tools`');
    return o.functions.map((f) => ({ type: 'function', function: f }));
  }
  return undefined;
}

// ----------------------------------------------------------------------------------------------- shared writers

/** OpenAI/Hugging Face-shaped message (what TRL, MLX-LM and Axolotl read), arguments as objects or as JSON text. */
export function hfMessage(m: Msg, args: 'object' | 'string'): Obj {
  const out: Obj = { role: m.role };
  if (m.content !== null || !m.toolCalls) out.content = m.content ?? '';
  if (m.toolCalls) {
    out.tool_calls = m.toolCalls.map((c) => {
      const call: Obj = {};
      if (c.id !== undefined) call.id = c.id;
      call.type = 'function';
      call.function = { name: c.name, arguments: args === 'object' ? c.arguments : c.argumentsText };
      return call;
    });
  }
  if (m.toolCallId !== undefined) out.tool_call_id = m.toolCallId;
  if (m.role === 'tool' && m.name !== undefined) out.name = m.name;
  return out;
}

/** Warns once per line when per-message weights are lost (a trainer without a per-message training flag). */
export function reportLostWeights(messages: readonly Msg[], ctx: LineContext, how: string): void {
  const zero: number[] = [];
  messages.forEach((m, i) => {
    if (m.role === 'assistant' && m.weight === 0) zero.push(i + 1);
  });
  if (zero.length) {
    ctx.report('weight-lost', 'warning', `weight 0 on assistant message${zero.length > 1 ? 's' : ''} ${zero.join(', ')}: ${how}`);
  }
}

/** A YAML scalar: plain when safe, else a double-quoted JSON string (valid YAML). */
export function yamlScalar(s: string): string {
  return /^[A-Za-z0-9_./@+-][A-Za-z0-9_./@+ -]*$/.test(s) && !/^(true|false|null|yes|no|on|off|~)$/i.test(s) && !/^[-+]?[0-9.]+$/.test(s) && !/ $/.test(s)
    ? s
    : JSON.stringify(s);
}

/** Keeps checks bounded on big files: every check counted, the first `limit` of each code kept with its line. */
export class CheckLog {
  private readonly kept: TrainerCheck[] = [];
  private readonly perCode = new Map<string, { severity: CheckSeverity; count: number; lines: number }>();

  constructor(private readonly limit = 500) {}

  add(c: TrainerCheck): void {
    const s = this.perCode.get(c.code);
    if (s) s.count++;
    else this.perCode.set(c.code, { severity: c.severity, count: 1, lines: 0 });
    const t = this.perCode.get(c.code)!;
    if (t.lines < this.limit) {
      t.lines++;
      this.kept.push(c);
    }
  }

  /** The checks kept (source order within each part). */
  get checks(): readonly TrainerCheck[] {
    return this.kept;
  }

  /** Per code: severity and how many times it was found (all of them, also past the kept limit). */
  counts(): Array<{ code: string; severity: CheckSeverity; count: number }> {
    const rank = { error: 0, warning: 1, info: 2 } as const;
    return [...this.perCode.entries()]
      .map(([code, s]) => ({ code, severity: s.severity, count: s.count }))
      .sort((a, b) => rank[a.severity] - rank[b.severity] || b.count - a.count || a.code.localeCompare(b.code));
  }
}
