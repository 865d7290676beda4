/** The one formatting module (src/core/format.ts) and the one model-id parser (src/core/models.ts). */
import * as assert from 'node:assert/strict';
import { fmtCompact, fmtInt, fmtNumber, fmtPercent, fmtUsd, plural } from '../../src/core/format';
import { DEFAULT_MODEL, parseModelId, resolveModel } from '../../src/core';

describe('core/format', () => {
  it('fmtUsd: $0.00 for nothing, two significant digits under a cent, cents with separators above', () => {
    assert.equal(fmtUsd(0), '$0.00');
    assert.equal(fmtUsd(0.005), '$0.0050');
    assert.equal(fmtUsd(0.00012345), '$0.00012');
    assert.equal(fmtUsd(0.01), '$0.01');
    assert.equal(fmtUsd(0.054), '$0.05');
    assert.equal(fmtUsd(0.27), '$0.27');
    assert.equal(fmtUsd(1234.5), '$1,234.50');
  });

  it('numbers and token counts', () => {
    assert.equal(fmtInt(1234.4), '1,234');
    assert.equal(fmtNumber(12.345), '12.3');
    assert.equal(fmtCompact(9_999), '9,999');
    assert.equal(fmtCompact(12_345), '12.3k');
    assert.equal(fmtCompact(1_234_567), '1.23M');
    assert.equal(fmtPercent(0.0004), '<0.1%');
    assert.equal(fmtPercent(0.123), '12%');
    assert.equal(plural(1, 'example'), '1 example');
    assert.equal(plural(2, 'epoch'), '2 epochs');
  });
});

describe('core/models parseModelId', () => {
  it('knows OpenAI and Azure fine-tuned ids and checkpoints; anything else is a base model', () => {
    assert.deepEqual(parseModelId('ft:gpt-4o-mini-2024-07-18:acme::abc123'), { fineTuned: true, base: 'gpt-4o-mini-2024-07-18' });
    assert.deepEqual(parseModelId('ft:gpt-4o-mini-2024-07-18:acme::abc123:ckpt-step-40'), { fineTuned: true, base: 'gpt-4o-mini-2024-07-18', checkpointStep: 40 });
    assert.deepEqual(parseModelId('gpt-4o-mini-2024-07-18.ft-0123456789abcdef-demo'), { fineTuned: true, base: 'gpt-4o-mini-2024-07-18' });
    assert.deepEqual(parseModelId('gpt-4.1-mini-2025-04-14'), { fineTuned: false, base: 'gpt-4.1-mini-2025-04-14' });
  });

  it('resolveModel prices a fine-tuned id as its base, and an empty id as the default model', () => {
    assert.equal(resolveModel('ft:gpt-4o-mini-2024-07-18:acme::abc').id, 'gpt-4o-mini-2024-07-18');
    assert.equal(resolveModel('gpt-4o-mini-2024-07-18.ft-0123abcd').id, 'gpt-4o-mini-2024-07-18');
    assert.equal(resolveModel('').id, DEFAULT_MODEL);
  });
});
