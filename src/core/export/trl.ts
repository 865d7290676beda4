/**
 * TRL (https://github.com/huggingface/trl), read 2026-12-03 at commit f2cd577:
 * - SFTTrainer takes conversational language-modeling lines `{"messages": [...]}` and applies the tokenizer's chat
 *   template; tool calling needs a `tools` column, assistant `tool_calls` with `arguments` as an object, `tool` results
 *   with `name` (docs/source/dataset_formats.md "Tool Calling", https://huggingface.co/docs/trl/dataset_formats).
 * - Loss on assistant turns only: `assistant_only_loss=True` (docs/source/sft_trainer.md, needs the template's
 *   generation markers, which TRL patches in for known families). There is no per-message flag, so OpenAI's `weight: 0`
 *   is lost: the turn is trained.
 * - DPOTrainer takes conversational preference lines `{"prompt": [...], "chosen": [assistant], "rejected": [assistant]}`
 *   and a `tools` column (dataset_formats.md "Preference"; trl/trainer/dpo_trainer.py reads `tools`).
 * - CLI: `trl sft --config FILE` / `trl dpo --config FILE` with a `datasets:` mixture of `load_dataset` arguments
 *   (`path: json`, `data_files`) (docs/source/clis.md; trl/scripts/utils.py DatasetConfig).
 * - Arbitrary tool arguments need the `datasets` `Json()` type (`Dataset.from_list(..., on_mixed_types="use_json")`,
 *   datasets >= 4.7), which the Python script uses (dataset_formats.md).
 */
import { hfMessage, reportLostWeights, yamlScalar, type LineContext, type SourceLine } from './mapping';
import { placeholderNote, type Trainer } from './trainer';
import type { ConfigInput, TrainerConfig } from './types';

type Obj = Record<string, unknown>;

function convert(src: SourceLine, ctx: LineContext): unknown {
  if (src.kind === 'sft') {
    reportLostWeights(src.messages, ctx, 'TRL has no per-message training flag; with assistant_only_loss every assistant turn is trained');
    const line: Obj = { messages: src.messages.map((m) => hfMessage(m, 'object')) };
    if (src.tools) line.tools = src.tools;
    return line;
  }
  const line: Obj = {
    prompt: src.prompt.map((m) => hfMessage(m, 'object')),
    chosen: [hfMessage(src.chosen, 'object')],
    rejected: [hfMessage(src.rejected, 'object')],
  };
  if (src.tools) line.tools = src.tools;
  return line;
}

function config(input: ConfigInput): TrainerConfig {
  const m = input.model;
  const cmd = input.kind === 'sft' ? 'sft' : 'dpo';
  const yamlName = `trl-${cmd}.yaml`;
  const yaml = [
    `# TRL ${cmd.toUpperCase()} config written by Tuneline (docs: https://huggingface.co/docs/trl/clis).`,
    `# Train: trl ${cmd} --config ${yamlName}`,
    ...(input.validation ? ['#   (the CLI mixture has no separate evaluation file: python train_trl.py also evaluates on the validation file)'] : []),
    ...(input.tools ? ['#   (tool arguments of different types per line: if loading fails, run python train_trl.py, which reads them as Json)'] : []),
    placeholderNote(m, '#') + `model_name_or_path: ${yamlScalar(m.id)}`,
    'datasets:',
    '  - path: json',
    `    data_files: ${yamlScalar(input.train)}`,
    '    split: train',
    ...(input.kind === 'sft' ? ['# Loss on assistant turns only, as OpenAI trains (needs the chat template\'s generation markers).', 'assistant_only_loss: true'] : ['beta: 0.1']),
    `output_dir: outputs/trl-${cmd}`,
    'use_peft: true',
    'lora_r: 16',
    'lora_alpha: 32',
    'lora_target_modules: all-linear',
    'per_device_train_batch_size: 1',
    'gradient_accumulation_steps: 8',
    'num_train_epochs: 3',
    `learning_rate: ${input.kind === 'sft' ? '0.0002' : '0.000005'}`,
    'bf16: true',
    'logging_steps: 10',
    '',
  ].join('\n');
  const trainerClass = input.kind === 'sft' ? 'SFTTrainer' : 'DPOTrainer';
  const configClass = input.kind === 'sft' ? 'SFTConfig' : 'DPOConfig';
  const py = [
    `# TRL ${cmd.toUpperCase()} script written by Tuneline (docs: https://huggingface.co/docs/trl/${cmd}_trainer).`,
    '# Run: python train_trl.py   (pip install trl peft "datasets>=4.7")',
    'import json',
    '',
    'from datasets import Dataset',
    'from peft import LoraConfig',
    `from trl import ${configClass}, ${trainerClass}`,
    '',
    placeholderNote(m, '#') + `MODEL = ${JSON.stringify(m.id)}`,
    '',
    '',
    'def read(path):',
    '    with open(path, encoding="utf-8") as f:',
    '        rows = [json.loads(line) for line in f if line.strip()]',
    '    # Tool arguments are arbitrary JSON objects: keep them as Json, not as fixed structs.',
    '    return Dataset.from_list(rows, on_mixed_types="use_json")',
    '',
    '',
    `train = read(${JSON.stringify(input.train)})`,
    `evaluation = ${input.validation ? `read(${JSON.stringify(input.validation)})` : 'None'}`,
    `args = ${configClass}(`,
    `    output_dir="outputs/trl-${cmd}",`,
    ...(input.kind === 'sft' ? ['    assistant_only_loss=True,'] : ['    beta=0.1,']),
    '    per_device_train_batch_size=1,',
    '    gradient_accumulation_steps=8,',
    '    num_train_epochs=3,',
    `    learning_rate=${input.kind === 'sft' ? '2e-4' : '5e-6'},`,
    '    bf16=True,',
    '    logging_steps=10,',
    `    eval_strategy=${input.validation ? '"epoch"' : '"no"'},`,
    ')',
    `trainer = ${trainerClass}(`,
    '    model=MODEL,',
    '    args=args,',
    '    train_dataset=train,',
    '    eval_dataset=evaluation,',
    '    peft_config=LoraConfig(r=16, lora_alpha=32, target_modules="all-linear", task_type="CAUSAL_LM"),',
    ')',
    'trainer.train()',
    'trainer.save_model()',
    '',
  ].join('\n');
  return {
    files: [
      { path: yamlName, text: yaml },
      { path: 'train_trl.py', text: py },
    ],
    command: `trl ${cmd} --config ${yamlName}`,
  };
}

export const trl: Trainer = {
  id: 'trl',
  label: 'TRL',
  docs: 'https://huggingface.co/docs/trl/dataset_formats',
  kinds: ['sft', 'dpo'],
  dataPath: (name, part) => `${name}.trl${part === 'validation' ? '.valid' : ''}.jsonl`,
  convert,
  config,
};
