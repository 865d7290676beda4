import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { DatasetIndex, inferMethod, emptyShapeCounts, splitLines } from '../../../src/core/dataset';
import { validateText } from '../../../src/core/validate';
import type { MethodSetting, Problem } from '../../../src/core/types';
import { POOL, chat, comp, pref, rft } from './fixtures';

function fresh(lines: readonly string[], opts: { method?: MethodSetting; model?: string } = {}): DatasetIndex {
  const ix = new DatasetIndex(opts);
  ix.setLines(0, 0, lines);
  return ix;
}

function summary(ix: DatasetIndex) {
  const s = ix.stats();
  return {
    problems: ix.problems(),
    method: ix.method,
    examples: s.examples,
    duplicates: s.duplicates,
    roles: s.roles,
    totalTokens: s.totalTokens,
    shapes: s.shapes,
    bytes: s.bytes,
    overLimit: s.overLimit,
    turns: s.turnsPerExample,
  };
}

const codes = (ps: readonly Problem[]) => ps.map((p) => `${p.line ?? '-'}:${p.code}`);

describe('DatasetIndex', () => {
  it('infers the method from the majority of shapes; chat-rft votes reinforcement', () => {
    const c = emptyShapeCounts();
    assert.equal(inferMethod(c), 'supervised');
    c.chat = 3;
    c.preference = 4;
    assert.equal(inferMethod(c), 'dpo');
    c['chat-rft'] = 2; // messages family 5 > 4
    assert.equal(inferMethod(c), 'supervised');
    c['chat-rft'] = 4;
    assert.equal(inferMethod(c), 'reinforcement');
    c.completion = 9;
    assert.equal(inferMethod(c), 'completion');
  });

  it('reports a line that does not fit the file format on that line, not by re-judging the file', () => {
    const lines = [...Array.from({ length: 12 }, (_, i) => chat(i)), comp(1)];
    const ix = fresh(lines);
    assert.equal(ix.method, 'supervised');
    const ps = ix.problems();
    assert.ok(ps.some((p) => p.line === 12 && p.code === 'wrong-format' && p.severity === 'error'));
    assert.ok(ps.some((p) => p.line === undefined && p.code === 'wrong-format'), 'mixed formats file-level problem');
    assert.ok(!ps.some((p) => p.line !== undefined && p.line < 12 && p.severity === 'error'));
  });

  it('FILE-04 error under 10 examples, FILE-05 warning under 50, none at 50', () => {
    const f4 = fresh(Array.from({ length: 9 }, (_, i) => chat(i))).fileProblems();
    assert.deepEqual(f4.map((p) => [p.code, p.severity]), [['too-few-examples', 'error']]);
    const f5 = fresh(Array.from({ length: 10 }, (_, i) => chat(i))).fileProblems();
    assert.deepEqual(f5.map((p) => [p.code, p.severity]), [['few-examples', 'warning']]);
    assert.deepEqual(fresh(Array.from({ length: 50 }, (_, i) => chat(i))).fileProblems(), []);
    // A trailing newline (the document's empty last line) is not an example and not a blank-line warning.
    const ix = DatasetIndex.fromText(Array.from({ length: 50 }, (_, i) => chat(i)).join('\n') + '\n');
    assert.deepEqual(ix.problems(), []);
    assert.equal(ix.stats().examples, 50);
  });

  it('warns on each blank line except a trailing final newline', () => {
    const ix = DatasetIndex.fromText([chat(1), '', chat(2), '  ', chat(3), '', ''].join('\n'));
    const blanks = ix.problems().filter((p) => p.code === 'blank-line').map((p) => p.line);
    assert.deepEqual(blanks, [1, 3, 5]);
  });

  it('warns on each later copy of a duplicate, naming the first line', () => {
    const ix = fresh([chat(1), chat(2), chat(1), chat(3), chat(1)]);
    const d = ix.problems().filter((p) => p.code === 'duplicate-example');
    assert.deepEqual(d.map((p) => [p.line, p.relatedLine]), [[2, 0], [4, 0]]);
    assert.match(d[0]!.message, /line 1\b/);
    assert.equal(ix.stats().duplicates, 2);
    ix.setLines(0, 1, [chat(7)]); // the first copy changes: line 2 becomes the first
    const d2 = ix.problems().filter((p) => p.code === 'duplicate-example');
    assert.deepEqual(d2.map((p) => [p.line, p.relatedLine]), [[4, 2]]);
  });

  it('a keystroke re-checks only the changed line', () => {
    const lines = Array.from({ length: 200 }, (_, i) => chat(i));
    const ix = fresh(lines);
    const before = ix.version;
    let calls = 0;
    const probe = new DatasetIndex({ getLineText: () => { calls++; return ''; } });
    probe.setLines(0, 0, lines);
    probe.setLines(100, 1, [lines[100]!.replace('Question', 'Questio')]);
    assert.equal(calls, 0, 'no other line is re-read when the method does not change');
    ix.setLines(100, 1, ['{"messages": [}']);
    assert.equal(ix.version, before + 1);
    assert.deepEqual(codes(ix.problems()), ['100:invalid-json']);
    assert.deepEqual(ix.lineProblems(100).map((p) => p.code), ['invalid-json']);
    assert.deepEqual(ix.lineProblems(99), []);
  });

  it('re-checks every line when the inferred method flips', () => {
    const ix = new DatasetIndex();
    ix.setLines(0, 0, [pref(1), pref(2)]);
    assert.equal(ix.method, 'dpo');
    ix.setLines(2, 0, [chat(1), chat(2), chat(3)]);
    assert.equal(ix.method, 'supervised');
    assert.deepEqual(summary(ix), summary(fresh([pref(1), pref(2), chat(1), chat(2), chat(3)])));
    assert.ok(ix.problems().some((p) => p.line === 0 && p.code === 'wrong-format'));
  });

  it('renumbers "Example N" in kept problems when lines are inserted above', () => {
    const bad = JSON.stringify({ messages: [{ role: 'usr', content: 'x' }, { role: 'assistant', content: 'y' }] });
    const ix = fresh([chat(1), bad]);
    assert.match(ix.lineProblems(1)[0]!.message, /^Example 2\b/);
    ix.setLines(0, 0, [chat(5), chat(6)]);
    const p = ix.lineProblems(3).find((q) => q.code === 'invalid-role')!;
    assert.equal(p.line, 3);
    assert.match(p.message, /^Example 4\b/);
    assert.deepEqual(ix.problems(), fresh([chat(5), chat(6), chat(1), bad]).problems());
  });

  it('emits change events and counts versions', () => {
    const ix = new DatasetIndex();
    const seen: number[] = [];
    const d = ix.onDidChange((v) => seen.push(v));
    ix.setLines(0, 0, [chat(1)]);
    ix.setLines(0, 1, [chat(2)]);
    d.dispose();
    ix.setLines(0, 1, [chat(3)]);
    assert.deepEqual(seen, [1, 2]);
    assert.equal(ix.version, 3);
  });

  it('stats: examples, roles, turns, tokens, cost', () => {
    const ix = fresh(Array.from({ length: 20 }, (_, i) => chat(i)));
    const s = ix.stats();
    assert.equal(s.examples, 20);
    assert.deepEqual(s.roles, { system: 20, user: 20, assistant: 20 });
    assert.deepEqual(s.turnsPerExample, new Array(20).fill(1));
    assert.equal(s.epochs, 5); // 100 // 20
    assert.ok(s.totalTokens > 0);
    assert.ok(s.estimatedCost && s.estimatedCost.usd > 0);
    assert.equal(s.estimatedCost!.priceDate, '2025-11-30');
  });

  it('property: any edit sequence gives the same problems and stats as a fresh validation', () => {
    const lineArb = fc.oneof(
      fc.constantFrom(...POOL),
      fc.integer({ min: 0, max: 30 }).map((i) => [chat, pref, comp, rft][i % 4]!(i % 7)),
    );
    const editArb = fc.record({
      start: fc.nat(40),
      del: fc.nat(4),
      texts: fc.array(lineArb, { maxLength: 4 }),
      setting: fc.option(fc.constantFrom<MethodSetting>('auto', 'supervised', 'dpo', 'reinforcement', 'completion'), { freq: 8 }),
    });
    fc.assert(
      fc.property(fc.array(lineArb, { maxLength: 25 }), fc.array(editArb, { maxLength: 12 }), fc.boolean(), (init, edits, provider) => {
        const doc = [...init];
        let setting: MethodSetting = 'auto';
        const ix = new DatasetIndex(provider ? { getLineText: (l) => doc[l]! } : {});
        ix.setLines(0, 0, doc);
        for (const e of edits) {
          const start = Math.min(e.start, doc.length);
          const del = Math.min(e.del, doc.length - start);
          doc.splice(start, del, ...e.texts);
          ix.setLines(start, del, e.texts);
          if (e.setting) {
            setting = e.setting;
            ix.setMethod(setting);
          }
          assert.deepEqual(summary(ix), summary(fresh(doc, { method: setting })));
        }
        const text = doc.join('\n');
        assert.deepEqual(ix.problems(), validateText(text, { method: setting }).problems);
        assert.deepEqual(splitLines(text), doc.length ? doc : ['']);
      }),
      { numRuns: 300 },
    );
  });

  it('setExactTokens applies worker counts only to the version they were computed for', () => {
    const ix = fresh([chat(1), chat(2), '']);
    assert.equal(ix.stats().tokensExact, false);
    const v = ix.version;
    assert.equal(ix.setExactTokens(v, [10, 20, 0]), true);
    const s = ix.stats();
    assert.equal(s.tokensExact, true);
    assert.deepEqual(s.tokensPerExample, [10, 20]);
    assert.equal(s.totalTokens, 30);
    assert.deepEqual(ix.lineTokens(1), { tokens: 20, exact: true });
    ix.setLines(0, 1, [chat(3)]);
    assert.equal(ix.setExactTokens(v, [1, 2, 0]), false, 'stale counts are dropped');
  });

  it('setModel re-checks token limits (TOK-01)', () => {
    const long = JSON.stringify({ messages: [USR_(), { role: 'assistant', content: 'word '.repeat(5000) }] });
    const ix = fresh([long, ...Array.from({ length: 60 }, (_, i) => chat(i))], { model: 'gpt-4.1-mini-2025-04-14' });
    assert.equal(ix.problems().filter((p) => p.code === 'example-too-long').length, 0);
    ix.setModel('gpt-3.5-turbo-0613'); // 4,096-token limit
    const p = ix.problems().filter((q) => q.code === 'example-too-long');
    assert.equal(p.length, 1);
    assert.equal(p[0]!.line, 0);
    assert.equal(p[0]!.severity, 'warning');
    assert.equal(ix.stats().overLimit, 1);
  });
});

function USR_() {
  return { role: 'user', content: 'Say it.' };
}
