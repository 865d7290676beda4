import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { duplicateLines, mulberry32, splitDataset } from '../../src/core/split';
import { DatasetIndex, validateText } from '../../src/core';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'workspace', 'datasets', name), 'utf8');

describe('splitDataset (core)', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const text = fixture('good.jsonl');
    const a = splitDataset(text, { ratio: 0.8, seed: 42 });
    const b = splitDataset(text, { ratio: 0.8, seed: 42 });
    const c = splitDataset(text, { ratio: 0.8, seed: 7 });
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.validationLines, c.validationLines);
  });

  it('follows the ratio and keeps every example exactly once, in source order', () => {
    const text = fixture('good.jsonl');
    for (const [ratio, valid] of [
      [0.8, 12],
      [0.9, 6],
      [0.5, 30],
    ] as const) {
      const r = splitDataset(text, { ratio, seed: 1 });
      assert.equal(r.validation.length, valid, `ratio ${ratio}`);
      assert.equal(r.train.length, 60 - valid);
      const all = [...r.trainLines, ...r.validationLines].sort((x, y) => x - y);
      assert.deepEqual(all, [...Array(60).keys()]);
      assert.deepEqual(r.trainLines, [...r.trainLines].sort((x, y) => x - y));
      assert.equal(r.blank, 1, 'the final empty line');
    }
  });

  it('never puts copies of one example on both sides', () => {
    const text = fixture('dups.jsonl');
    for (let seed = 0; seed < 50; seed++) {
      const r = splitDataset(text, { ratio: 0.7, seed });
      const train = new Set(r.train);
      assert.ok(r.validation.every((l) => !train.has(l)), `seed ${seed}: a validation example is also in training`);
      assert.equal(r.duplicates, 4);
      assert.equal(r.train.length + r.validation.length, 16);
    }
  });

  it('property: any dataset, ratio and seed: no overlap, nothing lost, both sides non-empty', () => {
    const line = fc.oneof(fc.constantFrom('{"a":1}', '{"a":2}', '{"b":[1]}', '', 'oops'), fc.integer({ min: 0, max: 40 }).map((n) => `{"n":${n}}`));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 80 }), fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.integer(), (lines, ratio, seed) => {
        const r = splitDataset(lines, { ratio, seed });
        const train = new Set(r.train);
        assert.ok(r.validation.every((l) => !train.has(l)));
        const distinct = new Set(lines.filter((l) => l.trim() && l !== 'oops'));
        assert.equal(r.train.length + r.validation.length, lines.filter((l) => l.trim() && l !== 'oops').length);
        assert.equal(r.skipped.length, lines.filter((l) => l === 'oops').length);
        if (distinct.size >= 2) assert.ok(r.train.length > 0 && r.validation.length > 0);
      }),
    );
  });

  it('reports lines that are not JSON instead of throwing, and rejects bad ratios', () => {
    const r = splitDataset(fixture('broken.jsonl'), { ratio: 0.8, seed: 3 });
    const bad = fixture('broken.jsonl')
      .split('\n')
      .flatMap((l, i) => {
        if (!l.trim()) return [];
        try {
          JSON.parse(l);
          return [];
        } catch {
          return [i];
        }
      });
    assert.ok(bad.length > 0, 'the fixture has lines that are not JSON');
    assert.deepEqual(
      r.skipped.map((s) => s.line),
      bad,
    );
    for (const ratio of [0, 1, -0.2, 1.5, Number.NaN]) assert.throws(() => splitDataset('{"a":1}', { ratio, seed: 1 }), RangeError);
  });

  it('writes halves the engine accepts', () => {
    const r = splitDataset(fixture('good.jsonl'), { ratio: 0.8, seed: 42 });
    for (const part of [r.train, r.validation]) {
      const problems = validateText(part.join('\n') + '\n', {}).problems.filter((p) => p.severity === 'error');
      assert.deepEqual(problems, []);
    }
  });

  it('mulberry32 gives the same sequence for a seed, in [0, 1)', () => {
    const a = mulberry32(99);
    const b = mulberry32(99);
    for (let i = 0; i < 100; i++) {
      const x = a();
      assert.equal(x, b());
      assert.ok(x >= 0 && x < 1);
    }
  });
});

describe('duplicateLines (core)', () => {
  it('finds the later copies the engine reports as duplicates (TL-03)', () => {
    const text = fixture('dups.jsonl');
    const lines = text.split('\n');
    const found = duplicateLines(lines);
    assert.deepEqual(found, [
      { line: 4, first: 0 },
      { line: 9, first: 0 },
      { line: 10, first: 5 },
      { line: 15, first: 2 },
    ]);
    const engine = DatasetIndex.fromText(text)
      .problems()
      .filter((p) => p.ruleId === 'TL-03')
      .map((p) => ({ line: p.line, first: p.relatedLine }));
    assert.deepEqual(engine, found);
  });
});
