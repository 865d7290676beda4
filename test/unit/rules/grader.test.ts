import assert from 'node:assert/strict';
import { checkGrader, graderItemPaths } from '../../../src/core/rules';

const SC = { type: 'string_check', name: 'exact', input: '{{ sample.output_text }}', reference: '{{ item.reference_answer }}', operation: 'eq' };

function only(g: unknown, code: string, path: string): void {
  const ps = checkGrader(g);
  const summary = ps.map((p) => `${p.code} ${p.path} ${p.message}`).join('\n');
  assert.ok(ps.length > 0, `expected ${code}`);
  assert.deepEqual([...new Set(ps.map((p) => p.code))], [code], summary);
  for (const p of ps) {
    assert.equal(p.severity, 'error');
    assert.equal(p.line, undefined);
    assert.ok(p.message.startsWith('Grader: '));
  }
  assert.ok(ps.some((p) => p.path === path), `no ${code} at ${path}:\n${summary}`);
}

describe('grader rules (RFT-08, GRD-*)', () => {
  it('good graders are clean', () => {
    const good = [
      SC,
      { type: 'text_similarity', name: 's', input: '{{ sample.output_text }}', reference: '{{ item.answer }}', evaluation_metric: 'bleu' },
      { type: 'python', name: 'py', source: 'def grade(sample, item):\n    return 1.0 if sample["output_text"] == item["answer"] else 0.0\n' },
      { type: 'score_model', name: 'judge', model: 'gpt-4o-mini-2024-07-18', input: [{ role: 'user', content: 'Rate {{ sample.output_text }} vs {{ item.answer }}' }], range: [0, 10], sampling_params: { temperature: 0.2 } },
      {
        type: 'multi',
        name: 'm',
        graders: { exact: SC, lbl: { type: 'label_model', name: 'lbl', model: 'gpt-4o-2024-08-06', input: [{ role: 'user', content: '{{ sample.output_text }}' }], labels: ['good', 'bad'], passing_labels: ['good'] } },
        calculate_output: '0.5 * exact + 0.5 * max(lbl, 0)',
      },
      { type: 'multi', name: 'arr', graders: [SC], calculate_output: 'exact' },
    ];
    for (const g of good) assert.deepEqual(checkGrader(g).map((p) => p.message), [], JSON.stringify(g));
  });

  it('RFT-08 invalid-rft-grader: missing, wrong type, label_model at the top', () => {
    only(undefined, 'invalid-rft-grader', 'grader');
    only('eq', 'invalid-rft-grader', 'grader');
    only({ ...SC, type: 'label_model' }, 'invalid-rft-grader', 'grader.type');
    const p = checkGrader({ ...SC, type: 'string_chek' })[0]!;
    assert.deepEqual(p.data, { suggestion: 'string_check' });
  });

  it('GRD-01 string-check-grader', () => {
    only({ ...SC, operation: 'neq' }, 'string-check-grader', 'grader.operation');
    assert.deepEqual(checkGrader({ ...SC, operation: 'neq' })[0]!.data, { suggestion: 'ne' });
    only({ type: 'string_check', name: 'x', input: '{{ sample.output_text }}', operation: 'eq' }, 'string-check-grader', 'grader.reference');
  });

  it('GRD-02 text-similarity-grader (cosine is evals-only)', () => {
    only({ type: 'text_similarity', name: 's', input: 'a', reference: 'b', evaluation_metric: 'cosine' }, 'text-similarity-grader', 'grader.evaluation_metric');
    only({ type: 'text_similarity', name: 's', input: 'a', reference: 'b', evaluation_metric: 'rouge' }, 'text-similarity-grader', 'grader.evaluation_metric');
  });

  it('GRD-03 python-grader: size and entry point', () => {
    only({ type: 'python', name: 'py', source: 'def score(sample, item):\n  return 1' }, 'python-grader', 'grader.source');
    only({ type: 'python', name: 'py', source: 'def grade(s, i):\n  return 1\n#' + 'x'.repeat(300 * 1024) }, 'python-grader', 'grader.source');
    only({ type: 'python', name: 'py' }, 'python-grader', 'grader.source');
  });

  it('GRD-04 score-model-grader: model list, temperature vs reasoning models, range', () => {
    const base = { type: 'score_model', name: 'j', input: [{ role: 'user', content: 'x' }] };
    only({ ...base, model: 'gpt-5' }, 'score-model-grader', 'grader.model');
    only({ ...base, model: 'o3-mini-2025-01-31', sampling_params: { temperature: 0.5 } }, 'score-model-grader', 'grader.sampling_params.temperature');
    only({ ...base, model: 'gpt-4.1-2025-04-14', sampling_params: { reasoning_effort: 'low' } }, 'score-model-grader', 'grader.sampling_params.reasoning_effort');
    only({ ...base, model: 'gpt-4.1-2025-04-14', range: [1, 0] }, 'score-model-grader', 'grader.range');
    only({ ...base }, 'score-model-grader', 'grader.model');
  });

  it('GRD-05 label-model-grader: passing_labels subset of labels', () => {
    const lbl = { type: 'label_model', name: 'lbl', model: 'gpt-4o-2024-08-06', input: [], labels: ['good', 'bad'], passing_labels: ['great'] };
    only({ type: 'multi', name: 'm', graders: { lbl }, calculate_output: 'lbl' }, 'label-model-grader', 'grader.graders.lbl.passing_labels');
  });

  it('GRD-06 multi-grader: names in calculate_output, sub-grader types, required keys', () => {
    only({ type: 'multi', name: 'm', graders: { exact: SC }, calculate_output: '0.5 * exactness' }, 'multi-grader', 'grader.calculate_output');
    assert.deepEqual(checkGrader({ type: 'multi', name: 'm', graders: { exact: SC }, calculate_output: 'exactt' })[0]!.data, { suggestion: 'exact', name: 'exactt' });
    only({ type: 'multi', name: 'm', graders: { exact: SC }, calculate_output: 'exact; import os' }, 'multi-grader', 'grader.calculate_output');
    only({ type: 'multi', name: 'm', graders: { inner: { type: 'multi', name: 'x', graders: {}, calculate_output: '1' } }, calculate_output: 'inner' }, 'multi-grader', 'grader.graders.inner.type');
    only({ type: 'multi', name: 'm', graders: { exact: SC } }, 'multi-grader', 'grader.calculate_output');
  });

  it('GRD-07 invalid-grader-template: namespaces item and sample only', () => {
    only({ ...SC, input: '{{ output.text }}' }, 'invalid-grader-template', 'grader.input');
    const p = checkGrader({ ...SC, input: '{{ sample.output }}' })[0]!;
    assert.equal(p.code, 'invalid-grader-template');
    assert.deepEqual(p.data, { suggestion: 'sample.output_text' });
    only({ ...SC, reference: '{{item}}' }, 'invalid-grader-template', 'grader.reference');
  });

  it('graderItemPaths lists the {{ item.X }} paths, unique, in order', () => {
    const g = {
      type: 'multi',
      name: 'm',
      graders: {
        a: { ...SC, reference: '{{item.reference_answer}}' },
        b: { type: 'score_model', name: 'b', model: 'o3-2025-04-16', input: [{ role: 'user', content: '{{ item.meta.label }} {{ item.choices[0] }} {{ item.reference_answer }}' }] },
        c: { type: 'python', name: 'c', source: 'def grade(s, i):\n  # {{ item.ignored }}\n  return 1' },
      },
      calculate_output: 'a + b + c',
    };
    assert.deepEqual(graderItemPaths(g), ['reference_answer', 'meta.label', 'choices.0']);
    assert.deepEqual(graderItemPaths(null), []);
  });
});
