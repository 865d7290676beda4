import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { validateFile, validateText } from '../../../src/core/validate';
import { LineSplitter } from '../../../src/core/tokens/lines';
import type { MethodSetting } from '../../../src/core/types';
import { POOL, chat, comp, pref, rft } from '../dataset/fixtures';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneline-validate-'));
let n = 0;
function tmp(content: string | Buffer): string {
  const p = path.join(dir, `f${n++}.jsonl`);
  fs.writeFileSync(p, content);
  return p;
}

function same(a: ReturnType<typeof validateText>, b: Awaited<ReturnType<typeof validateFile>>): void {
  assert.deepEqual(b.problems, a.problems);
  assert.equal(b.method, a.method);
  assert.equal(b.examples, a.examples);
  assert.deepEqual(b.counts, a.counts);
  assert.equal(b.bytes, a.bytes);
  assert.deepEqual(b.tokens, a.tokens);
  assert.deepEqual(b.estimatedCost, a.estimatedCost);
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
