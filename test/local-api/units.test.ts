/** Properties of the small parts: paging, multipart parsing, nearest-example choice, fault matching. */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nearest, similarity, trainingPairs } from '../../tools/local-api/chat';
import { Faults } from '../../tools/local-api/faults';
import { page, parseMultipart } from '../../tools/local-api/http';
import { invalidFormatMessage } from '../../tools/local-api/jobs';
import { chatLine } from './helpers';

describe('local API parts', () => {
  it('paging with any limit visits every item once, in order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 25 }), (n, limit) => {
        const items = Array.from({ length: n }, (_, i) => ({ id: `x${i}` }));
        const seen: string[] = [];
        let after: string | null = null;
        for (let guard = 0; guard < 100; guard++) {
          const p: { data: { id: string }[]; has_more: boolean } = page(items, after, limit);
          seen.push(...p.data.map((x) => x.id));
          if (!p.has_more) break;
          assert.equal(p.data.length, limit);
          after = p.data[p.data.length - 1]!.id;
        }
        assert.deepEqual(seen, items.map((x) => x.id));
      }),
    );
  });

  it('parses what FormData sends, byte for byte', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), fc.string({ maxLength: 30 }), async (bytes, purpose) => {
        const form = new FormData();
        form.append('purpose', purpose);
        form.append('file', new Blob([bytes]), 'data.jsonl');
        const req = new Request('http://127.0.0.1/', { method: 'POST', body: form });
        const body = Buffer.from(await req.arrayBuffer());
        const parts = parseMultipart(body, req.headers.get('content-type') ?? undefined);
        assert.equal(parts.find((p) => p.name === 'purpose')?.data.toString('utf8'), purpose.replace(/\r?\n|\r/g, '\r\n'));
        const file = parts.find((p) => p.name === 'file');
        assert.equal(file?.filename, 'data.jsonl');
        assert.deepEqual(new Uint8Array(file!.data), bytes);
      }),
      { numRuns: 50 },
    );
    assert.throws(() => parseMultipart(Buffer.from('x'), 'application/json'), /multipart/);
  });

  it('a fine-tuned model answers from the nearest training example', () => {
    const text = [chatLine('How do I bake bread?', 'Use flour.'), chatLine('What is the capital of France?', 'Paris.'), 'not json', ''].join('\n');
    const pairs = trainingPairs(text);
    assert.deepEqual(pairs, [
      { prompt: 'How do I bake bread?', reply: 'Use flour.' },
      { prompt: 'What is the capital of France?', reply: 'Paris.' },
    ]);
    assert.equal(nearest(pairs, 'capital city of france please')?.reply, 'Paris.');
    assert.equal(nearest(pairs, 'bread baking')?.reply, 'Use flour.');
    assert.equal(similarity('a b c', 'a b c'), 1);
    assert.equal(similarity('a b', 'c d'), 0);
    const dpo = JSON.stringify({ input: { messages: [{ role: 'user', content: 'hi' }] }, preferred_output: [{ role: 'assistant', content: 'hello!' }], non_preferred_output: [{ role: 'assistant', content: 'no' }] });
    assert.deepEqual(trainingPairs(dpo), [{ prompt: 'hi', reply: 'hello!' }]);
  });

  it('faults match method and path, honour count and skip, one of each kind per request', () => {
    const f = new Faults();
    f.add({ kind: 'error', method: 'post', path: '^/files$', count: 2 });
    f.add({ kind: 'error', path: '^/files$' });
    f.add({ kind: 'latency', path: 'files', count: null });
    assert.deepEqual(f.take('GET', '/files/x').map((x) => x.kind), ['latency']);
    assert.deepEqual(f.take('GET', '/files').map((x) => x.id), ['fault_2', 'fault_3']);
    assert.deepEqual(f.take('POST', '/files').map((x) => x.id), ['fault_1', 'fault_3']);
    assert.deepEqual(f.take('POST', '/files').map((x) => x.id), ['fault_1', 'fault_3']);
    assert.deepEqual(f.take('POST', '/files').map((x) => x.id), ['fault_3']);
    assert.throws(() => f.add({ kind: 'error', path: '(' }));
    const j = new Faults();
    j.add({ kind: 'job-failure', job: 'abc', skip: 1 });
    assert.equal(j.takeJobFailure('ftjob-xyz'), undefined);
    assert.equal(j.takeJobFailure('ftjob-abc'), undefined, 'skipped');
    assert.ok(j.takeJobFailure('ftjob-abc'));
    assert.equal(j.takeJobFailure('ftjob-abc'), undefined, 'spent');
  });

  it('formats invalid_file_format messages with the example number once', () => {
    assert.equal(invalidFormatMessage(3, 'Example 3 cannot be parsed: x.'), 'Invalid file format. Example 3: cannot be parsed: x.');
    assert.equal(invalidFormatMessage(5, 'Example 5: messages[0].role is "usr".'), 'Invalid file format. Example 5: messages[0].role is "usr".');
    assert.equal(invalidFormatMessage(2, 'bad line'), 'Invalid file format. Example 2: bad line');
  });
});
