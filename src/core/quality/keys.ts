/**
 * The per-line keys of the cross-line data-quality rules (`quality/tracker.ts`): computed once per parsed line in
 * `analyzeLine`, in one walk over the example's messages and one pass over the characters of their text.
 *
 * - `prompt`: a hash of the conversation up to and including its last user message (roles and normalised contents,
 *   the system prompt included), `answer`: a hash of what follows it (the assistant's turns: contents and tool calls).
 *   Normalised: lower case, runs of white space as one space, trimmed, each text (a content, a content part, a tool
 *   call's name or arguments) on its own; punctuation and digits are kept ("2+2" and "2-2" are different questions). Hashes are 52-bit (two 32-bit FNV-1a variants), exact in a double, so that two
 *   different prompts of a 400,000-line file share a key with a chance of about 2e-5.
 * - `sig`: a MinHash signature of the example's words for near-duplicates: one-permutation hashing of word bigrams
 *   (shingles) into `SIG_BINS` bins, the minimum of each bin kept, empty bins filled from the next filled one
 *   (rotation densification), and each bin reduced to its lowest 8 bits (b-bit MinHash: 64 bytes a line). The system
 *   prompt is left out (a shared system prompt would make every example "similar"; TL-08 judges it). Linear in the
 *   text: one hash and one comparison per word, where classic MinHash needs one per word and hash function.
 */

/** Bins of a signature (bytes of `sig`). Four bins make one LSH band (`BAND_ROWS`): 16 bands. */
export const SIG_BINS = 64;
export const BAND_ROWS = 4;
/** Fewer word bigrams than this: no signature (short texts' similarity estimates are noise). */
export const MIN_SHINGLES = 5;

/** The keys of one example; undefined for lines that are not chat or preference examples. */
export interface QualityKeys {
  /** Hash of the conversation up to its last user message; NaN when there is none or no answer follows it. */
  readonly prompt: number;
  /** Hash of the answer (the turns after the last user message). */
  readonly answer: number;
  /** Where the answer starts: 0 = `messages`, 1 = `preferred_output`, and the message's index there. */
  readonly answerList: 0 | 1;
  readonly answerAt: number;
  /** Hash of the whole conversation (system prompt left out), for train/validation overlap. */
  readonly whole: number;
  /** The MinHash signature (`SIG_BINS` bytes), when the example has `MIN_SHINGLES` word bigrams or more. */
  readonly sig?: Uint8Array;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const FNV_PRIME = 0x01000193;
const P2 = 0x85ebca6b;

/** A text's digest: two 32-bit hashes of its normalised characters (`digestText`). */
interface Digest {
  readonly h1: number;
  readonly h2: number;
}

/**
 * The word-bigram (shingle) minimums of one example's text: its words arrive in order, across texts and messages (the
 * last word of one message and the first of the next make a bigram too).
 */
class Shingles {
  /** The previous word's hash (0: none yet), shingles seen. */
  private prev = 0;
  count = 0;
  readonly mins = new Uint32Array(SIG_BINS).fill(0xffffffff);

  word(w: number): void {
    if (this.prev !== 0) {
      // The bigram's hash, mixed (murmur3's finaliser) so that its low bits choose the bin.
      let x = Math.imul(this.prev, 0x27d4eb2d) ^ w;
      x ^= x >>> 16;
      x = Math.imul(x, 0x85ebca6b);
      x ^= x >>> 13;
      x = Math.imul(x, 0xc2b2ae35);
      x ^= x >>> 16;
      const bin = x & (SIG_BINS - 1);
      const v = x >>> 6;
      if (v < this.mins[bin]!) this.mins[bin] = v;
      this.count++;
    }
    this.prev = w;
  }

  signature(): Uint8Array | undefined {
    if (this.count < MIN_SHINGLES) return undefined;
    const mins = this.mins;
    const out = new Uint8Array(SIG_BINS);
    for (let i = 0; i < SIG_BINS; i++) {
      let j = i;
      let step = 0;
      while (mins[j] === 0xffffffff) {
        j = (j + 1) & (SIG_BINS - 1);
        step++;
      }
      // An empty bin borrows the next filled bin's minimum, offset by the distance (so that two borrowed bins differ).
      const v = step === 0 ? mins[j]! : Math.imul(mins[j]! + step, 0x9e3779b1) >>> 24;
      out[i] = v & 0xff;
    }
    return out;
  }
}

/**
 * One pass over a text: the hashes of its normalised form (lower case, runs of white space as one space, trimmed)
 * and, with `words`, its words in order (letters and digits, any non-ASCII character counting as a letter;
 * punctuation and white space end a word). Each text of an example is read once, whichever keys it goes into (a 2 MB
 * message costs one pass, not one per key: the editor re-reads a line on every keystroke in it).
 */
function digestText(s: string, words: Shingles | undefined): Digest {
  let h1 = 0x811c9dc5;
  let h2 = 0x9e3779b9;
  let space = false;
  let started = false;
  let word = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13) || c === 0xa0) {
      if (started) space = true;
      if (word !== 0) {
        words?.word(word);
        word = 0;
      }
      continue;
    }
    if (c >= 65 && c <= 90) c += 32;
    if (space) {
      h1 = Math.imul(h1 ^ 32, FNV_PRIME);
      h2 = Math.imul(h2 ^ 32, P2) ^ (h2 >>> 15);
      space = false;
    }
    started = true;
    h1 = Math.imul(h1 ^ c, FNV_PRIME);
    h2 = Math.imul(h2 ^ c, P2) ^ (h2 >>> 15);
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c >= 128) {
      word = Math.imul(word ^ c, FNV_PRIME) | 1;
    } else if (word !== 0) {
      words?.word(word);
      word = 0;
    }
  }
  // A text ends a word (the next text is another message or field).
  if (word !== 0) words?.word(word);
  return { h1, h2 };
}

/**
 * Two running 32-bit hashes (a 52-bit key) over marks (roles, field kinds) and the digests of texts. The digests are
 * shared by the keys of one example (`digests`): a text is read once, by the first key that takes it.
 */
class Hasher {
  h1 = 0x811c9dc5;
  h2 = 0x9e3779b9;

  constructor(private readonly digests: Map<string, Digest>) {}

  /** Starts a new part of the key (a marker between fields). */
  mark(code: number): void {
    this.h1 = Math.imul(this.h1 ^ code, FNV_PRIME);
    this.h2 = Math.imul(this.h2 ^ code, P2) ^ (this.h2 >>> 15);
  }

  /**
   * Feeds a text: its digest into the hash and, with `words`, its words into the shingles. A text whose words are
   * wanted is always read (the same text twice in an example is two texts' words); others reuse a digest.
   */
  text(s: string, words?: Shingles): void {
    let d = words ? undefined : this.digests.get(s);
    if (d === undefined) {
      d = digestText(s, words);
      this.digests.set(s, d);
    }
    this.h1 = Math.imul(Math.imul(this.h1 ^ 0x1f, FNV_PRIME) ^ d.h1, FNV_PRIME);
    this.h2 = Math.imul(this.h2 ^ d.h2, P2) ^ (this.h2 >>> 15);
  }

  /** The 52-bit key so far. */
  key(): number {
    return (this.h1 >>> 0) * 0x100000 + ((this.h2 >>> 0) & 0xfffff);
  }
}

const ROLE_MARK: Record<string, number> = { system: 1, developer: 1, user: 2, assistant: 3, tool: 4, function: 5 };

/** Feeds one message (role, content, tool calls) to the hasher; its words to `words` when given. */
function feedMessage(h: Hasher, m: Obj, words?: Shingles): void {
  h.mark(ROLE_MARK[typeof m.role === 'string' ? m.role : ''] ?? 6);
  const c = m.content;
  if (typeof c === 'string') h.text(c, words);
  else if (Array.isArray(c)) {
    for (const part of c) {
      if (!isObj(part)) continue;
      if (typeof part.text === 'string') h.text(part.text, words);
      else {
        // An image or audio part: its URL or data stands for it in the hash (not in the words).
        const url = isObj(part.image_url) ? part.image_url.url : isObj(part.input_audio) ? part.input_audio.data : undefined;
        if (typeof url === 'string') {
          h.mark(7);
          h.text(url.length > 256 ? url.slice(0, 128) + url.slice(-128) + String(url.length) : url);
        }
      }
    }
  }
  const calls = m.tool_calls;
  if (Array.isArray(calls)) {
    for (const call of calls) {
      const f = isObj(call) ? call.function : undefined;
      if (!isObj(f)) continue;
      h.mark(8);
      if (typeof f.name === 'string') h.text(f.name, words);
      if (typeof f.arguments === 'string') h.text(f.arguments, words);
    }
  }
  const fc = m.function_call;
  if (isObj(fc)) {
    h.mark(8);
    if (typeof fc.name === 'string') h.text(fc.name, words);
    if (typeof fc.arguments === 'string') h.text(fc.arguments, words);
  }
}

function isSystem(m: Obj): boolean {
  return m.role === 'system' || m.role === 'developer';
}

/** The keys of a parsed line (`value`: the line's JSON value), or undefined for lines that are not examples. */
export function qualityKeys(value: unknown): QualityKeys | undefined {
  if (!isObj(value)) return undefined;
  let prompt: unknown[];
  let answer: unknown[] | undefined;
  let answerList: 0 | 1 = 0;
  if (Array.isArray(value.messages)) {
    prompt = value.messages;
  } else if (isObj(value.input) && Array.isArray(value.input.messages) && Array.isArray(value.preferred_output)) {
    prompt = value.input.messages;
    answer = value.preferred_output;
    answerList = 1;
  } else return undefined;
  let lastUser = -1;
  for (let i = 0; i < prompt.length; i++) {
    const m = prompt[i];
    if (isObj(m) && m.role === 'user') lastUser = i;
  }
  const digests = new Map<string, Digest>();
  const words = new Shingles();
  const h = new Hasher(digests);
  // The prompt part: every message up to the last user message (the system prompt in the hash, not in the words).
  const split = answer === undefined ? lastUser + 1 : prompt.length;
  for (let i = 0; i < split; i++) {
    const m = prompt[i];
    if (isObj(m)) feedMessage(h, m, isSystem(m) ? undefined : words);
  }
  const promptKey = h.key();
  // The whole-conversation key starts again without the system prompt.
  const w = new Hasher(digests);
  for (let i = 0; i < split; i++) {
    const m = prompt[i];
    if (isObj(m) && !isSystem(m)) feedMessage(w, m);
  }
  const a = new Hasher(digests);
  const rest = answer ?? prompt;
  const from = answer === undefined ? split : 0;
  let answered = false;
  for (let i = from; i < rest.length; i++) {
    const m = rest[i];
    if (!isObj(m)) continue;
    if (m.role === 'assistant') answered = true;
    // First with its words (which reads the texts), then the other keys reuse the digests.
    feedMessage(h, m, words);
    feedMessage(a, m);
    feedMessage(w, m);
  }
  const sig = words.signature();
  return {
    prompt: lastUser >= 0 && answered ? promptKey : NaN,
    answer: a.key(),
    answerList,
    answerAt: from,
    whole: w.key(),
    ...(sig ? { sig } : {}),
  };
}

/** Estimated Jaccard similarity of two signatures' word bigrams (b-bit MinHash, corrected for chance 8-bit matches). */
export function sigSimilarity(a: Uint8Array, ai: number, b: Uint8Array, bi: number): number {
  let same = 0;
  const ao = ai * SIG_BINS;
  const bo = bi * SIG_BINS;
  for (let i = 0; i < SIG_BINS; i++) if (a[ao + i] === b[bo + i]) same++;
  const f = same / SIG_BINS;
  return Math.max(0, (f - 1 / 256) / (1 - 1 / 256));
}
