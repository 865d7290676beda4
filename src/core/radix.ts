/**
 * A stable radix order of 32-bit keys (three passes of 11 bits): the indices of `keys` sorted by key, equal keys in
 * index order. Linear in the number of keys; used by the duplicate scan (`scan.ts`) and the near-duplicate bands
 * (`quality/tracker.ts`).
 */
export function radixOrder(keys: Uint32Array): Uint32Array {
  const n = keys.length;
  let src = new Uint32Array(n);
  let dst = new Uint32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  const count = new Uint32Array(2048);
  for (let shift = 0; shift < 32; shift += 11) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(keys[i]! >>> shift) & 2047]!++;
    let sum = 0;
    for (let d = 0; d < 2048; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const k = src[i]!;
      dst[count[(keys[k]! >>> shift) & 2047]!++] = k;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}
