/** The base models the local API knows: which can be fine-tuned, with which methods, and their aliases. */
import type { FlavourName } from './flavours';
import type { JobMethod } from './validation';

export interface BaseModel {
  readonly id: string;
  readonly created: number;
  readonly owned_by: string;
  /** Fine-tuning methods this model accepts (empty: chat only). */
  readonly methods: readonly JobMethod[];
  /** Short names that resolve to this snapshot when creating a job (`gpt-4o-mini` → `gpt-4o-mini-2024-07-18`). */
  readonly aliases: readonly string[];
  /** Legacy prompt/completion data instead of chat. */
  readonly completion?: boolean;
  /** Only these flavours offer the model (the open models Azure AI Foundry tunes); absent = every flavour. */
  readonly flavours?: readonly FlavourName[];
  /** Azure training types the model allows (`trainingType` on job create); absent = standard, global, developer. */
  readonly trainingTypes?: readonly AzureTrainingType[];
}

/** Azure's `trainingType` values (fine-tuning-rest.md shows "globalstandard"; src/api/providers/azure.ts). */
export type AzureTrainingType = 'standard' | 'globalstandard' | 'developer';

export const BASE_MODELS: readonly BaseModel[] = [
  { id: 'gpt-4.1-2025-04-14', created: 1744315746, owned_by: 'system', methods: ['supervised', 'dpo'], aliases: ['gpt-4.1'] },
  { id: 'gpt-4.1-mini-2025-04-14', created: 1744317547, owned_by: 'system', methods: ['supervised', 'dpo'], aliases: ['gpt-4.1-mini'] },
  { id: 'gpt-4.1-nano-2025-04-14', created: 1744321025, owned_by: 'system', methods: ['supervised', 'dpo'], aliases: ['gpt-4.1-nano'] },
  { id: 'gpt-4o-2024-08-06', created: 1722814719, owned_by: 'system', methods: ['supervised', 'dpo'], aliases: ['gpt-4o'] },
  { id: 'gpt-4o-mini-2024-07-18', created: 1721172717, owned_by: 'system', methods: ['supervised', 'dpo'], aliases: ['gpt-4o-mini'] },
  { id: 'gpt-3.5-turbo-0125', created: 1706048358, owned_by: 'system', methods: ['supervised'], aliases: ['gpt-3.5-turbo'] },
  { id: 'o4-mini-2025-04-16', created: 1744133506, owned_by: 'system', methods: ['reinforcement'], aliases: ['o4-mini'] },
  { id: 'babbage-002', created: 1692634615, owned_by: 'system', methods: ['supervised'], aliases: [], completion: true },
  { id: 'davinci-002', created: 1692634301, owned_by: 'system', methods: ['supervised'], aliases: [], completion: true },
  // Azure AI Foundry's open models: supervised, Global training only (fine-tune-models.md; issue 16).
  { id: 'gpt-oss-20b', created: 1754352000, owned_by: 'system', methods: ['supervised'], aliases: [], flavours: ['azure'], trainingTypes: ['globalstandard'] },
  { id: 'Llama-3.3-70B-Instruct', created: 1733443200, owned_by: 'system', methods: ['supervised'], aliases: ['Llama-3.3-70B'], flavours: ['azure'], trainingTypes: ['globalstandard'] },
  { id: 'Qwen-32B', created: 1733443200, owned_by: 'system', methods: ['supervised'], aliases: [], flavours: ['azure'], trainingTypes: ['globalstandard'] },
  { id: 'Ministral-3B', created: 1729036800, owned_by: 'system', methods: ['supervised'], aliases: ['Ministral-3B-2411'], flavours: ['azure'], trainingTypes: ['globalstandard'] },
  // Nebius Token Factory's tunable models (src/api/providers/nebius.ts, post-training/models).
  { id: 'meta-llama/Meta-Llama-3.1-8B-Instruct', created: 1721692800, owned_by: 'nebius', methods: ['supervised'], aliases: [], flavours: ['nebius'] },
  { id: 'meta-llama/Llama-3.3-70B-Instruct', created: 1733443200, owned_by: 'nebius', methods: ['supervised'], aliases: [], flavours: ['nebius'] },
  // Bedrock Mantle: reinforcement fine-tuning of open-weight models only (src/api/providers/bedrockMantle.ts).
  { id: 'openai.gpt-oss-20b', created: 1754352000, owned_by: 'bedrock', methods: ['reinforcement'], aliases: [], flavours: ['bedrock-mantle'] },
  { id: 'openai.gpt-oss-120b', created: 1754352000, owned_by: 'bedrock', methods: ['reinforcement'], aliases: [], flavours: ['bedrock-mantle'] },
];

/** Flavours that offer only their own models (no OpenAI model is tuned there). */
const OWN_MODELS_ONLY: readonly FlavourName[] = ['nebius', 'bedrock-mantle'];

/** The snapshot a model name resolves to for fine-tuning, or undefined when it is not a base model. */
export function resolveBaseModel(name: string, flavour?: FlavourName): BaseModel | undefined {
  return BASE_MODELS.find((m) => (m.id === name || m.aliases.includes(name)) && offeredBy(m, flavour));
}

/** Whether `flavour` offers the model (every flavour when either is not given). */
export function offeredBy(m: BaseModel, flavour: FlavourName | undefined): boolean {
  if (flavour && OWN_MODELS_ONLY.includes(flavour)) return m.flavours?.includes(flavour) === true;
  return !flavour || !m.flavours || m.flavours.includes(flavour);
}
