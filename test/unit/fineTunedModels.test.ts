// The pure parts of "My fine-tuned models" and the days-left marks (issue 18).
import * as assert from 'node:assert/strict';
import { retirementMark } from '../../src/api/providers';
import type { Retirement } from '../../src/api/providers/types';
import type { FineTuningJob, Model } from '../../src/api/types';
import { fineTunedModels, hyperparameterRows, shortModelName } from '../../src/jobs/fineTunedList';

const src = { url: 'https://example.test/deprecations', read: '2026-12-03' };
const at = (iso: string) => new Date(`${iso}T12:00:00Z`);

function job(id: string, over: Partial<FineTuningJob> = {}): FineTuningJob {
  return {
    id,
    object: 'fine_tuning.job',
    created_at: 1_700_000_000,
    model: 'gpt-4o-mini-2024-07-18',
    status: 'succeeded',
    fine_tuned_model: `ft:gpt-4o-mini-2024-07-18:org-x:s:${id}`,
    finished_at: 1_700_000_100,
    training_file: 'file-train',
    validation_file: null,
    hyperparameters: { n_epochs: 3, batch_size: 1, learning_rate_multiplier: 2 },
    organization_id: 'org-x',
    result_files: [],
    trained_tokens: 100,
    error: null,
    seed: 1,
    ...over,
  } as FineTuningJob;
}
const model = (id: string, owned_by = 'org-x', created = 1_600_000_000): Model => ({ id, object: 'model', created, owned_by });

describe('My fine-tuned models (pure)', () => {
  it('takes succeeded jobs with a model, one per id, newest first', () => {
    const list = fineTunedModels([
      job('a', { finished_at: 10 }),
      job('b', { finished_at: 30 }),
      job('c', { status: 'running', fine_tuned_model: null }),
      job('d', { status: 'failed', fine_tuned_model: null }),
      job('b2', { finished_at: 20, fine_tuned_model: 'ft:gpt-4o-mini-2024-07-18:org-x:s:b' }),
    ]);
    assert.deepEqual(list.map((m) => [m.id.split(':').at(-1), m.job?.id]), [['b', 'b'], ['a', 'a']]);
    assert.equal(list[0]!.baseModel, 'gpt-4o-mini-2024-07-18');
  });

  it('adds fine-tuned ids the model list has without a job, skips base models and checkpoints', () => {
    const list = fineTunedModels([job('a')], [
      model('gpt-4o-mini-2024-07-18', 'system'),
      model('ft:gpt-4.1-2025-04-14:org-x::old1'),
      model('ft:gpt-4.1-2025-04-14:org-x::old1:ckpt-step-10'),
      model('gpt-4.1-mini-2025-04-14.ft-0123abcd-mine', 'system'),
      model('ft:gpt-4o-mini-2024-07-18:org-x:s:a'),
    ]);
    const ids = list.map((m) => m.id);
    assert.equal(ids.length, 3, ids.join(', '));
    assert.ok(ids.includes('ft:gpt-4.1-2025-04-14:org-x::old1'));
    assert.ok(ids.includes('gpt-4.1-mini-2025-04-14.ft-0123abcd-mine'));
    const old = list.find((m) => m.id === 'ft:gpt-4.1-2025-04-14:org-x::old1')!;
    assert.deepEqual([old.baseModel, old.job], ['gpt-4.1-2025-04-14', undefined]);
    assert.equal(list.find((m) => m.job)?.ownedBy, 'org-x', 'a job\'s model listed too gets its owner');
  });

  it('reads the method\'s hyperparameters over the legacy ones', () => {
    const j = job('a', { method: { type: 'dpo', dpo: { hyperparameters: { beta: 0.1, n_epochs: 5 } } } } as Partial<FineTuningJob>);
    assert.deepEqual(Object.fromEntries(hyperparameterRows(j)), { n_epochs: '5', batch_size: '1', learning_rate_multiplier: '2', beta: '0.1' });
    assert.deepEqual(hyperparameterRows(undefined), []);
  });

  it('shortens OpenAI fine-tuned ids to suffix and id, leaves others', () => {
    assert.equal(shortModelName('ft:gpt-4o-mini-2024-07-18:org-x:support:abc123'), 'support:abc123');
    assert.equal(shortModelName('ft:gpt-4o-mini-2024-07-18:org-x::abc123'), 'abc123');
    assert.equal(shortModelName('gpt-4o-mini-2024-07-18.ft-abc'), 'gpt-4o-mini-2024-07-18.ft-abc');
  });
});

describe('Days-left marks', () => {
  const both: Retirement = { training: '2027-01-06', serving: '2027-01-14', source: src };
  it('is ok outside 30 days, a warning inside, past once every date passed', () => {
    assert.deepEqual(retirementMark(both, at('2026-11-20')), { level: 'ok', short: '47 days left', long: 'new jobs end 2027-01-06 (47 days left)' });
    assert.equal(retirementMark(both, at('2026-12-07')).level, 'warning');
    assert.equal(retirementMark(both, at('2026-12-06')).level, 'ok');
    assert.deepEqual(retirementMark(both, at('2027-01-10')), { level: 'warning', short: '4 days left', long: 'serving ends 2027-01-14 (4 days left)' });
    assert.deepEqual(retirementMark(both, at('2027-01-14')), { level: 'past', short: 'retired', long: 'serving ended 2027-01-14' });
    assert.equal(retirementMark(both, at('2027-01-05')).short, '1 day left');
  });
  it('says "no new jobs" when only a training date passed, nothing when no date is announced', () => {
    assert.deepEqual(retirementMark({ training: '2027-01-06', noDate: ['serving'], source: src }, at('2027-02-01')), { level: 'past', short: 'no new jobs', long: 'new jobs ended 2027-01-06' });
    assert.equal(retirementMark({ noDate: ['training', 'serving'], source: src }, at('2027-02-01')).level, 'none');
    assert.equal(retirementMark(undefined, at('2027-02-01')).short, '');
  });
  it('keeps "no earlier than" in the words', () => {
    assert.match(retirementMark({ training: '2027-04-01', serving: '2027-10-01', noEarlierThan: true, source: src }, at('2026-12-03')).long, /new jobs end no earlier than 2027-04-01 \(119 days left\)/);
  });
});
