import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import OpenAI from 'openai';
import { exampleNumber, exampleToLine, isRetryable, retryAfterMs, scrubKeys } from '../../src/api/errorInfo';
import { ApiError, toApiError } from '../../src/api/errors';
import { AZURE, openAIProvider } from '../../src/api/providers';
import { retryableStatus } from '../../src/api/providers/retry';
import { checkPlan, hyperparametersFor, jobParams, parseHyperparameter } from '../../src/training/plan';

const apiError = (status: number, body: object, headers: Record<string, string> = {}) =>
  OpenAI.APIError.generate(status, { error: body }, undefined, new Headers(headers));

describe('API errors (pure)', () => {
  it('does not retry a 429 quota_exceeded (Azure job quota) either', () => {
    assert.equal(isRetryable(apiError(429, { code: 'quota_exceeded', type: 'invalid_request_error' }), true), false);
    assert.equal(retryableStatus(429, 'quota_exceeded'), false);
    assert.equal(retryableStatus(429, 'rate_limit_exceeded'), true);
  });

  it('toApiError asks the provider adapter first: OpenAI 403 training_not_available, Azure 429 quota', () => {
    const openai = openAIProvider({ now: () => Date.parse('2026-12-03T08:00:00Z') });
    const refused = toApiError(apiError(403, { code: 'training_not_available', message: 'Fine-tuning is not available for this organization.' }), 'OpenAI', 'start the job', 0, undefined, openai) as ApiError;
    assert.equal(refused.kind, 'forbidden');
    assert.match(refused.message, /winding down fine-tuning/);
    assert.match(refused.message, /2027-01-06/);
    assert.match(refused.message, /tuneline\.provider/, 'the next step');
    assert.equal(refused.code, 'training_not_available');
    const generic = toApiError(apiError(403, { code: 'training_not_available' }), 'OpenAI', 'start the job', 0, undefined, AZURE) as ApiError;
    assert.doesNotMatch(generic.message, /winding down/, 'Azure does not explain an OpenAI refusal');
    const quota = toApiError(apiError(429, { code: 'quota_exceeded', message: 'The maximum number of queued fine-tuning jobs (0) for this resource has been reached' }), 'Azure OpenAI (x)', 'start the job', 0, undefined, AZURE) as ApiError;
    assert.equal(quota.kind, 'quota');
    assert.match(quota.message, /fine-tuning job quota/);
    assert.match(quota.message, /cancel one/);
    const none = toApiError(apiError(429, { code: 'quota_exceeded' }), 'h', 'start the job') as ApiError;
    assert.equal(none.kind, 'quota', 'quota_exceeded is a quota without an adapter too');
  });

  it('retries rate limits and server errors, not quota, auth or bad requests', () => {
    assert.equal(isRetryable(apiError(429, { code: 'rate_limit_exceeded', type: 'requests' }), true), true);
    assert.equal(isRetryable(apiError(429, { code: 'insufficient_quota', type: 'insufficient_quota' }), true), false);
    assert.equal(isRetryable(apiError(500, {}), true), true);
    assert.equal(isRetryable(apiError(503, {}), false), true);
    for (const s of [400, 401, 403, 404, 422]) assert.equal(isRetryable(apiError(s, {}), true), false, String(s));
    const dropped = new TypeError('terminated');
    assert.equal(isRetryable(dropped, true), true, 'a body cut short is retried when safe');
    assert.equal(isRetryable(dropped, false), false, 'and not for calls that create something');
    assert.equal(isRetryable(new OpenAI.APIUserAbortError(), true), false);
  });

  it('reads retry-after-ms, retry-after seconds and retry-after dates', () => {
    assert.equal(retryAfterMs(apiError(429, {}, { 'retry-after-ms': '250', 'retry-after': '9' })), 250);
    assert.equal(retryAfterMs(apiError(429, {}, { 'retry-after': '2' })), 2000);
    const now = Date.parse('2026-11-24T12:00:00Z');
    assert.equal(retryAfterMs(apiError(429, {}, { 'retry-after': 'Tue, 24 Nov 2026 12:00:05 GMT' }), now), 5000);
    assert.equal(retryAfterMs(apiError(429, {})), undefined);
  });

  it('cuts key-like strings out of provider messages', () => {
    assert.equal(scrubKeys('Incorrect API key provided: sk-proj-abcd****wxyz. You can'), 'Incorrect API key provided: sk-…. You can');
    assert.equal(scrubKeys('key 0123456789abcdef0123456789abcdef is wrong'), 'key … is wrong');
    assert.equal(scrubKeys('Authorization: Bearer abc.def'), 'Authorization: Bearer …');
  });

  it('maps "Example N" to the N-th non-blank line', () => {
    assert.equal(exampleNumber('Invalid file format. Example 12: missing key'), 12);
    assert.equal(exampleNumber('nothing here'), undefined);
    const text = '{"a":1}\n\n{"a":2}\r\n   \n{"a":3}\n';
    assert.equal(exampleToLine(text, 1), 0);
    assert.equal(exampleToLine(text, 2), 2);
    assert.equal(exampleToLine(text, 3), 4);
    assert.equal(exampleToLine(text, 4), undefined);
  });

  it('exampleToLine agrees with counting non-blank lines (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('{"x":1}', '', '  ', '{"y":2}'), { maxLength: 30 }), (lines) => {
        const text = lines.join('\n');
        let n = 0;
        lines.forEach((l, i) => {
          if (l.trim() !== '') {
            n++;
            assert.equal(exampleToLine(text, n), i);
          }
        });
        assert.equal(exampleToLine(text, n + 1), undefined);
      }),
    );
  });
});

describe('Training plan (JOB-01, JOB-02)', () => {
  const base = { trainingFileId: 'file-1', model: 'gpt-4o-mini-2024-07-18', method: 'supervised' as const };

  it('accepts auto and in-range values; refuses the rest with the range', () => {
    assert.deepEqual(checkPlan({ ...base, hyperparameters: { n_epochs: 3, batch_size: 'auto', learning_rate_multiplier: 0.5 } }), []);
    assert.match(checkPlan({ ...base, hyperparameters: { n_epochs: 0 } }).join(), /n_epochs is "auto" or an integer from 1 to 50/);
    assert.match(checkPlan({ ...base, hyperparameters: { batch_size: 257 } }).join(), /1 to 256/);
    assert.match(checkPlan({ ...base, hyperparameters: { learning_rate_multiplier: 0 } }).join(), /above 0/);
    assert.match(checkPlan({ ...base, hyperparameters: { beta: 0.1 } }).join(), /beta does not apply to supervised/);
    assert.deepEqual(checkPlan({ ...base, method: 'dpo', hyperparameters: { beta: 2 } }), []);
    assert.match(checkPlan({ ...base, method: 'dpo', hyperparameters: { beta: 2.5 } }).join(), /at most 2/);
    assert.match(checkPlan({ ...base, method: 'reinforcement' }).join(), /needs a grader/);
    assert.deepEqual(checkPlan({ ...base, method: 'reinforcement', grader: {}, hyperparameters: { compute_multiplier: 10, reasoning_effort: 'high' } }), []);
    assert.match(checkPlan({ ...base, method: 'reinforcement', grader: {}, hyperparameters: { compute_multiplier: 0.00001 } }).join(), /above 0.00001/);
    assert.match(checkPlan({ ...base, suffix: 'has space' }).join(), /suffix/);
    assert.match(checkPlan({ ...base, suffix: 'x'.repeat(65) }).join(), /suffix/);
    assert.match(checkPlan({ ...base, seed: 2_147_483_648 }).join(), /seed/);
    assert.deepEqual(checkPlan({ ...base, seed: 0, suffix: 'a-b_c' }), []);
  });

  it('parses typed values', () => {
    assert.deepEqual(parseHyperparameter('n_epochs', ' auto '), { value: 'auto' });
    assert.deepEqual(parseHyperparameter('n_epochs', ''), { value: 'auto' });
    assert.deepEqual(parseHyperparameter('n_epochs', '4'), { value: 4 });
    assert.ok('error' in parseHyperparameter('n_epochs', '2.5'));
    assert.deepEqual(parseHyperparameter('reasoning_effort', 'low'), { value: 'low' });
    assert.ok('error' in parseHyperparameter('reasoning_effort', 'max'));
    assert.deepEqual(hyperparametersFor('dpo'), ['n_epochs', 'batch_size', 'learning_rate_multiplier', 'beta']);
  });

  it('puts hyperparameters under method.<type> (the top-level ones are deprecated)', () => {
    const p = jobParams({ ...base, method: 'dpo', hyperparameters: { beta: 0.3, n_epochs: undefined }, suffix: 's', seed: 7, validationFileId: 'file-2' });
    assert.deepEqual(p, {
      model: base.model,
      training_file: 'file-1',
      validation_file: 'file-2',
      method: { type: 'dpo', dpo: { hyperparameters: { beta: 0.3 } } },
      suffix: 's',
      seed: 7,
    });
    assert.equal('hyperparameters' in p, false);
    const r = jobParams({ ...base, method: 'reinforcement', grader: { type: 'string_check' } });
    assert.deepEqual(r.method, { type: 'reinforcement', reinforcement: { grader: { type: 'string_check' } } });
    assert.deepEqual(jobParams(base).method, { type: 'supervised', supervised: {} });
  });
});
