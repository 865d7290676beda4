/**
 * The profile catalogue: one entry per provider (its dataset rules where they differ from OpenAI's) and, for the
 * open-model services, a table of the models with their context lengths and tokenizers. `resolveProfile(provider,
 * model)` builds the `Profile` the engine judges a file with. Every difference cites the page it comes from and the
 * date it was read (the `sources` of each provider).
 */
import { resolveModel } from '../models';
import { AZURE_GPT4X_FINE_TUNE_DATES, OPENAI_DATES, openaiDates } from '../retirement';
import type { Method } from '../types';
import type { FileRules, Limits, LineFormat, PriceInfo, Profile, ProviderId, RetirementInfo, Source, TokenizerInfo } from './types';

const READ = '2026-12-03';
const MB = 1024 * 1024;
const GB = 1024 * MB;

// ------------------------------------------------------------------------------------------------ sources

const S_OPENAI_REF: Source = {
  url: 'shared/reference/openai-format-rules.md (compiled 2026-11-24; S4a, S4b, S4e, S4g, S4h, S10, S13)',
  read: READ,
  says: 'OpenAI\'s rules: at least 10 examples, 10 images per example, 10 MB per image, 512 MB per file; no BOM rule (Tuneline warns, TL-01).',
};
const S_AZURE_VISION: Source = {
  url: 'https://learn.microsoft.com/azure/foundry/openai/how-to/fine-tuning-vision',
  read: READ,
  says: 'Max images per example 64; max image file size 10 MB; JPEG, PNG, WEBP; at least 10 examples; vision on gpt-4o 2024-08-06 and gpt-4.1 2025-04-14.',
};
const S_AZURE_FT: Source = {
  url: 'https://learn.microsoft.com/azure/ai-services/openai/how-to/fine-tuning-troubleshoot ; BOM: https://learn.microsoft.com/azure/ai-services/openai/how-to/fine-tuning (data preparation)',
  read: READ,
  says: '"10 is the minimum for the pipeline to run" (troubleshooting page, read). UTF-8 with a BOM accepted: as issues 16 and 17 quote Azure\'s fine-tuning page; the sentence was not found again in the search corpus on ' + READ + ' (to re-check).',
};
const S_AZURE_QUOTA: Source = {
  url: 'https://learn.microsoft.com/azure/ai-services/openai/quotas-limits',
  read: READ,
  says:
    'Total size of all files per resource (fine-tuning) 1 GB (both revisions). Max files per resource (fine-tuning): 50 in the revision of ms.date 07/11/2025, ' +
    '100 in the revision of ms.date 02/17/2026 (MicrosoftDocs/azure-ai-docs openai/quotas-limits.md, revision be187ce0, read ' + READ + '); the stricter 50 is kept.',
};
const S_TOGETHER_DATA: Source = {
  url: 'https://docs.together.ai/docs/fine-tuning/data-preparation',
  read: READ,
  says: 'Formats: messages, prompt/completion, preference (input/preferred_output/non_preferred_output), text; "If the same file has two possible formats (for example both text and messages), the server rejects it"; per-message weight 0 or 1 on any message; other fields are ignored; file size limit 100 GB.',
};
const S_TOGETHER_SDK: Source = {
  url: 'https://www.npmjs.com/package/together-ai/v/0.52.0 (lib/check-file.js)',
  read: READ,
  says: 'check-file: MIN_SAMPLES 1, MAX_FILE_SIZE_GB 4.9 — stricter than the data-preparation page\'s 100 GB, so 4.9 GB is kept.',
};
const S_TOGETHER_VISION: Source = {
  url: 'https://docs.together.ai/docs/fine-tuning/vision',
  read: READ,
  says: 'Each image base64-encoded with a MIME type prefix (URLs must be downloaded and encoded first); at most 10 images per example; 10 MB per image; PNG, JPEG, WEBP; only user messages hold images.',
};
const S_FIREWORKS: Source = {
  url: 'https://docs.fireworks.ai/fine-tuning/fine-tuning-models',
  read: READ,
  says: 'Minimum examples: 3; maximum examples: 3 million per dataset; .jsonl; messages with role system/user/assistant and optional weight 0 or 1.',
};
const S_FIREWORKS_UPLOAD: Source = {
  url: 'https://docs.fireworks.ai/api-reference/upload-dataset-files',
  read: READ,
  says: '"This path can handle file sizes up to 150Mb. For larger file sizes use Get Dataset Upload Endpoint." Tuneline uploads through this path only, so 150 MB is its limit (the page names no minimum; S_FIREWORKS\'s 3 is kept).',
};
const S_FIREWORKS_WEIGHT: Source = {
  url: 'https://docs.fireworks.ai/fine-tuning/weighted-training',
  read: READ,
  says: 'A root-level "weight" (any float) per sample, for RFT; if used it must be on every sample.',
};
const S_BEDROCK: Source = {
  url: 'https://docs.aws.amazon.com/bedrock/latest/userguide/rft-prepare-data-open-weight.html',
  read: READ,
  says: 'Reinforcement fine-tuning of open-weight models through the OpenAI-compatible API: OpenAI chat format with 100-20K examples; each has messages and reference_answer; optional extra fields for the grader Lambda; purpose fine-tune.',
};
const S_AZURE_IMAGES: Source = {
  url: 'https://learn.microsoft.com/azure/foundry/openai/how-to/fine-tuning-vision (Image dataset requirements)',
  read: READ,
  says: 'A training file may hold at most 50,000 examples that contain images (not counting text-only examples).',
};
const S_NEBIUS_DATA: Source = {
  url: 'https://docs.tokenfactory.nebius.com/post-training/datasets',
  read: READ,
  says:
    'JSON Lines; dataset types conversational (messages, the last message from the assistant, optional tools), instruction (prompt, completion), text (text) and pre-tokenized (token_ids); ' +
    '"The size limit for dataset files is 5 gigabytes" (the page\'s Markdown source says 50GB: the stricter 5 GB is kept). No minimum number of examples and no other fields are stated.',
};
const S_FIREWORKS_PRICE: Source = {
  url: 'https://fireworks.ai/pricing (fine-tuning: "$ / 1M tokens in training")',
  read: READ,
  says: 'Models up to 16B parameters $0.50; models 16.1B - 80B $3.00; Mixtral 8x7B $2.00 per 1M training tokens ("dataset size * number of epochs"). No bracket for other mixture-of-experts models or models over 80B.',
};
const S_MODEL_CARDS: Source = {
  url: 'Hugging Face model cards (config.json max_position_embeddings) of each open model listed',
  read: 'not re-read in this session',
  says: 'Context lengths of the open models; to be confirmed against each service\'s model list (the services may train at a shorter sequence length).',
};

// ------------------------------------------------------------------------------------------------ open models

/** An open-weight model: its context length and tokenizer (the chat template is the tokenizer's own). */
interface OpenModel {
  readonly id: string;
  /** Other ids the services use for it. */
  readonly aliases: readonly string[];
  readonly contextLength: number;
  /** The Hugging Face repository of its tokenizer and chat template. */
  readonly hf: string;
  /** Tokenizer family, for the estimate until the exact tokenizer is loaded. */
  readonly family: 'llama3' | 'qwen3' | 'qwen2.5' | 'gpt-oss' | 'gemma3' | 'other';
  /** Parameters in billions (the model card), for the services that price training by model size. */
  readonly paramsB: number;
  /** A mixture-of-experts model (priced apart from dense models where the services say so). */
  readonly moe?: boolean;
}

const OPEN_MODELS: readonly OpenModel[] = [
  { id: 'meta-llama/Llama-3.3-70B-Instruct', aliases: ['Llama-3.3-70B-Instruct', 'accounts/fireworks/models/llama-v3p3-70b-instruct', 'meta-llama/Llama-3.3-70B-Instruct-Reference'], contextLength: 131_072, hf: 'meta-llama/Llama-3.3-70B-Instruct', family: 'llama3', paramsB: 70 },
  { id: 'meta-llama/Meta-Llama-3.1-8B-Instruct', aliases: ['meta-llama/Llama-3.1-8B-Instruct', 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference', 'accounts/fireworks/models/llama-v3p1-8b-instruct'], contextLength: 131_072, hf: 'meta-llama/Llama-3.1-8B-Instruct', family: 'llama3', paramsB: 8 },
  { id: 'Qwen/Qwen3-8B', aliases: ['accounts/fireworks/models/qwen3-8b'], contextLength: 40_960, hf: 'Qwen/Qwen3-8B', family: 'qwen3', paramsB: 8.2 },
  { id: 'Qwen/Qwen3-32B', aliases: ['qwen.qwen3-32b', 'accounts/fireworks/models/qwen3-32b', 'Qwen-32B'], contextLength: 40_960, hf: 'Qwen/Qwen3-32B', family: 'qwen3', paramsB: 32.8 },
  { id: 'Qwen/Qwen2.5-7B-Instruct', aliases: ['accounts/fireworks/models/qwen2p5-7b-instruct'], contextLength: 32_768, hf: 'Qwen/Qwen2.5-7B-Instruct', family: 'qwen2.5', paramsB: 7.6 },
  { id: 'openai/gpt-oss-20b', aliases: ['gpt-oss-20b', 'openai.gpt-oss-20b', 'accounts/fireworks/models/gpt-oss-20b'], contextLength: 131_072, hf: 'openai/gpt-oss-20b', family: 'gpt-oss', paramsB: 21, moe: true },
  { id: 'openai/gpt-oss-120b', aliases: ['gpt-oss-120b', 'openai.gpt-oss-120b', 'accounts/fireworks/models/gpt-oss-120b'], contextLength: 131_072, hf: 'openai/gpt-oss-120b', family: 'gpt-oss', paramsB: 117, moe: true },
  { id: 'google/gemma-3-27b-it', aliases: ['accounts/fireworks/models/gemma-3-27b-it', 'google/gemma-3-27b-it-VLM'], contextLength: 131_072, hf: 'google/gemma-3-27b-it', family: 'gemma3', paramsB: 27 },
];

const openByName = new Map<string, OpenModel>();
for (const m of OPEN_MODELS) {
  openByName.set(m.id.toLowerCase(), m);
  for (const a of m.aliases) openByName.set(a.toLowerCase(), m);
}

/** The open model a service's model id names, if Tuneline knows it. */
export function openModel(id: string): OpenModel | undefined {
  return openByName.get(id.trim().toLowerCase());
}

/** The open models Tuneline knows (for completion lists). */
export function openModelIds(): string[] {
  return OPEN_MODELS.map((m) => m.id);
}

const ESTIMATE_OPEN =
  'estimate: o200k_base token counts of the text plus the per-message overhead of OpenAI\'s cookbook (TOK-02), until the model\'s own tokenizer and chat template are loaded; open-model tokenizers differ from o200k_base by roughly ±15% on English text';

function openTokenizer(m: OpenModel | undefined): TokenizerInfo {
  if (!m) return { id: 'o200k_base', chatTemplate: 'openai', exact: false, estimate: ESTIMATE_OPEN + ' (the model is not in Tuneline\'s table)' };
  return { id: m.hf, chatTemplate: m.hf, exact: false, estimate: ESTIMATE_OPEN };
}

const NO_DATE: RetirementInfo = { note: 'no date announced', source: 'the provider\'s model list (no retirement date found on ' + READ + ')' };

// ------------------------------------------------------------------------------------------------ providers

interface ProviderDef {
  readonly id: ProviderId;
  readonly label: string;
  readonly aliases: readonly string[];
  readonly formats: readonly LineFormat[];
  readonly methods: readonly Method[];
  readonly oneFormatPerLine: boolean;
  readonly severities: Profile['severities'];
  readonly extraTopLevelKeys: readonly string[];
  readonly requiredTopLevelKeys: readonly string[];
  readonly weightOnAnyMessage: boolean;
  readonly extraRoles?: readonly string[];
  readonly file: FileRules;
  readonly images: Pick<Limits, 'imagesPerExample' | 'imageBytes' | 'imageEncoding'>;
  readonly sources: readonly Source[];
  /** The model when none is given. */
  readonly defaultModel: string;
  /** True: models are OpenAI's catalogue (OpenAI, Azure); false: open models. */
  readonly openAIModels: boolean;
  readonly visionModels?: readonly string[];
  /** The training price of a model on this service (open models), when the service publishes one. */
  readonly price?: (m: OpenModel | undefined) => PriceInfo | undefined;
  /** What the cost line says when there is no price (see `Profile.priceMissing`). */
  readonly priceMissing: string;
}

/** Fireworks' training price by model size (S_FIREWORKS_PRICE): dense models only, the page has no other bracket. */
function fireworksPrice(m: OpenModel | undefined): PriceInfo | undefined {
  if (!m || m.moe || m.paramsB > 80) return undefined;
  return { usd: m.paramsB <= 16 ? 0.5 : 3, unit: 'per-1m-training-tokens', date: READ, source: S_FIREWORKS_PRICE.url };
}

/**
 * OpenAI's Files API limit per file, 512 MB (S_OPENAI_REF): what the engine's FILE-06/07 apply when a profile has no
 * `maxBytes` (`FILES_API_LIMIT` in `core/dataset.ts`, and the adapters' `dataset.maxFileBytes`).
 */
export const OPENAI_FILE_BYTES = 512 * MB;

const OPENAI_FILE: FileRules = { minExamples: 10, recommendedExamples: 50, bomAccepted: false, encoding: 'utf-8' };
const OPENAI_IMAGES = { imagesPerExample: 10, imageBytes: 10 * MB, imageEncoding: 'url-or-base64' } as const;

const PROVIDERS: readonly ProviderDef[] = [
  {
    id: 'openai',
    label: 'OpenAI',
    aliases: [],
    formats: ['messages', 'preference', 'completion'],
    methods: ['supervised', 'dpo', 'reinforcement', 'completion'],
    oneFormatPerLine: false,
    severities: {},
    extraTopLevelKeys: [],
    requiredTopLevelKeys: [],
    weightOnAnyMessage: false,
    file: OPENAI_FILE,
    images: OPENAI_IMAGES,
    sources: [S_OPENAI_REF],
    defaultModel: 'gpt-4.1-mini-2025-04-14',
    openAIModels: true,
    visionModels: ['gpt-4o-2024-08-06'],
    priceMissing: 'no published price for this model in OpenAI\'s pricing table (reference S4h)',
  },
  {
    id: 'azure',
    label: 'Azure AI Foundry',
    aliases: ['azure-openai', 'foundry', 'azure-ai-foundry'],
    formats: ['messages', 'preference'],
    methods: ['supervised', 'dpo', 'reinforcement'],
    oneFormatPerLine: false,
    // A UTF-8 BOM is accepted by Azure (S_AZURE_FT): TL-01 is off.
    severities: { 'utf8-bom': 'off' },
    extraTopLevelKeys: [],
    requiredTopLevelKeys: [],
    weightOnAnyMessage: false,
    // maxFiles: 50 (07/11/2025) vs 100 (02/17/2026) in quotas-limits.md: the stricter is kept (S_AZURE_QUOTA).
    // maxImageExamples: 50,000 examples with images per training file (S_AZURE_IMAGES).
    file: { minExamples: 10, recommendedExamples: 50, bomAccepted: true, encoding: 'utf-8', maxFiles: 50, maxTotalBytes: GB, maxImageExamples: 50_000 },
    images: { imagesPerExample: 64, imageBytes: 10 * MB, imageEncoding: 'url-or-base64' },
    sources: [S_AZURE_VISION, S_AZURE_FT, S_AZURE_QUOTA, S_AZURE_IMAGES],
    defaultModel: 'gpt-4.1-mini-2025-04-14',
    openAIModels: true,
    visionModels: ['gpt-4o-2024-08-06', 'gpt-4.1-2025-04-14'],
    // Not OpenAI's price: Azure bills per region and deployment type.
    priceMissing:
      'no published price: Azure\'s pricing page (https://azure.microsoft.com/pricing/details/azure-openai/) shows training prices only for a chosen region and currency ("$-" without one, as captured on 2026-10-07; read ' + READ + '); Tuneline does not use OpenAI\'s prices for Azure',
  },
  {
    id: 'together',
    label: 'Together AI',
    aliases: ['togetherai', 'together-ai'],
    formats: ['messages', 'preference', 'completion', 'text'],
    methods: ['supervised', 'dpo', 'completion'],
    oneFormatPerLine: true,
    // Other fields are ignored (S_TOGETHER_DATA); prompt/completion is a current format, not a legacy one.
    severities: { 'legacy-format-deprecated': 'off' },
    extraTopLevelKeys: ['*'],
    requiredTopLevelKeys: [],
    weightOnAnyMessage: true,
    // maxBytes: 100 GB on the data-preparation page (S_TOGETHER_DATA), 4.9 GB in the SDK's check-file (S_TOGETHER_SDK):
    // the stricter is kept.
    file: { minExamples: 1, bomAccepted: false, encoding: 'utf-8', maxBytes: Math.floor(4.9 * GB) },
    images: { imagesPerExample: 10, imageBytes: 10 * MB, imageEncoding: 'base64' },
    sources: [S_TOGETHER_DATA, S_TOGETHER_SDK, S_TOGETHER_VISION, S_MODEL_CARDS],
    defaultModel: 'meta-llama/Meta-Llama-3.1-8B-Instruct',
    openAIModels: false,
    priceMissing:
      'no published price: https://www.together.ai/pricing lists per-token rates by model size, method and LoRA/Full, but no rate could be read from it on ' + READ + ' (https://docs.together.ai/docs/fine-tuning/pricing gives only the formula); Start Training shows Together\'s own estimate (estimate-price)',
  },
  {
    id: 'fireworks',
    label: 'Fireworks AI',
    aliases: ['fireworks-ai', 'fireworksai'],
    formats: ['messages', 'preference'],
    methods: ['supervised', 'dpo', 'reinforcement'],
    oneFormatPerLine: false,
    severities: {},
    // A root-level weight is documented for RFT (S_FIREWORKS_WEIGHT).
    extraTopLevelKeys: ['weight'],
    requiredTopLevelKeys: [],
    weightOnAnyMessage: false,
    // minExamples 3 (S_FIREWORKS; the upload page names none); maxBytes 150 MB per :upload (S_FIREWORKS_UPLOAD).
    file: { minExamples: 3, maxExamples: 3_000_000, bomAccepted: false, encoding: 'utf-8', maxBytes: 150 * MB },
    images: OPENAI_IMAGES,
    sources: [S_FIREWORKS, S_FIREWORKS_UPLOAD, S_FIREWORKS_WEIGHT, S_FIREWORKS_PRICE, S_MODEL_CARDS],
    defaultModel: 'accounts/fireworks/models/qwen3-8b',
    openAIModels: false,
    price: fireworksPrice,
    priceMissing: 'no published price: Fireworks prices training by size for dense models up to 80B only (https://fireworks.ai/pricing, read ' + READ + ')',
  },
  {
    id: 'nebius',
    label: 'Nebius Token Factory',
    aliases: ['nebius-token-factory', 'tokenfactory', 'token-factory', 'nebius-ai-studio'],
    // Conversational, instruction (prompt/completion) and text data (S_NEBIUS_DATA); no preference format there.
    formats: ['messages', 'completion', 'text'],
    methods: ['supervised', 'completion'],
    oneFormatPerLine: false,
    // Instruction data (prompt/completion) is a current format on Nebius, not a legacy one (S_NEBIUS_DATA).
    severities: { 'legacy-format-deprecated': 'off' },
    extraTopLevelKeys: [],
    requiredTopLevelKeys: [],
    weightOnAnyMessage: false,
    // No minimum stated (S_NEBIUS_DATA): 1; 5 GB per file (the stricter of the page's two figures).
    file: { minExamples: 1, bomAccepted: false, encoding: 'utf-8', maxBytes: 5 * GB },
    images: OPENAI_IMAGES,
    sources: [S_NEBIUS_DATA, S_MODEL_CARDS],
    defaultModel: 'meta-llama/Meta-Llama-3.1-8B-Instruct',
    openAIModels: false,
    priceMissing:
      'no published price: the Token Factory docs read on ' + READ + ' (post-training pages, https://docs.tokenfactory.nebius.com/ai-models-inference/billing-policy) state no per-token training rate',
  },
  {
    id: 'bedrock-mantle',
    label: 'Amazon Bedrock (Mantle)',
    aliases: ['bedrock', 'mantle', 'amazon-bedrock'],
    formats: ['messages'],
    methods: ['reinforcement'],
    oneFormatPerLine: false,
    severities: {},
    // Bedrock's examples carry a system message in reinforcement data (S_BEDROCK): the role is allowed.
    extraRoles: ['system'],
    extraTopLevelKeys: ['*'],
    requiredTopLevelKeys: ['reference_answer'],
    weightOnAnyMessage: false,
    file: { minExamples: 100, maxExamples: 20_000, bomAccepted: false, encoding: 'utf-8' },
    images: OPENAI_IMAGES,
    sources: [S_BEDROCK, S_MODEL_CARDS],
    defaultModel: 'openai.gpt-oss-20b',
    openAIModels: false,
    priceMissing: 'no published price read for Amazon Bedrock reinforcement fine-tuning (' + READ + ')',
  },
];

const providerByName = new Map<string, ProviderDef>();
for (const p of PROVIDERS) {
  providerByName.set(p.id, p);
  for (const a of p.aliases) providerByName.set(a, p);
}

export const PROVIDER_IDS: readonly ProviderId[] = PROVIDERS.map((p) => p.id);

/** The provider id a name stands for (`azure-openai` → `azure`), or undefined. */
export function providerId(name: string | undefined): ProviderId | undefined {
  if (name === undefined) return undefined;
  return providerByName.get(name.trim().toLowerCase())?.id;
}

const cache = new Map<string, Profile>();

/**
 * The profile of (provider, model). No provider: OpenAI (today's behaviour). An unknown provider throws (the CLI and
 * the settings name the valid ones). An unknown model of a known provider gets the provider's rules with default
 * limits (`modelKnown: false`).
 */
export function resolveProfile(provider?: string, model?: string): Profile {
  const key = `${provider ?? ''}\u0000${model ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const def = provider === undefined || provider.trim() === '' ? PROVIDERS[0]! : providerByName.get(provider.trim().toLowerCase());
  if (!def) throw new Error(`unknown provider "${provider}"; use one of: ${PROVIDER_IDS.join(', ')}`);
  const asked = (model ?? '').trim() || def.defaultModel;
  const p = def.openAIModels ? openAIProfile(def, asked) : openModelProfile(def, asked);
  cache.set(key, p);
  return p;
}

function openAIProfile(def: ProviderDef, asked: string): Profile {
  const m = resolveModel(asked);
  const price = m.info.trainingPrice;
  return {
    id: `${def.id}:${m.id}`,
    provider: def.id,
    providerLabel: def.label,
    model: m.id,
    label: `${def.label} · ${m.viaAlias || m.fineTuned ? asked : m.id}`,
    modelKnown: m.known,
    methods: def.id === 'openai' ? m.info.methods : m.info.methods.filter((x) => def.methods.includes(x)),
    formats: def.formats,
    oneFormatPerLine: def.oneFormatPerLine,
    severities: def.severities,
    extraTopLevelKeys: def.extraTopLevelKeys,
    requiredTopLevelKeys: def.requiredTopLevelKeys,
    weightOnAnyMessage: def.weightOnAnyMessage,
    extraRoles: def.extraRoles ?? [],
    file: def.file,
    limits: { tokensPerExample: m.limit, contextLength: m.info.inferenceContext ?? m.limit, ...def.images },
    visionModels: def.visionModels,
    tokenizer: { id: m.encoding, chatTemplate: 'openai', exact: true },
    price: price && def.id === 'openai' ? { usd: price.usd, unit: price.unit === 'per-hour' ? 'per-hour' : 'per-1m-training-tokens', date: price.date, source: 'OpenAI pricing page (reference S4h)' } : undefined,
    ...(price && def.id === 'openai' ? {} : { priceMissing: def.priceMissing }),
    retirement: profileRetirement(def.id, m.id),
    sources: def.sources,
  };
}

/**
 * The profile's retirement dates, from core's one table (src/core/retirement.ts; the adapters read the same): OpenAI's
 * wind-down for every OpenAI model, Azure's gpt-4.x fine-tune schedule, else "no date announced".
 */
function profileRetirement(provider: ProviderId, catalogueId: string): RetirementInfo {
  if (provider === 'openai') {
    const d = openaiDates(catalogueId);
    return {
      trainingEnds: d.training,
      ...(d.serving ? { servingEnds: d.serving } : {}),
      note: `OpenAI stops accepting new fine-tuning jobs on ${OPENAI_DATES.noNewJobs} (organisations that never fine-tuned: since ${OPENAI_DATES.neverFineTunedRefused})${d.serving ? `; this model and its fine-tunes stop serving on ${d.serving}` : '; no serving date announced for this model'}`,
      source: 'OpenAI deprecations page, https://developers.openai.com/api/docs/deprecations (read 2026-12-03; reference S10, S13; issues 16, 18)',
    };
  }
  if (provider === 'azure' && /^gpt-4(o|\.1)/.test(catalogueId)) {
    const d = AZURE_GPT4X_FINE_TUNE_DATES;
    return {
      trainingEnds: d.training,
      servingEnds: d.serving,
      note: `gpt-4.x fine-tunes of existing customers: training until no earlier than ${d.training}, serving until no earlier than ${d.serving}`,
      source: 'Azure model retirements, https://learn.microsoft.com/azure/ai-foundry/openai/concepts/model-retirements (read 2026-12-03)',
    };
  }
  return NO_DATE;
}

function openModelProfile(def: ProviderDef, asked: string): Profile {
  const m = openModel(asked);
  const ctx = m?.contextLength ?? 8_192;
  return {
    id: `${def.id}:${m?.id ?? asked}`,
    provider: def.id,
    providerLabel: def.label,
    model: asked,
    label: `${def.label} · ${asked}`,
    modelKnown: m !== undefined,
    methods: def.methods,
    formats: def.formats,
    oneFormatPerLine: def.oneFormatPerLine,
    severities: def.severities,
    extraTopLevelKeys: def.extraTopLevelKeys,
    requiredTopLevelKeys: def.requiredTopLevelKeys,
    weightOnAnyMessage: def.weightOnAnyMessage,
    extraRoles: def.extraRoles ?? [],
    file: def.file,
    limits: { tokensPerExample: ctx, contextLength: ctx, ...def.images },
    tokenizer: openTokenizer(m),
    ...priceOf(def, m),
    retirement: NO_DATE,
    sources: def.sources,
  };
}

function priceOf(def: ProviderDef, m: OpenModel | undefined): { price: PriceInfo } | { priceMissing: string } {
  const price = def.price?.(m);
  return price ? { price } : { priceMissing: def.priceMissing };
}

/** The OpenAI profile of the default model: what the engine applies when no profile is given. */
export function defaultProfile(): Profile {
  return resolveProfile();
}

/** True for a profile that changes nothing in the engine's judgement (OpenAI's). */
export function isBaseline(p: Profile): boolean {
  return p.provider === 'openai';
}
