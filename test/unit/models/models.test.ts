import { strict as assert } from 'node:assert';
import { DEFAULT_MODEL, MODELS, modelIds, resolveModel } from '../../../src/core/models';

describe('models', () => {
  it('default model is gpt-4.1-mini-2025-04-14 at $5/1M (2025-11-30), o200k_base, 65,536 tokens', () => {
    const m = resolveModel(undefined);
    assert.equal(DEFAULT_MODEL, 'gpt-4.1-mini-2025-04-14');
    assert.equal(m.id, DEFAULT_MODEL);
    assert.equal(m.known, true);
    assert.equal(m.encoding, 'o200k_base');
    assert.equal(m.limit, 65_536);
    assert.deepEqual(m.info.trainingPrice, { usd: 5, unit: 'per-1M-tokens', date: '2025-11-30' });
    assert.deepEqual(m.info.methods, ['supervised', 'dpo']);
  });

  it('resolves exact snapshots and aliases', () => {
    assert.equal(resolveModel('gpt-4o-mini').id, 'gpt-4o-mini-2024-07-18');
    assert.equal(resolveModel('gpt-4o-mini').viaAlias, true);
    assert.equal(resolveModel('gpt-4o').id, 'gpt-4o-2024-08-06');
    assert.equal(resolveModel('o4-mini').id, 'o4-mini-2025-04-16');
    assert.equal(resolveModel('gpt-3.5-turbo').id, 'gpt-3.5-turbo-0125');
    assert.equal(resolveModel('gpt-3.5-turbo-1106').viaAlias, false);
    assert.equal(resolveModel('  gpt-4.1-nano-2025-04-14 ').id, 'gpt-4.1-nano-2025-04-14');
  });

  it('maps fine-tuned ids to their base', () => {
    const m = resolveModel('ft:gpt-4o-mini-2024-07-18:org::abc');
    assert.equal(m.id, 'gpt-4o-mini-2024-07-18');
    assert.equal(m.fineTuned, true);
    assert.equal(m.known, true);
    assert.equal(m.requested, 'ft:gpt-4o-mini-2024-07-18:org::abc');
    assert.equal(resolveModel('ft:gpt-3.5-turbo-0613:acme:suffix:id').limit, 4_096);
    assert.equal(resolveModel('ft:gpt-4o-mini:my-org:custom:xyz').id, 'gpt-4o-mini-2024-07-18');
    assert.equal(resolveModel('ft:davinci-002:org::1').encoding, 'cl100k_base');
  });

  it('unknown ids fall back to o200k_base and 65,536 tokens, flagged known: false, without price', () => {
    const m = resolveModel('gpt-9-turbo-2030-01-01');
    assert.equal(m.known, false);
    assert.equal(m.encoding, 'o200k_base');
    assert.equal(m.limit, 65_536);
    assert.equal(m.info.trainingPrice, undefined);
    const old = resolveModel('ft:gpt-4-0314:org::x');
    assert.equal(old.known, false);
    assert.equal(old.fineTuned, true);
    assert.equal(old.encoding, 'cl100k_base'); // tiktoken maps ft:gpt-4 to cl100k_base
  });

  it('carries the reference table: limits, encodings, prices, flags', () => {
    const row = (id: string) => MODELS.find((m) => m.id === id)!;
    assert.equal(row('gpt-4.1-2025-04-14').trainingPrice!.usd, 25);
    assert.equal(row('gpt-4.1-nano-2025-04-14').trainingPrice!.usd, 1.5);
    assert.equal(row('gpt-4o-mini-2024-07-18').trainingPrice!.usd, 3);
    assert.deepEqual(row('o4-mini-2025-04-16').trainingPrice, { usd: 100, unit: 'per-hour', date: '2025-11-30' });
    assert.deepEqual(row('o4-mini-2025-04-16').methods, ['reinforcement']);
    assert.equal(row('gpt-3.5-turbo-0125').trainingExampleLimit, 16_385);
    assert.equal(row('gpt-3.5-turbo-0125').encoding, 'cl100k_base');
    assert.equal(row('gpt-3.5-turbo-0613').deprecated, true);
    assert.equal(row('babbage-002').legacy, true);
    assert.equal(row('babbage-002').trainingPrice!.usd, 0.4);
    assert.equal(row('gpt-4o-2024-08-06').vision, true);
    assert.ok(modelIds().includes('gpt-4o-mini'));
  });
});
