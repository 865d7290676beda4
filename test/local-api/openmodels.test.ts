/**
 * The OpenAI-compatible open-model flavours (issue 20): Nebius Token Factory and Amazon Bedrock Mantle, on the local
 * OpenAI-shaped engine (responses checked against OpenAI's OpenAPI document, as for the other flavours), driven the
 * way Tuneline drives them: the `openai` SDK at the service's base URL (what SdkClient wraps) with the adapters' job
 * bodies, and Tuneline's retry layer (providers/retry.ts `withRetry` + `openAIFailure`, i.e. errorInfo's rules) for
 * the faults.
 */
import assert from 'node:assert/strict';
import { toFile } from 'openai';
import { BEDROCK_MANTLE, NEBIUS, tunelineStatus } from '../../src/api/providers';
import { exampleLine, openAIFailure, ProviderHttpError, withRetry } from '../../src/api/providers/retry';
import { startLocalApi, type LocalApi } from '../../tools/local-api';
import { GOOD_JSONL, TOPICS, chatLine, client, useLocalApi } from './helpers';
import { SpecChecker } from './specCheck';

const FAST = { baseDelayMs: 5, maxDelayMs: 20, maxWaitMs: 2_000 };

const run = (api: { clock: { advance(ms: number): void } }, ms: number): void => {
  for (let t = 0; t < ms; t += 2000) api.clock.advance(2000);
};

/** 120 RFT examples: messages + reference_answer (rft-prepare-data-open-weight.html). */
const RFT_JSONL = `${Array.from({ length: 120 }, (_, i) => {
  const [q, a] = TOPICS[i % TOPICS.length]!;
  return JSON.stringify({ messages: [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: `${q} (${i})` }], reference_answer: a });
}).join('\n')}\n`;

const GRADER = { type: 'lambda', lambda_arn: 'arn:aws:lambda:us-east-1:123456789012:function:reward' };

describe('local API, Nebius Token Factory flavour', function () {
  this.timeout(30_000);
  const ctx = useLocalApi('nebius');

  it('offers only Nebius models; trains a LoRA SFT job to succeeded with metrics; chats with the tuned model', async () => {
    const c = ctx.client();
    const models = (await c.models.list()).data.map((m) => m.id);
    assert.ok(models.includes('meta-llama/Meta-Llama-3.1-8B-Instruct') && !models.some((m) => m.startsWith('gpt-')));
    const f = await c.files.create({ file: await toFile(Buffer.from(GOOD_JSONL), 'train.jsonl'), purpose: 'fine-tune' });
    const plan = { model: 'meta-llama/Meta-Llama-3.1-8B-Instruct', method: 'supervised' as const, trainingFile: f.id, hyperparameters: { n_epochs: 2, lora_r: 16 }, suffix: 'demo', options: { adapter: 'lora' } };
    assert.deepEqual(NEBIUS.check(plan), []);
    const body = NEBIUS.jobRequest(plan);
    assert.deepEqual(body['hyperparameters'], { n_epochs: 2, lora_r: 16, lora: true });
    const job = await c.fineTuning.jobs.create(body as never);
    run(ctx.api(), 120_000);
    const done = await c.fineTuning.jobs.retrieve(job.id);
    assert.equal(tunelineStatus(NEBIUS.capabilities, done.status)?.tuneline, 'succeeded');
    const events = await c.fineTuning.jobs.listEvents(job.id, { limit: 100 });
    assert.ok(events.data.some((e) => e.type === 'metrics'));
    const reply = await c.chat.completions.create({ model: done.fine_tuned_model!, messages: [{ role: 'user', content: TOPICS[1][0] }] });
    assert.match(reply.choices[0]!.message.content ?? '', /Canberra/);
    // an OpenAI model is not tuned here
    await assert.rejects(c.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: f.id }), (e: { status?: number }) => e.status === 400);
  });

  it('429 with retry-after and 5xx are retried by Tuneline\'s layer; a failed job names the example', async () => {
    const c = ctx.client();
    const api = ctx.api();
    api.faults.add({ kind: 'rate-limit', method: 'GET', path: '^/files$', retryAfter: 0.2 });
    api.faults.add({ kind: 'error', status: 503, method: 'GET', path: '^/files$', skip: 1 });
    const t0 = Date.now();
    const list = await withRetry('Nebius Token Factory', 'list files', () => c.files.list(), openAIFailure('Nebius Token Factory', 'list files'), { policy: FAST });
    assert.deepEqual(list.data, []);
    assert.ok(Date.now() - t0 >= 190);
    assert.equal(api.requests.count({ operation: '/files' }), 3);
    const lines = GOOD_JSONL.trim().split('\n');
    const bad = `${lines.slice(0, 4).join('\n')}\n\n{"messages": [{"role": "user", "content": "no answer"}]}\n${lines.slice(4).join('\n')}\n`;
    const f = await c.files.create({ file: await toFile(Buffer.from(bad), 'bad.jsonl'), purpose: 'fine-tune' });
    const job = await c.fineTuning.jobs.create(NEBIUS.jobRequest({ model: 'meta-llama/Meta-Llama-3.1-8B-Instruct', method: 'supervised', trainingFile: f.id }) as never);
    run(api, 20_000);
    const failed = await c.fineTuning.jobs.retrieve(job.id);
    assert.equal(tunelineStatus(NEBIUS.capabilities, failed.status)?.tuneline, 'failed');
    assert.match(failed.error?.message ?? '', /Example 5/);
    assert.equal(exampleLine(failed.error?.message, bad), 5);
  });
});

/**
 * Bedrock's reward function is an AWS Lambda function: its grader object is not one of OpenAI's grader types, so the
 * OpenAI spec check reports `method.reinforcement.grader` on every job response. That one difference is allowed here
 * (KNOWN gap of this flavour); every other violation fails the test.
 */
describe('local API, Bedrock Mantle flavour', function () {
  this.timeout(30_000);
  let api: LocalApi;
  let checker: SpecChecker;
  beforeEach(async () => {
    checker = new SpecChecker();
    api = await startLocalApi({ flavour: 'bedrock-mantle', onResponse: checker.onResponse });
  });
  afterEach(async () => {
    await api.close();
    const other = checker.violations.filter((v) => !v.errors.every((e) => e.startsWith('/method/reinforcement/grader')));
    assert.deepEqual(other, [], checker.report());
  });
  const ctx = { api: () => api, client: () => client(api) };

  it('RFT only, on messages + reference_answer with 100 to 20,000 examples: runs to succeeded and chats', async () => {
    const c = ctx.client();
    const f = await c.files.create({ file: await toFile(Buffer.from(RFT_JSONL), 'rft.jsonl'), purpose: 'fine-tune' });
    const plan = { model: 'openai.gpt-oss-20b', method: 'reinforcement' as const, trainingFile: f.id, grader: GRADER, hyperparameters: { n_epochs: 1 } };
    assert.deepEqual(BEDROCK_MANTLE.check(plan), []);
    assert.ok(BEDROCK_MANTLE.check({ ...plan, method: 'supervised' }).some((p) => p.field === 'method'));
    const job = await c.fineTuning.jobs.create(BEDROCK_MANTLE.jobRequest(plan) as never);
    run(ctx.api(), 180_000);
    const done = await c.fineTuning.jobs.retrieve(job.id);
    assert.equal(done.status, 'succeeded', JSON.stringify(done.error));
    const reply = await c.chat.completions.create({ model: done.fine_tuned_model!, messages: [{ role: 'user', content: 'hello' }] });
    assert.ok(reply.choices[0]!.message.content);
  });

  it('fewer than 100 examples, or one without reference_answer (named as Example N), fails the job', async () => {
    const c = ctx.client();
    const small = RFT_JSONL.split('\n').slice(0, 50).join('\n');
    const f1 = await c.files.create({ file: await toFile(Buffer.from(small), 'small.jsonl'), purpose: 'fine-tune' });
    const j1 = await c.fineTuning.jobs.create(BEDROCK_MANTLE.jobRequest({ model: 'openai.gpt-oss-20b', method: 'reinforcement', trainingFile: f1.id, grader: GRADER }) as never);
    const rows = RFT_JSONL.trim().split('\n');
    rows[6] = chatLine('a question', 'an answer');
    const text = `${rows.join('\n')}\n`;
    const f2 = await c.files.create({ file: await toFile(Buffer.from(text), 'noref.jsonl'), purpose: 'fine-tune' });
    const j2 = await c.fineTuning.jobs.create(BEDROCK_MANTLE.jobRequest({ model: 'openai.gpt-oss-20b', method: 'reinforcement', trainingFile: f2.id, grader: GRADER }) as never);
    run(ctx.api(), 20_000);
    const r1 = await c.fineTuning.jobs.retrieve(j1.id);
    assert.equal(r1.status, 'failed');
    assert.match(r1.error?.message ?? '', /at least 100/);
    const r2 = await c.fineTuning.jobs.retrieve(j2.id);
    assert.equal(r2.status, 'failed');
    assert.match(r2.error?.message ?? '', /Example 7: missing "reference_answer"/);
    assert.equal(exampleLine(r2.error?.message, text), 6);
    const err = await withRetry('Amazon Bedrock (Mantle)', 'read a job', () => c.fineTuning.jobs.retrieve('ftjob-missing'), openAIFailure('Amazon Bedrock (Mantle)', 'read a job'), { policy: FAST }).catch((e: unknown) => e);
    assert.ok(err instanceof ProviderHttpError && err.status === 404 && err.retries === 0);
  });
});
