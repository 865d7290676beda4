/**
 * The provider adapters' capability tables (issue 16): every value cites a source, ranges are sane, methods × models
 * agree with the catalogue (src/core/models.ts), the Azure rules (training types, open models, DPO/RFT per model,
 * quotas, dataset), plan checks and job requests, and the OpenAI wind-down explanation.
 */
import * as assert from 'node:assert/strict';
import {
  AZURE,
  AZURE_CAPABILITIES,
  AZURE_DEPLOYMENT_TYPES,
  AZURE_TRAINING_TYPE,
  CUSTOM,
  JOB_OPERATIONS,
  OPENAI,
  OPENAI_CAPABILITIES,
  OPENAI_WIND_DOWN,
  PROVIDERS,
  TRAINING_METHODS,
  baseOfModelId,
  checkHyperparameter,
  openAIProvider,
  providerFor,
  type HyperparameterSpec,
  type Provider,
  type Source,
  type TrainingPlan,
} from '../../src/api/providers';
import { MODELS, modelById } from '../../src/core/models';

const TODAY = '2026-12-03';

/** Every `source` (and every Support, model, hyperparameter...) in an object tree, with its path. */
function sources(node: unknown, path = '$', out: { path: string; source: unknown }[] = []): { path: string; source: unknown }[] {
  if (Array.isArray(node)) node.forEach((n, i) => sources(n, `${path}[${i}]`, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'source') out.push({ path, source: v });
      else sources(v, `${path}.${k}`, out);
    }
  }
  return out;
}

function assertSource(s: unknown, where: string): void {
  assert.ok(s && typeof s === 'object', `${where}: no source`);
  const src = s as Source;
  assert.ok(/^(https:\/\/\S+|GET \/models|issues show \d+)/.test(src.url), `${where}: source url "${src.url}"`);
  if (src.read !== 'at run time') {
    assert.match(src.read, /^\d{4}-\d{2}-\d{2}$/, `${where}: read date`);
    assert.ok(src.read <= TODAY && src.read >= '2025-01-01', `${where}: read date ${src.read} out of range`);
  }
  if (src.url.startsWith('issues show')) assert.ok(src.note && /not found|verify/i.test(src.note), `${where}: a value only from the issue must say it is unverified`);
}

/** Objects that must carry a source themselves (not only somewhere below). */
function mustCite(caps: Provider['capabilities']): { where: string; value: { source?: unknown } }[] {
  const out: { where: string; value: { source?: unknown } }[] = [];
  caps.methods.forEach((m) => {
    out.push({ where: `method ${m.method}`, value: m });
    m.hyperparameters.forEach((h) => out.push({ where: `${m.method}.${h.name}`, value: h }));
  });
  caps.models.forEach((m) => out.push({ where: `model ${m.id}`, value: m }));
  caps.trainingOptions.forEach((o) => {
    out.push({ where: `option ${o.id}`, value: o });
    o.choices.forEach((c) => out.push({ where: `option ${o.id}.${c.id}`, value: c.support }));
  });
  for (const op of JOB_OPERATIONS) out.push({ where: `operation ${op}`, value: caps.operations[op] });
  out.push({ where: 'upload.single', value: caps.upload.singleRequest }, { where: 'upload.multipart', value: caps.upload.multipart }, { where: 'upload.url', value: caps.upload.importFromUrl });
  out.push({ where: 'results.events', value: caps.results.events }, { where: 'results.file', value: caps.results.resultFile }, { where: 'results.endpoint', value: caps.results.metricsEndpoint });
  out.push({ where: 'serving', value: caps.serving }, { where: 'serving.checkpoints', value: caps.serving.checkpoints });
  caps.serving.deploymentTypes.forEach((d) => out.push({ where: `deployment ${d.skuName}`, value: d }));
  out.push({ where: 'auth', value: caps.auth }, { where: 'baseUrl', value: caps.baseUrl }, { where: 'dataset', value: caps.dataset }, { where: 'quotas', value: caps.quotas });
  return out;
}

function assertSaneRange(h: HyperparameterSpec, where: string): void {
  if (h.kind === 'enum') {
    assert.ok(h.values && h.values.length > 0, `${where}: enum without values`);
    if (h.default !== undefined) assert.ok(h.values.includes(String(h.default)), `${where}: default ${h.default} not a value`);
    return;
  }
  assert.ok(h.min !== undefined, `${where}: numeric hyperparameter without a lower bound`);
  if (h.max !== undefined) assert.ok(h.max > h.min!, `${where}: max ${h.max} <= min ${h.min}`);
  if (h.kind === 'integer') {
    assert.ok(Number.isInteger(h.min), `${where}: integer bounds`);
    if (h.max !== undefined) assert.ok(Number.isInteger(h.max), `${where}: integer bounds`);
  }
  if (typeof h.default === 'number') assert.equal(checkHyperparameter(h, h.default), undefined, `${where}: default out of range`);
  if (h.recommended) {
    assert.ok(h.recommended.min < h.recommended.max, `${where}: recommended range`);
    assert.equal(checkHyperparameter(h, h.recommended.min), undefined, `${where}: recommended min out of range`);
    if (h.max !== undefined) assert.ok(h.recommended.max <= h.max, `${where}: recommended max out of range`);
  }
  // the checker really refuses values outside the range
  const below = h.exclusiveMin ? h.min! : h.min! - 1;
  assert.ok(checkHyperparameter(h, below), `${where}: ${below} should be refused`);
  if (h.max !== undefined) assert.ok(checkHyperparameter(h, h.max + 1), `${where}: ${h.max + 1} should be refused`);
  assert.equal(checkHyperparameter(h, 'auto') === undefined, h.auto, `${where}: "auto" handling`);
}

describe('provider adapters: capability tables', () => {
  for (const p of PROVIDERS) {
    describe(p.label, () => {
      it('every value cites a source (URL and date read)', () => {
        for (const { where, value } of mustCite(p.capabilities)) assertSource(value.source, `${p.id} ${where}`);
        for (const { path, source } of sources(p.capabilities)) assertSource(source, `${p.id} ${path}`);
      });

      it('declares every job operation, and each unsupported one says why', () => {
        for (const op of JOB_OPERATIONS) {
          const s = p.capabilities.operations[op];
          assert.ok(s, `${op} missing`);
          if (!s.supported) assert.ok(s.reason.length > 20, `${op}: reason`);
        }
        for (const s of [p.capabilities.upload.multipart, p.capabilities.upload.importFromUrl, p.capabilities.results.metricsEndpoint, p.capabilities.results.events]) {
          if (!s.supported) assert.ok(s.reason.length > 20);
        }
      });

      it('hyperparameter ranges are sane and enforced', () => {
        for (const m of p.capabilities.methods) {
          assert.ok(TRAINING_METHODS.includes(m.method));
          const names = m.hyperparameters.map((h) => h.name);
          assert.equal(new Set(names).size, names.length, `${m.method}: duplicate hyperparameter`);
          for (const h of m.hyperparameters) assertSaneRange(h, `${p.id} ${m.method}.${h.name}`);
          // Every method has the three core knobs, under the service's own API names (OpenAI n_epochs, Together
          // n_epochs/learning_rate, Fireworks epochs/learningRate/batchSize...).
          const labels = m.hyperparameters.map((h) => h.label);
          for (const core of [/^Epochs$/, /^Batch size/, /^Learning rate/]) assert.ok(labels.some((l) => core.test(l)), `${p.id} ${m.method} lacks ${core}`);
          if (p.id === 'openai' || p.id === 'azure' || p.id === 'custom') {
            for (const core of ['n_epochs', 'batch_size', 'learning_rate_multiplier']) assert.ok(names.includes(core), `${m.method} lacks ${core}`);
          }
        }
        const dpo = p.capabilities.methods.find((m) => m.method === 'dpo');
        if (p.id === 'openai' || p.id === 'azure' || p.id === 'custom') assert.ok(dpo?.hyperparameters.some((h) => h.name === 'beta'));
        if (dpo) assert.ok(dpo.hyperparameters.some((h) => /beta/i.test(h.label)), `${p.id}: DPO without a beta`);
      });

      it('models × methods agree with the catalogue (src/core/models.ts)', () => {
        const ids = new Set<string>();
        for (const m of p.capabilities.models) {
          assert.ok(!ids.has(m.id), `duplicate ${m.id}`);
          ids.add(m.id);
          assert.ok(m.methods.length > 0, `${m.id}: no method`);
          for (const method of m.methods) assert.ok(p.capabilities.methods.some((x) => x.method === method), `${m.id}: ${method} has no capability entry`);
          if (m.catalogueId) {
            const cat = modelById(m.catalogueId);
            assert.ok(cat, `${m.id}: catalogue id ${m.catalogueId} unknown`);
            for (const method of m.methods) assert.ok(cat.methods.includes(method), `${p.id} offers ${method} on ${m.id}; the catalogue does not`);
            for (const a of m.aliases) assert.ok(cat.aliases.includes(a) || a === cat.id, `${m.id}: alias ${a} not in the catalogue`);
          } else {
            assert.ok(m.openWeights, `${m.id}: a model outside the catalogue must be an open-weight one`);
          }
          assert.equal(p.model(m.id), m);
          for (const a of m.aliases) assert.equal(p.model(a), m);
        }
      });
    });
  }

  it('the OpenAI table is the catalogue\'s current chat models with their methods', () => {
    const current = MODELS.filter((m) => !m.legacy && !m.deprecated);
    assert.deepEqual(OPENAI_CAPABILITIES.models.map((m) => m.id), current.map((m) => m.id));
    for (const m of current) {
      assert.deepEqual(OPENAI.model(m.id)?.methods, m.methods.filter((x) => x !== 'completion'));
    }
    assert.equal(OPENAI_CAPABILITIES.serving.kind, 'direct');
    assert.deepEqual(OPENAI_CAPABILITIES.auth.methods, ['bearer']);
    assert.equal(OPENAI_CAPABILITIES.upload.multipart.supported, true);
    assert.equal(OPENAI_CAPABILITIES.upload.multipart.partBytes, 64 * 1024 * 1024);
  });

  it('providerFor maps the setting to the adapter', () => {
    assert.equal(providerFor('openai'), OPENAI);
    assert.equal(providerFor('azure'), AZURE);
    assert.equal(providerFor('custom'), CUSTOM);
  });

  it('fine-tuned ids resolve to their base on both services', () => {
    assert.equal(baseOfModelId('ft:gpt-4o-mini-2024-07-18:acme::abc123'), 'gpt-4o-mini-2024-07-18');
    assert.equal(baseOfModelId(`gpt-4.1-2025-04-14.ft-${'a'.repeat(32)}-mine`), 'gpt-4.1-2025-04-14');
    assert.equal(AZURE.model(`gpt-4.1-mini-2025-04-14.ft-${'b'.repeat(32)}`)?.id, 'gpt-4.1-mini-2025-04-14');
    assert.equal(OPENAI.model('ft:gpt-4.1-2025-04-14:acme:x:abc')?.id, 'gpt-4.1-2025-04-14');
  });
});

describe('provider adapters: Azure AI Foundry rules', () => {
  const azure = AZURE_CAPABILITIES;

  it('DPO on gpt-4o, gpt-4.1 and gpt-4.1-mini only; RFT on o4-mini only; SFT on every chat model', () => {
    const dpo = azure.models.filter((m) => m.methods.includes('dpo')).map((m) => m.id).sort();
    assert.deepEqual(dpo, ['gpt-4.1-2025-04-14', 'gpt-4.1-mini-2025-04-14', 'gpt-4o-2024-08-06']);
    assert.deepEqual(azure.models.filter((m) => m.methods.includes('reinforcement')).map((m) => m.id), ['o4-mini-2025-04-16']);
    for (const id of ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano', 'gpt-4o', 'gpt-4o-mini']) assert.ok(AZURE.model(id)?.methods.includes('supervised'), id);
  });

  it('the open models are supervised, Global training only, open-weight', () => {
    for (const id of ['gpt-oss-20b', 'Llama-3.3-70B-Instruct', 'Qwen-32B', 'Ministral-3B']) {
      const m = AZURE.model(id);
      assert.ok(m, id);
      assert.deepEqual(m.methods, ['supervised']);
      assert.deepEqual(m.trainingTypes, ['global']);
      assert.equal(m.openWeights, true);
    }
    assert.equal(AZURE.model('Llama-3.3-70B')?.id, 'Llama-3.3-70B-Instruct');
    assert.equal(AZURE.model('Qwen-32B')?.trainingExampleLimit, 8_192);
  });

  it('RFT needs a grader and a validation file, and a last message from the user', () => {
    const rft = AZURE.methodsFor('o4-mini').find((m) => m.method === 'reinforcement');
    assert.ok(rft);
    assert.equal(rft.requiresGrader, true);
    assert.equal(rft.requiresValidationFile, true);
    assert.equal(rft.lastMessageRole, 'user');
    assert.deepEqual(rft.hyperparameters.find((h) => h.name === 'reasoning_effort')?.values, ['low', 'medium', 'high']);
    // OpenAI does not require the validation file
    assert.equal(OPENAI.methodsFor('o4-mini').find((m) => m.method === 'reinforcement')?.requiresValidationFile, false);
  });

  it('training types: Standard, Global ("globalstandard"), Developer; Data Zone is not a training type', () => {
    assert.equal(AZURE_TRAINING_TYPE.field, 'trainingType');
    const byId = Object.fromEntries(AZURE_TRAINING_TYPE.choices.map((c) => [c.id, c]));
    assert.equal(byId['global']?.apiValue, 'globalstandard');
    assert.equal(byId['standard']?.support.supported, true);
    assert.equal(byId['developer']?.support.supported, true);
    const dz = byId['datazone']?.support;
    assert.ok(dz && !dz.supported && /deployment/i.test(dz.reason));
    assert.deepEqual(AZURE.model('o4-mini')?.trainingTypes, ['standard', 'global']);
    assert.equal(AZURE.model('gpt-4.1-nano')?.trainingExampleLimit, 32_768);
  });

  it('deployments: Developer has a 24-hour lifetime and no hosting fee, only for the gpt-4.1 family; every deployable model is in the table', () => {
    assert.equal(azure.serving.kind, 'deployment');
    assert.equal(azure.serving.maxDeployments, 10);
    const dev = AZURE_DEPLOYMENT_TYPES.find((d) => d.label === 'Developer');
    assert.ok(dev);
    assert.equal(dev.lifetimeHours, 24);
    assert.equal(dev.hourlyHostingFee, false);
    assert.deepEqual([...dev.models].sort(), ['gpt-4.1-2025-04-14', 'gpt-4.1-mini-2025-04-14', 'gpt-4.1-nano-2025-04-14']);
    for (const d of AZURE_DEPLOYMENT_TYPES) for (const id of d.models) assert.ok(AZURE.model(id), `${d.skuName}: ${id}`);
  });

  it('dataset rules and job quotas differ from OpenAI\'s as the Azure docs say', () => {
    assert.equal(azure.dataset.utf8Bom, 'accepted');
    assert.equal(OPENAI_CAPABILITIES.dataset.utf8Bom, 'unknown');
    assert.equal(azure.dataset.maxImagesPerExample, 64);
    assert.equal(azure.dataset.maxImageBytes, 10 * 1024 * 1024);
    assert.equal(azure.dataset.minExamples, 10);
    // quotas-limits.md: 100 files (02/17/2026) vs 50 (07/11/2025): the stricter 50 is kept (issue 17, one source).
    assert.equal(azure.dataset.maxFiles, 50);
    assert.equal(azure.dataset.maxTotalFileBytes, 1024 ** 3);
    assert.equal(azure.quotas.maxRunning, 3);
    assert.equal(azure.quotas.maxRunningByTrainingType?.developer, 5);
    assert.equal(azure.quotas.maxQueued, 20);
    assert.equal(azure.upload.multipart.supported, false);
    assert.equal(azure.upload.importFromUrl.supported, true);
    assert.deepEqual(azure.auth.methods, ['api-key-header', 'entra-id']);
  });
});

describe('provider adapters: plans and job requests', () => {
  const plan = (p: Partial<TrainingPlan>): TrainingPlan => ({ model: 'gpt-4.1-mini', method: 'supervised', trainingFile: 'file-1', ...p });

  it('an open model trains with Global training without asking; Standard is refused with the reason', () => {
    assert.deepEqual(AZURE.check(plan({ model: 'gpt-oss-20b' })), []);
    const body = AZURE.jobRequest(plan({ model: 'gpt-oss-20b', hyperparameters: { n_epochs: 2, batch_size: 'auto' } }));
    assert.deepEqual(body, { model: 'gpt-oss-20b', training_file: 'file-1', method: { type: 'supervised', supervised: { hyperparameters: { n_epochs: 2 } } }, trainingType: 'globalstandard' });
    const problems = AZURE.check(plan({ model: 'gpt-oss-20b', options: { trainingType: 'standard' } }));
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.field, 'options');
    assert.match(problems[0]!.message, /does not train gpt-oss-20b.*Standard.*Global/);
    assert.match(AZURE.check(plan({ model: 'o4-mini', method: 'reinforcement', grader: {}, validationFile: 'f', options: { trainingType: 'developer' } }))[0]?.message ?? '', /Developer/);
    assert.match(AZURE.check(plan({ options: { trainingType: 'datazone' } }))[0]?.message ?? '', /Data Zone/);
  });

  it('the training type goes in the request only when chosen (Standard stays the service default otherwise)', () => {
    assert.equal(AZURE.jobRequest(plan({}))['trainingType'], undefined);
    assert.equal(AZURE.jobRequest(plan({ options: { trainingType: 'global' } }))['trainingType'], 'globalstandard');
    assert.equal(OPENAI.jobRequest(plan({ options: {} }))['trainingType'], undefined);
  });

  it('refuses a method the model lacks, a missing grader or validation file, out-of-range hyperparameters', () => {
    assert.equal(AZURE.check(plan({ model: 'gpt-4.1-nano', method: 'dpo' }))[0]?.field, 'method');
    const rft = AZURE.check(plan({ model: 'o4-mini', method: 'reinforcement' })).map((p) => p.field).sort();
    assert.deepEqual(rft, ['grader', 'validationFile']);
    const hp = AZURE.check(plan({ method: 'dpo', hyperparameters: { beta: 3, n_epochs: 0, batch_size: 1.5, nonsense: 1 } }));
    assert.deepEqual(hp.map((p) => p.key).sort(), ['batch_size', 'beta', 'n_epochs', 'nonsense']);
    assert.equal(AZURE.check(plan({ model: 'davinci-002' }))[0]?.field, 'model');
    const rftBody = AZURE.jobRequest(plan({ model: 'o4-mini', method: 'reinforcement', grader: { type: 'string_check' }, validationFile: 'file-2' }));
    assert.deepEqual(rftBody['method'], { type: 'reinforcement', reinforcement: { grader: { type: 'string_check' } } });
    assert.equal(rftBody['validation_file'], 'file-2');
  });

  it('a custom endpoint offers what its own list marks tunable; Azure keeps its table rows for listed ids', () => {
    assert.deepEqual(CUSTOM.tunableModels([{ id: 'my-llama', capabilities: { fine_tune: true } }, { id: 'chat-only', capabilities: { fine_tune: false } }, { id: 'unknown' }]).map((m) => m.id), ['my-llama']);
    assert.deepEqual(CUSTOM.methodsFor('my-llama').map((m) => m.method), ['supervised', 'dpo', 'reinforcement']);
    const listed = AZURE.tunableModels([{ id: 'gpt-4.1-mini-2025-04-14' }, { id: 'gpt-oss-20b', capabilities: { fine_tune: true } }, { id: 'text-embedding-3-small', capabilities: { fine_tune: false } }, { id: 'mystery', capabilities: { fine_tune: true } }]);
    assert.deepEqual(listed.map((m) => m.id), ['gpt-4.1-mini-2025-04-14', 'gpt-oss-20b']);
    assert.equal(AZURE.tunableModels().length, AZURE_CAPABILITIES.models.length);
  });
});

describe('provider adapters: the OpenAI wind-down', () => {
  const at = (iso: string) => openAIProvider({ now: () => Date.parse(`${iso}T12:00:00Z`) });

  it('explains 403 training_not_available with the dates and what to do next', () => {
    const e = at('2026-12-03').explainError({ status: 403, code: 'training_not_available', message: 'Fine-tuning is not available for this organization.' });
    assert.ok(e);
    for (const date of ['2026-05-07', '2026-07-02', '2027-01-06', '2027-01-14', '2026-10-23']) assert.ok(e.message.includes(date), date);
    assert.match(e.message, /gpt-4o, gpt-4o-mini, gpt-4\.1 and gpt-4\.1-mini/);
    assert.match(e.next, /tuneline\.provider.*azure/);
    assert.match(e.next, /baseline/);
    assert.equal(e.source.url, 'https://developers.openai.com/api/docs/deprecations');
    // the message alone is enough (some clients lose the code)
    assert.ok(at('2026-12-03').explainError({ status: 403, message: 'training_not_available: no new jobs' }));
  });

  it('after 2027-01-06 it says fine-tuning has stopped for everyone', () => {
    const e = at('2027-01-07').explainError({ status: 403, code: 'training_not_available' });
    assert.match(e?.message ?? '', /no longer accepts new fine-tuning jobs: it stopped on 2027-01-06/);
  });

  it('leaves other errors to the generic explanation', () => {
    assert.equal(OPENAI.explainError({ status: 403, code: 'model_not_available', message: 'no access' }), undefined);
    assert.equal(OPENAI.explainError({ status: 429, code: 'rate_limit_exceeded' }), undefined);
    assert.equal(AZURE.explainError({ status: 403, code: 'training_not_available' }), undefined);
  });

  it('disables what has already stopped, before anything is sent', () => {
    const now = at('2026-12-03');
    assert.deepEqual(now.check({ model: 'gpt-4.1-mini', method: 'supervised', trainingFile: 'f' }), []);
    assert.match(now.check({ model: 'gpt-4.1-nano', method: 'supervised', trainingFile: 'f' })[0]?.message ?? '', /ended on 2026-10-23/);
    assert.match(now.check({ model: 'o4-mini', method: 'reinforcement', trainingFile: 'f', grader: {} })[0]?.message ?? '', /2026-10-23/);
    const later = at('2027-01-06');
    assert.match(later.check({ model: 'gpt-4.1-mini', method: 'supervised', trainingFile: 'f' })[0]?.message ?? '', /stopped on 2027-01-06/);
    assert.equal(OPENAI.model('gpt-4o')?.retirement?.serving, OPENAI_WIND_DOWN.gpt4oAnd41Serving);
    assert.equal(OPENAI.model('gpt-4.1-nano')?.retirement?.serving, '2026-10-23');
  });

  it('explains Azure\'s job quota refusal in plain words', () => {
    const e = AZURE.explainError({ status: 429, code: 'quota_exceeded', message: 'The maximum number of queued fine-tuning jobs (20) for this resource has been reached' });
    assert.match(e?.message ?? '', /3 jobs running at once.*20 queued/);
    assert.equal(AZURE.explainError({ status: 429, code: 'rate_limit_exceeded', message: 'Rate limit reached for requests' }), undefined);
  });
});
