/** Faults on demand: each one reproducible through the TypeScript API and the admin endpoint. */
import assert from 'node:assert/strict';
import OpenAI, { APIError } from 'openai';
import { GOOD_JSONL, driveUntil, uploadText, useLocalApi } from './helpers';

const messages = [{ role: 'user' as const, content: 'hello there' }];

for (const flavour of ['openai', 'azure'] as const) {
  describe(`local API faults (${flavour} flavour)`, () => {
    const ctx = useLocalApi(flavour);

    it('429 with retry-after, then success: the SDK waits and retries', async () => {
      const api = ctx.api();
      api.faults.add({ kind: 'rate-limit', method: 'GET', path: '^/models$', retryAfter: 1, retryAfterMs: 50 });
      // what a client sees on the wire
      const raw = await fetch(`${api.baseURL}/models`, { headers: { authorization: `Bearer ${api.key}` } });
      assert.equal(raw.status, 429);
      assert.equal(raw.headers.get('retry-after'), '1');
      assert.equal(raw.headers.get('retry-after-ms'), '50');
      const body = (await raw.json()) as { error: { code: string; type: string } };
      assert.equal(body.error.code, 'rate_limit_exceeded');
      // count: 1 by default, so it is spent; add another and let the SDK retry through it
      api.faults.add({ kind: 'rate-limit', method: 'GET', path: '^/models$', retryAfter: 1, retryAfterMs: 50 });
      const started = Date.now();
      const list = await ctx.client({ maxRetries: 2 }).models.list();
      assert.ok(list.data.length > 0);
      assert.ok(Date.now() - started >= 45, 'the SDK honoured retry-after-ms');
      assert.equal(api.requests.count({ method: 'GET', operation: '/models' }), 3);
      assert.deepEqual(api.requests.entries({ operation: '/models' }).map((e) => e.status), [429, 429, 200]);
    });

    it('500 and 503 in OpenAI error shape; count limits how many requests fail', async () => {
      const api = ctx.api();
      api.faults.add({ kind: 'error', status: 500, method: 'POST', path: '^/chat/completions$', count: 2 });
      const c = ctx.client();
      await assert.rejects(c.chat.completions.create({ model: 'gpt-4o-mini', messages }), (e: APIError) => e instanceof OpenAI.InternalServerError && e.status === 500 && e.type === 'server_error');
      await assert.rejects(c.chat.completions.create({ model: 'gpt-4o-mini', messages }), (e: APIError) => e.status === 500);
      assert.ok((await c.chat.completions.create({ model: 'gpt-4o-mini', messages })).choices.length === 1);
      api.faults.add({ kind: 'error', status: 503, path: '^/files' });
      await assert.rejects(c.files.list(), (e: APIError) => e.status === 503 && /overloaded/.test(e.message));
      assert.equal((await c.files.list()).data.length, 0);
      assert.deepEqual(api.faults.all().map((f) => f.hits), [2, 1]);
    });

    it('skip lets the first matching requests through', async () => {
      const api = ctx.api();
      api.faults.add({ kind: 'error', status: 500, path: '^/models$', skip: 2 });
      const c = ctx.client();
      await c.models.list();
      await c.models.list();
      await assert.rejects(c.models.list(), (e: APIError) => e.status === 500);
      await c.models.list();
    });

    it('drops the connection mid-body', async () => {
      const api = ctx.api();
      api.faults.add({ kind: 'drop-body', method: 'GET', path: '^/models$' });
      const res = await fetch(`${api.baseURL}/models`, { headers: { authorization: `Bearer ${api.key}` } });
      assert.equal(res.status, 200, 'status line and headers arrive');
      await assert.rejects(res.text(), 'the body is cut');
      api.faults.add({ kind: 'drop-body', method: 'GET', path: '^/models$' });
      await assert.rejects(ctx.client().models.list(), (e: Error) => e instanceof OpenAI.APIConnectionError || /terminated|closed|JSON/i.test(e.message));
      // the next request is fine
      assert.ok((await ctx.client().models.list()).data.length > 0);
      assert.equal(ctx.checker().skipped, 2);
    });

    it('drops the connection mid-stream after some chunks', async () => {
      const api = ctx.api();
      api.faults.add({ kind: 'drop-stream', path: '^/chat/completions$', afterChunks: 3 });
      const stream = await ctx.client().chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
      let received = 0;
      await assert.rejects(
        (async () => {
          for await (const chunk of stream) {
            assert.equal(chunk.object, 'chat.completion.chunk');
            received++;
          }
        })(),
      );
      assert.equal(received, 3);
      // without the fault the same stream completes
      const ok = await ctx.client().chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
      let text = '';
      for await (const chunk of ok) text += chunk.choices[0]?.delta.content ?? '';
      assert.match(text, /local stand-in/);
    });

    it('latency delays the answer (and an SDK timeout shorter than it fires)', async () => {
      const api = ctx.api();
      api.faults.add({ kind: 'latency', latencyMs: 400, path: '^/models$', count: 2 });
      const t0 = Date.now();
      await ctx.client().models.list();
      assert.ok(Date.now() - t0 >= 390, `took ${Date.now() - t0} ms`);
      await assert.rejects(ctx.client({ timeout: 100 }).models.list(), (e: Error) => e instanceof OpenAI.APIConnectionTimeoutError);
      const t1 = Date.now();
      await ctx.client().models.list();
      assert.ok(Date.now() - t1 < 390, 'spent after count requests');
      // close() does not wait for a request held by a long latency fault
      api.faults.add({ kind: 'latency', latencyMs: 60_000, path: '^/models$' });
      const held = ctx.client().models.list();
      held.catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50));
      const t2 = Date.now();
      await api.close();
      assert.ok(Date.now() - t2 < 1000, `close took ${Date.now() - t2} ms`);
      await assert.rejects(held);
    });

    it('a job fails mid-run', async () => {
      const api = ctx.api();
      const c = ctx.client();
      const file = await uploadText(c, GOOD_JSONL);
      api.faults.add({ kind: 'job-failure', afterSteps: 10 });
      const job = await c.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
      const end = await driveUntil(api, c, job.id, ['succeeded', 'failed'], 2000);
      assert.equal(end.status, 'failed');
      assert.deepEqual(end.error, { code: 'server_error', message: 'The job failed due to an internal error.', param: null });
      assert.equal(end.fine_tuned_model, null);
      const events = (await c.fineTuning.jobs.listEvents(job.id, { limit: 100 })).data;
      const steps = events.filter((e) => e.type === 'metrics').map((e) => (e.data as { step: number }).step);
      assert.equal(Math.max(...steps), 9, 'trained up to the step before the failure');
      assert.equal(events[0]!.level, 'error');
      // a fault added while a job runs (through the admin endpoint) applies to it, with its own code and message
      const running = await c.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
      await driveUntil(api, c, running.id, ['running']);
      api.clock.advance(30_000);
      await fetch(`${api.url}/__admin/faults`, {
        method: 'POST',
        body: JSON.stringify({ kind: 'job-failure', job: running.id, afterSteps: 1, code: 'training_diverged', message: 'Loss diverged.' }),
      });
      api.clock.advance(1_000);
      const diverged = await c.fineTuning.jobs.retrieve(running.id);
      assert.equal(diverged.status, 'failed');
      assert.deepEqual(diverged.error, { code: 'training_diverged', message: 'Loss diverged.', param: null });
      // spent: the next job succeeds
      const next = await c.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
      assert.equal((await driveUntil(api, c, next.id, ['succeeded', 'failed'], 5000)).status, 'succeeded');
    });

    it('the admin endpoint sets faults, moves the clock, counts requests and resets', async () => {
      const api = ctx.api();
      const admin = (path: string, init?: { method?: string; body?: unknown }): Promise<Response> =>
        fetch(`${api.url}/__admin${path}`, {
          method: init?.method ?? 'GET',
          ...(init?.body !== undefined ? { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } } : {}),
        });
      const added = (await (await admin('/faults', { method: 'POST', body: [{ kind: 'error', status: 503, method: 'GET', path: '^/models$' }] })).json()) as { faults: { id: string }[] };
      assert.equal(added.faults.length, 1);
      const c = ctx.client();
      await assert.rejects(c.models.list(), (e: APIError) => e.status === 503);
      await c.models.list();
      assert.equal((await admin('/faults', { method: 'POST', body: { kind: 'bogus' } })).status, 400);
      assert.equal((await admin('/faults', { method: 'POST', body: { kind: 'error', path: '(' } })).status, 400);

      const before = api.clock.now();
      const clock = (await (await admin('/clock/advance', { method: 'POST', body: { seconds: 90 } })).json()) as { now: number };
      assert.equal(clock.now, before + 90_000);
      assert.equal((await admin('/clock/advance', { method: 'POST', body: { ms: -1 } })).status, 400);

      const file = await uploadText(c, GOOD_JSONL);
      const job = await c.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
      for (let i = 0; i < 4; i++) await c.fineTuning.jobs.retrieve(job.id);
      const log = (await (await admin(`/requests?operation=${encodeURIComponent('/fine_tuning/jobs/{fine_tuning_job_id}')}`)).json()) as {
        total: number;
        counts: Record<string, number>;
        entries: { path: string; status: number }[];
      };
      assert.equal(log.total, 4);
      assert.equal(log.counts['GET /fine_tuning/jobs/{fine_tuning_job_id}'], 4);
      assert.equal(log.counts['GET /models'], 2);
      assert.ok(log.entries.every((e) => e.path === `/fine_tuning/jobs/${job.id}` && e.status === 200));

      const ran = (await (await admin('/clock/run-all', { method: 'POST' })).json()) as { pending: number };
      assert.equal(ran.pending, 0);
      assert.equal((await c.fineTuning.jobs.retrieve(job.id)).status, 'succeeded');

      assert.equal((await admin('/reset', { method: 'POST' })).status, 200);
      await assert.rejects(c.fineTuning.jobs.retrieve(job.id), (e: APIError) => e.status === 404);
      assert.equal(api.requests.count(), 1);
      assert.equal(api.faults.all().length, 0);
      assert.equal((await admin('/nope')).status, 404);
    });
  });
}
