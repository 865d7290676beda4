/**
 * The Azure AI Foundry (Azure OpenAI in Microsoft Foundry) adapter: the v1 API (`<endpoint>/openai/v1/`, same shape
 * as OpenAI's) plus what Azure adds or restricts — training types, the open models Foundry tunes, DPO/RFT per model,
 * deployments through Azure Resource Manager, dataset and job quotas.
 *
 * Every value cites the MicrosoftDocs/azure-ai-docs page it was read from (the docs' Git source, read 2026-12-03;
 * the published pages are https://learn.microsoft.com/azure/ai-foundry/openai/...). Where two revisions or pages
 * disagree, the note says so and the stricter value is used. /work/notes/azure.md lists every field with its source.
 */
import { makeProvider, profileDataset } from './base';
import { AZURE_GPT4X_FINE_TUNE_DATES } from '../../core/retirement';
import { noDateAnnounced } from './retirement';
import {
  supported,
  unsupported,
  type DeploymentType,
  type HyperparameterSpec,
  type MethodCapability,
  type PlanProblem,
  type Provider,
  type ProviderCapabilities,
  type Source,
  type Retirement,
  type TrainingOption,
  type TrainingPlan,
  type TrainingTypeId,
  type TunableModel,
} from './types';

const READ = '2026-12-03';
const DOCS = 'https://github.com/MicrosoftDocs/azure-ai-docs/blob/main/articles/ai-foundry';
const src = (path: string, note?: string): Source => ({ url: `${DOCS}/${path}`, read: READ, ...(note ? { note } : {}) });

export const AZURE_SOURCES = {
  /** Model × region × training type table (ms.date 02/06/2025, revision 3551178f with the Developer column). */
  models: src('openai/includes/fine-tune-models.md', 'revision 3551178f: Standard regions / Global / Developer columns'),
  /** REST workflow: upload, create (trainingType), pause/resume, checkpoints, result file, deploy. */
  rest: src('openai/includes/fine-tuning-rest.md'),
  dpo: src('openai/how-to/fine-tuning-direct-preference-optimization.md', 'ms.date 05/25/2025'),
  rft: src('openai/how-to/reinforcement-fine-tuning.md', 'ms.date 08/29/2025'),
  vision: src('openai/how-to/fine-tuning-vision.md', 'ms.date 02/11/2026'),
  quotas: src('openai/quotas-limits.md', 'ms.date 02/17/2026 (revision be187ce0); the 07/11/2025 revision said 1 running job, 50 files, 5 deployments'),
  deploy: src('openai/how-to/fine-tuning-deploy.md', 'ms.date 10/25/2025'),
  developer: src('openai/how-to/fine-tune-test.md', 'ms.date 09/30/2025: Developer tier, 24-hour lifetime, sku "developertier" (REST) / "Developer" (CLI)'),
  inactive: src('openai/includes/fine-tune.md', '15 days without a call deletes a fine-tuned deployment'),
  issue: { url: 'issues show 16 (Tuneline)', read: READ, note: 'Named by the issue; not found in the Azure docs revisions read on 2026-12-03: verify before release' },
  /** Fine-tuned models retire in two phases, training and deployment (the "Fine-tuned models" section). */
  retirements: {
    url: 'https://learn.microsoft.com/azure/ai-foundry/openai/concepts/model-retirements',
    read: READ,
    note: '"Fine-tuned models retire in two phases: training and deployment"; for existing customers the gpt-4.x fine-tunes train until no earlier than April 2027 and serve until no earlier than October 2027 (month only, per issue 18; the page revision found shows no exact day: ARM\'s deprecation.fineTune / deprecation.inference give it)',
  },
  auth: src('openai/includes/fine-tuning-rest.md', 'api-key header on the data plane; ARM calls take "Authorization: Bearer <Entra ID token>"'),
} as const satisfies Record<string, Source>;

/** ARM scope of the management plane and the data-plane scope of Entra ID tokens. */
export const ARM_SCOPE = 'https://management.azure.com/.default';
export const COGNITIVE_SERVICES_SCOPE = 'https://cognitiveservices.azure.com/.default';

const hp = (h: Omit<HyperparameterSpec, 'source'>, source: Source = AZURE_SOURCES.rest): HyperparameterSpec => ({ ...h, source });

// fine-tuning-rest.md: "The current supported hyperparameters for Supervised Fine-Tuning are batch_size,
// learning_rate_multiplier, n_epochs, seed"; "We recommend experimenting with values in the range 0.02 to 0.2".
// The bounds are the v1 API's (the OpenAI shape Azure's v1 follows; SPEC FineTuneSupervisedHyperparameters).
const COMMON: readonly HyperparameterSpec[] = [
  hp({ name: 'n_epochs', label: 'Epochs', kind: 'integer', min: 1, max: 50, auto: true }),
  hp({ name: 'batch_size', label: 'Batch size', kind: 'integer', min: 1, max: 256, auto: true }),
  hp({ name: 'learning_rate_multiplier', label: 'Learning rate multiplier', kind: 'number', min: 0, exclusiveMin: true, auto: true, recommended: { min: 0.02, max: 0.2 } }),
];

const METHODS: readonly MethodCapability[] = [
  { method: 'supervised', label: 'Supervised (SFT)', hyperparameters: COMMON, requiresValidationFile: false, requiresGrader: false, source: AZURE_SOURCES.rest },
  {
    method: 'dpo',
    label: 'Preference (DPO)',
    // fine-tuning-direct-preference-optimization.md: the REST example sends method.dpo.beta 0.1.
    hyperparameters: [...COMMON, hp({ name: 'beta', label: 'Beta', kind: 'number', min: 0, exclusiveMin: true, max: 2, auto: true, default: 0.1 }, AZURE_SOURCES.dpo)],
    requiresValidationFile: false,
    requiresGrader: false,
    source: AZURE_SOURCES.dpo,
  },
  {
    method: 'reinforcement',
    label: 'Reinforcement (RFT)',
    // reinforcement-fine-tuning.md "Hyperparameter selection": the SFT ones plus eval_interval, eval_samples,
    // compute_multiplier (all auto) and reasoning_effort low | medium | high (default medium).
    hyperparameters: [
      ...COMMON,
      hp({ name: 'eval_interval', label: 'Evaluation interval (steps)', kind: 'integer', min: 1, auto: true }, AZURE_SOURCES.rft),
      hp({ name: 'eval_samples', label: 'Evaluation samples', kind: 'integer', min: 1, auto: true }, AZURE_SOURCES.rft),
      hp({ name: 'compute_multiplier', label: 'Compute multiplier', kind: 'number', min: 0, exclusiveMin: true, max: 10, auto: true }, AZURE_SOURCES.rft),
      hp({ name: 'reasoning_effort', label: 'Reasoning effort', kind: 'enum', values: ['low', 'medium', 'high'], auto: false, default: 'medium' }, AZURE_SOURCES.rft),
    ],
    // reinforcement-fine-tuning.md "Requirements": both a training and a validation dataset must be provided; the
    // final message must have the user role; a grader must be defined.
    requiresValidationFile: true,
    requiresGrader: true,
    lastMessageRole: 'user',
    source: AZURE_SOURCES.rft,
  },
];

/** fine-tune-models.md: Global training regions ("currently available to Foundry resources in the following regions"). */
export const GLOBAL_TRAINING_REGIONS: readonly string[] = [
  'Australia East', 'Brazil South', 'Canada Central', 'Canada East', 'East US', 'East US2', 'France Central', 'Germany West Central',
  'Italy North', 'Japan East', 'Korea Central', 'North Central US', 'Norway East', 'Poland Central', 'Southeast Asia', 'South Africa North',
  'South Central US', 'South India', 'Spain Central', 'Sweden Central', 'Switzerland West', 'Switzerland North', 'UK South', 'West Europe',
  'West US', 'West US3',
];

const NCUS_SWEDEN = ['North Central US', 'Sweden Central'];

function openModel(id: string, label: string, source: Source, extra: Partial<TunableModel> = {}): TunableModel {
  return {
    id,
    aliases: [],
    label,
    methods: ['supervised'],
    // fine-tune-models.md: open models are "Not supported" for Standard training, ✅ Global, ❌ Developer.
    trainingTypes: ['global'],
    vision: false,
    openWeights: true,
    preview: true,
    standardRegions: [],
    retirement: noDateAnnounced({ ...AZURE_SOURCES.retirements, note: 'no retirement date listed for this preview model' }),
    source,
    ...extra,
  };
}

/** gpt-4.x fine-tunes for existing customers: training until no earlier than April 2027, serving until October 2027. */
const GPT4X_FINE_TUNES: Retirement = { ...AZURE_GPT4X_FINE_TUNE_DATES, source: AZURE_SOURCES.retirements };

export const AZURE_MODELS: readonly TunableModel[] = [
  // fine-tune-models.md row by row; methods: SFT for all chat models; DPO for gpt-4o, gpt-4.1, gpt-4.1-mini
  // (fine-tuning-direct-preference-optimization.md "model support"); RFT for o4-mini (reinforcement-fine-tuning.md).
  {
    id: 'gpt-4.1-2025-04-14', aliases: ['gpt-4.1'], label: 'gpt-4.1', methods: ['supervised', 'dpo'], trainingTypes: ['standard', 'global', 'developer'],
    trainingExampleLimit: 65_536, vision: true, openWeights: false, preview: false, standardRegions: NCUS_SWEDEN, catalogueId: 'gpt-4.1-2025-04-14', source: AZURE_SOURCES.models, retirement: GPT4X_FINE_TUNES,
  },
  {
    id: 'gpt-4.1-mini-2025-04-14', aliases: ['gpt-4.1-mini'], label: 'gpt-4.1-mini', methods: ['supervised', 'dpo'], trainingTypes: ['standard', 'global', 'developer'],
    trainingExampleLimit: 65_536, vision: false, openWeights: false, preview: false, standardRegions: NCUS_SWEDEN, catalogueId: 'gpt-4.1-mini-2025-04-14', source: AZURE_SOURCES.models, retirement: GPT4X_FINE_TUNES,
  },
  {
    // "Training example context length: 32,768" on Azure (the catalogue's OpenAI limit is 65,536).
    id: 'gpt-4.1-nano-2025-04-14', aliases: ['gpt-4.1-nano'], label: 'gpt-4.1-nano', methods: ['supervised'], trainingTypes: ['standard', 'global', 'developer'],
    trainingExampleLimit: 32_768, vision: false, openWeights: false, preview: false, standardRegions: NCUS_SWEDEN, catalogueId: 'gpt-4.1-nano-2025-04-14', source: AZURE_SOURCES.models, retirement: GPT4X_FINE_TUNES,
  },
  {
    id: 'gpt-4o-2024-08-06', aliases: ['gpt-4o'], label: 'gpt-4o', methods: ['supervised', 'dpo'], trainingTypes: ['standard', 'global', 'developer'],
    trainingExampleLimit: 65_536, vision: true, openWeights: false, preview: false, standardRegions: ['East US2', ...NCUS_SWEDEN], catalogueId: 'gpt-4o-2024-08-06', source: AZURE_SOURCES.models, retirement: GPT4X_FINE_TUNES,
  },
  {
    id: 'gpt-4o-mini-2024-07-18', aliases: ['gpt-4o-mini'], label: 'gpt-4o-mini', methods: ['supervised'], trainingTypes: ['standard', 'global', 'developer'],
    trainingExampleLimit: 65_536, vision: false, openWeights: false, preview: false, standardRegions: NCUS_SWEDEN, catalogueId: 'gpt-4o-mini-2024-07-18', source: AZURE_SOURCES.models, retirement: GPT4X_FINE_TUNES,
  },
  {
    // o4-mini: Standard in East US2 and Sweden Central, Global ✅, Developer ❌.
    id: 'o4-mini-2025-04-16', aliases: ['o4-mini'], label: 'o4-mini', methods: ['reinforcement'], trainingTypes: ['standard', 'global'],
    trainingExampleLimit: 65_536, vision: false, openWeights: false, preview: false, standardRegions: ['East US2', 'Sweden Central'], catalogueId: 'o4-mini-2025-04-16', source: AZURE_SOURCES.rft,
    retirement: noDateAnnounced({ ...AZURE_SOURCES.retirements, note: 'o4-mini is not in the gpt-4.x fine-tune schedule: no date announced' }),
  },
  openModel('Ministral-3B', 'Ministral-3B (2411, preview)', AZURE_SOURCES.models, { aliases: ['Ministral-3B-2411'] }),
  // "Qwen-32B (preview): Input 8,000, Output 32,000, Training example context length: 8192".
  openModel('Qwen-32B', 'Qwen-32B (preview)', AZURE_SOURCES.models, { trainingExampleLimit: 8_192 }),
  openModel('gpt-oss-20b', 'gpt-oss-20b (preview)', AZURE_SOURCES.issue),
  openModel('Llama-3.3-70B-Instruct', 'Llama-3.3-70B-Instruct (preview)', AZURE_SOURCES.issue, { aliases: ['Llama-3.3-70B'] }),
];

/** Azure's training types (the `trainingType` field of the job-create body). */
export const AZURE_TRAINING_TYPE: TrainingOption<TrainingTypeId> = {
  id: 'trainingType',
  label: 'Training type',
  // fine-tuning-rest.md: `"trainingType": "globalstandard"` at the top level of the create body (the Python SDK
  // passes it through `extra_body`), first documented with api-version 2025-04-01-preview.
  field: 'trainingType',
  defaultChoice: 'standard',
  source: AZURE_SOURCES.rest,
  choices: [
    {
      id: 'standard',
      label: 'Standard',
      apiValue: 'standard',
      description: 'Trains in your resource\'s region (data residency); only in the regions the model lists.',
      support: supported(AZURE_SOURCES.models, 'the service default when trainingType is left out; the value "standard" is by analogy with "globalstandard" (not shown in the docs read)'),
    },
    {
      id: 'global',
      label: 'Global',
      apiValue: 'globalstandard',
      description: 'Cheaper per token and available from more regions, but without data residency.',
      support: supported(AZURE_SOURCES.models, 'fine-tune-models.md: "Global training provides more affordable training per token, but doesn\'t offer data residency"'),
    },
    {
      id: 'developer',
      label: 'Developer',
      apiValue: 'developer',
      description: 'For trying candidates: no SLA and no data residency; up to 5 jobs at once.',
      support: supported(AZURE_SOURCES.models, 'Developer column of fine-tune-models.md (rev. 3551178f) and "Developer training: 5" running jobs in quotas-limits.md; the value "developer" is not shown in the docs read'),
    },
    {
      id: 'datazone',
      label: 'Data Zone',
      description: 'Data Zone is a deployment type on Azure; the fine-tuning docs list no Data Zone training.',
      support: unsupported('Azure\'s fine-tuning docs list Standard, Global and Developer training only; Data Zone exists for deployments, not for training.', AZURE_SOURCES.models),
    },
  ],
};

/** Deployment types for fine-tuned models (ARM `sku.name`), fine-tuning-deploy.md "Deployment Types". */
export const AZURE_DEPLOYMENT_TYPES: readonly DeploymentType[] = [
  {
    skuName: 'Standard',
    label: 'Standard',
    models: ['o4-mini-2025-04-16', 'gpt-4.1-2025-04-14', 'gpt-4.1-mini-2025-04-14', 'gpt-4.1-nano-2025-04-14', 'gpt-4o-2024-08-06', 'gpt-4o-mini-2024-07-18'],
    defaultCapacity: 1,
    inactiveDeleteDays: 15,
    hourlyHostingFee: true,
    sla: true,
    source: { ...AZURE_SOURCES.deploy, note: 'REST example: sku {"name": "standard", "capacity": 1}; data residency in the deployed region' },
  },
  {
    skuName: 'GlobalStandard',
    label: 'Global Standard',
    models: ['o4-mini-2025-04-16', 'gpt-4.1-2025-04-14', 'gpt-4.1-mini-2025-04-14', 'gpt-4.1-nano-2025-04-14', 'gpt-4o-2024-08-06', 'gpt-4o-mini-2024-07-18'],
    defaultCapacity: 1,
    inactiveDeleteDays: 15,
    hourlyHostingFee: true,
    sla: true,
    source: { ...AZURE_SOURCES.deploy, note: '"available from all Azure OpenAI regions"; weights may be stored outside the resource\'s geography' },
  },
  {
    skuName: 'developertier',
    label: 'Developer',
    models: ['gpt-4.1-2025-04-14', 'gpt-4.1-mini-2025-04-14', 'gpt-4.1-nano-2025-04-14'],
    defaultCapacity: 50,
    lifetimeHours: 24,
    hourlyHostingFee: false,
    sla: false,
    source: AZURE_SOURCES.developer,
  },
  {
    skuName: 'ProvisionedManaged',
    label: 'Provisioned Throughput',
    models: ['gpt-4.1-2025-04-14', 'gpt-4o-2024-08-06', 'gpt-4o-mini-2024-07-18'],
    defaultCapacity: 1,
    hourlyHostingFee: true,
    sla: true,
    source: { ...AZURE_SOURCES.deploy, note: 'North Central US and Sweden Central; uses regional PTU quota. The sku name is the ARM name of the provisioned type' },
  },
];

export const AZURE_CAPABILITIES: ProviderCapabilities = {
  methods: METHODS,
  models: AZURE_MODELS,
  trainingOptions: [AZURE_TRAINING_TYPE],
  upload: {
    // fine-tuning-rest.md: "The file must be less than 512 MB in size"; POST {endpoint}/openai/v1/files.
    singleRequest: { maxBytes: 512 * 1024 * 1024, source: AZURE_SOURCES.rest },
    multipart: unsupported('Azure takes training files of at most 512 MB, in one request; for large files it recommends importing from Azure Blob storage ("requests are atomic and can\'t be retried or resumed").', AZURE_SOURCES.rest),
    importFromUrl: supported(AZURE_SOURCES.rest, '"For large data files, we recommend that you import from an Azure Blob store"'),
  },
  operations: {
    create: supported(AZURE_SOURCES.rest, 'POST /openai/v1/fine_tuning/jobs'),
    list: supported(AZURE_SOURCES.rest, 'GET /openai/v1/fine_tuning/jobs'),
    retrieve: supported(AZURE_SOURCES.rest, 'GET /openai/v1/fine_tuning/jobs/{id}'),
    cancel: supported(AZURE_SOURCES.rest, 'POST /openai/v1/fine_tuning/jobs/{id}/cancel (v1 API)'),
    pause: supported(AZURE_SOURCES.rest, '"only applicable for jobs which have been trained for at least one step and are in Running state"'),
    resume: supported(AZURE_SOURCES.rest, 'POST /openai/v1/fine_tuning/jobs/{id}/resume'),
    events: supported(AZURE_SOURCES.rest, 'GET /openai/v1/fine_tuning/jobs/{id}/events'),
    metrics: supported(AZURE_SOURCES.rest, 'from the result file results.csv (and metrics events where the service sends them)'),
    checkpoints: supported(AZURE_SOURCES.rest, '"When each training epoch completes a checkpoint is generated"; the last three are kept'),
  },
  results: {
    events: supported(AZURE_SOURCES.rest, 'the events list is documented; metrics-type events are not, so the chart falls back to the result file'),
    resultFile: {
      ...supported(AZURE_SOURCES.rest, '"Azure OpenAI attaches a result file named results.csv to each fine-tune job after it completes"'),
      columns: ['step', 'train_loss', 'train_mean_token_accuracy', 'valid_loss', 'validation_mean_token_accuracy', 'full_valid_loss', 'full_valid_mean_token_accuracy'],
    },
    metricsEndpoint: unsupported('Azure has no metrics endpoint for fine-tuning jobs: curves come from results.csv.', AZURE_SOURCES.rest),
  },
  serving: {
    kind: 'deployment',
    deploymentTypes: AZURE_DEPLOYMENT_TYPES,
    // quotas-limits.md (02/17/2026): "Maximum fine-tuned model deployments | 10".
    maxDeployments: 10,
    checkpoints: supported(AZURE_SOURCES.deploy, '"you can also deploy a checkpoint, by passing the checkpoint ID (ftchkpt-…)"'),
    source: AZURE_SOURCES.deploy,
  },
  auth: {
    methods: ['api-key-header', 'entra-id'],
    keyHeader: 'api-key',
    keyEnvVar: 'AZURE_OPENAI_API_KEY',
    entraScope: COGNITIVE_SERVICES_SCOPE,
    source: AZURE_SOURCES.auth,
  },
  baseUrl: {
    setting: 'tuneline.azure.endpoint',
    example: 'https://NAME.openai.azure.com',
    source: { ...AZURE_SOURCES.rest, note: 'requests go to $AZURE_OPENAI_ENDPOINT/openai/v1/...' },
  },
  // The BOM, minimum examples, file size, images and file quota come from the Azure dataset profile (core), where
  // each is cited: e.g. quotas-limits.md says 100 files (02/17/2026) but 50 (07/11/2025), and the stricter 50 is kept.
  // fine-tuning-vision.md "Image dataset requirements": at most 50,000 examples with images (the Azure profile's
  // file.maxImageExamples, which the engine also checks).
  dataset: profileDataset('azure', { ...AZURE_SOURCES.vision, note: 'values from src/core/profiles/catalog.ts (Azure): fine-tuning-rest.md (BOM, 512 MB, at least 10 examples), quotas-limits.md (file count and size), fine-tuning-vision.md (50,000 examples with images)' }),
  quotas: {
    maxRunning: 3,
    maxRunningByTrainingType: { standard: 3, global: 3, developer: 5 },
    maxQueued: 20,
    maxJobsTotal: 100,
    maxJobHours: 720,
    maxTrainedTokens: 2_000_000_000,
    source: AZURE_SOURCES.quotas,
  },
};

function chosenTrainingType(plan: TrainingPlan, model: TunableModel | undefined): TrainingTypeId | undefined {
  const chosen = plan.options?.['trainingType'] as TrainingTypeId | undefined;
  if (chosen) return chosen;
  // A model with one training type (the open models: Global only) gets it without asking.
  return model?.trainingTypes?.length === 1 ? model.trainingTypes[0] : undefined;
}

export function azureProvider(): Provider {
  return makeProvider('azure', 'Azure OpenAI (Microsoft Foundry)', AZURE_CAPABILITIES, {
    extraFields: (plan, model) => {
      const t = chosenTrainingType(plan, model);
      const choice = AZURE_TRAINING_TYPE.choices.find((c) => c.id === t);
      return choice?.apiValue && t !== undefined ? { [AZURE_TRAINING_TYPE.field]: choice.apiValue } : {};
    },
    extraProblems: (plan, model): PlanProblem[] => {
      const t = chosenTrainingType(plan, model) ?? AZURE_TRAINING_TYPE.defaultChoice;
      if (model?.trainingTypes && !model.trainingTypes.includes(t)) {
        const label = AZURE_TRAINING_TYPE.choices.find((c) => c.id === t)?.label ?? t;
        const allowed = model.trainingTypes.map((x) => AZURE_TRAINING_TYPE.choices.find((c) => c.id === x)?.label ?? x).join(', ');
        return [{ field: 'options', key: 'trainingType', message: `Azure does not train ${model.label} with ${label} training; it offers ${allowed}.` }];
      }
      return [];
    },
    explainError: (facts) => {
      // The local API and the service answer a quota refusal with 429 (code quota / too many jobs); see notes.
      if (facts.status === 429 && /quota|concurrent|queued|jobs/i.test(`${facts.code ?? ''} ${facts.message ?? ''}`) && !/rate limit/i.test(facts.message ?? '')) {
        const q = AZURE_CAPABILITIES.quotas;
        return {
          message: `Azure refused the job: the resource is at its fine-tuning job quota (at most ${q.maxRunning} jobs running at once for Standard and Global training, ${q.maxRunningByTrainingType?.developer} for Developer, and ${q.maxQueued} queued).`,
          next: 'Wait for a running job to finish, or cancel one in the Fine-tuning Jobs view, then start this job again.',
          source: AZURE_SOURCES.quotas,
        };
      }
      return undefined;
    },
  });
}

export const AZURE: Provider = azureProvider();
