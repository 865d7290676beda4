import * as assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import * as vscode from 'vscode';
import { apiError, connect, rejection, type Connected } from './apiFixture';

for (const flavour of ['openai', 'azure'] as const) {
  describe(`API client (${flavour})`, function () {
    this.timeout(60_000);
    let c: Connected;
    beforeEach(async () => {
      c = await connect(flavour);
    });
    afterEach(async () => {
      await c.close();
    });

    it('lists models and files through the SDK with the stored key', async () => {
      const client = await c.t.connection.provider.getClient();
      assert.equal(client.endpoint.provider, flavour === 'azure' ? 'azure' : 'custom');
      const models = await client.listModels();
      assert.ok(models.some((m) => m.id === 'gpt-4o-mini-2024-07-18'), 'base models listed');
      const files = await client.listFiles({ purpose: 'fine-tune' });
      assert.deepEqual(files.data, []);
      assert.ok(c.api.requests.count({ operation: '/models' }) >= 1, 'the request reached the local API');
    });

    it('one signal for many requests collects no listeners (each request follows it through a signal of its own)', async () => {
      const client = await c.t.connection.provider.getClient();
      const ac = new AbortController();
      for (let i = 0; i < 15; i++) await client.listFiles({ purpose: 'fine-tune' }, { signal: ac.signal });
      // The SDK never removes the listener it adds to the signal it is given: without the per-request signal, this
      // would be 15 (and Node would warn past 10, as an upload of many parts did).
      assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
      // And the signal still cancels a request in flight.
      c.api.faults.add({ kind: 'latency', latencyMs: 3000, method: 'GET', path: '^/files$', count: 1 });
      const pending = rejection(() => client.listFiles({}, { signal: ac.signal }));
      setTimeout(() => ac.abort(), 200);
      const e = await pending;
      assert.ok(e instanceof Error && e.name === 'CancelledError', `cancelled, not ${String(e)}`);
    });

    it('a wrong key gives a plain 401 message without the key', async () => {
      const wrong = 'sk-wrong-key-for-the-401-test-0123456789';
      await c.t.connection.provider.getClient(); // same settings
      const provider = flavour === 'azure' ? 'azure' : 'custom';
      await vscode.commands.executeCommand('tuneline.setApiKey', wrong, provider);
      const client = await c.t.connection.provider.getClient();
      const e = apiError(await rejection(() => client.listJobs()));
      assert.equal(e.kind, 'auth');
      assert.equal(e.status, 401);
      assert.match(e.message, /rejected the API key \(401\)/);
      assert.match(e.message, /Set API Key/);
      assert.ok(!e.message.includes(wrong) && !e.message.includes(c.api.key), 'no key in the message');
      assert.equal(c.api.requests.count({ status: 401 }), 1, 'a 401 is not retried');
    });

    it('429 then success: retried after the retry-after wait', async () => {
      const client = await c.t.connection.provider.getClient();
      // The files list: nothing else in the extension (the jobs view polls the jobs list) asks for it meanwhile.
      const before = c.api.requests.entries({ method: 'GET', path: '^/files$' }).length;
      c.api.faults.add({ kind: 'rate-limit', method: 'GET', path: '^/files$', retryAfter: 1, count: 2 });
      const started = Date.now();
      const page = await client.listFiles();
      const took = Date.now() - started;
      assert.ok(Array.isArray(page.data));
      const entries = c.api.requests.entries({ method: 'GET', path: '^/files$' }).slice(before);
      assert.deepEqual(entries.map((e) => e.status), [429, 429, 200]);
      assert.ok(took >= 1900, `waited the two retry-after seconds (${took} ms)`);
      assert.ok(c.lines.some((l) => /retry 1 of 3 in 1000 ms \(retry-after\)/.test(l)), 'the retry is logged');
    });

    it('500 then success, and 503 every time fails with a plain message after the retries', async () => {
      const client = await c.t.connection.provider.getClient();
      c.api.faults.add({ kind: 'error', status: 500, path: '^/models$', count: 1 });
      const models = await client.listModels();
      assert.ok(models.length > 0);
      assert.deepEqual(c.api.requests.entries({ path: '^/models$' }).map((e) => e.status), [500, 200]);

      c.api.faults.add({ kind: 'error', status: 503, path: '^/files$', count: 0 });
      const e = apiError(await rejection(() => client.listFiles({}, { maxRetries: 2 })));
      assert.equal(e.kind, 'server');
      assert.match(e.message, /had a problem of its own \(503\)\. Tuneline tried 3 times/);
      assert.equal(c.api.requests.count({ path: '^/files$', status: 503 }), 3);
    });

    it('a 429 that keeps coming fails with the rate-limit message after the retries', async () => {
      const client = await c.t.connection.provider.getClient();
      c.api.faults.add({ kind: 'rate-limit', path: '^/files$', retryAfterMs: 20, count: 0 });
      const e = apiError(await rejection(() => client.listFiles({}, { maxRetries: 1 })));
      assert.equal(e.kind, 'rate-limit');
      assert.match(e.message, /rate limiting requests \(429\)/);
      assert.equal(c.api.requests.count({ path: '^/files$', status: 429 }), 2);
    });

    it('cancelling stops the wait between retries at once', async () => {
      const client = await c.t.connection.provider.getClient();
      c.api.faults.add({ kind: 'rate-limit', path: '^/models$', retryAfter: 30, count: 0 });
      const ac = new AbortController();
      const started = Date.now();
      const p = client.listModels({ signal: ac.signal });
      setTimeout(() => ac.abort(), 300);
      const e = await rejection(() => p);
      assert.equal(e.name, 'CancelledError');
      assert.ok(Date.now() - started < 5_000, 'did not wait for the 30 s retry-after');
      assert.equal(c.api.requests.count({ path: '^/models$' }), 1);
    });
  });
}
