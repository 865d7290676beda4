import assert from 'node:assert/strict';
import { parseLine } from '../../../src/core/parse';
import { locate } from '../../../src/core/locate';

describe('parseLine', () => {
  it('classifies shapes from top-level keys', () => {
    const cases: [string, string][] = [
      ['{"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"}]}', 'chat'],
      ['{"messages":[{"role":"developer","content":"a"},{"role":"user","content":"b"}]}', 'chat-rft'],
      ['{"messages":[{"role":"user","content":"a"}],"reference_answer":"x"}', 'chat-rft'],
      ['{"messages":[{"role":"user","content":"a"}]}', 'chat-rft'],
      ['{"input":{"messages":[]},"preferred_output":[],"non_preferred_output":[]}', 'preference'],
      ['{"preferred_completion":[]}', 'preference'],
      ['{"prompt":"a","completion":"b"}', 'completion'],
      ['{"foo":1}', 'unknown'],
      ['', 'blank'],
      ['   \t', 'blank'],
      ['{"a":', 'invalid'],
      ['[1,2]', 'not-object'],
      ['"str"', 'not-object'],
      ['null', 'not-object'],
    ];
    for (const [text, shape] of cases) assert.equal(parseLine(text).shape, shape, text);
  });

  it('keeps the parsed value', () => {
    assert.deepEqual(parseLine('{"prompt":"a","completion":"b"}').value, { prompt: 'a', completion: 'b' });
  });

  it('reports the offset where parsing fails', () => {
    const cases: [string, string][] = [
      ['{"messages":[1,]}', ']'],
      ['{"a":1 "b":2}', '"b"'],
      ['{"a":01}', '1'],
      ["{'a':1}", "'a'"],
      ['{"a":1}{"b":2}', '{'],
      ['{"a":"x\ty"}', '\t'],
      ['{"a": NaN}', 'NaN'],
    ];
    for (const [text, at] of cases) {
      const p = parseLine(text);
      assert.equal(p.shape, 'invalid', text);
      assert.ok(p.error, text);
      const got = text.slice(p.error.offset, p.error.offset + Math.max(1, p.error.length ?? 1));
      assert.equal(got, at, `${text}: ${JSON.stringify(p.error)}`);
      assert.ok(p.error.message.length > 0);
    }
  });

  it('reports an unterminated line at its end', () => {
    const p = parseLine('{"a":1');
    assert.equal(p.shape, 'invalid');
    assert.equal(p.error?.offset, 6);
  });

  it('skips a UTF-8 BOM and says so, keeping offsets in the original text', () => {
    const ok = parseLine('\uFEFF{"prompt":"a","completion":"b"}');
    assert.equal(ok.shape, 'completion');
    assert.equal(ok.bom, true);
    const bad = parseLine('\uFEFF{"a":1,}');
    assert.equal(bad.shape, 'invalid');
    assert.equal(bad.bom, true);
    assert.equal('\uFEFF{"a":1,}'.charAt(bad.error!.offset), '}');
    assert.equal(parseLine('{"a":1}').bom, undefined);
  });
});

describe('locate', () => {
  const text = '{"messages":[{"role":"user","content":"h\\u00e9llo <|endoftext|>"},{"role":"assistant","weight":0.5}]}';
  it('finds keys and values by path', () => {
    const v = locate(text, ['messages', 1, 'weight'], 'value');
    assert.equal(text.slice(v.column, v.endColumn), '0.5');
    const k = locate(text, ['messages', 1, 'weight'], 'key');
    assert.equal(text.slice(k.column, k.endColumn), '"weight"');
  });
  it('falls back to the nearest existing ancestor for a missing key', () => {
    const r = locate(text, ['messages', 1, 'content'], 'value');
    assert.equal(text.slice(r.column, r.endColumn), '{"role":"assistant","weight":0.5}');
  });
  it('maps a slice of a decoded string through escapes', () => {
    const decoded = 'héllo <|endoftext|>';
    const i = decoded.indexOf('<|');
    const r = locate(text, ['messages', 0, 'content'], 'value', [i, i + '<|endoftext|>'.length]);
    assert.equal(text.slice(r.column, r.endColumn), '<|endoftext|>');
  });
  it('uses the whole line when the text is not JSON', () => {
    const r = locate('not json', ['a'], 'value');
    assert.deepEqual(r, { column: 0, endColumn: 8 });
  });
});
