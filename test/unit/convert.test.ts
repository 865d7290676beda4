import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { convertDataset, convertLine } from '../../src/core/convert';
import { validateText } from '../../src/core';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'workspace', 'datasets', name), 'utf8');
const errors = (text: string) => validateText(text, { method: 'supervised' }).problems.filter((p) => p.severity === 'error');

describe('convertDataset (core)', () => {
  it('converts ShareGPT conversations to chat lines the engine accepts, and reports the lines it skips', () => {
    const r = convertDataset(fixture('sharegpt.jsonl'));
    assert.equal(r.converted, 12);
    assert.equal(r.kept, 0);
    assert.equal(r.shapes.sharegpt, 12);
    assert.deepEqual(
      r.skipped.map((s) => s.line),
      [12, 13],
    );
    assert.match(r.skipped[0]!.reason, /observation/);
    assert.match(r.skipped[1]!.reason, /not valid JSON/);
    const first = JSON.parse(r.lines[0]!);
    assert.deepEqual(first, {
      messages: [
        { role: 'system', content: 'You are Clara, the friendly support assistant of Example Shop.' },
        { role: 'user', content: 'How do I reset my password?' },
        { role: 'assistant', content: 'Open Settings → Account → Reset password, then follow the link we email you.' },
      ],
    });
    // The multi-turn conversation keeps all its turns, in order.
    assert.deepEqual(
      JSON.parse(r.lines[3]!).messages.map((m: { role: string }) => m.role),
      ['system', 'user', 'assistant', 'user', 'assistant'],
    );
    assert.deepEqual(errors(r.lines.join('\n') + '\n'), []);
  });

  it('converts Alpaca instruction/input/output, joining instruction and input', () => {
    const r = convertDataset(fixture('alpaca.jsonl'));
    assert.equal(r.converted, 11);
    assert.equal(r.blank, 2, 'the blank line 12 and the empty text after the final line break');
    assert.deepEqual(
      r.skipped.map((s) => [s.line, /preference/.test(s.reason) || /no text/.test(s.reason)]),
      [
        [12, true],
        [13, true],
      ],
    );
    const withInput = JSON.parse(r.lines[1]!).messages;
    assert.equal(withInput[0].role, 'user');
    assert.equal(withInput[0].content, "Answer the customer's question as Example Shop's support assistant.\n\nWhat are your opening hours?");
    const noInput = JSON.parse(r.lines[0]!).messages;
    assert.deepEqual(noInput, [
      { role: 'user', content: 'How do I reset my password?' },
      { role: 'assistant', content: 'Open Settings → Account → Reset password, then follow the link we email you.' },
    ]);
    assert.deepEqual(errors(r.lines.join('\n') + '\n'), []);
  });

  it('converts legacy prompt/completion, trimming the old separators’ white space', () => {
    const r = convertDataset(fixture('legacy.jsonl'));
    assert.equal(r.converted, 10);
    assert.deepEqual(r.skipped, []);
    const m = JSON.parse(r.lines[0]!).messages;
    // Every prompt ends with "\n\n###\n\n" and every completion with " END": the file's markers are removed.
    assert.equal(m[0].content, 'How do I reset my password?');
    assert.equal(m[1].content, 'Open Settings → Account → Reset password, then follow the link we email you.');
    assert.deepEqual(errors(r.lines.join('\n') + '\n'), []);
  });

  it('keeps separators that not every prompt/completion line shares', () => {
    const r = convertDataset(['{"prompt": "a ###", "completion": " b END"}', '{"prompt": "c", "completion": " d"}']);
    assert.deepEqual(
      r.lines.map((l) => JSON.parse(l).messages.map((x: { content: string }) => x.content)),
      [
        ['a ###', 'b END'],
        ['c', 'd'],
      ],
    );
  });

  it('keeps chat lines as they are and drops blank lines', () => {
    const good = fixture('good.jsonl');
    const r = convertDataset(good);
    assert.equal(r.kept, 60);
    assert.equal(r.converted, 0);
    assert.deepEqual(r.lines, good.split('\n').filter((l) => l.trim()));
  });

  it('reports bad lines instead of throwing', () => {
    const cases: Array<[string, RegExp]> = [
      ['not json', /not valid JSON/],
      ['[1,2]', /not a JSON object/],
      ['{"prompt": 3, "completion": "x"}', /strings/],
      ['{"conversations": [{"from": "human", "value": "hi"}]}', /no assistant/],
      ['{"conversations": [{"from": "alien", "value": "hi"}, {"from": "gpt", "value": "yo"}]}', /alien/],
      ['{"instruction": "x", "input": 5, "output": "y"}', /input/],
      ['{"foo": 1}', /unrecognised/],
    ];
    for (const [line, reason] of cases) {
      const r = convertLine(line);
      assert.ok(r && !r.ok, line);
      assert.match(r.reason, reason, line);
    }
    assert.equal(convertLine('   '), undefined);
  });

  it('drops user turns after the last assistant turn and adds a top-level system string', () => {
    const r = convertLine(
      JSON.stringify({ system: 'Be brief.', conversations: [{ from: 'human', value: 'a' }, { from: 'gpt', value: 'b' }, { from: 'human', value: 'c' }] }),
    );
    assert.ok(r?.ok);
    assert.deepEqual(JSON.parse(r.text).messages, [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'a' },
      { role: 'assistant', content: 'b' },
    ]);
  });
});
