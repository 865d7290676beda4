/**
 * Axolotl (https://github.com/axolotl-ai-cloud/axolotl), read 2026-12-03 at commit 067b021:
 * - SFT: `type: chat_template` on `messages` lines, the tokenizer's own chat template (`chat_template: tokenizer_default`);
 *   docs/dataset-formats/conversation.qmd (https://docs.axolotl.ai/docs/dataset-formats/conversation.html).
 * - Per-message training: a boolean per message named by `message_field_training` overrides `roles_to_train`
 *   (conversation.qmd "fine-grained control"; src/axolotl/prompt_strategies/chat_template.py reads `turn["training"]`
 *   first, then `roles_to_train`). OpenAI's `weight` 0/1 becomes `train: false/true`; `train_on_eos: turn` trains the
 *   end-of-turn token of each trained turn only.
 * - Roles: its default map knows system, user, assistant, tool (and human/gpt); chat_template.py `self.roles`.
 * - Tools: a `tools` column, assistant `tool_calls`, `tool` results with `tool_call_id` and `name`; arguments and tool
 *   parameters may be JSON strings, which Axolotl parses itself (chat_template.py `transform_message`, `_get_tools`) and
 *   which the docs recommend so that the `datasets` library does not cast mixed argument types ("Using tool use").
 *   A string that is not JSON makes Axolotl raise, so such lines are errors.
 * - DPO: `rl: dpo`, `type: chat_template.default` with `messages`, `chosen` and `rejected` as single assistant
 *   messages; docs/rlhf.qmd (https://docs.axolotl.ai/docs/rlhf.html) "chat_template.default". No tools there.
 */
import { hfMessage, yamlScalar, type LineContext, type SourceLine } from './mapping';
import { placeholderNote, type Trainer } from './trainer';
import type { ConfigInput, TrainerConfig } from './types';

type Obj = Record<string, unknown>;

function convert(src: SourceLine, ctx: LineContext): unknown {
  if (src.kind === 'sft') {
    const messages = src.messages.map((m) => {
      const out = hfMessage(m, 'string');
      if (m.weight !== undefined) out.train = m.weight === 1;
      return out;
    });
    const line: Obj = { messages };
    if (src.tools) line.tools = src.tools.map(stringParameters);
    return line;
  }
  for (const [m, key] of [
    [src.chosen, 'chosen'],
    [src.rejected, 'rejected'],
  ] as const) {
    if (m.toolCalls) {
      ctx.report('dpo-tool-calls', 'error', `${key} answer has tool calls: Axolotl's chat_template.default DPO strategy reads text answers only; not exported`);
      return undefined;
    }
  }
  if (src.tools) ctx.report('tools-dropped', 'warning', "tools dropped: Axolotl's chat_template.default DPO strategy has no tools field");
  return {
    messages: src.prompt.map((m) => hfMessage(m, 'string')),
    chosen: { role: 'assistant', content: src.chosen.content ?? '' },
    rejected: { role: 'assistant', content: src.rejected.content ?? '' },
  };
}

/** A tool with its `parameters` as JSON text (Axolotl parses it back; see the header). */
function stringParameters(t: Readonly<Obj>): Obj {
  const fn = t.function;
  if (fn === null || typeof fn !== 'object' || Array.isArray(fn)) return { ...t };
  const f = fn as Obj;
  return { ...t, function: f.parameters === undefined || typeof f.parameters === 'string' ? { ...f } : { ...f, parameters: JSON.stringify(f.parameters) } };
}

function config(input: ConfigInput): TrainerConfig {
  const m = input.model;
  const lines: string[] = [
    '# Axolotl config written by Tuneline (docs: https://docs.axolotl.ai/docs/config-reference.html).',
    `# Train: axolotl train axolotl.yaml`,
    placeholderNote(m, '#') + `base_model: ${yamlScalar(m.id)}`,
    'chat_template: tokenizer_default',
  ];
  if (input.kind === 'dpo') lines.push('rl: dpo');
  lines.push('datasets:', `  - path: ${yamlScalar(input.train)}`, '    ds_type: json');
  const dataset = (indent: string): string[] =>
    input.kind === 'sft'
      ? [
          `${indent}type: chat_template`,
          `${indent}field_messages: messages`,
          `${indent}roles_to_train: ["assistant"]`,
          `${indent}train_on_eos: turn`,
          ...(input.perMessageTraining ? [`${indent}# OpenAI's per-message weight 0/1, as a boolean per message:`, `${indent}message_field_training: train`] : []),
        ]
      : [
          `${indent}type: chat_template.default`,
          `${indent}field_messages: messages`,
          `${indent}field_chosen: chosen`,
          `${indent}field_rejected: rejected`,
        ];
  lines.push(...dataset('    '));
  if (input.validation) lines.push('test_datasets:', `  - path: ${yamlScalar(input.validation)}`, '    ds_type: json', '    split: train', ...dataset('    '));
  else lines.push('val_set_size: 0');
  lines.push(
    'output_dir: ./outputs/axolotl',
    '',
    '# LoRA on the base model; change to taste.',
    'adapter: lora',
    'lora_r: 16',
    'lora_alpha: 32',
    'lora_dropout: 0.05',
    'lora_target_linear: true',
    'sequence_len: 4096',
    'sample_packing: false',
    'micro_batch_size: 1',
    'gradient_accumulation_steps: 8',
    'num_epochs: 3',
    'learning_rate: 0.0002',
    'optimizer: adamw_torch',
    'lr_scheduler: cosine',
    'bf16: auto',
    'gradient_checkpointing: true',
    'logging_steps: 10',
    '',
  );
  return { files: [{ path: 'axolotl.yaml', text: lines.join('\n') }], command: 'axolotl train axolotl.yaml' };
}

export const axolotl: Trainer = {
  id: 'axolotl',
  label: 'Axolotl',
  docs: 'https://docs.axolotl.ai/docs/dataset-formats/conversation.html',
  kinds: ['sft', 'dpo'],
  dataPath: (name, part) => `${name}.axolotl${part === 'validation' ? '.valid' : ''}.jsonl`,
  convert,
  config,
};
