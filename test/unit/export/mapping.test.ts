import { strict as assert } from 'node:assert';
import { TrainerExport, exportText, textLines, trainerId } from '../../../src/core/export';
import { COMPLETION, WEIGHTS, codes, data, j } from './fixtures';

describe('export: shared mapping', () => {
  it('textLines splits LF and CRLF lines, without a phantom last line', () => {
    assert.deepEqual([...textLines('a\r\nb\nc\n')], ['a', 'b', 'c']);
    assert.deepEqual([...textLines('a\nb')], ['a', 'b']);
    assert.deepEqual([...textLines('')], ['']);
  });

  it('legacy functions / function_call / role function become tools, tool_calls and tool (with infos)', () => {
    const legacy = j({
      functions: [{ name: 'f', parameters: { type: 'object', properties: {} } }],
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: null, function_call: { name: 'f', arguments: '{"a":1}' } },
        { role: 'function', name: 'f', content: 'done' },
        { role: 'assistant', content: 'ok' },
      ],
    });
    const r = exportText('trl', legacy + '\n', { name: 'l', model: 'Qwen/Qwen3-8B' });
    assert.deepEqual(data(r), [
      j({
        messages: [
          { role: 'user', content: 'x' },
          { role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'f', arguments: { a: 1 } } }] },
          { role: 'tool', content: 'done', name: 'f' },
          { role: 'assistant', content: 'ok' },
        ],
        tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } }],
      }),
    ]);
    assert.deepEqual(codes(r), ['0:info:function-role', '0:info:functions-legacy']);
  });

  it('a BOM and CRLF line ends are read; blank lines are neither written nor reported', () => {
    const r = exportText('mlx-lm', '\uFEFF' + COMPLETION + '\r\n\r\n' + WEIGHTS + '\r\n', { name: 'b', model: 'Qwen/Qwen3-8B' }, COMPLETION);
    assert.equal(data(r).length, 2);
    assert.deepEqual(r.summary.skipped, { train: 0, validation: 0 });
  });

  it('keeps the first 500 checks of a code on a big file and counts all of them', () => {
    const ex = new TrainerExport('trl', { name: 'big', model: 'Qwen/Qwen3-8B' });
    for (let i = 0; i < 2000; i++) assert.ok(ex.line(WEIGHTS, i) !== undefined);
    const s = ex.finish();
    assert.equal(s.checks.filter((c) => c.code === 'weight-lost').length, 500);
    assert.deepEqual(s.counts, [{ code: 'weight-lost', severity: 'warning', count: 2000 }]);
    assert.equal(s.data[0]!.lines, 2000);
  });

  it('trainer names and their aliases', () => {
    assert.equal(trainerId('LLaMA-Factory'), 'llama-factory');
    assert.equal(trainerId('llamafactory'), 'llama-factory');
    assert.equal(trainerId('mlx'), 'mlx-lm');
    assert.equal(trainerId('unsloth'), undefined);
  });
});
