/**
 * Generates realistic chat fine-tuning data (JSONL) for the benchmarks, deterministically from a seed:
 * a system prompt from a pool, user questions and assistant answers built from an English word list with
 * punctuation, about 20% multi-turn conversations, about 10% with tools and tool calls, a few `weight: 0` turns,
 * and a few bad lines (about 1 in 2,000: invalid JSON, a misspelled role, a non-binary weight).
 *
 *   tsx bench/generate.ts OUT.jsonl COUNT [SEED]
 */
import * as fs from 'node:fs';
import { mulberry32 as rng } from '../src/core/split';

const WORDS = (
  'the of and to in is you that it he was for on are as with his they at be this have from or one had by word but not ' +
  'what all were we when your can said there use an each which she do how their if will up other about out many then ' +
  'them these so some her would make like him into time has look two more write go see number no way could people my ' +
  'than first water been call who oil its now find long down day did get come made may part order invoice shipping ' +
  'refund account password device battery network latency database query index cache token model training dataset ' +
  'example customer support ticket weather forecast temperature city travel booking flight hotel restaurant recipe ' +
  'ingredient minutes oven degrees schedule meeting calendar reminder budget expense report quarterly revenue growth ' +
  'policy warranty return exchange delivery tracking package address payment card subscription upgrade downgrade'
).split(' ');

const SYSTEMS = [
  'You are a helpful customer support assistant for an online store. Answer briefly and politely.',
  'You are a concise technical assistant. Prefer short answers with concrete steps.',
  'You are a travel agent bot. Ask for missing details before booking anything.',
  'You are Marv, a factual chatbot that is also sarcastic.',
  'You answer questions about cooking. Give quantities in metric units.',
  'Tu es un assistant qui répond en français, poliment et brièvement.',
];

const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'get_order_status',
      description: 'Look up the status of an order by its id.',
      parameters: { type: 'object', properties: { order_id: { type: 'string', description: 'The order id' } }, required: ['order_id'] },
    },
  },
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Get the current weather for a city.',
      parameters: {
        type: 'object',
        properties: {
          city: { type: 'string', description: 'City name' },
          unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        },
        required: ['city'],
      },
    },
  },
];

function sentence(r: () => number, min: number, max: number): string {
  const n = min + Math.floor(r() * (max - min + 1));
  const w: string[] = [];
  for (let i = 0; i < n; i++) w.push(WORDS[Math.floor(r() * WORDS.length)]!);
  const s = w.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function text(r: () => number, sentences: number, min = 5, max = 16, end = '.'): string {
  const out: string[] = [];
  for (let i = 0; i < sentences; i++) out.push(sentence(r, min, max) + (i === sentences - 1 ? end : '.'));
  return out.join(' ');
}

/** One example line (without newline). `i` is the example index. */
export function exampleLine(r: () => number, i: number): string {
  const bad = r();
  if (bad < 0.0002) return `{"messages": [{"role": "user", "content": "${sentence(r, 3, 6)}"}, {"role": "assistant"`; // truncated JSON
  const messages: Array<Record<string, unknown>> = [{ role: 'system', content: SYSTEMS[Math.floor(r() * SYSTEMS.length)] }];
  const example: Record<string, unknown> = { messages };
  const withTools = r() < 0.1;
  if (withTools) {
    const tool = TOOLS[Math.floor(r() * TOOLS.length)]!;
    example.tools = TOOLS;
    messages.push({ role: 'user', content: text(r, 1, 6, 14, '?') });
    const id = `call_${i.toString(36)}`;
    const args = tool.function.name === 'get_weather' ? { city: sentence(r, 1, 1), unit: 'celsius' } : { order_id: `A${100000 + i}` };
    messages.push({ role: 'assistant', tool_calls: [{ id, type: 'function', function: { name: tool.function.name, arguments: JSON.stringify(args) } }] });
    messages.push({ role: 'tool', tool_call_id: id, content: JSON.stringify({ ok: true, detail: sentence(r, 3, 8) }) });
    messages.push({ role: 'assistant', content: text(r, 1 + Math.floor(r() * 3)) });
  } else {
    const turns = r() < 0.2 ? 2 + Math.floor(r() * 3) : 1;
    for (let t = 0; t < turns; t++) {
      messages.push({ role: 'user', content: text(r, 1 + Math.floor(r() * 2), 5, 14, '?') });
      const a: Record<string, unknown> = { role: 'assistant', content: text(r, 1 + Math.floor(r() * 4)) };
      if (turns > 1 && t < turns - 1 && r() < 0.3) a.weight = 0;
      messages.push(a);
    }
  }
  if (bad < 0.0004) messages[1]!.role = 'usr'; // misspelled role
  else if (bad < 0.0005) (messages[messages.length - 1] as Record<string, unknown>).weight = 0.5;
  return JSON.stringify(example);
}

/** Writes `count` examples to `file`; returns the byte size. Lines are joined with `\n`, with a final newline. */
export function generate(file: string, count: number, seed = 42): number {
  const r = rng(seed);
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  try {
    let batch: string[] = [];
    for (let i = 0; i < count; i++) {
      batch.push(exampleLine(r, i));
      if (batch.length === 5000 || i === count - 1) {
        const chunk = batch.join('\n') + '\n';
        bytes += fs.writeSync(fd, chunk);
        batch = [];
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return bytes;
}

/** Generates examples until the file reaches `targetBytes`; returns [examples, bytes]. */
export function generateBytes(file: string, targetBytes: number, seed = 42): [number, number] {
  const r = rng(seed);
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  let i = 0;
  try {
    while (bytes < targetBytes) {
      const batch: string[] = [];
      for (let k = 0; k < 5000; k++) batch.push(exampleLine(r, i++));
      bytes += fs.writeSync(fd, batch.join('\n') + '\n');
    }
  } finally {
    fs.closeSync(fd);
  }
  return [i, bytes];
}

if (require.main === module) {
  const [out, count, seed] = process.argv.slice(2);
  if (!out || !count) {
    process.stderr.write('usage: tsx bench/generate.ts OUT.jsonl COUNT [SEED]\n');
    process.exitCode = 2;
  } else {
    const bytes = generate(out, Number(count), seed ? Number(seed) : 42);
    process.stdout.write(`${out}: ${count} examples, ${(bytes / 1024 / 1024).toFixed(1)} MB\n`);
  }
}
