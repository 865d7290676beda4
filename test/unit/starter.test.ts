import * as assert from 'node:assert/strict';
import { validateText } from '../../src/core';
import { starterDataset } from '../../src/core/starter';

describe('starter dataset', () => {
  const text = starterDataset();
  const lines = text.trimEnd().split('\n');

  it('is engine-clean: no errors for supervised fine-tuning of the default model', () => {
    const report = validateText(text, { method: 'auto', tokens: false });
    assert.equal(report.method, 'supervised');
    const errors = report.problems.filter((p) => p.severity === 'error');
    assert.deepEqual(errors, []);
    assert.ok(report.examples >= 10, 'passes the 10-example minimum');
  });

  it('has one example of each kind: plain, multi-turn, tool call, weight 0', () => {
    const examples = lines.map((l) => JSON.parse(l) as { messages: Array<Record<string, unknown>>; tools?: unknown[] });
    assert.ok(examples.some((e) => e.messages.length === 3), 'a plain single-turn example');
    assert.ok(examples.some((e) => e.messages.filter((m) => m.role === 'assistant').length >= 2), 'a multi-turn example');
    assert.ok(examples.some((e) => e.tools && e.messages.some((m) => Array.isArray(m.tool_calls))), 'a tool call with its tools');
    assert.ok(examples.some((e) => e.messages.some((m) => m.weight === 0)), 'an assistant turn with weight 0');
  });
});
