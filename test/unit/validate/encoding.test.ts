/** The file's encoding: TL-12 invalid-utf8 per line (a few lines), TL-13 file-not-utf8 once (UTF-16, or many lines). */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateFile } from '../../../src/core/validate';
import { sniffEncoding } from '../../../src/core/encoding';
import { chat } from '../dataset/fixtures';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneline-encoding-'));
let k = 0;
const tmp = (b: Buffer): string => {
  const p = path.join(dir, `e${k++}.jsonl`);
  fs.writeFileSync(p, b);
  return p;
};
const lines = (n: number): string[] => Array.from({ length: n }, (_, i) => chat(i));
/** A chat line whose user text holds a raw Latin-1 é (byte E9): not UTF-8. */
const latin1Line = (i: number): Buffer => Buffer.from(JSON.stringify({ messages: [{ role: 'user', content: `caf\u00e9 ${i}` }, { role: 'assistant', content: 'Oui.' }] }), 'latin1');

describe('file encoding (TL-12 invalid-utf8, TL-13 file-not-utf8)', () => {
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a few lines with bytes that are not UTF-8: one error on each, at the replaced character', async () => {
    const parts = lines(20).map((l) => Buffer.from(l + '\n'));
    parts[3] = Buffer.concat([latin1Line(3), Buffer.from('\n')]);
    parts[9] = Buffer.concat([latin1Line(9), Buffer.from('\n')]);
    const r = await validateFile(tmp(Buffer.concat(parts)), { tokens: false });
    const bad = r.problems.filter((p) => p.code === 'invalid-utf8');
    assert.deepEqual(bad.map((p) => p.line), [3, 9]);
    assert.equal(bad[0]!.severity, 'error');
    assert.match(bad[0]!.message, /^Example 4 \(line 4\) holds bytes that are not UTF-8/);
    const text = Buffer.concat([latin1Line(3)]).toString('utf8');
    assert.equal(text.slice(bad[0]!.column, bad[0]!.endColumn), '\uFFFD');
    assert.ok(!r.problems.some((p) => p.code === 'file-not-utf8'));
  });

  it('a literal U+FFFD written in UTF-8 is not an error', async () => {
    const r = await validateFile(tmp(Buffer.from([...lines(12), JSON.stringify({ messages: [{ role: 'user', content: 'x \uFFFD' }, { role: 'assistant', content: 'y' }] })].join('\n') + '\n')), { tokens: false });
    assert.ok(!r.problems.some((p) => p.code === 'invalid-utf8' || p.code === 'file-not-utf8'));
  });

  it('a Latin-1 file: one file-level error, no error per line (also in two parts on two threads)', async () => {
    const file = tmp(Buffer.concat(Array.from({ length: 400 }, (_, i) => Buffer.concat([latin1Line(i), Buffer.from('\n')]))));
    for (const parallel of [false, true]) {
      const r = await validateFile(file, { tokens: false, parallel, highWaterMark: 1024 });
      assert.deepEqual(r.problems.filter((p) => p.code === 'invalid-utf8'), []);
      const f = r.problems.filter((p) => p.code === 'file-not-utf8');
      assert.equal(f.length, 1);
      assert.equal(f[0]!.line, undefined);
      assert.match(f[0]!.message, /^400 lines hold bytes that are not UTF-8 \(the first is line 1\)/);
    }
  });

  it('a UTF-16 file (with or without byte-order mark): one file-level error, the lines are not judged', async () => {
    const text = lines(30).join('\n') + '\n';
    for (const b of [Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), Buffer.from(text, 'utf16le')]) {
      const r = await validateFile(tmp(b), { tokens: false });
      assert.deepEqual(r.problems.map((p) => p.code), ['file-not-utf8']);
      assert.match(r.problems[0]!.message, /^The file is UTF-16 LE/);
      assert.equal(r.counts.error, 1);
    }
    assert.equal(sniffEncoding(Buffer.from([0xfe, 0xff, 0, 0x7b])), 'UTF-16 BE');
    assert.equal(sniffEncoding(Buffer.from('{"a":1}\n')), undefined);
    assert.equal(sniffEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x7b])), undefined);
  });
});
