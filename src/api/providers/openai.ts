/**
 * The OpenAI adapter: what the OpenAI fine-tuning API offers today, and its wind-down (the dates are core's:
 * src/core/retirement.ts; `403 training_not_available` explained in plain words with the dates and what to do next).
 *
 * Sources (read 2026-12-03 unless noted):
 * - SPEC: the official OpenAPI document, openai/openai-openapi `openapi.json` at f85dbe22 (2026-08-21), copied in
 *   shared/openai-openapi (read 2026-12-03): hyperparameter ranges, upload limits, operations.
 * - GUIDE: https://platform.openai.com/docs/guides/fine-tuning — methods per model, checkpoints, result files
 *   (via reference/openai-format-rules.md §10, the source of `src/core/models.ts`).
 * - DEPRECATIONS: https://developers.openai.com/api/docs/deprecations (read 2026-12-03) — the wind-down and retirement dates (also
 *   reference/openai-format-rules.md S10/S13 and the lead's issue 16/18 text; secondary: aihola.com
 *   "openai-ends-fine-tuning-2027", techscurrent.com 2026-07, read 2026-12-03).
 */
import { MODELS, type ModelInfo } from '../../core/models';
import { OPENAI_DATES, openaiDates } from '../../core/retirement';
import { makeProvider, profileDataset } from './base';
import {
  supported,
  type ErrorExplanation,
  type ErrorFacts,
  type HyperparameterSpec,
  type MethodCapability,
  type PlanProblem,
  type Provider,
  type ProviderCapabilities,
  type Retirement,
  type Source,
  type TrainingMethod,
  type TunableModel,
} from './types';

const READ = '2026-12-03';
export const OPENAI_SOURCES = {
  spec: { url: 'https://github.com/openai/openai-openapi/blob/f85dbe223d40e1a31cba812ab2d755c7e98a92a3/openapi.json', read: READ },
  guide: { url: 'https://platform.openai.com/docs/guides/fine-tuning', read: READ, note: 'via reference/openai-format-rules.md §10 (src/core/models.ts)' },
  deprecations: {
    url: 'https://developers.openai.com/api/docs/deprecations',
    read: READ,
    note: `Self-serve fine-tuning wind-down: no new jobs from ${OPENAI_DATES.noNewJobs}; gpt-4o, gpt-4o-mini, gpt-4.1, gpt-4.1-mini and their fine-tunes stop serving ${OPENAI_DATES.gpt4oAnd41Serving}; gpt-4.1-nano, o4-mini and theirs stopped ${OPENAI_DATES.nanoAndO4MiniServing} (also reference/openai-format-rules.md S10/S13, issues 16/18)`,
  },
  auth: { url: 'https://platform.openai.com/docs/api-reference/authentication', read: READ, note: 'Authorization: Bearer; SPEC components.securitySchemes.ApiKeyAuth' },
} as const satisfies Record<string, Source>;

/** The wind-down dates (ISO; core's OPENAI_DATES), with their source. */
export const OPENAI_WIND_DOWN = { ...OPENAI_DATES, source: OPENAI_SOURCES.deprecations } as const;

const hp = (h: Omit<HyperparameterSpec, 'source'>): HyperparameterSpec => ({ ...h, source: OPENAI_SOURCES.spec });

// SPEC components.schemas.FineTuneSupervisedHyperparameters / FineTuneDPOHyperparameters /
// FineTuneReinforcementHyperparameters.
const COMMON: readonly HyperparameterSpec[] = [
  hp({ name: 'n_epochs', label: 'Epochs', kind: 'integer', min: 1, max: 50, auto: true }),
  hp({ name: 'batch_size', label: 'Batch size', kind: 'integer', min: 1, max: 256, auto: true }),
  hp({ name: 'learning_rate_multiplier', label: 'Learning rate multiplier', kind: 'number', min: 0, exclusiveMin: true, auto: true }),
];

const METHODS: readonly MethodCapability[] = [
  { method: 'supervised', label: 'Supervised (SFT)', hyperparameters: COMMON, requiresValidationFile: false, requiresGrader: false, source: OPENAI_SOURCES.spec },
  {
    method: 'dpo',
    label: 'Preference (DPO)',
    hyperparameters: [...COMMON, hp({ name: 'beta', label: 'Beta', kind: 'number', min: 0, exclusiveMin: true, max: 2, auto: true })],
    requiresValidationFile: false,
    requiresGrader: false,
    source: OPENAI_SOURCES.spec,
  },
  {
    method: 'reinforcement',
    label: 'Reinforcement (RFT)',
    hyperparameters: [
      ...COMMON,
      hp({ name: 'reasoning_effort', label: 'Reasoning effort', kind: 'enum', values: ['default', 'low', 'medium', 'high'], auto: false, default: 'default' }),
      hp({ name: 'compute_multiplier', label: 'Compute multiplier', kind: 'number', min: 0.00001, exclusiveMin: true, max: 10, auto: true }),
      hp({ name: 'eval_interval', label: 'Evaluation interval (steps)', kind: 'integer', min: 1, auto: true }),
      hp({ name: 'eval_samples', label: 'Evaluation samples', kind: 'integer', min: 1, auto: true }),
    ],
    requiresValidationFile: false,
    requiresGrader: true,
    source: OPENAI_SOURCES.spec,
  },
];

/** Retirement per catalogue id (issue 18), from core's dates: OpenAI stops all new jobs on `noNewJobs`. */
function retirementOf(id: string): Retirement {
  const d = openaiDates(id);
  const source = OPENAI_WIND_DOWN.source;
  if (d.serving) return { training: d.training, serving: d.serving, source };
  return { training: d.training, noDate: ['serving'], source: { ...source, note: `${source.note}; no serving date announced for this model` } };
}

/** The OpenAI table is the catalogue's current chat models (legacy prompt/completion models take no new jobs). */
function fromCatalogue(m: ModelInfo): TunableModel {
  return {
    id: m.id,
    aliases: m.aliases,
    label: m.aliases[0] ?? m.id,
    methods: m.methods.filter((x): x is TrainingMethod => x !== 'completion'),
    ...(m.trainingExampleLimit !== undefined ? { trainingExampleLimit: m.trainingExampleLimit } : {}),
    vision: m.vision === true,
    openWeights: false,
    preview: false,
    retirement: retirementOf(m.id),
    catalogueId: m.id,
    source: OPENAI_SOURCES.guide,
  };
}

export const OPENAI_MODELS: readonly TunableModel[] = MODELS.filter((m) => !m.legacy && !m.deprecated).map(fromCatalogue);

export const OPENAI_CAPABILITIES: ProviderCapabilities = {
  methods: METHODS,
  models: OPENAI_MODELS,
  trainingOptions: [],
  upload: {
    // SPEC POST /files: "Individual files can be up to 512 MB".
    singleRequest: { maxBytes: 512 * 1024 * 1024, source: OPENAI_SOURCES.spec },
    // SPEC POST /uploads: "at most 8 GB in total"; POST /uploads/{id}/parts: "Each Part can be at most 64 MB".
    multipart: { ...supported(OPENAI_SOURCES.spec), maxBytes: 8 * 1024 ** 3, partBytes: 64 * 1024 * 1024 },
    importFromUrl: { supported: false, reason: 'OpenAI takes files only as uploads (POST /files or /uploads); it has no import from a URL.', source: OPENAI_SOURCES.spec },
  },
  operations: {
    create: supported(OPENAI_SOURCES.spec, 'POST /fine_tuning/jobs (refused with 403 training_not_available during the wind-down)'),
    list: supported(OPENAI_SOURCES.spec, 'GET /fine_tuning/jobs'),
    retrieve: supported(OPENAI_SOURCES.spec, 'GET /fine_tuning/jobs/{id}'),
    cancel: supported(OPENAI_SOURCES.spec, 'POST /fine_tuning/jobs/{id}/cancel'),
    pause: supported(OPENAI_SOURCES.spec, 'POST /fine_tuning/jobs/{id}/pause'),
    resume: supported(OPENAI_SOURCES.spec, 'POST /fine_tuning/jobs/{id}/resume'),
    events: supported(OPENAI_SOURCES.spec, 'GET /fine_tuning/jobs/{id}/events'),
    metrics: supported(OPENAI_SOURCES.spec, 'metrics events (type "metrics") while running, the result file after'),
    checkpoints: supported(OPENAI_SOURCES.spec, 'GET /fine_tuning/jobs/{id}/checkpoints'),
  },
  results: {
    events: supported(OPENAI_SOURCES.spec, 'FineTuningJobEvent.type "metrics" with data {step, train_loss, ...}'),
    resultFile: { ...supported(OPENAI_SOURCES.guide, 'FineTuningJob.result_files: a CSV, sometimes base64-encoded'), columns: ['step', 'train_loss', 'train_accuracy', 'valid_loss', 'valid_mean_token_accuracy'] },
    metricsEndpoint: { supported: false, reason: 'OpenAI has no metrics endpoint: curves come from the metrics events and the result file.', source: OPENAI_SOURCES.spec },
  },
  serving: {
    kind: 'direct',
    deploymentTypes: [],
    checkpoints: supported(OPENAI_SOURCES.guide, 'a checkpoint\'s fine_tuned_model_checkpoint id is chatted with directly'),
    source: OPENAI_SOURCES.guide,
  },
  auth: { methods: ['bearer'], keyHeader: 'authorization', keyEnvVar: 'OPENAI_API_KEY', source: OPENAI_SOURCES.auth },
  baseUrl: { default: 'https://api.openai.com/v1', setting: 'tuneline.baseUrl', example: 'https://api.openai.com/v1', source: OPENAI_SOURCES.spec },
  // From the OpenAI dataset profile (core): at least 10 examples, 512 MB per file, 10 images of 10 MB, no BOM rule.
  dataset: profileDataset('openai', {
    ...OPENAI_SOURCES.guide,
    note: 'at least 10 examples (reference FILE rules); 512 MB per file (SPEC POST /files); BOM handling is a gap with no source (reference §12; rule utf8-bom warns)',
  }),
  quotas: { source: { ...OPENAI_SOURCES.guide, note: 'OpenAI publishes no per-organisation job-count quota' } },
};

const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);

/** Plain words for the wind-down, by date: what has stopped, what stops next, and what to do. */
export function windDownExplanation(now: number): ErrorExplanation {
  const d = OPENAI_WIND_DOWN;
  const past = now >= day(d.noNewJobs);
  const message = past
    ? `OpenAI no longer accepts new fine-tuning jobs: it stopped on ${d.noNewJobs} for every organisation. ` +
      `Fine-tuned models keep answering until their base model retires: gpt-4o, gpt-4o-mini, gpt-4.1 and gpt-4.1-mini (and every fine-tune on them) stop on ${d.gpt4oAnd41Serving}; ` +
      `gpt-4.1-nano and o4-mini fine-tunes already stopped on ${d.nanoAndO4MiniServing}.`
    : `OpenAI refused to start this fine-tuning job (403 training_not_available): it is winding down fine-tuning. ` +
      `Organisations that had never fine-tuned were refused from ${d.neverFineTunedRefused}, those with no fine-tuned-model use in the last 60 days from ${d.inactiveRefused}, and no organisation can start a job after ${d.noNewJobs}. ` +
      `Existing fine-tunes keep answering until their base model retires: gpt-4o, gpt-4o-mini, gpt-4.1 and gpt-4.1-mini on ${d.gpt4oAnd41Serving}; gpt-4.1-nano and o4-mini fine-tunes stopped on ${d.nanoAndO4MiniServing}.`;
  return {
    message,
    next:
      'Train on another service with the same data: set "tuneline.provider" to "azure" (Azure OpenAI in Microsoft Foundry fine-tunes gpt-4.1, gpt-4.1-mini, gpt-4.1-nano, gpt-4o, gpt-4o-mini and o4-mini with the same API) ' +
      'and set its API key. Before a fine-tune stops serving, keep a baseline of its replies on your validation file with "Evaluate Model on Validation File", to compare the new model against.',
    source: d.source,
  };
}

export interface OpenAIProviderOptions {
  /** The clock (ms), for the wind-down dates. */
  readonly now?: () => number;
}

export function openAIProvider(options: OpenAIProviderOptions = {}): Provider {
  const now = options.now ?? Date.now;
  return makeProvider('openai', 'OpenAI', OPENAI_CAPABILITIES, {
    extraProblems: (_plan, model): PlanProblem[] => {
      const t = now();
      if (t >= day(OPENAI_WIND_DOWN.noNewJobs)) {
        return [{ field: 'model', message: windDownExplanation(t).message }];
      }
      const training = model?.retirement?.training;
      if (model && training && t >= day(training)) {
        return [{ field: 'model', message: `OpenAI no longer trains ${model.label}: its fine-tuning ended on ${training}.` }];
      }
      return [];
    },
    explainError: (facts: ErrorFacts) => {
      if (facts.code === 'training_not_available' || (facts.status === 403 && /training[_ ]not[_ ]available/i.test(facts.message ?? ''))) {
        return windDownExplanation(now());
      }
      return undefined;
    },
  });
}

export const OPENAI: Provider = openAIProvider();
