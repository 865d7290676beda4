/**
 * The local API's Azure flavour (issue 16): `trainingType` on job create, the open models Foundry tunes, and the job
 * quotas (3 running per resource, 5 for Developer training, 20 queued → 429 in the service's error shape). Every
 * OpenAI-shaped response is checked against the spec as in the other local API tests.
 */
import assert from 'node:assert/strict';
import type OpenAI from 'openai';
import type { APIError } from 'openai';
import { AZURE } from '../../src/api/providers';
import { GOOD_JSONL, driveUntil, uploadText, useLocalApi } from './helpers';

const refused = (status: number, param: string | null, code: string) => (e: APIError): boolean => {
  assert.equal(e.status, status, e.message);
  assert.equal(e.param, param, e.message);
  assert.equal(e.code, code, e.message);
  return true;
};

/** `jobs.create` with Azure's extra top-level field (the SDK passes unknown body keys through). */
const createWithType = (c: OpenAI, body: OpenAI.FineTuning.JobCreateParams & { trainingType?: string }) =>
  c.fineTuning.jobs.create(body as OpenAI.FineTuning.JobCreateParams);

describe('local API azure flavour: training types and open models', () => {
  const ctx = useLocalApi('azure');

  it('trains an open model with Global training to success; the adapter\'s request is what the flavour accepts', async () => {
    const api = ctx.api();
    const c = ctx.client();
    const file = await uploadText(c, GOOD_JSONL);
    const body = AZURE.jobRequest({ model: 'gpt-oss-20b', method: 'supervised', trainingFile: file.id, hyperparameters: { n_epochs: 2 } });
    assert.equal(body['trainingType'], 'globalstandard');
    const job = await c.fineTuning.jobs.create(body as unknown as OpenAI.FineTuning.JobCreateParams);
    const end = await driveUntil(api, c, job.id, ['succeeded', 'failed']);
    assert.equal(end.status, 'succeeded', JSON.stringify(end.error));
    assert.match(end.fine_tuned_model ?? '', /^gpt-oss-20b\.ft-[0-9a-f]{32}$/);
    const events = (await c.fineTuning.jobs.listEvents(job.id, { limit: 100 })).data.map((e) => e.message);
    assert.ok(events.includes('Training type: globalstandard'));
    assert.equal(api.state.jobs.get(job.id)?.trainingType, 'globalstandard');
  });

  it('refuses an open model without Global training, a bad value, and Developer training for o4-mini', async () => {
    const c = ctx.client();
    const file = await uploadText(c, GOOD_JSONL);
    await assert.rejects(c.fineTuning.jobs.create({ model: 'Llama-3.3-70B-Instruct', training_file: file.id }), refused(400, 'trainingType', 'invalid_training_type'));
    await assert.rejects(createWithType(c, { model: 'Qwen-32B', training_file: file.id, trainingType: 'standard' }), refused(400, 'trainingType', 'invalid_training_type'));
    await assert.rejects(createWithType(c, { model: 'gpt-4.1-mini', training_file: file.id, trainingType: 'datazone' }), refused(400, 'trainingType', 'invalid_value'));
    await assert.rejects(
      createWithType(c, { model: 'o4-mini', training_file: file.id, trainingType: 'developer', method: { type: 'reinforcement', reinforcement: { grader: { type: 'string_check', name: 'g', input: '{{sample.output_text}}', reference: 'x', operation: 'eq' } } } }),
      refused(400, 'trainingType', 'invalid_training_type'),
    );
    // case does not matter (the docs write "globalstandard"; SDK users write "globalStandard")
    const ok = await createWithType(c, { model: 'Ministral-3B', training_file: file.id, trainingType: 'GlobalStandard' });
    assert.equal(ok.status, 'validating_files');
    // open models are supervised only
    await assert.rejects(
      createWithType(c, { model: 'gpt-oss-20b', training_file: file.id, trainingType: 'globalstandard', method: { type: 'dpo' } }),
      refused(400, 'method.type', 'invalid_value'),
    );
  });

  it('lists the open models among its base models', async () => {
    const ids = (await ctx.client().models.list()).data.map((m) => m.id);
    for (const id of ['gpt-oss-20b', 'Llama-3.3-70B-Instruct', 'Qwen-32B', 'Ministral-3B']) assert.ok(ids.includes(id), id);
  });
});

describe('local API openai flavour: no Azure training types or open models', () => {
  const ctx = useLocalApi('openai');

  it('refuses trainingType as an unknown parameter and does not know the open models', async () => {
    const c = ctx.client();
    const file = await uploadText(c, GOOD_JSONL);
    await assert.rejects(createWithType(c, { model: 'gpt-4.1-mini', training_file: file.id, trainingType: 'globalstandard' }), refused(400, 'trainingType', 'unknown_parameter'));
    await assert.rejects(c.fineTuning.jobs.create({ model: 'gpt-oss-20b', training_file: file.id }), refused(400, 'model', 'model_not_available'));
    const ids = (await c.models.list()).data.map((m) => m.id);
    assert.ok(!ids.includes('gpt-oss-20b'));
  });

  it('has no job quota: five jobs run at once', async () => {
    const api = ctx.api();
    const c = ctx.client();
    const file = await uploadText(c, GOOD_JSONL);
    const jobs = [];
    for (let i = 0; i < 5; i++) jobs.push(await c.fineTuning.jobs.create({ model: 'gpt-4.1-mini', training_file: file.id, seed: i }));
    api.clock.advance(8_000);
    const running = [...api.state.jobs.values()].filter((j) => j.status === 'running').length;
    assert.equal(running, 5);
  });
});

describe('local API azure flavour: job quotas', () => {
  describe('3 running at once per resource', () => {
    const ctx = useLocalApi('azure');

    it('a 4th job waits in the queue until a running one ends, then runs to success', async () => {
      const api = ctx.api();
      const c = ctx.client();
      const file = await uploadText(c, GOOD_JSONL);
      const jobs = [];
      for (let i = 0; i < 4; i++) jobs.push(await c.fineTuning.jobs.create({ model: 'gpt-4.1-mini', training_file: file.id, seed: i }));
      let most = 0;
      for (let t = 0; t < 10 * 60_000 && [...api.state.jobs.values()].some((j) => j.status !== 'succeeded'); t += 1000) {
        api.clock.advance(1000);
        const running = [...api.state.jobs.values()].filter((j) => j.status === 'running').length;
        most = Math.max(most, running);
        if (running === 3) {
          const fourth: { status: string } = api.state.jobs.get(jobs[3]!.id)!;
          assert.equal(fourth.status, 'queued', 'the 4th waits while 3 run');
        }
      }
      assert.equal(most, 3, 'never more than 3 running');
      for (const j of jobs) assert.equal((await c.fineTuning.jobs.retrieve(j.id)).status, 'succeeded');
      const events = api.state.jobs.get(jobs[3]!.id)!.events.map((e) => e.message);
      assert.ok(events.some((m) => /^Waiting in the queue: 3 jobs/.test(m)), events.slice(0, 8).join(' | '));
    });

    it('with Azure\'s limits, 3 can run and 20 wait: the 24th job is refused', async () => {
      const c = ctx.client();
      const file = await uploadText(c, GOOD_JSONL);
      for (let i = 0; i < 23; i++) await c.fineTuning.jobs.create({ model: 'gpt-4.1-mini', training_file: file.id, seed: i });
      await assert.rejects(c.fineTuning.jobs.create({ model: 'gpt-4.1-mini', training_file: file.id }), (e: APIError) => {
        refused(429, null, 'quota_exceeded')(e);
        assert.match(e.message, /queued fine-tuning jobs \(20\)/);
        return true;
      });
    });

    it('Developer training has its own limit of 5', async () => {
      const api = ctx.api();
      const c = ctx.client();
      const file = await uploadText(c, GOOD_JSONL);
      for (let i = 0; i < 6; i++) await createWithType(c, { model: 'gpt-4.1-mini', training_file: file.id, trainingType: 'developer', seed: i });
      for (let i = 0; i < 3; i++) await c.fineTuning.jobs.create({ model: 'gpt-4.1-nano', training_file: file.id, seed: 10 + i });
      api.clock.advance(8_000);
      const running = [...api.state.jobs.values()].filter((j) => j.status === 'running');
      assert.equal(running.filter((j) => j.trainingType === 'developer').length, 5);
      assert.equal(running.filter((j) => j.trainingType !== 'developer').length, 3);
    });
  });

  describe('no queue (maxQueued 0): the 4th concurrent job is refused', () => {
    const ctx = useLocalApi('azure', { azureQuotas: { maxQueued: 0 } });

    it('accepts 3, refuses the 4th with 429 quota_exceeded, and takes Developer jobs in their own pool', async () => {
      const c = ctx.client();
      const file = await uploadText(c, GOOD_JSONL);
      for (let i = 0; i < 3; i++) await c.fineTuning.jobs.create({ model: 'gpt-4.1-mini', training_file: file.id, seed: i });
      await assert.rejects(c.fineTuning.jobs.create({ model: 'gpt-4.1-mini', training_file: file.id }), (e: APIError) => {
        refused(429, null, 'quota_exceeded')(e);
        assert.match(e.message, /with 0 running \(at most 3\)/);
        assert.match(AZURE.explainError({ status: e.status, code: e.code ?? undefined, message: e.message })?.message ?? '', /at most 3 jobs running at once/);
        return true;
      });
      assert.ok(await createWithType(c, { model: 'gpt-4.1-mini', training_file: file.id, trainingType: 'developer' }));
    });
  });

  describe('the queue limit', () => {
    // 20 queued jobs is Azure's limit; a small limit keeps the test short (same code path).
    const ctx = useLocalApi('azure', { azureQuotas: { maxRunning: 1, maxQueued: 2 } });

    it('refuses a create beyond the queue with 429 quota_exceeded, in the service\'s error shape, explained by the adapter', async () => {
      const api = ctx.api();
      const c = ctx.client();
      const file = await uploadText(c, GOOD_JSONL);
      const first = await c.fineTuning.jobs.create({ model: 'gpt-4.1-mini', training_file: file.id });
      api.clock.advance(8_000); // the first runs
      assert.equal((await c.fineTuning.jobs.retrieve(first.id)).status, 'running');
      await c.fineTuning.jobs.create({ model: 'gpt-4.1-mini', training_file: file.id });
      await c.fineTuning.jobs.create({ model: 'gpt-4.1-mini', training_file: file.id });
      let error: APIError | undefined;
      await assert.rejects(c.fineTuning.jobs.create({ model: 'gpt-4.1-mini', training_file: file.id }), (e: APIError) => {
        error = e;
        return refused(429, null, 'quota_exceeded')(e);
      });
      assert.equal(error?.type, 'invalid_request_error');
      assert.match(error?.message ?? '', /maximum number of queued fine-tuning jobs \(2\)/);
      const explained = AZURE.explainError({ status: error!.status, code: error!.code ?? undefined, message: error!.message });
      assert.match(explained?.message ?? '', /job quota/);
      assert.match(explained?.next ?? '', /cancel one/);
      // cancelling a queued job makes room
      const queued = [...api.state.jobs.values()].find((j) => j.status === 'queued' || j.status === 'validating_files')!;
      await c.fineTuning.jobs.cancel(queued.id);
      assert.ok(await c.fineTuning.jobs.create({ model: 'gpt-4.1-mini', training_file: file.id }));
    });
  });
});
