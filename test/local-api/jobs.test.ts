/** Fine-tuning jobs: request checks, validation failures like the service's, state rules, auth and not-found. */
import assert from 'node:assert/strict';
import type OpenAI from 'openai';
import type { APIError } from 'openai';
import { DPO_JSONL, GOOD_JSONL, TINY_JSONL, TOPICS, chatLine, driveUntil, uploadText, useLocalApi, type Flavour } from './helpers';

const badRequest = (param: string | null, code?: string) => (e: APIError): boolean => {
  assert.equal(e.status, 400, e.message);
  assert.equal(e.param, param, e.message);
  if (code !== undefined) assert.equal(e.code, code, e.message);
  assert.equal(e.type, 'invalid_request_error');
  return true;
};

describe('local API jobs', () => {
  const ctx = useLocalApi('openai');

  it('fails with invalid_n_examples under 10 examples', async () => {
    const api = ctx.api();
    const c = ctx.client();
    const file = await uploadText(c, TINY_JSONL);
    const job = await c.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
    const end = await driveUntil(api, c, job.id, ['failed', 'queued', 'running', 'succeeded']);
    assert.equal(end.status, 'failed');
    assert.deepEqual(end.error, {
      code: 'invalid_n_examples',
      param: 'training_file',
      message: 'Training file has 3 example(s), but must have at least 10 examples',
    });
    assert.ok(end.finished_at);
    const events = (await c.fineTuning.jobs.listEvents(job.id)).data;
    assert.equal(events[0]!.level, 'error');
    assert.equal(events[0]!.message, end.error.message);
  });

  it('fails with invalid_file_format naming the first bad example (blank lines do not count)', async () => {
    const api = ctx.api();
    const c = ctx.client();
    const lines = TOPICS.map(([p, r]) => chatLine(p, r));
    // line 6 (0-based 5) is blank; line 8 (0-based 7) is cut JSON: it is example 7; line 10 has a bad role too
    lines.splice(5, 0, '');
    lines[7] = lines[7]!.slice(0, 40);
    lines[9] = lines[9]!.replace('"role":"user"', '"role":"usr"');
    const file = await uploadText(c, `${lines.join('\n')}\n`);
    const job = await c.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
    const end = await driveUntil(api, c, job.id, ['failed', 'queued']);
    assert.equal(end.status, 'failed');
    assert.equal(end.error?.code, 'invalid_file_format');
    assert.equal(end.error?.param, 'training_file');
    assert.match(end.error?.message ?? '', /^Invalid file format\. Example 7: /);
  });

  it('checks the method: DPO data passes for a DPO job and fails a supervised one', async () => {
    const api = ctx.api();
    const c = ctx.client();
    const file = await uploadText(c, DPO_JSONL, 'dpo.jsonl');
    const dpo = await c.fineTuning.jobs.create({
      model: 'gpt-4.1-mini',
      training_file: file.id,
      method: { type: 'dpo', dpo: { hyperparameters: { beta: 0.2 } } },
    });
    const sft = await c.fineTuning.jobs.create({ model: 'gpt-4.1-mini', training_file: file.id });
    api.clock.advance(5_000);
    assert.equal((await c.fineTuning.jobs.retrieve(dpo.id)).status, 'queued');
    const failed = await c.fineTuning.jobs.retrieve(sft.id);
    assert.equal(failed.status, 'failed');
    assert.match(failed.error?.message ?? '', /^Invalid file format\. Example 1: /);
    const done = await driveUntil(api, c, dpo.id, ['succeeded', 'failed'], 5000);
    assert.equal(done.status, 'succeeded');
    assert.equal(done.method?.dpo?.hyperparameters?.beta, 0.2);
  });

  it('continues training from a fine-tuned model', async () => {
    const api = ctx.api();
    const c = ctx.client();
    const file = await uploadText(c, GOOD_JSONL);
    const first = await c.fineTuning.jobs.create({ model: 'gpt-4.1-nano', training_file: file.id, suffix: 'one' });
    const ft1 = (await driveUntil(api, c, first.id, ['succeeded'], 5000)).fine_tuned_model!;
    const second = await c.fineTuning.jobs.create({ model: ft1, training_file: file.id, suffix: 'two' });
    assert.equal(second.model, ft1);
    const ft2 = (await driveUntil(api, c, second.id, ['succeeded'], 5000)).fine_tuned_model!;
    assert.match(ft2, /^ft:gpt-4\.1-nano-2025-04-14:org-local:two:[A-Za-z0-9]{8}$/);
    // DPO on top of it is allowed (the root model supports it); reinforcement is not
    await assert.rejects(c.fineTuning.jobs.create({ model: ft2, training_file: file.id, method: { type: 'reinforcement', reinforcement: { grader: { type: 'string_check', name: 'g', input: '{{sample.output_text}}', reference: 'x', operation: 'eq' } } } }), badRequest('method.type'));
  });

  it('runs a reinforcement job on o4-mini with its grader', async () => {
    const api = ctx.api();
    const c = ctx.client();
    const rft = TOPICS.map(([p, r]) => JSON.stringify({ messages: [{ role: 'developer', content: 'Answer briefly.' }, { role: 'user', content: p }], reference_answer: r })).join('\n');
    const file = await uploadText(c, `${rft}\n`, 'rft.jsonl');
    const grader = { type: 'string_check', name: 'exact', input: '{{sample.output_text}}', reference: '{{item.reference_answer}}', operation: 'eq' } as const;
    const job = await c.fineTuning.jobs.create({
      model: 'o4-mini',
      training_file: file.id,
      method: { type: 'reinforcement', reinforcement: { grader, hyperparameters: { reasoning_effort: 'low' } } },
    });
    assert.equal(job.model, 'o4-mini-2025-04-16');
    assert.deepEqual(job.method?.reinforcement?.grader, grader);
    assert.equal(job.method?.reinforcement?.hyperparameters?.reasoning_effort, 'low');
    const end = await driveUntil(api, c, job.id, ['succeeded', 'failed'], 5000);
    assert.equal(end.status, 'succeeded', JSON.stringify(end.error));
  });

  it('refuses bad create requests with 400 and the param at fault', async () => {
    const c = ctx.client();
    const file = await uploadText(c, GOOD_JSONL);
    const other = await uploadText(c, GOOD_JSONL, 'batch.jsonl', 'batch');
    const create = (body: Record<string, unknown>): Promise<unknown> =>
      c.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id, ...body } as OpenAI.FineTuning.JobCreateParams);
    await assert.rejects(create({ model: 'gpt-nope' }), badRequest('model', 'model_not_available'));
    await assert.rejects(create({ training_file: 'file-missing' }), badRequest('training_file'));
    await assert.rejects(create({ training_file: other.id }), badRequest('training_file'));
    await assert.rejects(create({ validation_file: 'file-missing' }), badRequest('validation_file'));
    await assert.rejects(create({ suffix: 'x'.repeat(65) }), badRequest('suffix'));
    await assert.rejects(create({ suffix: 'has space' }), badRequest('suffix'));
    await assert.rejects(create({ seed: -1 }), badRequest('seed'));
    await assert.rejects(create({ hyperparameters: { n_epochs: 51 } }), badRequest('hyperparameters.n_epochs'));
    await assert.rejects(create({ method: { type: 'supervised', supervised: { hyperparameters: { batch_size: 0 } } } }), badRequest('method.supervised.hyperparameters.batch_size'));
    await assert.rejects(create({ method: { type: 'supervised', supervised: { hyperparameters: { learning_rate_multiplier: 0 } } } }), badRequest('method.supervised.hyperparameters.learning_rate_multiplier'));
    await assert.rejects(create({ method: { type: 'magic' } }), badRequest('method.type'));
    await assert.rejects(create({ model: 'gpt-3.5-turbo', method: { type: 'dpo' } }), badRequest('method.type'));
    await assert.rejects(create({ model: 'o4-mini', method: { type: 'reinforcement', reinforcement: {} } }), badRequest('method.reinforcement.grader'));
    await assert.rejects(create({ metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) }), badRequest('metadata'));
    await assert.rejects(create({ hyperparameters: { n_epochs: 2 }, method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 2 } } } }), badRequest('hyperparameters'));
    await assert.rejects(c.fineTuning.jobs.create({ training_file: file.id } as OpenAI.FineTuning.JobCreateParams), badRequest('model', 'missing_required_parameter'));
    await assert.rejects(create({ epochs: 3 }), badRequest('epochs', 'unknown_parameter'));
    // a raw request with broken JSON
    const api = ctx.api();
    const res = await fetch(`${api.baseURL}/fine_tuning/jobs`, { method: 'POST', headers: { authorization: `Bearer ${api.key}`, 'content-type': 'application/json' }, body: '{"model":' });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { type: string } }).error.type, 'invalid_request_error');
    assert.equal((await c.fineTuning.jobs.list()).data.length, 0, 'no job was created');
  });

  it('pause, resume and cancel follow the state rules', async () => {
    const api = ctx.api();
    const c = ctx.client();
    const file = await uploadText(c, GOOD_JSONL);
    const job = await c.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
    // not running yet: cannot pause or resume
    await assert.rejects(c.fineTuning.jobs.pause(job.id), badRequest(null, 'invalid_job_state'));
    await assert.rejects(c.fineTuning.jobs.resume(job.id), badRequest(null, 'invalid_job_state'));
    await driveUntil(api, c, job.id, ['running']);
    api.clock.advance(10_000);
    const paused = await c.fineTuning.jobs.pause(job.id);
    assert.equal(paused.status, 'paused');
    await assert.rejects(c.fineTuning.jobs.pause(job.id), badRequest(null, 'invalid_job_state'));
    const metricsCount = async (): Promise<number> =>
      (await c.fineTuning.jobs.listEvents(job.id, { limit: 100 })).data.filter((e) => e.type === 'metrics').length;
    const atPause = await metricsCount();
    assert.ok(atPause > 0);
    api.clock.advance(10 * 60_000);
    assert.equal((await c.fineTuning.jobs.retrieve(job.id)).status, 'paused', 'a paused job stays paused');
    assert.equal(await metricsCount(), atPause, 'and does not train');
    assert.equal((await c.fineTuning.jobs.resume(job.id)).status, 'running');
    api.clock.advance(5_000);
    assert.ok((await metricsCount()) > atPause, 'training goes on after resume');
    const cancelled = await c.fineTuning.jobs.cancel(job.id);
    assert.equal(cancelled.status, 'cancelled');
    await assert.rejects(c.fineTuning.jobs.cancel(job.id), badRequest(null, 'invalid_job_state'));
    await assert.rejects(c.fineTuning.jobs.resume(job.id), badRequest(null, 'invalid_job_state'));
    api.clock.advance(10 * 60_000);
    const after = await c.fineTuning.jobs.retrieve(job.id);
    assert.equal(after.status, 'cancelled');
    assert.equal(after.fine_tuned_model, null);
    // a paused job can be cancelled; a succeeded one cannot
    const second = await c.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
    await driveUntil(api, c, second.id, ['running']);
    await c.fineTuning.jobs.pause(second.id);
    assert.equal((await c.fineTuning.jobs.cancel(second.id)).status, 'cancelled');
    const third = await c.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
    await driveUntil(api, c, third.id, ['succeeded'], 5000);
    await assert.rejects(c.fineTuning.jobs.cancel(third.id), badRequest(null, 'invalid_job_state'));
  });

  it('answers 404 for unknown jobs, files, models and URLs, 405 for a wrong method', async () => {
    const api = ctx.api();
    const c = ctx.client();
    await assert.rejects(c.fineTuning.jobs.retrieve('ftjob-nope'), (e: APIError) => e.status === 404 && e.param === 'fine_tuning_job_id');
    await assert.rejects(c.fineTuning.jobs.listEvents('ftjob-nope'), (e: APIError) => e.status === 404);
    await assert.rejects(c.files.retrieve('file-nope'), (e: APIError) => e.status === 404 && /No such File object/.test(e.message));
    await assert.rejects(c.files.delete('file-nope'), (e: APIError) => e.status === 404);
    await assert.rejects(c.models.retrieve('gpt-nope'), (e: APIError) => e.status === 404 && e.code === 'model_not_found');
    await assert.rejects(c.chat.completions.create({ model: 'ft:gpt-4o-mini-2024-07-18:org-local::nope', messages: [{ role: 'user', content: 'x' }] }), (e: APIError) => e.status === 404 && e.code === 'model_not_found');
    const res = await fetch(`${api.baseURL}/nothing/here`, { headers: { authorization: `Bearer ${api.key}` } });
    assert.equal(res.status, 404);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /Invalid URL \(GET \/v1\/nothing\/here\)/);
    const wrong = await fetch(`${api.baseURL}/models`, { method: 'PUT', headers: { authorization: `Bearer ${api.key}` } });
    assert.equal(wrong.status, 405);
  });

  it('chat requests are checked (400 with param)', async () => {
    const c = ctx.client();
    await assert.rejects(c.chat.completions.create({ model: 'gpt-4o-mini', messages: [] }), badRequest('messages'));
    await assert.rejects(c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'robot', content: 'x' }] } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming), badRequest('messages[0].role'));
    await assert.rejects(c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } }), badRequest('stream_options'));
    const short = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], max_completion_tokens: 5 });
    assert.equal(short.choices[0]!.finish_reason, 'length');
    assert.ok(short.usage!.completion_tokens <= 5);
    const two = await c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], n: 2 });
    assert.deepEqual(two.choices.map((x) => x.index), [0, 1]);
    // the SDK's stream helper assembles the chunks into a whole completion
    const helper = c.chat.completions.stream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } });
    const final = await helper.finalChatCompletion();
    assert.match(final.choices[0]!.message.content ?? '', /local stand-in/);
    assert.equal(final.choices[0]!.finish_reason, 'stop');
    assert.ok(final.usage && final.usage.total_tokens > 0);
  });
});

for (const flavour of ['openai', 'azure'] as const satisfies readonly Flavour[]) {
  describe(`local API auth (${flavour} flavour)`, () => {
    const ctx = useLocalApi(flavour, { key: 'sk-test-right' });

    it('answers 401 in OpenAI error shape on a wrong or missing key', async () => {
      const api = ctx.api();
      await assert.rejects(ctx.client({ key: 'sk-test-wrong-key' }).models.list(), (e: APIError) => {
        assert.equal(e.status, 401);
        assert.equal(e.type, 'invalid_request_error');
        if (flavour === 'openai') {
          assert.equal(e.code, 'invalid_api_key');
          assert.ok(!e.message.includes('sk-test-wrong-key'), 'the key is redacted');
        }
        return true;
      });
      const none = await fetch(`${api.baseURL}/models`);
      assert.equal(none.status, 401);
      // the right key works, in every header the flavour accepts
      assert.equal((await fetch(`${api.baseURL}/models`, { headers: { authorization: 'Bearer sk-test-right' } })).status, 200);
      // Azure clients may add ?api-version=...; it is accepted and ignored
      const versioned = await fetch(`${api.baseURL}/models?api-version=preview`, { headers: { authorization: 'Bearer sk-test-right' } });
      assert.equal(versioned.status, 200);
      await versioned.arrayBuffer();
      const apiKeyOnly = await fetch(`${api.baseURL}/models`, { headers: { 'api-key': 'sk-test-right' } });
      assert.equal(apiKeyOnly.status, flavour === 'azure' ? 200 : 401);
      await apiKeyOnly.arrayBuffer();
      // the other flavour's prefix is not an API path here
      const other = await fetch(`${api.url}${flavour === 'azure' ? '/v1' : '/openai/v1'}/models`, { headers: { authorization: 'Bearer sk-test-right' } });
      assert.equal(other.status, 404);
      await other.arrayBuffer();
      assert.equal(api.requests.count({ status: 401 }), 3 - (flavour === 'azure' ? 1 : 0));
    });
  });
}
