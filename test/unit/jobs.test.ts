// Pure parts of the jobs view: status mapping, progress, ages, the polling backoff, metrics from events and from the
// result file (plain or base64 CSV).
import * as assert from 'node:assert/strict';
import type { FineTuningJob, FineTuningJobEvent } from '../../src/api/types';
import { decodeResultFile, mergePoints, pointsFromCsv, pointsFromEvents } from '../../src/jobs/metrics';
import { age, Backoff, duration, isActive, isFinal, jobContextValue, latestProgress, progressText, statusLook } from '../../src/jobs/status';

const ev = (id: string, data: Record<string, unknown> | undefined, type: 'metrics' | 'message' = 'metrics'): FineTuningJobEvent => ({
  id,
  object: 'fine_tuning.job.event',
  created_at: 0,
  level: 'info',
  message: '',
  type,
  ...(data ? { data } : {}),
});

const job = (status: string, extra: Partial<FineTuningJob> = {}) => ({ status, fine_tuned_model: null, result_files: [], estimated_finish: null, ...extra }) as unknown as FineTuningJob;

describe('jobs: status', () => {
  it('active and final statuses', () => {
    for (const s of ['validating_files', 'queued', 'running', 'paused']) assert.equal(isActive(s), true, s);
    for (const s of ['succeeded', 'failed', 'cancelled']) {
      assert.equal(isActive(s), false, s);
      assert.equal(isFinal(s), true, s);
    }
    assert.equal(isFinal('running'), false);
  });

  it('icons and colours per state; unknown states keep their name', () => {
    assert.deepEqual(statusLook('running'), { icon: 'sync~spin', color: 'charts.blue', label: 'Running' });
    assert.equal(statusLook('failed').icon, 'error');
    assert.equal(statusLook('succeeded').color, 'testing.iconPassed');
    assert.equal(statusLook('paused').icon, 'debug-pause');
    assert.deepEqual(statusLook('archived'), { icon: 'question', label: 'archived' });
  });

  it('context values carry exactly the actions that apply', () => {
    assert.equal(jobContextValue(job('running')), 'job:running:canCancel:canPause:hasMetrics');
    assert.equal(jobContextValue(job('paused')), 'job:paused:canCancel:canResume:hasMetrics');
    assert.equal(jobContextValue(job('queued')), 'job:queued:canCancel:hasMetrics');
    assert.equal(jobContextValue(job('succeeded', { fine_tuned_model: 'ft:x' })), 'job:succeeded:hasModel:hasMetrics');
    assert.equal(jobContextValue(job('failed')), 'job:failed:hasMetrics');
  });

  it('progress from the newest metrics event, and time left', () => {
    const events = [ev('3', undefined, 'message'), ev('2', { step: 12, total_steps: 40 }), ev('1', { step: 11, total_steps: 40 })];
    assert.deepEqual(latestProgress(events), { step: 12, total: 40 });
    assert.equal(latestProgress([ev('x', undefined, 'message')]), undefined);
    assert.equal(progressText(job('running', { estimated_finish: 1_000 + 150 }), { step: 12, total: 40 }, 1_000), 'step 12/40 (30%), about 3 min left');
    assert.equal(progressText(job('paused'), { step: 5 }, 0), 'step 5');
  });

  it('ages and durations', () => {
    assert.equal(age(100, 105), 'just now');
    assert.equal(age(0, 42), '42 s ago');
    assert.equal(age(0, 180), '3 min ago');
    assert.equal(age(0, 7_200), '2 h ago');
    assert.equal(age(0, 5 * 86_400), '5 days ago');
    assert.equal(duration(59), '59 s');
  });

  it('backoff grows while nothing changes, up to the cap, and resets on a change', () => {
    const b = new Backoff(2_000, 30_000);
    assert.equal(b.delay, 2_000);
    assert.deepEqual([b.next(false), b.next(false), b.next(false), b.next(false), b.next(false)], [4_000, 8_000, 16_000, 30_000, 30_000]);
    assert.equal(b.next(true), 2_000);
    b.next(false);
    b.reset();
    assert.equal(b.delay, 2_000);
  });
});

describe('jobs: metrics', () => {
  it('points from metrics events, one per step, sorted; total steps', () => {
    const r = pointsFromEvents([
      ev('b', { step: 2, train_loss: 1.5, train_mean_token_accuracy: 0.6, valid_loss: 1.7, valid_mean_token_accuracy: 0.55, total_steps: 10 }),
      ev('a', { step: 1, train_loss: 2 }),
      ev('m', undefined, 'message'),
    ]);
    assert.equal(r.totalSteps, 10);
    assert.deepEqual(r.points, [
      { step: 1, trainLoss: 2 },
      { step: 2, trainLoss: 1.5, trainAccuracy: 0.6, validLoss: 1.7, validAccuracy: 0.55 },
    ]);
  });

  const csv = 'step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy\n1,2.1,0.5,,\n2,1.9,0.55,2.0,0.52\n\n';

  it('points from the result CSV, blanks left out', () => {
    assert.deepEqual(pointsFromCsv(csv), [
      { step: 1, trainLoss: 2.1, trainAccuracy: 0.5 },
      { step: 2, trainLoss: 1.9, trainAccuracy: 0.55, validLoss: 2.0, validAccuracy: 0.52 },
    ]);
    assert.deepEqual(pointsFromCsv('not,a,metrics,file\n1,2,3,4'), []);
    assert.deepEqual(pointsFromCsv(''), []);
  });

  it('decodes a base64-served result file, and leaves plain CSV alone', () => {
    const b64 = Buffer.from(csv).toString('base64');
    assert.equal(decodeResultFile(new TextEncoder().encode(b64)), csv);
    assert.equal(decodeResultFile(new TextEncoder().encode(csv)), csv);
    assert.equal(decodeResultFile(new TextEncoder().encode(`\uFEFF${csv}`)), csv);
  });

  it('merges by step, later lists winning', () => {
    assert.deepEqual(mergePoints([{ step: 2, trainLoss: 1 }, { step: 1, trainLoss: 3 }], [{ step: 2, trainLoss: 1.1, validLoss: 2 }]), [
      { step: 1, trainLoss: 3 },
      { step: 2, trainLoss: 1.1, validLoss: 2 },
    ]);
  });
});
