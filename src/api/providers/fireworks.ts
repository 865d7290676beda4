/**
 * The Fireworks AI adapter (issue 20): datasets (`/v1/accounts/{account}/datasets`, upload with `:upload`),
 * supervised fine-tuning jobs (`.../supervisedFineTuningJobs`) with their `JOB_STATE_*` states and `jobProgress`, and
 * chat with the tuned model on the OpenAI-compatible `/inference/v1/chat/completions` once it is deployed. REST only:
 * Fireworks publishes no official JavaScript SDK for these control-plane routes.
 *
 * Sources (read 2026-12-03; every field in /work/notes/openmodels.md):
 * - SFTJ: https://docs.fireworks.ai/api-reference/get-supervised-fine-tuning-job (job fields, `state`, `jobProgress`).
 * - FIRECTL: https://docs.fireworks.ai/tools-sdks/firectl/commands/create-supervised-fine-tuning-job (flags = fields).
 * - DATASET: https://docs.fireworks.ai/api-reference/create-dataset and .../upload-dataset-files (150 MB per upload).
 * - GATEWAY: https://docs.fireworks.ai/gateway-extra.openapi.yaml (the Gateway REST API's OpenAPI: paths, state enum).
 */
import { makeProvider, profileDataset } from './base';
import { noDateAnnounced } from './retirement';
import {
  supported,
  unsupported,
  type HyperparameterSpec,
  type Provider,
  type ProviderCapabilities,
  type Source,
  type StatusMapping,
  type TrainingPlan,
  type TunableModel,
} from './types';

const READ = '2026-12-03';
export const FIREWORKS_SOURCES = {
  job: { url: 'https://docs.fireworks.ai/api-reference/get-supervised-fine-tuning-job', read: READ },
  firectl: { url: 'https://docs.fireworks.ai/tools-sdks/firectl/commands/create-supervised-fine-tuning-job', read: READ },
  dataset: { url: 'https://docs.fireworks.ai/api-reference/create-dataset', read: READ },
  upload: { url: 'https://docs.fireworks.ai/api-reference/upload-dataset-files', read: READ, note: '"This path can handle file sizes up to 150Mb. For larger file sizes use Get Dataset Upload Endpoint."' },
  gateway: { url: 'https://docs.fireworks.ai/gateway-extra.openapi.yaml', read: READ, note: 'Gateway REST API OpenAPI' },
  deploy: { url: 'https://docs.fireworks.ai/tools-sdks/firectl/commands/create-finetune-job', read: READ, note: 'firectl command list: load-lora (serverless LoRA on a base model), deployment (on-demand)' },
} as const satisfies Record<string, Source>;

export const FIREWORKS_BASE_URL = 'https://api.fireworks.ai';

const hp = (h: Omit<HyperparameterSpec, 'source'>, note: string): HyperparameterSpec => ({ ...h, source: { ...FIREWORKS_SOURCES.firectl, note } });

// SupervisedFineTuningJob fields (SFTJ) with the firectl flags' types (FIRECTL); the docs publish no upper bounds.
const SFT: readonly HyperparameterSpec[] = [
  hp({ name: 'epochs', label: 'Epochs', kind: 'integer', min: 1, auto: true }, '--epochs int32; job field epochs'),
  hp({ name: 'learningRate', label: 'Learning rate', kind: 'number', min: 0, exclusiveMin: true, auto: true }, '--learning-rate float32; job field learningRate'),
  hp({ name: 'loraRank', label: 'LoRA rank', kind: 'integer', min: 1, auto: true }, '--lora-rank int32; job field loraRank'),
  hp({ name: 'maxContextLength', label: 'Max context length', kind: 'integer', min: 1, auto: true }, '--max-context-length int32: maximum token length of sequences in each batch'),
  hp({ name: 'batchSize', label: 'Batch size (tokens)', kind: 'integer', min: 1, auto: true }, 'job field batchSize (SFTJ)'),
];

const model = (id: string, label: string): TunableModel => ({
  id: `accounts/fireworks/models/${id}`,
  aliases: [id],
  label,
  methods: ['supervised'],
  vision: false,
  openWeights: true,
  preview: false,
  adapters: ['lora'],
  retirement: noDateAnnounced({ ...FIREWORKS_SOURCES.firectl, note: 'no retirement date for tuning or serving this base model on the pages read' }),
  source: { ...FIREWORKS_SOURCES.firectl, note: `the docs' example base model (${id}); others come from the account's model list at run time` },
});

export const FIREWORKS_MODELS: readonly TunableModel[] = [model('llama-v3p1-8b-instruct', 'Llama 3.1 8B Instruct'), model('llama-v3-8b-instruct', 'Llama 3 8B Instruct')];

const st = (service: string, tuneline: StatusMapping['tuneline'], final: boolean): StatusMapping => ({ service, tuneline, final, source: { ...FIREWORKS_SOURCES.gateway, note: 'gatewayJobState enum (SFTJ shows the field "state": "JOB_STATE_UNSPECIFIED")' } });

/** `state` of a SupervisedFineTuningJob → Tuneline. */
export const FIREWORKS_STATUSES: readonly StatusMapping[] = [
  st('JOB_STATE_UNSPECIFIED', 'queued', false),
  st('JOB_STATE_CREATING', 'validating_files', false),
  st('JOB_STATE_CREATING_INPUT_DATASET', 'validating_files', false),
  st('JOB_STATE_VALIDATING', 'validating_files', false),
  st('JOB_STATE_PENDING', 'queued', false),
  st('JOB_STATE_RE_QUEUEING', 'queued', false),
  st('JOB_STATE_IDLE', 'queued', false),
  st('JOB_STATE_RUNNING', 'running', false),
  st('JOB_STATE_WRITING_RESULTS', 'running', false),
  st('JOB_STATE_PAUSED', 'paused', false),
  st('JOB_STATE_CANCELLING', 'running', false),
  st('JOB_STATE_COMPLETED', 'succeeded', true),
  st('JOB_STATE_EARLY_STOPPED', 'succeeded', true),
  st('JOB_STATE_FAILED', 'failed', true),
  st('JOB_STATE_EXPIRED', 'failed', true),
  st('JOB_STATE_CANCELLED', 'cancelled', true),
  st('JOB_STATE_DELETING', 'cancelled', false),
  st('JOB_STATE_DELETING_CLEANING_UP', 'cancelled', false),
  st('JOB_STATE_DELETED', 'cancelled', true),
];

export const FIREWORKS_CAPABILITIES: ProviderCapabilities = {
  methods: [{ method: 'supervised', label: 'Supervised (SFT)', hyperparameters: SFT, requiresValidationFile: false, requiresGrader: false, source: FIREWORKS_SOURCES.job }],
  models: FIREWORKS_MODELS,
  trainingOptions: [],
  upload: {
    singleRequest: { maxBytes: 150 * 1024 * 1024, source: FIREWORKS_SOURCES.upload },
    multipart: unsupported('Fireworks has no parts upload: files over 150 MB go to a signed URL from :getUploadEndpoint (not used by Tuneline yet).', FIREWORKS_SOURCES.upload),
    importFromUrl: supported(FIREWORKS_SOURCES.dataset, 'Dataset.externalUrl: the dataset is read from a URL'),
  },
  operations: {
    create: supported(FIREWORKS_SOURCES.job, 'POST /v1/accounts/{account}/supervisedFineTuningJobs'),
    list: supported(FIREWORKS_SOURCES.gateway, 'GET /v1/accounts/{account}/supervisedFineTuningJobs (pageSize, pageToken → nextPageToken, totalSize)'),
    retrieve: supported(FIREWORKS_SOURCES.job, 'GET /v1/accounts/{account}/supervisedFineTuningJobs/{id}'),
    cancel: supported(FIREWORKS_SOURCES.gateway, 'DELETE /v1/accounts/{account}/supervisedFineTuningJobs/{id}: Fireworks stops a job by deleting it'),
    pause: unsupported('Fireworks has no pause for supervised fine-tuning jobs.', FIREWORKS_SOURCES.gateway),
    resume: unsupported('Fireworks has no resume for supervised fine-tuning jobs; start a new job with warmStartFrom set to the output model.', FIREWORKS_SOURCES.firectl),
    events: unsupported('Fireworks has no events list for a job: the job\'s state, status.message and jobProgress are all there is.', FIREWORKS_SOURCES.job),
    metrics: supported(FIREWORKS_SOURCES.job, 'jobProgress {percent, epoch, ...} on the job; loss curves only through Weights & Biases (wandbConfig)'),
    checkpoints: unsupported('Fireworks lists no intermediate checkpoints of a supervised job; only the output model is kept.', FIREWORKS_SOURCES.job),
  },
  results: {
    events: unsupported('No events: progress is jobProgress on the job itself.', FIREWORKS_SOURCES.job),
    resultFile: unsupported('Fireworks attaches no result file to a supervised fine-tuning job.', FIREWORKS_SOURCES.job),
    metricsEndpoint: unsupported('Fireworks has no metrics endpoint for supervised jobs; loss curves go to Weights & Biases when wandbConfig is set.', FIREWORKS_SOURCES.job),
  },
  serving: {
    kind: 'deployment',
    deploymentTypes: [
      { skuName: 'serverless-lora', label: 'Serverless LoRA (load the adapter on the base model)', models: FIREWORKS_MODELS.map((m) => m.id), defaultCapacity: 1, hourlyHostingFee: false, sla: false, source: FIREWORKS_SOURCES.deploy },
      { skuName: 'on-demand', label: 'On-demand deployment', models: FIREWORKS_MODELS.map((m) => m.id), defaultCapacity: 1, hourlyHostingFee: true, sla: false, source: FIREWORKS_SOURCES.deploy },
    ],
    checkpoints: unsupported('Only the output model can be served (no checkpoints).', FIREWORKS_SOURCES.job),
    source: FIREWORKS_SOURCES.deploy,
  },
  auth: { methods: ['bearer'], keyHeader: 'authorization', keyEnvVar: 'FIREWORKS_API_KEY', source: { ...FIREWORKS_SOURCES.upload, note: 'Authorization: Bearer <API_KEY>' } },
  baseUrl: { default: FIREWORKS_BASE_URL, setting: 'tuneline.baseUrl', example: `${FIREWORKS_BASE_URL} (account id in tuneline.fireworks.account)`, source: FIREWORKS_SOURCES.gateway },
  // From the Fireworks dataset profile (core): at least 3 examples (fine-tuning-models page), 150 MB per :upload.
  dataset: profileDataset('fireworks', { ...FIREWORKS_SOURCES.upload, note: 'at least 3 examples (https://docs.fireworks.ai/fine-tuning/fine-tuning-models, read 2026-12-03); 150 MB per :upload' }),
  quotas: { source: { ...FIREWORKS_SOURCES.job, note: 'no job quota found in the pages read' } },
  statuses: FIREWORKS_STATUSES,
  priceEstimate: { support: unsupported('Fireworks has no price estimate endpoint; Tuneline shows its own token count.', FIREWORKS_SOURCES.gateway) },
};

/** The SupervisedFineTuningJob body for a plan: `trainingFile` / `validationFile` are dataset resource names. */
export function fireworksJobRequest(plan: TrainingPlan): Record<string, unknown> {
  const hps = Object.fromEntries(Object.entries(plan.hyperparameters ?? {}).filter(([, v]) => v !== 'auto'));
  return {
    dataset: plan.trainingFile,
    ...(plan.fromCheckpoint ? { warmStartFrom: plan.fromCheckpoint } : { baseModel: plan.model }),
    ...(plan.validationFile ? { evaluationDataset: plan.validationFile } : {}),
    ...(plan.suffix ? { displayName: plan.suffix } : {}),
    ...hps,
  };
}

function fireworksProvider(): Provider {
  const base = makeProvider('fireworks', 'Fireworks AI', FIREWORKS_CAPABILITIES, { unknownModelMethods: ['supervised'] });
  return { ...base, jobRequest: fireworksJobRequest };
}

export const FIREWORKS: Provider = fireworksProvider();
