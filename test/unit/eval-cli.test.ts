/** `tuneline eval` against the local API: live and batch give the same scores; the fine-tune beats its base. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import OpenAI, { toFile } from 'openai';
import { main } from '../../src/cli/main';
import { readResults } from '../../src/core/eval';
import { startLocalApi, type LocalApi } from '../../tools/local-api';

const GOOD = path.join(__dirname, '..', 'fixtures', 'workspace', 'datasets', 'good.jsonl');
const VALID = path.join(__dirname, '..', 'fixtures', 'workspace', 'datasets', 'eval-validation.jsonl');

function capture(env: NodeJS.ProcessEnv, cwd: string) {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd, env },
    out: () => out,
    err: () => err,
  };
}

interface JsonOut {
  status: string;
  mode: string;
  resultsFile: string;
  models: Array<{ model: string; means: Record<string, number>; errors: number; scored: number }>;
}

describe('eval CLI (tuneline eval)', function () {
  this.timeout(60_000);
  let api: LocalApi;
  let ft: string;
  let dir: string;

  before(async () => {
    api = await startLocalApi({ flavour: 'openai' });
    const sdk = new OpenAI({ apiKey: api.key, baseURL: api.baseURL, maxRetries: 0 });
    const file = await sdk.files.create({ file: await toFile(fs.readFileSync(GOOD), 'good.jsonl'), purpose: 'fine-tune' });
    const job = await sdk.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
    api.clock.runAll();
    ft = (await sdk.fineTuning.jobs.retrieve(job.id)).fine_tuned_model!;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneline-eval-cli-'));
    fs.copyFileSync(GOOD, path.join(dir, 'good.jsonl'));
    fs.copyFileSync(VALID, path.join(dir, 'valid.jsonl'));
  });
  after(async () => {
    await api.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({ OPENAI_API_KEY: api.key });

  it('live, --format json: the fine-tune beats its base on its training data; the results file matches', async () => {
    const c = capture(env(), dir);
    const code = await main(['eval', '--model', 'gpt-4o-mini', '--model', ft, 'good.jsonl', '--format', 'json', '--base-url', api.baseURL], c.io);
    assert.equal(code, 0, c.err());
    const out = JSON.parse(c.out()) as JsonOut;
    assert.equal(out.status, 'completed');
    assert.equal(out.mode, 'live');
    const [base, tuned] = out.models;
    assert.equal(base!.means['exact'], 0);
    assert.equal(tuned!.means['exact'], 1);
    assert.ok(tuned!.means['f1']! > base!.means['f1']!);
    const p = readResults(fs.readFileSync(path.join(dir, out.resultsFile), 'utf8'));
    assert.equal(p.rows.length, 120);
    assert.deepEqual(p.summary.models.map((m) => m.means), out.models.map((m) => m.means));
  });

  it('--batch gives the same scores as live (the clock runs the batch while the CLI polls)', async () => {
    const live = capture(env(), dir);
    assert.equal(await main(['eval', '--model', ft, '--model', 'gpt-4o-mini', 'valid.jsonl', '--format', 'json', '--base-url', api.baseURL], live.io), 1 - 1);
    const batch = capture(env(), dir);
    const ticking = setInterval(() => api.clock.advance(1000), 5);
    let code: number;
    try {
      code = await main(['eval', '--model', ft, '--model', 'gpt-4o-mini', 'valid.jsonl', '--batch', '--format', 'json', '--base-url', api.baseURL, '--poll-interval', '20'], batch.io);
    } finally {
      clearInterval(ticking);
    }
    assert.equal(code, 0, batch.err());
    const a = JSON.parse(live.out()) as JsonOut;
    const b = JSON.parse(batch.out()) as JsonOut;
    assert.equal(b.mode, 'batch');
    assert.deepEqual(b.models.map((m) => [m.model, m.means]), a.models.map((m) => [m.model, m.means]));
    assert.equal(b.models[0]!.means['exact'], 5 / 8, 'three changed references');
    assert.equal(api.state.batches.size, 1);
  });

  it('text output, usage errors, and a missing key', async () => {
    const c = capture(env(), dir);
    assert.equal(await main(['eval', '--model', ft, 'valid.jsonl', '--base-url', api.baseURL], c.io), 0);
    assert.match(c.out(), /valid\.jsonl: 8 examples × 1 model\(s\), live, completed/);
    assert.match(c.out(), /62\.5%/);
    assert.match(c.out(), /results: valid\.eval-\d{8}T\d{6}Z(-\d+)?\.jsonl/);
    const u = capture(env(), dir);
    assert.equal(await main(['eval', 'valid.jsonl'], u.io), 2);
    assert.match(u.err(), /no model/);
    const k = capture({}, dir);
    assert.equal(await main(['eval', '--model', 'x', 'valid.jsonl'], k.io), 2);
    assert.match(k.err(), /OPENAI_API_KEY/);
  });
});
