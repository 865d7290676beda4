/**
 * Token counting for training examples, the way the reference's TOK-02 says (OpenAI cookbook recipes):
 *
 * - Per message: `tokens_per_message = 3`, plus the encoded length of every string value of the message (`role`,
 *   `content`, `name`, `tool_call_id`, …), plus `tokens_per_name = 1` when it has a `name` key. Non-string values
 *   are counted by what they carry: `content` part arrays count each `text` / `refusal` string and 85 tokens per
 *   `image_url` part (the `detail: "low"` cost, IMG-08; the real cost of other details depends on image size, which a
 *   local check cannot know, so 85 is a lower bound); `tool_calls` count each call's `function.name` and
 *   `function.arguments`; `function_call` its `name` and `arguments`; numbers, booleans and null (`weight`) count 0.
 * - Plus 3 once per example for the reply priming (`<|start|>assistant<|message|>`).
 * - Tools (`tools`, or deprecated `functions`), the cookbook's `num_tokens_for_tools`: per function `func_init`
 *   (7 for the o200k/gpt-4o family, 10 for gpt-3.5/gpt-4) + encoded `name:description` (trailing `.` stripped); if it
 *   has properties `prop_init = 3`, then per property `prop_key = 3` + encoded `name:type:description`, and for an enum
 *   `enum_init = -3` plus per value `enum_item = 3` + encoded value; `func_end = 12` once after all functions.
 * - Preference (DPO): the tools of `input`, the `input.messages`, then each output's messages (`preferred_output`,
 *   `non_preferred_output`), with the priming counted once.
 * - Legacy prompt/completion: encoded `prompt` + encoded `completion`.
 *
 * ## The UTF-8 upper bound used by TOK-01 (`tokenUpperBound`)
 *
 * Byte-level BPE never produces a token that covers less than one byte, so `tokens(s) <= utf8Bytes(s)`. Every string
 * we encode occurs in the line's JSON text, and JSON escaping never makes a string shorter (`\n` is 2 bytes for 1,
 * `\u00e9` 6 bytes for 2, a surrogate pair 12 for 4). Every fixed overhead is paid for by JSON syntax that must
 * surround the counted item in the line: a message costs 3 (+1 with `name`) and is written at least as `{}` plus a
 * separator (`,` or `]`), and `"name":` is 7 bytes; a function's `func_init` (≤ 10) plus its `:` separator is
 * covered by `{"type":"function","function":{"name":""}}`; a property's `prop_key` 3 plus its two `:` separators by
 * `"k":{"type":""}`; an enum value's 3 by its quotes and separator. What is left is the once-per-example priming (3)
 * and `func_end` (12), and the 85 tokens charged per image, which are not backed by bytes. Hence
 *
 *     tokens(example) <= utf8Bytes(line) + 15 + 85 × images
 *
 * and an example whose bound is within the model's limit needs no tokenizing to pass TOK-01.
 */
import type { Encoder } from './encoding';

export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
export const REPLY_PRIMING = 3;
export const IMAGE_TOKENS = 85;
export const PROP_INIT = 3;
export const PROP_KEY = 3;
export const ENUM_INIT = -3;
export const ENUM_ITEM = 3;
export const FUNC_END = 12;
/** Overheads not backed by bytes of the line (priming + func_end); see the module comment. */
export const UNBACKED_OVERHEAD = REPLY_PRIMING + FUNC_END;

export interface CountOptions {
  readonly encoder: Encoder;
  /** `func_init`: 7 (gpt-4o family, o200k) or 10 (gpt-3.5/gpt-4). */
  readonly funcInit: number;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isImagePart(part: Obj): boolean {
  return part.type === 'image_url' || part.image_url !== undefined;
}

function contentImages(content: unknown): number {
  let n = 0;
  if (Array.isArray(content)) {
    for (const part of content) {
      if (isObj(part) && isImagePart(part)) {
        n++;
      }
    }
  }
  return n;
}

function messagesImages(messages: unknown): number {
  let n = 0;
  if (Array.isArray(messages)) {
    for (const m of messages) {
      if (isObj(m)) {
        n += contentImages(m.content);
      }
    }
  }
  return n;
}

/** Image parts that `exampleTokens` charges 85 tokens each (for `tokenUpperBound`). */
export function exampleImages(value: unknown): number {
  if (!isObj(value)) {
    return 0;
  }
  if (Array.isArray(value.messages)) {
    return messagesImages(value.messages);
  }
  let n = isObj(value.input) ? messagesImages(value.input.messages) : 0;
  for (const key of ['preferred_output', 'non_preferred_output', 'preferred_completion', 'non_preferred_completion']) {
    const out = value[key];
    n += Array.isArray(out) ? messagesImages(out) : isObj(out) ? contentImages(out.content) : 0;
  }
  return n;
}

function contentTokens(content: unknown, enc: Encoder): number {
  if (typeof content === 'string') {
    return enc.count(content);
  }
  if (!Array.isArray(content)) {
    return 0;
  }
  let n = 0;
  for (const part of content) {
    if (typeof part === 'string') {
      n += enc.count(part);
    } else if (isObj(part)) {
      if (typeof part.text === 'string') {
        n += enc.count(part.text);
      }
      if (typeof part.refusal === 'string') {
        n += enc.count(part.refusal);
      }
      if (isImagePart(part)) {
        n += IMAGE_TOKENS;
      }
    }
  }
  return n;
}

function callTokens(call: unknown, enc: Encoder): number {
  if (!isObj(call)) {
    return 0;
  }
  let n = 0;
  if (typeof call.name === 'string') {
    n += enc.count(call.name);
  }
  if (typeof call.arguments === 'string') {
    n += enc.count(call.arguments);
  }
  return n;
}

/** Tokens of one message, including its `tokens_per_message`. */
export function messageTokens(message: unknown, enc: Encoder): number {
  // A non-object "message" is not a message: it counts 0 (keeps the UTF-8 bound true for `[1,2,3]`).
  if (!isObj(message)) {
    return 0;
  }
  let n = TOKENS_PER_MESSAGE;
  for (const key in message) {
    const v = message[key];
    if (key === 'content') {
      n += contentTokens(v, enc);
    } else if (typeof v === 'string') {
      n += enc.count(v);
    } else if (key === 'tool_calls' && Array.isArray(v)) {
      for (const c of v) {
        if (isObj(c)) {
          n += callTokens(c.function, enc);
        }
      }
    } else if (key === 'function_call') {
      n += callTokens(v, enc);
    }
    if (key === 'name') {
      n += TOKENS_PER_NAME;
    }
  }
  return n;
}

/** Tokens of a list of messages, without the priming. */
export function messagesTokens(messages: unknown, enc: Encoder): number {
  if (!Array.isArray(messages)) {
    return 0;
  }
  let n = 0;
  for (const m of messages) {
    n += messageTokens(m, enc);
  }
  return n;
}

function stripDot(s: string): string {
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

function str(v: unknown): string {
  if (typeof v === 'string') {
    return v;
  }
  if (v === undefined || v === null) {
    return '';
  }
  return typeof v === 'object' ? stringify(v) : String(v);
}

/**
 * `JSON.stringify` of a parsed JSON value; a value nested too deep for `JSON.stringify` (it recurses) is written
 * with an explicit stack instead, to the same text.
 */
export function stringify(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
  }
  const out: string[] = [];
  /** Work items: a value to write, or a literal piece of text (a separator or a closing bracket). */
  const todo: Array<{ value: unknown } | string> = [{ value: v }];
  while (todo.length > 0) {
    const item = todo.pop()!;
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    const x = item.value;
    if (x === null || typeof x !== 'object') {
      out.push(JSON.stringify(x) ?? 'null');
    } else if (Array.isArray(x)) {
      todo.push(']');
      for (let i = x.length - 1; i >= 0; i--) {
        todo.push({ value: x[i] === undefined ? null : x[i] });
        if (i > 0) todo.push(',');
      }
      out.push('[');
    } else {
      const o = x as Record<string, unknown>;
      const ks = Object.keys(o).filter((k) => o[k] !== undefined);
      todo.push('}');
      for (let i = ks.length - 1; i >= 0; i--) {
        todo.push({ value: o[ks[i]!] });
        todo.push(`${JSON.stringify(ks[i])}:`);
        if (i > 0) todo.push(',');
      }
      out.push('{');
    }
  }
  return out.join('');
}

/**
 * `num_tokens_for_tools` for `tools` (`[{type, function: {...}}]`) or deprecated `functions` (`[{name, ...}]`).
 * 0 when there are no functions.
 */
export function toolsTokens(tools: unknown, opts: CountOptions): number {
  if (!Array.isArray(tools) || tools.length === 0) {
    return 0;
  }
  const enc = opts.encoder;
  let n = 0;
  for (const t of tools) {
    const f: unknown = isObj(t) && isObj(t.function) ? t.function : t;
    n += opts.funcInit;
    if (!isObj(f)) {
      continue;
    }
    n += enc.count(`${str(f.name)}:${stripDot(str(f.description))}`);
    const params = f.parameters;
    const props = isObj(params) && isObj(params.properties) ? params.properties : undefined;
    if (props && Object.keys(props).length > 0) {
      n += PROP_INIT;
      for (const key of Object.keys(props)) {
        n += PROP_KEY;
        const p = props[key];
        const pObj = isObj(p) ? p : {};
        if (Array.isArray(pObj.enum)) {
          n += ENUM_INIT;
          for (const item of pObj.enum) {
            n += ENUM_ITEM;
            n += enc.count(str(item));
          }
        }
        n += enc.count(`${key}:${str(pObj.type)}:${stripDot(str(pObj.description))}`);
      }
    }
  }
  n += FUNC_END;
  return n;
}

/**
 * Tokens of one parsed training example (any format), per TOK-02. Returns 0 for values that are not objects or have
 * none of the known keys.
 */
export function exampleTokens(value: unknown, opts: CountOptions): number {
  if (!isObj(value)) {
    return 0;
  }
  const enc = opts.encoder;
  if (Array.isArray(value.messages)) {
    return (
      toolsTokens(value.tools, opts) + toolsTokens(value.functions, opts) + messagesTokens(value.messages, enc) + REPLY_PRIMING
    );
  }
  if ('input' in value || 'preferred_output' in value || 'non_preferred_output' in value ||
    'preferred_completion' in value || 'non_preferred_completion' in value) {
    const input = isObj(value.input) ? value.input : {};
    let n = toolsTokens(input.tools, opts) + messagesTokens(input.messages, enc) + REPLY_PRIMING;
    for (const key of ['preferred_output', 'non_preferred_output', 'preferred_completion', 'non_preferred_completion']) {
      const out = value[key];
      if (Array.isArray(out)) {
        n += messagesTokens(out, enc);
      } else if (isObj(out)) {
        n += messageTokens(out, enc);
      }
    }
    return n;
  }
  if ('prompt' in value || 'completion' in value) {
    return (typeof value.prompt === 'string' ? enc.count(value.prompt) : 0) +
      (typeof value.completion === 'string' ? enc.count(value.completion) : 0);
  }
  return 0;
}

/** Counts the tokens of one JSONL line; undefined if it is not valid JSON. */
export function lineTokens(text: string, opts: CountOptions): number | undefined {
  if (text.trim() === '') {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return exampleTokens(value, opts);
}

/**
 * A proven upper bound of an example's tokens from its line's UTF-8 size (see the module comment):
 * `bytes + 15 + 85 × images`.
 */
export function tokenUpperBound(lineBytes: number, images = 0): number {
  return lineBytes + UNBACKED_OVERHEAD + IMAGE_TOKENS * images;
}

/**
 * A cheap estimate for the status bar until exact counts arrive: about 4 bytes of text per token (OpenAI's rule of
 * thumb for English), after taking off ~24 bytes of JSON syntax per message (`{"role":"user","content":""}`), plus
 * the fixed per-message and priming overheads. Typically within ±25% for English chat data; never used for limits.
 */
export function estimateTokens(lineBytes: number, messages = 0): number {
  if (lineBytes <= 0) {
    return 0;
  }
  const text = Math.max(0, lineBytes - 24 * messages - 14);
  return Math.ceil(text / 4) + TOKENS_PER_MESSAGE * messages + REPLY_PRIMING;
}
