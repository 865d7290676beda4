// TRL export (docs/source/dataset_formats.md, sft_trainer.md, clis.md; huggingface/trl f2cd577, read 2026-12-03).
import { strict as assert } from 'node:assert';
import { exportText } from '../../../src/core/export';
import { BAD, COMPLETION, DPO, TOOLS, WEIGHTS, file, HF_EXPECTED, codes, data, j } from './fixtures';


describe('export: TRL', () => {
  it('writes conversational lines with tool arguments as objects and says which weights are lost', () => {
    const r = exportText('trl', file(TOOLS, WEIGHTS, COMPLETION), { name: 'set', model: 'Qwen/Qwen3-8B' });
    assert.equal(r.files[0]!.path, 'set.trl.jsonl');
    assert.deepEqual(data(r), HF_EXPECTED);
    assert.deepEqual(codes(r), ['0:info:developer-role', '1:warning:weight-lost']);
    assert.match(r.summary.checks[1]!.message, /assistant message 3/);
    const yaml = r.files.find((f) => f.path === 'trl-sft.yaml')!.text;
    assert.match(yaml, /^model_name_or_path: Qwen\/Qwen3-8B$/m);
    assert.match(yaml, /^ {2}- path: json\n {4}data_files: set\.trl\.jsonl$/m);
    assert.match(yaml, /^assistant_only_loss: true$/m);
    assert.equal(r.summary.config.command, 'trl sft --config trl-sft.yaml');
    const py = r.files.find((f) => f.path === 'train_trl.py')!.text;
    assert.match(py, /^MODEL = "Qwen\/Qwen3-8B"$/m);
    assert.match(py, /on_mixed_types="use_json"/);
    assert.match(py, /^train = read\("set\.trl\.jsonl"\)$/m);
  });

  it('writes DPO lines as prompt / chosen / rejected and a trl dpo config', () => {
    const r = exportText('trl', file(DPO), { name: 'pref', model: 'Qwen/Qwen3-8B' });
    assert.deepEqual(data(r), [
      j({
        prompt: [
          { role: 'system', content: 'Answer in one word.' },
          { role: 'user', content: 'Sky colour?' },
        ],
        chosen: [{ role: 'assistant', content: 'Blue.' }],
        rejected: [{ role: 'assistant', content: 'The sky is blue because of Rayleigh scattering.' }],
      }),
    ]);
    assert.equal(r.summary.config.command, 'trl dpo --config trl-dpo.yaml');
    assert.ok(r.files.some((f) => f.path === 'trl-dpo.yaml'));
    assert.match(r.files.find((f) => f.path === 'train_trl.py')!.text, /DPOTrainer/);
  });

  it('reports the lines TRL would fail on', () => {
    const r = exportText('trl', file(BAD.argsNotJson, BAD.image, COMPLETION, BAD.role), { name: 'x', model: 'Qwen/Qwen3-8B' });
    assert.deepEqual(codes(r), ['0:error:tool-args-not-json', '1:error:image', '3:error:unknown-role']);
    assert.equal(data(r).length, 1);
  });

  it('the validation file is read by the script', () => {
    const r = exportText('trl', file(COMPLETION), { name: 'set', model: 'Qwen/Qwen3-8B' }, file(COMPLETION));
    assert.match(r.files.find((f) => f.path === 'train_trl.py')!.text, /^evaluation = read\("set\.trl\.valid\.jsonl"\)$/m);
  });
});
