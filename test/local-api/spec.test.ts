/** The spec check itself: it must catch what is wrong, and every route the server has must be in the spec. */
import assert from 'node:assert/strict';
import { startLocalApi } from '../../tools/local-api';
import { buildRouter } from '../../tools/local-api/routes';
import { SpecChecker, convertSchema, specOperation } from './specCheck';

const record = (over: Partial<Parameters<SpecChecker['check']>[0]>): Parameters<SpecChecker['check']>[0] => ({
  method: 'GET',
  path: '/files/file-1',
  operation: '/files/{file_id}',
  status: 200,
  contentType: 'application/json',
  body: '{}',
  complete: true,
  ...over,
});

const goodFile = { id: 'file-1', object: 'file', bytes: 3, created_at: 1700000000, filename: 'a.jsonl', purpose: 'fine-tune', status: 'processed' };

describe('spec check', () => {
  it('every route of the server is an operation of the spec', () => {
    for (const r of buildRouter().list()) {
      assert.ok(specOperation(r.method, r.template), `${r.method} ${r.template} is not in the spec`);
    }
  });

  it('accepts a valid body and reports an invalid one', () => {
    const checker = new SpecChecker();
    checker.check(record({ body: JSON.stringify(goodFile) }));
    assert.equal(checker.violations.length, 0);
    checker.check(record({ body: JSON.stringify({ ...goodFile, purpose: 'nope', bytes: '3' }) }));
    assert.equal(checker.violations.length, 1);
    assert.ok(checker.violations[0]!.errors.some((e) => e.includes('/purpose')));
    assert.ok(checker.violations[0]!.errors.some((e) => e.includes('/bytes')));
  });

  it('checks unixtime as a format, error bodies against ErrorResponse, and each stream chunk', () => {
    const checker = new SpecChecker();
    checker.check(record({ body: JSON.stringify({ ...goodFile, created_at: 1.5 }) }));
    assert.equal(checker.violations.length, 1, 'a fractional unixtime is rejected');
    checker.check(record({ status: 404, body: JSON.stringify({ error: { message: 'x', type: 't', param: null, code: null } }) }));
    checker.check(record({ status: 404, body: JSON.stringify({ error: { message: 'x' } }) }));
    assert.equal(checker.violations.length, 2, 'an error body without type/param/code is rejected');
    const chunk = { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'a' }, finish_reason: null }] };
    checker.check(
      record({
        method: 'POST',
        path: '/chat/completions',
        operation: '/chat/completions',
        contentType: 'text/event-stream',
        body: undefined,
        events: [JSON.stringify(chunk), JSON.stringify({ ...chunk, object: 'chat.completion' }), '[DONE]'],
      }),
    );
    assert.equal(checker.violations.length, 3);
    assert.equal(checker.violations[2]!.where, 'event 1');
  });

  it('reports a JSON request the server accepted although the spec does not allow it', () => {
    const checker = new SpecChecker();
    const upload = { id: 'upload_1', object: 'upload', bytes: 1, created_at: 1, expires_at: 2, filename: 'a.jsonl', purpose: 'fine-tune', status: 'pending', file: null };
    const base = { method: 'POST', path: '/uploads', operation: '/uploads', body: JSON.stringify(upload) };
    checker.check(record({ ...base, requestJson: JSON.stringify({ filename: 'a.jsonl', purpose: 'fine-tune', bytes: 1, mime_type: 'text/jsonl' }) }));
    assert.equal(checker.violations.length, 0);
    checker.check(record({ ...base, requestJson: JSON.stringify({ filename: 'a.jsonl', purpose: 'fine-tune', bytes: 1, mime_type: 'text/jsonl', extra: 1 }) }));
    assert.equal(checker.violations.length, 1);
    assert.equal(checker.violations[0]!.where, 'request');
    // refused requests are not held against the server
    checker.check(record({ ...base, status: 400, body: JSON.stringify({ error: { message: 'x', type: 't', param: 'extra', code: null } }), requestJson: '{"extra":1}' }));
    assert.equal(checker.violations.length, 1);
  });

  it('skips replies a fault cut short, and flags responses with no schema', () => {
    const checker = new SpecChecker();
    checker.check(record({ body: '{"id":', complete: false }));
    assert.equal(checker.skipped, 1);
    assert.equal(checker.violations.length, 0);
    checker.check(record({ method: 'GET', operation: '/nope', body: '{}' }));
    assert.equal(checker.violations.length, 1);
  });

  it('converts nullable, boolean exclusiveMinimum, $recursiveRef and discriminator', () => {
    assert.deepEqual(convertSchema({ type: 'string', nullable: true }), { type: ['string', 'null'] });
    assert.deepEqual(convertSchema({ type: 'string', enum: ['a'], nullable: true }), { type: ['string', 'null'], enum: ['a', null] });
    assert.deepEqual(convertSchema({ $ref: '#/x', nullable: true }), { anyOf: [{ $ref: '#/x' }, { type: 'null' }] });
    assert.deepEqual(convertSchema({ allOf: [{ $ref: '#/x' }, { nullable: true }] }), { anyOf: [{ $ref: '#/x' }, { type: 'null' }] });
    assert.deepEqual(convertSchema({ type: 'number', minimum: 0, exclusiveMinimum: true }), { type: 'number', exclusiveMinimum: 0 });
    assert.deepEqual(convertSchema({ $recursiveAnchor: true, items: { $recursiveRef: '#' } }, 'CompoundFilter'), {
      items: { $ref: '#/components/schemas/CompoundFilter' },
    });
    assert.deepEqual(convertSchema({ oneOf: [], discriminator: { propertyName: 'type' } }), { oneOf: [] });
    // a property literally named "nullable" is kept
    assert.deepEqual(convertSchema({ properties: { nullable: { type: 'boolean' } } }), { properties: { nullable: { type: 'boolean' } } });
  });

  it('a live server reports what it sends through onResponse', async () => {
    const checker = new SpecChecker();
    const api = await startLocalApi({ onResponse: checker.onResponse });
    try {
      const res = await fetch(`${api.baseURL}/models`, { headers: { authorization: `Bearer ${api.key}` } });
      assert.equal(res.status, 200);
      await res.json();
      assert.equal(checker.checked, 1);
      assert.ok(checker.seen.has('GET /models 200'));
    } finally {
      await api.close();
    }
    assert.deepEqual(checker.violations, []);
  });
});
