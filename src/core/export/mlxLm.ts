/**
 * MLX-LM's LoRA trainer `mlx_lm.lora` (https://github.com/ml-explore/mlx-lm), read 2026-12-03 at commit d78bf58:
 * - `--data DIR` holds `train.jsonl` and optionally `valid.jsonl` (and `test.jsonl` for `--test`); lines in the `chat`
 *   (`messages`), `tools` (`messages` + `tools`), `completions` or `text` format, the format chosen from the first line
 *   (mlx_lm/LORA.md "Data", https://github.com/ml-explore/mlx-lm/blob/main/mlx_lm/LORA.md#data;
 *   mlx_lm/tuner/datasets.py `create_dataset`). Every line is written in the chat format (a prompt/completion line as
 *   the user/assistant pair CompletionsDataset builds from it), so the first line cannot pick another format.
 * - Tool-call arguments: Hugging Face chat templates take a dict (LORA.md); the messages and tools go to the
 *   tokenizer's `apply_chat_template` as they are (datasets.py ChatDataset).
 * - Loss: with `mask_prompt` only the last message is trained (datasets.py: the offset is the rendered
 *   `messages[:-1]`); without it every token, prompts included. There is no per-message flag.
 * - A missing or empty `valid.jsonl`: the current loader warns and trains without validation (datasets.py
 *   `load_dataset`, since v0.30.7, 2026-02-10, commit aca4c14); earlier releases stop with "Validation set not found or empty".
 * - No preference (DPO) training in `mlx_lm.lora` (mlx_lm/lora.py options: --train, --test, --fine-tune-type lora|dora|full).
 * - Config file keys are the CLI options (lora.py CONFIG_DEFAULTS: model, train, data, fine_tune_type, mask_prompt,
 *   batch_size, iters, learning_rate, adapter_path, max_seq_length).
 */
import { hfMessage, yamlScalar, type LineContext, type SourceLine } from './mapping';
import { placeholderNote, type Trainer } from './trainer';
import type { ConfigInput, TrainerCheck, TrainerConfig } from './types';

type Obj = Record<string, unknown>;

const DATA_DIR = 'mlx-data';

function convert(src: SourceLine, ctx: LineContext): unknown {
  if (src.kind === 'dpo') {
    ctx.report('no-preference', 'error', 'a preference pair: mlx_lm.lora has no preference (DPO) training; not exported');
    return undefined;
  }
  const msgs = src.messages;
  const last = msgs[msgs.length - 1]!;
  if (last.role !== 'assistant') {
    ctx.report('last-not-assistant', 'warning', `the last message is ${last.sourceRole}: with mask_prompt mlx_lm.lora trains the last message, so it learns that ${last.sourceRole} text`);
  } else if (last.weight === 0) {
    ctx.report('weight-lost', 'warning', `weight 0 on the last assistant message ${msgs.length}: mlx_lm.lora has no per-message flag and trains the last message`);
  }
  const untrained: number[] = [];
  for (let i = 0; i < msgs.length - 1; i++) if (msgs[i]!.role === 'assistant' && msgs[i]!.weight !== 0) untrained.push(i + 1);
  if (untrained.length) {
    ctx.report(
      'earlier-turns-untrained',
      'warning',
      `assistant message${untrained.length > 1 ? 's' : ''} ${untrained.join(', ')} not trained: with mask_prompt mlx_lm.lora trains only the last message (OpenAI trains every assistant turn of weight 1)`,
    );
  }
  const line: Obj = { messages: msgs.map((m) => hfMessage(m, 'object')) };
  if (src.tools) line.tools = src.tools;
  return line;
}

function config(input: ConfigInput): TrainerConfig {
  const m = input.model;
  const yaml = [
    '# mlx_lm.lora config written by Tuneline (docs: https://github.com/ml-explore/mlx-lm/blob/main/mlx_lm/LORA.md).',
    '# Train: mlx_lm.lora --config mlx-lm.yaml',
    placeholderNote(m, '#') + `model: ${yamlScalar(m.id)}`,
    'train: true',
    `data: ${yamlScalar(DATA_DIR)}`,
    'fine_tune_type: lora',
    '# Train on the last (assistant) message only, not on the prompt.',
    'mask_prompt: true',
    'batch_size: 1',
    'iters: 1000',
    'learning_rate: 1.0e-5',
    'max_seq_length: 4096',
    'adapter_path: adapters',
    'grad_checkpoint: true',
    '',
  ].join('\n');
  return { files: [{ path: 'mlx-lm.yaml', text: yaml }], command: 'mlx_lm.lora --config mlx-lm.yaml' };
}

function fileChecks(input: ConfigInput): TrainerCheck[] {
  if (input.validation && input.written.validation > 0) return [];
  return [
    {
      code: 'missing-validation',
      severity: 'warning',
      part: 'validation',
      message: `no ${DATA_DIR}/valid.jsonl: mlx_lm.lora trains without validation loss (mlx-lm before v0.30.7 stops with "Validation set not found or empty"); split the dataset and export its validation file too`,
    },
  ];
}

export const mlxLm: Trainer = {
  id: 'mlx-lm',
  label: 'MLX-LM',
  docs: 'https://github.com/ml-explore/mlx-lm/blob/main/mlx_lm/LORA.md#data',
  kinds: ['sft'],
  dataPath: (_name, part) => `${DATA_DIR}/${part === 'validation' ? 'valid' : 'train'}.jsonl`,
  convert,
  config,
  fileChecks,
};
