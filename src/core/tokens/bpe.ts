/**
 * Byte-pair encoding that costs O(n log n) in the length of a piece, with the same token ids as `gpt-tokenizer`.
 *
 * `gpt-tokenizer` (like tiktoken's `_byte_pair_merge`) merges a pre-tokenized piece by scanning all of its pairs for
 * the lowest rank, merging it, and scanning again: O(n²) for a piece of n bytes. Ordinary text is cut by the
 * pre-tokenizer regex into pieces of a few bytes, but a run of one character, a long word, a long run of punctuation
 * or of spaces is one piece (100,000 identical characters took 8.5 s, 2,000,000 never finished).
 *
 * Here the pieces and their ranks come from `gpt-tokenizer` itself (its regex, its vocabulary lookups), and pieces
 * of up to `LONG_PIECE` UTF-16 units still go through its own merge: the ids are the library's by construction. Not
 * through its merge cache, though: that LRU `Map` (100,000 pieces, the oldest deleted on each miss) goes quadratic
 * once it is full of distinct pieces (a 2 MB base64 blob: 11 s, 4.6 times the 1 MB time), because each eviction
 * walks past the holes that earlier deletions left at the front of the map. `FastBpe` keeps its own cache of short
 * pieces, emptied when full (no eviction order to maintain). A longer piece is merged with the same rule, "merge the pair of lowest rank, the leftmost on ties",
 * driven by a binary heap of (rank, start) keys over a linked list of parts, with lazy invalidation: a heap entry is
 * skipped when its part was merged away or its pair changed since (the current rank of the part's pair is kept
 * beside the list, and an entry is live only when it matches it). Every live pair always has an entry, so the entry
 * popped first is the pair the quadratic scan would pick: same merges, same order, same ids. Each merge pushes at
 * most two entries, so a piece of n bytes costs O(n log n). The rank of a pair depends only on its two token ids, so
 * lookups are memoised by id pair (a run of one character needs a handful of distinct lookups).
 *
 * References read for the approach (no code taken): tiktoken's `src/lib.rs` (`_byte_pair_merge`, linear scan), the
 * GitHub `bpe` crate's write-up of heap-based and backtracking BPE (github/rust-gems, `crates/bpe`), and Hugging Face
 * tokenizers' `Word::merge_all` (a `BinaryHeap` of merges with lazy skipping of stale entries).
 */

/** The parts of `gpt-tokenizer`'s `BytePairEncodingCore` used here (private in its types, present at run time). */
export interface BpeCore {
  readonly tokenSplitRegex: RegExp;
  readonly bytePairStringRankEncoder: Map<string, number>;
  bytePairMerge(bytes: Uint8Array): number[];
  getBpeRankFromBytes(bytes: Uint8Array): number | undefined;
}

/** Pieces longer than this (UTF-16 units) are merged here rather than by `gpt-tokenizer`'s quadratic merge. */
export const LONG_PIECE = 64;

const NONE = 0x7fffffff;
/** Short pieces cached (their ids); the cache is emptied when it holds this many. */
const PIECE_CACHE_MAX = 100_000;
/** Slots of the pair memo; it is emptied when 3/4 full (bounds memory; it refills from lookups). */
const MEMO_SLOTS = 1 << 16;

/** The `BytePairEncodingCore` of a `gpt-tokenizer` encoding module's default export, checked at run time. */
export function bpeCoreOf(api: unknown): BpeCore | undefined {
  const core = (api as { bytePairEncodingCoreProcessor?: Partial<BpeCore> } | null)?.bytePairEncodingCoreProcessor;
  if (
    core &&
    core.tokenSplitRegex instanceof RegExp &&
    core.bytePairStringRankEncoder instanceof Map &&
    typeof core.bytePairMerge === 'function' &&
    typeof core.getBpeRankFromBytes === 'function'
  ) {
    return core as BpeCore;
  }
  return undefined;
}

export class FastBpe {
  private readonly regex: RegExp;
  private readonly ranks: Map<string, number>;
  /** Pair memo: open addressing over [a, b, rank] slots (a = -1: empty). */
  private memoKeys = new Int32Array(2 * MEMO_SLOTS).fill(-1);
  private memoRanks = new Int32Array(MEMO_SLOTS);
  private memoSize = 0;
  private readonly byteRank = new Int32Array(256).fill(-1);
  private readonly utf8 = new TextEncoder();
  private readonly pieces = new Map<string, number[]>();

  constructor(private readonly core: BpeCore) {
    // A private copy of the regex: `matchAll` clones it anyway, and its `lastIndex` is never shared.
    this.regex = new RegExp(core.tokenSplitRegex.source, core.tokenSplitRegex.flags);
    this.ranks = core.bytePairStringRankEncoder;
  }

  /** Token count of `text` (special-token strings are plain text), equal to `gpt-tokenizer`'s `countTokens`. */
  count(text: string): number {
    let n = 0;
    for (const m of text.matchAll(this.regex)) {
      const piece = m[0];
      if (this.ranks.get(piece) !== undefined) n++;
      else if (piece.length <= LONG_PIECE) n += this.short(piece).length;
      else n += this.mergeLong(this.utf8.encode(piece));
    }
    return n;
  }

  /** Token ids of `text` (special-token strings are plain text), equal to `gpt-tokenizer`'s `encode`. */
  encode(text: string): number[] {
    const out: number[] = [];
    for (const m of text.matchAll(this.regex)) {
      const piece = m[0];
      const hit = this.ranks.get(piece);
      if (hit !== undefined) out.push(hit);
      else if (piece.length <= LONG_PIECE) for (const t of this.short(piece)) out.push(t);
      else this.mergeLong(this.utf8.encode(piece), out);
    }
    return out;
  }

  /** The ids of a short piece: `gpt-tokenizer`'s own merge, cached here. */
  private short(piece: string): number[] {
    let ids = this.pieces.get(piece);
    if (ids === undefined) {
      ids = this.core.bytePairMerge(this.utf8.encode(piece));
      if (this.pieces.size >= PIECE_CACHE_MAX) this.pieces.clear();
      this.pieces.set(piece, ids);
    }
    return ids;
  }

  private rankOfByte(b: number): number {
    let r = this.byteRank[b]!;
    if (r < 0) {
      r = this.core.getBpeRankFromBytes(Uint8Array.of(b)) ?? NONE;
      this.byteRank[b] = r;
    }
    return r;
  }

  /** The rank of the token made of parts `a` and `b` (bytes[start, end)), or NONE. */
  private pairRank(a: number, b: number, bytes: Uint8Array, start: number, end: number): number {
    const keys = this.memoKeys;
    const mask = MEMO_SLOTS - 1;
    let i = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) >>> 16 & mask;
    for (;;) {
      const ka = keys[2 * i]!;
      if (ka === -1) break;
      if (ka === a && keys[2 * i + 1] === b) return this.memoRanks[i]!;
      i = (i + 1) & mask;
    }
    const r = this.core.getBpeRankFromBytes(bytes.subarray(start, end)) ?? NONE;
    if (this.memoSize * 4 >= MEMO_SLOTS * 3) {
      keys.fill(-1);
      this.memoSize = 0;
      i = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) >>> 16 & mask;
    }
    keys[2 * i] = a;
    keys[2 * i + 1] = b;
    this.memoRanks[i] = r;
    this.memoSize++;
    return r;
  }

  /**
   * Merges one piece (its UTF-8 bytes) and returns its token count; pushes the ids to `out` when given.
   * Exposed for tests, which compare it with `gpt-tokenizer`'s merge on the same bytes.
   */
  mergeLong(bytes: Uint8Array, out?: number[]): number {
    const n = bytes.length;
    if (n === 0) return 0;
    /** Per part (indexed by its first byte): the token id, the next and previous part starts, the pair's rank. */
    const tok = new Int32Array(n);
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    const pr = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      tok[i] = this.rankOfByte(bytes[i]!);
      next[i] = i + 1;
      prev[i] = i - 1;
    }
    // Heap keys: rank * M + start, exact in a double (rank < 2^18, M ≤ 2^28 + 1 for a line of at most 256 MB).
    const M = n + 1;
    let heap = new Float64Array(Math.max(16, n + (n >> 1)));
    let size = 0;
    for (let i = 0; i < n - 1; i++) {
      const r = this.pairRank(tok[i]!, tok[i + 1]!, bytes, i, i + 2);
      pr[i] = r;
      if (r !== NONE) heap[size++] = r * M + i;
    }
    pr[n - 1] = NONE;
    // Floyd's heapify.
    for (let i = ((size - 2) >> 2); i >= 0; i--) siftDown(heap, size, i);
    const push = (key: number): void => {
      if (size === heap.length) {
        const h = new Float64Array(heap.length * 2);
        h.set(heap);
        heap = h;
      }
      let i = size++;
      while (i > 0) {
        const p = (i - 1) >> 2;
        const pk = heap[p]!;
        if (pk <= key) break;
        heap[i] = pk;
        i = p;
      }
      heap[i] = key;
    };
    let parts = n;
    while (size > 0) {
      const key = heap[0]!;
      size--;
      if (size > 0) {
        heap[0] = heap[size]!;
        siftDown(heap, size, 0);
      }
      const r = Math.floor(key / M);
      const i = key - r * M;
      if (tok[i]! < 0 || pr[i] !== r) continue; // merged away, or its pair changed: stale
      const j = next[i]!;
      const k = j < n ? next[j]! : n;
      tok[i] = r;
      tok[j] = -1;
      next[i] = k;
      if (k < n) prev[k] = i;
      parts--;
      if (k < n) {
        const rr = this.pairRank(r, tok[k]!, bytes, i, next[k]!);
        pr[i] = rr;
        if (rr !== NONE) push(rr * M + i);
      } else {
        pr[i] = NONE;
      }
      const p = prev[i]!;
      if (p >= 0) {
        const rp = this.pairRank(tok[p]!, r, bytes, p, k);
        pr[p] = rp;
        if (rp !== NONE) push(rp * M + p);
      }
    }
    if (out) {
      for (let i = 0; i < n; i = next[i]!) {
        const t = tok[i]!;
        // A part that is not a token (cannot happen with a byte-level vocabulary): as gpt-tokenizer, fail loudly.
        if (t === NONE) throw new Error('The byte-pair encoding does not contain a value for a byte');
        out.push(t);
      }
    }
    return parts;
  }
}

/** Restores the order of a 4-ary min-heap from slot `at` down (4-ary: half the depth of a binary heap). */
function siftDown(heap: Float64Array, size: number, at: number): void {
  const key = heap[at]!;
  let i = at;
  for (;;) {
    const first = 4 * i + 1;
    if (first >= size) break;
    let c = first;
    let ck = heap[first]!;
    const last = Math.min(first + 4, size);
    for (let x = first + 1; x < last; x++) {
      const v = heap[x]!;
      if (v < ck) {
        ck = v;
        c = x;
      }
    }
    if (ck >= key) break;
    heap[i] = ck;
    i = c;
  }
  heap[i] = key;
}
