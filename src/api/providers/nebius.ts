/**
 * The Nebius Token Factory adapter (issue 20): an OpenAI-compatible fine-tuning API at its own base URL
 * (`https://api.tokenfactory.nebius.com/v1/`), so the OpenAI client (SdkClient) is used as is, with Nebius' base URL,
 * models and limits. Jobs take the top-level `hyperparameters` object (LoRA or full weights).
 *
 * Sources (read 2026-12-03):
 * - API: https://docs.tokenfactory.nebius.com/api-reference/introduction ("an OpenAI-compatible API for inference and
 *   fine-tuning"; base URL; Authorization: Bearer).
 * - POST: https://docs.tokenfactory.nebius.com/post-training/models (the models page, as linked from the skill below).
 * - SKILL: https://skills.sh/arindam200/nebius-skills/nebius-finetune (a third-party summary of the post-training docs:
 *   models, LoRA/full, .jsonl up to 5 GB, the hyperparameters). Values only from it are marked "verify".
 */
import { OPENAI_CAPABILITIES } from './openai';
import { makeProvider, profileDataset } from './base';
import { noDateAnnounced } from './retirement';
import {
  supported,
  unsupported,
  type HyperparameterSpec,
  type Provider,
  type ProviderCapabilities,
  type Source,
  type TrainingOption,
  type TrainingPlan,
  type TunableModel,
} from './types';

const READ = '2026-12-03';
export const NEBIUS_SOURCES = {
  api: { url: 'https://docs.tokenfactory.nebius.com/api-reference/introduction', read: READ },
  models: { url: 'https://docs.tokenfactory.nebius.com/post-training/models', read: READ, note: 'as summarised by the nebius-finetune skill (third party): verify against the page' },
  skill: { url: 'https://skills.sh/arindam200/nebius-skills/nebius-finetune', read: READ, note: 'third-party summary of the post-training docs: verify' },
} as const satisfies Record<string, Source>;

export const NEBIUS_BASE_URL = 'https://api.tokenfactory.nebius.com/v1';

const hp = (h: Omit<HyperparameterSpec, 'source'>): HyperparameterSpec => ({ ...h, source: NEBIUS_SOURCES.skill });

const SFT: readonly HyperparameterSpec[] = [
  hp({ name: 'n_epochs', label: 'Epochs', kind: 'integer', min: 1, auto: true }),
  hp({ name: 'learning_rate', label: 'Learning rate', kind: 'number', min: 0, exclusiveMin: true, auto: true }),
  hp({ name: 'batch_size', label: 'Batch size', kind: 'integer', min: 1, auto: true }),
  hp({ name: 'lora_r', label: 'LoRA rank', kind: 'integer', min: 1, auto: true }),
  hp({ name: 'lora_alpha', label: 'LoRA alpha', kind: 'integer', min: 1, auto: true }),
  hp({ name: 'lora_dropout', label: 'LoRA dropout', kind: 'number', min: 0, max: 1, auto: true }),
  hp({ name: 'warmup_ratio', label: 'Warm-up ratio', kind: 'number', min: 0, max: 1, auto: true }),
  hp({ name: 'weight_decay', label: 'Weight decay', kind: 'number', min: 0, auto: true }),
];

const model = (id: string, label: string, adapters: TunableModel['adapters']): TunableModel => ({
  id,
  aliases: [],
  label,
  methods: ['supervised'],
  vision: false,
  openWeights: true,
  preview: false,
  ...(adapters ? { adapters } : {}),
  retirement: noDateAnnounced({ ...NEBIUS_SOURCES.models, note: 'no retirement date for tuning or serving this base model on the pages read' }),
  source: NEBIUS_SOURCES.models,
});

export const NEBIUS_MODELS: readonly TunableModel[] = [
  model('meta-llama/Meta-Llama-3.1-8B-Instruct', 'Llama 3.1 8B Instruct', ['lora', 'full']),
  model('meta-llama/Llama-3.3-70B-Instruct', 'Llama 3.3 70B Instruct', ['lora']),
];

const ADAPTER: TrainingOption<'lora' | 'full'> = {
  id: 'adapter',
  label: 'Training type',
  field: 'hyperparameters.lora',
  choices: [
    { id: 'lora', label: 'LoRA', apiValue: 'true', description: 'A LoRA adapter, deployable serverlessly on the base model.', support: supported(NEBIUS_SOURCES.skill) },
    { id: 'full', label: 'Full weights', apiValue: 'false', description: 'Every weight (Llama 3.1 8B).', support: supported(NEBIUS_SOURCES.skill) },
  ],
  defaultChoice: 'lora',
  source: NEBIUS_SOURCES.skill,
};

export const NEBIUS_CAPABILITIES: ProviderCapabilities = {
  ...OPENAI_CAPABILITIES,
  methods: [{ method: 'supervised', label: 'Supervised (SFT)', hyperparameters: SFT, requiresValidationFile: false, requiresGrader: false, source: NEBIUS_SOURCES.skill }],
  models: NEBIUS_MODELS,
  trainingOptions: [ADAPTER],
  upload: {
    singleRequest: { maxBytes: 5 * 1024 ** 3, source: { ...NEBIUS_SOURCES.skill, note: 'Upload .jsonl files (max 5 GB): verify' } },
    multipart: unsupported('Nebius documents POST /files only (no /uploads parts API found).', NEBIUS_SOURCES.skill),
    importFromUrl: unsupported('Nebius takes files as uploads (POST /files).', NEBIUS_SOURCES.api),
  },
  operations: {
    ...OPENAI_CAPABILITIES.operations,
    pause: unsupported('Nebius documents no pause for fine-tuning jobs (only OpenAI has it).', NEBIUS_SOURCES.skill),
    resume: unsupported('Nebius documents no resume for fine-tuning jobs.', NEBIUS_SOURCES.skill),
    create: supported(NEBIUS_SOURCES.api, 'POST /v1/fine_tuning/jobs (OpenAI-compatible)'),
    list: supported(NEBIUS_SOURCES.api, 'GET /v1/fine_tuning/jobs'),
    retrieve: supported(NEBIUS_SOURCES.api, 'GET /v1/fine_tuning/jobs/{id}'),
    cancel: supported(NEBIUS_SOURCES.api, 'POST /v1/fine_tuning/jobs/{id}/cancel'),
    events: supported(NEBIUS_SOURCES.skill, 'GET /v1/fine_tuning/jobs/{id}/events'),
    metrics: supported(NEBIUS_SOURCES.skill, 'metrics events, as on OpenAI'),
    checkpoints: supported(NEBIUS_SOURCES.skill, 'GET /v1/fine_tuning/jobs/{id}/checkpoints'),
  },
  results: {
    events: supported(NEBIUS_SOURCES.skill, 'OpenAI-shaped events'),
    resultFile: unsupported('No result file documented for Nebius jobs: the curve comes from the events.', NEBIUS_SOURCES.skill),
    metricsEndpoint: unsupported('Nebius has no metrics endpoint (OpenAI-compatible API).', NEBIUS_SOURCES.api),
  },
  serving: {
    kind: 'direct',
    deploymentTypes: [],
    checkpoints: supported(NEBIUS_SOURCES.skill, 'LoRA checkpoints are deployed serverlessly like the final adapter'),
    source: { ...NEBIUS_SOURCES.skill, note: 'LoRA deployable serverlessly: chat with the fine-tuned model id (verify)' },
  },
  auth: { methods: ['bearer'], keyHeader: 'authorization', keyEnvVar: 'NEBIUS_API_KEY', source: NEBIUS_SOURCES.api },
  baseUrl: { default: NEBIUS_BASE_URL, setting: 'tuneline.baseUrl', example: NEBIUS_BASE_URL, source: NEBIUS_SOURCES.api },
  // From the Nebius dataset profile (core): https://docs.tokenfactory.nebius.com/post-training/datasets (read
  // 2026-12-03): conversational, instruction and text data; 5 GB per file; no minimum stated.
  dataset: profileDataset('nebius', { url: 'https://docs.tokenfactory.nebius.com/post-training/datasets', read: READ, note: 'messages, prompt/completion or text lines; "The size limit for dataset files is 5 gigabytes"; no minimum stated' }),
  quotas: { source: { ...NEBIUS_SOURCES.api, note: 'no job quota found in the pages read' } },
};

/** The POST /v1/fine_tuning/jobs body: OpenAI's top-level shape with Nebius' `hyperparameters` (and `lora`). */
export function nebiusJobRequest(plan: TrainingPlan): Record<string, unknown> {
  const hps = Object.fromEntries(Object.entries(plan.hyperparameters ?? {}).filter(([, v]) => v !== 'auto'));
  return {
    model: plan.model,
    training_file: plan.trainingFile,
    ...(plan.validationFile ? { validation_file: plan.validationFile } : {}),
    hyperparameters: { ...hps, lora: plan.options?.['adapter'] !== 'full' },
    ...(plan.suffix ? { suffix: plan.suffix } : {}),
    ...(plan.seed !== undefined ? { seed: plan.seed } : {}),
  };
}

function nebiusProvider(): Provider {
  const base = makeProvider('nebius', 'Nebius Token Factory', NEBIUS_CAPABILITIES, { unknownModelMethods: [] });
  return { ...base, jobRequest: nebiusJobRequest };
}

export const NEBIUS: Provider = nebiusProvider();
