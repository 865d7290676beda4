/**
 * The text edits behind Tuneline's quick fixes, computed on one line's text (pure: no `vscode`). Each function checks
 * that the line still looks as the diagnostic says (the right key, a string role, a number weight...) and returns
 * undefined otherwise, so a fix never rewrites something it did not understand.
 */
import { findNodeAtOffset, parseTree, type Node, type ParseError } from 'jsonc-parser';
import { nearest } from '../core/rules/util';

/** Replace [start, end) of the line with `text` (UTF-16 columns). */
export interface LineEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

const SFT_ROLES = ['system', 'user', 'assistant', 'tool', 'function'] as const;
const RFT_ROLES = ['developer', 'user', 'assistant', 'tool'] as const;

function tree(line: string): Node | undefined {
  const errors: ParseError[] = [];
  const root = parseTree(line, errors, { disallowComments: true, allowTrailingComma: false });
  return errors.length === 0 ? root : undefined;
}

/** The property node (`"key": value`) whose key or value contains `column`. */
function propertyAt(root: Node, column: number): Node | undefined {
  let n: Node | undefined = findNodeAtOffset(root, column);
  while (n && n.type !== 'property') n = n.parent;
  return n;
}

function keyOf(prop: Node): string | undefined {
  const k = prop.children?.[0];
  return k && k.type === 'string' ? (k.value as string) : undefined;
}

/**
 * The role value at `column` replaced by the nearest valid role: `suggestion` (the engine's) if given, else the
 * nearest of the roles of that kind of data. Undefined if there is no role string there or nothing is close.
 */
export function roleFix(line: string, column: number, suggestion: unknown, rft = false): { edit: LineEdit; role: string } | undefined {
  const root = tree(line);
  if (!root) return undefined;
  const prop = propertyAt(root, column);
  const value = prop?.children?.[1];
  if (!prop || keyOf(prop) !== 'role' || !value || value.type !== 'string') return undefined;
  const valid: readonly string[] = rft ? RFT_ROLES : SFT_ROLES;
  const role = typeof suggestion === 'string' && valid.includes(suggestion) ? suggestion : nearest(String(value.value), valid);
  if (!role || role === value.value) return undefined;
  return { edit: { start: value.offset, end: value.offset + value.length, text: JSON.stringify(role) }, role };
}

/**
 * Removes the property whose key starts at (or contains) `column`, with its separating comma and the spaces around
 * it, leaving the object well-formed. `key`, if given, must match the property's key.
 */
export function removeKeyFix(line: string, column: number, key?: string): { edit: LineEdit; key: string } | undefined {
  const root = tree(line);
  if (!root) return undefined;
  const prop = propertyAt(root, column);
  const parent = prop?.parent;
  const name = prop ? keyOf(prop) : undefined;
  if (!prop || !parent || parent.type !== 'object' || name === undefined) return undefined;
  if (key !== undefined && key !== name) return undefined;
  const siblings = parent.children ?? [];
  const i = siblings.indexOf(prop);
  const next = siblings[i + 1];
  const prev = siblings[i - 1];
  let start = prop.offset;
  let end = prop.offset + prop.length;
  if (next) {
    end = next.offset; // `"k": v, ` up to the next key
  } else if (prev) {
    start = prev.offset + prev.length; // `, "k": v` after the previous value
  }
  return { edit: { start, end, text: '' }, key: name };
}

/** Sets the `weight` value at `column` to 0 or 1. */
export function weightFix(line: string, column: number, value: 0 | 1): LineEdit | undefined {
  const root = tree(line);
  if (!root) return undefined;
  const prop = propertyAt(root, column);
  const v = prop?.children?.[1];
  if (!prop || keyOf(prop) !== 'weight' || !v) return undefined;
  if (v.type === 'number' && v.value === value) return undefined;
  return { start: v.offset, end: v.offset + v.length, text: String(value) };
}

/** The 0/1 a weight value obviously means (`true`, `"1"`, `1.0` → 1; `false`, `"0"` → 0), else undefined. */
export function obviousWeight(line: string, column: number, suggestion: unknown): 0 | 1 | undefined {
  if (suggestion === 0 || suggestion === 1) return suggestion;
  const root = tree(line);
  const v = root ? propertyAt(root, column)?.children?.[1] : undefined;
  const w: unknown = v?.value;
  if (w === true || w === 'true' || w === '1') return 1;
  if (w === false || w === 'false' || w === '0') return 0;
  return undefined;
}

/**
 * A legacy `{"prompt": ..., "completion": ...}` line rewritten as a chat example:
 * `{"messages":[{"role":"user","content":prompt},{"role":"assistant","content":completion}]}`. Only for lines that
 * hold exactly these two string keys (nothing would be lost).
 */
export function completionToChat(line: string): LineEdit | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length !== 2 || typeof o.prompt !== 'string' || typeof o.completion !== 'string') return undefined;
  const chat = {
    messages: [
      { role: 'user', content: o.prompt },
      { role: 'assistant', content: o.completion },
    ],
  };
  return { start: 0, end: line.length, text: JSON.stringify(chat) };
}

/**
 * Merges sorted, non-overlapping [startLine, endLine) line ranges that touch into one (e.g. deleting lines 4 and 5
 * is one range 4–6), so a "remove all" edit never holds touching ranges.
 */
export function mergeLineRanges(lines: readonly number[]): Array<[number, number]> {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const out: Array<[number, number]> = [];
  for (const l of sorted) {
    const last = out[out.length - 1];
    if (last && last[1] === l) last[1] = l + 1;
    else out.push([l, l + 1]);
  }
  return out;
}

/** The `messages` array node of a chat line, or a preference line's `input.messages`. */
function messagesNode(root: Node): Node | undefined {
  const prop = (obj: Node | undefined, key: string): Node | undefined => obj?.children?.find((c) => c.type === 'property' && keyOf(c) === key)?.children?.[1];
  const direct = prop(root, 'messages');
  if (direct?.type === 'array') return direct;
  const nested = prop(prop(root, 'input'), 'messages');
  return nested?.type === 'array' ? nested : undefined;
}

function roleOf(message: Node): string | undefined {
  if (message.type !== 'object') return undefined;
  const v = message.children?.find((c) => c.type === 'property' && keyOf(c) === 'role')?.children?.[1];
  return v?.type === 'string' ? (v.value as string) : undefined;
}

/**
 * TL-10 `arguments-double-encoded`: the arguments string at [column, endColumn) replaced by the string it decodes to
 * (`fix`, the engine's `data.fix`), encoded once. Undefined unless the text there is a JSON string that decodes to a
 * string equal to `fix` which itself holds a JSON object or array, so the value keeps its meaning, one level less
 * quoted.
 */
export function argumentsFix(line: string, column: number, endColumn: number, fix: unknown): LineEdit | undefined {
  if (typeof fix !== 'string' || endColumn <= column) return undefined;
  let outer: unknown;
  let inner: unknown;
  try {
    outer = JSON.parse(line.slice(column, endColumn));
    if (typeof outer !== 'string' || JSON.parse(outer) !== fix) return undefined;
    inner = JSON.parse(fix);
  } catch {
    return undefined;
  }
  if (typeof inner !== 'object' || inner === null) return undefined;
  return { start: column, end: endColumn, text: JSON.stringify(fix) };
}

/**
 * TL-08 `inconsistent-system-prompt`, a near-identical variant: the system message's string `content` replaced by the
 * prompt most examples share (`suggestion`). Undefined when the first system (or developer) message's content is not
 * a plain string (parts: no safe rewrite) or already equals the suggestion.
 */
export function systemPromptFix(line: string, suggestion: unknown): LineEdit | undefined {
  if (typeof suggestion !== 'string') return undefined;
  const root = tree(line);
  const list = root && messagesNode(root);
  const system = list?.children?.find((m) => roleOf(m) === 'system' || roleOf(m) === 'developer');
  const content = system?.children?.find((c) => c.type === 'property' && keyOf(c) === 'content')?.children?.[1];
  if (!content || content.type !== 'string' || content.value === suggestion) return undefined;
  return { start: content.offset, end: content.offset + content.length, text: JSON.stringify(suggestion) };
}

/**
 * TL-08 on an example without a system prompt while the others share one: that prompt inserted as the first message.
 * Undefined when the example already has a system or developer message, or no messages to insert before.
 */
export function addSystemPromptFix(line: string, suggestion: unknown): LineEdit | undefined {
  if (typeof suggestion !== 'string') return undefined;
  const root = tree(line);
  const list = root && messagesNode(root);
  const first = list?.children?.[0];
  if (!list || !first || list.children!.some((m) => roleOf(m) === 'system' || roleOf(m) === 'developer')) return undefined;
  return { start: first.offset, end: first.offset, text: `{"role":"system","content":${JSON.stringify(suggestion)}},` };
}
