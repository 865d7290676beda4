// MLX-LM export (mlx_lm/LORA.md, mlx_lm/tuner/datasets.py; ml-explore/mlx-lm d78bf58, read 2026-12-03).
import { strict as assert } from 'node:assert';
import { exportText } from '../../../src/core/export';
import { BAD, COMPLETION, DPO, TOOLS, WEIGHTS, file, HF_EXPECTED, codes, data, j } from './fixtures';


describe('export: MLX-LM', () => {
  it('writes chat lines into mlx-data/train.jsonl (prompt/completion as the user/assistant pair), arguments as objects', () => {
    const r = exportText('mlx-lm', file(TOOLS, WEIGHTS, COMPLETION), { name: 'set', model: 'Qwen/Qwen3-8B' });
    assert.equal(r.files[0]!.path, 'mlx-data/train.jsonl');
    assert.deepEqual(data(r), HF_EXPECTED);
    // Line 1: the tool-call turn is not the last message, so mask_prompt does not train it. Line 2: the weight-0 turn is
    // not trained either way (nothing lost). And no valid.jsonl.
    assert.deepEqual(codes(r), ['0:info:developer-role', '0:warning:earlier-turns-untrained', '-:warning:missing-validation']);
    const yaml = r.files.find((f) => f.path === 'mlx-lm.yaml')!.text;
    assert.match(yaml, /^model: Qwen\/Qwen3-8B$/m);
    assert.match(yaml, /^data: mlx-data$/m);
    assert.match(yaml, /^mask_prompt: true$/m);
    assert.equal(r.summary.config.command, 'mlx_lm.lora --config mlx-lm.yaml');
  });

  it('with a validation file: mlx-data/valid.jsonl and no missing-validation check', () => {
    const r = exportText('mlx-lm', file(COMPLETION), { name: 'set', model: 'Qwen/Qwen3-8B' }, file(COMPLETION));
    assert.deepEqual(
      r.files.map((f) => f.path),
      ['mlx-data/train.jsonl', 'mlx-data/valid.jsonl', 'mlx-lm.yaml'],
    );
    assert.deepEqual(codes(r), []);
  });

  it('reports what mlx_lm.lora cannot train: preference pairs, images, a weight-0 last turn, a last turn that is not the assistant', () => {
    const lastZero = j({ messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b', weight: 0 }] });
    const lastTool = j({
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', tool_calls: [{ id: 'x', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'x', content: 'ok' },
      ],
    });
    const r = exportText('mlx-lm', file(COMPLETION, DPO, BAD.image, lastZero, lastTool), { name: 'x', model: 'Qwen/Qwen3-8B' }, file(COMPLETION));
    assert.deepEqual(codes(r), ['1:error:mixed-kinds', '2:error:image', '3:warning:weight-lost', '4:warning:last-not-assistant', '4:warning:earlier-turns-untrained']);
    const first = exportText('mlx-lm', file(DPO), { name: 'x', model: 'Qwen/Qwen3-8B' }, file(COMPLETION));
    assert.deepEqual(codes(first).slice(0, 1), ['0:error:no-preference']);
    assert.match(r.summary.checks[1]!.message, /cannot read images/);
  });
});
