import assert from 'node:assert/strict';
import {
  buildBatchInput,
  customId,
  exactMatch,
  extractExample,
  extractExamples,
  inferenceCost,
  isExample,
  jsonScores,
  normalizeText,
  normalizedMatch,
  parseBatchOutput,
  parseCustomId,
  readResults,
  recordLine,
  resultsFileName,
  isResultsFileName,
  scoreReply,
  summarize,
  tokenF1,
  wordDiff,
  type EvalHeader,
  type EvalRow,
} from '../../src/core/eval';

const chat = (...msgs: Array<[string, string]>) => JSON.stringify({ messages: msgs.map(([role, content]) => ({ role, content })) });

describe('eval: scores', () => {
  it('exact match trims the ends only', () => {
    assert.equal(exactMatch(' Paris\n', 'Paris'), 1);
    assert.equal(exactMatch('paris', 'Paris'), 0);
    assert.equal(exactMatch('Paris.', 'Paris'), 0);
  });

  it('normalised match ignores case, punctuation, articles and spacing', () => {
    assert.equal(normalizeText('  The  Capital, of FRANCE!  '), 'capital of france');
    assert.equal(normalizedMatch('the capital of France.', 'Capital of france'), 1);
    assert.equal(normalizedMatch('Paris', 'Lyon'), 0);
    assert.equal(normalizeText('Ｆｕｌｌ width'), 'full width', 'NFKC');
  });

  it('token F1 counts word overlap with multiplicity', () => {
    assert.equal(tokenF1('a b c', 'a b c'), 1);
    assert.equal(tokenF1('x y', 'a b'), 0);
    // reply "cat sat" vs reference "cat sat on mat": p = 1, r = 0.5 → F1 = 2/3
    assert.ok(Math.abs(tokenF1('cat sat', 'cat sat on mat') - 2 / 3) < 1e-12);
    // repeated words count once each against the reference's copies: "dog dog dog" vs "dog": p = 1/3, r = 1 → 0.5
    assert.ok(Math.abs(tokenF1('dog dog dog', 'dog') - 0.5) < 1e-12);
    assert.equal(tokenF1('', ''), 1);
    assert.equal(tokenF1('', 'word'), 0);
    assert.equal(tokenF1('The.', 'a'), 1, 'both normalise to nothing');
  });

  it('JSON scores only when the reference is a JSON object or array', () => {
    assert.equal(jsonScores('anything', 'plain text'), undefined);
    assert.equal(jsonScores('42', '42'), undefined, 'a bare number is not JSON data');
    assert.deepEqual(jsonScores('not json', '{"a":1}'), { jsonValid: 0, jsonKeys: 0 });
    assert.deepEqual(jsonScores('{"a":1,"b":2}', '{"a":1,"b":3}'), { jsonValid: 1, jsonKeys: 0.5 });
    assert.deepEqual(jsonScores('{"b":{"x":[1,2]},"a":1}', '{"a":1,"b":{"x":[1,2]}}'), { jsonValid: 1, jsonKeys: 1 }, 'key order does not matter');
    assert.deepEqual(jsonScores('```json\n{"a":1}\n```', '{"a":1}'), { jsonValid: 1, jsonKeys: 1 }, 'a fenced block counts');
    assert.deepEqual(jsonScores('[1,2]', '[1,2]'), { jsonValid: 1, jsonKeys: 1 });
    assert.deepEqual(jsonScores('[2,1]', '[1,2]'), { jsonValid: 1, jsonKeys: 0 });
    assert.deepEqual(jsonScores('[1]', '{"a":1}'), { jsonValid: 1, jsonKeys: 0 });
  });

  it('scoreReply combines them', () => {
    assert.deepEqual(scoreReply('Paris', 'Paris'), { exact: 1, normalized: 1, f1: 1 });
    const s = scoreReply('{"city": "Paris"}', '{"city":"Paris","country":"FR"}');
    assert.equal(s.exact, 0);
    assert.equal(s.jsonValid, 1);
    assert.equal(s.jsonKeys, 0.5);
  });
});

describe('eval: examples', () => {
  it('sends the conversation up to the last assistant turn; its text is the reference', () => {
    const line = chat(['system', 'S'], ['user', 'u1'], ['assistant', 'a1'], ['user', 'u2'], ['assistant', 'a2']);
    const x = extractExample(line, 4, 3);
    assert.ok(isExample(x));
    assert.equal(x.reference, 'a2');
    assert.deepEqual(x.messages.map((m) => m.role), ['system', 'user', 'assistant', 'user']);
    assert.equal(x.line, 4);
    assert.equal(x.example, 3);
  });

  it('drops training-only keys (weight) and keeps tools', () => {
    const line = JSON.stringify({
      messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'x', weight: 0 }, { role: 'user', content: 'q2' }, { role: 'assistant', content: [{ type: 'text', text: 'r' }] }],
      tools: [{ type: 'function', function: { name: 'f' } }],
    });
    const x = extractExample(line, 0, 1);
    assert.ok(isExample(x));
    assert.ok(!('weight' in x.messages[1]!));
    assert.equal(x.reference, 'r', 'text parts are joined');
    assert.equal(x.tools?.length, 1);
  });

  it('skips what it cannot evaluate, with the reason, and counts examples like the service', () => {
    const text = [
      chat(['user', 'q'], ['assistant', 'a']),
      '',
      '{bad',
      chat(['user', 'only a question']),
      JSON.stringify({ prompt: 'p', completion: 'c' }),
      JSON.stringify({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] }] }),
      chat(['system', 's'], ['assistant', 'a']),
      chat(['user', 'q2'], ['assistant', 'a2']),
    ].join('\r\n');
    const r = extractExamples(text);
    assert.deepEqual(r.examples.map((e) => [e.line, e.example]), [[0, 1], [7, 7]]);
    assert.deepEqual(r.skipped.map((s) => s.line), [2, 3, 4, 5, 6]);
    assert.match(r.skipped[0]!.reason, /not valid JSON/);
    assert.match(r.skipped[1]!.reason, /no assistant turn/);
    assert.match(r.skipped[2]!.reason, /not a chat example/);
    assert.match(r.skipped[3]!.reason, /tool call/);
    assert.match(r.skipped[4]!.reason, /no user turn/);
  });
});

describe('eval: results file', () => {
  const header: EvalHeader = {
    type: 'header',
    format: 'tuneline-eval',
    version: 1,
    dataset: 'good.jsonl',
    models: ['gpt-4o-mini', 'ft:gpt-4o-mini-2024-07-18:org::x'],
    mode: 'live',
    startedAt: '2026-11-24T00:00:00.000Z',
    examples: 2,
    skipped: [],
    temperature: 0,
  };
  const row = (model: string, line: number, reply: string, reference: string, error?: string): EvalRow => ({
    type: 'result',
    model,
    line,
    example: line + 1,
    reference,
    reply,
    scores: scoreReply(reply, reference),
    usage: { prompt: 100, completion: 10 },
    ...(error ? { error } : {}),
  });

  it('summarises per model: means over replies, errors apart, tokens, cost', () => {
    const rows = [
      row('gpt-4o-mini', 0, 'x', 'a b'),
      row('gpt-4o-mini', 1, '', 'c', 'rate limited'),
      row('ft:gpt-4o-mini-2024-07-18:org::x', 0, 'a b', 'a b'),
      row('ft:gpt-4o-mini-2024-07-18:org::x', 1, 'c', 'c'),
    ];
    const [base, ft] = summarize(header.models, rows);
    assert.equal(base!.scored, 1);
    assert.equal(base!.errors, 1);
    assert.equal(base!.means.exact, 0);
    assert.equal(ft!.means.exact, 1);
    assert.equal(ft!.means.f1, 1);
    assert.equal(ft!.means.jsonValid, undefined);
    assert.equal(ft!.promptTokens, 200);
    // fine-tuned gpt-4o-mini: $0.30 in, $1.20 out per 1M
    assert.ok(Math.abs(ft!.costUsd! - (200 * 0.3 + 20 * 1.2) / 1e6) < 1e-12);
    const [, ftBatch] = summarize(header.models, rows, true);
    assert.ok(Math.abs(ftBatch!.costUsd! - ft!.costUsd! / 2) < 1e-15, 'batch: half price');
    assert.equal(inferenceCost('my-own-model', 1, 1), undefined);
  });

  it('reads a finished file, and a partial one (torn last line) with a recomputed summary', () => {
    const rows = [row('gpt-4o-mini', 0, 'a', 'a'), row('ft:gpt-4o-mini-2024-07-18:org::x', 0, 'b', 'a')];
    const partial = recordLine(header) + rows.map(recordLine).join('') + '{"type":"result","mod';
    const p = readResults(partial);
    assert.equal(p.finished, false);
    assert.equal(p.rows.length, 2);
    assert.equal(p.summary.status, 'cancelled');
    assert.equal(p.summary.models[0]!.means.exact, 1);
    const done = recordLine(header) + rows.map(recordLine).join('') + recordLine({ type: 'summary', status: 'completed', finishedAt: 'x', models: summarize(header.models, rows) });
    assert.equal(readResults(done).finished, true);
    assert.throws(() => readResults('{"a":1}\n'), /not a Tuneline evaluation results file/);
  });

  it('names results files next to the dataset and recognises them', () => {
    const name = resultsFileName('good.jsonl', new Date('2026-11-24T22:53:01.123Z'));
    assert.equal(name, 'good.eval-20261124T225301Z.jsonl');
    assert.ok(isResultsFileName(name));
    assert.ok(!isResultsFileName('good.jsonl'));
  });
});

describe('eval: batch lines', () => {
  it('builds one request per model and example, and parses output and error lines back', () => {
    const { examples } = extractExamples([chat(['user', 'q1'], ['assistant', 'a1']), chat(['user', 'q2'], ['assistant', 'a2'])].join('\n'));
    const input = buildBatchInput(examples, ['m-a', 'm-b'], { temperature: 0 }, (m) => `dep-${m}`);
    const lines = input.trim().split('\n').map((l) => JSON.parse(l) as { custom_id: string; url: string; method: string; body: { model: string; temperature: number } });
    assert.deepEqual(lines.map((l) => l.custom_id), ['m0-l0', 'm0-l1', 'm1-l0', 'm1-l1']);
    assert.ok(lines.every((l) => l.url === '/v1/chat/completions' && l.method === 'POST' && l.body.temperature === 0));
    assert.equal(lines[2]!.body.model, 'dep-m-b');
    assert.deepEqual(parseCustomId(customId(3, 17)), { modelIndex: 3, line: 17 });
    assert.equal(parseCustomId('x'), undefined);

    const output = [
      JSON.stringify({ id: 'r1', custom_id: 'm0-l0', response: { status_code: 200, request_id: 'q', body: { choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }], usage: { prompt_tokens: 9, completion_tokens: 2 } } }, error: null }),
      JSON.stringify({ id: 'r2', custom_id: 'm0-l1', response: { status_code: 404, request_id: 'q', body: { error: { message: 'no such model' } } }, error: null }),
      JSON.stringify({ id: 'r3', custom_id: 'm1-l0', response: null, error: { code: 'batch_expired', message: 'expired' } }),
      'garbage',
    ].join('\n');
    const out = parseBatchOutput(output);
    assert.deepEqual(out[0], { customId: 'm0-l0', reply: 'hi', finishReason: 'stop', usage: { prompt: 9, completion: 2 } });
    assert.equal(out[1]!.error, '404: no such model');
    assert.equal(out[2]!.error, 'expired');
    assert.equal(out.length, 3);
  });
});

describe('eval: word diff', () => {
  it('marks words only in the reference as removed and only in the reply as added', () => {
    const d = wordDiff('the cat sat on the mat', 'the dog sat on a mat');
    assert.deepEqual(d, [
      { op: 'same', text: 'the ' },
      { op: 'del', text: 'cat ' },
      { op: 'add', text: 'dog ' },
      { op: 'same', text: 'sat on ' },
      { op: 'del', text: 'the ' },
      { op: 'add', text: 'a ' },
      { op: 'same', text: 'mat' },
    ]);
    const same = wordDiff('a b', 'a b');
    assert.deepEqual(same, [{ op: 'same', text: 'a b' }]);
    assert.deepEqual(wordDiff('', 'x'), [{ op: 'add', text: 'x' }]);
  });
});
