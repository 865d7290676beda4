/**
 * The per-line keys of the cross-line data-quality rules (`quality/tracker.ts`): computed once per parsed line in
 * `analyzeLine`, in one walk over the example's messages and one pass over the characters of their text.
 *
 * - `prompt`: a hash of the conversation up to and including its last user message (roles and normalised contents,
 *   the system prompt included), `answer`: a hash of what follows it (the assistant's turns: contents and tool calls).
 *   Normalised: lower case, compared word by word and punctuation mark by punctuation mark with white space only
 *   separating them, each text (a content, a content part, a tool call's name or arguments) on its own; punctuation and
 *   digits are kept ("2+2" and "2-2" are different questions, "2 + 2" and "2+2" the same). Hashes are 52-bit (two
 *   32-bit lanes, each word hashed on both), exact in a double, so that two different prompts of a 400,000-line file
 *   share a key with a chance of about 2e-5. A message is digested once and its digest fed to each key it is in; the
 *   digests of the last system prompts seen are kept (a map lookup hashes a repeated system prompt natively: 9x
 *   faster on a file whose every line starts with the same 2,000-character prompt).
 * - `sig`: a MinHash signature of the example's words for near-duplicates: one-permutation hashing of word bigrams
 *   (shingles) into `SIG_BINS` bins, the minimum of each bin kept, empty bins filled from the next filled one in a
 *   fixed pseudo-random order of the bins (densification), and each bin reduced to its lowest 8 bits (b-bit MinHash:
 *   64 bytes a line). The system prompt is left out (a shared system prompt would make every example "similar"; TL-08 judges it). Linear in the
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
const SEED1 = 0x811c9dc5;
const SEED2 = 0x9e3779b9;

// The state of one `qualityKeys` call (it is synchronous; one per thread): no allocation per text or message.
/** The bigram minimums of the example's words, the previous word's hash (0: none yet) and the bigrams seen. */
const mins = new Uint32Array(SIG_BINS);
let prevWord = 0;
let shingles = 0;
/** The running digest of the message being read (two 32-bit lanes). */
let d1 = 0;
let d2 = 0;

/** Mixes one token (a word's two hashes, or a mark) into the message digest. */
function mix(a: number, b: number): void {
  d1 = Math.imul(d1 ^ a, FNV_PRIME);
  d2 = Math.imul(d2 ^ b, P2) ^ (d2 >>> 15);
}

/**
 * One pass over a text, into the message digest: its words (letters and digits, lower-cased, any non-ASCII character
 * other than a no-break space counting as a letter), each as one token hashed on two lanes, and each punctuation
 * character as a token of its own; white space only separates (so "2+2" and "2-2" differ, "2 + 2" and "2+2" do not).
 * With `words`, the words also go to the shingles. Each text of an example is read once, whichever keys it goes into
 * (a 2 MB message costs one pass: the editor re-reads a line on every keystroke in it).
 */
function digestText(s: string, words: boolean): void {
  // The state in locals for the loop (module variables are memory cells: a load and a store per use).
  let h1 = Math.imul(d1 ^ 0x1f, FNV_PRIME);
  let h2 = Math.imul(d2 ^ 0x1f, P2) ^ (d2 >>> 15);
  let prev = prevWord;
  let count = 0;
  let wa = 0;
  let wb = 0;
  const n = s.length;
  for (let i = 0; i <= n; i++) {
    // i === n: the end of the text ends a word (the next text is another message or field)
    let c = i < n ? s.charCodeAt(i) : 32;
    if (c >= 97 ? c <= 122 || (c >= 128 && c !== 0xa0) : c >= 65 ? c <= 90 && (c += 32) > 0 : c >= 48 && c <= 57) {
      wa = Math.imul(wa ^ c, FNV_PRIME) | 1;
      wb = Math.imul(wb + c, P2) ^ (wb >>> 13);
      continue;
    }
    if (wa !== 0) {
      h1 = Math.imul(h1 ^ wa, FNV_PRIME);
      h2 = Math.imul(h2 ^ wb, P2) ^ (h2 >>> 15);
      if (words) {
        if (prev !== 0) {
          // The bigram's hash, mixed (murmur3's finaliser) so that its low bits choose the bin.
          let x = Math.imul(prev, 0x27d4eb2d) ^ wa;
          x ^= x >>> 16;
          x = Math.imul(x, 0x85ebca6b);
          x ^= x >>> 13;
          x = Math.imul(x, 0xc2b2ae35);
          x ^= x >>> 16;
          const bin = x & (SIG_BINS - 1);
          const v = x >>> 6;
          if (v < mins[bin]!) mins[bin] = v;
          count++;
        }
        prev = wa;
      }
      wa = 0;
      wb = 0;
    }
    if (c === 32 || (c >= 9 && c <= 13) || c === 0xa0) continue;
    h1 = Math.imul(h1 ^ (c ^ 0x5bd1e995), FNV_PRIME);
    h2 = Math.imul(h2 ^ (c ^ 0x7feb352d), P2) ^ (h2 >>> 15);
  }
  d1 = h1;
  d2 = h2;
  prevWord = prev;
  shingles += count;
}

const ROLE_MARK: Record<string, number> = { system: 1, developer: 1, user: 2, assistant: 3, tool: 4, function: 5 };

/** Digests one message (role, contents, tool calls) into `d1`/`d2`; its words into the shingles when `words`. */
function digestMessage(m: Obj, words: boolean): void {
  d1 = SEED1;
  d2 = SEED2;
  const role = ROLE_MARK[typeof m.role === 'string' ? m.role : ''] ?? 6;
  mix(role, role);
  const c = m.content;
  if (typeof c === 'string') digestText(c, words);
  else if (Array.isArray(c)) {
    for (const part of c) {
      if (!isObj(part)) continue;
      if (typeof part.text === 'string') digestText(part.text, words);
      else {
        // An image or audio part: its URL or data stands for it in the hash (not in the words).
        const url = isObj(part.image_url) ? part.image_url.url : isObj(part.input_audio) ? part.input_audio.data : undefined;
        if (typeof url === 'string') {
          mix(7, 7);
          digestText(url.length > 256 ? url.slice(0, 128) + url.slice(-128) + String(url.length) : url, false);
        }
      }
    }
  }
  const calls = m.tool_calls;
  if (Array.isArray(calls)) {
    for (const call of calls) {
      const f = isObj(call) ? call.function : undefined;
      if (!isObj(f)) continue;
      mix(8, 8);
      if (typeof f.name === 'string') digestText(f.name, words);
      if (typeof f.arguments === 'string') digestText(f.arguments, words);
    }
  }
  const fc = m.function_call;
  if (isObj(fc)) {
    mix(8, 8);
    if (typeof fc.name === 'string') digestText(fc.name, words);
    if (typeof fc.arguments === 'string') digestText(fc.arguments, words);
  }
}

/**
 * The digests of the system prompts seen last (most files repeat one or a few on every line): a map lookup hashes the
 * string natively, far faster than reading it here. Texts over 16 K characters are not kept (V8 does not hash past
 * that length, so they would all share one bucket); the map is emptied when it holds `SYSTEM_CACHE` prompts.
 */
const systemCache = new Map<string, { readonly d1: number; readonly d2: number }>();
const SYSTEM_CACHE = 256;

/** `digestMessage` of a system message (no words), from the cache when its content is a string seen before. */
function systemDigest(m: Obj): void {
  const c = m.content;
  if (typeof c !== 'string' || c.length > 16384 || m.tool_calls !== undefined || m.function_call !== undefined) {
    digestMessage(m, false);
    return;
  }
  const hit = systemCache.get(c);
  if (hit !== undefined) {
    d1 = hit.d1;
    d2 = hit.d2;
    return;
  }
  digestMessage(m, false);
  if (systemCache.size >= SYSTEM_CACHE) systemCache.clear();
  systemCache.set(c, { d1, d2 });
}

function isSystem(m: Obj): boolean {
  return m.role === 'system' || m.role === 'developer';
}

/**
 * The order in which empty bins borrow: a fixed pseudo-random permutation of the bins; an empty bin takes the value
 * of the next filled bin after it in this order (cyclically). Plain rotation (the next filled bin by number) made the
 * empty bins of a band, which are neighbours by number, copy one bin, so that two sparse examples sharing one bigram
 * shared whole bands (on a 400,000-example file of short texts: band buckets of hundreds of unrelated examples, 4.8
 * million signature comparisons). In a random order a band's bins are far apart and mostly borrow from different
 * bins; the cost stays two passes over the bins (a probe order per bin, "optimal densification", cost a quarter of
 * the keys' time on short texts).
 */
const ORDER = ((): Uint8Array => {
  const out = new Uint8Array(SIG_BINS);
  for (let j = 0; j < SIG_BINS; j++) out[j] = j;
  let x = 0x2545f491;
  for (let j = SIG_BINS - 1; j > 0; j--) {
    // xorshift32: a fixed sequence (the signatures of two runs, or two threads, must agree)
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const k = (x >>> 0) % (j + 1);
    const t = out[j]!;
    out[j] = out[k]!;
    out[k] = t;
  }
  return out;
})();

/** The signature of the shingles collected (undefined below `MIN_SHINGLES`). */
function signature(): Uint8Array | undefined {
  if (shingles < MIN_SHINGLES) return undefined;
  const out = new Uint8Array(SIG_BINS);
  // The first filled bin in ORDER: what the empty bins after the last filled one borrow (one exists: at least
  // MIN_SHINGLES bigrams).
  let next = 0;
  for (let k = 0; k < SIG_BINS; k++) {
    const v = mins[ORDER[k]!]!;
    if (v !== 0xffffffff) {
      next = v;
      break;
    }
  }
  for (let k = SIG_BINS - 1; k >= 0; k--) {
    const bin = ORDER[k]!;
    const v = mins[bin]!;
    if (v !== 0xffffffff) next = v;
    out[bin] = next & 0xff;
  }
  return out;
}

/** The 52-bit key of two 32-bit lanes. */
function key52(h1: number, h2: number): number {
  return (h1 >>> 0) * 0x100000 + ((h2 >>> 0) & 0xfffff);
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
  mins.fill(0xffffffff);
  prevWord = 0;
  shingles = 0;
  // Three keys from the messages' digests: the prompt (every message up to the last user message, the system prompt
  // included), the whole conversation (system prompt left out) and the answer (the messages after the prompt).
  let p1 = SEED1;
  let p2 = SEED2;
  let w1 = SEED1;
  let w2 = SEED2;
  let a1 = SEED1;
  let a2 = SEED2;
  const split = answer === undefined ? lastUser + 1 : prompt.length;
  for (let i = 0; i < split; i++) {
    const m = prompt[i];
    if (!isObj(m)) continue;
    const sys = isSystem(m);
    // The system prompt is in the prompt key, not in the words; a file repeats a few of them on every line.
    if (sys) systemDigest(m);
    else digestMessage(m, true);
    p1 = Math.imul(p1 ^ d1, FNV_PRIME);
    p2 = Math.imul(p2 ^ d2, P2) ^ (p2 >>> 15);
    if (!sys) {
      w1 = Math.imul(w1 ^ d1, FNV_PRIME);
      w2 = Math.imul(w2 ^ d2, P2) ^ (w2 >>> 15);
    }
  }
  const rest = answer ?? prompt;
  const from = answer === undefined ? split : 0;
  let answered = false;
  for (let i = from; i < rest.length; i++) {
    const m = rest[i];
    if (!isObj(m)) continue;
    if (m.role === 'assistant') answered = true;
    digestMessage(m, true);
    a1 = Math.imul(a1 ^ d1, FNV_PRIME);
    a2 = Math.imul(a2 ^ d2, P2) ^ (a2 >>> 15);
    w1 = Math.imul(w1 ^ d1, FNV_PRIME);
    w2 = Math.imul(w2 ^ d2, P2) ^ (w2 >>> 15);
  }
  const sig = signature();
  return {
    prompt: lastUser >= 0 && answered ? key52(p1, p2) : NaN,
    answer: key52(a1, a2),
    answerList,
    answerAt: from,
    whole: key52(w1, w2),
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

/**
 * Signatures read four bins at a time: a 32-bit view of `s` (undefined when `s` does not start on a 4-byte boundary,
 * where `sigSimilarity` is used instead).
 */
export function sigWords(s: Uint8Array): Int32Array | undefined {
  return (s.byteOffset & 3) === 0 ? new Int32Array(s.buffer, s.byteOffset, s.byteLength >>> 2) : undefined;
}

const WORDS_PER_SIG = SIG_BINS / 4;

/**
 * `sigSimilarity` on 32-bit views (`sigWords`): the equal bins of four at once, counted as the zero bytes of their
 * XOR (exact, without branches). Four times fewer steps: the comparisons are most of the near-duplicate rule's time
 * when many examples share bands (one user turn with 100,000 answers: 1.6 s of 2.4).
 */
export function sigSimilarityWords(a: Int32Array, ai: number, b: Int32Array, bi: number): number {
  let same = 0;
  const ao = ai * WORDS_PER_SIG;
  const bo = bi * WORDS_PER_SIG;
  for (let i = 0; i < WORDS_PER_SIG; i++) {
    const x = a[ao + i]! ^ b[bo + i]!;
    // High bit of each byte: set where the byte's low 7 bits are not all 0, then where the byte is 0.
    const y = ~((((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f) >>> 0);
    same += Math.imul(y >>> 7, 0x01010101) >>> 24;
  }
  const f = same / SIG_BINS;
  return Math.max(0, (f - 1 / 256) / (1 - 1 / 256));
}
