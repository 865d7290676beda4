/**
 * The system prompt across a file (TL-08 `inconsistent-system-prompt`, TL-09 `no-system-prompt`).
 *
 * Replaces the per-line warning of SFT-09 for a missing system prompt: a file that deliberately has none gets one
 * file-level information, not a warning on every line. A warning goes only where the file is inconsistent:
 * - some examples have a system prompt and others do not: each example of the smaller side is warned (ties: those
 *   without one), naming an example of the other side;
 * - most examples share one system prompt and a few have a near-identical variant (a typo, a changed word): each
 *   example with the variant is warned, naming an example with the common prompt.
 *
 * Per line the engine keeps one number (`systemPromptKey`: a hash of the prompt, `NO_SYSTEM`, or undefined for
 * non-chat lines). The tracker keeps three integers per chat line and, for at most `MAX_GROUPS` distinct prompts,
 * the text of the first one; beyond that many distinct prompts the prompts are taken as varied by design and only
 * the presence rule applies. Comparing a variant with the common prompt is linear in their lengths (character
 * bigrams), at most `MAX_GROUPS` times per file.
 */
import * as zlib from 'node:zlib';
import type { Problem } from '../types';
import { ruleByCode } from './catalog';

/** `systemPromptKey` of a chat example without a system (or developer) message. */
export const NO_SYSTEM = -1;
/** Distinct system prompts compared for near-identical variants. */
export const MAX_GROUPS = 64;
/** Bigram similarity from which two different prompts count as near-identical variants of each other. */
export const NEAR_IDENTICAL = 0.85;
/** Characters of a prompt compared. */
const COMPARE_CHARS = 4000;

const crc32: ((data: string) => number) | undefined = (zlib as { crc32?: (data: string) => number }).crc32;

function hashString(s: string): number {
  // Long prompts: zlib's native CRC-32; short ones: FNV-1a in JS (no UTF-8 copy of the string).
  if (crc32 !== undefined && s.length > 256) return (crc32(s) ^ s.length) >>> 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  // Never NO_SYSTEM (-1): the result is unsigned.
  return h >>> 0;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The messages of an example: `messages`, or a preference example's `input.messages`. */
function messagesOf(v: unknown): unknown[] | undefined {
  if (!isObj(v)) return undefined;
  if (Array.isArray(v.messages)) return v.messages;
  if (isObj(v.input) && Array.isArray(v.input.messages)) return v.input.messages;
  return undefined;
}

/** The system prompt text of an example (string content, or its text parts joined), null: none; undefined: not chat. */
export function systemPromptText(v: unknown): string | null | undefined {
  const messages = messagesOf(v);
  if (messages === undefined) return undefined;
  for (const m of messages) {
    if (!isObj(m)) continue;
    if (m.role !== 'system' && m.role !== 'developer') continue;
    const c = m.content;
    if (typeof c === 'string') return c;
    if (Array.isArray(c)) {
      let s = '';
      for (const part of c) if (isObj(part) && typeof part.text === 'string') s += part.text;
      return s;
    }
    return '';
  }
  return null;
}

/**
 * The last prompts hashed and their hashes: a file repeats a few prompts on every line, and comparing a prompt with
 * an equal string (native) costs a fraction of hashing it again in JS (the hash was 5% of a validation's time).
 */
const RECENT = 8;
const recentTexts: string[] = new Array<string>(RECENT).fill('');
const recentHashes: number[] = new Array<number>(RECENT).fill(hashString(''));
let recentNext = 0;

function cachedHash(t: string): number {
  for (let i = 0; i < RECENT; i++) if (recentTexts[i] === t) return recentHashes[i]!;
  const h = hashString(t);
  recentTexts[recentNext] = t;
  recentHashes[recentNext] = h;
  recentNext = (recentNext + 1) % RECENT;
  return h;
}

/** The per-line key: a hash of the system prompt, `NO_SYSTEM`, or undefined for a line that is not a chat example. */
export function systemPromptKey(v: unknown): number | undefined {
  const t = systemPromptText(v);
  if (t === undefined) return undefined;
  if (t === null) return NO_SYSTEM;
  return cachedHash(t);
}

/** Dice coefficient of the character bigrams of two strings (1 = same bigrams), over their first `COMPARE_CHARS`. */
export function bigramSimilarity(a: string, b: string): number {
  const x = a.slice(0, COMPARE_CHARS);
  const y = b.slice(0, COMPARE_CHARS);
  if (x.length < 2 || y.length < 2) return x === y ? 1 : 0;
  const counts = new Map<number, number>();
  for (let i = 0; i + 1 < x.length; i++) {
    const k = (x.charCodeAt(i) << 16) | x.charCodeAt(i + 1);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let common = 0;
  for (let i = 0; i + 1 < y.length; i++) {
    const k = (y.charCodeAt(i) << 16) | y.charCodeAt(i + 1);
    const n = counts.get(k);
    if (n !== undefined && n > 0) {
      common++;
      counts.set(k, n - 1);
    }
  }
  return (2 * common) / (x.length - 1 + (y.length - 1));
}

/** Plain data of a tracker (posted between threads). Lines are stored flat as [line, example, length] triples. */
export interface SystemPromptData {
  readonly withSystem: Int32Array;
  readonly without: Int32Array;
  /** key → [text of its first example, its triples]; empty after overflow. */
  readonly groups: Array<[number, string, Int32Array]>;
  readonly overflow: boolean;
}

/**
 * A growable list of int32 (the tracker's triples). Typed storage: 4 bytes a number off the JS heap, where a `number[]`
 * of every chat line's triple (twice: all prompts and per prompt, and again when a worker's part is merged) took 8 bytes
 * a number plus the garbage of each doubling in old space (a 400,000-line file: +80 MB of peak RSS).
 */
class IntList {
  private a: Int32Array = new Int32Array(48);
  length = 0;

  push3(x: number, y: number, z: number): void {
    if (this.length + 3 > this.a.length) this.grow(this.length + 3);
    const a = this.a;
    a[this.length] = x;
    a[this.length + 1] = y;
    a[this.length + 2] = z;
    this.length += 3;
  }

  append(from: Int32Array): void {
    if (this.length === 0 && from.length > this.a.length) {
      // Adopt the numbers (merging a part into an empty tracker copies nothing); writes never go past `from`'s
      // length: the next append grows into a new array first.
      this.a = from;
      this.length = from.length;
      return;
    }
    if (this.length + from.length > this.a.length) this.grow(this.length + from.length);
    this.a.set(from, this.length);
    this.length += from.length;
  }

  at(i: number): number {
    return this.a[i]!;
  }

  /** The numbers (a view, no copy). */
  view(): Int32Array {
    return this.a.subarray(0, this.length);
  }

  private grow(need: number): void {
    const next = new Int32Array(Math.max(need, this.a.length * 2));
    next.set(this.a.subarray(0, this.length));
    this.a = next;
  }
}

/** TL-09: the one file-level information of a file where no example has a system prompt. */
export function noSystemPromptProblem(examples: number): Problem {
  const r = ruleByCode('no-system-prompt');
  return {
    code: 'no-system-prompt',
    ruleId: r?.id ?? 'TL-09',
    severity: r?.severity ?? 'info',
    message: `No example has a system prompt (${examples.toLocaleString('en-US')} example${examples === 1 ? '' : 's'}). That is fine if deliberate: the model learns to answer without one, so call it without a system message too.`,
    data: { examples },
  };
}

/** TL-08 on an example whose prompt is a near-identical variant of the common one (first used on line `other`). */
export function variantProblem(line: number, example: number, length: number, sim: number, mainCount: number, other: number, mainText: string): Problem {
  const r = ruleByCode('inconsistent-system-prompt');
  return {
    code: 'inconsistent-system-prompt',
    ruleId: r?.id ?? 'TL-08',
    severity: r?.severity ?? 'warning',
    message: `Example ${example}'s system prompt is a near-identical variant (${Math.round(sim * 100)}% similar) of the one ${mainCount.toLocaleString('en-US')} examples share (line ${other + 1}). If the difference is not deliberate, use the common prompt.`,
    line,
    column: 0,
    endColumn: length,
    relatedLine: other,
    data: { variant: true, similarity: Math.round(sim * 1000) / 1000, suggestion: mainText },
  };
}

export class SystemPromptTracker {
  private withSystem = new IntList();
  private without = new IntList();
  private groups = new Map<number, { text: string; lines: IntList }>();
  private overflow = false;

  /**
   * Adds a chat example. `text` gives the prompt's text when the key is new (called only then: `needsText`), so that
   * a caller that keeps no texts re-reads at most `MAX_GROUPS` prompts.
   */
  add(line: number, example: number, length: number, key: number, text: () => string): void {
    if (key === NO_SYSTEM) {
      this.without.push3(line, example, length);
      return;
    }
    this.withSystem.push3(line, example, length);
    if (this.overflow) return;
    const g = this.groups.get(key);
    if (g) g.lines.push3(line, example, length);
    else if (this.groups.size >= MAX_GROUPS) {
      this.overflow = true;
      this.groups.clear();
    } else {
      const lines = new IntList();
      lines.push3(line, example, length);
      this.groups.set(key, { text: text(), lines });
    }
  }

  /** Appends another tracker's data (the later part of a file). */
  merge(d: SystemPromptData): void {
    this.without.append(d.without);
    if (d.overflow) {
      this.overflow = true;
      this.groups.clear();
    }
    this.withSystem.append(d.withSystem);
    if (this.overflow) return;
    for (const [key, text, lines] of d.groups) {
      const g = this.groups.get(key);
      if (g) g.lines.append(lines);
      else if (this.groups.size >= MAX_GROUPS) {
        this.overflow = true;
        this.groups.clear();
        return;
      } else {
        const list = new IntList();
        list.append(lines);
        this.groups.set(key, { text, lines: list });
      }
    }
  }

  data(): SystemPromptData {
    return {
      withSystem: this.withSystem.view(),
      without: this.without.view(),
      groups: [...this.groups].map(([k, g]) => [k, g.text, g.lines.view()]),
      overflow: this.overflow,
    };
  }

  /** The problems: line warnings where the file is inconsistent, or one file-level information. */
  problems(): Problem[] {
    const withSystem = this.withSystem.view();
    const without = this.without.view();
    const nWith = withSystem.length / 3;
    const nWithout = without.length / 3;
    const out: Problem[] = [];
    if (nWith === 0 && nWithout === 0) return out;
    if (nWith === 0) {
      out.push(noSystemPromptProblem(nWithout));
      return out;
    }
    const r = ruleByCode('inconsistent-system-prompt');
    const warn = (line: number, _example: number, length: number, message: string, data: Record<string, unknown>, related: number): void => {
      out.push({
        code: 'inconsistent-system-prompt',
        ruleId: r?.id ?? 'TL-08',
        severity: r?.severity ?? 'warning',
        message,
        line,
        column: 0,
        endColumn: length,
        relatedLine: related,
        data,
      });
    };
    const total = nWith + nWithout;
    // Every example with a prompt has the same one: it is the fix for those without (`data.suggestion`).
    let common: string | undefined;
    if (!this.overflow && this.groups.size === 1) for (const g of this.groups.values()) common = g.text;
    if (nWithout > 0) {
      if (nWithout <= nWith) {
        const other = withSystem[0]!;
        for (let i = 0; i < without.length; i += 3) {
          warn(without[i]!, without[i + 1]!, without[i + 2]!,
            `Example ${without[i + 1]!} has no system prompt, while ${nWith.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} examples have one (e.g. line ${other + 1}). Give every example the system prompt it will be called with, or none to all.`,
            { missing: true, withSystem: nWith, without: nWithout, ...(common !== undefined ? { suggestion: common } : {}) }, other);
        }
      } else {
        const other = without[0]!;
        for (let i = 0; i < withSystem.length; i += 3) {
          warn(withSystem[i]!, withSystem[i + 1]!, withSystem[i + 2]!,
            `Example ${withSystem[i + 1]!} has a system prompt, while ${nWithout.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} examples have none (e.g. line ${other + 1}). Give every example the system prompt it will be called with, or none to all.`,
            { missing: false, withSystem: nWith, without: nWithout }, other);
        }
      }
    }
    if (!this.overflow && this.groups.size > 1) {
      let main: { text: string; lines: IntList } | undefined;
      for (const g of this.groups.values()) if (!main || g.lines.length > main.lines.length) main = g;
      const mainCount = main!.lines.length / 3;
      for (const g of this.groups.values()) {
        if (g === main || g.lines.length >= main!.lines.length) continue;
        const sim = bigramSimilarity(main!.text, g.text);
        if (sim < NEAR_IDENTICAL) continue;
        const other = main!.lines.at(0);
        const lines = g.lines.view();
        for (let i = 0; i < lines.length; i += 3) out.push(variantProblem(lines[i]!, lines[i + 1]!, lines[i + 2]!, sim, mainCount, other, main!.text));
      }
    }
    return out;
  }
}
