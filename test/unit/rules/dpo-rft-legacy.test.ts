import assert from 'node:assert/strict';
import { AST, CALL, DEV, SYS, TOOLS, USR, analyze, expectClean, expectOnly, line } from './helpers';

const BAD = { role: 'assistant', content: 'Lyon.' };
const DPO = { input: { messages: [USR] }, preferred_output: [AST], non_preferred_output: [BAD] };

describe('preference rules (DPO-*)', () => {
  it('a good preference example is clean', () => {
    expectClean(DPO, 'dpo');
    expectClean({ input: { messages: [SYS, USR], tools: TOOLS, parallel_tool_calls: false }, preferred_output: [{ role: 'assistant', tool_calls: [CALL] }], non_preferred_output: [BAD] }, 'dpo');
  });
  it('DPO-01 missing-preference-key: missing keys and extra keys', () => {
    const p = expectOnly({ input: DPO.input, preferred_output: [AST] }, 'missing-preference-key', 'error', line({ input: DPO.input, preferred_output: [AST] }), 'dpo');
    assert.match(p.message, /missing key 'non_preferred_output'/);
    assert.deepEqual(expectOnly({ ...DPO, score: 1 }, 'missing-preference-key', 'error', '"score"', 'dpo').data, { key: 'score' });
  });
  it('DPO-02 invalid-preference-input', () => {
    expectOnly({ ...DPO, input: [USR] }, 'invalid-preference-input', 'error', line([USR]), 'dpo');
    expectOnly({ ...DPO, input: { messages: [] } }, 'invalid-preference-input', 'error', '[]', 'dpo');
    expectOnly({ ...DPO, input: { messages: [USR], system: 'x' } }, 'invalid-preference-input', 'error', '"system"', 'dpo');
    // input.messages follow the SFT message rules:
    expectOnly({ ...DPO, input: { messages: [{ role: 'usr', content: 'x' }] } }, 'invalid-role', 'error', '"usr"', 'dpo');
  });
  it('DPO-03 invalid-preference-output', () => {
    expectOnly({ ...DPO, preferred_output: AST }, 'invalid-preference-output', 'error', line(AST), 'dpo');
    expectOnly({ ...DPO, preferred_output: [AST, AST] }, 'invalid-preference-output', 'error', line(AST), 'dpo');
    expectOnly({ ...DPO, preferred_output: [] }, 'invalid-preference-output', 'error', '[]', 'dpo');
    expectOnly({ ...DPO, non_preferred_output: [{ role: 'user', content: 'x' }] }, 'invalid-preference-output', 'error', '"user"', 'dpo');
  });
  it('DPO-04 weight-in-preference', () => {
    expectOnly({ ...DPO, preferred_output: [{ ...AST, weight: 1 }] }, 'weight-in-preference', 'error', '"weight"', 'dpo');
  });
  it('DPO-05 preference-not-single-turn', () => {
    expectOnly({ ...DPO, input: { messages: [USR, AST, { role: 'user', content: 'And Italy?' }] } }, 'preference-not-single-turn', 'warning', line(AST), 'dpo');
  });
  it('DPO-06 old-preference-key-names', () => {
    const p = expectOnly({ input: DPO.input, preferred_completion: [AST], non_preferred_output: [BAD] }, 'old-preference-key-names', 'error', '"preferred_completion"', 'dpo');
    assert.deepEqual(p.data, { suggestion: 'preferred_output', key: 'preferred_completion' });
  });
  it('DPO-07 image-in-preference (once per example)', () => {
    const img = { type: 'image_url', image_url: { url: 'https://example.com/a.png' } };
    const ex = { ...DPO, input: { messages: [{ role: 'user', content: [img, img] }] } };
    const ps = analyze(line(ex), 'dpo').problems;
    assert.deepEqual(ps.map((p) => [p.code, p.severity]), [['image-in-preference', 'warning']]);
  });
  it('DPO-08 identical-preference-outputs', () => {
    expectOnly({ ...DPO, non_preferred_output: [AST] }, 'identical-preference-outputs', 'warning', line([AST]), 'dpo');
  });
  it('the reference example of section 9 ("Example 1 is missing key \'input\'")', () => {
    const p = expectOnly({ preferred_output: [AST], non_preferred_output: [BAD] }, 'missing-preference-key', 'error', line({ preferred_output: [AST], non_preferred_output: [BAD] }), 'dpo');
    assert.match(p.message, /^Example 1 is missing key 'input'/);
  });
});

const RFT = { messages: [DEV, USR], reference_answer: 'Paris' };
const GRADER = { type: 'string_check', name: 'exact', input: '{{ sample.output_text }}', reference: '{{ item.reference_answer }}', operation: 'eq' };

describe('reinforcement rules (RFT-*)', () => {
  it('a good RFT example is clean, and extra keys are grader data (RFT-04)', () => {
    expectClean(RFT, 'reinforcement');
    expectClean({ ...RFT, compliant: true, meta: { a: 1 }, tools: TOOLS }, 'reinforcement', [], { grader: GRADER });
  });
  it('RFT-01 rft-missing-messages', () => {
    expectOnly({ messages: [], reference_answer: 'x' }, 'rft-missing-messages', 'error', '[]', 'reinforcement');
    expectOnly({ reference_answer: 'x' }, 'rft-missing-messages', 'error', '{"reference_answer":"x"}', 'reinforcement');
  });
  it('RFT-02 rft-invalid-role', () => {
    const p = expectOnly({ ...RFT, messages: [{ role: 'system', content: 'x' }, USR] }, 'rft-invalid-role', 'error', '"system"', 'reinforcement');
    assert.deepEqual(p.data, { suggestion: 'developer' });
    expectOnly({ ...RFT, messages: [{ role: 'function', name: 'f', content: 'x' }, USR] }, 'rft-invalid-role', 'error', '"function"', 'reinforcement');
  });
  it('RFT-03 rft-last-message-not-user', () => {
    expectOnly({ ...RFT, messages: [DEV, USR, AST] }, 'rft-last-message-not-user', 'error', line(AST), 'reinforcement');
  });
  it('RFT-05 rft-unresolved-item-variable (with a grader)', () => {
    const p = expectOnly({ messages: [DEV, USR], answer: 'Paris' }, 'rft-unresolved-item-variable', 'warning', line({ messages: [DEV, USR], answer: 'Paris' }), 'reinforcement', { grader: GRADER });
    assert.deepEqual(p.data, { key: 'reference_answer' });
    const nested = { ...GRADER, reference: '{{ item.meta.label }}' };
    expectOnly({ ...RFT, meta: { other: 1 } }, 'rft-unresolved-item-variable', 'warning', '"meta"', 'reinforcement', { grader: nested });
    expectClean({ ...RFT, meta: { label: 'x' } }, 'reinforcement', [], { grader: nested });
  });
  it('RFT-06 image-in-rft', () => {
    const img = { type: 'image_url', image_url: { url: 'https://example.com/a.png' } };
    expectOnly({ ...RFT, messages: [DEV, { role: 'user', content: [img] }] }, 'image-in-rft', 'warning', line(img), 'reinforcement');
  });
  it('weight is allowed on RFT assistant turns and checked (SFT-11)', () => {
    expectClean({ ...RFT, messages: [DEV, USR, { ...AST, weight: 0 }, USR] }, 'reinforcement');
    expectOnly({ ...RFT, messages: [DEV, USR, { ...AST, weight: 'yes' }, USR] }, 'weight-not-binary', 'error', '"yes"', 'reinforcement');
  });
});

describe('legacy prompt/completion rules (LEG-01)', () => {
  it('a good line is clean', () => expectClean({ prompt: 'Capital of France?', completion: ' Paris' }, 'completion'));
  it('LEG-01 invalid-completion-example: missing key, wrong type, extra key', () => {
    expectOnly({ prompt: 'x' }, 'invalid-completion-example', 'error', '{"prompt":"x"}', 'completion');
    expectOnly({ prompt: 'x', completion: 3 }, 'invalid-completion-example', 'error', '3', 'completion');
    expectOnly({ prompt: 'x', completion: 'y', label: 1 }, 'invalid-completion-example', 'error', '"label"', 'completion');
  });
});
