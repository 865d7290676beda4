/**
 * The extension's clients for the services that are not OpenAI-shaped — `TogetherTunelineClient` and
 * `FireworksTunelineClient`, as `sdkClientFactory` builds them — against the local Together and Fireworks flavours:
 * a whole loop in the OpenAI shapes the jobs view, the playground and evaluation read (statuses through the adapter's
 * table, metrics as `metrics` events, checkpoints, models, chat and streamed chat, Fireworks' deploy on first chat),
 * the faults ending as `ApiError` in plain words (429 with retry-after retried, 5xx after retries, a failed job's
 * message mapped to its dataset line), and the refusals (Batch API, uploads in parts, pause) in the adapter's words.
 * Together's responses are checked against its OpenAPI document, the streamed events included.
 */
import assert from 'node:assert/strict';
import { clientConfig, sdkClientFactory, type EndpointSettings } from '../../src/api/endpoint';
import { FIREWORKS, TOGETHER, type TrainingPlan } from '../../src/api/providers';
import { exampleLine } from '../../src/api/providers/retry';
import type { ApiLog, ChatCompletionChunk, TunelineClient } from '../../src/api/types';
import { startLocalFireworks, type LocalFireworks } from '../../tools/local-api/fireworks';
import { startLocalTogether, type LocalTogether } from '../../tools/local-api/together';
import { GOOD_JSONL, TOPICS } from './helpers';
import { TogetherSpecChecker } from './togetherSpec';

const FAST = { baseDelayMs: 5, maxDelayMs: 20, maxWaitMs: 5_000 };
const quiet: ApiLog & { lines: string[] } = { lines: [], trace() {}, debug() {}, info(m) { quiet.lines.push(m); }, warn(m) { quiet.lines.push(m); }, error(m) { quiet.lines.push(m); } };
const BAD_JSONL = GOOD_JSONL.split('\n').map((l, i) => (i === 3 ? JSON.stringify({ messages: [{ role: 'user', content: 'no reply' }] }) : l)).join('\n');

function settings(provider: 'together' | 'fireworks', baseUrl: string, fireworksAccount?: string): EndpointSettings {
  return { provider, baseUrl, azureEndpoint: '', azureDeployments: {}, endpointOrigin: 'user', ...(fireworksAccount !== undefined ? { fireworksAccount } : {}) };
}

const make = (s: EndpointSettings, key: string): TunelineClient => sdkClientFactory(FAST)(clientConfig(s, key), quiet);

async function rejection(p: Promise<unknown>): Promise<Error & { kind?: string; status?: number }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { kind?: string; status?: number };
  }
  assert.fail('expected a rejection');
}

async function text(stream: AsyncIterable<ChatCompletionChunk>): Promise<string> {
  let out = '';
  for await (const c of stream) out += c.choices[0]?.delta.content ?? '';
  return out;
}

describe('TunelineClient for Together AI (sdkClientFactory → TogetherTunelineClient, local flavour)', function () {
  this.timeout(30_000);
  let api: LocalTogether;
  let checker: TogetherSpecChecker;
  let client: TunelineClient;
  const advance = (ms: number): void => {
    for (let t = 0; t < ms; t += 1000) api.clock.advance(1000);
  };
  beforeEach(async () => {
    checker = new TogetherSpecChecker();
    api = await startLocalTogether({ onResponse: checker.onResponse });
    client = make(settings('together', api.baseURL), api.key);
  });
  afterEach(async () => {
    await api.close();
    assert.deepEqual(checker.violations, [], checker.violations.join('\n'));
  });

  const plan = (trainingFile: string): TrainingPlan => ({ model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', method: 'supervised', trainingFile, suffix: 'wire', hyperparameters: { n_checkpoints: 2 } });

  it('uploads, trains from the adapter\'s job body, and answers in OpenAI shapes: statuses, metrics events, checkpoints, models, chat and stream', async () => {
    assert.equal(client.constructor.name, 'TogetherTunelineClient');
    assert.equal(client.batchApi?.supported, false);
    const f = await client.createFile({ name: 'train.jsonl', data: Buffer.from(GOOD_JSONL) }, 'fine-tune');
    assert.equal(f.bytes, Buffer.byteLength(GOOD_JSONL));
    assert.equal((await client.retrieveFile(f.id)).filename, 'train.jsonl');
    assert.deepEqual((await client.listFiles({ purpose: 'fine-tune', limit: 5 })).data.map((x) => x.id), [f.id]);
    assert.equal(new TextDecoder().decode(await client.fileContent(f.id)), GOOD_JSONL);
    const job = await client.createJob(TOGETHER.jobRequest(plan(f.id)) as never);
    assert.equal(job.status, 'queued', 'Together pending → queued');
    assert.equal((job.metadata as Record<string, string>)['service_status'], 'pending');
    advance(20_000);
    const running = await client.retrieveJob(job.id);
    assert.equal(running.status, 'running');
    const events = await client.listJobEvents(job.id, { limit: 100 });
    const metrics = events.data.filter((e) => e.type === 'metrics');
    assert.ok(metrics.length >= 3, 'metrics rows as metrics events');
    const d = metrics[0]!.data as { step: number; train_loss: number; total_steps?: number };
    assert.equal(typeof d.train_loss, 'number');
    assert.ok(d.step > (metrics[1]!.data as { step: number }).step, 'newest first');
    // Polling: everything new since the last read is above everything read before (messages and points alike).
    const known = new Set(events.data.map((e) => e.id));
    advance(40_000);
    const later = (await client.listJobEvents(job.id, { limit: 100 })).data;
    const firstKnown = later.findIndex((e) => known.has(e.id));
    assert.ok(firstKnown > 0, 'new events arrived');
    assert.ok(later.slice(firstKnown).every((e) => known.has(e.id)), 'no new event below a known one');
    assert.ok(later.slice(0, firstKnown).some((e) => e.type === 'message' && /Job finished/.test(e.message)), 'the job_complete message is among the new ones');
    assert.ok(later.slice(0, firstKnown).some((e) => e.type === 'metrics'), 'and new points');
    const done = await client.retrieveJob(job.id);
    assert.equal(done.status, 'succeeded');
    assert.match(done.fine_tuned_model ?? '', /^local_user\/.*-wire-/);
    const cps = await client.listJobCheckpoints(job.id);
    assert.ok(cps.data.length >= 1);
    assert.equal(cps.data[0]!.fine_tuned_model_checkpoint, `${job.id}:${cps.data[0]!.step_number}`, 'JOB:STEP, as from_checkpoint takes it');
    const list = await client.listJobs({ limit: 10 });
    assert.deepEqual(list.data.map((j) => [j.id, j.status]), [[job.id, 'succeeded']]);
    assert.ok((await client.listModels()).some((m) => m.id === done.fine_tuned_model), 'the tuned model is listed');
    // Not deployed yet: Together's 404 in plain words, not retried.
    const notServed = await rejection(client.chat({ model: done.fine_tuned_model!, messages: [{ role: 'user', content: TOPICS[0]![0] }] }));
    assert.equal(notServed.name, 'ApiError');
    assert.match(notServed.message, /only once it is deployed on a dedicated endpoint, and this one is not deployed\. Deploy it from the model's page/);
    assert.equal(api.requests.filter((r) => r.method === 'POST' && r.path === '/v1/chat/completions').length, 1, 'a 404 is not retried');
    api.deploy(done.fine_tuned_model!);
    const reply = await client.chat({ model: done.fine_tuned_model!, messages: [{ role: 'user', content: TOPICS[0]![0] }] });
    assert.match(reply.choices[0]!.message.content ?? '', new RegExp(TOPICS[0]![1]!.slice(0, 20)));
    const streamed = await text(client.streamChat({ model: done.fine_tuned_model!, messages: [{ role: 'user', content: TOPICS[1]![0] }] }));
    assert.match(streamed, /Canberra/);
  });

  it('a failed job carries its job_error message, which maps to the dataset line; faults end as ApiError', async () => {
    const f = await client.createFile({ name: 'bad.jsonl', data: Buffer.from(BAD_JSONL) }, 'fine-tune');
    const job = await client.createJob(TOGETHER.jobRequest(plan(f.id)) as never);
    advance(6_000);
    const failed = await client.retrieveJob(job.id);
    assert.equal(failed.status, 'failed');
    assert.match(failed.error?.message ?? '', /Example 4/);
    assert.equal(exampleLine(failed.error?.message, BAD_JSONL), 3);
    assert.equal((await client.listJobs()).data[0]!.error?.message, failed.error?.message, 'the list says it too');
    api.faults.push({ path: '^/fine-tunes$', method: 'GET', status: 429, retryAfterSeconds: 1, times: 1 });
    const t0 = Date.now();
    await client.listJobs();
    assert.ok(Date.now() - t0 >= 900, 'waited the retry-after');
    api.faults.push({ path: '^/fine-tunes/', method: 'GET', status: 503, times: 10 });
    const e = await rejection(client.retrieveJob(job.id));
    assert.equal(e.name, 'ApiError');
    assert.equal(e.kind, 'server');
    assert.match(e.message, /had a problem of its own \(503\)\. Tuneline tried 4 times/);
    assert.ok(!e.message.includes(api.key));
    assert.match((await rejection(client.createBatch('x', {}))).message, /Batch API/);
    assert.match((await rejection(client.pauseJob(job.id))).message, /Together has no pause/);
    assert.match((await rejection(client.createUpload({ bytes: 1, filename: 'a.jsonl', mimeType: 'application/jsonl', purpose: 'fine-tune' }))).message, /presigned PUT/);
  });
});

describe('TunelineClient for Fireworks AI (sdkClientFactory → FireworksTunelineClient, local flavour)', function () {
  this.timeout(30_000);
  let api: LocalFireworks;
  let client: TunelineClient;
  const advance = (ms: number): void => {
    for (let t = 0; t < ms; t += 1000) api.clock.advance(1000);
  };
  beforeEach(async () => {
    api = await startLocalFireworks();
    client = make(settings('fireworks', api.baseURL, api.account), api.key);
  });
  afterEach(async () => {
    await api.close();
  });

  it('a service that cannot be reached ends as a connection ApiError after the retries', async () => {
    const dead = make(settings('fireworks', 'http://127.0.0.1:9', api.account), api.key);
    const e = await rejection(dead.listJobs());
    assert.equal(e.name, 'ApiError');
    assert.equal(e.kind, 'connection');
    assert.match(e.message, /the connection to 127\.0\.0\.1:9 failed .*Tuneline tried 4 times/);
  });

  it('needs tuneline.fireworks.account', () => {
    assert.throws(() => make(settings('fireworks', api.baseURL, ''), api.key), /tuneline\.fireworks\.account/);
  });

  it('uploads a dataset, trains, maps JOB_STATE_* and deploys the tuned model on the first chat', async () => {
    const f = await client.createFile({ name: 'train.jsonl', data: Buffer.from(GOOD_JSONL) }, 'fine-tune');
    assert.match(f.id, /^accounts\/local-account\/datasets\/tl-train-\d+b-[a-z0-9]+$/);
    assert.equal(f.bytes, Buffer.byteLength(GOOD_JSONL), 'the size, from the dataset id');
    const again = await client.retrieveFile(f.id);
    assert.deepEqual([again.filename, again.bytes, again.status], ['train.jsonl', f.bytes, 'processed']);
    assert.deepEqual((await client.listFiles({ limit: 5 })).data.map((x) => x.id), [f.id]);
    const job = await client.createJob(FIREWORKS.jobRequest({ model: 'accounts/fireworks/models/llama-v3p1-8b-instruct', method: 'supervised', trainingFile: f.id }) as never);
    assert.equal(job.status, 'validating_files', 'JOB_STATE_CREATING');
    advance(20_000);
    assert.equal((await client.retrieveJob(job.id)).status, 'running');
    const ev = await client.listJobEvents(job.id);
    assert.match(ev.data[0]!.message, /running, \d+ %/);
    advance(40_000);
    const done = await client.retrieveJob(job.id);
    assert.equal(done.status, 'succeeded');
    assert.match(done.fine_tuned_model ?? '', /^accounts\/local-account\/models\//);
    assert.ok((await client.listModels()).some((m) => m.id === done.fine_tuned_model));
    assert.deepEqual((await client.listJobCheckpoints(job.id)).data, []);
    const reply = await client.chat({ model: done.fine_tuned_model!, messages: [{ role: 'user', content: TOPICS[1]![0] }] });
    assert.match(reply.choices[0]!.message.content ?? '', /Canberra/);
    assert.equal(api.requests.filter((r) => r.path.endsWith('/deployedModels')).length, 1, 'deployed once, on the first chat');
    assert.match(await text(client.streamChat({ model: done.fine_tuned_model!, messages: [{ role: 'user', content: TOPICS[0]![0] }] })), /reset button/);
    assert.equal(api.requests.filter((r) => r.path.endsWith('/deployedModels')).length, 1, 'not again');
    const cancelled = await client.cancelJob(job.id);
    assert.equal(cancelled.status, 'cancelled');
  });

  it('a failed job\'s status.message maps to the dataset line; 429 retried after retry-after; 5xx in plain words', async () => {
    const f = await client.createFile({ name: 'bad.jsonl', data: Buffer.from(BAD_JSONL) }, 'fine-tune');
    const job = await client.createJob(FIREWORKS.jobRequest({ model: 'accounts/fireworks/models/llama-v3p1-8b-instruct', method: 'supervised', trainingFile: f.id }) as never);
    advance(2_000);
    const failed = await client.retrieveJob(job.id);
    assert.equal(failed.status, 'failed');
    assert.equal(exampleLine(failed.error?.message, BAD_JSONL), 3);
    api.faults.push({ path: 'supervisedFineTuningJobs$', method: 'GET', status: 429, retryAfterSeconds: 1, times: 1 });
    const t0 = Date.now();
    assert.equal((await client.listJobs()).data.length, 1);
    assert.ok(Date.now() - t0 >= 900);
    api.faults.push({ path: 'supervisedFineTuningJobs/', method: 'GET', status: 500, times: 10 });
    const e = await rejection(client.retrieveJob(job.id));
    assert.equal(e.kind, 'server');
    assert.match(e.message, /had a problem of its own \(500\)\. Tuneline tried 4 times/);
    assert.match((await rejection(client.fileContent(f.id))).message, /getDownloadEndpoint/);
    assert.match((await rejection(client.listBatches())).message, /batch inference/);
  });
});
