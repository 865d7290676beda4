/**
 * `FastBpe` (long pieces merged with a heap) gives the same token ids as `gpt-tokenizer`'s own encoder, for both
 * encodings, on long runs of one character and on a varied corpus. Behaviour only: no timings here (see bench/).
 */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { FastBpe, LONG_PIECE, bpeCoreOf, type BpeCore } from '../../../src/core/tokens/bpe';
import { getEncoder } from '../../../src/core/tokens/encoding';

interface Lib {
  encode(text: string, options: { disallowedSpecial: Set<string> }): number[];
  countTokens(text: string, options: { disallowedSpecial: Set<string> }): number;
  default: unknown;
}

const NAMES = ['o200k_base', 'cl100k_base'] as const;

function lib(name: (typeof NAMES)[number]): Lib {
  return (name === 'o200k_base'
    ? require('gpt-tokenizer/encoding/o200k_base')
    : require('gpt-tokenizer/encoding/cl100k_base')) as Lib;
}

/** A deterministic generator (mulberry32) for the corpus. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function corpus(): Array<[string, string]> {
  const r = rng(19);
  const pick = (s: string): string => s[Math.floor(r() * s.length)]!;
  const out: Array<[string, string]> = [];
  // Runs of one character (ASCII letters of both cases, digits, punctuation, spaces, tabs, newlines, multi-byte).
  for (const ch of ['a', 'A', 'z', '0', '!', '.', '-', '=', ' ', '\t', '\n', '\r\n', 'é', 'ß', '中', 'я', '😀', '\u0301', '\u00a0']) {
    for (const n of [LONG_PIECE - 1, LONG_PIECE + 1, 257, 1000, 2500]) out.push([`run ${JSON.stringify(ch)}×${n}`, ch.repeat(n)]);
  }
  // Runs with one odd character inside, and before/after text.
  out.push(['run with a break', 'a'.repeat(700) + 'b' + 'a'.repeat(701)]);
  out.push(['text around a run', 'Hello world, ' + 'x'.repeat(1500) + ' and goodbye.']);
  out.push(['spaces then a word', ' '.repeat(1200) + 'word' + ' '.repeat(3) + '\n'.repeat(40)]);
  out.push(['special-token text in a run', 'q'.repeat(300) + '<|endoftext|>' + 'q'.repeat(300) + '<|im_start|>']);
  // Periodic patterns (a long single piece with structure).
  for (const unit of ['ab', 'abc', 'aab', 'xyzzy', 'ÀÉ', 'Ab', 'aA', '!?', '._', ' \t']) out.push([`repeat ${JSON.stringify(unit)}`, unit.repeat(Math.ceil(1200 / unit.length))]);
  // Random letters (one long piece: \p{L}+), random lowercase words without spaces.
  const lower = 'abcdefghijklmnopqrstuvwxyz';
  const letters = lower + lower.toUpperCase() + 'éèàüößçñ';
  out.push(['random lowercase', Array.from({ length: 1500 }, () => pick(lower)).join('')]);
  out.push(['random letters', Array.from({ length: 1500 }, () => pick(letters)).join('')]);
  // base64 blobs.
  const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  out.push(['base64', Array.from({ length: 3000 }, () => pick(b64)).join('') + '==']);
  // Random unicode (BMP and astral, surrogate pairs kept whole), and random punctuation.
  const cps: string[] = [];
  for (let i = 0; i < 2000; i++) {
    const x = r();
    const cp = x < 0.3 ? 0x20 + Math.floor(r() * 0x5f) : x < 0.8 ? 0xa0 + Math.floor(r() * 0xd000) : 0x10000 + Math.floor(r() * 0x10000);
    cps.push(String.fromCodePoint(cp >= 0xd800 && cp < 0xe000 ? 0x41 : cp));
  }
  out.push(['random unicode', cps.join('')]);
  out.push(['random punctuation', Array.from({ length: 2000 }, () => pick('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~')).join('')]);
  // Code, minified JSON, whitespace runs of mixed kinds.
  const code = 'function f(x) {\n\treturn x.map((y) => y * 2).filter(Boolean);\n}\n\n    const a = [1, 2, 3];\n';
  out.push(['code', code.repeat(30)]);
  out.push(['minified JSON', JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: i, name: `n${i}`, v: [i, i * 2] })))]);
  out.push(['mixed whitespace', Array.from({ length: 2000 }, () => pick(' \t\n\r\u00a0\u2003')).join('') + 'x']);
  return out;
}

describe('FastBpe: exact token ids for long pieces', () => {
  for (const name of NAMES) {
    describe(name, () => {
      const l = lib(name);
      const core = bpeCoreOf(l.default) as BpeCore;
      const fast = new FastBpe(core);
      const opts = { disallowedSpecial: new Set<string>() };

      it('finds gpt-tokenizer\'s core, and the engine encoder uses it', () => {
        assert.ok(core, 'BytePairEncodingCore not found in gpt-tokenizer');
        assert.equal(getEncoder(name).linear, true);
      });

      for (const [label, text] of corpus()) {
        it(`same ids as gpt-tokenizer's encode: ${label}`, () => {
          const want = l.encode(text, opts);
          assert.deepEqual(fast.encode(text), want);
          assert.equal(fast.count(text), want.length);
          assert.equal(getEncoder(name).count(text), want.length);
        });
      }

      it('mergeLong equals gpt-tokenizer\'s merge on arbitrary byte strings (property)', () => {
        // Any bytes (not only regex pieces, not only valid UTF-8): the merge rule alone is compared.
        const bytes = fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 300 }),
          fc.array(fc.constantFrom(0x61, 0x62, 0x20, 0x21, 0xc3, 0xa9), { minLength: 1, maxLength: 400 }).map((a) => Uint8Array.from(a)),
        );
        const merge = (core as unknown as { bytePairMerge(b: Uint8Array): number[] }).bytePairMerge.bind(core);
        fc.assert(
          fc.property(bytes, (b) => {
            const out: number[] = [];
            const n = fast.mergeLong(b, out);
            const want = merge(b);
            assert.deepEqual(out, want);
            assert.equal(n, want.length);
          }),
          { numRuns: 150, seed: 19 },
        );
      });

      it('counts 20,000-character runs like the library, and its ids decode back to the text', () => {
        for (const ch of ['a', ' ', '!', 'é']) {
          const text = ch.repeat(20_000);
          assert.equal(fast.count(text), l.countTokens(text, opts), JSON.stringify(ch));
          const decode = (l as unknown as { decode(ids: number[]): string }).decode;
          assert.equal(decode(fast.encode(text)), text);
        }
      });
    });
  }
});
