/**
 * LLaMA-Factory (https://github.com/hiyouga/LLaMA-Factory), read 2026-12-03 at commit ff6d4d1:
 * - A dataset is declared in `dataset_info.json` (file_name, `formatting: sharegpt`, `columns`, `ranking` for
 *   preference data) in `dataset_dir`; data/README.md (https://github.com/hiyouga/LLaMA-Factory/blob/main/data/README.md).
 * - ShareGPT lines: `conversations` of `{from, value}` with the default tags human, gpt, function_call, observation;
 *   a `system` column; `tools` as a JSON string (data/README.md; src/llamafactory/data/parser.py defaults).
 * - The converter (src/llamafactory/data/converter.py, SharegptDatasetConverter) skips a line whose turns do not
 *   alternate human/observation (odd places) and gpt/function_call (even places), or whose count is odd for SFT
 *   (even for a preference line): "Invalid role tag" / "Invalid message count". So the export reports those lines.
 * - A `function_call` value is JSON: a list of `{name, arguments}` (src/llamafactory/data/formatter.py
 *   FunctionFormatter parses it; `arguments` an object); the tools text is parsed by ToolFormatter. Consecutive tool
 *   results become one observation, joined as converter.py's OpenAIDatasetConverter joins them.
 * - Preference lines (`ranking: true`): `conversations` ending on a human turn, `chosen` and `rejected` single turns.
 * - Loss: every assistant turn is trained (`mask_history: true` trains the last only); no per-message flag, so OpenAI's
 *   `weight: 0` is lost. Train YAML keys from examples/extras/loraplus/llama3_lora_sft.yaml and
 *   examples/train_lora/qwen3_lora_dpo.yaml; template names from src/llamafactory/data/template.py.
 */
import { reportLostWeights, yamlScalar, type LineContext, type Msg, type SourceLine } from './mapping';
import { placeholderNote, type Trainer } from './trainer';
import type { ConfigInput, ConfigModel, TrainerConfig } from './types';

type Obj = Record<string, unknown>;
type Turn = { from: 'human' | 'gpt' | 'function_call' | 'observation'; value: string };

const OBSERVATION_JOIN = '\n</tool_response>\n<tool_response>\n';

/** Turns of a conversation without its leading system message(s); undefined (after a report) when unusable. */
function turns(messages: readonly Msg[], ctx: LineContext): { system?: string; turns: Turn[] } | undefined {
  let i = 0;
  const system: string[] = [];
  while (i < messages.length && messages[i]!.role === 'system') system.push(messages[i++]!.content ?? '');
  const out: Turn[] = [];
  for (; i < messages.length; i++) {
    const m = messages[i]!;
    switch (m.role) {
      case 'system':
        ctx.report('system-not-first', 'error', `message ${i + 1}: a system message after the conversation started; LLaMA-Factory takes one system prompt before the first turn; not exported`);
        return undefined;
      case 'user':
        out.push({ from: 'human', value: m.content ?? '' });
        break;
      case 'assistant':
        if (m.toolCalls) {
          if (m.content) ctx.report('content-dropped', 'warning', `message ${i + 1}: the assistant's text next to its tool calls is dropped (a function_call turn holds only the calls)`);
          out.push({ from: 'function_call', value: JSON.stringify(m.toolCalls.map((c) => ({ name: c.name, arguments: c.arguments }))) });
        } else {
          out.push({ from: 'gpt', value: m.content ?? '' });
        }
        break;
      case 'tool': {
        const last = out[out.length - 1];
        if (last && last.from === 'observation' && messages[i - 1]?.role === 'tool') last.value += OBSERVATION_JOIN + (m.content ?? '');
        else out.push({ from: 'observation', value: m.content ?? '' });
        break;
      }
    }
  }
  for (let k = 0; k < out.length; k++) {
    const even = k % 2 === 1;
    const ok = even ? out[k]!.from === 'gpt' || out[k]!.from === 'function_call' : out[k]!.from === 'human' || out[k]!.from === 'observation';
    if (!ok) {
      ctx.report(
        'turn-order',
        'error',
        `turn ${k + 1} is ${out[k]!.from}: LLaMA-Factory needs user/tool turns and assistant turns to alternate, starting with the user ("Invalid role tag", the line is skipped); not exported`,
      );
      return undefined;
    }
  }
  return { system: system.length ? system.join('\n') : undefined, turns: out };
}

function convert(src: SourceLine, ctx: LineContext): unknown {
  const messages = src.kind === 'sft' ? src.messages : src.prompt;
  const t = turns(messages, ctx);
  if (!t) return undefined;
  if (src.kind === 'sft') {
    if (t.turns.length % 2 !== 0) {
      ctx.report('turn-order', 'error', 'the conversation does not end on an assistant turn (LLaMA-Factory: "Invalid message count", the line is skipped); not exported');
      return undefined;
    }
    reportLostWeights(messages, ctx, 'LLaMA-Factory has no per-message training flag and trains every assistant turn (mask_history: true trains only the last)');
  } else if (t.turns.length % 2 !== 1) {
    ctx.report('turn-order', 'error', 'the prompt of a preference line must end on a user or tool turn (LLaMA-Factory: "Invalid message count"); not exported');
    return undefined;
  }
  const line: Obj = { conversations: t.turns };
  if (src.kind === 'dpo') {
    const answer = (m: Msg): Turn =>
      m.toolCalls ? { from: 'function_call', value: JSON.stringify(m.toolCalls.map((c) => ({ name: c.name, arguments: c.arguments }))) } : { from: 'gpt', value: m.content ?? '' };
    line.chosen = answer(src.chosen);
    line.rejected = answer(src.rejected);
  }
  if (t.system !== undefined) line.system = t.system;
  if (src.tools) line.tools = JSON.stringify(src.tools);
  return line;
}

const TEMPLATES: Readonly<Record<string, string>> = { llama3: 'llama3', qwen3: 'qwen3', 'qwen2.5': 'qwen', gemma3: 'gemma3', 'gpt-oss': 'gpt_oss' };

function template(m: ConfigModel): { name: string; note: string } {
  const t = m.family ? TEMPLATES[m.family] : undefined;
  return t ? { name: t, note: '' } : { name: 'EDIT-ME', note: "# EDIT: the model's chat template name in LLaMA-Factory (src/llamafactory/data/template.py), e.g. llama3, qwen3.\n" };
}

function datasetName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_') || 'dataset';
}

function config(input: ConfigInput): TrainerConfig {
  const m = input.model;
  const name = datasetName(input.name);
  const entry = (file: string): Obj => ({
    file_name: file,
    formatting: 'sharegpt',
    ...(input.kind === 'dpo' ? { ranking: true } : {}),
    columns: { messages: 'conversations', system: 'system', tools: 'tools', ...(input.kind === 'dpo' ? { chosen: 'chosen', rejected: 'rejected' } : {}) },
  });
  const info: Obj = { [name]: entry(input.train) };
  if (input.validation) info[`${name}_valid`] = entry(input.validation);
  const tpl = template(m);
  const yaml = [
    '# LLaMA-Factory config written by Tuneline (docs: https://llamafactory.readthedocs.io/).',
    '# Train: llamafactory-cli train llamafactory.yaml',
    '### model',
    placeholderNote(m, '#') + `model_name_or_path: ${yamlScalar(m.id)}`,
    '',
    '### method',
    `stage: ${input.kind}`,
    'do_train: true',
    'finetuning_type: lora',
    'lora_rank: 16',
    'lora_target: all',
    ...(input.kind === 'dpo' ? ['pref_beta: 0.1', 'pref_loss: sigmoid'] : []),
    '',
    '### dataset',
    'dataset_dir: .',
    `dataset: ${yamlScalar(name)}`,
    ...(input.validation ? [`eval_dataset: ${yamlScalar(`${name}_valid`)}`] : []),
    tpl.note + `template: ${tpl.name}`,
    'cutoff_len: 4096',
    '',
    '### output',
    `output_dir: saves/${input.kind}`,
    'logging_steps: 10',
    'plot_loss: true',
    '',
    '### train',
    'per_device_train_batch_size: 1',
    'gradient_accumulation_steps: 8',
    `learning_rate: ${input.kind === 'sft' ? '1.0e-4' : '5.0e-6'}`,
    'num_train_epochs: 3.0',
    'lr_scheduler_type: cosine',
    'warmup_ratio: 0.1',
    'bf16: true',
    ...(input.validation ? ['', '### eval', 'per_device_eval_batch_size: 1', 'eval_strategy: epoch'] : []),
    '',
  ].join('\n');
  return {
    files: [
      { path: 'llamafactory.yaml', text: yaml },
      { path: 'dataset_info.json', text: JSON.stringify(info, null, 2) + '\n' },
    ],
    command: 'llamafactory-cli train llamafactory.yaml',
  };
}

export const llamaFactory: Trainer = {
  id: 'llama-factory',
  label: 'LLaMA-Factory',
  docs: 'https://github.com/hiyouga/LLaMA-Factory/blob/main/data/README.md',
  kinds: ['sft', 'dpo'],
  dataPath: (name, part) => `${name}.llamafactory${part === 'validation' ? '.valid' : ''}.jsonl`,
  convert,
  config,
};
