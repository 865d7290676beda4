/** Uploads in parts: assembled in `part_ids` order, byte count and parts checked, cancel, expiry on the clock. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { toFile, type APIError } from 'openai';
import type OpenAI from 'openai';
import { GOOD_JSONL, uploadText, useLocalApi } from './helpers';

const badRequest = (param: string | null) => (e: APIError): boolean => {
  assert.equal(e.status, 400, e.message);
  assert.equal(e.param, param, e.message);
  return true;
};

async function start(c: OpenAI, bytes: number, filename = 'train.jsonl'): Promise<OpenAI.Uploads.Upload> {
  return c.uploads.create({ bytes, filename, mime_type: 'text/jsonl', purpose: 'fine-tune' });
}

const part = async (c: OpenAI, id: string, data: Buffer): Promise<OpenAI.Uploads.UploadPart> =>
  c.uploads.parts.create(id, { data: await toFile(data, 'part') });

describe('local API uploads', () => {
  const ctx = useLocalApi('openai');

  it('assembles parts in part_ids order, not arrival order, and checks the md5', async () => {
    const c = ctx.client();
    const data = Buffer.from(GOOD_JSONL);
    const cuts = [0, 100, 1000, data.length];
    const u = await start(c, data.length);
    assert.equal(u.expires_at - u.created_at, 3600);
    // send them last-first
    const ids: string[] = [];
    for (let i = cuts.length - 2; i >= 0; i--) ids[i] = (await part(c, u.id, data.subarray(cuts[i], cuts[i + 1]))).id;
    const md5 = createHash('md5').update(data).digest('hex');
    const done = await c.uploads.complete(u.id, { part_ids: ids, md5 });
    assert.equal(done.status, 'completed');
    assert.equal(done.file?.bytes, data.length);
    assert.equal(done.file?.filename, 'train.jsonl');
    assert.equal(Buffer.from(await (await c.files.content(done.file!.id)).arrayBuffer()).toString(), GOOD_JSONL);
    // a completed upload takes no more parts and cannot be cancelled
    await assert.rejects(part(c, u.id, Buffer.from('x')), badRequest('upload_id'));
    await assert.rejects(c.uploads.cancel(u.id), badRequest('upload_id'));
  });

  it('refuses a complete whose bytes, parts or md5 do not match', async () => {
    const c = ctx.client();
    const data = Buffer.from(GOOD_JSONL);
    const u = await start(c, data.length);
    const a = await part(c, u.id, data.subarray(0, 500));
    const b = await part(c, u.id, data.subarray(500));
    await assert.rejects(c.uploads.complete(u.id, { part_ids: [a.id] }), (e: APIError) => badRequest('part_ids')(e) && /does not match/.test(e.message) && e.message.includes(String(data.length)));
    await assert.rejects(c.uploads.complete(u.id, { part_ids: [a.id, b.id, a.id] }), badRequest('part_ids'));
    await assert.rejects(c.uploads.complete(u.id, { part_ids: [a.id, 'part_unknown'] }), badRequest('part_ids'));
    const other = await start(c, 10);
    const foreign = await part(c, other.id, Buffer.from('0123456789'));
    await assert.rejects(c.uploads.complete(u.id, { part_ids: [a.id, foreign.id] }), badRequest('part_ids'));
    await assert.rejects(c.uploads.complete(u.id, { part_ids: [a.id, b.id], md5: 'ffffffffffffffffffffffffffffffff' }), badRequest('md5'));
    // the wrong order gives the right byte count but different content: accepted (the service cannot tell)
    const swapped = await c.uploads.complete(u.id, { part_ids: [b.id, a.id] });
    assert.equal(swapped.status, 'completed');
    const content = Buffer.from(await (await c.files.content(swapped.file!.id)).arrayBuffer());
    assert.deepEqual(content, Buffer.concat([data.subarray(500), data.subarray(0, 500)]));
  });

  it('checks create requests', async () => {
    const c = ctx.client();
    await assert.rejects(c.uploads.create({ bytes: 10, filename: 'x.jsonl', mime_type: 'text/jsonl', purpose: 'nope' as 'batch' }), badRequest('purpose'));
    await assert.rejects(c.uploads.create({ bytes: 9 * 1024 ** 3, filename: 'x.jsonl', mime_type: 'text/jsonl', purpose: 'fine-tune' }), badRequest('bytes'));
    await assert.rejects(c.uploads.create({ bytes: 10, filename: 'x.jsonl', mime_type: 'image/png', purpose: 'fine-tune' }), badRequest('mime_type'));
    await assert.rejects(c.uploads.create({ bytes: 10, filename: 'x.csv', mime_type: 'text/jsonl', purpose: 'fine-tune' }), badRequest('file'));
    await assert.rejects(c.uploads.create({ bytes: 10, filename: 'x.jsonl', mime_type: 'text/jsonl', purpose: 'fine-tune', parts: 2 } as OpenAI.Uploads.UploadCreateParams), badRequest('parts'));
  });

  it('cancel ends a pending upload', async () => {
    const c = ctx.client();
    const u = await start(c, 4);
    const p = await part(c, u.id, Buffer.from('abcd'));
    const cancelled = await c.uploads.cancel(u.id);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.file, null);
    await assert.rejects(c.uploads.complete(u.id, { part_ids: [p.id] }), badRequest('upload_id'));
    await assert.rejects(c.uploads.cancel('upload_nope'), (e: APIError) => e.status === 404);
  });

  it('expires an hour after creation (on the clock)', async () => {
    const api = ctx.api();
    const c = ctx.client();
    const u = await start(c, 4);
    const p = await part(c, u.id, Buffer.from('ab'));
    api.clock.advance(3599_000);
    await part(c, u.id, Buffer.from('cd'));
    api.clock.advance(1_000);
    await assert.rejects(part(c, u.id, Buffer.from('ef')), (e: APIError) => badRequest('upload_id')(e) && e.code === 'upload_expired');
    await assert.rejects(c.uploads.complete(u.id, { part_ids: [p.id] }), (e: APIError) => e.code === 'upload_expired');
  });
});

describe('local API files', () => {
  const ctx = useLocalApi('openai');

  it('lists with purpose, order and paging; deletes; checks purpose and name', async () => {
    const api = ctx.api();
    const c = ctx.client();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await uploadText(c, GOOD_JSONL, `f${i}.jsonl`)).id);
      api.clock.advance(1_000);
    }
    const batch = await uploadText(c, '{"custom_id":"1"}\n', 'b.jsonl', 'batch');
    const page1 = await c.files.list({ purpose: 'fine-tune', limit: 2 });
    assert.deepEqual(page1.data.map((f) => f.id), [ids[4], ids[3]]);
    assert.equal(page1.hasNextPage(), true);
    const all: string[] = [];
    for await (const f of c.files.list({ purpose: 'fine-tune', limit: 2 })) all.push(f.id);
    assert.deepEqual(all, [...ids].reverse());
    const asc = await c.files.list({ order: 'asc' });
    assert.deepEqual(asc.data.map((f) => f.id), [...ids, batch.id]);
    const del = await c.files.delete(ids[0]!);
    assert.deepEqual(del, { id: ids[0], object: 'file', deleted: true });
    assert.equal((await c.files.list()).data.length, 5);
    await assert.rejects(uploadText(c, GOOD_JSONL, 'train.txt'), (e: APIError) => e.status === 400 && e.param === 'file' && /Must be \.jsonl/.test(e.message));
    await assert.rejects(uploadText(c, GOOD_JSONL, 'x.jsonl', 'nope' as 'batch'), (e: APIError) => e.status === 400 && e.param === 'purpose');
    const empty = await fetch(`${api.baseURL}/files?purpose=vision`, { headers: { authorization: `Bearer ${api.key}` } });
    assert.deepEqual(await empty.json(), { object: 'list', data: [], first_id: '', last_id: '', has_more: false });
  });
});
