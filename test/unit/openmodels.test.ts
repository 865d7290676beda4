/**
 * The open-model adapters (issue 20): Together, Fireworks, Nebius, Bedrock Mantle. The generic table checks
 * (sources, ranges, operations with reasons) run for them in providers.test.ts (they are in PROVIDERS); here: each
 * service's own rules, status tables against the service's own enum (Together's from its OpenAPI document), job
 * bodies, per-model limits, and the shared retry layer.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import {
  BEDROCK_MANTLE,
  FIREWORKS,
  FIREWORKS_STATUSES,
  NEBIUS,
  OPENAI_CAPABILITIES,
  TOGETHER,
  TOGETHER_STATUSES,
  narrowed,
  providerFor,
  togetherEstimateRequest,
  togetherModelFromLimits,
  tunelineStatus,
  type TrainingPlan,
} from '../../src/api/providers';
import * as sdkModule from '../../src/api/sdkClient';
import * as retryModule from '../../src/api/providers/retry';
import { CancelledError } from '../../src/core/errors';
import { DEFAULT_RETRY, ProviderHttpError, exampleLine, retryAfterFromHeaders, retryableStatus, errorBodyFacts } from '../../src/api/providers/retry';

const root = join(__dirname, '..', '..');

describe('open-model adapters (issue 20)', () => {
  it('providerFor knows every service', () => {
    assert.equal(providerFor('together'), TOGETHER);
    assert.equal(providerFor('fireworks'), FIREWORKS);
    assert.equal(providerFor('nebius'), NEBIUS);
    assert.equal(providerFor('bedrock-mantle'), BEDROCK_MANTLE);
  });

  describe('Together AI', () => {
    it('maps exactly the statuses of FinetuneJobStatus in Together\'s OpenAPI document', () => {
      const spec = load(readFileSync(join(root, 'tools/local-api/spec/together-openapi.yaml'), 'utf8')) as { components: { schemas: Record<string, { enum?: string[] }> } };
      const statuses = spec.components.schemas['FinetuneJobStatus']!.enum!;
      assert.deepEqual(TOGETHER_STATUSES.map((s) => s.service).sort(), [...statuses].sort());
      assert.deepEqual(TOGETHER_STATUSES.filter((s) => s.final).map((s) => s.service).sort(), ['cancelled', 'completed', 'error']);
      assert.equal(tunelineStatus(TOGETHER.capabilities, 'error')?.tuneline, 'failed');
      assert.equal(tunelineStatus(TOGETHER.capabilities, 'succeeded'), undefined, 'an OpenAI status is not a Together one');
    });

    it('builds the POST /fine-tunes body: LoRA by default with lora_r/lora_alpha, DPO beta, from_checkpoint, random_seed', () => {
      const plan: TrainingPlan = { model: 'openai/gpt-oss-20b', method: 'supervised', trainingFile: 'file-1', hyperparameters: { n_epochs: 3, learning_rate: 'auto' }, seed: 7, fromCheckpoint: 'ft-abc:10' };
      assert.deepEqual(TOGETHER.jobRequest(plan), {
        model: 'openai/gpt-oss-20b',
        training_file: 'file-1',
        n_epochs: 3,
        training_method: { method: 'sft', train_on_inputs: false },
        training_type: { type: 'Lora', lora_r: 8, lora_alpha: 16 },
        random_seed: 7,
        from_checkpoint: 'ft-abc:10',
      });
      const dpo = TOGETHER.jobRequest({ ...plan, method: 'dpo', hyperparameters: { dpo_beta: 0.3, lora_r: 32, lora_alpha: 64 }, options: { adapter: 'lora' } });
      assert.deepEqual(dpo['training_method'], { method: 'dpo', dpo_beta: 0.3 });
      assert.deepEqual(dpo['training_type'], { type: 'Lora', lora_r: 32, lora_alpha: 64 });
      assert.deepEqual(Object.keys(togetherEstimateRequest(plan)).sort(), ['from_checkpoint', 'model', 'n_epochs', 'training_file', 'training_method', 'training_type']);
    });

    it('enforces per-model limits (batch sizes from the models table) and the adapter kinds a model allows', () => {
      const base: TrainingPlan = { model: 'openai/gpt-oss-20b', method: 'supervised', trainingFile: 'f' };
      assert.deepEqual(TOGETHER.check({ ...base, hyperparameters: { batch_size: 8 } }), []);
      const p = TOGETHER.check({ ...base, hyperparameters: { batch_size: 16 } });
      assert.equal(p.length, 1);
      assert.match(p[0]!.message, /at most 8.*gpt-oss-20b/);
      assert.ok(TOGETHER.check({ ...base, options: { adapter: 'full' } }).some((x) => x.field === 'options'));
      assert.deepEqual(TOGETHER.check({ ...base, model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', options: { adapter: 'full' } }), []);
      assert.ok(TOGETHER.check({ ...base, hyperparameters: { n_evals: 2 } }).some((x) => x.field === 'validationFile'));
      assert.ok(TOGETHER.check({ ...base, fromCheckpoint: 'not a checkpoint!' }).some((x) => x.field === 'fromCheckpoint'));
      assert.ok(TOGETHER.check({ ...base, method: 'reinforcement' }).some((x) => x.field === 'method'));
    });

    it('narrows a spec by a model limit on each side, never widening it', () => {
      const spec = TOGETHER.capabilities.methods[0]!.hyperparameters.find((h) => h.name === 'learning_rate')!;
      const n = narrowed(spec, { min: 0.000001, max: 0.001 });
      assert.equal(n.min, 0.000001);
      assert.equal(n.exclusiveMin, false);
      assert.equal(n.max, 0.001);
      const loose = narrowed({ ...spec, max: 0.01 }, { min: -1, max: 1 });
      assert.equal(loose.max, 0.01, 'a looser model limit does not widen the spec');
      assert.equal(loose.min, spec.min);
      assert.equal(loose.exclusiveMin, spec.exclusiveMin);
    });

    it('reads the live model limits into a table row (epochs, learning rate, rank, the stricter batch size, Full)', () => {
      const row = togetherModelFromLimits({
        model_name: 'openai/gpt-oss-20b',
        max_num_epochs: 10,
        min_learning_rate: 1e-6,
        max_learning_rate: 1e-3,
        max_seq_length_sft: 16384,
        supports_full_training: false,
        lora_training: { max_rank: 32, min_batch_size: 8, max_batch_size: 16, max_batch_size_dpo: 8 },
      });
      assert.deepEqual(row.hyperparameterLimits, { n_epochs: { max: 10 }, learning_rate: { min: 1e-6, max: 1e-3 }, lora_r: { max: 32 }, batch_size: { min: 8, max: 8 } });
      assert.deepEqual(row.adapters, ['lora']);
      assert.equal(row.label, 'gpt-oss-20b');
    });

    it('serves tuned models on a dedicated endpoint (the stricter of the docs), never the -Reference models', () => {
      assert.equal(TOGETHER.capabilities.serving.kind, 'deployment');
      const d = TOGETHER.capabilities.serving.deploymentTypes[0]!;
      assert.ok(!d.models.some((m) => m.endsWith('-Reference')));
      assert.match(TOGETHER.capabilities.serving.source.note ?? '', /disagree/);
      assert.equal(TOGETHER.capabilities.priceEstimate?.support.supported, true);
      assert.equal(TOGETHER.explainError({ status: 402, message: 'credit limit exceeded' })?.message.includes('credit limit'), true);
    });
  });

  describe('Fireworks AI', () => {
    it('maps every value of gatewayJobState (the Gateway OpenAPI enum), COMPLETED/EARLY_STOPPED succeed', () => {
      const enumValues = ['UNSPECIFIED', 'CREATING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'DELETING', 'WRITING_RESULTS', 'VALIDATING', 'DELETING_CLEANING_UP', 'PENDING', 'EXPIRED', 'RE_QUEUEING', 'CREATING_INPUT_DATASET', 'IDLE', 'CANCELLING', 'EARLY_STOPPED', 'PAUSED', 'DELETED'].map((s) => `JOB_STATE_${s}`);
      assert.deepEqual(FIREWORKS_STATUSES.map((s) => s.service).sort(), enumValues.sort());
      assert.deepEqual(FIREWORKS_STATUSES.filter((s) => s.tuneline === 'succeeded').map((s) => s.service).sort(), ['JOB_STATE_COMPLETED', 'JOB_STATE_EARLY_STOPPED']);
    });

    it('job body: dataset names, baseModel or warmStartFrom (never both), hyperparameters by their API names', () => {
      const plan: TrainingPlan = { model: 'accounts/fireworks/models/llama-v3p1-8b-instruct', method: 'supervised', trainingFile: 'accounts/a/datasets/d', validationFile: 'accounts/a/datasets/v', hyperparameters: { epochs: 2, loraRank: 'auto' } };
      assert.deepEqual(FIREWORKS.jobRequest(plan), { dataset: 'accounts/a/datasets/d', baseModel: plan.model, evaluationDataset: 'accounts/a/datasets/v', epochs: 2 });
      const warm = FIREWORKS.jobRequest({ ...plan, fromCheckpoint: 'accounts/a/models/m1' });
      assert.equal(warm['baseModel'], undefined);
      assert.equal(warm['warmStartFrom'], 'accounts/a/models/m1');
      assert.equal(FIREWORKS.model('llama-v3p1-8b-instruct')?.id, plan.model);
      assert.ok(FIREWORKS.check({ ...plan, method: 'dpo' }).some((p) => p.field === 'method'));
      assert.equal(FIREWORKS.capabilities.upload.singleRequest.maxBytes, 150 * 1024 * 1024);
      assert.equal(FIREWORKS.capabilities.serving.kind, 'deployment');
    });
  });

  describe('Nebius Token Factory', () => {
    it('is the OpenAI shape at Nebius\' base URL, with its models, LoRA/full and a top-level hyperparameters body', () => {
      assert.equal(NEBIUS.capabilities.baseUrl.default, 'https://api.tokenfactory.nebius.com/v1');
      assert.equal(NEBIUS.capabilities.auth.keyEnvVar, 'NEBIUS_API_KEY');
      assert.equal(NEBIUS.model('gpt-4o-mini'), undefined);
      const plan: TrainingPlan = { model: 'meta-llama/Llama-3.3-70B-Instruct', method: 'supervised', trainingFile: 'f', options: { adapter: 'full' } };
      assert.ok(NEBIUS.check(plan).some((p) => p.field === 'options'), 'full weights only on Llama 3.1 8B');
      assert.deepEqual(NEBIUS.check({ ...plan, model: 'meta-llama/Meta-Llama-3.1-8B-Instruct' }), []);
      assert.deepEqual(NEBIUS.jobRequest({ ...plan, model: 'meta-llama/Meta-Llama-3.1-8B-Instruct', hyperparameters: { n_epochs: 2 } })['hyperparameters'], { n_epochs: 2, lora: false });
      assert.equal(NEBIUS.capabilities.operations.pause.supported, false);
      assert.equal(NEBIUS.capabilities.results.events.supported, true);
      assert.notEqual(NEBIUS.capabilities.upload, OPENAI_CAPABILITIES.upload);
    });
  });

  describe('Amazon Bedrock Mantle', () => {
    it('reinforcement only, with a grader; 100 to 20,000 examples with reference_answer', () => {
      const caps = BEDROCK_MANTLE.capabilities;
      assert.deepEqual(caps.methods.map((m) => m.method), ['reinforcement']);
      assert.equal(caps.dataset.minExamples, 100);
      assert.equal(caps.dataset.maxExamples, 20_000);
      assert.deepEqual(caps.dataset.requiredFields, ['reference_answer']);
      const plan: TrainingPlan = { model: 'openai.gpt-oss-20b', method: 'reinforcement', trainingFile: 'f' };
      assert.ok(BEDROCK_MANTLE.check(plan).some((p) => p.field === 'grader'));
      assert.ok(BEDROCK_MANTLE.check({ ...plan, grader: 'a lambda' }).some((p) => p.field === 'grader'));
      assert.deepEqual(BEDROCK_MANTLE.check({ ...plan, grader: { type: 'lambda', lambda_arn: 'arn:aws:lambda:us-east-1:1:function:f' } }), []);
      assert.ok(BEDROCK_MANTLE.check({ ...plan, method: 'supervised' }).some((p) => p.field === 'method'));
      assert.equal(caps.baseUrl.example, 'https://bedrock-mantle.REGION.api.aws/v1');
      assert.ok(caps.models.every((m) => m.openWeights));
    });
  });

  describe('shared retry layer (providers/retry.ts)', () => {
    it('is the one retry policy: SdkClient takes DEFAULT_RETRY and sleep from providers/retry.ts, defining none of its own', () => {
      const sdk = sdkModule;
      const retry = retryModule;
      assert.equal(sdk.DEFAULT_RETRY, retry.DEFAULT_RETRY, 'the same object, not a copy');
      assert.equal(sdk.sleep, retry.sleep, 'the same sleep');
      const src = readFileSync(join(root, 'src/api/sdkClient.ts'), 'utf8');
      assert.doesNotMatch(src, /DEFAULT_RETRY\s*(:\s*RetryPolicy)?\s*=/, 'no second definition in sdkClient.ts');
      assert.doesNotMatch(src, /function sleep\(/, 'no second sleep in sdkClient.ts');
      assert.deepEqual({ ...DEFAULT_RETRY }, { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 8_000, maxWaitMs: 60_000 });
    });

    it('a cancelled wait rejects with the core CancelledError', async () => {
      const { sleep } = retryModule;
      const ac = new AbortController();
      const p = sleep(10_000, ac.signal);
      ac.abort();
      await assert.rejects(p, (e: unknown) => e instanceof CancelledError);
    });

    it('reads retry-after-ms, retry-after in seconds and as an HTTP date', () => {
      const h = (o: Record<string, string>) => new Headers(o);
      assert.equal(retryAfterFromHeaders(h({ 'retry-after-ms': '250' })), 250);
      assert.equal(retryAfterFromHeaders(h({ 'retry-after': '2' })), 2000);
      assert.equal(retryAfterFromHeaders(h({ 'retry-after': new Date(10_000).toUTCString() }), 4_000), 6000);
      assert.equal(retryAfterFromHeaders(h({})), undefined);
    });

    it('retries 408/409/429/5xx but not a quota 429 or other 4xx; reads both error body shapes; scrubs keys', () => {
      assert.deepEqual([408, 409, 429, 500, 503].map((s) => retryableStatus(s)), [true, true, true, true, true]);
      assert.equal(retryableStatus(429, 'insufficient_quota'), false);
      assert.equal(retryableStatus(400), false);
      assert.deepEqual(errorBodyFacts({ error: { message: 'bad', code: 'x' } }), { message: 'bad', code: 'x' });
      assert.deepEqual(errorBodyFacts({ code: 3, message: 'invalid' }), { message: 'invalid', code: '3' });
      assert.ok(!errorBodyFacts({ error: { message: 'Invalid key sk-abcdefghijk' } }).message.includes('abcdefghijk'));
      const e = new ProviderHttpError('Together AI', 'read job ft-1', 500, 'boom', undefined, undefined, 3);
      assert.equal(e.message, 'Together AI answered 500 when Tuneline tried to read job ft-1: boom (after 3 retries)');
    });

    it('maps "Example N" in a failure message to the dataset line (blank lines are not examples)', () => {
      assert.equal(exampleLine('Dataset validation failed. Example 2: bad', 'a\n\nb\nc\n'), 2);
      assert.equal(exampleLine('no example here', 'a\n'), undefined);
    });
  });
});
