import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseLine } from '../../../src/core/parse';
import { checkGrader, checkLine } from '../../../src/core/rules';
import { METHODS, type Method } from '../../../src/core/types';

function checkAll(text: string, grader?: unknown): void {
  const parsed = parseLine(text);
  for (const method of METHODS) {
    const a = checkLine(text, parsed, 3, method, { exampleNumber: 4, grader });
    for (const p of a.problems) {
      assert.equal(p.line, 3);
      assert.ok(p.column! >= 0 && p.column! <= p.endColumn! && p.endColumn! <= text.length, `${p.code} ${p.column}-${p.endColumn} of ${text.length}`);
      assert.ok(p.message.startsWith('Example 4'), p.message);
    }
  }
}

const GRADER = { type: 'string_check', name: 'x', input: '{{ sample.output_text }}', reference: '{{ item.answer.text }}', operation: 'eq' };

/** Values shaped like examples but with anything in the slots. */
const loose = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 2 }),
    tie('message'),
    fc.array(tie('message'), { maxLength: 4 }),
    fc.constantFrom('user', 'assistant', 'system', 'tool', 'developer', 'function', '<|fim_suffix|>', 'https://localhost/a.gif', 'data:image/png;base64,AA'),
  ),
  message: fc.dictionary(
    fc.constantFrom('role', 'content', 'weight', 'tool_calls', 'tool_call_id', 'name', 'type', 'text', 'image_url', 'url', 'function', 'arguments', 'id', 'refusal', 'detail'),
    tie('value'),
    { maxKeys: 5 },
  ),
  example: fc.dictionary(
    fc.constantFrom('messages', 'tools', 'functions', 'parallel_tool_calls', 'input', 'preferred_output', 'non_preferred_output', 'preferred_completion', 'prompt', 'completion', 'answer', 'weight'),
    tie('value'),
    { maxKeys: 5 },
  ),
})).example;

describe('property: no input makes parseLine/checkLine throw', () => {
  it('arbitrary strings (including lone surrogates and BOMs)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => checkAll(s)), { numRuns: 400 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 100 }), (s) => checkAll('\uFEFF' + s)), { numRuns: 100 });
  });
  it('arbitrary JSON values', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => checkAll(JSON.stringify(v) ?? 'null', GRADER)), { numRuns: 400 });
  });
  it('example-shaped objects with anything in the slots', () => {
    fc.assert(fc.property(loose, (v) => checkAll(JSON.stringify(v), GRADER)), { numRuns: 800 });
  });
  it('broken JSON (truncated example-shaped lines)', () => {
    fc.assert(
      fc.property(loose, fc.nat(), (v, cut) => {
        const t = JSON.stringify(v);
        checkAll(t.slice(0, cut % (t.length + 1)));
      }),
      { numRuns: 300 },
    );
  });
  it('checkGrader never throws', () => {
    fc.assert(fc.property(fc.jsonValue(), (g) => void checkGrader(g)), { numRuns: 300 });
    fc.assert(fc.property(loose, (g) => void checkGrader({ type: 'multi', name: 'm', graders: g, calculate_output: 'a + b' })), { numRuns: 200 });
  });
});

// ---------------------------------------------------------------------------------------------- valid generators

const text = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0 && !s.includes('<|'));
const fname = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
const argsJson = fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean())).map((o) => JSON.stringify(o));
const imagePart = fc.constantFrom(
  { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
  { type: 'image_url', image_url: { url: 'https://cdn.example.org/x/y.jpeg?sig=1', detail: 'low' } },
  { type: 'image_url', image_url: { url: 'data:image/webp;base64,UklGRg==', detail: 'high' } },
);
const userContent = fc.oneof(text, fc.tuple(text, fc.array(imagePart, { maxLength: 3 })).map(([t, imgs]) => [{ type: 'text', text: t }, ...imgs]));

const supervised = fc
  .record({
    names: fc.uniqueArray(fname, { minLength: 0, maxLength: 3 }),
    system: text,
    turns: fc.array(
      fc.record({ user: userContent, reply: text, weight: fc.constantFrom(undefined, 0, 1), call: fc.boolean(), args: argsJson, result: text }),
      { minLength: 1, maxLength: 3 },
    ),
    parallel: fc.constantFrom(undefined, true, false),
  })
  .map(({ names, system, turns, parallel }) => {
    const messages: unknown[] = [{ role: 'system', content: system }];
    let n = 0;
    turns.forEach((t, i) => {
      messages.push({ role: 'user', content: t.user });
      if (t.call && names.length > 0) {
        const id = `call_${n++}`;
        messages.push({ role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name: names[i % names.length], arguments: t.args } }] });
        messages.push({ role: 'tool', tool_call_id: id, content: t.result });
      }
      messages.push(t.weight === undefined || i === turns.length - 1 ? { role: 'assistant', content: t.reply } : { role: 'assistant', content: t.reply, weight: t.weight });
    });
    const ex: Record<string, unknown> = { messages };
    if (names.length > 0) ex.tools = names.map((name) => ({ type: 'function', function: { name, description: 'd', parameters: { type: 'object', properties: {} } } }));
    if (parallel !== undefined) ex.parallel_tool_calls = parallel;
    return ex;
  });

const preference = fc.record({ sys: fc.option(text, { nil: undefined }), user: text, good: text, bad: text }).map(({ sys, user, good, bad }) => ({
  input: { messages: [...(sys === undefined ? [] : [{ role: 'system', content: sys }]), { role: 'user', content: user }] },
  preferred_output: [{ role: 'assistant', content: good }],
  non_preferred_output: [{ role: 'assistant', content: bad }],
}));

const reinforcement = fc
  .record({ dev: fc.option(text, { nil: undefined }), user: text, answer: text, extra: fc.dictionary(fc.stringMatching(/^[a-z_]{1,10}$/), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }) })
  .map(({ dev, user, answer, extra }) => {
    const { messages: _m, tools: _t, ...rest } = extra as Record<string, unknown>;
    void _m;
    void _t;
    return { messages: [...(dev === undefined ? [] : [{ role: 'developer', content: dev }]), { role: 'user', content: user }], ...rest, answer: { text: answer } };
  });

const completion = fc.record({ prompt: fc.string().filter((s) => !s.includes('<|')), completion: fc.string().filter((s) => !s.includes('<|')) });

function noErrors(v: unknown, method: Method, grader?: unknown): void {
  const t = JSON.stringify(v);
  const a = checkLine(t, parseLine(t), 0, method, { exampleNumber: 1, grader });
  assert.deepEqual(a.problems.filter((p) => p.severity === 'error').map((p) => p.message), [], t);
  assert.ok(a.dupKey);
  assert.equal(a.stats?.bytes, Buffer.byteLength(t));
}

describe('property: generated valid examples give no errors', () => {
  it('supervised (with tools, tool calls, images, weights)', () => {
    fc.assert(fc.property(supervised, (ex) => noErrors(ex, 'supervised')), { numRuns: 300 });
  });
  it('preference (DPO)', () => {
    fc.assert(fc.property(preference, (ex) => noErrors(ex, 'dpo')), { numRuns: 200 });
  });
  it('reinforcement (with a grader whose item variables resolve)', () => {
    fc.assert(fc.property(reinforcement, (ex) => noErrors(ex, 'reinforcement', GRADER)), { numRuns: 200 });
  });
  it('legacy completion', () => {
    fc.assert(fc.property(completion, (ex) => noErrors(ex, 'completion')), { numRuns: 200 });
  });
});

describe('property: FILE-09 finds special tokens however the JSON escapes them', () => {
  const TOKENS = ['<|fim_suffix|>', '<|endoftext|>', '<|fim_prefix|>', '<|fim_middle|>', '<|endofprompt|>'];
  const piece = fc.oneof(fc.constantFrom(...TOKENS, '<|', '|>', '<', '|', 'é', '"', '\\'), fc.string({ maxLength: 5 }));
  it('with random \\u escapes (upper or lower hex)', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 64, maxLength: 64 }), (parts, modes) => {
        const s = parts.join('');
        let body = '';
        for (let i = 0; i < s.length; i++) {
          const c = s.charCodeAt(i);
          const mode = modes[i % modes.length]!;
          const hex = c.toString(16).padStart(4, '0');
          if (mode === 1 || c < 0x20 || c === 0x22 || c === 0x5c) body += '\\u' + hex;
          else if (mode === 2) body += '\\u' + hex.toUpperCase();
          else body += s[i];
        }
        const t = `{"prompt":"${body}","completion":"x"}`;
        const a = checkLine(t, parseLine(t), 0, 'completion', { exampleNumber: 1 });
        const found = a.problems.filter((p) => p.code === 'special-token').map((p) => (p.data as { token: string }).token);
        const expected = TOKENS.filter((tok) => s.includes(tok));
        assert.deepEqual([...new Set(found)].sort(), expected.sort(), t);
      }),
      { numRuns: 400 },
    );
  });
});
