/**
 * The editor's side of the cross-line quality rules (issue 17): which file is a validation file's training file
 * (`trainingFileCandidates`, as TL-23's rule text says), the training set prepared once and judging successive
 * versions of a validation file (`TrainingSet`), the index's quality data, and the per-keystroke cost that does not
 * grow with the training file.
 */
import { strict as assert } from 'node:assert';
import { DatasetIndex } from '../../../src/core/dataset';
import {
  QualityCollector,
  TrainingSet,
  overlapProblems,
  qualityCost,
  qualityKeys,
  sigSimilarity,
  trainingFileCandidates,
  type QualityData,
} from '../../../src/core/quality';
import { ruleByCode } from '../../../src/core/rules/catalog';

const chat = (user: string, assistant: string, system?: string): string =>
  JSON.stringify({ messages: [...(system ? [{ role: 'system', content: system }] : []), { role: 'user', content: user }, { role: 'assistant', content: assistant }] });
const WORDS = 'amber basil cedar dune ember fjord grove heath iris juniper kelp lotus moss nettle olive pine quartz reed sage thyme umber vine willow yarrow zinnia'.split(' ');
function filler(i: number): string {
  let x = (i + 7) * 2246822519;
  const out: string[] = [];
  for (let j = 0; j < 14; j++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out.push(WORDS[x % WORDS.length]! + String((x >>> 9) % 997));
  }
  return out.join(' ');
}
const distinct = (i: number): string => chat(`Question ${i}: ${filler(i)}?`, `Answer ${i}: ${filler(i + 500_000)}.`);

function collect(xs: readonly string[]): QualityData {
  const c = new QualityCollector();
  xs.forEach((x, i) => {
    const keys = qualityKeys(JSON.parse(x));
    if (keys) c.add(i, i + 1, x.length, keys);
  });
  return c.data();
}

describe('pairing a validation file with its training file (TL-23 in the editor)', () => {
  for (const [name, want] of [
    ['val.jsonl', ['train.jsonl']],
    ['validation.jsonl', ['train.jsonl']],
    ['valid.jsonl', ['train.jsonl']],
    ['VAL.jsonl', ['train.jsonl']],
    ['support_val.jsonl', ['support_train.jsonl', 'support-train.jsonl', 'support.train.jsonl', 'support.jsonl']],
    ['support_validation.jsonl', ['support_train.jsonl', 'support-train.jsonl', 'support.train.jsonl', 'support.jsonl']],
    ['support-val.jsonl', ['support-train.jsonl', 'support_train.jsonl', 'support.train.jsonl', 'support.jsonl']],
    ['support.valid.jsonl', ['support.train.jsonl', 'support_train.jsonl', 'support-train.jsonl', 'support.jsonl']],
    ['Support_VAL.ndjson', ['Support_train.ndjson', 'Support-train.ndjson', 'Support.train.ndjson', 'Support.ndjson']],
    // Not validation files: no training file is looked for.
    ['train.jsonl', []],
    ['support.jsonl', []],
    ['interval.jsonl', []],
    ['support_values.jsonl', []],
    ['_val.jsonl', []],
    ['val', []],
  ] as const) {
    it(`${name} → ${want.length ? want.join(', ') : 'none'}`, () => {
      assert.deepEqual(trainingFileCandidates(name), want);
    });
  }

  it('the rule text names the same pairs', () => {
    const d = ruleByCode('train-validation-overlap')!.description;
    for (const n of ['val.jsonl', 'validation.jsonl', 'valid.jsonl', 'train.jsonl', 'NAME_val.jsonl', 'NAME_validation.jsonl', 'NAME-val.jsonl', 'NAME_train.jsonl', 'NAME.jsonl']) {
      assert.ok(d.includes(`\`${n}\``), n);
    }
    for (const v of ['val.jsonl', 'validation.jsonl', 'valid.jsonl']) assert.deepEqual(trainingFileCandidates(v), ['train.jsonl']);
    for (const v of ['NAME_val.jsonl', 'NAME_validation.jsonl', 'NAME-val.jsonl']) {
      const c = trainingFileCandidates(v);
      assert.ok(c.includes('NAME_train.jsonl') && c.at(-1) === 'NAME.jsonl', v);
    }
  });
});

describe('TrainingSet: a training file prepared once, validation files judged against it', () => {
  const long = 'Describe how the scheduler of the operating system picks the next thread to run when several share the core';
  const answer = 'It takes the runnable thread with the highest priority, and among equals the one that waited longest.';
  const train = Array.from({ length: 300 }, (_, i) => distinct(i));
  train[40] = chat(long, answer);
  train[41] = chat(long.replace('operating system', 'kernel'), answer); // a near-copy of 40: 40 is the earliest
  const trainData = collect(train);

  /** Independent reference: the earliest training example with the same conversation, else at the threshold. */
  function reference(val: readonly string[], threshold: number): [number, number][] {
    const out: [number, number][] = [];
    const vd = collect(val);
    for (let j = 0; j < vd.count; j++) {
      const whole = vd.nums[j * 4 + 2];
      let hit = -1;
      for (let i = 0; i < trainData.count && hit < 0; i++) if (trainData.nums[i * 4 + 2] === whole) hit = i;
      const vSig = (vd.ints[j * 5 + 3]! & (1 << 30)) !== 0;
      for (let i = 0; i < trainData.count && hit < 0; i++) {
        const tSig = (trainData.ints[i * 5 + 3]! & (1 << 30)) !== 0;
        if (vSig && tSig && sigSimilarity(vd.sigs, j, trainData.sigs, i) >= threshold) hit = i;
      }
      if (hit >= 0) out.push([vd.ints[j * 5]!, trainData.ints[hit * 5]!]);
    }
    return out;
  }

  it('finds what a pairwise comparison of every validation and training example finds', () => {
    const val = Array.from({ length: 40 }, (_, i) => distinct(10_000 + i));
    val[3] = train[200]!;
    val[9] = chat(long.replace('picks', 'chooses'), answer);
    val[20] = chat(long, answer, 'You are a helpful teacher.'); // the system prompt aside: the same conversation
    const set = new TrainingSet(trainData, 0.8);
    const got = set.problems(collect(val), 'train.jsonl', '/data/train.jsonl');
    assert.deepEqual(
      got.map((p) => [p.line, p.data!.trainLine]),
      reference(val, 0.8),
    );
    assert.deepEqual(got.map((p) => p.line), [3, 9, 20]);
    assert.deepEqual(got.map((p) => p.data!.exact), [true, false, true]);
    assert.deepEqual(got[1]!.related, [{ line: 40, message: 'The training example (train.jsonl, line 41)', file: '/data/train.jsonl' }]);
    // The function form gives the same problems.
    assert.deepEqual(overlapProblems(trainData, collect(val), 0.8, 'train.jsonl', '/data/train.jsonl'), got);
    // Threshold 0: exact overlaps only.
    assert.deepEqual(new TrainingSet(trainData, 0).problems(collect(val), 'train.jsonl').map((p) => p.line), [3, 20]);
  });

  it('judges successive versions of an edited validation file (the editor index) against the same set', () => {
    const set = new TrainingSet(trainData, 0.8);
    const index = DatasetIndex.fromText(Array.from({ length: 10 }, (_, i) => distinct(20_000 + i)).join('\n'));
    assert.deepEqual(set.problems(index.qualityData(), 'train.jsonl'), []);
    index.setLines(4, 1, [train[7]!]);
    assert.deepEqual(set.problems(index.qualityData(), 'train.jsonl').map((p) => [p.line, p.data!.trainLine]), [[4, 7]]);
    index.setLines(0, 0, ['', chat(long.replace('several', 'many'), answer)]);
    assert.deepEqual(set.problems(index.qualityData(), 'train.jsonl').map((p) => [p.line, p.data!.trainLine]), [[1, 40], [6, 7]]);
    index.setLines(6, 1, [distinct(30_000)]);
    assert.deepEqual(set.problems(index.qualityData(), 'train.jsonl').map((p) => p.line), [1]);
  });

  it("the index's quality data: one entry per example, kept while the file does not change", () => {
    const index = DatasetIndex.fromText([distinct(1), '', distinct(2), 'not json', distinct(3)].join('\n'));
    const d = index.qualityData();
    assert.equal(d.count, 3);
    assert.deepEqual([0, 1, 2].map((i) => [d.ints[i * 5], d.ints[i * 5 + 1]]), [[0, 1], [2, 2], [4, 4]]);
    assert.equal(index.qualityData(), d);
    index.setLines(1, 1, [distinct(9)]);
    assert.notEqual(index.qualityData(), d);
    assert.equal(index.qualityData().count, 4);
  });
});

describe('TrainingSet: judging a validation file costs the same whatever the training file', () => {
  const base = 'Translate the following sentence about the weather in the mountains into French and keep the tone';
  /** Work of judging 200 validation examples against a prepared training set of n examples (construction excluded). */
  function judge(n: number, makeTrain: (i: number) => string, makeVal: (i: number) => string): number {
    const set = new TrainingSet(collect(Array.from({ length: n }, (_, i) => makeTrain(i))), 0.8);
    const val = collect(Array.from({ length: 200 }, (_, i) => makeVal(i)));
    qualityCost.comparisons = 0;
    qualityCost.visits = 0;
    set.problems(val, 'train.jsonl');
    return qualityCost.comparisons + qualityCost.visits;
  }
  for (const [name, makeTrain, makeVal] of [
    ['distinct examples', (i: number) => distinct(i), (i: number) => distinct(900_000 + i)],
    // Every training example a near-copy of every other and of every validation example: all in the same buckets.
    ['every example a near-copy', (i: number) => chat(`${base} ${i}`, 'ok'), (i: number) => chat(`${base} v${i}`, 'ok')],
  ] as const) {
    it(`${name}: a training file 8 times larger costs at most 1.5 times more per validation file`, () => {
      const a = judge(500, makeTrain, makeVal);
      const b = judge(4000, makeTrain, makeVal);
      assert.ok(a > 0);
      assert.ok(b <= a * 1.5, `n: ${a}, 8n: ${b}`);
      // At most 16 bands × 3 candidates compared per validation example.
      assert.ok(qualityCost.comparisons <= 200 * 16 * 3, String(qualityCost.comparisons));
    });
  }
});
