/**
 * The keys and the grouping under the cross-line quality rules (issue 19: their cost): what the faster code must keep.
 * - `maybeRepeated` never leaves out a key that repeats, and brings few unique ones;
 * - `radixOrder` of 28-bit keys (two passes) is a stable sort;
 * - the normalisation of the exact keys (case, white space, punctuation kept) and the system-prompt cache (the same
 *   keys whether a prompt's digest is cached, evicted or new);
 * - the densification: sparse, unrelated examples from one small vocabulary do not share LSH bands wholesale (the
 *   signature comparisons an example stay few; rotation densification made 12 an example on the bench's file, 35 here).
 */
import { strict as assert } from 'node:assert';
import { maybeRepeated, radixOrder } from '../../../src/core/radix';
import { QualityCollector, nearDuplicateProblems, qualityCost, qualityKeys, type QualityKeys } from '../../../src/core/quality';
import { SIG_BINS, sigSimilarity, sigSimilarityWords, sigWords } from '../../../src/core/quality/keys';

/** A fixed pseudo-random sequence (xorshift32). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

const chat = (user: string, assistant: string, system?: string): string =>
  JSON.stringify({ messages: [...(system !== undefined ? [{ role: 'system', content: system }] : []), { role: 'user', content: user }, { role: 'assistant', content: assistant }] });
const keysOf = (line: string): QualityKeys => qualityKeys(JSON.parse(line))!;

describe('maybeRepeated (the bitmaps before the quality rules group keys)', () => {
  for (const n of [0, 1, 50, 5000, 300_000]) {
    it(`${n.toLocaleString('en-US')} keys: every repeated key's indices, ascending; few unique ones`, () => {
      const next = rng(n + 17);
      const keys = new Uint32Array(n);
      for (let i = 0; i < n; i++) keys[i] = next();
      // Plant repeats: a tenth of the keys copy an earlier one (some several times).
      for (let i = 1; i < n; i += 10) keys[i] = keys[next() % i]!;
      const counts = new Map<number, number>();
      for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
      const got = maybeRepeated(keys);
      for (let r = 1; r < got.length; r++) assert.ok(got[r - 1]! < got[r]!, 'ascending');
      const inGot = new Set(got);
      let repeated = 0;
      for (let i = 0; i < n; i++) {
        if (counts.get(keys[i]!)! > 1) {
          repeated++;
          assert.ok(inGot.has(i), `index ${i} (key ${keys[i]}, repeated) left out`);
        }
      }
      const extra = got.length - repeated;
      // At least 16 bits a key: about one unique key in 16 comes along by chance (n / 2^23 past half a million).
      assert.ok(extra <= Math.max(3, n / 8), `${extra} unique keys of ${n} came along`);
    });
  }
});

describe('radixOrder of 28-bit keys', () => {
  it('is the stable sort (equal keys in index order), as with 32 bits', () => {
    const next = rng(5);
    const keys = new Uint32Array(20_000);
    // Few distinct values, so that stability is tested.
    for (let i = 0; i < keys.length; i++) keys[i] = (next() % 300) * 0x9e377 & 0xfffffff;
    const want = Array.from(keys.keys()).sort((a, b) => keys[a]! - keys[b]! || a - b);
    assert.deepEqual(Array.from(radixOrder(keys, 28)), want);
    assert.deepEqual(Array.from(radixOrder(keys)), want);
  });
});

describe('quality keys: normalisation and the system-prompt cache', () => {
  it('case and white space do not matter; punctuation and digits do', () => {
    const a = keysOf(chat('What is  2 + 2 ?', 'Four.'));
    assert.equal(keysOf(chat('what is 2+2?', 'four .')).prompt, a.prompt);
    assert.equal(keysOf(chat('  WHAT\tIS 2 +2 ?\n', 'Four.')).answer, a.answer);
    assert.notEqual(keysOf(chat('What is 2 - 2 ?', 'Four.')).prompt, a.prompt);
    assert.notEqual(keysOf(chat('What is 2 + 3 ?', 'Four.')).prompt, a.prompt);
    // Word boundaries count: "ab" is not "a b".
    assert.notEqual(keysOf(chat('ab', 'x')).prompt, keysOf(chat('a b', 'x')).prompt);
  });

  it('the system prompt is in the prompt key, not in the whole-conversation key', () => {
    const a = keysOf(chat('Hello there', 'Hi', 'You are terse.'));
    const b = keysOf(chat('Hello there', 'Hi', 'You are verbose.'));
    assert.notEqual(a.prompt, b.prompt);
    assert.equal(a.whole, b.whole);
    assert.equal(a.answer, b.answer);
  });

  it('the same keys whether the system prompt is new, cached or evicted (more prompts than the cache holds)', () => {
    const prompts = Array.from({ length: 600 }, (_, i) => `You are assistant number ${i}. Answer briefly.`);
    const line = (i: number): string => chat(`Question ${i % 6}`, 'Answer', prompts[i % prompts.length]);
    const first = Array.from({ length: 1200 }, (_, i) => keysOf(line(i)).prompt);
    // Distinct prompts give distinct keys; the second lap (cached or evicted) gives the first lap's keys.
    assert.equal(new Set(first.slice(0, 600)).size, 600);
    for (let i = 600; i < 1200; i++) assert.equal(first[i], first[i - 600]);
    // A long prompt (past what is cached) and a system message with parts are digested each time, the same way.
    const long = 'Be precise. '.repeat(2000);
    assert.equal(keysOf(chat('Q', 'A', long)).prompt, keysOf(chat('Q', 'A', long)).prompt);
    const parts = JSON.stringify({ messages: [{ role: 'system', content: [{ type: 'text', text: 'You are terse.' }] }, { role: 'user', content: 'Hello there' }, { role: 'assistant', content: 'Hi' }] });
    assert.equal(keysOf(parts).prompt, keysOf(chat('Hello there', 'Hi', 'You are terse.')).prompt);
  });
});

describe('densification: sparse examples of one small vocabulary', () => {
  it('unrelated short examples are compared with few others (bands are not shared wholesale)', () => {
    const vocab = 'the a of to and in is it you that he was for on are with as his they be at one have this from'.split(' ');
    const next = rng(99);
    const words = (k: number): string => Array.from({ length: k }, () => vocab[next() % vocab.length]).join(' ');
    const c = new QualityCollector();
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const keys = keysOf(chat(words(7), words(9)));
      c.add(i, i + 1, 100, keys);
    }
    qualityCost.comparisons = 0;
    nearDuplicateProblems(c.data(), 0.8);
    // Rotation densification: 35 comparisons an example here (703,085), near the bound of 16 bands × 3; a fixed
    // random order of the bins: 1.3 (26,881). Most of these examples share a few of their 15 word pairs.
    assert.ok(qualityCost.comparisons < 3 * n, `${qualityCost.comparisons} comparisons for ${n} examples`);
  });
});

describe('signature similarity four bins at a time', () => {
  it('equals the byte-by-byte count for every number of equal bins and the bytes at the edges (0, 0x7f, 0x80, 0xff)', () => {
    const next = rng(3);
    const edge = [0, 1, 0x7f, 0x80, 0x81, 0xfe, 0xff];
    const n = 400;
    const a = new Uint8Array(n * SIG_BINS);
    const b = new Uint8Array(n * SIG_BINS);
    for (let k = 0; k < n; k++) {
      // Example k has about k % 65 equal bins.
      for (let i = 0; i < SIG_BINS; i++) {
        const v = k % 3 === 0 ? edge[next() % edge.length]! : next() & 0xff;
        a[k * SIG_BINS + i] = v;
        b[k * SIG_BINS + i] = next() % SIG_BINS < k % 65 ? v : (v ^ (1 << (next() % 8))) & 0xff;
      }
    }
    const aw = sigWords(a)!;
    const bw = sigWords(b)!;
    const seen = new Set<number>();
    for (let k = 0; k < n; k++) {
      const want = sigSimilarity(a, k, b, k);
      seen.add(want);
      assert.equal(sigSimilarityWords(aw, k, bw, k), want, `example ${k}`);
      assert.equal(sigSimilarityWords(aw, k, aw, k), 1);
    }
    assert.ok(seen.size > 40, 'many different counts compared');
    // A view that does not start on a 4-byte boundary: none (the byte loop is used).
    assert.equal(sigWords(a.subarray(1)), undefined);
  });
});
