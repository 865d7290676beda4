import assert from 'node:assert/strict';
import { AST, CALL, SYS, TOOLS, USR, analyze, expectClean, expectOnly, line } from './helpers';

const GOOD = { messages: [SYS, USR, AST] };

describe('supervised rules (SFT-*)', () => {
  it('a good example is clean', () => {
    expectClean(GOOD);
    expectClean({ messages: [SYS, USR, { ...AST, weight: 1 }, USR, { ...AST, weight: 0 }] });
    expectClean({ messages: [SYS, USR, { role: 'assistant', content: null, refusal: 'I cannot help with that.' , tool_calls: [CALL] }], tools: TOOLS });
  });

  it('SFT-01 missing-messages: missing, not an array, empty', () => {
    expectOnly({ messages: [] }, 'missing-messages', 'error', '[]');
    expectOnly({ messages: 'hi' }, 'missing-messages', 'error', '"hi"');
    const p = expectOnly({ tools: TOOLS }, 'missing-messages', 'error', line({ tools: TOOLS }));
    assert.match(p.message, /missing key 'messages'/);
  });

  it('SFT-02 unknown-top-level-key: extra key, with the observed "weight" case', () => {
    const p = expectOnly({ messages: GOOD.messages, weight: 1 }, 'unknown-top-level-key', 'error', '"weight"');
    assert.deepEqual(p.data, { key: 'weight' });
    assert.match(p.message, /extra "weight"/);
    expectOnly({ messages: GOOD.messages, id: 'x1' }, 'unknown-top-level-key', 'error', '"id"');
  });

  it('SFT-03 invalid-role: missing, misspelled, developer, not an object', () => {
    const miss = expectOnly({ messages: [SYS, { content: 'hi' }, AST] }, 'invalid-role', 'error', '{"content":"hi"}');
    assert.match(miss.message, /Example 1: messages\[1\] has no "role"/);
    const typo = expectOnly({ messages: [SYS, USR, { role: 'asistant', content: 'Paris.' }] }, 'invalid-role', 'error', '"asistant"');
    assert.deepEqual(typo.data, { suggestion: 'assistant' });
    assert.equal(typo.path, 'messages[2].role');
    const caps = expectOnly({ messages: [SYS, { role: 'User', content: 'x' }, AST] }, 'invalid-role', 'error', '"User"');
    assert.deepEqual(caps.data, { suggestion: 'user' });
    const dev = expectOnly({ messages: [DEVMSG, USR, AST] }, 'invalid-role', 'error', '"developer"');
    assert.deepEqual(dev.data, { suggestion: 'system' });
    const far = expectOnly({ messages: [SYS, { role: 'narrator', content: 'x' }, AST] }, 'invalid-role', 'error', '"narrator"');
    assert.equal(far.data, undefined);
    expectOnly({ messages: [SYS, 'hello', AST] }, 'invalid-role', 'error', '"hello"');
  });

  it('SFT-04 missing-message-key: required keys by role and key types', () => {
    expectOnly({ messages: [SYS, { role: 'user' }, AST] }, 'missing-message-key', 'error', '{"role":"user"}');
    expectOnly({ messages: [SYS, USR, { role: 'assistant' }] }, 'missing-message-key', 'error', '{"role":"assistant"}');
    expectOnly({ messages: [SYS, USR, { role: 'assistant', content: null }] }, 'missing-message-key', 'error', 'null');
    expectOnly({ messages: [SYS, { ...USR, name: 42 }, AST] }, 'missing-message-key', 'error', '42');
    expectOnly(
      { messages: [SYS, USR, { role: 'tool', content: '18 C' }, AST] },
      'missing-message-key',
      'error',
      '{"role":"tool","content":"18 C"}',
    );
    expectOnly({ messages: [SYS, USR, { ...AST, refusal: 5 }] }, 'missing-message-key', 'error', '5');
  });

  it('SFT-05 invalid-content: types and parts per role', () => {
    expectOnly({ messages: [SYS, { role: 'user', content: 7 }, AST] }, 'invalid-content', 'error', '7');
    expectOnly({ messages: [SYS, { role: 'user', content: [] }, AST] }, 'invalid-content', 'error', '[]');
    const audio = expectOnly(
      { messages: [SYS, { role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] }, AST] },
      'invalid-content',
      'error',
      '"input_audio"',
    );
    assert.match(audio.message, /not currently supported for fine-tuning/);
    expectOnly({ messages: [SYS, { role: 'user', content: [{ type: 'file', file: { file_id: 'f' } }] }, AST] }, 'invalid-content', 'error', '"file"');
    const it2 = expectOnly({ messages: [SYS, { role: 'user', content: [{ type: 'input_text', text: 'x' }] }, AST] }, 'invalid-content', 'error', '"input_text"');
    assert.deepEqual(it2.data, { suggestion: 'text' });
    expectOnly({ messages: [SYS, { role: 'user', content: [{ type: 'text' }] }, AST] }, 'invalid-content', 'error', '{"type":"text"}');
    expectOnly({ messages: [SYS, USR, { role: 'assistant', content: [{ type: 'refusal', refusal: 'no' }, { type: 'text', text: 'x' }] }] }, 'invalid-content', 'error', '[{"type":"refusal","refusal":"no"},{"type":"text","text":"x"}]');
    expectOnly({ messages: [{ role: 'system', content: [{ type: 'refusal', refusal: 'no' }] }, USR, AST] }, 'invalid-content', 'error', '"refusal"');
    expectClean({ messages: [SYS, { role: 'user', content: [{ type: 'text', text: 'hi' }] }, { role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot.' }] }] });
  });

  it('SFT-06 unknown-message-key: keys outside the role schema', () => {
    const p = expectOnly({ messages: [SYS, USR, { ...AST, confidence: 0.9 }] }, 'unknown-message-key', 'error', '"confidence"');
    assert.deepEqual(p.data, { key: 'confidence' });
    expectOnly({ messages: [SYS, { ...USR, tool_calls: [] }, AST] }, 'unknown-message-key', 'error', '"tool_calls"');
    expectOnly({ messages: [{ ...SYS, refusal: 'x' }, USR, AST] }, 'unknown-message-key', 'error', '"refusal"');
    // The cookbook's outdated allow-list is not copied: tool_calls, refusal and audio are fine on assistant messages.
    expectClean({ messages: [SYS, USR, { role: 'assistant', content: 'x', refusal: null, audio: { id: 'a1' }, name: 'bot' }] });
  });

  it('SFT-07 no-assistant-message (and no SFT-08 on top)', () => {
    expectOnly({ messages: [SYS, USR] }, 'no-assistant-message', 'error', '"messages"');
  });

  it('SFT-08 last-message-not-assistant', () => {
    expectOnly({ messages: [SYS, USR, AST, { role: 'user', content: 'Thanks!' }] }, 'last-message-not-assistant', 'warning', '{"role":"user","content":"Thanks!"}');
  });

  it('SFT-09 missing-system-or-user', () => {
    const a = expectOnly({ messages: [USR, AST] }, 'missing-system-or-user', 'warning', '"messages"');
    assert.deepEqual(a.data, { missing: ['system'] });
    const b = expectOnly({ messages: [SYS, AST] }, 'missing-system-or-user', 'warning', '"messages"');
    assert.deepEqual(b.data, { missing: ['user'] });
  });

  it('SFT-10 empty-content', () => {
    expectOnly({ messages: [SYS, { role: 'user', content: '' }, AST] }, 'empty-content', 'warning', '""');
    expectOnly({ messages: [SYS, USR, { role: 'assistant', content: '   ' }] }, 'empty-content', 'warning', '"   "');
    expectOnly({ messages: [SYS, { role: 'user', content: [{ type: 'text', text: '' }] }, AST] }, 'empty-content', 'warning', '""');
    // An assistant that calls a tool may have empty content.
    expectClean({ messages: [SYS, USR, { role: 'assistant', content: '', tool_calls: [CALL] }], tools: TOOLS });
  });

  it('SFT-11 weight-not-binary, with quick-fix suggestions where obvious', () => {
    const half = expectOnly({ messages: [SYS, USR, { ...AST, weight: 0.5 }] }, 'weight-not-binary', 'error', '0.5');
    assert.equal(half.data, undefined);
    assert.equal(half.path, 'messages[2].weight');
    assert.match(half.message, /^Example 1: messages\[2\]\.weight is 0\.5/);
    assert.deepEqual(expectOnly({ messages: [SYS, USR, { ...AST, weight: true }] }, 'weight-not-binary', 'error', 'true').data, { suggestion: 1 });
    assert.deepEqual(expectOnly({ messages: [SYS, USR, { ...AST, weight: '0' }] }, 'weight-not-binary', 'error', '"0"').data, { suggestion: 0 });
    expectOnly({ messages: [SYS, USR, { ...AST, weight: 2 }] }, 'weight-not-binary', 'error', '2');
  });

  it('SFT-12 weight-not-on-assistant', () => {
    const p = expectOnly({ messages: [SYS, { ...USR, weight: 0 }, AST] }, 'weight-not-on-assistant', 'error', '"weight"');
    assert.deepEqual(p.data, { key: 'weight' });
  });

  it('SFT-13 all-weights-zero', () => {
    expectOnly({ messages: [SYS, USR, { ...AST, weight: 0 }, USR, { ...AST, content: 'Rome.', weight: 0 }] }, 'all-weights-zero', 'warning', '0');
  });

  it('SFT-14 deprecated-functions: functions, function_call, function role (once per example)', () => {
    const fn = { name: 'get_weather', parameters: { type: 'object', properties: {} } };
    expectOnly(
      { functions: [fn], messages: [SYS, USR, { role: 'assistant', content: null, function_call: { name: 'get_weather', arguments: '{}' } }, { role: 'function', name: 'get_weather', content: '18 C' }, AST] },
      'deprecated-functions',
      'warning',
      '"functions"',
    );
    expectOnly(
      { messages: [SYS, USR, { role: 'assistant', content: null, function_call: { name: 'get_weather', arguments: '{}' } }] },
      'deprecated-functions',
      'warning',
      '"function_call"',
    );
  });

  it('structural checks are not piled onto a broken role', () => {
    const ps = analyze(line({ messages: [SYS, USR, { role: 'bot', content: 'x' }] })).problems;
    assert.deepEqual(ps.map((p) => p.code), ['invalid-role']);
    assert.deepEqual(ps[0]!.data, { suggestion: 'assistant' });
  });
});

const DEVMSG = { role: 'developer', content: 'Be terse.' };
