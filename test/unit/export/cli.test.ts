import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, type CliIo } from '../../../src/cli/main';
import { exportText } from '../../../src/core/export';
import { BAD, COMPLETION, TOOLS, WEIGHTS, file } from './fixtures';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneline-export-'));

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd: dir };
  return { code: await main(argv, io), out, err };
}

describe('tuneline export (CLI)', () => {
  const train = file(TOOLS, WEIGHTS, BAD.argsNotJson, COMPLETION);
  const valid = file(COMPLETION);
  before(() => {
    fs.writeFileSync(path.join(dir, 'set.jsonl'), train);
    fs.writeFileSync(path.join(dir, 'set.valid.jsonl'), valid);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const trainer of ['axolotl', 'trl', 'llama-factory', 'mlx-lm'] as const) {
    it(`${trainer}: streams the same files the core writes, lists the checks with file:line, exit 1 for a left-out line`, async () => {
      const out = `out-${trainer}`;
      const r = await run(['export', '--trainer', trainer, 'set.jsonl', '--out', out, '--validation', 'set.valid.jsonl', '--model', 'Qwen/Qwen3-8B']);
      assert.equal(r.code, 1, r.err);
      const expected = exportText(trainer, train, { name: 'set', model: 'Qwen/Qwen3-8B' }, valid);
      for (const f of expected.files) assert.equal(fs.readFileSync(path.join(dir, out, f.path), 'utf8'), f.text, f.path);
      assert.match(r.out, /^set\.jsonl:3: error tool-args-not-json: /m);
      assert.match(r.out, new RegExp(`^train: cd ${out} && ${expected.summary.config.command.replace(/[.]/g, '\\.')}$`, 'm'));
    });
  }

  it('never replaces files without --force (exit 2), replaces them with it', async () => {
    const again = await run(['export', '--trainer', 'axolotl', 'set.jsonl', '--out', 'out-axolotl']);
    assert.equal(again.code, 2);
    assert.match(again.err, /set\.axolotl\.jsonl, axolotl\.yaml already exist/);
    fs.writeFileSync(path.join(dir, 'clean.jsonl'), file(COMPLETION));
    fs.mkdirSync(path.join(dir, 'o2'));
    fs.writeFileSync(path.join(dir, 'o2', 'axolotl.yaml'), 'mine');
    assert.equal((await run(['export', '--trainer', 'axolotl', 'clean.jsonl', '--out', 'o2'])).code, 2);
    assert.equal(fs.readFileSync(path.join(dir, 'o2', 'axolotl.yaml'), 'utf8'), 'mine');
    const forced = await run(['export', '--trainer', 'axolotl', 'clean.jsonl', '--out', 'o2', '--force']);
    assert.equal(forced.code, 0, forced.err);
    assert.notEqual(fs.readFileSync(path.join(dir, 'o2', 'axolotl.yaml'), 'utf8'), 'mine');
  });

  it('json format; usage errors exit 2', async () => {
    const j = await run(['export', '--trainer', 'llamafactory', 'set.jsonl', '--out', 'oj', '--format', 'json']);
    const parsed = JSON.parse(j.out);
    assert.equal(parsed.trainer, 'llama-factory');
    assert.deepEqual(parsed.skipped, { train: 1, validation: 0 });
    assert.equal((await run(['export', 'set.jsonl', '--out', 'x'])).code, 2);
    assert.equal((await run(['export', '--trainer', 'unsloth', 'set.jsonl', '--out', 'x'])).code, 2);
    assert.equal((await run(['export', '--trainer', 'trl', 'set.jsonl'])).code, 2);
    const missing = await run(['export', '--trainer', 'trl', 'nope.jsonl', '--out', 'x']);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read nope\.jsonl: no such file/);
    assert.match((await run(['export', '--help'])).out, /--trainer axolotl\|trl\|llama-factory\|mlx-lm/);
  });
});
