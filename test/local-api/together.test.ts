/**
 * The local Together flavour, driven by Tuneline's TogetherClient (on the official `together-ai` SDK) and the
 * Together adapter: the presigned upload (POST /files → 302 → PUT without the key), a whole job lifecycle with
 * metrics, events and checkpoints, the price estimate and model limits, chat with the tuned model once deployed, and
 * the faults (429 with retry-after, 5xx, a failed job naming an example mapped to its dataset line). Every response is
 * checked against Together's OpenAPI document.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import Together from 'together-ai';
import { TOGETHER, togetherEstimateRequest, togetherModelFromLimits, tunelineStatus, type TrainingPlan } from '../../src/api/providers';
import { exampleLine, ProviderHttpError } from '../../src/api/providers/retry';
import { TogetherClient } from '../../src/api/providers/together/client';
import { startLocalTogether, type LocalTogether } from '../../tools/local-api/together';
import { DPO_JSONL, GOOD_JSONL, TOPICS } from './helpers';
import { TogetherSpecChecker } from './togetherSpec';

const FAST = { baseDelayMs: 5, maxDelayMs: 20, maxWaitMs: 2_000 };

describe('local API, Together flavour (TogetherClient on together-ai)', function () {
  this.timeout(30_000);
  let api: LocalTogether;
  let checker: TogetherSpecChecker;
  let client: TogetherClient;

  beforeEach(async () => {
    checker = new TogetherSpecChecker();
    api = await startLocalTogether({ onResponse: checker.onResponse });
    client = new TogetherClient({ apiKey: api.key, baseURL: api.baseURL, retry: FAST });
  });
  afterEach(async () => {
    await api.close();
    assert.deepEqual(checker.violations, [], checker.violations.join('\n'));
  });

  const upload = (text: string, name = 'train.jsonl') => client.uploadFile({ name: `/home/me/data/${name}`, data: Buffer.from(text) });

  /** Moves the clock in steps, as a poller would see it. */
  const advance = (ms: number): void => {
    for (let t = 0; t < ms; t += 1000) api.clock.advance(1000);
  };

  it('uploads through the presigned URL: 302 + PUT of a Buffer, no API key sent to the storage URL', async () => {
    const f = await upload(GOOD_JSONL);
    assert.match(f.id, /^file-/);
    assert.equal(f.filename, 'train.jsonl');
    assert.equal(f.bytes, Buffer.byteLength(GOOD_JSONL));
    assert.equal(f.purpose, 'fine-tune');
    const put = api.requests.find((r) => r.method === 'PUT');
    assert.ok(put, 'a PUT to the presigned URL');
    assert.match(put.path, /^\/__presigned\//);
    assert.equal(put.auth, false, 'the key must not go to the presigned URL');
    const post = api.requests.find((r) => r.method === 'POST' && r.path === '/v1/files');
    assert.ok(post?.auth);
    assert.deepEqual((await client.listFiles()).map((x) => x.id), [f.id]);
  });

  it('the upload works from an esbuild CommonJS bundle on this Node (how the extension host and the CLI run it)', async function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'tuneline-together-'));
    const entry = join(dir, 'entry.ts');
    const root = join(__dirname, '..', '..');
    writeFileSync(
      entry,
      [
        `import { TogetherClient } from ${JSON.stringify(join(root, 'src/api/providers/together/client'))};`,
        'const [baseURL, apiKey] = process.argv.slice(2);',
        'void new TogetherClient({ apiKey: apiKey!, baseURL: baseURL! }).uploadFile({ name: "train.jsonl", data: Buffer.from("{}\\n") })',
        '  .then((f) => process.stdout.write(JSON.stringify(f)), (e: unknown) => { process.stderr.write(String(e)); process.exit(1); });',
      ].join('\n'),
    );
    await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: join(dir, 'out.cjs'), logLevel: 'silent' });
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [join(dir, 'out.cjs'), api.baseURL, api.key], (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))),
    );
    const f = JSON.parse(out) as { id: string; bytes: number };
    assert.match(f.id, /^file-/);
    assert.equal(f.bytes, 3);
    assert.equal(api.requests.find((r) => r.method === 'PUT')?.auth, false);
  });

  it('the storage URL refuses a PUT that also carries an Authorization header (as S3 does)', async () => {
    const res = await fetch(`${api.baseURL}/files`, { method: 'POST', headers: { Authorization: `Bearer ${api.key}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'file_name=a.jsonl&file_type=jsonl&purpose=fine-tune', redirect: 'manual' });
    assert.equal(res.status, 302);
    const put = await fetch(res.headers.get('location')!, { method: 'PUT', headers: { Authorization: `Bearer ${api.key}` }, body: Buffer.from('x') });
    assert.equal(put.status, 400);
  });

  it('runs an SFT LoRA job to completed with metrics, events and checkpoints; chats with the deployed model', async () => {
    const f = await upload(GOOD_JSONL);
    const plan: TrainingPlan = { model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', method: 'supervised', trainingFile: f.id, hyperparameters: { n_epochs: 2, n_checkpoints: 2, lora_r: 16, batch_size: 16 }, suffix: 'demo', options: { adapter: 'lora' } };
    assert.deepEqual(TOGETHER.check(plan), []);
    const estimate = await client.estimatePrice(togetherEstimateRequest(plan) as unknown as Parameters<TogetherClient['estimatePrice']>[0]);
    assert.ok(estimate.estimation_available && estimate.estimated_total_price! > 0 && estimate.allowed_to_proceed === true);
    const job = await client.createJob(TOGETHER.jobRequest(plan) as unknown as Parameters<TogetherClient['createJob']>[0]);
    assert.match(job.id, /^ft-/);
    assert.equal(tunelineStatus(TOGETHER.capabilities, job.status)?.tuneline, 'queued');
    advance(20_000);
    const running = await client.retrieveJob(job.id);
    assert.equal(tunelineStatus(TOGETHER.capabilities, running.status)?.tuneline, 'running');
    advance(40_000);
    const done = await client.retrieveJob(job.id);
    assert.equal(done.status, 'completed');
    assert.deepEqual(tunelineStatus(TOGETHER.capabilities, done.status), { ...tunelineStatus(TOGETHER.capabilities, 'completed')!, tuneline: 'succeeded', final: true });
    const metrics = await client.metrics(job.id);
    assert.equal(metrics.length, 10);
    assert.ok(metrics[0]!['train/loss']! > metrics[9]!['train/loss']!, 'the loss goes down');
    const events = await client.listEvents(job.id);
    assert.deepEqual([events[0]!.type, events[events.length - 1]!.type], ['job_pending', 'job_complete']);
    const cks = await client.listCheckpoints(job.id);
    assert.ok(cks.length >= 2 && cks.some((c) => c.checkpoint_type === 'Final'));
    const model = done.model_output_name!;
    // Together serves fine-tuned models on a dedicated endpoint: before it, a 404 in Together's words.
    await assert.rejects(client.chat(model, [{ role: 'user', content: TOPICS[1][0] }]), (e: ProviderHttpError) => e.status === 404 && /dedicated endpoint/.test(e.message));
    api.deploy(model);
    const reply = await client.chat(model, [{ role: 'user', content: TOPICS[1][0] }]);
    assert.match(reply.choices[0]!.message!.content!, /Canberra/);
  });

  it('DPO with Full training where the model allows it; the limits narrow the table row', async () => {
    const limits = await client.modelLimits('meta-llama/Meta-Llama-3.1-8B-Instruct-Reference');
    const row = togetherModelFromLimits(limits);
    assert.deepEqual(row.adapters, ['lora', 'full']);
    assert.equal(row.hyperparameterLimits?.['lora_r']?.max, 64);
    const gpt = togetherModelFromLimits(await client.modelLimits('openai/gpt-oss-20b'));
    assert.deepEqual(gpt.adapters, ['lora']);
    const f = await upload(DPO_JSONL, 'prefs.jsonl');
    const plan: TrainingPlan = { model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', method: 'dpo', trainingFile: f.id, hyperparameters: { dpo_beta: 0.2 }, options: { adapter: 'full' } };
    assert.deepEqual(TOGETHER.check(plan), []);
    const body = TOGETHER.jobRequest(plan);
    assert.deepEqual(body['training_type'], { type: 'Full' });
    assert.deepEqual(body['training_method'], { method: 'dpo', dpo_beta: 0.2 });
    const job = await client.createJob(body as unknown as Parameters<TogetherClient['createJob']>[0]);
    advance(60_000);
    assert.equal((await client.retrieveJob(job.id)).status, 'completed');
    // Full on a LoRA-only model is refused by the adapter before it is sent
    assert.ok(TOGETHER.check({ ...plan, model: 'openai/gpt-oss-20b' }).some((p) => p.field === 'options'));
  });

  it('cancels: cancel_requested (still shown as running) → cancelled', async () => {
    const f = await upload(GOOD_JSONL);
    const job = await client.createJob(TOGETHER.jobRequest({ model: 'openai/gpt-oss-20b', method: 'supervised', trainingFile: f.id }) as unknown as Parameters<TogetherClient['createJob']>[0]);
    advance(10_000);
    const c = await client.cancelJob(job.id);
    assert.equal(c.status, 'cancel_requested');
    assert.equal(tunelineStatus(TOGETHER.capabilities, c.status)?.final, false);
    advance(3_000);
    assert.equal((await client.retrieveJob(job.id)).status, 'cancelled');
  });

  it('429 with retry-after is waited for and retried', async () => {
    api.faults.push({ method: 'GET', path: '^/files$', status: 429, retryAfterSeconds: 0.2, times: 1 });
    const t0 = Date.now();
    const list = await client.listFiles();
    assert.deepEqual(list, []);
    assert.ok(Date.now() - t0 >= 190, 'waited the retry-after');
    assert.equal(api.requests.filter((r) => r.path === '/v1/files').length, 2);
  });

  it('a retry-after longer than the policy allows fails at once, with the service\'s words', async () => {
    api.faults.push({ method: 'GET', path: '^/files$', status: 429, retryAfterSeconds: 3600, times: 1 });
    await assert.rejects(client.listFiles(), (e: ProviderHttpError) => e.status === 429 && e.retryAfterMs === 3_600_000 && /rate limit/.test(e.message) && !e.message.includes(api.key));
  });

  it('5xx are retried (also on the presigned PUT); after the retries the error says what failed', async () => {
    api.faults.push({ method: 'POST', path: '^/fine-tunes/estimate-price$', status: 503, times: 2 });
    api.faults.push({ method: 'PUT', path: '^/__presigned/', status: 503, times: 1 });
    const f = await upload(GOOD_JSONL);
    assert.equal(api.requests.filter((r) => r.method === 'PUT').length, 2, 'the presigned PUT was retried');
    const est = await client.estimatePrice({ training_file: f.id, model: 'openai/gpt-oss-20b' });
    assert.ok(est.estimation_available && est.estimated_total_price! > 0);
    api.faults.push({ method: 'GET', path: '^/fine-tunes$', status: 500, times: 10 });
    await assert.rejects(client.listJobs(), (e: ProviderHttpError) => e.status === 500 && e.retries === 3 && /list fine-tuning jobs/.test(e.message));
  });

  it('a job failing on bad data names the example, mapped to its line in the dataset', async () => {
    const lines = GOOD_JSONL.trim().split('\n');
    const text = `${lines[0]}\n\n${lines[1]}\n{"messages": [{"role": "user", "content": "no reply"}]}\n${lines.slice(2).join('\n')}\n`;
    const f = await upload(text, 'broken.jsonl');
    const job = await client.createJob(TOGETHER.jobRequest({ model: 'openai/gpt-oss-20b', method: 'supervised', trainingFile: f.id }) as unknown as Parameters<TogetherClient['createJob']>[0]);
    advance(6_000);
    const failed = await client.retrieveJob(job.id);
    assert.equal(tunelineStatus(TOGETHER.capabilities, failed.status)?.tuneline, 'failed');
    const message = await client.failureMessage(job.id);
    assert.match(message ?? '', /Example 3: no assistant message/);
    assert.equal(exampleLine(message, text), 3, 'Example 3 is line 4 (0-based 3): the blank line is not an example');
  });

  it('the SDK itself reads the flavour: every call of a lifecycle answered in the shape it expects', async () => {
    const sdk = new Together({ apiKey: api.key, baseURL: api.baseURL, maxRetries: 0 });
    const f = await upload(GOOD_JSONL);
    const created = await sdk.fineTuning.create({ model: 'openai/gpt-oss-20b', training_file: f.id, training_method: { method: 'sft', train_on_inputs: false }, training_type: { type: 'Lora', lora_r: 8, lora_alpha: 16 } });
    advance(60_000);
    const [one, list, events, cks, metrics, file] = await Promise.all([
      sdk.fineTuning.retrieve(created.id),
      sdk.fineTuning.list(),
      sdk.fineTuning.listEvents(created.id),
      sdk.fineTuning.listCheckpoints(created.id),
      sdk.fineTuning.listMetrics(created.id),
      sdk.files.retrieve(f.id),
    ]);
    assert.equal(one.status, 'completed');
    assert.equal(list.data[0]!.id, created.id);
    assert.ok(events.data.length > 5 && cks.data.length >= 1 && (metrics.metrics ?? []).length === 10);
    assert.equal(file.Processed, true);
    await assert.rejects(sdk.fineTuning.retrieve('ft-missing'), (e: unknown) => e instanceof Together.NotFoundError);
  });
});
