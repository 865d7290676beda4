/** Data-quality rules: the system prompt across the file (TL-08, TL-09) and tool-call arguments (TL-10, TL-11). */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateFile, validateText } from '../../../src/core/validate';
import { DatasetIndex } from '../../../src/core/dataset';
import { bigramSimilarity } from '../../../src/core/rules/system-prompt';
import { schemaMismatch } from '../../../src/core/rules/quality';

const PROMPT = 'You are a terse assistant for a travel agency. Answer in one sentence.';
const ex = (i: number, system?: string): string =>
  JSON.stringify({ messages: [...(system === undefined ? [] : [{ role: 'system', content: system }]), { role: 'user', content: `Question ${i}?` }, { role: 'assistant', content: `Answer ${i}.` }] });
const file = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join('\n') + '\n';
const of = (r: ReturnType<typeof validateText>, code: string) => r.problems.filter((p) => p.code === code);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneline-quality-'));
let k = 0;
const tmp = (s: string): string => {
  const p = path.join(dir, `q${k++}.jsonl`);
  fs.writeFileSync(p, s);
  return p;
};

describe('system prompt across the file (TL-08 inconsistent-system-prompt, TL-09 no-system-prompt)', () => {
  it('a file that deliberately has no system prompt: one file-level information, no line warning', () => {
    const r = validateText(file(60, (i) => ex(i)));
    assert.deepEqual(r.problems.map((p) => [p.code, p.severity, p.line]), [['no-system-prompt', 'info', undefined]]);
    assert.equal(r.counts.warning, 0);
  });

  it('the same prompt everywhere: nothing', () => {
    assert.deepEqual(validateText(file(60, (i) => ex(i, PROMPT))).problems, []);
  });

  it('some examples lack the prompt most have: a warning on each of those lines only, naming one that has it', () => {
    const r = validateText(file(60, (i) => ex(i, i === 7 || i === 30 ? undefined : PROMPT)));
    const w = of(r, 'inconsistent-system-prompt');
    assert.deepEqual(w.map((p) => p.line), [7, 30]);
    assert.equal(w[0]!.severity, 'warning');
    assert.equal(w[0]!.relatedLine, 0);
    assert.match(w[0]!.message, /^Example 8 has no system prompt, while 58 of 60 examples have one \(e\.g\. line 1\)/);
    assert.equal(of(r, 'no-system-prompt').length, 0);
  });

  it('a few examples have a prompt most lack: the warning goes on those few', () => {
    const r = validateText(file(60, (i) => ex(i, i === 5 ? PROMPT : undefined)));
    assert.deepEqual(of(r, 'inconsistent-system-prompt').map((p) => p.line), [5]);
    assert.match(of(r, 'inconsistent-system-prompt')[0]!.message, /has a system prompt, while 59 of 60 examples have none/);
  });

  it('a near-identical variant of the common prompt is warned; a deliberately different prompt is not', () => {
    const typo = PROMPT.replace('assistant', 'asistant');
    const other = 'Translate the user message into French.';
    const r = validateText(file(60, (i) => ex(i, i === 12 ? typo : i === 20 ? other : PROMPT)));
    const w = of(r, 'inconsistent-system-prompt');
    assert.deepEqual(w.map((p) => p.line), [12]);
    assert.equal(w[0]!.data?.suggestion, PROMPT);
    assert.ok(bigramSimilarity(PROMPT, typo) > 0.85);
    assert.ok(bigramSimilarity(PROMPT, other) < 0.5);
  });

  it('variants only (every example has a prompt): the index, the stream and an edit agree; a tie at the top too', async () => {
    const typo = PROMPT.replace('travel', 'travle');
    const text = file(70, (i) => ex(i, i === 10 || i === 61 ? typo : i % 3 ? PROMPT : 'Answer in French only, and be brief.'));
    const a = validateText(text);
    assert.deepEqual(of(a, 'inconsistent-system-prompt').map((p) => [p.line, p.relatedLine]), [[10, 1], [61, 1]]);
    assert.deepEqual((await validateFile(tmp(text), { parallel: true, highWaterMark: 700 })).problems, a.problems);
    const index = DatasetIndex.fromText(text);
    index.setLines(10, 1, [ex(10, PROMPT)]);
    assert.deepEqual(index.problems().filter((p) => p.code === 'inconsistent-system-prompt').map((p) => p.line), [61]);
    const tie = file(41, (i) => ex(i, i === 40 ? typo : i % 2 ? PROMPT : 'Answer in French only, and be brief.'));
    assert.deepEqual(DatasetIndex.fromText(tie).problems(), validateText(tie).problems);
    assert.deepEqual((await validateFile(tmp(tie))).problems, validateText(tie).problems);
  });

  it('the missing user message is still reported per line (SFT-09)', () => {
    const r = validateText(file(12, (i) => JSON.stringify({ messages: [{ role: 'system', content: PROMPT }, { role: 'assistant', content: `A${i}` }] })));
    assert.equal(of(r, 'missing-system-or-user').length, 12);
  });

  it('the editor index and the streamed validation (two halves on two threads) agree', async () => {
    const text = file(80, (i) => ex(i, i % 13 === 3 ? undefined : i === 50 ? PROMPT + '!' : PROMPT));
    const a = validateText(text);
    assert.ok(of(a, 'inconsistent-system-prompt').length > 0);
    const b = await validateFile(tmp(text), { parallel: true, highWaterMark: 512 });
    assert.deepEqual(b.problems, a.problems);
    const index = DatasetIndex.fromText(text);
    assert.deepEqual(index.lineProblems(3).map((p) => p.code), ['inconsistent-system-prompt']);
    index.setLines(3, 1, [ex(3, PROMPT)]);
    assert.deepEqual(index.lineProblems(3), []);
  });

  it('a big file on two threads: the halves merge (hundreds of thousands of lines of one prompt) and the one odd line is found', async () => {
    const n = 200_000;
    const odd = 150_000;
    const text = file(n, (i) => (i === odd ? ex(i) : ex(i, 'S')));
    const r = await validateFile(tmp(text), { parallel: true });
    assert.ok((r.threads ?? 1) >= 2, 'checked in two parts');
    assert.equal(r.examples, n);
    assert.deepEqual(
      of(r, 'inconsistent-system-prompt').map((p) => p.line),
      [odd],
    );
  });
});

describe('tool-call arguments (TL-10 arguments-double-encoded, TL-11 arguments-schema-mismatch)', () => {
  const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city'], additionalProperties: false } } }];
  const call = (args: string) => JSON.stringify({
    tools,
    messages: [
      { role: 'system', content: PROMPT },
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: args } }] },
      { role: 'tool', tool_call_id: 'c1', content: '18 C' },
      { role: 'assistant', content: '18 C.' },
    ],
  });

  it('double-encoded arguments are found whatever the spelling of the key (\\u escapes: the line is not searched as text)', () => {
    const line = call(JSON.stringify(JSON.stringify({ city: 'Paris' }))).replace('"arguments"', '"\\u0061rguments"');
    assert.ok(!line.includes('"arguments"'));
    const w = of(validateText(file(12, (i) => (i === 4 ? line : call(JSON.stringify({ city: `C${i}` }))))), 'arguments-double-encoded');
    assert.deepEqual(w.map((p) => p.line), [4]);
  });

  it('double-encoded arguments: a warning on the arguments value, with the fix in the result', () => {
    const inner = JSON.stringify({ city: 'Paris' });
    const line = call(JSON.stringify(inner));
    const r = validateText(file(12, (i) => (i === 4 ? line : call(JSON.stringify({ city: `C${i}` })))));
    const w = of(r, 'arguments-double-encoded');
    assert.equal(w.length, 1);
    assert.equal(w[0]!.line, 4);
    assert.equal(w[0]!.severity, 'warning');
    assert.equal(w[0]!.path, 'messages[2].tool_calls[0].function.arguments');
    assert.equal(w[0]!.data?.fix, inner);
    // The range is the arguments value: replacing it with the fix (as a JSON string) gives a clean line.
    const fixed = line.slice(0, w[0]!.column) + JSON.stringify(w[0]!.data?.fix) + line.slice(w[0]!.endColumn);
    assert.equal(fixed, call(inner));
    assert.equal(of(validateText(file(12, (i) => (i === 4 ? fixed : call(JSON.stringify({ city: `C${i}` }))))), 'arguments-double-encoded').length, 0);
  });

  it('arguments that do not match the parameters schema', () => {
    const bad = [JSON.stringify({ town: 'Paris' }), JSON.stringify({ city: 3 }), JSON.stringify({ city: 'Paris', unit: 'k' })];
    const r = validateText(file(12, (i) => call(bad[i] ?? JSON.stringify({ city: `C${i}`, unit: 'c' }))));
    const w = of(r, 'arguments-schema-mismatch');
    assert.deepEqual(w.map((p) => p.line), [0, 1, 2]);
    assert.match(w[0]!.message, /the required property "city" is missing/);
    assert.match(w[1]!.message, /city is integer, the schema says string/);
    assert.match(w[2]!.message, /unit is "k", not one of "c", "f"/);
  });

  it('schemaMismatch: what it checks, and silence on keywords it does not', () => {
    assert.equal(schemaMismatch({ a: 1.5 }, { type: 'object', properties: { a: { type: 'number' } } }, ''), undefined);
    assert.match(schemaMismatch({ a: [1, 'x'] }, { type: 'object', properties: { a: { type: 'array', items: { type: 'integer' } } } }, '') ?? '', /a\[1\] is string/);
    assert.equal(schemaMismatch({ a: 'x' }, { type: 'object', properties: { a: { type: 'string', pattern: '^y' } } }, ''), undefined);
    assert.match(schemaMismatch({ b: 1 }, { type: 'object', additionalProperties: false, properties: {} }, '') ?? '', /"b" is not a declared parameter/);
  });
});
