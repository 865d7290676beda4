// LLaMA-Factory export (data/README.md, src/llamafactory/data/converter.py, formatter.py; hiyouga/LLaMA-Factory ff6d4d1, read 2026-12-03).
import { strict as assert } from 'node:assert';
import { exportText } from '../../../src/core/export';
import { BAD, COMPLETION, DPO, TOOLS, WEATHER_TOOL, WEIGHTS, file, codes, data, j } from './fixtures';


describe('export: LLaMA-Factory', () => {
  it('writes sharegpt lines: system column, function_call / observation turns, tools as JSON text', () => {
    const r = exportText('llama-factory', file(TOOLS, WEIGHTS, COMPLETION), { name: 'set', model: 'Qwen/Qwen3-8B' });
    assert.equal(r.files[0]!.path, 'set.llamafactory.jsonl');
    assert.deepEqual(data(r), [
      j({
        conversations: [
          { from: 'human', value: 'Weather in Paris?' },
          { from: 'function_call', value: j([{ name: 'get_weather', arguments: { city: 'Paris' } }]) },
          { from: 'observation', value: '18C' },
          { from: 'gpt', value: 'It is 18C.' },
        ],
        system: 'Be brief.',
        tools: j([WEATHER_TOOL]),
      }),
      j({
        conversations: [
          { from: 'human', value: 'Hi there' },
          { from: 'gpt', value: 'Hello' },
          { from: 'human', value: 'Bye' },
          { from: 'gpt', value: 'Bye!' },
        ],
        system: 'You are terse.',
      }),
      j({ conversations: [{ from: 'human', value: 'Capital of France?' }, { from: 'gpt', value: 'Paris.' }] }),
    ]);
    assert.deepEqual(codes(r), ['0:info:developer-role', '1:warning:weight-lost']);
    const info = JSON.parse(r.files.find((f) => f.path === 'dataset_info.json')!.text);
    assert.deepEqual(info, {
      set: { file_name: 'set.llamafactory.jsonl', formatting: 'sharegpt', columns: { messages: 'conversations', system: 'system', tools: 'tools' } },
    });
    const yaml = r.files.find((f) => f.path === 'llamafactory.yaml')!.text;
    assert.match(yaml, /^model_name_or_path: Qwen\/Qwen3-8B$/m);
    assert.match(yaml, /^template: qwen3$/m);
    assert.match(yaml, /^stage: sft$/m);
    assert.match(yaml, /^dataset: set$/m);
    assert.equal(r.summary.config.command, 'llamafactory-cli train llamafactory.yaml');
  });

  it('merges consecutive tool results into one observation (parallel calls)', () => {
    const line = j({
      messages: [
        { role: 'user', content: 'Paris and Rome?' },
        {
          role: 'assistant',
          tool_calls: [
            { id: 'a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'b', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'a', content: '18C' },
        { role: 'tool', tool_call_id: 'b', content: '25C' },
        { role: 'assistant', content: '18C and 25C.' },
      ],
    });
    const r = exportText('llama-factory', file(line), { name: 'p', model: 'Qwen/Qwen3-8B' });
    assert.deepEqual(JSON.parse(data(r)[0]!).conversations, [
      { from: 'human', value: 'Paris and Rome?' },
      { from: 'function_call', value: j([{ name: 'get_weather', arguments: { city: 'Paris' } }, { name: 'get_weather', arguments: { city: 'Rome' } }]) },
      { from: 'observation', value: '18C\n</tool_response>\n<tool_response>\n25C' },
      { from: 'gpt', value: '18C and 25C.' },
    ]);
  });

  it('writes preference lines with ranking: true and a dpo stage', () => {
    const r = exportText('llama-factory', file(DPO), { name: 'pref', model: 'meta-llama/Llama-3.1-8B-Instruct' });
    assert.deepEqual(data(r), [
      j({
        conversations: [{ from: 'human', value: 'Sky colour?' }],
        chosen: { from: 'gpt', value: 'Blue.' },
        rejected: { from: 'gpt', value: 'The sky is blue because of Rayleigh scattering.' },
        system: 'Answer in one word.',
      }),
    ]);
    const info = JSON.parse(r.files.find((f) => f.path === 'dataset_info.json')!.text);
    assert.equal(info.pref.ranking, true);
    assert.deepEqual(info.pref.columns, { messages: 'conversations', system: 'system', tools: 'tools', chosen: 'chosen', rejected: 'rejected' });
    const yaml = r.files.find((f) => f.path === 'llamafactory.yaml')!.text;
    assert.match(yaml, /^stage: dpo$/m);
    assert.match(yaml, /^template: llama3$/m);
  });

  it('reports lines its converter would skip: turn order, message count, system later on', () => {
    const twoUsers = j({ messages: [{ role: 'user', content: 'a' }, { role: 'user', content: 'b' }, { role: 'assistant', content: 'c' }] });
    const endsOnUser = j({ messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, { role: 'user', content: 'c' }] });
    const lateSystem = j({ messages: [{ role: 'user', content: 'a' }, { role: 'system', content: 'b' }, { role: 'assistant', content: 'c' }] });
    const r = exportText('llama-factory', file(twoUsers, endsOnUser, lateSystem, COMPLETION, BAD.argsDouble), { name: 'x', model: 'Qwen/Qwen3-8B' });
    assert.deepEqual(codes(r), ['0:error:turn-order', '1:error:turn-order', '2:error:system-not-first', '4:error:tool-args-not-object']);
    assert.equal(data(r).length, 1);
  });

  it('a validation file is a second dataset_info entry and eval_dataset; a model without a known template is marked EDIT', () => {
    const r = exportText('llama-factory', file(COMPLETION), { name: 'my set', model: 'gpt-4o-mini' }, file(COMPLETION));
    const info = JSON.parse(r.files.find((f) => f.path === 'dataset_info.json')!.text);
    assert.deepEqual(Object.keys(info), ['my_set', 'my_set_valid']);
    const yaml = r.files.find((f) => f.path === 'llamafactory.yaml')!.text;
    assert.match(yaml, /^eval_dataset: my_set_valid$/m);
    assert.match(yaml, /^# EDIT: .*\ntemplate: EDIT-ME$/m);
    assert.match(yaml, /^# EDIT: gpt-4o-mini is not an open model.*\nmodel_name_or_path: EDIT-ME\/base-model$/m);
  });
});
