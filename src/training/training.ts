/**
 * Starting a fine-tuning job: from one argument object (tests, other commands) or from the multi-step quick pick.
 * Local files are checked by the engine and uploaded (or reused) first; a reinforcement grader is checked against
 * the GRD rules; the summary shows the estimated cost before anything is sent. On success `onDidCreateJob` fires
 * (the jobs view listens) and the job id is shown.
 */
import * as vscode from 'vscode';
import {
  checkGrader,
  defaultEpochs,
  estimateCost,
  validateFile,
  validateText,
  type ValidationReport,
} from '../core';
import { fmtUsd } from '../core/format';
import { CancelledError, UserFacingError } from '../common/commands';
import { Disposable } from '../common/dispose';
import type { Logger } from '../common/logger';
import { readSettings } from '../common/settings';
import { ApiError } from '../api/errors';
import { exampleNote, locateExample, openLineAction } from '../common/exampleLine';
import type { Notifier } from '../connection/notify';
import type { ProviderService } from '../connection/provider';
import { providerFor, type Provider, type TrainingPlan as ProviderTrainingPlan } from '../api/providers';
import type { Endpoint, FileObject, FineTuningJob, JobCreateParams, TunelineClient } from '../api/types';
import type { Uploader } from '../api/upload';
import { checkBeforeUpload, profileProvider, saveIfDirty, uploadWithProgress, type UploadDeps } from './uploadFile';
import { profileContext } from '../core/profiles';
import { checkPlan, HYPERPARAMETER_RANGES, jobParams, TRAINING_METHODS, type Hyperparameters, type TrainingMethod, type TrainingPlan } from './plan';

/** A training or validation file: a local one (uploaded first) or one already on the service. */
export type FileChoice = { readonly kind: 'local'; readonly uri: vscode.Uri } | { readonly kind: 'remote'; readonly file: FileObject | { id: string; filename?: string; bytes?: number } };

/** `tuneline.startTraining` with everything given: no questions unless `confirm: 'summary'`. */
export interface StartTrainingArgs {
  /** A Uri (or a path) of a local JSONL file, or the id of an uploaded file (`file-…`). */
  readonly trainingFile: vscode.Uri | string;
  readonly validationFile?: vscode.Uri | string;
  /** Default: the `tuneline.model` setting. */
  readonly model?: string;
  /** Default: supervised. */
  readonly method?: TrainingMethod;
  /** Reinforcement: the grader object, or a Uri / path of a JSON file holding it. */
  readonly grader?: unknown;
  readonly hyperparameters?: Hyperparameters;
  readonly suffix?: string;
  readonly seed?: number;
  /** Training options by `TrainingOption.id` (Azure: `{ trainingType: 'global' }`; open-model services: `adapter`). */
  readonly options?: Readonly<Record<string, string>>;
  /**
   * `summary`: show the summary (with the cost) and wait for "Start training"; `options`: ask the provider's training
   * options (Azure training type) first, then the summary. Default: send at once.
   */
  readonly confirm?: 'summary' | 'options' | 'none';
  /** When the engine finds errors in a local file: stop, upload anyway, or ask (default). */
  readonly ifProblems?: 'stop' | 'upload' | 'ask';
}

/** The wizard's state: everything the user picked so far. */
export interface Draft {
  training?: FileChoice;
  validation?: FileChoice | null;
  model?: string;
  method?: TrainingMethod;
  grader?: unknown;
  graderName?: string;
  hyperparameters: Hyperparameters;
  /** Chosen training options by `TrainingOption.id` (e.g. `{ trainingType: 'global' }`). */
  options?: Record<string, string>;
  /** Why an option was set without asking (an open model on Azure trains with Global only), for the summary. */
  optionNotes?: Record<string, string>;
  suffix?: string;
  seed?: number;
}

export interface CostSummary {
  /** The whole sentence (tokens, epochs, price and its date). */
  readonly text: string;
  /** A few words for the summary's first line. */
  readonly short?: string;
  readonly usd?: number;
  readonly examples?: number;
}

export interface JobCreatedEvent {
  readonly job: FineTuningJob;
  readonly endpoint: Endpoint;
}

const WIND_DOWN_SEEN = 'tuneline.notice.openaiWindDown';
/** The reference's JOB-03 source (S10): OpenAI's deprecations page. */
export const WIND_DOWN_URL = 'https://developers.openai.com/api/docs/deprecations';

export function fileLabel(f: FileChoice | null | undefined): string {
  if (!f) return 'none';
  if (f.kind === 'local') return vscode.workspace.asRelativePath(f.uri);
  return f.file.filename ? `${f.file.filename} (${f.file.id})` : f.file.id;
}

export class TrainingService extends Disposable {
  private readonly created = this._register(new vscode.EventEmitter<JobCreatedEvent>());
  /** Fires with every job Tuneline starts. */
  readonly onDidCreateJob = this.created.event;

  constructor(
    readonly provider: ProviderService,
    private readonly uploader: Uploader,
    private readonly log: Logger,
    private readonly notify: Notifier,
    private readonly state: vscode.Memento,
  ) {
    super();
  }

  private get uploadDeps(): UploadDeps {
    return { provider: this.provider, uploader: this.uploader, log: this.log, notify: this.notify };
  }

  /** Once, when the provider is OpenAI: self-serve fine-tuning is being wound down (JOB-03). */
  showWindDownNotice(client: TunelineClient): boolean {
    if (client.endpoint.provider !== 'openai' || this.state.get<boolean>(WIND_DOWN_SEEN)) return false;
    void this.state.update(WIND_DOWN_SEEN, true);
    void this.notify
      .info(
        'OpenAI is winding down self-serve fine-tuning: new organisations can no longer start jobs, and from early 2027 (6 January 2027, per reports of OpenAI\'s deprecations page) no one can start new fine-tuning jobs. Fine-tuned models keep serving until their base models retire.',
        'Details',
      )
      .then((c) => {
        if (c === 'Details') void vscode.env.openExternal(vscode.Uri.parse(WIND_DOWN_URL));
      });
    return true;
  }

  /** Tests: show the wind-down notice again. */
  async resetWindDownNotice(): Promise<void> {
    await this.state.update(WIND_DOWN_SEEN, undefined);
  }

  /** Turns the argument object into a draft (files resolved, grader read). */
  async draftFromArgs(args: StartTrainingArgs): Promise<Draft> {
    const method = args.method ?? 'supervised';
    if (!TRAINING_METHODS.includes(method)) throw new UserFacingError(`Unknown method "${String(method)}": use ${TRAINING_METHODS.join(', ')}.`);
    const draft: Draft = {
      training: toChoice(args.trainingFile),
      validation: args.validationFile ? toChoice(args.validationFile) : null,
      model: args.model ?? readSettings().model,
      method,
      hyperparameters: { ...(args.hyperparameters ?? {}) },
      ...(args.options ? { options: { ...args.options } } : {}),
      ...(args.suffix !== undefined ? { suffix: args.suffix } : {}),
      ...(args.seed !== undefined ? { seed: args.seed } : {}),
    };
    if (method === 'reinforcement') {
      if (args.grader === undefined) throw new UserFacingError('Reinforcement fine-tuning needs a grader (a JSON file or object).');
      const g = await readGrader(args.grader);
      draft.grader = g.grader;
      draft.graderName = g.name;
    }
    return draft;
  }

  /** The engine's report on a local file for the draft's method and model (tokens counted exactly). */
  async report(uri: vscode.Uri, draft: Draft, signal?: AbortSignal, provider?: string): Promise<ValidationReport> {
    return validateFile(uri.fsPath, {
      method: draft.method ?? 'auto',
      model: draft.model ?? readSettings().model,
      // The job's provider's dataset profile: its limits, and its price for the cost (never OpenAI's elsewhere).
      ...(provider !== undefined ? { provider } : {}),
      tokens: true,
      ...(draft.grader !== undefined ? { grader: draft.grader } : {}),
      ...(signal ? { signal } : {}),
    });
  }

  /** The estimated training cost of a draft (reference TOK-03); a sentence when it cannot be estimated. */
  async estimate(draft: Draft, client: TunelineClient | undefined, signal?: AbortSignal): Promise<CostSummary> {
    const provider = profileProvider(client?.endpoint.provider ?? readSettings().provider);
    // The profile's model: the profile's price (Fireworks by size; none published for Azure, Together, Nebius).
    const { model, profile } = profileContext(provider, draft.model);
    const price = model.info.trainingPrice;
    if (price?.unit === 'per-hour') {
      return { text: `billed by training time: $${price.usd}/hour (price of ${price.date}); grader-model tokens extra` };
    }
    let report: ValidationReport | undefined;
    const t = draft.training;
    try {
      if (t?.kind === 'local') report = await this.report(t.uri, draft, signal, provider);
      else if (t?.kind === 'remote' && client && (t.file.bytes ?? 0) <= 20 * 1024 * 1024) {
        const text = new TextDecoder().decode(await client.fileContent(t.file.id, signal ? { signal } : {}));
        report = validateText(text, { method: draft.method ?? 'auto', model: model.requested, tokens: true, ...(provider !== undefined ? { provider } : {}) });
      }
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      this.log.warn(`Cost estimate failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!report?.tokens) return { text: 'not estimated (the training file could not be read)' };
    if (!price) return { text: profile.provider === 'openai' ? `no price known for ${model.id}` : `${profile.priceMissing ?? 'no published price'} (${profile.label})`, examples: report.examples };
    const n = draft.hyperparameters.n_epochs;
    const epochs = typeof n === 'number' ? n : defaultEpochs(report.examples);
    const perEpoch = report.tokens.epochs > 0 ? report.tokens.billed / report.tokens.epochs : report.tokens.billed;
    const cost = estimateCost(perEpoch, epochs, model.info);
    if (!cost) return { text: `no price known for ${model.id}`, examples: report.examples };
    const usd = fmtUsd(cost.usd);
    const ep = `${epochs} epoch${epochs === 1 ? '' : 's'}${typeof n === 'number' ? '' : ' (auto)'}`;
    return {
      text: `${usd}: ${report.examples} examples, ${Math.round(perEpoch).toLocaleString('en-US')} tokens × ${ep} at $${cost.pricePerMillion}/1M tokens (price of ${cost.priceDate})`,
      short: `${usd} for ${ep}, ${cost.billedTokens.toLocaleString('en-US')} billed tokens`,
      usd: cost.usd,
      examples: report.examples,
    };
  }

  /** Uploads local files (engine first), checks the plan, and creates the job. */
  async send(draft: Draft, client: TunelineClient, ifProblems: StartTrainingArgs['ifProblems'] = 'ask'): Promise<FineTuningJob> {
    if (!draft.training) throw new UserFacingError('Pick a training file.');
    if (draft.method === 'reinforcement' && draft.grader !== undefined) {
      const errors = checkGrader(draft.grader).filter((p) => p.severity === 'error');
      if (errors.length) {
        throw new UserFacingError(`The grader has ${errors.length} error${errors.length === 1 ? '' : 's'}: ${errors.slice(0, 3).map((p) => p.message).join(' ')}`);
      }
    }
    const trainingFileId = await this.resolveFile(draft.training, client, draft, ifProblems);
    const validationFileId = draft.validation ? await this.resolveFile(draft.validation, client, draft, ifProblems) : undefined;
    const plan: TrainingPlan = {
      trainingFileId,
      ...(validationFileId ? { validationFileId } : {}),
      model: draft.model ?? readSettings().model,
      method: draft.method ?? 'supervised',
      ...(draft.grader !== undefined ? { grader: draft.grader } : {}),
      hyperparameters: draft.hyperparameters,
      ...(draft.suffix ? { suffix: draft.suffix } : {}),
      ...(draft.seed !== undefined ? { seed: draft.seed } : {}),
    };
    // Hyperparameters: the reference's JOB-02 ranges for OpenAI's names everywhere; names only a service has (Nebius'
    // lora_rank, Together's per-model batch sizes...) are the adapter's to check (adapter.check below).
    const problems = checkPlan(usesAdapterRequest(client) ? { ...plan, hyperparameters: openAINamed(plan.hyperparameters) } : plan);
    if (problems.length) throw new UserFacingError(`Tuneline cannot start this job: ${problems.join(' ')}`);
    const adapter = adapterOf(client);
    const providerPlan = toProviderPlan(plan, draft);
    // The service's own rules (validation file for Azure RFT, training type per model, LoRA/Full...). OpenAI and
    // custom endpoints keep the reference's JOB-01/02 checks above and their create body, as before.
    const adapterProblems = usesAdapterRequest(client) ? adapter.check(providerPlan) : [];
    if (adapterProblems.length) throw new UserFacingError(`Tuneline cannot start this job on ${adapter.label}: ${adapterProblems.map((p) => p.message).join(' ')}`);
    const body = usesAdapterRequest(client) ? (adapter.jobRequest(providerPlan) as unknown as JobCreateParams) : jobParams(plan);
    const trainingType = (body as { trainingType?: unknown }).trainingType;
    this.log.info(`Creating a ${plan.method} job on ${plan.model} with ${trainingFileId}${validationFileId ? ` and ${validationFileId}` : ''}${typeof trainingType === 'string' ? ` (trainingType ${trainingType})` : ''}`);
    let job: FineTuningJob;
    try {
      job = await client.createJob(body);
    } catch (e) {
      if (e instanceof ApiError && (e.kind === 'connection' || e.kind === 'timeout')) {
        // Sent, but no answer: the job may exist. Say so rather than leave it unannounced (not retried: no duplicates).
        throw new ApiError(`${e.message} The request was sent, so the job may have been created: check the jobs list before starting it again.`, e.kind, e.status, e.code, e.param, e.providerMessage);
      }
      throw await this.withLine(e, draft);
    }
    this.log.info(`Started job ${job.id} (${job.status})`);
    this.created.fire({ job, endpoint: client.endpoint });
    void this.notify.info(`Tuneline: started fine-tuning job ${job.id} (${plan.method}, ${plan.model}).`, 'Copy job id').then((c) => {
      if (c === 'Copy job id') void vscode.env.clipboard.writeText(job.id);
    });
    return job;
  }

  /** An error naming "Example N" gets the dataset line added. */
  private async withLine(e: unknown, draft: Draft): Promise<unknown> {
    if (!(e instanceof ApiError) || draft.training?.kind !== 'local') return e;
    const where = await locateExample(draft.training.uri, e.providerMessage);
    if (!where) return e;
    return new ApiError(`${e.message}${exampleNote(where)}`, e.kind, e.status, e.code, e.param, e.providerMessage, openLineAction(where));
  }

  private async resolveFile(choice: FileChoice, client: TunelineClient, draft: Draft, ifProblems: StartTrainingArgs['ifProblems']): Promise<string> {
    if (choice.kind === 'remote') return choice.file.id;
    await saveIfDirty(choice.uri, this.log);
    const { ok } = await checkBeforeUpload(choice.uri, ifProblems ?? 'ask', this.uploadDeps, undefined, {
      ...(draft.method ? { method: draft.method } : {}),
      ...(draft.model ? { model: draft.model } : {}),
      ...(draft.grader !== undefined ? { grader: draft.grader } : {}),
      provider: client.endpoint.provider,
    });
    if (!ok) throw new CancelledError();
    const result = await uploadWithProgress(choice.uri, client, this.uploadDeps, () => undefined);
    if (result.file.status === 'error') {
      throw new UserFacingError(`The service rejected ${fileLabel(choice)} (${result.file.id}): ${result.file.status_details ?? 'no details'}`);
    }
    this.log.info(`${fileLabel(choice)} → ${result.file.id} (${result.via})`);
    return result.file.id;
  }
}

/** The provider adapter of a client's endpoint (src/api/providers). */
export function adapterOf(client: TunelineClient): Provider {
  return providerFor(client.endpoint.provider);
}

/**
 * Whether the adapter builds the create body and checks the plan: every provider but OpenAI and custom endpoints,
 * whose body and checks stay the reference's (`plan.ts`: JOB-01/02), as the existing tests pin them.
 */
function usesAdapterRequest(client: TunelineClient): boolean {
  return client.endpoint.provider !== 'openai' && client.endpoint.provider !== 'custom';
}

/** Only the hyperparameters OpenAI's API names (plan.ts), for the reference's checks. */
function openAINamed(h: Hyperparameters | undefined): Hyperparameters {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(h ?? {})) if (k in HYPERPARAMETER_RANGES || k === 'reasoning_effort') out[k] = v;
  return out as Hyperparameters;
}

/** The plan as the adapters take it (files by id, hyperparameters without the unset ones, the options). */
function toProviderPlan(plan: TrainingPlan, draft: Draft): ProviderTrainingPlan {
  const hp: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(plan.hyperparameters ?? {})) if (v !== undefined && v !== 'default') hp[k] = v;
  return {
    model: plan.model,
    method: plan.method,
    trainingFile: plan.trainingFileId,
    ...(plan.validationFileId ? { validationFile: plan.validationFileId } : {}),
    ...(Object.keys(hp).length ? { hyperparameters: hp } : {}),
    ...(plan.grader !== undefined ? { grader: plan.grader } : {}),
    ...(plan.suffix ? { suffix: plan.suffix } : {}),
    ...(plan.seed !== undefined ? { seed: plan.seed } : {}),
    ...(draft.options && Object.keys(draft.options).length ? { options: draft.options } : {}),
  };
}

function toChoice(v: vscode.Uri | string): FileChoice {
  if (v instanceof vscode.Uri) return { kind: 'local', uri: v };
  if (/^file-[A-Za-z0-9_-]+$/.test(v) || /^assistant-/.test(v)) return { kind: 'remote', file: { id: v } };
  return { kind: 'local', uri: vscode.Uri.file(v) };
}

/** Reads a grader: an object as is, or a JSON file (Uri or path). */
export async function readGrader(v: unknown): Promise<{ grader: unknown; name: string }> {
  if (v instanceof vscode.Uri || typeof v === 'string') {
    const uri = v instanceof vscode.Uri ? v : vscode.Uri.file(v);
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      throw new UserFacingError(`Tuneline cannot read the grader file ${vscode.workspace.asRelativePath(uri)}.`);
    }
    try {
      return { grader: JSON.parse(text) as unknown, name: vscode.workspace.asRelativePath(uri) };
    } catch (e) {
      throw new UserFacingError(`The grader file ${vscode.workspace.asRelativePath(uri)} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (v && typeof v === 'object') {
    const t = (v as { type?: unknown; name?: unknown }).name ?? (v as { type?: unknown }).type;
    return { grader: v, name: typeof t === 'string' ? t : 'grader' };
  }
  throw new UserFacingError('The grader must be a JSON object or a JSON file.');
}
