// "Move this fine-tune" and the kept baseline (issue 18), the pure parts: the source job's facts, the targets per
// method, hyperparameters mapped per target (and what is not kept), the conversion plan per target profile, the move
// summary, and the comparison of a new model's run with a baseline.
import * as assert from 'node:assert/strict';
import { AZURE, BEDROCK_MANTLE, FIREWORKS, NEBIUS, OPENAI, TOGETHER, providerFor } from '../../src/api/providers';
import type { FineTuningJob } from '../../src/api/types';
import { resolveProfile } from '../../src/core/profiles';
import { retirementLine } from '../../src/api/providers/retirement';
import { OPENAI_DATES } from '../../src/core/retirement';
import { recordLine, scoreReply, summarize, type EvalHeader, type EvalRow } from '../../src/core/eval';
import { baselineExamples, baselineFileName, modelSlug, readBaseline, withPrompt, type BaselineHeader } from '../../src/migrate/baseline';
import { compareRuns, verdict } from '../../src/migrate/compare';
import { canSend, conversionPlan, everyLineHas, lineFormats, mapHyperparameters, moveSummaryMarkdown, moveTargets, sourceJob, targetModels, type MovePlan } from '../../src/migrate/plan';

const specs = (p: typeof OPENAI, method: 'supervised' | 'dpo' | 'reinforcement') => p.capabilities.methods.find((m) => m.method === method)!.hyperparameters;

const JOB = {
  id: 'ftjob-1',
  object: 'fine_tuning.job',
  model: 'gpt-4o-mini-2024-07-18',
  fine_tuned_model: 'ft:gpt-4o-mini-2024-07-18:org::abc',
  training_file: 'file-train',
  validation_file: 'file-val',
  seed: 42,
  status: 'succeeded',
  method: { type: 'dpo', dpo: { hyperparameters: { n_epochs: 3, batch_size: 8, learning_rate_multiplier: 1.8, beta: 0.1 } } },
  hyperparameters: { n_epochs: 1 },
} as unknown as FineTuningJob;

describe('migrate: the source job', () => {
  it('reads the method block first, then the legacy hyperparameters', () => {
    const s = sourceJob('openai', JOB);
    assert.equal(s.method, 'dpo');
    assert.deepEqual(s.hyperparameters, { n_epochs: 3, batch_size: 8, learning_rate_multiplier: 1.8, beta: 0.1 });
    assert.equal(s.baseModel, 'gpt-4o-mini-2024-07-18');
    assert.equal(s.validationFile, 'file-val');
    assert.equal(s.seed, 42);
    const legacy = sourceJob('openai', { ...JOB, method: undefined, hyperparameters: { n_epochs: 'auto', batch_size: 4 } } as unknown as FineTuningJob);
    assert.equal(legacy.method, 'supervised');
    assert.deepEqual(legacy.hyperparameters, { n_epochs: 'auto', batch_size: 4 });
  });
  it('carries a reinforcement job\'s grader over as it is, and no grader for other methods', () => {
    const grader = { type: 'string_check', name: 'exact', input: '{{sample.output_text}}', reference: '{{item.reference_answer}}', operation: 'eq' };
    const rft = sourceJob('openai', { ...JOB, method: { type: 'reinforcement', reinforcement: { grader, hyperparameters: { n_epochs: 2 } } } } as unknown as FineTuningJob);
    assert.equal(rft.method, 'reinforcement');
    assert.deepEqual(rft.grader, grader);
    assert.deepEqual(rft.hyperparameters, { n_epochs: 2 });
    assert.equal(sourceJob('openai', JOB).grader, undefined);
  });
});

describe('migrate: targets', () => {
  it('lists only providers with a model for the method, never the custom endpoint', () => {
    const sft = moveTargets('supervised').map((t) => t.provider.id);
    assert.ok(sft.includes('azure') && sft.includes('together') && sft.includes('fireworks') && sft.includes('nebius'));
    assert.ok(!sft.includes('custom'));
    assert.ok(!sft.includes('bedrock-mantle'), 'Bedrock Mantle tunes with reinforcement only');
    const rft = moveTargets('reinforcement').map((t) => t.provider.id);
    assert.ok(rft.includes('bedrock-mantle') && rft.includes('azure'));
    assert.ok(!rft.includes('together'));
    for (const t of moveTargets('dpo')) for (const m of t.models) assert.ok(m.methods.includes('dpo'), `${t.provider.id} ${m.id}`);
  });
  it('offers the target adapter’s tunable models for the method', () => {
    const ids = targetModels(AZURE, 'dpo').map((m) => m.id);
    assert.ok(ids.includes('gpt-4.1-mini-2025-04-14'));
    assert.ok(!ids.includes('gpt-4o-mini-2024-07-18'), 'gpt-4o-mini has no DPO on Azure');
  });
});

describe('migrate: hyperparameters per target', () => {
  const src = { n_epochs: 3, batch_size: 8, learning_rate_multiplier: 1.8, beta: 0.1 };
  it('Azure (OpenAI names): every value kept', () => {
    const m = mapHyperparameters(src, specs(AZURE, 'dpo'), AZURE.label);
    assert.deepEqual(m.values, src);
    assert.equal(m.dropped.length, 0);
  });
  it('Together: n_epochs, batch_size and beta (as dpo_beta) kept; the multiplier is not, with the reason', () => {
    const m = mapHyperparameters(src, specs(TOGETHER, 'dpo'), TOGETHER.label);
    assert.deepEqual(m.values, { n_epochs: 3, batch_size: 8, dpo_beta: 0.1 });
    assert.deepEqual(m.kept.find((k) => k.from === 'beta'), { from: 'beta', to: 'dpo_beta', value: 0.1 });
    assert.equal(m.dropped.length, 1);
    assert.equal(m.dropped[0]!.name, 'learning_rate_multiplier');
    assert.match(m.dropped[0]!.reason, /absolute learning rate/);
  });
  it('Fireworks: camelCase names (epochs, batchSize); the rest dropped', () => {
    const m = mapHyperparameters({ n_epochs: 2, batch_size: 16, learning_rate_multiplier: 2 }, specs(FIREWORKS, 'supervised'), FIREWORKS.label);
    assert.deepEqual(m.values, { epochs: 2, batchSize: 16 });
    assert.deepEqual(m.dropped.map((d) => d.name), ['learning_rate_multiplier']);
  });
  it('Nebius: a hyperparameter the method does not have is dropped', () => {
    const m = mapHyperparameters({ n_epochs: 2, beta: 0.2 }, specs(NEBIUS, 'supervised'), NEBIUS.label);
    assert.deepEqual(m.values, { n_epochs: 2 });
    assert.match(m.dropped[0]!.reason, /no such hyperparameter/);
  });
  it('a value out of the target range, not whole, or not in the enum is dropped; auto stays silent', () => {
    const m = mapHyperparameters({ n_epochs: 80, batch_size: 2.5, beta: 'auto', reasoning_effort: 'default' }, specs(AZURE, 'reinforcement'), AZURE.label);
    assert.deepEqual(m.values, {});
    const why = Object.fromEntries(m.dropped.map((d) => [d.name, d.reason]));
    assert.match(why['n_epochs']!, /1 to 50/);
    assert.match(why['batch_size']!, /whole number/);
    assert.match(why['reasoning_effort']!, /low, medium, high/);
    assert.ok(!('beta' in why));
    // OpenAI's own reinforcement enum has "default"
    assert.deepEqual(mapHyperparameters({ reasoning_effort: 'default' }, specs(OPENAI, 'reinforcement'), OPENAI.label).values, { reasoning_effort: 'default' });
  });
  it('the model’s narrower limits count (Together batch sizes per model)', () => {
    const model = TOGETHER.capabilities.models.find((x) => x.hyperparameterLimits?.['batch_size']?.max !== undefined);
    assert.ok(model, 'a Together model with a batch-size limit');
    const max = model.hyperparameterLimits!['batch_size']!.max!;
    const m = mapHyperparameters({ batch_size: max + 1 }, specs(TOGETHER, 'supervised'), TOGETHER.label, model.hyperparameterLimits);
    assert.deepEqual(m.values, {});
    assert.match(m.dropped[0]!.reason, new RegExp(`${max}`));
  });
});

const CHAT = JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }] });
const COMPLETION = JSON.stringify({ prompt: 'Hi ->', completion: ' Hello END' });
const PREF = JSON.stringify({ input: { messages: [{ role: 'user', content: 'Hi' }] }, preferred_output: [{ role: 'assistant', content: 'a' }], non_preferred_output: [{ role: 'assistant', content: 'b' }] });

describe('migrate: conversion plan per target', () => {
  it('counts line formats in one pass', () => {
    assert.deepEqual(lineFormats([CHAT, COMPLETION, '', 'not json', PREF, JSON.stringify({ text: 'x' }), JSON.stringify({ a: 1 })].join('\n')), {
      messages: 1,
      completion: 1,
      preference: 1,
      text: 1,
      unknown: 1,
    });
  });
  it('chat to Azure or Together: nothing to do', () => {
    for (const p of ['azure', 'together']) assert.equal(conversionPlan({ messages: 60 }, resolveProfile(p)).action, 'none');
  });
  it('prompt/completion to Azure: converted to chat; to Together: kept (a current format there)', () => {
    const az = conversionPlan({ messages: 2, completion: 3 }, resolveProfile('azure', 'gpt-4.1-mini-2025-04-14'));
    assert.equal(az.action, 'convert');
    assert.match(az.notes.join(' '), /3 prompt\/completion line\(s\) become chat lines/);
    assert.equal(conversionPlan({ completion: 3 }, resolveProfile('together')).action, 'none');
  });
  it('a format the target does not take and cannot be converted to blocks the move', () => {
    const p = conversionPlan({ text: 4 }, resolveProfile('azure'));
    assert.equal(p.action, 'blocked');
    assert.match(p.notes[0]!, /does not take that format/);
    assert.equal(conversionPlan({ preference: 4 }, resolveProfile('bedrock-mantle')).action, 'blocked');
  });
  it('a required top-level key (Bedrock Mantle reference_answer) blocks unless every line has it', () => {
    const bedrock = resolveProfile('bedrock-mantle');
    assert.equal(conversionPlan({ messages: 5 }, bedrock).action, 'blocked');
    assert.equal(conversionPlan({ messages: 5 }, bedrock, true).action, 'none');
    assert.equal(everyLineHas([JSON.stringify({ reference_answer: 'x', messages: [] }), JSON.stringify({ messages: [] })].join('\n'), ['reference_answer']), false);
    assert.equal(everyLineHas(JSON.stringify({ reference_answer: 'x', messages: [] }), ['reference_answer']), true);
    assert.equal(BEDROCK_MANTLE.capabilities.dataset.requiredFields?.includes('reference_answer'), true);
  });
});

function plan(over: Partial<MovePlan> = {}): MovePlan {
  const source = sourceJob('openai', JOB);
  return {
    source,
    targetProvider: 'together',
    targetLabel: TOGETHER.label,
    targetModel: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
    method: 'dpo',
    trainingFrom: 'the workspace: datasets/train.jsonl (same bytes as file-train)',
    trainingFile: 'datasets/train.jsonl',
    examples: 60,
    conversion: { action: 'none', notes: ['Together AI takes the file as it is.'] },
    hyperparameters: mapHyperparameters(source.hyperparameters, specs(TOGETHER, 'dpo'), TOGETHER.label),
    check: { errors: 0, warnings: 1, profile: 'Together AI · meta-llama/Meta-Llama-3.1-8B-Instruct-Reference' },
    problems: [],
    notKept: ['the validation file file-val'],
    ...over,
  };
}

describe('migrate: the move summary', () => {
  it('says what moves where, what was kept, and what was not (with reasons)', () => {
    const text = moveSummaryMarkdown(plan());
    assert.match(text, /^# Move ft:gpt-4o-mini-2024-07-18:org::abc to Together AI/);
    assert.match(text, /\| Base model \| gpt-4o-mini-2024-07-18 \| meta-llama\/Meta-Llama-3\.1-8B-Instruct-Reference \|/);
    assert.match(text, /Kept: beta = 0\.1 \(as dpo\\_beta\)/);
    assert.match(text, /## Not kept\n\n- learning\\_rate\\_multiplier = 1\.8: Together AI takes an absolute learning rate/);
    assert.match(text, /the validation file file-val/);
    assert.match(text, /No kept baseline/);
    assert.ok(canSend(plan()));
  });
  it('a blocked conversion, an engine error or an adapter problem stops the move and says so', () => {
    for (const p of [plan({ conversion: { action: 'blocked', notes: ['x'] } }), plan({ check: { errors: 2, warnings: 0, profile: 'p' } }), plan({ problems: ['no such model'] })]) {
      assert.equal(canSend(p), false);
      assert.match(moveSummaryMarkdown(p), /cannot be sent as it is/);
    }
  });
  it('names the services by label and shows both models\' retirement dates (the catalogue\'s, by the given clock)', () => {
    const now = new Date('2026-12-20T12:00:00Z');
    const m = 'ft:gpt-4o-mini-2024-07-18:org::abc';
    const source = retirementLine(m, OPENAI.label, OPENAI.model(m)?.retirement, now);
    const target = retirementLine('meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', TOGETHER.label, TOGETHER.model('meta-llama/Meta-Llama-3.1-8B-Instruct-Reference')?.retirement, now);
    const text = moveSummaryMarkdown(plan({ dates: { source, target } }));
    assert.match(text, /\| Service \| OpenAI \| Together AI \|/);
    assert.ok(source.includes(OPENAI_DATES.gpt4oAnd41Serving) && source.includes(OPENAI_DATES.noNewJobs), source);
    assert.match(source, /serving until 2027-01-14 \(25 days, under 30 days\)/);
    assert.match(text, /## Dates\n\n- Old: ft:gpt-4o-mini-2024-07-18:org::abc on OpenAI: new jobs until 2027-01-06 \(17 days/);
    assert.ok(text.includes(`- New: ${target.replace(/[\\`*_[\]|<>~]/g, (c) => `\\${c}`)}`), text);
    assert.doesNotMatch(moveSummaryMarkdown(plan()), /## Dates/);
  });
  it('escapes Markdown in ids and file names', () => {
    const text = moveSummaryMarkdown(plan({ trainingFile: 'a_[b](javascript:x)*.jsonl' }));
    assert.ok(text.includes('a\\_\\[b\\](javascript:x)\\*.jsonl'));
    assert.ok(!text.includes('[b](javascript'));
  });
});

// --- baseline and comparison ---

const examples = [
  { line: 0, example: 1, messages: [{ role: 'user', content: 'capital of France?' }], reference: 'Paris' },
  { line: 1, example: 2, messages: [{ role: 'user', content: 'two plus two?' }], reference: 'four' },
  { line: 3, example: 3, messages: [{ role: 'user', content: 'colour of the sky?' }], reference: 'blue' },
  { line: 4, example: 4, messages: [{ role: 'user', content: 'largest planet?' }], reference: 'Jupiter' },
];

function run(model: string, provider: 'openai' | 'azure', replies: Array<string | Error | undefined>, temperature = 0): string {
  const header: BaselineHeader = {
    type: 'header',
    format: 'tuneline-eval',
    version: 1,
    dataset: 'val.jsonl',
    models: [model],
    mode: 'live',
    startedAt: '2026-12-01T10:00:00.000Z',
    examples: examples.length,
    skipped: [],
    temperature,
    baseline: { provider, model, recordedAt: '2026-12-01T10:00:00.000Z', settings: { temperature }, validationFile: 'val.jsonl', validationSha256: 'abc' },
  };
  const rows: EvalRow[] = [];
  examples.forEach((e, i) => {
    const r = replies[i];
    if (r === undefined) return;
    const base = { type: 'result' as const, model, line: e.line, example: e.example, reference: e.reference };
    rows.push(
      withPrompt(
        r instanceof Error ? { ...base, reply: '', scores: { exact: 0, normalized: 0, f1: 0 }, error: r.message } : { ...base, reply: r, scores: scoreReply(r, e.reference) },
        e,
      ),
    );
  });
  return [header, ...[...rows].reverse(), { type: 'summary', status: 'completed', finishedAt: '2026-12-01T10:01:00.000Z', models: summarize([model], rows) }]
    .map((r) => recordLine(r as EvalHeader))
    .join('');
}

describe('migrate: the baseline file', () => {
  it('reads back with its info and its prompts, in dataset order', () => {
    const b = readBaseline(run('ft:old', 'openai', ['Paris', 'five', 'blue', 'Saturn']));
    assert.equal(b.info.provider, 'openai');
    assert.equal(b.info.settings.temperature, 0);
    const ex = baselineExamples(b);
    assert.deepEqual(ex.map((e) => e.line), [0, 1, 3, 4]);
    assert.deepEqual(ex[2]!.messages, examples[2]!.messages);
  });
  it('a plain results file reads as a baseline of its first model', () => {
    const text = run('m', 'openai', ['Paris']).replace(/,"baseline":\{[^}]*\{[^}]*\}[^}]*\}/, '');
    const b = readBaseline(text);
    assert.equal(b.info.model, 'm');
    assert.equal(b.info.validationFile, 'val.jsonl');
  });
  it('file names are safe', () => {
    assert.equal(modelSlug('ft:gpt-4o-mini-2024-07-18:org::abc'), 'ft-gpt-4o-mini-2024-07-18-org-abc');
    assert.equal(baselineFileName('ft:x::y', new Date('2026-12-03T14:05:09.123Z')), 'ft-x-y-20261203T140509Z.jsonl');
  });
});

describe('migrate: the comparison', () => {
  it('judges each example better, worse or the same; counts; means side by side', () => {
    const before = readBaseline(run('ft:old', 'openai', ['Paris', 'five', 'blue', 'Jupiter']));
    const after = readBaseline(run('ft:new', 'azure', ['Paris', 'four', 'it is blue', new Error('HTTP 500')]));
    const v = compareRuns(before, after, { baseline: 'b.jsonl', candidate: 'c.jsonl' });
    assert.deepEqual(v.examples.map((e) => e.verdict), ['same', 'better', 'worse', 'worse']);
    assert.deepEqual(v.counts, { better: 1, worse: 2, same: 1, missing: 0 });
    assert.equal(v.baseline.model, 'ft:old');
    assert.equal(v.baseline.provider, 'openai');
    assert.equal(v.baseline.recordedAt, '2026-12-01T10:00:00.000Z');
    assert.equal(v.candidate.provider, 'azure');
    assert.equal(v.candidate.errors, 1);
    assert.equal(v.baseline.means.exact, 0.75);
    assert.equal(v.candidate.means.exact, 2 / 3);
    assert.equal(v.examples[1]!.deltaF1, 1);
    assert.equal(v.examples[3]!.deltaF1, -1);
    assert.equal(v.examples[0]!.prompt, 'capital of France?');
    assert.equal(v.examples[3]!.candidate!.error, 'HTTP 500');
    assert.deepEqual(v.notes, []);
  });
  it('notes examples only one side has and different settings', () => {
    const before = readBaseline(run('a', 'openai', ['Paris', 'four', undefined, 'Jupiter']));
    const after = readBaseline(run('b', 'azure', ['Paris', undefined, 'blue', 'Jupiter'], 0.7));
    const v = compareRuns(before, after, { baseline: 'b', candidate: 'c' });
    assert.equal(v.counts.missing, 2);
    assert.equal(v.examples.find((e) => e.line === 3)!.baseline, null);
    assert.match(v.notes.join(' '), /different temperatures \(baseline 0, new model 0\.7\)/);
    assert.match(v.notes.join(' '), /2 example\(s\) have a reply from only one/);
  });
  it('verdict: a normalised match decides before F1', () => {
    const row = (reply: string, reference: string): EvalRow => ({ type: 'result', model: 'm', line: 0, example: 1, reference, reply, scores: scoreReply(reply, reference) });
    assert.equal(verdict(row('The Paris', 'Paris'), row('Paris, France', 'Paris')), 'worse');
    assert.equal(verdict(row('Paris', 'Paris'), undefined), 'missing');
    assert.equal(providerFor('together').id, 'together');
  });
});
