import assert from 'node:assert/strict';
import { AST, SYS, USR, analyze, expectClean, expectOnly, line, rangeText } from './helpers';

const GOOD = { messages: [SYS, USR, AST] };

describe('line-level file rules (FILE-01, 02, 08, 09, TL-01)', () => {
  it('FILE-01 invalid-json: the range is where parsing fails', () => {
    const text = '{"messages":[{"role":"user","content":"hi"},]}';
    const p = expectOnly(text, 'invalid-json', 'error', ']');
    assert.match(p.message, /^Example 1 cannot be parsed/);
    const t2 = '{"messages":[{"role":"user" "content":"hi"}]}';
    assert.equal(rangeText(t2, analyze(t2).problems[0]!), '"content"');
    const t3 = '{"messages":[';
    const p3 = analyze(t3).problems[0]!;
    assert.equal(p3.code, 'invalid-json');
    assert.equal(p3.endColumn, t3.length);
    assert.equal(analyze(t3).dupKey, undefined);
  });

  it('FILE-01: the reference example (missing comma, "Expecting \',\' delimiter")', () => {
    // The reference's observed error is a missing ',' between two values.
    const text = '{"prompt": "a" "completion": "b"}';
    const p = expectOnly(text, 'invalid-json', 'error', '"completion"', 'completion');
    assert.match(p.message, /expected ','/);
  });

  it('FILE-02 line-not-object', () => {
    expectOnly('[1,2]', 'line-not-object', 'error', '[1,2]');
    expectOnly('"text"', 'line-not-object', 'error', '"text"', 'dpo');
    expectOnly('42', 'line-not-object', 'error', '42', 'completion');
  });

  it('FILE-08 wrong-format: one error naming both formats, no flood of the other format\'s rules', () => {
    const dpo = { input: { messages: [USR] }, preferred_output: [AST], non_preferred_output: [{ role: 'assistant', content: 'x' }] };
    const a = expectOnly(dpo, 'wrong-format', 'error', '"input"', 'supervised', { exampleNumber: 7 });
    assert.equal(a.message.startsWith('Example 7 is a preference (DPO) example but this file is supervised chat'), true, a.message);
    const ps = analyze(line(dpo), 'supervised', { exampleNumber: 7 }).problems;
    assert.equal(ps.length, 1);
    expectOnly(GOOD, 'wrong-format', 'error', '"messages"', 'dpo');
    expectOnly(GOOD, 'wrong-format', 'error', '"messages"', 'completion');
    expectOnly({ prompt: 'a', completion: 'b' }, 'wrong-format', 'error', '"prompt"', 'supervised');
    expectOnly({ prompt: 'a', completion: 'b' }, 'wrong-format', 'error', '"prompt"', 'reinforcement');
    // An RFT-looking chat line in a supervised file is judged by the supervised rules, not FILE-08.
    expectOnly({ messages: [SYS, USR, AST], reference_answer: 'x' }, 'unknown-top-level-key', 'error', '"reference_answer"');
  });

  it('FILE-09 special-token: error for <|fim_suffix|>, warning for the others, range = the token', () => {
    const p = expectOnly({ messages: [SYS, { role: 'user', content: 'Complete: <|fim_suffix|> now' }, AST] }, 'special-token', 'error', '<|fim_suffix|>');
    assert.equal(p.path, 'messages[1].content');
    assert.deepEqual(p.data, { token: '<|fim_suffix|>' });
    expectOnly({ messages: [SYS, USR, { role: 'assistant', content: 'done<|endoftext|>' }] }, 'special-token', 'warning', '<|endoftext|>');
    // Escaped in JSON, still found, and the range maps back through the escapes.
    const esc = '{"messages":[{"role":"system","content":"x"},{"role":"user","content":"\\u00e9 \\u003c|endofprompt|>"},{"role":"assistant","content":"y"}]}';
    expectOnly(esc, 'special-token', 'warning', '\\u003c|endofprompt|>');
    const esc2 = '{"messages":[{"role":"system","content":"x"},{"role":"user","content":"a <\\u007cfim_suffix|> b"},{"role":"assistant","content":"y"}]}';
    expectOnly(esc2, 'special-token', 'error', '<\\u007cfim_suffix|>');
    // In tool arguments and grader fields too.
    expectOnly({ prompt: 'a <|fim_prefix|>', completion: 'b' }, 'special-token', 'warning', '<|fim_prefix|>', 'completion');
    // Not a special token:
    expectClean({ messages: [SYS, { role: 'user', content: 'a <|im_start|> b <| c' }, AST] });
  });

  it('FILE-09: the reference example ("message contains an invalid token: <|fim_suffix|>")', () => {
    const p = expectOnly({ messages: [SYS, { role: 'user', content: '<|fim_suffix|>' }, AST] }, 'special-token', 'error', '<|fim_suffix|>', 'supervised', { exampleNumber: 6174 });
    assert.match(p.message, /^Example 6174: messages\[1\]\.content contains the special token <\|fim_suffix\|>/);
  });

  it('TL-01 utf8-bom: a BOM is skipped, with a warning on the mark itself', () => {
    const text = '\uFEFF' + line(GOOD);
    const a = analyze(text);
    assert.deepEqual(a.problems.map((p) => [p.code, p.severity, p.column, p.endColumn]), [['utf8-bom', 'warning', 0, 1]]);
    assert.equal(a.shape, 'chat');
    // Ranges of other problems stay right after the BOM.
    const t2 = '\uFEFF' + line({ messages: [SYS, USR, { ...AST, weight: 5 }] });
    const p = analyze(t2).problems.find((x) => x.code === 'weight-not-binary')!;
    assert.equal(rangeText(t2, p), '5');
  });

  it('blank lines give no problems here (file-level rule)', () => {
    assert.deepEqual(analyze('').problems, []);
    assert.deepEqual(analyze('  ').problems, []);
  });

  it('dupKey: equal for identical examples (ignoring surrounding whitespace), different otherwise; stats filled', () => {
    const a = analyze(line(GOOD));
    const b = analyze(line(GOOD) + '\r');
    const c = analyze(line({ messages: [SYS, USR, { role: 'assistant', content: 'Parjs.' }] }));
    assert.ok(a.dupKey);
    assert.equal(a.dupKey, b.dupKey);
    assert.notEqual(a.dupKey, c.dupKey);
    const text = line({ messages: [SYS, { role: 'user', content: ['héllo', { type: 'text', text: 'x' }] }, AST, AST] });
    const s = analyze(text).stats!;
    assert.equal(s.bytes, Buffer.byteLength(text));
    assert.equal(s.messages, 4);
    assert.equal(s.assistantTurns, 2);
    assert.deepEqual(s.roles, { system: 1, user: 1, assistant: 2 });
    assert.equal(analyze(line(GOOD), 'supervised', { bytes: 999 }).stats!.bytes, 999);
  });
});
