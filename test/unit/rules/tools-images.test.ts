import assert from 'node:assert/strict';
import { AST, CALL, SYS, TOOLS, USR, analyze, expectClean, expectOnly, rangeText } from './helpers';

const Q = { role: 'user', content: 'Weather in Paris?' };
const REPLY = { role: 'tool', tool_call_id: 'call_1', content: '18 C' };
const FINAL = { role: 'assistant', content: '18 C and sunny.' };
const call = (fn: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ id: 'call_1', type: 'function', function: fn, ...extra });

describe('tool rules (TOOL-*)', () => {
  it('a good tool-calling example is clean', () => {
    expectClean({ tools: TOOLS, messages: [SYS, Q, { role: 'assistant', tool_calls: [CALL] }, REPLY, FINAL] });
    expectClean({ tools: TOOLS, parallel_tool_calls: false, messages: [SYS, Q, { role: 'assistant', content: null, tool_calls: [CALL] }] });
    // Omitting tool definitions is allowed (TOOL-08 only when definitions are given).
    expectClean({ messages: [SYS, Q, { role: 'assistant', tool_calls: [CALL] }, REPLY, FINAL] });
  });

  it('TOOL-01 invalid-tool-definition', () => {
    expectOnly({ tools: {}, messages: [SYS, USR, AST] }, 'invalid-tool-definition', 'error', '{}');
    expectOnly({ tools: [{ type: 'function', name: 'get_weather' }], messages: [SYS, USR, AST] }, 'invalid-tool-definition', 'error', '{"type":"function","name":"get_weather"}');
    const t = expectOnly({ tools: [{ type: 'code_interpreter', function: { name: 'x' } }], messages: [SYS, USR, AST] }, 'invalid-tool-definition', 'error', '"code_interpreter"');
    assert.deepEqual(t.data, { suggestion: 'function' });
    expectOnly({ tools: [{ type: 'function', function: { name: 'x', parameters: 'none' } }], messages: [SYS, USR, AST] }, 'invalid-tool-definition', 'error', '"none"');
    expectOnly({ tools: [{ type: 'function', function: { name: 'x', strict: 'yes' } }], messages: [SYS, USR, AST] }, 'invalid-tool-definition', 'error', '"yes"');
    expectOnly({ tools: [{ type: 'function', function: { description: 'x' } }], messages: [SYS, USR, AST] }, 'invalid-tool-definition', 'error', '{"description":"x"}');
  });

  it('TOOL-02 invalid-function-name', () => {
    const p = expectOnly({ tools: [{ type: 'function', function: { name: 'get weather' } }], messages: [SYS, USR, AST] }, 'invalid-function-name', 'error', '"get weather"');
    assert.deepEqual(p.data, { suggestion: 'get_weather' });
    expectOnly({ tools: [{ type: 'function', function: { name: 'a'.repeat(65) } }], messages: [SYS, USR, AST] }, 'invalid-function-name', 'error', `"${'a'.repeat(65)}"`);
    expectOnly({ messages: [SYS, Q, { role: 'assistant', tool_calls: [call({ name: 'get.weather', arguments: '{}' })] }] }, 'invalid-function-name', 'error', '"get.weather"');
  });

  it('TOOL-03 invalid-functions-list', () => {
    // `functions` itself is deprecated, so the SFT-14 warning comes with it; nothing else may.
    const text = JSON.stringify({ functions: [], messages: [SYS, USR, AST] });
    const ps = analyze(text).problems;
    assert.deepEqual(ps.map((p) => p.code).sort(), ['deprecated-functions', 'invalid-functions-list']);
    const p = ps.find((x) => x.code === 'invalid-functions-list')!;
    assert.equal(p.severity, 'error');
    assert.equal(rangeText(text, p), '[]');
    expectOnly(
      { functions: [{ name: 'a' }, { description: 'no name' }], messages: [SYS, USR, AST] },
      'invalid-functions-list',
      'error',
      '{"description":"no name"}',
      'supervised',
      {},
      ['deprecated-functions'],
    );
  });

  it('TOOL-04 parallel-tool-calls-not-boolean', () => {
    const p = expectOnly({ parallel_tool_calls: 'false', messages: [SYS, USR, AST] }, 'parallel-tool-calls-not-boolean', 'error', '"false"');
    assert.deepEqual(p.data, { suggestion: false });
  });

  it('TOOL-05 invalid-tool-call', () => {
    const obj = expectOnly({ tools: TOOLS, messages: [SYS, Q, { role: 'assistant', tool_calls: [call({ name: 'get_weather', arguments: { city: 'Paris' } })] }] }, 'invalid-tool-call', 'error', '{"city":"Paris"}');
    assert.deepEqual(obj.data, { suggestion: '{"city":"Paris"}' });
    expectOnly({ tools: TOOLS, messages: [SYS, Q, { role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'get_weather', arguments: '{}' } }] }] }, 'invalid-tool-call', 'error', '{"type":"function","function":{"name":"get_weather","arguments":"{}"}}');
    expectOnly({ tools: TOOLS, messages: [SYS, Q, { role: 'assistant', tool_calls: [call({ name: 'get_weather', arguments: '{}' }, { type: 'custom' })] }] }, 'invalid-tool-call', 'error', '"custom"');
    expectOnly({ tools: TOOLS, messages: [SYS, Q, { role: 'assistant', tool_calls: {} }] }, 'invalid-tool-call', 'error', '{}');
    expectOnly({ tools: TOOLS, messages: [SYS, Q, { role: 'assistant', tool_calls: [call({ name: 'get_weather' })] }] }, 'invalid-tool-call', 'error', '{"name":"get_weather"}');
  });

  it('TOOL-06 arguments-not-json', () => {
    expectOnly({ tools: TOOLS, messages: [SYS, Q, { role: 'assistant', tool_calls: [call({ name: 'get_weather', arguments: '{city: Paris}' })] }] }, 'arguments-not-json', 'warning', '"{city: Paris}"');
  });

  it('TOOL-07 unmatched-tool-call: unknown id, and a call without a reply before the next assistant turn', () => {
    expectOnly({ tools: TOOLS, messages: [SYS, Q, { role: 'tool', tool_call_id: 'call_1', content: 'x' }, FINAL] }, 'unmatched-tool-call', 'warning', '"call_1"');
    const p = expectOnly({ tools: TOOLS, messages: [SYS, Q, { role: 'assistant', tool_calls: [CALL] }, FINAL] }, 'unmatched-tool-call', 'warning', '"call_1"');
    assert.equal(p.path, 'messages[2].tool_calls[0].id');
  });

  it('TOOL-08 undeclared-function', () => {
    const p = expectOnly({ tools: TOOLS, messages: [SYS, Q, { role: 'assistant', tool_calls: [call({ name: 'get_wether', arguments: '{}' })] }] }, 'undeclared-function', 'warning', '"get_wether"');
    assert.deepEqual(p.data, { suggestion: 'get_weather' });
  });

  it('TOOL-09 parallel-calls-disabled', () => {
    const two = [CALL, { ...CALL, id: 'call_2' }];
    expectOnly({ tools: TOOLS, parallel_tool_calls: false, messages: [SYS, Q, { role: 'assistant', tool_calls: two }] }, 'parallel-calls-disabled', 'warning', JSON.stringify(two[1]));
  });
});

const img = (url: string, extra: Record<string, unknown> = {}) => ({ type: 'image_url', image_url: { url, ...extra } });
const withImages = (...parts: unknown[]) => ({ messages: [SYS, { role: 'user', content: [{ type: 'text', text: 'What is this?' }, ...parts] }, AST] });

describe('image rules (IMG-*)', () => {
  it('good image examples are clean', () => {
    expectClean(withImages(img('https://example.com/a.png', { detail: 'low' })));
    expectClean(withImages(img('data:image/jpeg;base64,/9j/4AAQ')));
  });
  it('IMG-01 image-not-in-user-message', () => {
    expectOnly({ messages: [SYS, USR, { role: 'assistant', content: [img('https://example.com/a.png')] }] }, 'image-not-in-user-message', 'error', '"image_url"');
    expectOnly({ messages: [{ role: 'system', content: [img('https://example.com/a.png')] }, USR, AST] }, 'image-not-in-user-message', 'error', '"image_url"');
  });
  it('IMG-02 invalid-image-url', () => {
    expectOnly(withImages(img('file:///tmp/a.png')), 'invalid-image-url', 'error', '"file:///tmp/a.png"');
    expectOnly(withImages(img('data:image/png,abc')), 'invalid-image-url', 'error', '"data:image/png,abc"');
    const d = expectOnly(withImages(img('https://example.com/a.png', { detail: 'hgih' })), 'invalid-image-url', 'error', '"hgih"');
    assert.deepEqual(d.data, { suggestion: 'high' });
    expectOnly(withImages({ type: 'image_url', image_url: {} }), 'invalid-image-url', 'error', '{}');
    const s = expectOnly(withImages({ type: 'image_url', image_url: 'https://example.com/a.png' }), 'invalid-image-url', 'error', '"https://example.com/a.png"');
    assert.deepEqual(s.data, { suggestion: { url: 'https://example.com/a.png' } });
  });
  it('IMG-03 too-many-images (at the 11th)', () => {
    const parts = Array.from({ length: 11 }, (_, i) => img(`https://example.com/${i}.png`));
    expectOnly(withImages(...parts), 'too-many-images', 'error', JSON.stringify(parts[10]));
    expectClean(withImages(...parts.slice(0, 10)));
  });
  it('IMG-04 image-format-or-size', () => {
    expectOnly(withImages(img('data:image/gif;base64,R0lGOD')), 'image-format-or-size', 'warning', '"data:image/gif;base64,R0lGOD"');
    expectOnly(withImages(img('https://example.com/cat.gif?x=1')), 'image-format-or-size', 'warning', '"https://example.com/cat.gif?x=1"');
    const big = 'data:image/png;base64,' + 'A'.repeat(14_000_001);
    const p = expectOnly(withImages(img(big)), 'image-format-or-size', 'warning', JSON.stringify(big));
    assert.match(p.message, /MB/);
  });
  it('IMG-05 image-url-unreachable', () => {
    for (const u of ['http://localhost:8000/a.png', 'https://192.168.1.20/a.png', 'http://10.0.0.1/x.jpg', 'https://nas.local/a.png', 'http://[::1]/a.png']) {
      expectOnly(withImages(img(u)), 'image-url-unreachable', 'warning', JSON.stringify(u));
    }
    expectClean(withImages(img('https://8.8.8.8/a.png')));
  });
});
