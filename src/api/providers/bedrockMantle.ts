/**
 * The Amazon Bedrock Mantle adapter (issue 20): Bedrock's OpenAI-compatible endpoint
 * (`https://bedrock-mantle.REGION.api.aws/v1`), reinforcement fine-tuning of open-weight models only, authenticated
 * with a Bedrock API key as the bearer token. The OpenAI client (SdkClient) is used with that base URL.
 *
 * Sources (read 2026-12-03):
 * - DATA: https://docs.aws.amazon.com/bedrock/latest/userguide/rft-prepare-data-open-weight.html ("100-20K examples",
 *   `messages` + `reference_answer`, purpose fine-tune).
 * - ACCESS: https://docs.aws.amazon.com/bedrock/latest/userguide/rft-open-weight-access-security.html (Bedrock API key
 *   for the OpenAI SDK; OPENAI_BASE_URL e.g. https://bedrock-mantle.us-west-2.api.aws/v1; reward function in Lambda).
 * - RFT: https://docs.aws.amazon.com/bedrock/latest/userguide/reinforcement-fine-tuning.html.
 * - MANTLE: https://litellm.vercel.app/docs/providers/bedrock_mantle (third party: the open-weight models on Mantle).
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
  type TunableModel,
} from './types';

const READ = '2026-12-03';
export const BEDROCK_MANTLE_SOURCES = {
  data: { url: 'https://docs.aws.amazon.com/bedrock/latest/userguide/rft-prepare-data-open-weight.html', read: READ },
  access: { url: 'https://docs.aws.amazon.com/bedrock/latest/userguide/rft-open-weight-access-security.html', read: READ },
  rft: { url: 'https://docs.aws.amazon.com/bedrock/latest/userguide/reinforcement-fine-tuning.html', read: READ },
  mantle: { url: 'https://litellm.vercel.app/docs/providers/bedrock_mantle', read: READ, note: 'third party: models served on Mantle; which of them take RFT not found in the AWS pages read (verify)' },
} as const satisfies Record<string, Source>;

export const bedrockMantleBaseUrl = (region: string): string => `https://bedrock-mantle.${region}.api.aws/v1`;

const hp = (h: Omit<HyperparameterSpec, 'source'>): HyperparameterSpec => ({
  ...h,
  source: { ...BEDROCK_MANTLE_SOURCES.access, note: 'OpenAI-compatible fine-tuning API: OpenAI\'s reinforcement hyperparameter names; Bedrock\'s own bounds not found in the pages read (verify)' },
});

const RFT: readonly HyperparameterSpec[] = [
  hp({ name: 'n_epochs', label: 'Epochs', kind: 'integer', min: 1, auto: true }),
  hp({ name: 'batch_size', label: 'Batch size', kind: 'integer', min: 1, auto: true }),
  hp({ name: 'learning_rate_multiplier', label: 'Learning rate multiplier', kind: 'number', min: 0, exclusiveMin: true, auto: true }),
];

const model = (id: string, label: string): TunableModel => ({
  id,
  aliases: [],
  label,
  methods: ['reinforcement'],
  vision: false,
  openWeights: true,
  preview: false,
  retirement: noDateAnnounced({ ...BEDROCK_MANTLE_SOURCES.rft, note: 'no retirement date for tuning or serving this base model on the pages read' }),
  source: BEDROCK_MANTLE_SOURCES.mantle,
});

export const BEDROCK_MANTLE_MODELS: readonly TunableModel[] = [model('openai.gpt-oss-20b', 'gpt-oss-20b'), model('openai.gpt-oss-120b', 'gpt-oss-120b')];

export const BEDROCK_MANTLE_CAPABILITIES: ProviderCapabilities = {
  ...OPENAI_CAPABILITIES,
  methods: [
    {
      method: 'reinforcement',
      label: 'Reinforcement (RFT)',
      hyperparameters: RFT,
      requiresValidationFile: false,
      requiresGrader: true,
      source: { ...BEDROCK_MANTLE_SOURCES.access, note: 'the reward function is an AWS Lambda function (grader)' },
    },
  ],
  models: BEDROCK_MANTLE_MODELS,
  trainingOptions: [],
  upload: {
    singleRequest: { maxBytes: OPENAI_CAPABILITIES.upload.singleRequest.maxBytes, source: { ...BEDROCK_MANTLE_SOURCES.access, note: 'POST /v1/files (OpenAI-compatible); Bedrock\'s own size limit not found: OpenAI\'s 512 MB kept (verify)' } },
    multipart: unsupported('Bedrock Mantle documents POST /files only (no /uploads parts API found).', BEDROCK_MANTLE_SOURCES.access),
    importFromUrl: unsupported('The OpenAI-compatible API takes uploads; S3 input belongs to the classic Bedrock customization API.', BEDROCK_MANTLE_SOURCES.access),
  },
  operations: {
    ...OPENAI_CAPABILITIES.operations,
    create: supported(BEDROCK_MANTLE_SOURCES.access, 'POST /v1/fine_tuning/jobs with method.type "reinforcement"'),
    list: supported(BEDROCK_MANTLE_SOURCES.access, 'GET /v1/fine_tuning/jobs'),
    retrieve: supported(BEDROCK_MANTLE_SOURCES.access, 'GET /v1/fine_tuning/jobs/{id}'),
    cancel: supported(BEDROCK_MANTLE_SOURCES.access, 'POST /v1/fine_tuning/jobs/{id}/cancel'),
    pause: unsupported('Bedrock Mantle documents no pause for fine-tuning jobs.', BEDROCK_MANTLE_SOURCES.access),
    resume: unsupported('Bedrock Mantle documents no resume for fine-tuning jobs.', BEDROCK_MANTLE_SOURCES.access),
    events: supported(BEDROCK_MANTLE_SOURCES.access, 'GET /v1/fine_tuning/jobs/{id}/events'),
    metrics: supported(BEDROCK_MANTLE_SOURCES.rft, 'reward metrics in the events'),
    checkpoints: supported(BEDROCK_MANTLE_SOURCES.access, 'GET /v1/fine_tuning/jobs/{id}/checkpoints'),
  },
  results: {
    events: supported(BEDROCK_MANTLE_SOURCES.rft, 'metrics events'),
    resultFile: unsupported('No result file documented for Bedrock Mantle jobs.', BEDROCK_MANTLE_SOURCES.access),
    metricsEndpoint: unsupported('No metrics endpoint on the OpenAI-compatible API.', BEDROCK_MANTLE_SOURCES.access),
  },
  serving: {
    kind: 'direct',
    deploymentTypes: [],
    checkpoints: unsupported('Serving a checkpoint is not documented in the pages read.', BEDROCK_MANTLE_SOURCES.access),
    source: { ...BEDROCK_MANTLE_SOURCES.access, note: 'the tuned model is called on the same OpenAI-compatible endpoint by its fine_tuned_model id (not found explicitly in the pages read: verify)' },
  },
  auth: { methods: ['bearer'], keyHeader: 'authorization', keyEnvVar: 'AWS_BEARER_TOKEN_BEDROCK', source: { ...BEDROCK_MANTLE_SOURCES.access, note: 'a Bedrock API key as the OpenAI SDK\'s api key (the page sets it in OPENAI_API_KEY; AWS_BEARER_TOKEN_BEDROCK is Bedrock\'s own variable)' } },
  baseUrl: { default: bedrockMantleBaseUrl('us-east-1'), setting: 'tuneline.baseUrl', example: 'https://bedrock-mantle.REGION.api.aws/v1', source: BEDROCK_MANTLE_SOURCES.access },
  // From the Bedrock Mantle dataset profile (core): 100 to 20,000 examples, reference_answer, 512 MB per file.
  dataset: profileDataset('bedrock-mantle', { ...BEDROCK_MANTLE_SOURCES.data, note: '"Training data must follow the OpenAI chat completions format with 100-20K examples"; messages + reference_answer' }),
  quotas: { source: { ...BEDROCK_MANTLE_SOURCES.access, note: 'Bedrock service quotas apply; none read' } },
};

function bedrockMantleProvider(): Provider {
  return makeProvider('bedrock-mantle', 'Amazon Bedrock (Mantle)', BEDROCK_MANTLE_CAPABILITIES, {
    unknownModelMethods: [],
    extraProblems: (plan) => {
      const g = plan.grader as { type?: unknown } | undefined;
      if (plan.grader !== undefined && (typeof g !== 'object' || g === null || typeof g.type !== 'string')) {
        return [{ field: 'grader', message: 'Bedrock Mantle needs a grader object (a Lambda reward function): { "type": ..., ... }.' }];
      }
      return [];
    },
  });
}

export const BEDROCK_MANTLE: Provider = bedrockMantleProvider();
