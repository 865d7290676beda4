/**
 * The catalogue of fine-tunable models (reference `openai-format-rules.md`, section 10).
 *
 * Prices are OpenAI's training prices as of 2025-11-30 (source S4h), in USD per 1M training tokens, except
 * o4-mini reinforcement fine-tuning, which is billed per hour of training time. Tokenizers are from tiktoken's
 * `model.py` (S8). Pure data and pure functions: no `vscode` import, no I/O.
 */
import type { Method } from './types';

export type EncodingName = 'o200k_base' | 'cl100k_base';

/** The date of every price in this catalogue (OpenAI pricing page, source S4h). */
export const PRICE_DATE = '2025-11-30';

export interface TrainingPrice {
  readonly usd: number;
  /** `per-1M-tokens`: USD per one million billed training tokens; `per-hour`: USD per hour of training time. */
  readonly unit: 'per-1M-tokens' | 'per-hour';
  /** The date the price was read (ISO). */
  readonly date: string;
}

export interface ModelInfo {
  /** The snapshot id a job's `model` takes. */
  readonly id: string;
  /** Other names that resolve to this snapshot (e.g. `gpt-4o-mini`). */
  readonly aliases: readonly string[];
  /** Fine-tuning methods the model supports (`completion` = legacy prompt/completion). */
  readonly methods: readonly Method[];
  /** Maximum tokens per training example (TOK-01), when the sources state one. */
  readonly trainingExampleLimit?: number;
  /** Inference context window (model page), when stated. */
  readonly inferenceContext?: number;
  /** Training price with its date, when listed. */
  readonly trainingPrice?: TrainingPrice;
  readonly encoding: EncodingName;
  /** `func_init` of the cookbook's `num_tokens_for_tools`: 7 for the gpt-4o family (o200k models), 10 for gpt-3.5/gpt-4. */
  readonly funcInit: number;
  /** New fine-tunes are blocked or the model is being retired. */
  readonly deprecated?: boolean;
  /** Legacy prompt/completion model (babbage-002, davinci-002). */
  readonly legacy?: boolean;
  /** Supports vision fine-tuning (images in training examples) per OpenAI's guide. */
  readonly vision?: boolean;
  /** Free-text caveats (conflicting sources, shutdown dates). */
  readonly note?: string;
}

const perM = (usd: number): TrainingPrice => ({ usd, unit: 'per-1M-tokens', date: PRICE_DATE });

export const MODELS: readonly ModelInfo[] = [
  {
    id: 'gpt-4.1-2025-04-14',
    aliases: ['gpt-4.1'],
    methods: ['supervised', 'dpo'],
    trainingExampleLimit: 65_536,
    inferenceContext: 1_047_576,
    trainingPrice: perM(25),
    encoding: 'o200k_base',
    funcInit: 7,
    note: 'The model page gives a 1,047,576-token context; the fine-tuning best-practices table gives 128,000.',
  },
  {
    id: 'gpt-4.1-mini-2025-04-14',
    aliases: ['gpt-4.1-mini'],
    methods: ['supervised', 'dpo'],
    trainingExampleLimit: 65_536,
    inferenceContext: 1_047_576,
    trainingPrice: perM(5),
    encoding: 'o200k_base',
    funcInit: 7,
    note: 'The model page gives a 1,047,576-token context; the fine-tuning best-practices table gives 128,000.',
  },
  {
    id: 'gpt-4.1-nano-2025-04-14',
    aliases: ['gpt-4.1-nano'],
    methods: ['supervised', 'dpo'],
    trainingExampleLimit: 65_536,
    inferenceContext: 1_047_576,
    trainingPrice: perM(1.5),
    encoding: 'o200k_base',
    funcInit: 7,
    note: 'The model page gives a 1,047,576-token context; the fine-tuning best-practices table gives 128,000.',
  },
  {
    id: 'gpt-4o-2024-08-06',
    aliases: ['gpt-4o'],
    methods: ['supervised', 'dpo'],
    trainingExampleLimit: 65_536,
    inferenceContext: 128_000,
    trainingPrice: perM(25),
    encoding: 'o200k_base',
    funcInit: 7,
    vision: true,
  },
  {
    id: 'gpt-4o-mini-2024-07-18',
    aliases: ['gpt-4o-mini'],
    methods: ['supervised'],
    trainingExampleLimit: 65_536,
    inferenceContext: 128_000,
    trainingPrice: perM(3),
    encoding: 'o200k_base',
    funcInit: 7,
  },
  {
    id: 'o4-mini-2025-04-16',
    aliases: ['o4-mini'],
    methods: ['reinforcement'],
    inferenceContext: 200_000,
    trainingPrice: { usd: 100, unit: 'per-hour', date: PRICE_DATE },
    encoding: 'o200k_base',
    funcInit: 7,
    note: 'Billed by training time ($100/hour); grader-model tokens are billed at that model\'s rates. No per-example token limit is stated.',
  },
  {
    id: 'gpt-3.5-turbo-0125',
    aliases: ['gpt-3.5-turbo'],
    methods: ['supervised'],
    trainingExampleLimit: 16_385,
    inferenceContext: 16_385,
    trainingPrice: perM(8),
    encoding: 'cl100k_base',
    funcInit: 10,
  },
  {
    id: 'gpt-3.5-turbo-1106',
    aliases: [],
    methods: ['supervised'],
    trainingExampleLimit: 16_385,
    inferenceContext: 16_385,
    trainingPrice: perM(8),
    encoding: 'cl100k_base',
    funcInit: 10,
  },
  {
    id: 'gpt-3.5-turbo-0613',
    aliases: [],
    methods: ['supervised'],
    trainingExampleLimit: 4_096,
    inferenceContext: 16_385,
    encoding: 'cl100k_base',
    funcInit: 10,
    deprecated: true,
    note: 'New fine-tunes blocked after deprecation (shutdown 2024-09-13).',
  },
  {
    id: 'gpt-4-0613',
    aliases: ['gpt-4'],
    methods: ['supervised'],
    inferenceContext: 8_192,
    encoding: 'cl100k_base',
    funcInit: 10,
    note: 'Listed only in the older single-page fine-tuning guide; no training price or example limit is stated.',
  },
  {
    id: 'davinci-002',
    aliases: [],
    methods: ['completion'],
    trainingPrice: perM(6),
    encoding: 'cl100k_base',
    funcInit: 10,
    legacy: true,
    deprecated: true,
    note: 'No new training runs since 2024-10-28 (replacement: gpt-4o-mini).',
  },
  {
    id: 'babbage-002',
    aliases: [],
    methods: ['completion'],
    trainingPrice: perM(0.4),
    encoding: 'cl100k_base',
    funcInit: 10,
    legacy: true,
    deprecated: true,
    note: 'No new training runs since 2024-10-28 (replacement: gpt-4o-mini).',
  },
];

export const DEFAULT_MODEL = 'gpt-4.1-mini-2025-04-14';

/**
 * What an unknown model id resolves to: o200k_base and a 65,536-token example limit (the limit of every current
 * fine-tunable chat model), no price. Ids that tiktoken maps to cl100k_base by prefix (`gpt-3.5-turbo…`, `gpt-4-…`,
 * `gpt-4` exactly, `davinci…`, `babbage…`, S8) get cl100k_base instead.
 */
export const FALLBACK_LIMIT = 65_536;
export const FALLBACK_ENCODING: EncodingName = 'o200k_base';

export interface ResolvedModel {
  /** What was asked for. */
  readonly requested: string;
  /** The catalogue entry, or a synthesised one for unknown ids. */
  readonly info: ModelInfo;
  /** The snapshot id (the base of an `ft:` id). */
  readonly id: string;
  /** false when the id (or its `ft:` base) is not in the catalogue. */
  readonly known: boolean;
  /** The requested id was a fine-tuned model (`ft:<base>:…`). */
  readonly fineTuned: boolean;
  /** The requested id was an alias (`gpt-4o-mini`) rather than a snapshot. */
  readonly viaAlias: boolean;
  readonly encoding: EncodingName;
  /** Token limit per training example used by TOK-01 (the fallback when the catalogue states none). */
  readonly limit: number;
}

const byId = new Map<string, ModelInfo>();
for (const m of MODELS) {
  byId.set(m.id, m);
}
const byAlias = new Map<string, ModelInfo>();
for (const m of MODELS) {
  for (const a of m.aliases) {
    byAlias.set(a, m);
  }
}

export function modelById(id: string): ModelInfo | undefined {
  return byId.get(id);
}

function encodingByPrefix(id: string): EncodingName {
  if (/^(gpt-3\.5|gpt-35|gpt-4-|gpt-4$|davinci|babbage|text-|code-)/.test(id)) {
    return 'cl100k_base';
  }
  return FALLBACK_ENCODING;
}

/** What a model id says about itself. */
export interface ModelIdParts {
  /** A fine-tuned model (or one of its checkpoints). */
  readonly fineTuned: boolean;
  /** The base model id it was tuned from (the id itself for a base model). */
  readonly base: string;
  /** A checkpoint's step (`…:ckpt-step-N`). */
  readonly checkpointStep?: number;
}

/**
 * The one model-id parser ("is this a fine-tuned id, and of which base"): OpenAI's `ft:<base>:<org>:<suffix>:<id>`
 * (a checkpoint adds `:ckpt-step-N`) and Azure OpenAI's `<base>.ft-<hex>[-suffix]`; anything else is a base model.
 */
export function parseModelId(id: string): ModelIdParts {
  const step = /:ckpt-step-(\d+)$/.exec(id);
  const checkpoint = step ? { checkpointStep: Number(step[1]) } : {};
  if (id.startsWith('ft:')) return { fineTuned: true, base: id.slice(3).split(':')[0] ?? '', ...checkpoint };
  const azure = /^(.+?)\.ft-[0-9a-f]+/.exec(id);
  if (azure) return { fineTuned: true, base: azure[1]!, ...checkpoint };
  return { fineTuned: false, base: id };
}

/**
 * Resolves a model id: an exact snapshot, an alias (`gpt-4o-mini` → `gpt-4o-mini-2024-07-18`), a fine-tuned id
 * (`ft:gpt-4o-mini-2024-07-18:org::abc` or Azure's `gpt-4o-mini-2024-07-18.ft-abc` → its base: `parseModelId`), or, for anything else, a fallback
 * (`known: false`, o200k_base unless the prefix says cl100k_base, limit 65,536, no price). Empty → the default model.
 */
export function resolveModel(requested: string | undefined): ResolvedModel {
  const asked = (requested ?? '').trim() || DEFAULT_MODEL;
  const { fineTuned, base: id } = parseModelId(asked);
  const exact = byId.get(id);
  const alias = exact ? undefined : byAlias.get(id);
  const info = exact ?? alias;
  if (info) {
    return {
      requested: asked,
      info,
      id: info.id,
      known: true,
      fineTuned,
      viaAlias: !!alias,
      encoding: info.encoding,
      limit: info.trainingExampleLimit ?? FALLBACK_LIMIT,
    };
  }
  const encoding = encodingByPrefix(id);
  const synth: ModelInfo = {
    id: id || asked,
    aliases: [],
    methods: ['supervised', 'dpo', 'reinforcement', 'completion'],
    encoding,
    funcInit: encoding === 'cl100k_base' ? 10 : 7,
    note: 'Not in Tuneline\'s model catalogue: token counts use the fallback encoding and limit; no price is known.',
  };
  return {
    requested: asked,
    info: synth,
    id: synth.id,
    known: false,
    fineTuned,
    viaAlias: false,
    encoding,
    limit: FALLBACK_LIMIT,
  };
}

/** The ids of every catalogued snapshot and alias (for settings completion). */
export function modelIds(): string[] {
  const out: string[] = [];
  for (const m of MODELS) {
    out.push(m.id, ...m.aliases);
  }
  return out;
}
