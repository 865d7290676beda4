/** `tuneline validate` and the cross-line quality rules: --validation FILE (TL-23) and --near-duplicates T (TL-22). */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, type CliIo } from '../../../src/cli/main';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneline-cli-quality-'));
const write = (name: string, lines: readonly string[]): void => fs.writeFileSync(path.join(dir, name), lines.join('\n') + '\n');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd: dir };
  return { code: await main(argv, io), out, err };
}

const chat = (u: string, a: string): string => JSON.stringify({ messages: [{ role: 'user', content: u }, { role: 'assistant', content: a }] });
const topic = (i: number): string =>
  `Topic ${i}: ${['rivers', 'mountains', 'deserts', 'forests', 'glaciers', 'oceans', 'islands', 'volcanoes'][i % 8]} of region ${i * 7919 % 1000} and their ${['history', 'ecology', 'economy', 'climate'][i % 4]} in year ${1900 + i}`;
const LONG = 'Describe the steps to rotate the signing keys of the payment service without downtime for the customers';
const ANSWER = 'Create the new key, publish it next to the old one, switch signing, then retire the old key after a day';

describe('tuneline CLI: cross-line quality', () => {
  before(() => {
    const train = Array.from({ length: 60 }, (_, i) => chat(topic(i), `Notes on ${topic(i + 500)}`));
    train[4] = chat(LONG, ANSWER);
    write('train.jsonl', train);
    const val = Array.from({ length: 12 }, (_, i) => chat(topic(2000 + i), `Notes on ${topic(3000 + i)}`));
    val[3] = train[20]!;
    val[8] = chat(LONG.replace('payment', 'billing'), ANSWER);
    write('val.jsonl', val);
    const near = [...train];
    near[40] = chat(LONG.replace('customers', 'clients'), ANSWER);
    write('near.jsonl', near);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('--validation: both files reported, the overlapping validation lines warned, naming the training line', async () => {
    const r = await run(['validate', 'train.jsonl', '--validation', 'val.jsonl', '--no-tokens']);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n');
    assert.deepEqual(
      lines.filter((l) => l.includes('train-validation-overlap')).map((l) => l.split(' ')[0]),
      ['val.jsonl:4:1:', 'val.jsonl:9:1:'],
    );
    assert.ok(lines.some((l) => /^val\.jsonl:4:1: warning train-validation-overlap Example 4 of this validation file is also in the training file train\.jsonl \(line 21\)/.test(l)), r.out);
    assert.ok(lines.some((l) => /^train\.jsonl: 60 examples/.test(l)) && lines.some((l) => /^val\.jsonl: 12 examples/.test(l)), r.out);
  });

  it('--validation in JSON: the problem carries the training line and the related location in the training file', async () => {
    const r = await run(['validate', 'train.jsonl', '--validation', 'val.jsonl', '--no-tokens', '--format', 'json']);
    type Related = { file?: string; line: number; message: string };
    const j = JSON.parse(r.out) as { files: Array<{ path: string; problems: Array<{ code: string; line?: number; related?: Related[] }> }> };
    const val = j.files.find((f) => f.path === 'val.jsonl')!;
    assert.deepEqual(
      val.problems.filter((p) => p.code === 'train-validation-overlap').map((p) => [p.line, p.related]),
      [
        [4, [{ file: path.join(dir, 'train.jsonl'), line: 21, message: 'The training example (train.jsonl, line 21)' }]],
        [9, [{ file: path.join(dir, 'train.jsonl'), line: 5, message: 'The training example (train.jsonl, line 5)' }]],
      ],
    );
  });

  it('--near-duplicates: the threshold, 0 turns the rule off; bad values are usage errors', async () => {
    const on = await run(['validate', 'near.jsonl', '--no-tokens']);
    assert.match(on.out, /^near\.jsonl:41:1: info near-duplicate Example 41 \(line 41\) is a near-duplicate of line 5/m);
    const off = await run(['validate', 'near.jsonl', '--no-tokens', '--near-duplicates', '0']);
    assert.doesNotMatch(off.out, /near-duplicate/);
    const strict = await run(['validate', 'near.jsonl', '--no-tokens', '--near-duplicates=1']);
    assert.doesNotMatch(strict.out, /near-duplicate/);
    for (const bad of ['1.5', 'x', '-1']) {
      const r = await run(['validate', 'near.jsonl', '--near-duplicates', bad]);
      assert.equal(r.code, 2);
      assert.match(r.err, /--near-duplicates must be a number from 0 to 1|needs a value/);
    }
  });

  it('--validation needs exactly one training file', async () => {
    const r = await run(['validate', 'train.jsonl', 'near.jsonl', '--validation', 'val.jsonl']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--validation needs exactly one training FILE/);
  });
});
