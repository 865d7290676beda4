import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import fc from 'fast-check';
import { getEncoder } from '../../../src/core/tokens/encoding';
import {
  estimateTokens,
  exampleImages,
  exampleTokens,
  lineTokens,
  tokenUpperBound,
  toolsTokens,
} from '../../../src/core/tokens/count';
import { billedTokensPerEpoch, defaultEpochs, estimateCost } from '../../../src/core/tokens/cost';
import { countTokensInWorkers } from '../../../src/core/tokens/workers';
import { resolveModel } from '../../../src/core/models';
import { analyzeLine } from '../../../src/core/dataset';
import { utf8Length } from '../../../src/core/dataset';

const o200k = () => ({ encoder: getEncoder('o200k_base'), funcInit: 7 });
const cl100k = () => ({ encoder: getEncoder('cl100k_base'), funcInit: 10 });

describe('token counting (TOK-02)', () => {
  it('loads no encoding when the engine is imported (lazy)', () => {
    const root = path.resolve(__dirname, '../../..');
    const script =
      "const core = require('./src/core');" +
      "const n = () => Object.keys(require.cache).filter((k) => /gpt-tokenizer/.test(k)).length;" +
      "const before = n(); core.getEncoder('o200k_base').count('hi');" +
      "process.stdout.write(before + ',' + (n() > 0));";
    const r = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '0,true');
  });

  it('chat: 3 per message + encoded string values + 1 per name, + 3 priming (hand-computed)', () => {
    // "user" 1, "hello" 1, "assistant" 1, "Paris." 2, "Bob" 1 token in o200k_base.
    const ex = { messages: [{ role: 'user', content: 'hello', name: 'Bob' }, { role: 'assistant', content: 'Paris.', weight: 1 }] };
    // (3 + 1 + 1 + 1 + 1[name]) + (3 + 1 + 2) + 3 = 7 + 6 + 3 = 16
    assert.equal(exampleTokens(ex, o200k()), 16);
    // cl100k: "日本語" is 4 tokens there, 2 in o200k.
    const jp = { messages: [{ role: 'user', content: '日本語' }] };
    assert.equal(exampleTokens(jp, o200k()), 3 + 1 + 2 + 3);
    assert.equal(exampleTokens(jp, cl100k()), 3 + 1 + 4 + 3);
  });

  it('content parts, images (85 each) and tool calls', () => {
    const ex = {
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'hello' }, { type: 'image_url', image_url: { url: 'https://x/y.png' } }] },
        { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: 'hello' } }] },
      ],
    };
    const nameTok = getEncoder('o200k_base').count('get_weather');
    // (3 + user 1 + hello 1 + 85) + (3 + assistant 1 + name + args 1) + 3
    assert.equal(exampleTokens(ex, o200k()), 3 + 1 + 1 + 85 + 3 + 1 + nameTok + 1 + 3);
    assert.equal(exampleImages(ex), 1);
  });

  it('tools per num_tokens_for_tools (func_init 7 on o200k, 10 on cl100k; prop/enum overheads; func_end 12)', () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Get the weather.',
          parameters: {
            type: 'object',
            properties: {
              city: { type: 'string', description: 'The city' },
              unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
            },
          },
        },
      },
    ];
    // func_init 7 + "get_weather:Get the weather" 5 + prop_init 3
    //   + city: prop_key 3 + "city:string:The city" 4
    //   + unit: prop_key 3 + enum_init -3 + (3 + "celsius" 2) + (3 + "fahrenheit" 2) + "unit:string:" 3
    // + func_end 12
    const expected = 7 + 5 + 3 + (3 + 4) + (3 - 3 + (3 + 2) + (3 + 2) + 3) + 12;
    assert.equal(toolsTokens(tools, o200k()), expected);
    assert.equal(toolsTokens(tools, cl100k()), expected + 3); // func_init 10
    assert.equal(toolsTokens([], o200k()), 0);
    // Deprecated `functions` use the same recipe.
    assert.equal(toolsTokens([tools[0]!.function], o200k()), expected);
  });

  it('DPO: input messages + each output; completion: prompt + completion', () => {
    const dpo = {
      input: { messages: [{ role: 'user', content: 'hello' }] },
      preferred_output: [{ role: 'assistant', content: 'Paris.' }],
      non_preferred_output: [{ role: 'assistant', content: 'hello' }],
    };
    // (3+1+1) + 3 priming + (3+1+2) + (3+1+1)
    assert.equal(exampleTokens(dpo, o200k()), 5 + 3 + 6 + 5);
    assert.equal(exampleTokens({ prompt: 'hello', completion: 'Paris.' }, o200k()), 3);
    assert.equal(lineTokens('{bad', o200k()), undefined);
    assert.equal(lineTokens('', o200k()), undefined);
  });

  it('special-token text is counted as plain text, never throws', () => {
    assert.equal(exampleTokens({ prompt: '<|endoftext|>' }, o200k()), 7);
  });

  it('property: the UTF-8 bound never undercounts (tokens <= bytes + 15 + 85 x images)', () => {
    const str = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('<|endoftext|>', '\n\t"\\', '🎉🎉', 'a'));
    const msg = fc.record(
      {
        role: fc.oneof(str, fc.constantFrom('user', 'assistant')),
        content: fc.oneof(str, fc.array(fc.oneof(fc.record({ type: fc.constant('text'), text: str }), fc.record({ type: fc.constant('image_url'), image_url: fc.record({ url: str }) })))),
        name: str,
        weight: fc.constantFrom(0, 1),
        tool_calls: fc.array(fc.record({ id: str, type: fc.constant('function'), function: fc.record({ name: str, arguments: str }) })),
      },
      { requiredKeys: [] },
    );
    const tool = fc.record({
      type: fc.constant('function'),
      function: fc.record({
        name: str,
        description: str,
        parameters: fc.record({ type: fc.constant('object'), properties: fc.dictionary(str, fc.record({ type: str, description: str, enum: fc.array(fc.oneof(str, fc.integer())) }, { requiredKeys: [] })) }),
      }, { requiredKeys: ['name'] }),
    });
    const example = fc.oneof(
      fc.record({ messages: fc.array(fc.oneof(msg, fc.integer(), fc.constant(null))), tools: fc.array(tool, { maxLength: 3 }) }, { requiredKeys: ['messages'] }),
      fc.record({ input: fc.record({ messages: fc.array(msg), tools: fc.array(tool, { maxLength: 2 }) }), preferred_output: fc.array(msg, { maxLength: 1 }), non_preferred_output: fc.array(msg, { maxLength: 1 }) }),
      fc.record({ prompt: str, completion: str }),
    );
    for (const opts of [o200k(), cl100k()]) {
      fc.assert(
        fc.property(example, (ex) => {
          const line = JSON.stringify(ex);
          const t = exampleTokens(JSON.parse(line), opts);
          assert.ok(t <= tokenUpperBound(Buffer.byteLength(line, 'utf8'), exampleImages(ex)), `${t} > bound for ${line}`);
        }),
        { numRuns: 300 },
      );
    }
  });

  it('TOK-01 tokenizes only lines whose UTF-8 size does not prove them under the limit', () => {
    const ctx = { model: resolveModel('gpt-3.5-turbo-0613') }; // 4,096 tokens
    const small = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'x'.repeat(3000) }] });
    const r1 = analyzeLine(small, 0, 1, 'supervised', ctx);
    assert.ok(utf8Length(small) + 15 <= 4096);
    assert.equal(r1.tokens, undefined, 'not tokenized: the bound proves it under the limit');
    assert.equal(r1.overLimit, false);
    // Over the bound but under the limit in tokens ("word " is 1 token per 5 bytes): tokenized, not over.
    const medium = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'word '.repeat(1000) }] });
    const r2 = analyzeLine(medium, 0, 1, 'supervised', ctx);
    assert.ok(r2.tokens !== undefined && r2.tokens < 4096);
    assert.equal(r2.overLimit, false);
    const long = JSON.stringify({ messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'word '.repeat(5000) }] });
    const r3 = analyzeLine(long, 0, 1, 'supervised', ctx);
    assert.ok(r3.tokens! > 4096);
    assert.equal(r3.overLimit, true);
    // RFT has no stated limit: TOK-01 applies to SFT and DPO only.
    assert.equal(analyzeLine(long, 0, 1, 'reinforcement', ctx).overLimit, false);
  });

  it('the estimate is cheap and in the right range', () => {
    assert.equal(estimateTokens(0), 0);
    const line = JSON.stringify({ messages: [{ role: 'user', content: 'The quick brown fox jumps over the lazy dog. '.repeat(20) }, { role: 'assistant', content: 'Sure.' }] });
    const exact = lineTokens(line, o200k())!;
    const est = estimateTokens(Buffer.byteLength(line), 2);
    assert.ok(est > exact * 0.6 && est < exact * 1.6, `${est} vs ${exact}`);
  });
});

describe('billing (TOK-03)', () => {
  it('default epochs: 3, raised toward 100 example-passes (max 25), lowered under 25,000 (min 1)', () => {
    assert.equal(defaultEpochs(1), 25); // 100 // 1 = 100, capped at 25
    assert.equal(defaultEpochs(10), 10);
    assert.equal(defaultEpochs(20), 5);
    assert.equal(defaultEpochs(33), 3); // 99 < 100 -> 100 // 33 = 3
    assert.equal(defaultEpochs(34), 3);
    assert.equal(defaultEpochs(8333), 3); // 24,999
    assert.equal(defaultEpochs(8334), 2); // 25,002 > 25,000 -> 25000 // 8334 = 2
    assert.equal(defaultEpochs(30000), 1);
  });

  it('billed tokens cap each example at the limit; cost = price/1M x billed x epochs', () => {
    assert.equal(billedTokensPerEpoch([10, 70_000, 5], 65_536), 10 + 65_536 + 5);
    const m = resolveModel('gpt-4o-mini-2024-07-18').info;
    // The reference's cross-check: 100k tokens x 3 epochs on gpt-4o-mini ≈ $0.90.
    const c = estimateCost(100_000, 3, m)!;
    assert.ok(Math.abs(c.usd - 0.9) < 1e-9);
    assert.equal(c.priceDate, '2025-11-30');
    assert.equal(c.billedTokens, 300_000);
    const c35 = estimateCost(100_000, 3, resolveModel('gpt-3.5-turbo-0125').info)!;
    assert.ok(Math.abs(c35.usd - 2.4) < 1e-9);
    assert.equal(estimateCost(1000, 3, resolveModel('o4-mini').info), undefined); // per hour
    assert.equal(estimateCost(1000, 3, resolveModel('unknown-model').info), undefined);
  });
});

describe('token workers', () => {
  it('counts lines and files on worker threads exactly like the main thread', async function () {
    this.timeout(60000);
    const lines = Array.from({ length: 500 }, (_, i) =>
      i % 50 === 0 ? '' : JSON.stringify({ messages: [{ role: 'user', content: `Question ${i} 日本語` }, { role: 'assistant', content: 'word '.repeat(i % 37) }] }),
    );
    const expected = lines.map((l) => lineTokens(l, o200k()) ?? 0);
    const r = await countTokensInWorkers(lines, { workers: 3 });
    assert.deepEqual(Array.from(r.perLine), expected);
    assert.equal(r.total, expected.reduce((a, b) => a + b, 0));
    const fs = await import('node:fs');
    const os = await import('node:os');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-tok-')), 't.jsonl');
    fs.writeFileSync(file, lines.join('\r\n'));
    const f = await countTokensInWorkers({ file }, { workers: 2 });
    assert.deepEqual(Array.from(f.perLine), expected);
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(countTokensInWorkers({ file }, { signal: ac.signal }), (e: Error) => e.name === 'AbortError');
  });
});
