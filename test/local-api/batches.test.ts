/**
 * `/batches` (issue 11): create, retrieve, list, cancel on the drivable clock; the output file is answered by the
 * chat completions logic (a fine-tuned model answers with its training replies); bad input fails validation with
 * line numbers. Every response is checked against the spec (useLocalApi).
 */
import assert from 'node:assert/strict';
import type OpenAI from 'openai';
import { APIError } from 'openai';
import type { LocalApi } from '../../tools/local-api';
import { GOOD_JSONL, TOPICS, driveUntil, uploadText, useLocalApi } from './helpers';

const line = (customId: string, model: string, prompt: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/chat/completions', body: { model, messages: [{ role: 'user', content: prompt }], temperature: 0 }, ...extra });

async function driveBatch(api: LocalApi, c: OpenAI, id: string, until: readonly string[], stepMs = 500): Promise<OpenAI.Batches.Batch> {
  const seen: string[] = [];
  let b = await c.batches.retrieve(id);
  for (let t = 0; !until.includes(b.status); t += stepMs) {
    assert.ok(t < 10 * 60_000, `batch still ${b.status}`);
    if (seen[seen.length - 1] !== b.status) seen.push(b.status);
    api.clock.advance(stepMs);
    b = await c.batches.retrieve(id);
  }
  return Object.assign(b, { seen: [...seen, b.status] });
}

async function fineTune(api: LocalApi, c: OpenAI): Promise<string> {
  const file = await uploadText(c, GOOD_JSONL);
  const job = await c.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
  const done = await driveUntil(api, c, job.id, ['succeeded', 'failed'], 5_000);
  assert.equal(done.status, 'succeeded');
  return done.fine_tuned_model!;
}

describe('local API batches', function () {
  this.timeout(30_000);
  const ctx = useLocalApi('openai');

  it('runs validating → in_progress → finalizing → completed on the clock, with an output file the chat logic answered', async () => {
    const api = ctx.api();
    const c = ctx.client();
    const ft = await fineTune(api, c);
    const input = [
      ...TOPICS.slice(0, 4).map(([p], i) => line(`ft-${i}`, ft, p)),
      line('base-0', 'gpt-4o-mini', TOPICS[0][0]),
      line('bad-model', 'no-such-model', 'hello'),
    ].join('\n');
    const file = await uploadText(c, `${input}\n`, 'batch-in.jsonl', 'batch');
    assert.equal(file.purpose, 'batch');
    const created = await c.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { tuneline: 'eval' } });
    assert.equal(created.status, 'validating');
    assert.equal(created.output_file_id, undefined);
    assert.deepEqual(created.metadata, { tuneline: 'eval' });
    assert.ok(created.expires_at! - created.created_at === 24 * 3600);

    const inProgress = await driveBatch(api, c, created.id, ['in_progress']);
    assert.equal(inProgress.request_counts?.total, 6);
    assert.ok(inProgress.in_progress_at);
    const done = (await driveBatch(api, c, created.id, ['completed'])) as OpenAI.Batches.Batch & { seen: string[] };
    assert.ok(done.seen.includes('finalizing'), `went through finalizing (${done.seen.join(' → ')})`);
    assert.deepEqual(done.request_counts, { total: 6, completed: 5, failed: 1 });
    assert.ok(done.completed_at && done.finalizing_at && done.completed_at >= done.finalizing_at);
    assert.ok(done.usage && done.usage.input_tokens > 0 && done.usage.output_tokens > 0);

    const outFile = await c.files.retrieve(done.output_file_id!);
    assert.equal(outFile.purpose, 'batch_output');
    const out = (await (await c.files.content(done.output_file_id!)).text()).trim().split('\n').map((l) => JSON.parse(l) as { custom_id: string; response: { status_code: number; body: OpenAI.Chat.ChatCompletion } });
    assert.deepEqual(out.map((o) => o.custom_id), ['ft-0', 'ft-1', 'ft-2', 'ft-3', 'base-0']);
    out.slice(0, 4).forEach((o, i) => {
      assert.equal(o.response.status_code, 200);
      assert.equal(o.response.body.choices[0]!.message.content, TOPICS[i]![1], 'the fine-tuned model answers with its training reply');
    });
    assert.match(out[4]!.response.body.choices[0]!.message.content ?? '', /local stand-in API/);
    // the same answer as a live chat completion
    const live = await c.chat.completions.create({ model: ft, messages: [{ role: 'user', content: TOPICS[2][0] }], temperature: 0 });
    assert.equal(live.choices[0]!.message.content, out[2]!.response.body.choices[0]!.message.content);

    const errs = (await (await c.files.content(done.error_file_id!)).text()).trim().split('\n').map((l) => JSON.parse(l) as { custom_id: string; response: { status_code: number; body: { error: { code: string } } } });
    assert.equal(errs.length, 1);
    assert.equal(errs[0]!.custom_id, 'bad-model');
    assert.equal(errs[0]!.response.status_code, 404);
    assert.equal(errs[0]!.response.body.error.code, 'model_not_found');
  });

  it('fails validation with line numbers for a bad input file', async () => {
    const api = ctx.api();
    const c = ctx.client();
    const input = [line('a', 'gpt-4o-mini', 'x'), '{not json', line('a', 'gpt-4o-mini', 'y'), line('b', 'gpt-4o-mini', 'z', { url: '/v1/embeddings' })].join('\n');
    const file = await uploadText(c, input, 'bad.jsonl', 'batch');
    const b = await c.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const failed = await driveBatch(api, c, b.id, ['failed', 'in_progress']);
    assert.equal(failed.status, 'failed');
    assert.ok(failed.failed_at);
    assert.deepEqual(failed.errors?.data?.map((e) => [e.code, e.line]), [
      ['invalid_json_line', 2],
      ['duplicate_custom_id', 3],
      ['mismatched_endpoint', 4],
    ]);
  });

  it('refuses a file that is not for batches, an unknown file, a wrong window; 404 for an unknown batch', async () => {
    const c = ctx.client();
    const ft = await uploadText(c, GOOD_JSONL);
    const refused = async (p: Promise<unknown>, status: number, param: string | null) => {
      await assert.rejects(p, (e: APIError) => {
        assert.ok(e instanceof APIError);
        assert.equal(e.status, status, e.message);
        assert.equal(e.param, param);
        return true;
      });
    };
    await refused(c.batches.create({ input_file_id: ft.id, endpoint: '/v1/chat/completions', completion_window: '24h' }), 400, 'input_file_id');
    await refused(c.batches.create({ input_file_id: 'file-nope', endpoint: '/v1/chat/completions', completion_window: '24h' }), 404, 'input_file_id');
    const bf = await uploadText(c, `${line('a', 'gpt-4o-mini', 'x')}\n`, 'in.jsonl', 'batch');
    await refused(c.batches.create({ input_file_id: bf.id, endpoint: '/v1/chat/completions', completion_window: '48h' as '24h' }), 400, 'completion_window');
    await refused(c.batches.create({ input_file_id: bf.id, endpoint: '/v1/embeddings', completion_window: '24h' }), 400, 'endpoint');
    await refused(c.batches.retrieve('batch_nope'), 404, 'batch_id');
  });

  it('lists newest first with paging, and cancels: cancelling → cancelled with what was answered', async () => {
    const api = ctx.api();
    const c = ctx.client();
    const input = Array.from({ length: 200 }, (_, i) => line(`r${i}`, 'gpt-4o-mini', `question ${i}`)).join('\n');
    const file = await uploadText(c, input, 'big.jsonl', 'batch');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await c.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id);
    const first = await c.batches.list({ limit: 2 });
    assert.deepEqual(first.data.map((b) => b.id), [ids[2], ids[1]]);
    assert.equal(first.has_more, true);
    const second = await c.batches.list({ limit: 2, after: ids[1] });
    assert.deepEqual(second.data.map((b) => b.id), [ids[0]]);
    assert.equal(second.has_more, false);

    // 200 requests: 10 s in progress; cancel half way
    api.clock.advance(2_000 + 5_000);
    const mid = await c.batches.retrieve(ids[0]!);
    assert.equal(mid.status, 'in_progress');
    assert.ok(mid.request_counts!.completed > 0 && mid.request_counts!.completed < 200, `part done (${mid.request_counts!.completed})`);
    const cancelling = await c.batches.cancel(ids[0]!);
    assert.equal(cancelling.status, 'cancelling');
    assert.ok(cancelling.cancelling_at);
    api.clock.advance(1_000);
    const cancelled = await c.batches.retrieve(ids[0]!);
    assert.equal(cancelled.status, 'cancelled');
    const lines = (await (await c.files.content(cancelled.output_file_id!)).text()).trim().split('\n');
    assert.equal(lines.length, mid.request_counts!.completed, 'the output file has what was answered before the cancel');
    await assert.rejects(c.batches.cancel(ids[0]!), (e: APIError) => e.status === 400);
  });
});
