/**
 * Lazy access to `gpt-tokenizer`'s encodings. The encodings are megabytes of data: they are `require`d inside
 * `getEncoder` on first use, never at module load, so importing the engine (and activating the extension) stays fast.
 */
import type { EncodingName } from '../models';
import { FastBpe, bpeCoreOf } from './bpe';

export interface Encoder {
  readonly name: EncodingName;
  /** Number of tokens of `text`, with special-token strings (`<|endoftext|>`…) counted as plain text. */
  count(text: string): number;
  /** True when long pieces are merged in O(n log n) (`FastBpe`); false on the library's quadratic fallback. */
  readonly linear?: boolean;
}

interface GptEncodingModule {
  countTokens(text: string, options?: { disallowedSpecial?: Set<string> }): number;
  readonly default?: unknown;
}

const cache = new Map<EncodingName, Encoder>();
let loads = 0;

/** How many encodings have been loaded by this process (for tests of the lazy loading). */
export function loadedEncodingCount(): number {
  return loads;
}

export function isEncodingLoaded(name: EncodingName): boolean {
  return cache.has(name);
}

export function getEncoder(name: EncodingName): Encoder {
  const hit = cache.get(name);
  if (hit) {
    return hit;
  }
  let mod: GptEncodingModule;
  // Literal module names so bundlers include them; the modules are only evaluated here, on first use.
  if (name === 'cl100k_base') {
    mod = require('gpt-tokenizer/encoding/cl100k_base') as GptEncodingModule;
  } else {
    mod = require('gpt-tokenizer/encoding/o200k_base') as GptEncodingModule;
  }
  loads++;
  // Text that looks like a special token is tokenized as ordinary text (gpt-tokenizer with an empty disallowed set).
  // The library's own merge is quadratic in a piece's length: long pieces are merged by `FastBpe` (same ids).
  const core = bpeCoreOf(mod.default);
  let enc: Encoder;
  if (core) {
    const fast = new FastBpe(core);
    enc = { name, count: (text: string) => (text.length === 0 ? 0 : fast.count(text)), linear: true };
  } else {
    const opts = { disallowedSpecial: new Set<string>() };
    enc = { name, count: (text: string) => (text.length === 0 ? 0 : mod.countTokens(text, opts)), linear: false };
  }
  cache.set(name, enc);
  return enc;
}
