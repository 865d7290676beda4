// Axolotl export (docs/dataset-formats/conversation.qmd and docs/rlhf.qmd, axolotl-ai-cloud/axolotl 067b021, read 2026-12-03).
import { strict as assert } from 'node:assert';
import { exportText, MODEL_PLACEHOLDER } from '../../../src/core/export';
import { BAD, COMPLETION, DPO, TOOLS, WEATHER_TOOL, WEIGHTS, file, codes, data, j } from './fixtures';


describe('export: Axolotl', () => {
  it('writes chat_template lines: developer → system, arguments and parameters as JSON text, weight → train per message', () => {
    const r = exportText('axolotl', file(TOOLS, WEIGHTS, COMPLETION), { name: 'set', model: 'Qwen/Qwen3-8B' });
    assert.equal(r.files[0]!.path, 'set.axolotl.jsonl');
    assert.deepEqual(data(r), [
      j({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Weather in Paris?' },
          { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
          { role: 'tool', content: '18C', tool_call_id: 'c1', name: 'get_weather' },
          { role: 'assistant', content: 'It is 18C.', train: true },
        ],
        tools: [{ type: 'function', function: { ...WEATHER_TOOL.function, parameters: JSON.stringify(WEATHER_TOOL.function.parameters) } }],
      }),
      j({
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'Hi there' },
          { role: 'assistant', content: 'Hello', train: false },
          { role: 'user', content: 'Bye' },
          { role: 'assistant', content: 'Bye!' },
        ],
      }),
      j({ messages: [{ role: 'user', content: 'Capital of France?' }, { role: 'assistant', content: 'Paris.' }] }),
    ]);
    assert.deepEqual(codes(r), ['0:info:developer-role'], 'Axolotl keeps the weights: nothing lost');
    const yaml = r.files.find((f) => f.path === 'axolotl.yaml')!.text;
    assert.match(yaml, /^base_model: Qwen\/Qwen3-8B$/m);
    assert.match(yaml, /^ {4}type: chat_template$/m);
    assert.match(yaml, /^ {4}message_field_training: train$/m, 'the per-message flag is configured when weights are present');
    assert.match(yaml, /^ {4}roles_to_train: \["assistant"\]$/m);
    assert.match(yaml, /^ {2}- path: set\.axolotl\.jsonl$/m);
    assert.equal(r.summary.config.command, 'axolotl train axolotl.yaml');
  });

  it('without weights the config has no message_field_training', () => {
    const r = exportText('axolotl', file(COMPLETION), { name: 'set', model: 'Qwen/Qwen3-8B' });
    assert.doesNotMatch(r.files.find((f) => f.path === 'axolotl.yaml')!.text, /message_field_training/);
  });

  it('writes DPO lines for chat_template.default and rl: dpo', () => {
    const r = exportText('axolotl', file(DPO), { name: 'pref', model: 'meta-llama/Llama-3.1-8B-Instruct' });
    assert.deepEqual(data(r), [
      j({
        messages: [
          { role: 'system', content: 'Answer in one word.' },
          { role: 'user', content: 'Sky colour?' },
        ],
        chosen: { role: 'assistant', content: 'Blue.' },
        rejected: { role: 'assistant', content: 'The sky is blue because of Rayleigh scattering.' },
      }),
    ]);
    const yaml = r.files.find((f) => f.path === 'axolotl.yaml')!.text;
    assert.match(yaml, /^rl: dpo$/m);
    assert.match(yaml, /^ {4}type: chat_template\.default$/m);
    assert.match(yaml, /^base_model: meta-llama\/Llama-3\.1-8B-Instruct$/m);
    assert.equal(r.summary.kind, 'dpo');
  });

  it('reports what Axolotl would fail on, per line, and does not write those lines', () => {
    const r = exportText('axolotl', file(TOOLS, BAD.notJson, BAD.role, BAD.image, BAD.argsNotJson, BAD.argsDouble, BAD.argsArray, BAD.noAssistant, DPO), { name: 'x', model: 'Qwen/Qwen3-8B' });
    assert.equal(data(r).length, 1);
    assert.deepEqual(codes(r), [
      '0:info:developer-role',
      '1:error:not-json',
      '2:error:unknown-role',
      '3:error:image',
      '4:error:tool-args-not-json',
      '5:error:tool-args-not-object',
      '6:error:tool-args-not-object',
      '7:error:no-assistant',
      '8:error:mixed-kinds',
    ]);
    assert.equal(r.summary.skipped.train, 8);
    assert.match(r.summary.checks[5]!.message, /double-encoded/);
    assert.match(r.summary.checks[6]!.message, /array/);
  });

  it('names a placeholder (marked EDIT) when the model is not an open model', () => {
    const r = exportText('axolotl', file(COMPLETION), { name: 'set', model: 'gpt-4.1-mini' });
    const yaml = r.files.find((f) => f.path === 'axolotl.yaml')!.text;
    assert.match(yaml, new RegExp(`# EDIT: gpt-4\\.1-mini is not an open model.*\\nbase_model: ${MODEL_PLACEHOLDER}$`, 'm'));
    assert.ok(r.summary.checks.some((c) => c.code === 'model-placeholder' && c.severity === 'warning'));
  });

  it('a validation file becomes test_datasets', () => {
    const r = exportText('axolotl', file(COMPLETION), { name: 'set', model: 'Qwen/Qwen3-8B' }, file(WEIGHTS));
    assert.deepEqual(
      r.files.map((f) => f.path),
      ['set.axolotl.jsonl', 'set.axolotl.valid.jsonl', 'axolotl.yaml'],
    );
    assert.match(r.files[2]!.text, /^test_datasets:\n {2}- path: set\.axolotl\.valid\.jsonl$/m);
    assert.deepEqual(r.summary.data.map((d) => d.lines), [1, 1]);
  });
});
