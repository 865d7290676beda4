import * as assert from 'node:assert/strict';
import { validateText } from '../../src/core';
import { conversationFromLine, conversationFromMessages, ExampleError, exampleLine, exampleNotes, type Conversation } from '../../src/playground/example';
import { estimateUsage, Session } from '../../src/playground/session';
import { isPlaygroundToHost } from '../../src/common/protocol/playground';

const done = (text: string, model = 'm') => ({ text, status: 'done' as const, model });

function twoColumnSession(): Session {
  const s = new Session(['base', 'ft']);
  s.system = 'Be brief.';
  const t0 = s.addTurn('Hi');
  s.turns[t0]!.replies = [done('Hello from base', 'base'), done('Hello from ft', 'ft')];
  const t1 = s.addTurn('Opening hours?');
  s.turns[t1]!.replies = [done('Base hours', 'base'), done('9 to 5', 'ft')];
  return s;
}

describe('playground session and examples', () => {
  it('each column’s request carries its own earlier replies', () => {
    const s = twoColumnSession();
    assert.deepEqual(s.messagesFor(1, 1), [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello from ft' },
      { role: 'user', content: 'Opening hours?' },
    ]);
    assert.equal(s.messagesFor(0, 1)[2]!.content, 'Hello from base');
    // A column added later falls back to another column's reply for earlier turns.
    s.addColumn('third');
    assert.equal(s.messagesFor(2, 1)[2]!.content, 'Hello from base');
  });

  it('builds a chat line with the chosen column’s replies, valid for the engine', () => {
    const s = twoColumnSession();
    const line = exampleLine(s, 'supervised', 1);
    assert.deepEqual(JSON.parse(line), {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello from ft' },
        { role: 'user', content: 'Opening hours?' },
        { role: 'assistant', content: '9 to 5' },
      ],
    });
    const report = validateText(line, { method: 'supervised' });
    assert.deepEqual(report.problems.filter((p) => p.line === 0), []);
  });

  it('builds a DPO line (preferred = chosen column, non-preferred = the other), valid for the engine', () => {
    const s = twoColumnSession();
    const line = exampleLine(s, 'dpo', 1, 0);
    const v = JSON.parse(line);
    assert.deepEqual(v.preferred_output, [{ role: 'assistant', content: '9 to 5' }]);
    assert.deepEqual(v.non_preferred_output, [{ role: 'assistant', content: 'Base hours' }]);
    // DPO examples are single-turn: the system prompt and the last user turn.
    assert.deepEqual(v.input.messages, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Opening hours?' }]);
    assert.match(exampleNotes(s, 'dpo').join(), /1 earlier turn/);
    assert.deepEqual(exampleNotes(s, 'supervised'), []);
    assert.deepEqual(validateText(line, { method: 'dpo' }).problems.filter((p) => p.line === 0), []);
    assert.throws(() => exampleLine(s, 'dpo', 1), ExampleError);
    assert.throws(() => exampleLine(s, 'dpo', 1, 1), ExampleError);
  });

  it('refuses what cannot become an example, in plain words', () => {
    const s = new Session(['a']);
    assert.throws(() => exampleLine(s, 'supervised', 0), /empty/);
    s.addTurn('Hi');
    s.turns[0]!.replies = [{ text: 'Hel', status: 'streaming', model: 'a' }];
    assert.throws(() => exampleLine(s, 'supervised', 0), /still being written/);
    s.turns[0]!.replies = [{ text: '', status: 'error', model: 'a', error: 'x' }];
    assert.throws(() => exampleLine(s, 'supervised', 0), /missing/);
    s.turns[0]!.replies = [done('Hello')];
    assert.throws(() => exampleLine(s, 'reinforcement', 0), /reinforcement/);
    assert.deepEqual(JSON.parse(exampleLine(s, 'completion', 0)), { prompt: 'Hi', completion: 'Hello' });
  });

  it('loads a chat line up to its last assistant turn, keeping that reply for comparison', () => {
    const line = JSON.stringify({
      messages: [
        { role: 'system', content: 'S' },
        { role: 'user', content: 'U1' },
        { role: 'assistant', content: 'A1' },
        { role: 'user', content: [{ type: 'text', text: 'U2' }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }] },
        { role: 'assistant', content: 'A2', weight: 1 },
      ],
    });
    const conv = conversationFromLine(line) as Conversation;
    assert.equal(conv.system, 'S');
    assert.deepEqual(conv.turns, [{ user: 'U1', assistant: 'A1' }, { user: 'U2' }]);
    assert.equal(conv.expected, 'A2');
    assert.match(conv.notes.join(), /images/);
  });

  it('loads a DPO line with its preferred and non-preferred replies', () => {
    const conv = conversationFromLine(
      JSON.stringify({
        input: { messages: [{ role: 'user', content: 'Q' }] },
        preferred_output: [{ role: 'assistant', content: 'good' }],
        non_preferred_output: [{ role: 'assistant', content: 'bad' }],
      }),
    ) as Conversation;
    assert.deepEqual(conv.turns, [{ user: 'Q' }]);
    assert.equal(conv.expected, 'good');
    assert.equal(conv.rejected, 'bad');
  });

  it('explains lines it cannot load', () => {
    assert.match(String(conversationFromLine('{not json')), /not valid JSON/);
    assert.match(String(conversationFromLine('[1]')), /not a JSON object/);
    assert.match(String(conversationFromLine('{"messages":[{"role":"user","content":"only a question"}]}')), /no assistant reply/);
    assert.match(String(conversationFromLine('{"foo":1}')), /not a chat or preference/);
    // Messages passed to openPlayground: history only, or ending on a user turn.
    const c = conversationFromMessages([{ role: 'user', content: 'Q' }]) as Conversation;
    assert.deepEqual(c.turns, [{ user: 'Q' }]);
    assert.equal(c.expected, undefined);
  });

  it('estimates usage when the endpoint sends none, and says so', () => {
    const u = estimateUsage([{ role: 'user', content: 'x'.repeat(40) }], 'y'.repeat(21));
    assert.deepEqual(u, { prompt: 3 + 4 + 10, completion: 6, total: 23, estimated: true });
  });

  it('the host accepts only well-formed page messages', () => {
    assert.ok(isPlaygroundToHost({ type: 'send', text: 'hi' }));
    assert.ok(isPlaygroundToHost({ type: 'setOptions', temperature: 0.7, maxTokens: 256 }));
    for (const bad of [
      { type: 'send', text: '   ' },
      { type: 'send', text: 1 },
      { type: 'setModel', column: 3, model: 'x' },
      { type: 'setOptions', temperature: 3 },
      { type: 'setOptions', maxTokens: 1.5 },
      { type: 'editReply', turn: -1, column: 0, text: 'x' },
      { type: 'apiKey' },
      null,
      'send',
    ]) {
      assert.equal(isPlaygroundToHost(bad), false, JSON.stringify(bad));
    }
  });
});
