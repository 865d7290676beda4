import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { apiError, connect, rejection, type Connected } from './apiFixture';
import { fixtureUri, waitFor } from './helpers';

interface Outcome {
  fileId: string;
  via: 'files' | 'uploads' | 'reused';
  reused: boolean;
  status?: string;
  partsSent: number;
  partsResumed: number;
  engineErrors: number;
  bytes: number;
}

const upload = (uri: vscode.Uri, options: object = { ifProblems: 'stop' }) =>
  vscode.commands.executeCommand<Outcome | undefined>('tuneline.uploadFile', uri, options);

for (const flavour of ['openai', 'azure'] as const) {
  describe(`Upload (${flavour})`, function () {
    this.timeout(90_000);
    let c: Connected;
    const good = () => fixtureUri('datasets', 'good.jsonl');
    beforeEach(async () => {
      c = await connect(flavour);
    });
    afterEach(async () => {
      await c.close();
    });

    it('uploads a small file through the Files API, then reuses the same bytes', async () => {
      const first = await upload(good());
      assert.ok(first, 'the command returns the outcome');
      assert.equal(first.via, 'files');
      assert.equal(first.reused, false);
      assert.equal(first.status, 'processed');
      const stored = c.api.state.files.get(first.fileId);
      assert.ok(stored, 'the file is on the service');
      assert.deepEqual(Buffer.from(stored.content), fs.readFileSync(good().fsPath), 'the same bytes');
      assert.equal(stored.purpose, 'fine-tune');

      const again = await upload(good());
      assert.ok(again);
      assert.equal(again.reused, true);
      assert.equal(again.via, 'reused');
      assert.equal(again.fileId, first.fileId);
      assert.equal(c.api.requests.count({ method: 'POST', path: '^/files$' }), 1, 'not uploaded twice');
      assert.ok(c.api.requests.count({ method: 'GET', path: `^/files/${first.fileId}$` }) >= 1, 'verified with files.retrieve');

      // Gone from the service: uploaded again.
      c.api.state.files.delete(first.fileId);
      const third = await upload(good());
      assert.ok(third);
      assert.equal(third.reused, false);
      assert.notEqual(third.fileId, first.fileId);
      assert.equal(c.api.requests.count({ method: 'POST', path: '^/files$' }), 2);
      assert.ok(c.t.connection.notifications().some((m) => m.includes(`uploaded as ${third.fileId}`)), 'the verdict is shown');
    });

    it('stops on engine errors, or uploads anyway when told', async () => {
      const broken = fixtureUri('datasets', 'broken.jsonl');
      const stopped = await upload(broken, { ifProblems: 'stop' });
      assert.equal(stopped, undefined);
      assert.equal(c.api.requests.count({ path: '^/files' }), 0, 'nothing sent');
      const anyway = await upload(broken, { ifProblems: 'upload' });
      assert.ok(anyway);
      assert.ok(anyway.engineErrors > 0);
      assert.ok(c.api.state.files.get(anyway.fileId));
    });

    it('a connection dropped after the file was sent does not leave a second copy', async () => {
      c.api.faults.add({ kind: 'drop-body', path: '^/files$', method: 'POST', count: 1 });
      const r = await upload(good());
      assert.ok(r, 'the upload succeeds');
      assert.equal(c.api.requests.count({ method: 'POST', path: '^/files$' }), 1, 'not sent again');
      assert.equal([...c.api.state.files.values()].filter((f) => f.purpose === 'fine-tune').length, 1, 'one file on the service');
      assert.ok(c.lines.some((l) => /had received it as/.test(l)));
    });

    it('uploads in parts through the Uploads API (tiny parts), with dropped parts retried', async () => {
      c.t.connection.setUploadTuning({ multipartThreshold: 4096, partSize: 2048, concurrency: 3 });
      const size = fs.statSync(good().fsPath).size;
      const parts = Math.ceil(size / 2048);
      c.api.faults.add({ kind: 'drop-body', path: '^/uploads/[^/]+/parts$', skip: 2, count: 2 });
      const r = await upload(good());
      assert.ok(r);
      assert.equal(r.via, 'uploads');
      assert.equal(r.partsSent, parts);
      assert.equal(c.api.requests.count({ method: 'POST', path: '^/uploads/[^/]+/parts$' }), parts + 2, 'two parts sent twice');
      const stored = c.api.state.files.get(r.fileId);
      assert.ok(stored);
      assert.deepEqual(Buffer.from(stored.content), fs.readFileSync(good().fsPath), 'assembled in order');
      assert.deepEqual(c.t.connection.uploader.pendingUploads(), {}, 'nothing left to resume');
      const u = [...c.api.state.uploads.values()];
      assert.equal(u.length, 1);
      assert.equal(u[0]!.status, 'completed');
    });

    it('a multi-part upload that keeps failing is announced, kept, and resumed by the next try', async () => {
      c.t.connection.setUploadTuning({ multipartThreshold: 4096, partSize: 2048, concurrency: 1 });
      const size = fs.statSync(good().fsPath).size;
      const parts = Math.ceil(size / 2048);
      const fault = c.api.faults.add({ kind: 'drop-body', path: '^/uploads/[^/]+/parts$', skip: 3, count: 0 });
      const failed = await upload(good());
      assert.equal(failed, undefined, 'the command failed (shown by the error boundary)');
      const note = c.t.connection.notifications().find((m) => /3 of \d+ parts of good\.jsonl are on the service/.test(m));
      assert.ok(note, `the partial upload is announced (${c.t.connection.notifications().join(' | ')})`);
      const pending = Object.values(c.t.connection.uploader.pendingUploads());
      assert.equal(pending.length, 1, 'kept for resuming');
      assert.equal(Object.keys(pending[0]!.parts).length, 3);

      c.api.faults.remove(fault.id);
      const before = c.api.requests.count({ method: 'POST', path: '^/uploads/[^/]+/parts$' });
      const r = await upload(good());
      assert.ok(r);
      assert.equal(r.partsResumed, 3);
      assert.equal(r.partsSent, parts - 3);
      assert.equal(c.api.requests.count({ method: 'POST', path: '^/uploads$' }), 1, 'the same Upload was resumed');
      assert.equal(c.api.requests.count({ method: 'POST', path: '^/uploads/[^/]+/parts$' }) - before, parts - 3);
      assert.deepEqual(Buffer.from(c.api.state.files.get(r.fileId)!.content), fs.readFileSync(good().fsPath));
    });

    it('cancelling a multi-part upload cancels the Upload on the service and says so', async () => {
      c.t.connection.setUploadTuning({ multipartThreshold: 4096, partSize: 2048, concurrency: 1 });
      c.api.faults.add({ kind: 'latency', latencyMs: 400, path: '^/uploads/[^/]+/parts$', count: 0 });
      const client = await c.t.connection.provider.getClient();
      const ac = new AbortController();
      const announced: string[] = [];
      const p = c.t.connection.uploader.upload(client, { filePath: good().fsPath, signal: ac.signal, announce: (m) => announced.push(m) });
      await waitFor(() => c.api.requests.count({ path: '^/uploads/[^/]+/parts$' }) >= 2, 'two parts in flight');
      ac.abort();
      const e = await rejection(() => p);
      assert.equal(e.name, 'CancelledError');
      const u = [...c.api.state.uploads.values()];
      assert.equal(u.length, 1);
      assert.equal(u[0]!.status, 'cancelled', 'the Upload is cancelled on the service');
      assert.ok(announced.some((m) => m.includes(`${u[0]!.id} was cancelled on the service`)));
      assert.deepEqual(c.t.connection.uploader.pendingUploads(), {});
    });

    it('a wrong key stops the upload with the 401 message, no key in it', async () => {
      const client = await c.t.connection.provider.getClient();
      c.api.faults.clear();
      await vscode.commands.executeCommand('tuneline.setApiKey', 'sk-not-the-right-one-12345678', flavour === 'azure' ? 'azure' : 'custom');
      const other = await c.t.connection.provider.getClient();
      assert.notEqual(other, client, 'a new key builds a new client');
      const e = apiError(await rejection(() => c.t.connection.uploader.upload(other, { filePath: good().fsPath })));
      assert.equal(e.kind, 'auth');
      assert.ok(!e.message.includes('sk-not-the-right-one-12345678'));
      assert.equal(c.api.state.files.size, 0);
    });
  });
}
