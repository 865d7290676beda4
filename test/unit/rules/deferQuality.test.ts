/**
 * The editor's index judges the cross-line quality rules of a big document only when asked (`deferQuality`,
 * `refreshQuality`): a keystroke does not pay for every example against every other. Until then the last judgement
 * stands while the line count is unchanged; small documents are judged on every change as before.
 */
import { strict as assert } from 'node:assert';
import { DatasetIndex } from '../../../src/core';
import { DEFER_QUALITY_MIN_LINES } from '../../../src/core/dataset';

const WORDS = ['amber', 'basil', 'cedar', 'dune', 'ember', 'fjord', 'grove', 'heath'];
// 40 words, each with a number of its own per line: lines share no word pairs
const text = (i: number) => Array.from({ length: 40 }, (_, k) => WORDS[k % 8]! + ((i * 7919 + k * 104_729) % 100_003)).join(' ');
const line = (i: number) => JSON.stringify({ messages: [{ role: 'user', content: `Question ${i}: ${text(i)}` }, { role: 'assistant', content: `Answer number ${i}.` }] });
// the near-copy of line 0: one word changed out of ten
const nearCopy = JSON.stringify({ messages: [{ role: 'user', content: JSON.parse(line(0)).messages[0].content.replace('Question 0:', 'Question zero:') }, { role: 'assistant', content: 'Answer number 0.' }] });
const near = (ix: DatasetIndex) => ix.problems().filter((p) => p.code === 'near-duplicate').map((p) => p.line);

describe('deferred cross-line quality rules (the editor index)', () => {
  const n = DEFER_QUALITY_MIN_LINES + 500;
  const lines = [...Array.from({ length: n }, (_, i) => line(i)), nearCopy];

  it('a big document: judged on refreshQuality, kept through an edit inside a line, dropped when lines move until judged again', () => {
    const ix = new DatasetIndex({ method: 'supervised', deferQuality: true });
    ix.setLines(0, 0, lines);
    assert.equal(ix.qualityStale, true);
    assert.deepEqual(near(ix), [], 'not judged yet');
    let told = 0;
    ix.onDidChange(() => told++);
    assert.equal(ix.refreshQuality(), true);
    assert.equal(told, 1, 'listeners are told');
    assert.equal(ix.qualityStale, false);
    const full = new DatasetIndex({ method: 'supervised' });
    full.setLines(0, 0, lines);
    const expected = near(full);
    assert.ok(expected.includes(n), 'the near-copy is found');
    assert.deepEqual(near(ix), expected, 'what an undeferred index finds');
    // an edit inside line 5: the last judgement stands until the next refresh
    ix.setLines(5, 1, [line(5).replace('Answer number 5.', 'Answer number five.')]);
    assert.equal(ix.qualityStale, true);
    assert.deepEqual(near(ix), expected);
    assert.equal(ix.refreshQuality(), false, 'the same problems: nothing to publish');
    // a line added at the top: the old line numbers are wrong, so none are shown until judged again
    ix.setLines(0, 0, [line(99_999)]);
    assert.deepEqual(near(ix), []);
    assert.equal(ix.refreshQuality(), true);
    assert.deepEqual(near(ix), expected.map((l) => l! + 1));
  });

  it('a small document is judged on every change, deferQuality or not', () => {
    const small = [line(0), line(1), nearCopy];
    const ix = new DatasetIndex({ method: 'supervised', deferQuality: true });
    ix.setLines(0, 0, small);
    assert.equal(ix.qualityStale, false);
    assert.deepEqual(near(ix), [2]);
  });
});
