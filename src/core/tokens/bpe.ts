/**
 * Byte-pair encoding that costs O(n log n) at worst in the length of a piece, with the same token ids as `gpt-tokenizer`.
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
 * pieces, emptied when full (no eviction order to maintain).
 *
 * A longer piece is merged with the same rule, "merge the pair of lowest rank, the leftmost on ties", over a linked
 * list of parts, driven by a priority queue of (rank, start) keys with lazy invalidation: an entry is skipped when its
 * part was merged away or its pair changed since (the current rank of each part's pair is kept beside the list, and
 * an entry is live only when it matches it). Every live pair always has an entry, so the entry taken first is the
 * pair the quadratic scan would pick: same merges, same order, same ids. Each merge adds at most two entries. The
 * queue is a bucket queue (`mergeLong`): entries grouped by rank, each group sorted by start once when its rank comes
 * up, which is 2-3 times faster than a binary heap of all entries (a 2 MB run of one character: ~0.3 s against
 * ~0.9 s); a piece of n bytes costs O(n log n) at worst (the sorts), close to O(n) in practice. The rank of a pair
 * depends only on its two token ids, so lookups are memoised by id pair (a run of one character needs a handful).
 *
 * References read for the approach (no code taken): the README of the GitHub `bpe` crate (github/rust-gems,
 * docs.rs/crate/bpe, "Prior Art": the O(n²) rescan, the heap-based O(n log n) merge, its own backtracking encoder),
 * and tiktoken-style merges that keep tiktoken's linear scan for short pieces and switch to a heap of (rank, start)
 * with lazy deletion over a linked list of parts for long ones, keyed by token-id pairs.
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
   * Merges one piece (its UTF-8 bytes) and returns its token count; pushes the ids to `out` when given. Exposed for
   * tests, which compare it with `gpt-tokenizer`'s merge on the same bytes.
   *
   * The priority queue of (rank, start) keys is a bucket queue: one list of part starts per pair rank, and a small
   * heap of the ranks that have entries. The lowest rank's list is sorted once when it is first taken (it is usually in
   * order already) and then read in order; an entry for a rank whose list is being read (possible only when a merge
   * made a pair of lower rank than the one in progress, which then goes first) goes to a per-rank position heap
   * read together with the list, so that entries are still taken by (rank, start), as the heap version does.
   */
  mergeLong(bytes: Uint8Array, out?: number[]): number {
    const n = bytes.length;
    if (n === 0) return 0;
    const tok = new Int32Array(n);
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    const pr = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      tok[i] = this.rankOfByte(bytes[i]!);
      next[i] = i + 1;
      prev[i] = i - 1;
    }
    const buckets = new Map<number, Bucket>();
    let ranks = new Int32Array(64);
    let nranks = 0;
    const add = (rank: number, pos: number): void => {
      let b = buckets.get(rank);
      if (b === undefined) {
        b = { list: new Int32Array(16), n: 0, cur: 0, active: false, late: undefined, nlate: 0 };
        buckets.set(rank, b);
        if (nranks === ranks.length) {
          const r2 = new Int32Array(ranks.length * 2);
          r2.set(ranks);
          ranks = r2;
        }
        heapPush(ranks, nranks++, rank);
      }
      if (b.active) {
        if (b.late === undefined) b.late = new Int32Array(16);
        else if (b.nlate === b.late.length) {
          const l2 = new Int32Array(b.late.length * 2);
          l2.set(b.late);
          b.late = l2;
        }
        heapPush(b.late, b.nlate++, pos);
      } else {
        if (b.n === b.list.length) {
          const l2 = new Int32Array(b.list.length * 2);
          l2.set(b.list);
          b.list = l2;
        }
        b.list[b.n++] = pos;
      }
    };
    for (let i = 0; i < n - 1; i++) {
      const r = this.pairRank(tok[i]!, tok[i + 1]!, bytes, i, i + 2);
      pr[i] = r;
      if (r !== NONE) add(r, i);
    }
    pr[n - 1] = NONE;
    let parts = n;
    while (nranks > 0) {
      const r = ranks[0]!;
      const b = buckets.get(r)!;
      if (!b.active) {
        b.active = true;
        const l = b.list.subarray(0, b.n);
        let sorted = true;
        for (let k = 1; k < l.length; k++) {
          if (l[k - 1]! > l[k]!) {
            sorted = false;
            break;
          }
        }
        if (!sorted) l.sort();
      }
      // The next start of this rank: the lower of the list's next and the late heap's top.
      let i: number;
      const fromList = b.cur < b.n ? b.list[b.cur]! : NONE;
      const fromLate = b.nlate > 0 ? b.late![0]! : NONE;
      if (fromList === NONE && fromLate === NONE) {
        buckets.delete(r);
        heapPop(ranks, nranks--);
        continue;
      }
      if (fromList <= fromLate) {
        i = fromList;
        b.cur++;
      } else {
        i = fromLate;
        heapPop(b.late!, b.nlate--);
      }
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
        if (rr !== NONE) add(rr, i);
      } else {
        pr[i] = NONE;
      }
      const p = prev[i]!;
      if (p >= 0) {
        const rp = this.pairRank(tok[p]!, r, bytes, p, k);
        pr[p] = rp;
        if (rp !== NONE) add(rp, p);
      }
    }
    if (out) {
      for (let i = 0; i < n; i = next[i]!) {
        const t = tok[i]!;
        if (t === NONE) throw new Error('The byte-pair encoding does not contain a value for a byte');
        out.push(t);
      }
    }
    return parts;
  }
}

/** The entries of one pair rank in `mergeLong`. */
interface Bucket {
  /** Part starts, appended; sorted when the rank is first taken, then read from `cur`. */
  list: Int32Array;
  n: number;
  cur: number;
  active: boolean;
  /** Starts added after the rank was first taken: a binary min-heap of `nlate` entries. */
  late: Int32Array | undefined;
  nlate: number;
}

/** Pushes `v` on the binary min-heap `h` of `size` entries (the caller adds 1 to its size). */
function heapPush(h: Int32Array, size: number, v: number): void {
  let i = size;
  while (i > 0) {
    const p = (i - 1) >> 1;
    const pv = h[p]!;
    if (pv <= v) break;
    h[i] = pv;
    i = p;
  }
  h[i] = v;
}

/** Removes the top of the binary min-heap `h` of `size` entries (the caller takes 1 from its size). */
function heapPop(h: Int32Array, size: number): void {
  const last = size - 1;
  const v = h[last]!;
  let i = 0;
  for (;;) {
    let c = 2 * i + 1;
    if (c >= last) break;
    if (c + 1 < last && h[c + 1]! < h[c]!) c++;
    if (h[c]! >= v) break;
    h[i] = h[c]!;
    i = c;
  }
  h[i] = v;
}
