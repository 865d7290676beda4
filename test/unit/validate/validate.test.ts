import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { duplicateKey } from '../../../src/core/rules/check';
import { validateFile, validateText } from '../../../src/core/validate';
import { LineSplitter } from '../../../src/core/tokens/lines';
import { DupCollector, countLinesBefore, findDuplicates, lineFingerprint, type DupEntries } from '../../../src/core/scan';
import { parseLine } from '../../../src/core/parse';
import type { MethodSetting } from '../../../src/core/types';
import { POOL, chat, comp, pref, rft } from '../dataset/fixtures';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneline-validate-'));
let n = 0;
function tmp(content: string | Buffer): string {
  const p = path.join(dir, `f${n++}.jsonl`);
  fs.writeFileSync(p, content);
  return p;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const isPad = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a;

/** Duplicate candidates with the given fingerprints, lines, file offsets and byte lengths. */
function entries(fp: number[], line: number[], start: number[], bytes: number[]): DupEntries {
  return {
    count: fp.length,
    fingerprint: Uint32Array.from(fp),
    line: Uint32Array.from(line),
    start: Float64Array.from(start),
    bytes: Uint32Array.from(bytes),
    length: Uint32Array.from(bytes),
  };
}

function same(a: ReturnType<typeof validateText>, b: Awaited<ReturnType<typeof validateFile>>): void {
  assert.deepEqual(b.problems, a.problems);
  assert.equal(b.truncated, a.truncated);
  assert.equal(b.method, a.method);
  assert.equal(b.examples, a.examples);
  assert.deepEqual(b.counts, a.counts);
  assert.equal(b.bytes, a.bytes);
  assert.deepEqual(b.tokens, a.tokens);
  assert.deepEqual(b.estimatedCost, a.estimatedCost);
}

/**
 * Two different lines with the same duplicate hash: the same length, the same sampled characters and the same CRC-32
 * (a JSON string of x's, with 'y' at unsampled positions chosen by solving CRC-32's linear equations over GF(2)).
 */
function crcTwins(n = 200): [string, string] {
  const base = Buffer.from('"' + 'x'.repeat(n) + '"');
  const len = base.length;
  const step = len >> 5;
  const positions: number[] = [];
  for (let p = 1; p < len - 1 && positions.length < 48; p++) if (p % step !== 0) positions.push(p);
  // f(d) = crc(d) ^ crc(0…0) is linear: flipping bit 0 ('x' → 'y') at positions S changes the CRC by XOR of f(e_p).
  const zero = zlib.crc32(Buffer.alloc(len));
  const basis = new Map<number, { v: number; combo: bigint }>();
  for (let k = 0; k < positions.length; k++) {
    const d = Buffer.alloc(len);
    d[positions[k]!] = 1;
    let v = (zlib.crc32(d) ^ zero) >>> 0;
    let combo = 1n << BigInt(k);
    for (let bit = 31; bit >= 0 && v !== 0; bit--) {
      if (((v >>> bit) & 1) === 0) continue;
      const b = basis.get(bit);
      if (!b) {
        basis.set(bit, { v, combo });
        v = -1;
        break;
      }
      v = (v ^ b.v) >>> 0;
      combo ^= b.combo;
    }
    if (v === 0) {
      const twin = Buffer.from(base);
      positions.forEach((p, i) => {
        if ((combo >> BigInt(i)) & 1n) twin[p] = 0x79;
      });
      return [base.toString(), twin.toString()];
    }
  }
  throw new Error('no CRC-32 twin found');
}

describe('validateText / validateFile', () => {
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('streams over tiny chunks (multi-byte UTF-8 split across chunks, CRLF, no final newline) like validateText', async () => {
    const lines = [chat(1), JSON.stringify({ messages: [{ role: 'user', content: '日本語 🎉 é' }, { role: 'assistant', content: 'ok' }] }), '', chat(2), '{bad', chat(1)];
    for (const eol of ['\n', '\r\n']) {
      for (const final of ['', eol]) {
        const text = lines.join(eol) + final;
        const expected = validateText(text);
        const file = tmp(text);
        for (const hwm of [1, 2, 3, 5, 7, 64, 65536]) {
          same(expected, await validateFile(file, { highWaterMark: hwm }));
        }
      }
    }
  });

  it('property: validateFile equals validateText on random files, any chunk size and method', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constantFrom(...POOL), fc.nat(20).map((i) => [chat, pref, comp, rft][i % 4]!(i))), { maxLength: 40 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.integer({ min: 1, max: 300 }),
        fc.constantFrom<MethodSetting>('auto', 'auto', 'supervised', 'dpo', 'reinforcement', 'completion'),
        async (lines, eol, finalNl, hwm, method) => {
          const text = lines.join(eol) + (finalNl && lines.length ? eol : '');
          const file = tmp(text);
          same(validateText(text, { method }), await validateFile(file, { highWaterMark: hwm, method }));
          fs.unlinkSync(file);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('property: in two parts (the second on a worker thread) validateFile still equals validateText', async function () {
    this.timeout(240000);
    // Lines that stress the cut: blank lines of every kind (the worker counts them before its part), copies on both
    // sides, formats that change the method guess, BOMs.
    const extra = ['', ' ', '\t', '\uFEFF', ' \uFEFF\t', '\uFEFF\uFEFF', '\uFEFF' + comp(3), '  ' + chat(2) + ' '];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constantFrom(...POOL, ...extra), fc.nat(20).map((i) => [chat, pref, comp, rft][i % 4]!(i))), { minLength: 2, maxLength: 60 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.constantFrom<MethodSetting>('auto', 'auto', 'supervised', 'dpo'),
        fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
        async (lines, eol, finalNl, method, maxProblems) => {
          const text = lines.join(eol) + (finalNl ? eol : '');
          const file = tmp(text);
          same(validateText(text, { method, maxProblems }), await validateFile(file, { method, maxProblems, parallel: true, highWaterMark: 97 }));
          fs.unlinkSync(file);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('property: one thread and two threads give the same report: system prompts (more than the hash cache holds, past 64 distinct, variants and missing ones on both sides of the cut) and tool calls', async function () {
    this.timeout(240000);
    const prompt = (k: number): string | undefined => (k < 0 ? undefined : k === 0 ? 'You are a terse assistant for a travel agency.' : k === 1 ? 'You are a terse assistant for a travel agncy.' : `Prompt number ${k}, unlike the others.`);
    const line = (k: number, i: number, call: number): string => {
      const system = prompt(k);
      const args = call === 1 ? JSON.stringify(JSON.stringify({ city: 'Paris' })) : call === 2 ? JSON.stringify({ town: 'Paris' }) : JSON.stringify({ city: `C${i}` });
      const messages = [...(system === undefined ? [] : [{ role: 'system', content: system }]), { role: 'user', content: `Question ${i % 7}?` }];
      const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false } } }];
      if (call > 0) return JSON.stringify({ messages: [...messages, { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'get_weather', arguments: args } }] }, { role: 'tool', tool_call_id: 'c', content: 'sun' }, { role: 'assistant', content: 'Sunny.' }], tools });
      return JSON.stringify({ messages: [...messages, { role: 'assistant', content: `Answer ${i % 5}.` }] });
    };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: -1, max: 80 }), fc.nat(3)), { minLength: 20, maxLength: 150 }),
        fc.integer({ min: 0, max: 3 }),
        async (spec, mostlyMain) => {
          // Most lines share prompt 0 (so that variants and missing prompts are a minority), unless told otherwise.
          const text = spec.map(([k, call], i) => line(i % 4 < mostlyMain ? 0 : k, i, call)).join('\n') + '\n';
          const file = tmp(text);
          const one = await validateFile(file, { parallel: false });
          const errors: Error[] = [];
          const two = await validateFile(file, { parallel: true, highWaterMark: 256, onWorkerError: (e) => errors.push(e) });
          assert.deepEqual(errors.map((e) => e.message), []);
          assert.equal(two.threads, 2);
          assert.deepEqual(two.problems, one.problems);
          assert.deepEqual(two.counts, one.counts);
          same(validateText(text), one);
          fs.unlinkSync(file);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('when the worker cannot run, this thread validates both parts with the same result', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => (i % 50 === 7 ? '' : i % 9 === 0 ? chat(1) : [chat, pref][i % 7 === 0 ? 1 : 0]!(i)));
    const text = lines.join('\n') + '\n';
    const seen: number[] = [];
    const failures: Error[] = [];
    const r = await validateFile(tmp(text), {
      parallel: true,
      workerPath: path.join(dir, 'no-such-worker.js'),
      onProgress: (b) => seen.push(b),
      onWorkerError: (e) => failures.push(e),
    });
    same(validateText(text), r);
    assert.equal(r.threads, 1);
    assert.equal(failures.length, 1);
    assert.equal(seen[seen.length - 1], Buffer.byteLength(text));
    assert.ok(r.problems.some((p) => p.code === 'duplicate-example' && p.line! > 100 && p.relatedLine === 0));
  });

  it('duplicates across the two parts name the first copy, and a long file reports the same as validateText', async function () {
    this.timeout(60000);
    const lines = Array.from({ length: 3000 }, (_, i) => (i >= 1500 && i % 100 === 0 ? chat(i - 1400) : chat(i)));
    const text = lines.join('\n') + '\n';
    const seen: number[] = [];
    const r = await validateFile(tmp(text), { parallel: true, highWaterMark: 4096, onProgress: (b) => seen.push(b) });
    same(validateText(text), r);
    assert.equal(r.threads, 2);
    // Progress from both threads adds up to the file's size.
    assert.ok(seen.length > 5);
    assert.ok(seen.every((b, i) => i === 0 || b >= seen[i - 1]!));
    assert.equal(seen[seen.length - 1], Buffer.byteLength(text));
    const dups = r.problems.filter((p) => p.code === 'duplicate-example');
    // i = 1500, 1600, ..., 2900 copy line i - 1400; the copy of line 1500 (itself replaced by a copy) matches nothing.
    assert.equal(dups.length, 14);
    assert.deepEqual(dups.map((p) => [p.line, p.relatedLine]).slice(0, 2), [[1500, 100], [1600, 200]]);
  });

  it('maxProblems keeps the first problems even when early lines are re-checked against the final method', async () => {
    // Three preference lines first (checked as DPO while that is the guess), then chat lines with errors.
    const bad = JSON.stringify({ messages: [{ role: 'usr', content: 'Hi' }, { role: 'assistant', content: 'x' }] });
    const lines = [pref(1), pref(2), pref(3), ...Array.from({ length: 30 }, (_, i) => (i % 2 ? bad.replace('Hi', `Hi ${i}`) : chat(i)))];
    const text = lines.join('\n') + '\n';
    for (const parallel of [false, true]) {
      const r = await validateFile(tmp(text), { maxProblems: 4, highWaterMark: 64, parallel });
      same(validateText(text, { maxProblems: 4 }), r);
      // The file-level problems first (fewer than 50 examples; mixed formats), then the first lines'.
      assert.deepEqual(r.problems.map((p) => p.line), [undefined, undefined, 0, 1]);
    }
  });

  it('countLinesBefore counts lines and blank lines (whitespace and whole BOMs) like the splitter and parseLine', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('', ' ', '\t', '\r', '\uFEFF', '\uFEFF ', ' \uFEFF\uFEFF', 'x', '{}', ' { }', '\uFEFFx', 'é', '\uFFFD', '\u00EF'), { maxLength: 30 }),
        fc.integer({ min: 0, max: 30 }),
        (lines, k) => {
          const text = lines.map((l) => l + '\n').join('');
          const file = tmp(text);
          const cut = Buffer.byteLength(lines.slice(0, Math.min(k, lines.length)).map((l) => l + '\n').join(''));
          const fd = fs.openSync(file, 'r');
          try {
            const got = countLinesBefore(fd, cut);
            const before = lines.slice(0, Math.min(k, lines.length));
            assert.deepEqual(got, { lines: before.length, blanks: before.filter((l) => parseLine(l.replace(/\r$/, '')).shape === 'blank').length });
          } finally {
            fs.closeSync(fd);
            fs.unlinkSync(file);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('findDuplicates confirms a fingerprint match by comparing bytes: a chance match is not a copy', () => {
    const a = '{"a":1}';
    const b = '{"b":2}'; // same length, different bytes
    const file = tmp(a + '\n' + b + '\n' + a + '\n');
    // Forge one fingerprint for all three lines: only the real copy (line 2) matches line 0.
    const forged = entries([42, 42, 42], [0, 1, 2], [0, 8, 16], [7, 7, 7]);
    assert.deepEqual([...findDuplicates(file, [forged])], [-1, -1, 0]);
    // Across parts, in order: the second part's copies name the first part's lines.
    assert.deepEqual([...findDuplicates(file, [entries([42], [0], [0], [7]), entries([42, 42], [1, 2], [8, 16], [7, 7])])], [-1, -1, 0]);
    // From the scanner's bytes: trimmed (spaces, tabs, BOMs) before hashing and comparing.
    const padded = Buffer.from(a + '\n \uFEFF' + b + '\t\n' + b + '\n');
    const file2 = tmp(padded);
    const c = new DupCollector();
    c.add(padded, 0, 7, 0, 0, 7);
    c.add(padded, 8, 8 + Buffer.byteLength(' \uFEFF' + b + '\t'), 8, 1, 10);
    const last = padded.lastIndexOf(b);
    c.add(padded, last, last + 7, last, 2, 7);
    assert.deepEqual([...findDuplicates(file2, [c.entries()])], [-1, -1, 1]);
  });

  it('the line fingerprint hashes every trimmed byte, wherever the bytes sit in a buffer', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 90 }),
        fc.nat(17),
        fc.nat(89),
        fc.nat(255),
        fc.constantFrom('', ' ', '\t', '\r', '\uFEFF', ' \uFEFF\t'),
        (bytes, shift, at, xor, pad) => {
          const body = Buffer.from(bytes);
          const fp = lineFingerprint(body, 0, body.length);
          // The same bytes at another offset of a bigger buffer (another alignment), with trimmable padding.
          const p = Buffer.from(pad);
          const big = Buffer.concat([Buffer.alloc(shift, 7), p, body, p, Buffer.alloc(3, 9)]);
          const trims = (b: Buffer) => b.length > 0 && (isPad(b[0]!) || isPad(b[b.length - 1]!) || b.subarray(0, 3).equals(BOM) || b.subarray(-3).equals(BOM));
          if (!trims(body)) assert.equal(lineFingerprint(big, shift, shift + 2 * p.length + body.length), fp);
          // Any one changed byte (past the trimmed ends) changes it: each byte is hashed, not a sample.
          if (body.length > 0 && xor !== 0 && !trims(body)) {
            const changed = Buffer.from(body);
            changed[at % body.length] ^= xor;
            if (!trims(changed)) assert.notEqual(lineFingerprint(changed, 0, changed.length), fp);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('the line fingerprint is the same from aligned words and from byte reads: any start, any buffer offset and length', () => {
    // Reference: the fingerprint's definition read byte by byte (little-endian words, two lanes, a byte tail).
    const reference = (raw: Uint8Array, a: number, b: number): number => {
      const n = b - a;
      let h1 = 0x9e3779b1 ^ n;
      let h2 = 0x85ebca77;
      const word = (i: number) => raw[i]! | (raw[i + 1]! << 8) | (raw[i + 2]! << 16) | (raw[i + 3]! << 24);
      let i = a;
      for (; i + 8 <= b; i += 8) {
        h1 = Math.imul(((h1 << 5) | (h1 >>> 27)) ^ word(i), 0x9e3779b1);
        h2 = Math.imul(((h2 << 7) | (h2 >>> 25)) ^ word(i + 4), 0x85ebca77);
      }
      for (; i < b; i++) {
        h1 = Math.imul(h1 ^ raw[i]!, 0x01000193);
        h2 = Math.imul((h2 + raw[i]!) | 0, 0xc2b2ae3d);
      }
      h1 ^= h2 >>> 3;
      h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b);
      h1 ^= h1 >>> 13;
      h2 ^= h1;
      h2 = Math.imul(h2 ^ (h2 >>> 16), 0xc2b2ae35);
      h2 ^= h2 >>> 16;
      return (h1 ^ Math.imul(h2, 0x27d4eb2f)) >>> 0;
    };
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 70 }), fc.nat(3), fc.nat(70), fc.nat(70), (bytes, byteOffset, x, y) => {
        // Bytes that are never trimmed, so that the line is hashed exactly as given.
        const body = bytes.map((c) => (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a || c === 0xef ? 0x41 : c));
        const raw = new Uint8Array(new ArrayBuffer(byteOffset + body.length), byteOffset, body.length);
        raw.set(body);
        const a = Math.min(x, body.length);
        const b = Math.min(body.length, a + y);
        assert.equal(lineFingerprint(raw, a, b), reference(raw, a, b));
      }),
      { numRuns: 3000 },
    );
  });

  it('streaming finds exactly the duplicates the editor index finds (one or two threads, any chunk size)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.nat(40).map((i) => chat(i)), fc.constantFrom('', ' ', '{bad', '\uFEFF' + chat(1), chat(1) + ' ', chat(2).replace('"}', '" }'))), { minLength: 1, maxLength: 60 }),
        fc.constantFrom(7, 64, 512, 1 << 16),
        async (lines, hwm) => {
          const text = lines.join('\n') + '\n';
          const expected = validateText(text);
          for (const parallel of [false, true]) same(expected, await validateFile(tmp(text), { parallel, highWaterMark: hwm }));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('the duplicate candidates keep every line through growth and an up-front reservation', () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `{"i":${i}}`);
    const file = tmp(lines.join('\n') + '\n' + lines.join('\n') + '\n');
    const c = new DupCollector();
    let offset = 0;
    for (let copy = 0; copy < 2; copy++) {
      lines.forEach((l, i) => {
        const raw = Buffer.from(l);
        c.add(raw, 0, raw.length, offset, copy * 3000 + i, l.length);
        offset += raw.length + 1;
        if (i === 1000 && copy === 0) c.reserve(200_000);
      });
    }
    // Every line is found again (as a later copy), after the reservation and any growth.
    const firsts = findDuplicates(file, [c.entries()]);
    assert.deepEqual([...firsts], [...lines.map(() => -1), ...lines.map((_, i) => i)]);
  });

  it('two different lines that share a duplicate hash are not copies (editor index and streaming, one or two threads)', async () => {
    const [a, b] = crcTwins();
    assert.notEqual(a, b);
    assert.equal(duplicateKey(a), duplicateKey(b)); // the hash collides, so only comparing the texts tells them apart
    const lines = [a, ...Array.from({ length: 30 }, (_, i) => chat(i)), b, chat(3), b, a];
    const text = lines.join('\n') + '\n';
    const expected = validateText(text);
    const dups = expected.problems.filter((p) => p.code === 'duplicate-example').map((p) => [p.line, p.relatedLine]);
    // Line 31 (b) is not a copy of line 0 (a); line 33 is a copy of line 31, line 34 of line 0; chat(3) of line 4.
    assert.deepEqual(dups, [[32, 4], [33, 31], [34, 0]]);
    for (const parallel of [false, true]) same(expected, await validateFile(tmp(text), { parallel, highWaterMark: 512 }));
  });

  it('auto method in one streaming pass: minority-format lines get the wrong-format error after the majority is known', async () => {
    // The first lines are preference lines: the guess is dpo until chat lines take over.
    const lines = [pref(1), pref(2), pref(3), ...Array.from({ length: 20 }, (_, i) => chat(i))];
    const text = lines.join('\n') + '\n';
    const r = await validateFile(tmp(text), { highWaterMark: 16 });
    assert.equal(r.method, 'supervised');
    assert.deepEqual(r.problems.filter((p) => p.line !== undefined && p.severity === 'error').map((p) => [p.line, p.code]), [
      [0, 'wrong-format'],
      [1, 'wrong-format'],
      [2, 'wrong-format'],
    ]);
    same(validateText(text), r);
  });

  it('maxProblems caps the list but counts everything', async () => {
    const text = Array.from({ length: 30 }, () => '{bad').join('\n');
    const r = await validateFile(tmp(text), { maxProblems: 5 });
    assert.equal(r.problems.length, 5);
    assert.equal(r.counts.error, 30); // 30 invalid lines; 30 examples, so no FILE-04 error
    assert.equal(r.counts.warning, 1); // FILE-05
    assert.equal(r.truncated, true);
    assert.deepEqual(r.problems, validateText(text).problems.slice(0, 5));
  });

  it('reports progress and honours cancellation', async () => {
    const text = Array.from({ length: 2000 }, (_, i) => chat(i)).join('\n');
    const file = tmp(text);
    const seen: number[] = [];
    await validateFile(file, { highWaterMark: 4096, onProgress: (b, t) => { seen.push(b); assert.equal(t, Buffer.byteLength(text)); } });
    assert.ok(seen.length > 10);
    assert.equal(seen[seen.length - 1], Buffer.byteLength(text));
    const ac = new AbortController();
    await assert.rejects(
      validateFile(file, { highWaterMark: 4096, signal: ac.signal, onProgress: (b) => { if (b > 20000) ac.abort(); } }),
      (e: Error) => e.name === 'AbortError',
    );
  });

  it('duplicate detection stays exact while the duplicate table grows (40,000 short lines)', async function () {
    this.timeout(60000);
    const lines = Array.from({ length: 40000 }, (_, i) => comp(i % 37 === 5 ? i - 5 : i));
    const text = lines.join('\n') + '\n';
    const a = validateText(text, { method: 'completion' });
    const b = await validateFile(tmp(text), { method: 'completion' });
    same(a, b);
    assert.ok(b.problems.filter((p) => p.code === 'duplicate-example').length > 1000);
  });

  it('rejects with ENOENT for a missing file', async () => {
    await assert.rejects(validateFile(path.join(dir, 'nope.jsonl')), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
  });

  it('exact tokens on workers equal the main-thread count', async function () {
    this.timeout(60000);
    const text = Array.from({ length: 300 }, (_, i) => [chat, pref, comp][i % 3]!(i)).join('\n') + '\n';
    const a = validateText(text, { tokens: true, method: 'supervised' });
    const b = await validateFile(tmp(text), { tokens: true, workers: 2, method: 'supervised' });
    assert.equal(a.tokens!.exact, true);
    assert.deepEqual(b.tokens, a.tokens);
    assert.ok(a.tokens!.total > 0);
  });

  it('a line over the line-size cap is skipped with bounded memory and reported', () => {

    const got: Array<[string, number, number, number, boolean]> = [];
    const sp = new LineSplitter((t, l, o, b, over) => got.push([t, l, o, b, !!over]), 0, 0, 10);
    sp.push(Buffer.from('abc\n0123456789AB'));
    sp.push(Buffer.from('CDEF\nxy'));
    sp.end();
    assert.deepEqual(got, [
      ['abc', 0, 0, 3, false],
      ['', 1, 4, 16, true],
      ['xy', 2, 21, 2, false],
    ]);
  });
});
