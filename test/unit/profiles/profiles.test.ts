/**
 * Dataset profiles: the same lines judged differently where the services' docs differ, identically elsewhere.
 * Each difference names the page it comes from (read 2026-12-03).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateFile, validateText } from '../../../src/core/validate';
import { DatasetIndex } from '../../../src/core/dataset';
import { PROVIDER_IDS, providerId, resolveProfile } from '../../../src/core/profiles';

const SYS = { role: 'system', content: 'You are terse.' };
const USR = { role: 'user', content: 'Capital of France?' };
const AST = { role: 'assistant', content: 'Paris.' };
const chat = (i: number, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ messages: [SYS, { role: 'user', content: `Question ${i}?` }, { role: 'assistant', content: `Answer ${i}.` }], ...extra });
const lines = (n: number, f: (i: number) => string = (i) => chat(i)): string => Array.from({ length: n }, (_, i) => f(i)).join('\n') + '\n';
const codes = (r: ReturnType<typeof validateText>): string[] => r.problems.map((p) => `${p.severity} ${p.code}${p.line === undefined ? '' : '@' + p.line}`);
const img = (url: string) => ({ type: 'image_url', image_url: { url } });
const withImages = (n: number, url = 'data:image/png;base64,iVBORw0KGgo='): string =>
  JSON.stringify({ messages: [SYS, { role: 'user', content: [{ type: 'text', text: 'What is this?' }, ...Array.from({ length: n }, () => img(url))] }, AST] });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneline-profiles-'));
let k = 0;
function tmp(content: string | Buffer): string {
  const p = path.join(dir, `p${k++}.jsonl`);
  fs.writeFileSync(p, content);
  return p;
}

describe('dataset profiles', () => {
  it('resolves providers, aliases and models; an unknown provider is refused with the valid names', () => {
    assert.deepEqual([...PROVIDER_IDS], ['openai', 'azure', 'together', 'fireworks', 'nebius', 'bedrock-mantle']);
    assert.equal(providerId('Azure-OpenAI'), 'azure');
    assert.equal(providerId('nope'), undefined);
    assert.throws(() => resolveProfile('nope'), /unknown provider "nope"; use one of: openai, azure/);
    const a = resolveProfile('azure', 'gpt-4.1-mini');
    assert.equal(a.label, 'Azure AI Foundry · gpt-4.1-mini');
    assert.equal(a.model, 'gpt-4.1-mini-2025-04-14');
    assert.equal(a.limits.imagesPerExample, 64);
    const t = resolveProfile('together', 'meta-llama/Llama-3.3-70B-Instruct');
    assert.equal(t.limits.contextLength, 131_072);
    assert.equal(t.tokenizer.exact, false);
    assert.match(t.tokenizer.estimate ?? '', /^estimate: o200k_base/);
    assert.equal(resolveProfile('together', 'some/unknown-model').modelKnown, false);
    for (const id of PROVIDER_IDS) {
      const p = resolveProfile(id);
      assert.ok(p.sources.length > 0 && p.sources.every((s) => s.url.length > 0 && s.read.length > 0), id);
      assert.ok(p.retirement.note.length > 0, id);
    }
  });

  it('default results are unchanged: no provider is OpenAI, and the report names the profile', () => {
    const text = lines(12) + '\uFEFF'.slice(1);
    const a = validateText(text);
    const b = validateText(text, { provider: 'openai' });
    assert.deepEqual(b.problems, a.problems);
    assert.equal(a.profile.label, 'OpenAI · gpt-4.1-mini-2025-04-14');
    assert.equal(a.profile.provider, 'openai');
    assert.equal(a.profile.tokensExact, true);
  });

  it('Azure accepts a UTF-8 BOM; OpenAI gets the TL-01 warning (learn.microsoft.com fine-tuning page, issue 16/17)', () => {
    const text = '\uFEFF' + lines(12);
    assert.ok(codes(validateText(text)).includes('warning utf8-bom@0'));
    assert.ok(!codes(validateText(text, { provider: 'azure' })).some((c) => c.includes('utf8-bom')));
  });

  it('images per example: OpenAI 10, Azure 64 (learn.microsoft.com/azure/foundry/openai/how-to/fine-tuning-vision), Together 10 and base64 only (docs.together.ai/docs/fine-tuning/vision)', () => {
    const eleven = lines(11, () => withImages(11)).split('\n').map((l, i) => (l ? l.replace('What is this?', `What is ${i}?`) : l)).join('\n');
    const o = validateText(eleven, { model: 'gpt-4o-2024-08-06' });
    assert.equal(o.problems.filter((p) => p.code === 'too-many-images').length, 11);
    const az = validateText(eleven, { provider: 'azure', model: 'gpt-4o-2024-08-06' });
    assert.equal(az.problems.filter((p) => p.code === 'too-many-images').length, 0);
    const many = validateText(lines(11, (i) => withImages(65).replace('What is this?', `What ${i}?`)), { provider: 'azure', model: 'gpt-4o-2024-08-06' });
    const hit = many.problems.find((p) => p.code === 'too-many-images');
    assert.ok(hit && /at most 64 images/.test(hit.message), hit?.message);
    const urls = lines(11, (i) => withImages(1, `https://example.com/${i}.png`));
    assert.equal(validateText(urls, { model: 'gpt-4o-2024-08-06' }).problems.filter((p) => p.code === 'image-not-base64').length, 0);
    const tg = validateText(urls, { provider: 'together', model: 'google/gemma-3-27b-it' });
    const nb = tg.problems.filter((p) => p.code === 'image-not-base64');
    assert.equal(nb.length, 11);
    assert.equal(nb[0]!.severity, 'error');
    assert.equal(nb[0]!.path, 'messages[1].content[1].image_url.url');
  });

  it('Together: per-message weights on any message, extra top-level keys ignored (docs.together.ai/docs/fine-tuning/data-preparation)', () => {
    const text = lines(12, (i) =>
      JSON.stringify({ messages: [SYS, { role: 'user', content: `Q${i}`, weight: 0 }, { role: 'assistant', content: `A${i}`, weight: 1 }], weight: 2, id: i }),
    );
    // Extra top-level keys make the line look like reinforcement data to the inference: the method is given.
    const o = codes(validateText(text, { method: 'supervised' }));
    assert.ok(o.includes('error weight-not-on-assistant@0'), o.join());
    assert.ok(o.includes('error unknown-top-level-key@0'), o.join());
    const t = validateText(text, { provider: 'together', model: 'Qwen/Qwen3-8B', method: 'supervised' });
    assert.deepEqual(t.problems.filter((p) => p.severity !== 'info'), [], codes(t).join());
    assert.equal(t.profile.label, 'Together AI · Qwen/Qwen3-8B');
  });

  it('Together: `text` lines are a format; a line with two formats is an error (data-preparation page)', () => {
    const text = lines(12, (i) => JSON.stringify({ text: `Paris is the capital of France (${i}).` }));
    assert.ok(validateText(text).counts.error >= 12);
    assert.equal(validateText(text, { provider: 'together' }).counts.error, 0);
    const both = lines(12, (i) => JSON.stringify({ text: `t${i}`, messages: [USR, { role: 'assistant', content: `A${i}` }] }));
    const t = validateText(both, { provider: 'together' });
    assert.equal(t.problems.filter((p) => p.code === 'ambiguous-line-format').length, 12);
    assert.ok(!codes(validateText(both)).some((c) => c.includes('ambiguous-line-format')));
  });

  it('minimum examples: OpenAI and Azure 10, Fireworks 3 (docs.fireworks.ai/fine-tuning/fine-tuning-models), Bedrock Mantle 100 to 20,000', () => {
    const five = lines(5);
    assert.ok(codes(validateText(five)).includes('error too-few-examples'));
    assert.ok(codes(validateText(five, { provider: 'azure' })).includes('error too-few-examples'));
    assert.ok(!codes(validateText(five, { provider: 'fireworks' })).includes('error too-few-examples'));
    assert.ok(codes(validateText(lines(2), { provider: 'fireworks' })).includes('error too-few-examples'));
    const rft = (n: number, withAnswer = true) =>
      lines(n, (i) => JSON.stringify({ messages: [{ role: 'developer', content: 'Solve.' }, { role: 'user', content: `${i} + 1 = ?` }], ...(withAnswer ? { reference_answer: String(i + 1) } : {}) }));
    const r50 = validateText(rft(50), { provider: 'bedrock-mantle', method: 'reinforcement' });
    const few = r50.problems.find((p) => p.code === 'too-few-examples');
    assert.ok(few && /at least 100/.test(few.message), codes(r50).join());
    assert.ok(!codes(validateText(rft(50), { method: 'reinforcement', model: 'o4-mini-2025-04-16' })).includes('error too-few-examples'));
    const r100 = validateText(rft(100), { provider: 'bedrock-mantle', method: 'reinforcement' });
    assert.equal(r100.counts.error, 0, codes(r100).join());
  });

  it('Bedrock Mantle: every example needs reference_answer; system messages are allowed (docs.aws.amazon.com rft-prepare-data-open-weight)', () => {
    const text = lines(100, (i) => JSON.stringify({ messages: [{ role: 'system', content: 'Math tutor' }, { role: 'user', content: `${i} + 1 = ?` }], ...(i === 3 ? {} : { reference_answer: String(i + 1) }) }));
    const b = validateText(text, { provider: 'bedrock-mantle', method: 'reinforcement' });
    assert.deepEqual(b.problems.filter((p) => p.severity === 'error').map((p) => `${p.code}@${p.line}`), ['missing-required-field@3']);
    const o = validateText(text, { method: 'reinforcement', model: 'o4-mini-2025-04-16' });
    assert.ok(o.problems.some((p) => p.code === 'rft-invalid-role'));
    // Other invalid roles stay errors under Bedrock.
    const bot = text.replace('"role":"system"', '"role":"bot"');
    assert.ok(validateText(bot, { provider: 'bedrock-mantle', method: 'reinforcement' }).problems.some((p) => p.code === 'rft-invalid-role' && p.line === 0));
    assert.ok(!o.problems.some((p) => p.code === 'missing-required-field'));
  });

  it('open models: the context length is the per-example token limit (TOK-01)', () => {
    const long = 'word '.repeat(9000);
    const text = lines(12, (i) => JSON.stringify({ messages: [SYS, { role: 'user', content: `${i} ${long}` }, AST] }));
    assert.ok(!validateText(text).problems.some((p) => p.code === 'example-too-long'));
    const small = validateText(text, { provider: 'together', model: 'some/unknown-8k-model' });
    assert.equal(small.problems.filter((p) => p.code === 'example-too-long').length, 12);
    assert.ok(!validateText(text, { provider: 'together', model: 'Qwen/Qwen3-8B' }).problems.some((p) => p.code === 'example-too-long'));
  });

  it('the same verdicts streaming from disk (both halves, worker thread) as in memory', async () => {
    const text = '\uFEFF' + lines(40, (i) => (i % 7 === 0 ? withImages(12) : JSON.stringify({ messages: [SYS, { role: 'user', content: `Q${i}`, weight: 0 }, { role: 'assistant', content: `A${i}` }], weight: 1 })));
    const file = tmp(text);
    for (const provider of [undefined, 'azure', 'together']) {
      const a = validateText(text, { provider, model: provider === 'together' ? 'google/gemma-3-27b-it' : 'gpt-4o-2024-08-06' });
      const b = await validateFile(file, { provider, model: provider === 'together' ? 'google/gemma-3-27b-it' : 'gpt-4o-2024-08-06', parallel: true, highWaterMark: 256 });
      assert.deepEqual(b.problems, a.problems, String(provider));
      assert.deepEqual(b.counts, a.counts);
      assert.deepEqual(b.profile, a.profile);
    }
  });

  it('the editor index switches profile and says which one judged the file', () => {
    const index = DatasetIndex.fromText('\uFEFF' + lines(12));
    assert.equal(index.stats().profile.label, 'OpenAI · gpt-4.1-mini-2025-04-14');
    assert.ok(index.problems().some((p) => p.code === 'utf8-bom'));
    index.setProfile('azure');
    assert.equal(index.stats().profile.label, 'Azure AI Foundry · gpt-4.1-mini-2025-04-14');
    assert.ok(!index.problems().some((p) => p.code === 'utf8-bom'));
  });
});
