/** Shared fixtures for the local API's tests: datasets, an SDK client per flavour, a spec-checked server. */
import assert from 'node:assert/strict';
import OpenAI, { toFile } from 'openai';
import { startLocalApi, type LocalApi, type LocalApiOptions } from '../../tools/local-api';
import { buildRouter } from '../../tools/local-api/routes';
import { SpecChecker } from './specCheck';

/** Twelve supervised examples on distinct topics, each with a reply that only it has. */
export const TOPICS = [
  ['How do I reset my router password?', 'Hold the reset button for ten seconds, then log in with admin/admin.'],
  ['What is the capital of Australia?', 'Canberra is the capital of Australia.'],
  ['Recommend a book about gardening tomatoes', 'Try "The Tomato Grower" by Jane Field; it covers soil, pruning and pests.'],
  ['How many legs does a spider have?', 'A spider has eight legs.'],
  ['Translate good morning into French', 'Bonjour.'],
  ['Why is the sky blue during the day?', 'Rayleigh scattering: air scatters short blue wavelengths more than red ones.'],
  ['What temperature should I bake sourdough bread at?', 'Bake sourdough at 250 °C with steam for 20 minutes, then 230 °C uncovered.'],
  ['Who painted the Mona Lisa?', 'Leonardo da Vinci painted the Mona Lisa.'],
  ['How do I undo my last git commit but keep the changes?', 'Run git reset --soft HEAD~1.'],
  ['What is the boiling point of water at sea level?', 'Water boils at 100 °C (212 °F) at sea level.'],
  ['Give me a tip for learning to juggle', 'Start with two scarves; they fall slowly, so you learn the pattern first.'],
  ['How long should I steep green tea?', 'Steep green tea for two to three minutes at about 80 °C.'],
] as const;

export function chatLine(prompt: string, reply: string, system = 'You are a helpful assistant.'): string {
  return JSON.stringify({
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: prompt },
      { role: 'assistant', content: reply },
    ],
  });
}

/** A good supervised file: the twelve topics. */
export const GOOD_JSONL = `${TOPICS.map(([p, r]) => chatLine(p, r)).join('\n')}\n`;
/** A validation file: four of them, reworded. */
export const VALID_JSONL = `${TOPICS.slice(0, 4).map(([p, r]) => chatLine(`Please: ${p}`, r)).join('\n')}\n`;
/** Only three examples. */
export const TINY_JSONL = `${TOPICS.slice(0, 3).map(([p, r]) => chatLine(p, r)).join('\n')}\n`;

/** A DPO file with twelve examples. */
export const DPO_JSONL = `${TOPICS.map(([p, r]) =>
  JSON.stringify({
    input: { messages: [{ role: 'user', content: p }] },
    preferred_output: [{ role: 'assistant', content: r }],
    non_preferred_output: [{ role: 'assistant', content: 'I do not know.' }],
  }),
).join('\n')}\n`;

export type Flavour = 'openai' | 'azure' | 'nebius' | 'bedrock-mantle';

/** An SDK client for the server, the way a user configures it for each flavour. */
export function client(api: LocalApi, opts: { key?: string; maxRetries?: number; timeout?: number } = {}): OpenAI {
  const key = opts.key ?? api.key;
  return new OpenAI({
    apiKey: key,
    baseURL: api.baseURL,
    maxRetries: opts.maxRetries ?? 0,
    ...(opts.timeout !== undefined ? { timeout: opts.timeout } : {}),
    // Azure OpenAI v1: the documented setup is the plain OpenAI client on .../openai/v1/ with the key in `api-key`
    ...(api.flavour === 'azure' ? { defaultHeaders: { 'api-key': key } } : {}),
  });
}

export async function uploadText(c: OpenAI, text: string, filename = 'train.jsonl', purpose: 'fine-tune' | 'batch' = 'fine-tune'): Promise<OpenAI.Files.FileObject> {
  return c.files.create({ file: await toFile(Buffer.from(text), filename), purpose });
}

/**
 * Mocha hooks that give each test a fresh, spec-checked server and assert, after each test, that it sent nothing
 * against the spec.
 */
export function useLocalApi(flavour: Flavour, options: Omit<LocalApiOptions, 'onResponse' | 'flavour'> = {}): {
  api: () => LocalApi;
  checker: () => SpecChecker;
  client: (opts?: Parameters<typeof client>[1]) => OpenAI;
} {
  let api: LocalApi | undefined;
  let checker: SpecChecker | undefined;
  beforeEach(async () => {
    checker = new SpecChecker();
    api = await startLocalApi({ ...options, flavour, onResponse: checker.onResponse });
  });
  afterEach(async () => {
    await api?.close();
    api = undefined;
    if (checker) {
      for (const op of checker.seen) SpecTotals.seen.add(op);
      SpecTotals.checked += checker.checked;
      SpecTotals.violations += checker.violations.length;
      assert.equal(checker.violations.length, 0, `schema violations:\n${checker.report()}`);
    }
  });
  return {
    api: () => api!,
    checker: () => checker!,
    client: (opts) => client(api!, opts),
  };
}

/** Totals across the run, printed once at the end of the run. */
export const SpecTotals = { checked: 0, violations: 0, seen: new Set<string>() };

// only under mocha (this module is also importable elsewhere)
if (typeof after === 'function') {
  after(() => {
    if (SpecTotals.checked === 0) return;
    process.stdout.write(
      `\n  local API spec check: ${SpecTotals.checked} response bodies and stream chunks validated, ` +
        `${SpecTotals.violations} schema violations, ${SpecTotals.seen.size} operation/status pairs seen\n`,
    );
    const unexercised = buildRouter()
      .list()
      .filter((r) => ![...SpecTotals.seen].some((s) => s.startsWith(`${r.method} ${r.template} 2`)))
      .map((r) => `${r.method} ${r.template}`);
    if (unexercised.length > 0) process.stdout.write(`  routes without a spec-checked 2xx in this run: ${unexercised.join(', ')}\n`);
  });
}

/** Advances the clock in steps until `job` reaches one of `statuses` (or fails the test). */
export async function driveUntil(
  api: LocalApi,
  c: OpenAI,
  jobId: string,
  statuses: readonly string[],
  stepMs = 1000,
  maxMs = 10 * 60_000,
): Promise<OpenAI.FineTuning.FineTuningJob> {
  let job = await c.fineTuning.jobs.retrieve(jobId);
  for (let t = 0; !statuses.includes(job.status); t += stepMs) {
    assert.ok(t < maxMs, `job ${jobId} still ${job.status} after ${maxMs} ms of clock time`);
    api.clock.advance(stepMs);
    job = await c.fineTuning.jobs.retrieve(jobId);
  }
  return job;
}
