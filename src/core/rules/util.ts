/** Small helpers shared by the rule modules. Nothing here runs for a clean line except `isObj`. */
import type { PathSegment } from '../types';

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `['messages', 2, 'content']` → `messages[2].content`; the empty path → `(example)`. */
export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return '(example)';
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else s += s.length === 0 ? seg : `.${seg}`;
  }
  return s;
}

/** A short human rendering of a JSON value for messages. */
export function show(v: unknown): string {
  if (v === undefined) return 'missing';
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/** The JSON type name of a value, for messages ("a string", "an array"...). */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return typeof v;
  }
}

/**
 * Edit distance with adjacent transpositions (optimal string alignment), with an early cut-off: returns `max + 1`
 * when the distance exceeds `max`.
 */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let pp = new Array<number>(b.length + 1).fill(0);
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        d = Math.min(d, pp[j - 2]! + 1);
      }
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    const t = pp;
    pp = prev;
    prev = cur;
    cur = t;
  }
  return prev[b.length]!;
}

/**
 * The valid word nearest to `word` (case-insensitive match, a known alias, or an edit distance of at most 2 that is
 * less than half the word), or undefined when nothing is close.
 */
export function nearest(
  word: string,
  valid: readonly string[],
  aliases?: Readonly<Record<string, string>>,
): string | undefined {
  const lower = word.trim().toLowerCase();
  for (const v of valid) if (v === lower) return v;
  const alias = aliases?.[lower];
  if (alias !== undefined && valid.includes(alias)) return alias;
  let best: string | undefined;
  let bestD = 3;
  for (const v of valid) {
    const d = editDistance(lower, v, 2);
    if (d < bestD && d * 2 < Math.max(lower.length, v.length)) {
      best = v;
      bestD = d;
    }
  }
  return best;
}

/** `^[A-Za-z0-9_-]{1,64}$` without a regex. */
export function isValidFunctionName(s: string): boolean {
  if (s.length === 0 || s.length > 64) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok =
      (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d;
    if (!ok) return false;
  }
  return true;
}

/** Structural equality of two JSON values (no allocation). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const aa = Array.isArray(a);
  if (aa !== Array.isArray(b)) return false;
  if (aa) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!jsonEqual(x[i], y[i])) return false;
    return true;
  }
  const x = a as Obj;
  const y = b as Obj;
  let n = 0;
  for (const k in x) {
    if (!Object.prototype.hasOwnProperty.call(y, k) || !jsonEqual(x[k], y[k])) return false;
    n++;
  }
  for (const _ in y) n--;
  return n === 0;
}
