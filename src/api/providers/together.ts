/**
 * The Together AI adapter (issue 20): `/v1/files` (presigned upload), `/v1/fine-tunes` jobs with `training_method`
 * sft or dpo and `training_type` Lora or Full, events, checkpoints, metrics, cancel, the price estimate, and the tuned
 * model chatted with on the OpenAI-compatible `/v1/chat/completions`.
 *
 * Sources (read 2026-12-03; see /work/notes/openmodels.md for every field):
 * - SPEC: togethercomputer/openapi `openapi.yaml` at 090263aa (2026-04-28), copied in shared/together-openapi.
 * - SDK: `together-ai` 0.52.0 on npm (resources/fine-tuning.d.ts, lib/upload.js, lib/check-file.js).
 * - MODELS: https://docs.together.ai/docs/fine-tuning-models (LoRA table: context lengths, batch sizes).
 * - PRICING: https://docs.together.ai/docs/fine-tuning/pricing (billing by tokens; rates on together.ai/pricing).
 * - LORA: https://docs.together.ai/docs/fine-tuning/lora-vs-full (LoRA is the default; both methods take both kinds).
 * - SERVING: https://docs.together.ai/docs/lora-training-and-inference (deploy on a dedicated endpoint) vs
 *   https://docs.together.ai/docs/lora-inference (serverless LoRA): the docs disagree; the stricter (a dedicated
 *   endpoint is needed) is used.
 */
import { makeProvider, profileDataset } from './base';
import { noDateAnnounced } from './retirement';
import {
  supported,
  unsupported,
  type HyperparameterSpec,
  type MethodCapability,
  type Provider,
  type ProviderCapabilities,
  type Source,
  type StatusMapping,
  type TrainingOption,
  type TrainingPlan,
  type TunableModel,
} from './types';

const READ = '2026-12-03';
export const TOGETHER_SOURCES = {
  spec: { url: 'https://github.com/togethercomputer/openapi/blob/090263aa0fde006d9cd958bef52719958079bbc4/openapi.yaml', read: READ },
  sdk: { url: 'https://www.npmjs.com/package/together-ai/v/0.52.0', read: READ, note: 'resources/fine-tuning.d.ts, lib/upload.js, lib/check-file.js' },
  models: { url: 'https://docs.together.ai/docs/fine-tuning-models', read: READ, note: 'LoRA Fine-tuning table' },
  pricing: { url: 'https://docs.together.ai/docs/fine-tuning/pricing', read: READ },
  loraVsFull: { url: 'https://docs.together.ai/docs/fine-tuning/lora-vs-full', read: READ },
  serving: {
    url: 'https://docs.together.ai/docs/lora-training-and-inference',
    read: READ,
    note: 'Deploy the fine-tuned model on a dedicated endpoint. docs/lora-inference still describes serverless LoRA inference: the docs disagree, the stricter rule (deploy) is used.',
  },
  auth: { url: 'https://github.com/togethercomputer/openapi/blob/090263aa0fde006d9cd958bef52719958079bbc4/openapi.yaml', read: READ, note: 'securitySchemes: bearer; SDK reads TOGETHER_API_KEY' },
} as const satisfies Record<string, Source>;

/** The SDK client's and the SPEC's base URL (the SDK's upload helper alone uses https://api.together.xyz/v1). */
export const TOGETHER_BASE_URL = 'https://api.together.ai/v1';

const spec = (h: Omit<HyperparameterSpec, 'source'>, note?: string): HyperparameterSpec => ({
  ...h,
  source: note ? { ...TOGETHER_SOURCES.spec, note } : TOGETHER_SOURCES.spec,
});

// SPEC POST /fine-tunes requestBody; the SDK's FineTuningCreateParams. "auto" here means "leave it out" (the service
// default applies). Upper bounds that depend on the model come from TunableModel.hyperparameterLimits.
const COMMON: readonly HyperparameterSpec[] = [
  spec({ name: 'n_epochs', label: 'Epochs', kind: 'integer', min: 1, auto: true, default: 1 }, 'default 1; the upper bound is FinetuneModelLimits.max_num_epochs, per model, from GET /fine-tunes/models/limits at run time (no static value published)'),
  spec({ name: 'learning_rate', label: 'Learning rate', kind: 'number', min: 0, exclusiveMin: true, auto: true, default: 0.00001 }, 'default 0.00001; bounds per model: FinetuneModelLimits.min_learning_rate / max_learning_rate (GET /fine-tunes/models/limits, run time)'),
  spec({ name: 'batch_size', label: 'Batch size', kind: 'integer', min: 1, auto: true, default: 'max' }, 'integer or "max" (the default); per-model bounds in the models table'),
  spec({ name: 'n_checkpoints', label: 'Checkpoints', kind: 'integer', min: 1, auto: true, default: 1 }, 'default 1'),
  spec({ name: 'n_evals', label: 'Evaluations', kind: 'integer', min: 0, auto: true, default: 0 }, 'default 0; needs a validation file'),
  spec({ name: 'warmup_ratio', label: 'Warm-up ratio', kind: 'number', min: 0, max: 1, auto: true, default: 0 }, 'default 0.0'),
  spec({ name: 'weight_decay', label: 'Weight decay', kind: 'number', min: 0, auto: true, default: 0 }, 'default 0.0'),
  spec({ name: 'max_grad_norm', label: 'Max gradient norm', kind: 'number', min: 0, auto: true, default: 1 }, 'default 1.0; 0 disables clipping'),
  // LoRATrainingType (SPEC): lora_r and lora_alpha are required when type is Lora; Tuneline sends 8 / 16 when not given.
  spec({ name: 'lora_r', label: 'LoRA rank', kind: 'integer', min: 1, auto: true, default: 8 }, 'LoRATrainingType.lora_r (required for Lora; Tuneline sends 8 when not given); upper bound lora_training.max_rank per model (limits endpoint, run time)'),
  spec({ name: 'lora_alpha', label: 'LoRA alpha', kind: 'integer', min: 1, auto: true, default: 16 }, 'LoRATrainingType.lora_alpha: integer in the SPEC, number in the SDK (stricter: integer)'),
  spec({ name: 'lora_dropout', label: 'LoRA dropout', kind: 'number', min: 0, max: 1, auto: true, default: 0 }, 'default 0.0'),
];

const METHODS: readonly MethodCapability[] = [
  { method: 'supervised', label: 'Supervised (SFT)', hyperparameters: COMMON, requiresValidationFile: false, requiresGrader: false, source: { ...TOGETHER_SOURCES.spec, note: 'TrainingMethodSFT {method: "sft", train_on_inputs}' } },
  {
    method: 'dpo',
    label: 'Preference (DPO)',
    hyperparameters: [
      ...COMMON,
      spec({ name: 'dpo_beta', label: 'DPO beta', kind: 'number', min: 0, exclusiveMin: true, max: 2, auto: true, default: 0.1 }, 'TrainingMethodDPO.dpo_beta default 0.1; upper bound 2 is OpenAI\'s (no Together bound documented)'),
    ],
    requiresValidationFile: false,
    requiresGrader: false,
    source: { ...TOGETHER_SOURCES.spec, note: 'TrainingMethodDPO {method: "dpo", dpo_beta, rpo_alpha, ...}' },
  },
];

/** The LoRA fine-tuning table (MODELS): context lengths per method and batch sizes. */
function model(id: string, label: string, ctxSft: number, ctxDpo: number, minBatch: number, maxBatch: number, extra: Partial<TunableModel> = {}): TunableModel {
  return {
    id,
    aliases: [],
    label,
    methods: ['supervised', 'dpo'],
    trainingExampleLimit: ctxSft,
    vision: false,
    openWeights: true,
    preview: false,
    adapters: ['lora'],
    hyperparameterLimits: { batch_size: { min: minBatch, max: maxBatch } },
    retirement: noDateAnnounced({ ...TOGETHER_SOURCES.models, note: 'no retirement date for tuning or serving this base model on the page read' }),
    source: { ...TOGETHER_SOURCES.models, note: `LoRA: context ${ctxSft} (SFT) / ${ctxDpo} (DPO), batch ${minBatch}–${maxBatch}` },
    ...extra,
  };
}

export const TOGETHER_MODELS: readonly TunableModel[] = [
  model('openai/gpt-oss-20b', 'gpt-oss-20b', 16384, 8192, 8, 8),
  model('openai/gpt-oss-120b', 'gpt-oss-120b', 16384, 8192, 16, 16),
  model('deepseek-ai/DeepSeek-R1-0528', 'DeepSeek-R1-0528', 131072, 32768, 1, 1),
  model('moonshotai/Kimi-K2-Instruct', 'Kimi K2 Instruct', 65536, 32768, 1, 1),
  model('zai-org/GLM-4.6', 'GLM-4.6', 128000, 64000, 1, 1),
  model('meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', 'Llama 3.1 8B Instruct (Reference)', 131072, 131072, 8, 32, {
    adapters: ['lora', 'full'],
    source: {
      ...TOGETHER_SOURCES.spec,
      note: 'The SPEC\'s own example model for POST /fine-tunes and /fine-tunes/models/limits. Context and batch bounds not quoted from the models table: Tuneline uses the limits endpoint at run time. "-Reference" models cannot be deployed on dedicated endpoints (MODELS warning).',
    },
    hyperparameterLimits: {},
  }),
];

const ADAPTER: TrainingOption<'lora' | 'full'> = {
  id: 'adapter',
  label: 'Training type',
  field: 'training_type',
  choices: [
    { id: 'lora', label: 'LoRA', apiValue: 'Lora', description: 'Trains adapter weights on the frozen base model: faster and cheaper (the default).', support: supported(TOGETHER_SOURCES.loraVsFull) },
    { id: 'full', label: 'Full', apiValue: 'Full', description: 'Updates every weight of the base model.', support: supported(TOGETHER_SOURCES.loraVsFull, 'only models whose limits say supports_full_training') },
  ],
  defaultChoice: 'lora',
  source: { ...TOGETHER_SOURCES.spec, note: 'training_type: FullTrainingType {type: "Full"} | LoRATrainingType {type: "Lora", lora_r, lora_alpha, ...}; defaults to LoRA' },
};

const status = (service: string, tuneline: StatusMapping['tuneline'], final: boolean, note?: string): StatusMapping => ({
  service,
  tuneline,
  final,
  source: { ...TOGETHER_SOURCES.spec, note: `components.schemas.FinetuneJobStatus${note ? `; ${note}` : ''}` },
});

/** FinetuneJobStatus (SPEC, and the SDK's FinetuneResponse.status) → Tuneline. */
export const TOGETHER_STATUSES: readonly StatusMapping[] = [
  status('pending', 'queued', false),
  status('queued', 'queued', false),
  status('running', 'running', false),
  status('compressing', 'running', false, 'after training, while the model is packed'),
  status('uploading', 'running', false, 'after training, while the model is stored'),
  status('cancel_requested', 'running', false, 'shown as running (cancelling) until the service says cancelled'),
  status('cancelled', 'cancelled', true),
  status('error', 'failed', true),
  status('completed', 'succeeded', true),
];

export const TOGETHER_CAPABILITIES: ProviderCapabilities = {
  methods: METHODS,
  models: TOGETHER_MODELS,
  trainingOptions: [ADAPTER],
  upload: {
    // SDK lib/check-file.js MAX_FILE_SIZE_GB = 4.9; lib/upload.js: POST /files → 302 Location (presigned) → PUT.
    singleRequest: { maxBytes: Math.floor(4.9 * 2 ** 30), source: { ...TOGETHER_SOURCES.sdk, note: 'check-file MAX_FILE_SIZE_GB 4.9; one presigned PUT' } },
    multipart: unsupported('Together takes one presigned PUT per file; it has no parts API.', TOGETHER_SOURCES.sdk),
    importFromUrl: unsupported('Together takes files as uploads only (from_hf_model trains from a Hugging Face repository, not a dataset URL).', TOGETHER_SOURCES.spec),
  },
  operations: {
    create: supported(TOGETHER_SOURCES.spec, 'POST /fine-tunes'),
    list: supported(TOGETHER_SOURCES.spec, 'GET /fine-tunes (one page: {data: [...]}, no cursor)'),
    retrieve: supported(TOGETHER_SOURCES.spec, 'GET /fine-tunes/{id}'),
    cancel: supported(TOGETHER_SOURCES.spec, 'POST /fine-tunes/{id}/cancel'),
    pause: unsupported('Together has no pause for fine-tuning jobs (the API lists create, cancel and delete only).', TOGETHER_SOURCES.spec),
    resume: unsupported('Together has no resume; start a new job with from_checkpoint set to the job (or JOB:STEP) instead.', TOGETHER_SOURCES.spec),
    events: supported(TOGETHER_SOURCES.spec, 'GET /fine-tunes/{id}/events (FinetuneListEvents, no cursor)'),
    metrics: supported(TOGETHER_SOURCES.spec, 'GET /fine-tunes/{id}/metrics ({metrics: [{global_step, train_loss, ...}]})'),
    checkpoints: supported(TOGETHER_SOURCES.spec, 'GET /fine-tunes/{id}/checkpoints'),
  },
  results: {
    events: unsupported('Together\'s events carry progress (step, total_steps) but no loss: the curve comes from the metrics endpoint.', TOGETHER_SOURCES.spec),
    resultFile: unsupported('Together attaches no result file to a job.', TOGETHER_SOURCES.spec),
    metricsEndpoint: supported(TOGETHER_SOURCES.spec, 'GET /fine-tunes/{id}/metrics'),
  },
  serving: {
    kind: 'deployment',
    deploymentTypes: [
      {
        skuName: 'dedicated-endpoint',
        label: 'Dedicated endpoint',
        models: TOGETHER_MODELS.filter((m) => !m.id.endsWith('-Reference')).map((m) => m.id),
        defaultCapacity: 1,
        hourlyHostingFee: true,
        sla: false,
        source: { ...TOGETHER_SOURCES.serving, note: `${TOGETHER_SOURCES.serving.note} Billed by the minute (PRICING). "-Reference" models cannot be deployed (MODELS).` },
      },
    ],
    checkpoints: supported(TOGETHER_SOURCES.spec, 'checkpoints are listed with their path; a checkpoint is deployed like the final model'),
    source: TOGETHER_SOURCES.serving,
  },
  auth: { methods: ['bearer'], keyHeader: 'authorization', keyEnvVar: 'TOGETHER_API_KEY', source: TOGETHER_SOURCES.auth },
  baseUrl: { default: TOGETHER_BASE_URL, setting: 'tuneline.baseUrl', example: TOGETHER_BASE_URL, source: { ...TOGETHER_SOURCES.sdk, note: 'client default baseURL https://api.together.ai/v1 (= the SPEC servers entry); lib/upload.js ignores it and uses TOGETHER_API_BASE_URL or https://api.together.xyz/v1' } },
  // From the Together dataset profile (core): the SDK's 4.9 GB is kept over the docs' 100 GB (stricter).
  dataset: profileDataset('together', { ...TOGETHER_SOURCES.sdk, note: 'check-file MIN_SAMPLES 1, MAX_FILE_SIZE_GB 4.9; roles system/user/assistant' }),
  quotas: { source: { ...TOGETHER_SOURCES.pricing, note: 'no job-count quota published; a job may be refused when the estimate exceeds the credit limit (estimate-price allowed_to_proceed)' } },
  statuses: TOGETHER_STATUSES,
  priceEstimate: {
    support: supported(TOGETHER_SOURCES.spec, 'POST /fine-tunes/estimate-price → estimated_total_price, allowed_to_proceed, user_limit, estimated_train_token_count, estimated_eval_token_count'),
    pricePage: { url: 'https://www.together.ai/pricing', read: READ, note: 'per-token rates by model size, method and LoRA/Full (PRICING); Tuneline shows the estimate endpoint\'s figure, not a copied rate' },
  },
};

const LORA_KEYS = ['lora_r', 'lora_alpha', 'lora_dropout'] as const;

/** The POST /fine-tunes body (SPEC requestBody; SDK FineTuningCreateParams). */
export function togetherJobRequest(plan: TrainingPlan): Record<string, unknown> {
  const hp = Object.fromEntries(Object.entries(plan.hyperparameters ?? {}).filter(([, v]) => v !== 'auto'));
  const adapter = plan.options?.['adapter'] === 'full' ? 'full' : 'lora';
  const top: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(hp)) if (!(LORA_KEYS as readonly string[]).includes(k) && k !== 'dpo_beta') top[k] = v;
  const trainingMethod =
    plan.method === 'dpo'
      ? { method: 'dpo', ...(hp['dpo_beta'] !== undefined ? { dpo_beta: hp['dpo_beta'] } : {}) }
      : // train_on_inputs: the SDK allows boolean | "auto", the SPEC's schema says boolean; for chat data "auto" masks
        // the inputs, which is `false`: Tuneline sends false (valid for both).
        { method: 'sft', train_on_inputs: false };
  const trainingType =
    adapter === 'full'
      ? { type: 'Full' }
      : {
          type: 'Lora',
          lora_r: hp['lora_r'] ?? 8,
          lora_alpha: hp['lora_alpha'] ?? 16,
          ...(hp['lora_dropout'] !== undefined ? { lora_dropout: hp['lora_dropout'] } : {}),
        };
  return {
    model: plan.model,
    training_file: plan.trainingFile,
    ...(plan.validationFile ? { validation_file: plan.validationFile } : {}),
    ...top,
    training_method: trainingMethod,
    training_type: trainingType,
    ...(plan.suffix ? { suffix: plan.suffix } : {}),
    ...(plan.seed !== undefined ? { random_seed: plan.seed } : {}),
    ...(plan.fromCheckpoint ? { from_checkpoint: plan.fromCheckpoint } : {}),
  };
}

/** The POST /fine-tunes/estimate-price body for a plan (same fields as the job, SPEC). */
export function togetherEstimateRequest(plan: TrainingPlan): Record<string, unknown> {
  const job = togetherJobRequest(plan);
  const keep = ['training_file', 'validation_file', 'model', 'n_epochs', 'n_evals', 'training_method', 'training_type', 'from_checkpoint'];
  return Object.fromEntries(Object.entries(job).filter(([k]) => keep.includes(k)));
}

function togetherProvider(): Provider {
  const base = makeProvider('together', 'Together AI', TOGETHER_CAPABILITIES, {
    unknownModelMethods: [],
    extraProblems: (plan, m) => {
      const out = [];
      if (plan.suffix && plan.suffix.length > 64) out.push({ field: 'options' as const, key: 'suffix', message: 'Together takes a suffix of at most 64 characters.' });
      if (plan.fromCheckpoint !== undefined && !/^[\w.\-/]+(:\d+)?$/.test(plan.fromCheckpoint)) {
        out.push({ field: 'fromCheckpoint' as const, message: 'from_checkpoint is a job id or output model name, optionally followed by :STEP.' });
      }
      const evals = plan.hyperparameters?.['n_evals'];
      if (typeof evals === 'number' && evals > 0 && !plan.validationFile) {
        out.push({ field: 'validationFile' as const, message: 'Evaluations (n_evals) need a validation file.' });
      }
      if (m && plan.method === 'dpo' && m.trainingExampleLimit !== undefined) {
        // nothing to check here without the data: the DPO context length is shown by the wizard from the source note
      }
      return out;
    },
    explainError: (facts) => {
      if (facts.status === 402 || /credit limit|insufficient (balance|credits)/i.test(facts.message ?? '')) {
        return {
          message: 'Together refused the job: the estimated price is over your credit limit.',
          next: 'Add credits (or raise the limit) in Together\'s billing settings, or train on fewer tokens (fewer epochs or a smaller file). The wizard\'s estimate shows allowed_to_proceed before you start.',
          source: TOGETHER_SOURCES.pricing,
        };
      }
      return undefined;
    },
  });
  return { ...base, jobRequest: togetherJobRequest };
}

export const TOGETHER: Provider = togetherProvider();

/** What GET /fine-tunes/models/limits answers (SPEC FineTuneModelLimits; SDK FinetuneModelLimits), as far as used. */
export interface TogetherModelLimits {
  readonly model_name: string;
  readonly max_num_epochs: number;
  readonly min_learning_rate: number;
  readonly max_learning_rate: number;
  readonly max_seq_length_sft?: number;
  readonly max_seq_length_dpo?: number;
  readonly supports_full_training?: boolean;
  readonly supports_vision?: boolean;
  readonly lora_training: { readonly max_rank: number; readonly min_batch_size: number; readonly max_batch_size: number; readonly max_batch_size_dpo?: number };
  readonly full_training?: { readonly min_batch_size: number; readonly max_batch_size: number; readonly max_batch_size_dpo?: number };
}

/**
 * The table row for a model, narrowed by the service's own limits (read at run time): epochs, learning rate, LoRA
 * rank, batch size (the stricter of SFT and DPO, and of LoRA and Full when both are offered), Full training.
 */
export function togetherModelFromLimits(limits: TogetherModelLimits): TunableModel {
  const known = TOGETHER.model(limits.model_name);
  const lora = limits.lora_training;
  const maxBatch = Math.min(lora.max_batch_size, lora.max_batch_size_dpo ?? lora.max_batch_size);
  return {
    id: limits.model_name,
    aliases: known?.aliases ?? [],
    label: known?.label ?? limits.model_name,
    methods: ['supervised', 'dpo'],
    ...(limits.max_seq_length_sft !== undefined ? { trainingExampleLimit: limits.max_seq_length_sft } : {}),
    vision: limits.supports_vision === true,
    openWeights: true,
    preview: false,
    adapters: limits.supports_full_training ? ['lora', 'full'] : ['lora'],
    hyperparameterLimits: {
      n_epochs: { max: limits.max_num_epochs },
      learning_rate: { min: limits.min_learning_rate, max: limits.max_learning_rate },
      lora_r: { max: lora.max_rank },
      batch_size: { min: lora.min_batch_size, max: maxBatch },
    },
    source: { url: 'https://github.com/togethercomputer/openapi/blob/090263aa0fde006d9cd958bef52719958079bbc4/openapi.yaml', read: 'at run time', note: 'GET /fine-tunes/models/limits' },
  };
}
