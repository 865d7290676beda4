/**
 * A stable radix order of unsigned keys of `bits` bits (32 by default: three passes of 11 bits; 28: two of 14): the
 * indices of `keys` sorted by key, equal keys in index order. Linear in the number of keys; used by the duplicate
 * scan (`scan.ts`) and the near-duplicate bands (`quality/tracker.ts`).
 */
export function radixOrder(keys: Uint32Array, bits = 32): Uint32Array {
  const n = keys.length;
  let src = new Uint32Array(n);
  let dst = new Uint32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  const passes = Math.max(1, Math.ceil(bits / 14));
  const width = Math.ceil(bits / passes);
  const mask = (1 << width) - 1;
  const count = new Uint32Array(mask + 1);
  for (let shift = 0; shift < bits; shift += width) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(keys[i]! >>> shift) & mask]!++;
    let sum = 0;
    for (let d = 0; d <= mask; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const k = src[i]!;
      dst[count[(keys[k]! >>> shift) & mask]!++] = k;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}

/** The passes `maybeRepeated` makes over its keys (for the cost counts of its callers). */
export const REPEATED_PASSES = 3;

/**
 * The indices (ascending) of `keys` whose key may occur more than once: two bitmaps of a multiplicative hash of each
 * key (seen once, seen again), of at least 16 bits per key up to 2^23 bits (1 MB each, cache-resident). No key that
 * repeats is left out; a few unique ones come along (about n / 2^23 of them, or 1/16, each). `REPEATED_PASSES` linear
 * passes (mark, count, collect): the near-duplicate bands and the conflicting-answer groups, where nearly every key is
 * unique, sort or map only these.
 */
export function maybeRepeated(keys: Uint32Array): Uint32Array {
  const n = keys.length;
  let log = 12;
  while (log < 23 && 1 << log < n * 16) log++;
  const shift = 32 - log;
  const seen = new Uint32Array(1 << (log - 5));
  const again = new Uint32Array(1 << (log - 5));
  for (let i = 0; i < n; i++) {
    const h = Math.imul(keys[i]!, 0x9e3779b1) >>> shift;
    const w = h >>> 5;
    const bit = 1 << (h & 31);
    if ((seen[w]! & bit) !== 0) again[w]! |= bit;
    else seen[w]! |= bit;
  }
  let count = 0;
  for (let i = 0; i < n; i++) {
    const h = Math.imul(keys[i]!, 0x9e3779b1) >>> shift;
    if ((again[h >>> 5]! & (1 << (h & 31))) !== 0) count++;
  }
  const out = new Uint32Array(count);
  count = 0;
  for (let i = 0; i < n; i++) {
    const h = Math.imul(keys[i]!, 0x9e3779b1) >>> shift;
    if ((again[h >>> 5]! & (1 << (h & 31))) !== 0) out[count++] = i;
  }
  return out;
}
