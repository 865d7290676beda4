/**
 * A provider is an adapter: one interface for every training service (issue 16). Each adapter declares, as data,
 * what its service can do — methods, the models it tunes, hyperparameters with ranges and defaults, training options,
 * upload mechanics, which job operations exist, where results come from, how a tuned model is served, how requests
 * authenticate and how the base URL is formed — and a few pure functions over that data (check a plan, build the
 * job request, explain a service-specific error). Features ask the adapter instead of assuming OpenAI: the training
 * wizard reads `capabilities.methods` / `models` / `trainingOptions`; the jobs view asks `capabilities.operations`
 * which actions to show; the playground and evaluation ask `capabilities.serving` whether a model needs a deployment.
 *
 * Free of `vscode` and of the feature folders: the CLI, the local API's tests and the extension share it. Every value
 * in a capability table carries the `Source` it was read from (URL + date read), and unit tests check that.
 */

import type { ProviderId } from '../../core/profiles/types';

/** Every service an adapter exists (or is planned) for: core's type (one definition, `src/core/profiles/types.ts`). */
export type { ProviderId };

/** The fine-tuning methods Tuneline can start (legacy prompt/completion is not offered for new jobs). */
export type TrainingMethod = 'supervised' | 'dpo' | 'reinforcement';

export const TRAINING_METHODS: readonly TrainingMethod[] = ['supervised', 'dpo', 'reinforcement'];

/** Where a value was read: a documentation page or SDK source, and the date it was read (ISO `YYYY-MM-DD`). */
export interface Source {
  readonly url: string;
  readonly read: string;
  /** What in the page says it, or a caveat (the docs disagree, a value not found in the docs). */
  readonly note?: string;
}

/** Something a service does, or does not do — always with the reason, so the UI can say why it is disabled. */
export type Support =
  | { readonly supported: true; readonly note?: string; readonly source: Source }
  | { readonly supported: false; readonly reason: string; readonly source: Source };

export function supported(source: Source, note?: string): Support {
  return note === undefined ? { supported: true, source } : { supported: true, note, source };
}

export function unsupported(reason: string, source: Source): Support {
  return { supported: false, reason, source };
}

/** One hyperparameter of one method, as the service's API names it. */
export interface HyperparameterSpec {
  /** The API field (`n_epochs`, `batch_size`, `learning_rate_multiplier`, `beta`, `lora_rank`, ...). */
  readonly name: string;
  readonly label: string;
  readonly kind: 'integer' | 'number' | 'enum';
  /** Bounds (inclusive unless `exclusiveMin`), for `integer` / `number`. */
  readonly min?: number;
  readonly max?: number;
  readonly exclusiveMin?: boolean;
  /** The allowed values, for `enum`. */
  readonly values?: readonly string[];
  /** `"auto"` is accepted and is the default (the service picks from the data). */
  readonly auto: boolean;
  /** The default when not `auto` (or the value `auto` usually resolves to, for display), if documented. */
  readonly default?: number | string;
  /** A range the docs recommend (shown as a hint, not enforced). */
  readonly recommended?: { readonly min: number; readonly max: number };
  readonly source: Source;
}

/** What a method needs and which hyperparameters it takes on this service. */
export interface MethodCapability {
  readonly method: TrainingMethod;
  readonly label: string;
  readonly hyperparameters: readonly HyperparameterSpec[];
  /** A validation file must be given (Azure RFT). */
  readonly requiresValidationFile: boolean;
  /** A grader must be given (RFT). */
  readonly requiresGrader: boolean;
  /** The role the last message of each example must have (RFT: `user`), when the service says so. */
  readonly lastMessageRole?: 'user' | 'assistant';
  readonly source: Source;
}

/** Ids of the training options a service offers (Azure training type; LoRA vs full on open-model services). */
export type TrainingTypeId = 'standard' | 'global' | 'datazone' | 'developer';
/** LoRA adapter or full-weight training (Together `training_type`, Nebius `hyperparameters.lora`). */
export type AdapterKind = 'lora' | 'full';

/** One choice of one training option, e.g. Azure's Global training. */
export interface TrainingOptionChoice<Id extends string = string> {
  readonly id: Id;
  readonly label: string;
  /** The value sent to the service (e.g. `globalstandard`), when the service takes one. */
  readonly apiValue?: string;
  readonly description: string;
  /** Offered at all on this service (a documented type that is not offered carries the reason). */
  readonly support: Support;
}

/** An option of job creation: where in the request it goes and its choices. */
export interface TrainingOption<Id extends string = string> {
  readonly id: 'trainingType' | 'adapter';
  readonly label: string;
  /** The request field (`trainingType` at the top level of the Azure job body). */
  readonly field: string;
  readonly choices: readonly TrainingOptionChoice<Id>[];
  /** The choice used when the user picks none (and the field is then left out of the request). */
  readonly defaultChoice: Id;
  readonly source: Source;
}

/** The two retirement dates of a model: new training jobs end, or serving ends. */
export type RetirementKind = 'training' | 'serving';

/** What an entry says where its source announces no date (issue 18). */
export const NO_DATE_ANNOUNCED = 'no date announced';

/**
 * Service dates of a model (issue 18): training and serving retirement. A date that is absent must be listed in
 * `noDate` (the source announces none), so a missing date is never an oversight.
 */
export interface Retirement {
  /** No new jobs on this base model from this date (ISO). */
  readonly training?: string;
  /** The model and its fine-tunes stop serving from this date (ISO). */
  readonly serving?: string;
  /** The dates the source announces none for ("no date announced"). */
  readonly noDate?: readonly RetirementKind[];
  /** The source gives the dates as "no earlier than" (month precision: the 1st of the month). */
  readonly noEarlierThan?: boolean;
  readonly source: Source;
}

/** A model the service can tune. */
export interface TunableModel {
  /** The id a job's `model` takes on this service. */
  readonly id: string;
  /** Other names of the same model (`gpt-4.1-mini`). */
  readonly aliases: readonly string[];
  readonly label: string;
  readonly methods: readonly TrainingMethod[];
  /** Training types this model may be trained with (Azure); absent where the service has no such option. */
  readonly trainingTypes?: readonly TrainingTypeId[];
  /** Maximum tokens per training example on this service, where it differs from (or is missing in) the catalogue. */
  readonly trainingExampleLimit?: number;
  /** Images in training examples. */
  readonly vision: boolean;
  /** Open-weight model (gpt-oss, Llama, Qwen, Ministral...). */
  readonly openWeights: boolean;
  readonly preview: boolean;
  /** Regions where Standard (regional) training runs, when the service lists them. */
  readonly standardRegions?: readonly string[];
  readonly retirement?: Retirement;
  /** Id in Tuneline's catalogue (`src/core/models.ts`), for tokenizer and price, when it is there. */
  readonly catalogueId?: string;
  /**
   * Bounds of hyperparameters that depend on the model (Together's batch sizes and LoRA rank per model), narrower
   * than the method's spec; `check` enforces both. Keyed by hyperparameter name.
   */
  readonly hyperparameterLimits?: Readonly<Record<string, { readonly min?: number; readonly max?: number }>>;
  /** Adapter kinds this model can be trained with (open-model services); absent where the service has no choice. */
  readonly adapters?: readonly AdapterKind[];
  readonly source: Source;
}

export interface UploadCapability {
  /** One `POST /files` request, up to `maxBytes`. */
  readonly singleRequest: { readonly maxBytes: number; readonly source: Source };
  /** Uploads in parts (`/uploads`), up to `maxBytes` in parts of at most `partBytes`. */
  readonly multipart: Support & { readonly maxBytes?: number; readonly partBytes?: number };
  /** The service fetches the file itself from a URL (Azure: import from Blob storage). */
  readonly importFromUrl: Support;
}

export type JobOperation = 'create' | 'list' | 'retrieve' | 'cancel' | 'pause' | 'resume' | 'events' | 'metrics' | 'checkpoints';

export const JOB_OPERATIONS: readonly JobOperation[] = ['create', 'list', 'retrieve', 'cancel', 'pause', 'resume', 'events', 'metrics', 'checkpoints'];

/** Where a job's training curves come from. */
export interface ResultsCapability {
  /** `metrics` events in the events list (OpenAI's `type: "metrics"` events). */
  readonly events: Support;
  /** A result file (`results.csv`) attached to the job when it ends. */
  readonly resultFile: Support & { readonly columns?: readonly string[] };
  /** A separate metrics endpoint. */
  readonly metricsEndpoint: Support;
}

/** A way to deploy a tuned model (Azure ARM `sku.name`). */
export interface DeploymentType {
  /** ARM `sku.name` sent on PUT (`Standard`, `GlobalStandard`, `DataZoneStandard`, `Developer`, `ProvisionedManaged`). */
  readonly skuName: string;
  readonly label: string;
  /** Catalogue ids (base models) whose fine-tunes may use it. */
  readonly models: readonly string[];
  /** The capacity to request when the user picks none. */
  readonly defaultCapacity: number;
  /** The deployment is removed after this long, regardless of use (Developer: 24 hours). */
  readonly lifetimeHours?: number;
  /** Removed after this many days without a call (every fine-tuned deployment on Azure: 15). */
  readonly inactiveDeleteDays?: number;
  readonly hourlyHostingFee: boolean;
  readonly sla: boolean;
  readonly source: Source;
}

export interface ServingCapability {
  /** `direct`: chat with the tuned model id; `deployment`: deploy it first and chat with the deployment name. */
  readonly kind: 'direct' | 'deployment';
  readonly deploymentTypes: readonly DeploymentType[];
  /** Most tuned-model deployments a resource may have. */
  readonly maxDeployments?: number;
  /** Checkpoints can be served (deployed or chatted with) like the final model. */
  readonly checkpoints: Support;
  readonly source: Source;
}

export type AuthMethod = 'bearer' | 'api-key-header' | 'entra-id';

export interface AuthCapability {
  readonly methods: readonly AuthMethod[];
  /** The header an API key goes in. */
  readonly keyHeader: 'authorization' | 'api-key';
  /** Environment variable the CLI and the extension read the key from. */
  readonly keyEnvVar: string;
  /** Token scope for Entra ID, when supported. */
  readonly entraScope?: string;
  readonly source: Source;
}

export interface BaseUrlRule {
  /** The default base URL, when the service has one endpoint for everyone. */
  readonly default?: string;
  /** The setting that holds the endpoint. */
  readonly setting: 'tuneline.baseUrl' | 'tuneline.azure.endpoint';
  /** How it is written, for messages: `https://NAME.openai.azure.com`. */
  readonly example: string;
  readonly source: Source;
}

/** Dataset rules where the service differs (the rules issue builds the profiles; the provider passes these in). */
export interface DatasetRules {
  /**
   * UTF-8 with a byte-order mark: `accepted` (Azure's docs ask for one), or `unknown` (no source says; the engine's
   * `utf8-bom` rule warns).
   */
  readonly utf8Bom: 'accepted' | 'unknown';
  readonly minExamples: number;
  readonly maxFileBytes: number;
  readonly maxImagesPerExample?: number;
  readonly maxImageBytes?: number;
  readonly maxExamplesWithImages?: number;
  /** Quota of files per resource and their total size. */
  readonly maxFiles?: number;
  readonly maxTotalFileBytes?: number;
  /** Most examples a training file may have (Bedrock Mantle RFT: 20,000). */
  readonly maxExamples?: number;
  /** Top-level fields every example must have besides `messages` (Bedrock Mantle RFT: `reference_answer`). */
  readonly requiredFields?: readonly string[];
  readonly source: Source;
}

/** The job statuses Tuneline shows (OpenAI's `FineTuningJob.status`, which the jobs view already knows). */
export type TunelineJobStatus = 'validating_files' | 'queued' | 'running' | 'paused' | 'succeeded' | 'failed' | 'cancelled';

/** One service status (Together `running`, Fireworks `JOB_STATE_RUNNING`) and what Tuneline shows for it. */
export interface StatusMapping {
  readonly service: string;
  readonly tuneline: TunelineJobStatus;
  /** The job will not change any more. */
  readonly final: boolean;
  readonly source: Source;
}

/** The service's price estimate before a job starts (Together `POST /fine-tunes/estimate-price`). */
export interface PriceEstimateCapability {
  readonly support: Support;
  /** Where the published per-token rates are, with the date they were read (the summary shows it). */
  readonly pricePage?: Source;
}

/** Job quotas per resource or organisation. */
export interface JobQuotas {
  /** Jobs running at once, per training type where they differ. */
  readonly maxRunning?: number;
  readonly maxRunningByTrainingType?: Readonly<Partial<Record<TrainingTypeId, number>>>;
  readonly maxQueued?: number;
  readonly maxJobsTotal?: number;
  readonly maxJobHours?: number;
  /** (tokens in training file) × epochs. */
  readonly maxTrainedTokens?: number;
  readonly source: Source;
}

export interface ProviderCapabilities {
  readonly methods: readonly MethodCapability[];
  /** The catalogue of tunable models for this service (the fallback when the service's own list is not available). */
  readonly models: readonly TunableModel[];
  /** Options of job creation (training type, LoRA vs full). */
  readonly trainingOptions: readonly TrainingOption[];
  readonly upload: UploadCapability;
  readonly operations: Readonly<Record<JobOperation, Support>>;
  readonly results: ResultsCapability;
  readonly serving: ServingCapability;
  readonly auth: AuthCapability;
  readonly baseUrl: BaseUrlRule;
  readonly dataset: DatasetRules;
  readonly quotas: JobQuotas;
  /**
   * The service's own job statuses and what Tuneline shows for each (issue 20). Absent: the service uses OpenAI's
   * statuses as they are.
   */
  readonly statuses?: readonly StatusMapping[];
  /** A price estimate before the job starts (issue 20). Absent: none (Tuneline's own estimate from the catalogue). */
  readonly priceEstimate?: PriceEstimateCapability;
}

/** What a user picked in the training wizard, before it is sent. */
export interface TrainingPlan {
  readonly model: string;
  readonly method: TrainingMethod;
  readonly trainingFile: string;
  readonly validationFile?: string;
  /** Values per hyperparameter name; `"auto"` or absent = the service's choice. */
  readonly hyperparameters?: Readonly<Record<string, number | string>>;
  readonly grader?: unknown;
  readonly suffix?: string;
  readonly seed?: number;
  /** Chosen option per `TrainingOption.id` (e.g. `{ trainingType: 'global' }`). */
  readonly options?: Readonly<Record<string, string>>;
  /** Continue from a checkpoint of an earlier job (Together `from_checkpoint`, Fireworks `warmStartFrom`). */
  readonly fromCheckpoint?: string;
}

/** One reason a plan cannot be sent as it is, tied to what the user chose. */
export interface PlanProblem {
  readonly field: 'model' | 'method' | 'validationFile' | 'grader' | 'hyperparameters' | 'options' | 'fromCheckpoint';
  /** The hyperparameter or option id, when `field` is one of those. */
  readonly key?: string;
  readonly message: string;
}

/** The facts of a failed call an adapter needs to explain it (what `ApiError` carries, without vscode). */
export interface ErrorFacts {
  readonly status?: number;
  readonly code?: string;
  readonly message?: string;
}

export interface ErrorExplanation {
  /** Plain words: what happened and why. */
  readonly message: string;
  /** What to do next. */
  readonly next: string;
  readonly source: Source;
}

/** The models a service lists (its own `/models`), as far as an adapter reads them. */
export interface ListedModel {
  readonly id: string;
  /** Azure's `/models` entries say whether they can be fine-tuned. */
  readonly capabilities?: { readonly fine_tune?: boolean };
}

export interface Provider {
  readonly id: ProviderId;
  readonly label: string;
  readonly capabilities: ProviderCapabilities;
  /** The table entry for a model id or alias (fine-tuned ids resolve to their base), if the service tunes it. */
  model(id: string): TunableModel | undefined;
  /**
   * The models to offer: the service's own list where it has one (entries it marks tunable, matched to the table
   * for methods and options; unknown tunable ids kept with the methods the service allows for unknown models), else
   * the table.
   */
  tunableModels(listed?: readonly ListedModel[]): readonly TunableModel[];
  /** The methods `model` can be trained with here, each with its hyperparameters. */
  methodsFor(model: string): readonly MethodCapability[];
  /** Why a plan cannot be sent as it is; empty when it can. */
  check(plan: TrainingPlan): readonly PlanProblem[];
  /** The job-create body for a plan that passed `check` (OpenAI's shape plus the service's own fields). */
  jobRequest(plan: TrainingPlan): Record<string, unknown>;
  /** A service-specific explanation of a failure, when the adapter knows the case (else the generic one applies). */
  explainError(facts: ErrorFacts): ErrorExplanation | undefined;
}

/**
 * What Tuneline shows for a service status: the adapter's `statuses` table, else the status itself when it is one of
 * OpenAI's (OpenAI, Azure, Nebius, Bedrock Mantle), else `undefined` (an unknown status: show it raw).
 */
export function tunelineStatus(capabilities: ProviderCapabilities, status: string): StatusMapping | undefined {
  const mapped = capabilities.statuses?.find((s) => s.service === status);
  if (mapped) return mapped;
  if (capabilities.statuses) return undefined;
  const openai: readonly TunelineJobStatus[] = ['validating_files', 'queued', 'running', 'paused', 'succeeded', 'failed', 'cancelled'];
  const t = openai.find((s) => s === status);
  return t
    ? { service: status, tuneline: t, final: t === 'succeeded' || t === 'failed' || t === 'cancelled', source: { url: 'OpenAI FineTuningJob.status', read: '2026-12-03' } }
    : undefined;
}
