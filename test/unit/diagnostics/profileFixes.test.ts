/** Quick fixes for TL-08 (inconsistent system prompt) and TL-10 (arguments encoded twice): pure line edits. */
import { strict as assert } from 'node:assert';
import { addSystemPromptFix, argumentsFix, systemPromptFix, type LineEdit } from '../../../src/diagnostics/fixes';
import { DatasetIndex } from '../../../src/core/dataset';

const apply = (line: string, e: LineEdit): string => line.slice(0, e.start) + e.text + line.slice(e.end);
const TOOLS = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
const call = (args: string) => JSON.stringify({ tools: TOOLS, messages: [{ role: 'user', content: 'Weather in Paris?' }, { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: args } }] }, { role: 'tool', tool_call_id: 'c1', content: '18 C' }, { role: 'assistant', content: '18 C.' }] });
const sys = (prompt: string | undefined, i: number) =>
  JSON.stringify({ messages: [...(prompt === undefined ? [] : [{ role: 'system', content: prompt }]), { role: 'user', content: `Q${i}?` }, { role: 'assistant', content: `A${i}.` }] });

describe('quick fixes: TL-10 arguments-double-encoded', () => {
  it('the engine problem carries the fix; the edit encodes the arguments once and the line is then clean of TL-10', () => {
    const bad = call(JSON.stringify(JSON.stringify({ city: 'Paris' })));
    const idx = DatasetIndex.fromText(bad);
    const p = idx.lineProblems(0).find((x) => x.code === 'arguments-double-encoded');
    assert.ok(p, 'TL-10 reported');
    const e = argumentsFix(bad, p.column!, p.endColumn!, p.data?.fix);
    assert.ok(e);
    const fixed = apply(bad, e);
    assert.equal(fixed, call(JSON.stringify({ city: 'Paris' })));
    assert.ok(!DatasetIndex.fromText(fixed).lineProblems(0).some((x) => x.code === 'arguments-double-encoded'));
  });

  it('refuses when the text no longer matches (edited since, or not a double encoding)', () => {
    const bad = call(JSON.stringify(JSON.stringify({ city: 'Paris' })));
    const p = DatasetIndex.fromText(bad).lineProblems(0).find((x) => x.code === 'arguments-double-encoded')!;
    assert.equal(argumentsFix(bad, p.column!, p.endColumn!, '{"city":"Rome"}'), undefined, 'another fix than the text holds');
    assert.equal(argumentsFix(bad, p.column! + 1, p.endColumn!, p.data?.fix), undefined, 'a range that is not the string');
    assert.equal(argumentsFix('"\\"plain\\""', 0, 11, 'plain'), undefined, 'a string that holds no JSON object');
  });
});

describe('quick fixes: TL-08 inconsistent-system-prompt', () => {
  it('a near-identical variant is replaced by the common prompt', () => {
    const text = [...Array.from({ length: 8 }, (_, i) => sys('You are a terse assistant.', i)), sys('You are a terse asistant.', 8)].join('\n');
    const idx = DatasetIndex.fromText(text);
    const p = idx.lineProblems(8).find((x) => x.code === 'inconsistent-system-prompt');
    assert.ok(p && p.data?.variant === true);
    const line = sys('You are a terse asistant.', 8);
    const e = systemPromptFix(line, p.data?.suggestion);
    assert.ok(e);
    assert.equal(apply(line, e), sys('You are a terse assistant.', 8));
    const after = DatasetIndex.fromText([...text.split('\n').slice(0, 8), apply(line, e)].join('\n'));
    assert.ok(!after.problems().some((x) => x.code === 'inconsistent-system-prompt'));
  });

  it('a missing prompt gets the one every other example shares; none is offered when the others differ', () => {
    const text = [...Array.from({ length: 8 }, (_, i) => sys('You are terse.', i)), sys(undefined, 8)].join('\n');
    const p = DatasetIndex.fromText(text).lineProblems(8).find((x) => x.code === 'inconsistent-system-prompt');
    assert.ok(p && p.data?.missing === true && p.data.suggestion === 'You are terse.');
    const e = addSystemPromptFix(sys(undefined, 8), p.data.suggestion);
    assert.ok(e);
    assert.equal(apply(sys(undefined, 8), e), sys('You are terse.', 8));
    const varied = [...Array.from({ length: 8 }, (_, i) => sys(`Prompt number ${i} is entirely its own thing ${'x'.repeat(i * 7)}`, i)), sys(undefined, 8)].join('\n');
    const q = DatasetIndex.fromText(varied).lineProblems(8).find((x) => x.code === 'inconsistent-system-prompt');
    assert.ok(q && q.data?.suggestion === undefined, 'no single prompt to add');
  });

  it('no edit where it would not be safe: content given as parts, a line that already has a system message', () => {
    const parts = JSON.stringify({ messages: [{ role: 'system', content: [{ type: 'text', text: 'You are terse.' }] }, { role: 'user', content: 'Q?' }, { role: 'assistant', content: 'A.' }] });
    assert.equal(systemPromptFix(parts, 'You are terse!'), undefined);
    assert.equal(addSystemPromptFix(sys('Other.', 1), 'You are terse.'), undefined);
    assert.equal(addSystemPromptFix('{"messages": []}', 'You are terse.'), undefined);
  });
});
