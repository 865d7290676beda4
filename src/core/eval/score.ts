/**
 * Scores that need no extra service: exact match, normalised match, token-overlap F1 (SQuAD-style), and, when the
 * reference is JSON, whether the reply is valid JSON and how many of the reference's top-level keys it has with equal
 * values. Pure functions.
 */

export interface ExampleScores {
  /** The reply equals the reference after trimming the ends. 0 or 1. */
  readonly exact: number;
  /** Equal after normalising (lower case, punctuation and articles out, whitespace collapsed). 0 or 1. */
  readonly normalized: number;
  /** Token-overlap F1 of the normalised word bags, in [0, 1]. */
  readonly f1: number;
  /** Only when the reference is a JSON object or array: the reply parses as JSON (0 or 1). */
  readonly jsonValid?: number;
  /**
   * Only when the reference is a JSON object: the share of its top-level keys the reply (an object) has with a deeply
   * equal value, in [0, 1]. A JSON array reference: 1 when deeply equal, else 0.
   */
  readonly jsonKeys?: number;
}

export type ScoreName = keyof ExampleScores;
export const SCORE_NAMES: readonly ScoreName[] = ['exact', 'normalized', 'f1', 'jsonValid', 'jsonKeys'];

const ARTICLES = /\b(a|an|the)\b/g;

/** Lower case, Unicode-normalised (NFKC), punctuation and English articles removed, whitespace collapsed. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(ARTICLES, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The words of the normalised text. */
export function normalizedTokens(text: string): string[] {
  const n = normalizeText(text);
  return n === '' ? [] : n.split(' ');
}

export function exactMatch(reply: string, reference: string): number {
  return reply.trim() === reference.trim() ? 1 : 0;
}

export function normalizedMatch(reply: string, reference: string): number {
  return normalizeText(reply) === normalizeText(reference) ? 1 : 0;
}

/** Token-overlap F1 over word multisets. Both empty: 1; one empty: 0. */
export function tokenF1(reply: string, reference: string): number {
  const a = normalizedTokens(reply);
  const b = normalizedTokens(reference);
  if (a.length === 0 && b.length === 0) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const t of b) counts.set(t, (counts.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of a) {
    const c = counts.get(t) ?? 0;
    if (c > 0) {
      common++;
      counts.set(t, c - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / a.length;
  const recall = common / b.length;
  return (2 * precision * recall) / (precision + recall);
}

/** A fenced ```json block around the whole text is accepted (models often wrap JSON that way). */
function stripFence(text: string): string {
  const m = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/i.exec(text);
  return m ? m[1]! : text;
}

/** Parses `text` as a JSON object or array; undefined for anything else (a bare string or number is not JSON data here). */
export function parseJsonData(text: string): unknown {
  const t = stripFence(text).trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return typeof v === 'object' && v !== null ? v : undefined;
  } catch {
    return undefined;
  }
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const rb = b as Record<string, unknown>;
  const ra = a as Record<string, unknown>;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && deepEqual(ra[k], rb[k]));
}

/** JSON scores, or undefined when the reference is not a JSON object or array. */
export function jsonScores(reply: string, reference: string): { jsonValid: number; jsonKeys: number } | undefined {
  const ref = parseJsonData(reference) as object | undefined;
  if (ref === undefined || ref === null) return undefined;
  const got = parseJsonData(reply);
  if (got === undefined) return { jsonValid: 0, jsonKeys: 0 };
  if (Array.isArray(ref)) return { jsonValid: 1, jsonKeys: deepEqual(ref, got) ? 1 : 0 };
  const keys = Object.keys(ref);
  if (keys.length === 0) return { jsonValid: 1, jsonKeys: deepEqual(ref, got) ? 1 : 0 };
  if (Array.isArray(got)) return { jsonValid: 1, jsonKeys: 0 };
  const r = ref as Record<string, unknown>;
  const g = got as Record<string, unknown>;
  const matched = keys.filter((k) => Object.prototype.hasOwnProperty.call(g, k) && deepEqual(r[k], g[k])).length;
  return { jsonValid: 1, jsonKeys: matched / keys.length };
}

/** Every score of one reply against its reference. */
export function scoreReply(reply: string, reference: string): ExampleScores {
  const json = jsonScores(reply, reference);
  return {
    exact: exactMatch(reply, reference),
    normalized: normalizedMatch(reply, reference),
    f1: tokenF1(reply, reference),
    ...(json ?? {}),
  };
}
