/**
 * Cross-line data quality (issue 17): TL-21 conflicting-answers, TL-22 near-duplicate, TL-23 train-validation-overlap.
 * Each rule: positives, negatives, the threshold's edge, and the two-part streaming validation agreeing with one pass;
 * the cost stays linear (work counted on n and 2n examples, not timed).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateFile, validateText } from '../../../src/core/validate';
import { DatasetIndex } from '../../../src/core/dataset';
import { QualityCollector, overlapProblems, qualityCost, qualityKeys, qualityProblems, sigSimilarity, type QualityData } from '../../../src/core/quality';
import { ruleByCode } from '../../../src/core/rules/catalog';
import { PER_BUCKET } from '../../../src/core/quality/tracker';
import type { Problem } from '../../../src/core/types';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneline-crossline-'));
let k = 0;
const tmp = (s: string): string => {
  const p = path.join(dir, `c${k++}.jsonl`);
  fs.writeFileSync(p, s);
  return p;
};
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const chat = (user: string, assistant: string, system?: string): string =>
  JSON.stringify({ messages: [...(system ? [{ role: 'system', content: system }] : []), { role: 'user', content: user }, { role: 'assistant', content: assistant }] });

/** Distinct, unrelated examples (no two share more than a few word pairs). */
const WORDS = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu'.split(' ');
function filler(i: number): string {
  let x = (i + 1) * 2654435761;
  const out: string[] = [];
  for (let j = 0; j < 14; j++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out.push(WORDS[x % WORDS.length]! + String((x >>> 8) % 1000));
  }
  return out.join(' ');
}
const distinct = (i: number): string => chat(`Question ${i}: ${filler(i)}?`, `Answer ${i}: ${filler(i + 100_000)}.`);
const lines = (xs: string[]): string => xs.join('\n') + '\n';
const of = (problems: readonly Problem[], code: string): Problem[] => problems.filter((p) => p.code === code);

describe('conflicting answers (TL-21 conflicting-answers)', () => {
  it('the same user turn with two answers: a warning on each answer, naming the other line', () => {
    const xs = Array.from({ length: 12 }, (_, i) => distinct(i));
    xs[2] = chat('What is the capital of Australia?', 'Canberra.');
    xs[9] = chat('  what is the capital of   AUSTRALIA? ', 'Sydney.');
    const text = lines(xs);
    const w = of(validateText(text).problems, 'conflicting-answers');
    assert.deepEqual(w.map((p) => [p.line, p.severity, p.relatedLine]), [[2, 'warning', 9], [9, 'warning', 2]]);
    // The range is the answer's content.
    assert.equal(xs[9]!.slice(w[1]!.column, w[1]!.endColumn), '"Sydney."');
    assert.deepEqual(w[0]!.related, [{ line: 9, message: 'The same user turn, another answer (line 10)' }]);
    assert.equal(ruleByCode('conflicting-answers')!.id, w[0]!.ruleId);
  });

  it('no conflict: same answers (exact copies are TL-03), different questions, a different system prompt, a different earlier turn', () => {
    const xs = Array.from({ length: 12 }, (_, i) => distinct(i));
    xs[1] = chat('Capital of France?', 'Paris.');
    xs[2] = chat('Capital of France?', 'Paris.');
    xs[3] = chat('What is 2+2?', '4');
    xs[4] = chat('What is 2-2?', '0');
    xs[5] = chat('Translate: cat', 'chat', 'You translate English to French.');
    xs[6] = chat('Translate: cat', 'Katze', 'You translate English to German.');
    xs[7] = JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello, how can I help?' }, { role: 'user', content: 'Thanks' }, { role: 'assistant', content: 'You are welcome.' }] });
    xs[8] = JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hey!' }, { role: 'user', content: 'Thanks' }, { role: 'assistant', content: 'Any time.' }] });
    const r = validateText(lines(xs));
    assert.deepEqual(of(r.problems, 'conflicting-answers'), []);
    assert.deepEqual(of(r.problems, 'duplicate-example').map((p) => p.line), [2]);
  });

  it('several answers per prompt by design (most of the file): one file-level information', () => {
    const xs: string[] = [];
    for (let i = 0; i < 15; i++) for (let j = 0; j < 3; j++) xs.push(chat(`Write a haiku about ${WORDS[i]}`, `Haiku ${j} about ${WORDS[i]}: ${filler(i * 3 + j)}`));
    const w = of(validateText(lines(xs)).problems, 'conflicting-answers');
    assert.deepEqual(w.map((p) => [p.line, p.severity]), [[undefined, 'info']]);
    assert.match(w[0]!.message, /15 user turns have several different answers \(45 of 45 examples/);
  });

  it('preference examples: the same input with different preferred outputs conflict', () => {
    const pref = (q: string, a: string) => JSON.stringify({ input: { messages: [{ role: 'user', content: q }] }, preferred_output: [{ role: 'assistant', content: a }], non_preferred_output: [{ role: 'assistant', content: 'no' }] });
    const xs = Array.from({ length: 10 }, (_, i) => pref(`Q ${i} ${filler(i)}`, `A ${filler(i + 50)}`));
    xs[7] = pref('Q 1 ' + filler(1), 'Something else entirely');
    const w = of(validateText(lines(xs)).problems, 'conflicting-answers');
    assert.deepEqual(w.map((p) => p.line), [1, 7]);
    assert.equal(xs[7]!.slice(w[1]!.column, w[1]!.endColumn), '"Something else entirely"');
  });
});

describe('near-duplicates (TL-22 near-duplicate)', () => {
  const base = 'How do I reset my password on the website if I no longer have access to the email address on my account';
  const answer = 'Open the sign-in page, choose forgot password, then contact support with your account number to verify';

  it('one word changed in a long example: an information on the later line, naming the earlier', () => {
    const xs = Array.from({ length: 20 }, (_, i) => distinct(i));
    xs[3] = chat(base, answer);
    xs[15] = chat(base.replace('website', 'site'), answer);
    const w = of(validateText(lines(xs)).problems, 'near-duplicate');
    assert.deepEqual(w.map((p) => [p.line, p.severity, p.relatedLine]), [[15, 'info', 3]]);
    assert.ok((w[0]!.data!.similarity as number) >= 0.8);
    assert.deepEqual(w[0]!.related, [{ line: 3, message: 'The earlier, similar example (line 4)' }]);
  });

  it('negatives: unrelated examples, short examples, exact copies (TL-03 only), a shared system prompt', () => {
    const sys = 'You are a helpful assistant of the Example Corporation. Answer politely, briefly and in English; never invent facts you do not know.';
    const xs = Array.from({ length: 20 }, (_, i) => chat(`Question ${i}: ${filler(i)}?`, `Answer ${filler(i + 7)}`, sys));
    xs[5] = chat('Hi', 'Hello');
    xs[6] = chat('Hey', 'Hello');
    xs[10] = xs[2]!;
    const r = validateText(lines(xs));
    assert.deepEqual(of(r.problems, 'near-duplicate'), []);
    assert.deepEqual(of(r.problems, 'duplicate-example').map((p) => p.line), [10]);
  });

  it('the threshold decides at the estimated similarity (just above: none; at it: reported); 0 turns the rule off', () => {
    const a = chat(base, answer);
    const b = chat(base.replace('no longer', 'do not'), answer);
    const sa = qualityKeys(JSON.parse(a))!.sig!;
    const sb = qualityKeys(JSON.parse(b))!.sig!;
    const s = sigSimilarity(sb, 0, sa, 0);
    assert.ok(s > 0.5 && s < 1, `similarity ${s}`);
    const xs = Array.from({ length: 12 }, (_, i) => distinct(i));
    xs[1] = a;
    xs[8] = b;
    const text = lines(xs);
    const found = (t: number) => of(validateText(text, { nearDuplicateThreshold: t }).problems, 'near-duplicate').map((p) => p.line);
    assert.deepEqual(found(s), [8]);
    assert.deepEqual(found(s - 0.01), [8]);
    assert.deepEqual(found(Math.min(1, s + 0.01)), []);
    assert.deepEqual(found(0), []);
    // The editor's index, with its setting changed live.
    const index = DatasetIndex.fromText(text, { nearDuplicateThreshold: Math.min(1, s + 0.01) });
    assert.deepEqual(of(index.problems(), 'near-duplicate'), []);
    index.setNearDuplicateThreshold(s);
    assert.deepEqual(of(index.lineProblems(8), 'near-duplicate').map((p) => p.relatedLine), [1]);
  });

  it('a templated file (many near-duplicates): one file-level information', () => {
    const xs = Array.from({ length: 40 }, (_, i) => chat(`${base} number ${i}`, answer));
    const w = of(validateText(lines(xs)).problems, 'near-duplicate');
    assert.deepEqual(w.map((p) => [p.line, p.severity]), [[undefined, 'info']]);
  });

  it('follows edits in the editor index (a line typed into a near-copy, then changed away)', () => {
    const xs = Array.from({ length: 12 }, (_, i) => distinct(i));
    xs[2] = chat(base, answer);
    const index = DatasetIndex.fromText(lines(xs));
    assert.deepEqual(of(index.problems(), 'near-duplicate'), []);
    index.setLines(9, 1, [chat(base.replace('website', 'site'), answer)]);
    assert.deepEqual(of(index.problems(), 'near-duplicate').map((p) => [p.line, p.relatedLine]), [[9, 2]]);
    index.setLines(0, 0, ['']);
    assert.deepEqual(of(index.problems(), 'near-duplicate').map((p) => [p.line, p.relatedLine]), [[10, 3]]);
    index.setLines(10, 1, [distinct(77)]);
    assert.deepEqual(of(index.problems(), 'near-duplicate'), []);
  });
});

describe('streaming in two parts gives the result of one pass (TL-21, TL-22)', () => {
  it('conflicts and near-duplicates across the cut; the same problems as validateText', async () => {
    const base = 'Please summarise the following meeting notes about the quarterly budget review and the hiring plan for next year';
    const xs = Array.from({ length: 400 }, (_, i) => distinct(i));
    xs[10] = chat('What is the boiling point of water at sea level?', '100 degrees Celsius.');
    xs[390] = chat('What is the boiling point of water at sea level?', '90 degrees Celsius.');
    xs[20] = chat(base, 'The budget is flat; two hires are planned for the second quarter of the year.');
    xs[380] = chat(base.replace('quarterly', 'annual'), 'The budget is flat; two hires are planned for the second quarter of the year.');
    xs[30] = xs[370]!;
    const text = lines(xs);
    const one = validateText(text);
    assert.deepEqual(of(one.problems, 'conflicting-answers').map((p) => p.line), [10, 390]);
    assert.deepEqual(of(one.problems, 'near-duplicate').map((p) => [p.line, p.relatedLine]), [[380, 20]]);
    const errors: Error[] = [];
    const two = await validateFile(tmp(text), { parallel: true, highWaterMark: 4096, onWorkerError: (e) => errors.push(e) });
    assert.deepEqual(errors, []);
    assert.equal(two.threads, 2);
    assert.deepEqual(two.problems, one.problems);
    assert.deepEqual(two.counts, one.counts);
    const single = await validateFile(tmp(text), { parallel: false });
    assert.deepEqual(single.problems, one.problems);
  });
});

describe('train/validation overlap (TL-23 train-validation-overlap)', () => {
  it('exact and near-duplicate overlaps are reported on the validation lines, naming the training line', async () => {
    const train = Array.from({ length: 50 }, (_, i) => distinct(i));
    const long = 'Explain how the garbage collector of the runtime decides when to move objects from the young to the old generation';
    train[7] = chat(long, 'After they survive two collections of the young generation they are promoted to the old one.');
    const val = Array.from({ length: 10 }, (_, i) => distinct(1000 + i));
    val[2] = train[30]!.replace('"role":"user"', '"role": "user"'); // the same conversation, spaced differently
    val[5] = chat(long.replace('decides', 'chooses'), 'After they survive two collections of the young generation they are promoted to the old one.');
    val[6] = chat('You are terse.', 'Ok.'); // short: no signature, not the same conversation
    let data: QualityData | undefined;
    const trainFile = tmp(lines(train));
    await validateFile(trainFile, { onQuality: (d) => (data = d) });
    assert.ok(data);
    const r = await validateFile(tmp(lines(val)), { overlapWith: { data, name: 'train.jsonl', path: trainFile } });
    const w = of(r.problems, 'train-validation-overlap');
    assert.deepEqual(w.map((p) => [p.line, p.severity, p.data!.trainLine, p.data!.exact]), [[2, 'warning', 30, true], [5, 'warning', 7, false]]);
    assert.deepEqual(w[0]!.related, [{ line: 30, message: 'The training example (train.jsonl, line 31)', file: trainFile }]);
    // Exact only (threshold 0): the near-duplicate is not reported.
    const exact = await validateFile(tmp(lines(val)), { overlapWith: { data, name: 'train.jsonl' }, nearDuplicateThreshold: 0 });
    assert.deepEqual(of(exact.problems, 'train-validation-overlap').map((p) => p.line), [2]);
  });

  it('no overlap between unrelated files', () => {
    const t = collect(Array.from({ length: 30 }, (_, i) => distinct(i)));
    const v = collect(Array.from({ length: 30 }, (_, i) => distinct(500 + i)));
    assert.deepEqual(overlapProblems(t, v, 0.8, 'train.jsonl'), []);
  });
});

function collect(xs: string[]): QualityData {
  const c = new QualityCollector();
  xs.forEach((x, i) => {
    const keys = qualityKeys(JSON.parse(x));
    if (keys) c.add(i, i + 1, x.length, keys);
  });
  return c.data();
}

describe('cross-line quality: cost stays linear', () => {
  /** Work (signature comparisons + entries visited) on a file of n examples, a tenth of them near-copies of one. */
  function work(n: number, makeLine: (i: number) => string): number {
    const d = collect(Array.from({ length: n }, (_, i) => makeLine(i)));
    const t = collect(Array.from({ length: n }, (_, i) => makeLine(i + 7)));
    qualityCost.comparisons = 0;
    qualityCost.visits = 0;
    qualityProblems(d, 0.8);
    // The hard bound: each example is compared with at most PER_BUCKET others in each of the 16 bands.
    assert.ok(qualityCost.comparisons <= 16 * PER_BUCKET * n, `${qualityCost.comparisons} comparisons for ${n} examples`);
    const within = qualityCost.comparisons;
    overlapProblems(t, d, 0.8, 'train.jsonl');
    assert.ok(qualityCost.comparisons - within <= 16 * PER_BUCKET * n, 'overlap comparisons within the bound');
    return qualityCost.comparisons + qualityCost.visits;
  }
  const base = 'Classify the sentiment of the following product review as positive negative or neutral and explain why';
  for (const [name, makeLine] of [
    ['distinct examples', (i: number) => distinct(i)],
    // The worst case for LSH: every example in the same buckets (all near-copies of one another).
    ['every example a near-copy', (i: number) => chat(`${base} ${i}`, 'neutral')],
    ['the same prompt with n answers', (i: number) => chat(base, `answer ${filler(i)}`)],
    // A big conflict group that is not the file's design (a third of the file): each member names five others.
    ['a third of the file one prompt with many answers', (i: number) => (i % 3 === 0 ? chat(base, `answer ${filler(i)}`) : distinct(i))],
  ] as const) {
    it(`${name}: 2n examples cost at most 2.2 × n's`, () => {
      const a = work(1000, makeLine);
      const b = work(2000, makeLine);
      assert.ok(a > 0);
      assert.ok(b <= a * 2.2, `n: ${a}, 2n: ${b}`);
    });
  }
});
