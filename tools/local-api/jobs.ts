/**
 * Fine-tuning jobs: checking a create request, the lifecycle on the server's clock (validating_files → queued →
 * running → succeeded, or failed/cancelled; paused/resumed), metrics events, checkpoints and the result file.
 */
import { mulberry32 } from '../../src/core/split';
import { trainingPairs } from './chat';
import type { Clock } from './clock';
import type { Faults } from './faults';
import type { Flavour } from './flavours';
import { checkOwnFormat } from './ownFormat';
import { ApiError, badRequest, notFound, rejectUnknown } from './http';
import { BASE_MODELS, resolveBaseModel, type AzureTrainingType } from './models';
import type { Hyperparameters, JobEvent, State, StepMetrics, StoredFile, StoredJob } from './state';
import { checkTrainingFile, type JobMethod } from './validation';

/** Lifecycle timing, in clock ms. The demo clock runs in real time, so a small job takes about a minute. */
export const TIMING = {
  validateMs: 3_000,
  queueMs: 4_000,
  runMs: 45_000,
  /** After the last step: model created → usage policy evaluation → succeeded. */
  evaluateMs: 3_000,
  publishMs: 3_000,
  /** At most this many timer ticks (and metrics events) per run; more steps are grouped. */
  maxTicks: 100,
} as const;

export const MIN_EXAMPLES = 10;

/**
 * Azure's job quotas per resource (quotas-limits.md, 2026-02-17: "Maximum simultaneously running training jobs per
 * resource: Standard and global training: 3; Developer training: 5", "Maximum training jobs queued: 20"). A job over
 * the running limit waits in `queued`; a create beyond the queue limit is refused with 429.
 */
export interface JobQuotas {
  readonly maxRunning: number;
  readonly maxRunningDeveloper: number;
  readonly maxQueued: number;
}

export const AZURE_JOB_QUOTAS: JobQuotas = { maxRunning: 3, maxRunningDeveloper: 5, maxQueued: 20 };

const TRAINING_TYPES: readonly AzureTrainingType[] = ['standard', 'globalstandard', 'developer'];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A deterministic PRNG (the engine's mulberry32) so one job's curves are reproducible from its seed. */
function prng(seed: number): () => number {
  return mulberry32(seed >>> 0 || 0x9e3779b9);
}

const round = (x: number, digits = 4): number => Number(x.toFixed(digits));

export class JobEngine {
  constructor(
    private readonly state: State,
    private readonly clock: Clock,
    private readonly flavour: Flavour,
    private readonly faults: Faults,
    private readonly organization: string,
    private readonly resultFileEncoding: 'csv' | 'base64',
    /** Azure flavour: job quotas (undefined: no quota, as on OpenAI). */
    private readonly quotas?: JobQuotas,
  ) {}

  // ---------------------------------------------------------------- create

  /** Checks a `POST /fine_tuning/jobs` body like the service does, creates the job and starts its lifecycle. */
  create(body: Record<string, unknown>): StoredJob {
    const azure = this.flavour.name === 'azure';
    // Azure takes `trainingType` at the top level of the body (fine-tuning-rest.md); OpenAI refuses it as unknown.
    rejectUnknown(body, ['model', 'training_file', 'validation_file', 'hyperparameters', 'suffix', 'seed', 'method', 'metadata', 'integrations', ...(azure ? ['trainingType'] : [])]);
    const model = body['model'];
    if (typeof model !== 'string' || model === '') {
      throw badRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
    }
    const base = resolveBaseModel(model, this.flavour.name);
    const parentFt = base ? undefined : this.state.fineTunedModels.get(model);
    if (!base && !parentFt) {
      throw badRequest(`Model ${model} is not available for fine-tuning or does not exist.`, 'model', 'model_not_available');
    }
    const snapshot = base ? base.id : model;
    const baseInfo = base ?? resolveBaseModel(parentFt!.base) ?? BASE_MODELS[0]!;

    const trainingFile = this.requireFile(body['training_file'], 'training_file', true)!;
    const validationFile = this.requireFile(body['validation_file'], 'validation_file', false);

    // method
    let methodType: JobMethod = 'supervised';
    let methodHp: Record<string, unknown> | undefined;
    const methodExtra: Record<string, unknown> = {};
    const method = body['method'];
    if (method !== undefined && method !== null) {
      if (!isObj(method)) throw badRequest("Invalid type for 'method': expected an object.", 'method', 'invalid_type');
      const t = method['type'];
      if (t !== 'supervised' && t !== 'dpo' && t !== 'reinforcement') {
        throw badRequest(
          `Invalid value: '${String(t)}'. Supported values are: 'supervised', 'dpo', and 'reinforcement'.`,
          'method.type',
          'invalid_value',
        );
      }
      methodType = t;
      const section = method[t];
      if (section !== undefined && !isObj(section)) {
        throw badRequest(`Invalid type for 'method.${t}': expected an object.`, `method.${t}`, 'invalid_type');
      }
      if (isObj(section)) {
        if (section['hyperparameters'] !== undefined) {
          if (!isObj(section['hyperparameters'])) {
            throw badRequest(`Invalid type for 'method.${t}.hyperparameters': expected an object.`, `method.${t}.hyperparameters`, 'invalid_type');
          }
          methodHp = section['hyperparameters'];
        }
        for (const [k, v] of Object.entries(section)) if (k !== 'hyperparameters') methodExtra[k] = v;
      }
      if (t === 'reinforcement' && !isObj(methodExtra['grader'])) {
        throw badRequest("Missing required parameter: 'method.reinforcement.grader'.", 'method.reinforcement.grader', 'missing_required_parameter');
      }
    }
    if (!baseInfo.methods.includes(methodType)) {
      throw badRequest(
        `Model ${snapshot} does not support the '${methodType}' fine-tuning method. Supported: ${baseInfo.methods.join(', ')}.`,
        'method.type',
        'invalid_value',
      );
    }

    // Azure: training type and the job quota
    const trainingType = azure ? this.checkTrainingType(body['trainingType'], baseInfo.id, baseInfo.trainingTypes) : null;
    if (azure) this.checkQueueQuota(trainingType === 'developer');

    // hyperparameters (top level is the deprecated spelling of method.<type>.hyperparameters)
    const topHp = body['hyperparameters'];
    if (topHp !== undefined && topHp !== null && !isObj(topHp)) {
      throw badRequest("Invalid type for 'hyperparameters': expected an object.", 'hyperparameters', 'invalid_type');
    }
    if (isObj(topHp) && methodHp) {
      throw badRequest(
        'Hyperparameters can be given in `hyperparameters` or in `method`, not both. Use `method` (`hyperparameters` is deprecated).',
        'hyperparameters',
        'invalid_value',
      );
    }
    const hpSource = methodHp ?? (isObj(topHp) ? topHp : {});
    const hpParam = methodHp ? `method.${methodType}.hyperparameters` : 'hyperparameters';
    const hyperparameters: Hyperparameters = {
      n_epochs: checkAutoNumber(hpSource['n_epochs'], `${hpParam}.n_epochs`, { integer: true, min: 1, max: 50 }),
      batch_size: checkAutoNumber(hpSource['batch_size'], `${hpParam}.batch_size`, { integer: true, min: 1, max: 256 }),
      learning_rate_multiplier: checkAutoNumber(hpSource['learning_rate_multiplier'], `${hpParam}.learning_rate_multiplier`, {
        integer: false,
        exclusiveMin: 0,
        max: 10,
      }),
      ...(methodType === 'dpo'
        ? { beta: checkAutoNumber(hpSource['beta'], `${hpParam}.beta`, { integer: false, exclusiveMin: 0, max: 2 }) }
        : {}),
    };
    // reinforcement has more hyperparameters (reasoning_effort, compute_multiplier, ...): kept as given
    const extraHp: Record<string, unknown> = {};
    if (methodType === 'reinforcement') {
      for (const [k, v] of Object.entries(hpSource)) {
        if (!['n_epochs', 'batch_size', 'learning_rate_multiplier'].includes(k)) extraHp[k] = v;
      }
    }

    // suffix
    const suffix = body['suffix'];
    if (suffix !== undefined && suffix !== null) {
      if (typeof suffix !== 'string') throw badRequest("Invalid type for 'suffix': expected a string.", 'suffix', 'invalid_type');
      if (suffix.length < 1 || suffix.length > 64) {
        throw badRequest(`Invalid 'suffix': string too long. Expected a string with maximum length 64, but got a string with length ${suffix.length} instead.`, 'suffix', suffix.length > 64 ? 'string_above_max_length' : 'string_below_min_length');
      }
      if (!/^[A-Za-z0-9_-]+$/.test(suffix)) {
        throw badRequest(`Invalid 'suffix': '${suffix}'. The suffix may only contain letters, digits, '-' and '_'.`, 'suffix', 'invalid_value');
      }
    }

    // seed
    const seedIn = body['seed'];
    let seed: number;
    if (seedIn === undefined || seedIn === null) seed = Math.floor(Math.random() * 2147483647);
    else if (typeof seedIn !== 'number' || !Number.isInteger(seedIn)) {
      throw badRequest("Invalid type for 'seed': expected an integer.", 'seed', 'invalid_type');
    } else if (seedIn < 0 || seedIn > 2147483647) {
      throw badRequest(`Invalid 'seed': integer out of range. Expected a value between 0 and 2147483647, got ${seedIn}.`, 'seed', 'integer_out_of_range');
    } else seed = seedIn;

    // metadata
    const metadataIn = body['metadata'];
    let metadata: Record<string, string> | null = null;
    if (metadataIn !== undefined && metadataIn !== null) {
      if (!isObj(metadataIn)) throw badRequest("Invalid type for 'metadata': expected an object.", 'metadata', 'invalid_type');
      const entries = Object.entries(metadataIn);
      if (entries.length > 16) throw badRequest(`Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with ${entries.length} properties instead.`, 'metadata', 'object_above_max_properties');
      for (const [k, v] of entries) {
        if (k.length > 64) throw badRequest(`Invalid 'metadata': key '${k}' is longer than 64 characters.`, 'metadata', 'invalid_value');
        if (typeof v !== 'string') throw badRequest(`Invalid type for 'metadata.${k}': expected a string.`, `metadata.${k}`, 'invalid_type');
        if (v.length > 512) throw badRequest(`Invalid 'metadata.${k}': string too long (maximum 512).`, `metadata.${k}`, 'string_above_max_length');
      }
      metadata = metadataIn as Record<string, string>;
    }

    // integrations
    const integrationsIn = body['integrations'];
    let integrations: unknown[] | null = null;
    if (integrationsIn !== undefined && integrationsIn !== null) {
      if (!Array.isArray(integrationsIn)) throw badRequest("Invalid type for 'integrations': expected an array.", 'integrations', 'invalid_type');
      if (integrationsIn.length > 5) throw badRequest("Invalid 'integrations': at most 5 integrations.", 'integrations', 'array_above_max_length');
      integrationsIn.forEach((it, i) => {
        if (!isObj(it) || it['type'] !== 'wandb' || !isObj(it['wandb']) || typeof it['wandb']['project'] !== 'string') {
          throw badRequest(`Invalid 'integrations[${i}]': only { type: 'wandb', wandb: { project } } is supported.`, `integrations[${i}]`, 'invalid_value');
        }
      });
      integrations = integrationsIn;
    }

    const now = this.clock.seconds();
    const job: StoredJob = {
      id: this.flavour.newId('ftjob'),
      created_at: now,
      model: snapshot,
      training_file: trainingFile.id,
      validation_file: validationFile?.id ?? null,
      suffix: typeof suffix === 'string' ? suffix : null,
      seed,
      metadata,
      integrations,
      methodType,
      trainingType,
      methodExtra,
      extraHp,
      hyperparameters,
      status: 'validating_files',
      error: null,
      fine_tuned_model: null,
      finished_at: null,
      trained_tokens: null,
      estimated_finish: null,
      result_files: [],
      events: [],
      checkpoints: [],
      metrics: [],
      run: { examples: 0, epochs: 0, totalSteps: 0, step: 0, stepMs: 0 },
    };
    this.state.jobs.set(job.id, job);
    this.event(job, 'info', `Created fine-tuning job: ${job.id}`);
    if (trainingType) this.event(job, 'info', `Training type: ${trainingType}`);
    this.event(job, 'info', `Validating training file: ${job.training_file}${job.validation_file ? ` and validation file: ${job.validation_file}` : ''}`);
    job.run.timer = this.clock.setTimeout(() => this.validate(job), TIMING.validateMs);
    return job;
  }

  private requireFile(id: unknown, param: string, required: boolean): StoredFile | undefined {
    if (id === undefined || id === null) {
      if (required) throw badRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter');
      return undefined;
    }
    if (typeof id !== 'string') throw badRequest(`Invalid type for '${param}': expected a string.`, param, 'invalid_type');
    const file = this.state.files.get(id);
    if (!file) throw badRequest(`invalid ${param}: ${id}`, param, 'invalid_file');
    if (file.purpose !== 'fine-tune') {
      throw badRequest(`File ${id} has purpose '${file.purpose}'; ${param} needs a file with purpose 'fine-tune'.`, param, 'invalid_file_purpose');
    }
    return file;
  }

  /** Azure's `trainingType`: one of standard, globalstandard, developer (any case), allowed for the model. */
  private checkTrainingType(value: unknown, model: string, allowed: readonly AzureTrainingType[] | undefined): AzureTrainingType | null {
    if (value === undefined || value === null) {
      if (allowed && !allowed.includes('standard')) {
        throw badRequest(`Model ${model} supports only ${allowed.join(', ')} training. Set trainingType to '${allowed[0]}'.`, 'trainingType', 'invalid_training_type');
      }
      return null;
    }
    const t = typeof value === 'string' ? (value.toLowerCase() as AzureTrainingType) : undefined;
    if (!t || !TRAINING_TYPES.includes(t)) {
      throw badRequest(`Invalid value for 'trainingType': '${String(value)}'. Supported values are: ${TRAINING_TYPES.map((x) => `'${x}'`).join(', ')}.`, 'trainingType', 'invalid_value');
    }
    const forModel = allowed ?? (model === 'o4-mini-2025-04-16' ? ['standard', 'globalstandard'] : TRAINING_TYPES);
    if (!forModel.includes(t)) {
      throw badRequest(`Model ${model} does not support training type '${t}'. Supported: ${forModel.join(', ')}.`, 'trainingType', 'invalid_training_type');
    }
    return t;
  }

  /**
   * Refuses a create when the queue is full: jobs that cannot start at once (the running slots of their training type
   * are taken, counting jobs still being validated) wait in the queue, and at most `maxQueued` may wait. With
   * `maxQueued: 0` a job beyond the running limit is refused outright.
   */
  private checkQueueQuota(developer: boolean): void {
    if (!this.quotas) return;
    const limit = developer ? this.quotas.maxRunningDeveloper : this.quotas.maxRunning;
    const running = this.runningCount(developer);
    const pending = [...this.state.jobs.values()].filter((j) => (j.status === 'validating_files' || j.status === 'queued') && (j.trainingType === 'developer') === developer).length;
    // how many would wait if this job were accepted
    const waiting = Math.max(0, pending + 1 - Math.max(0, limit - running));
    if (waiting > this.quotas.maxQueued) {
      throw new ApiError(
        429,
        `The maximum number of queued fine-tuning jobs (${this.quotas.maxQueued}) for this resource has been reached, with ${running} running (at most ${limit}${developer ? ' for Developer training' : ''}). Wait for a job to finish or cancel one, then try again.`,
        'invalid_request_error',
        null,
        'quota_exceeded',
      );
    }
  }

  private runningCount(developer: boolean): number {
    return [...this.state.jobs.values()].filter((j) => (j.status === 'running' || j.status === 'paused') && (j.trainingType === 'developer') === developer).length;
  }

  // ---------------------------------------------------------------- lifecycle

  private validate(job: StoredJob): void {
    job.run.timer = undefined;
    const failure = this.checkFile(job, job.training_file, 'training_file') ??
      (job.validation_file ? this.checkFile(job, job.validation_file, 'validation_file') : undefined);
    if (failure) {
      this.fail(job, failure.code, failure.message, failure.param);
      return;
    }
    // resolve "auto" hyperparameters the way the service roughly does
    const n = job.run.examples;
    const hp = job.hyperparameters;
    if (hp.n_epochs === 'auto') {
      let epochs = 3;
      if (n * epochs < 100) epochs = Math.min(25, Math.ceil(100 / n));
      else if (n * epochs > 25_000) epochs = Math.max(1, Math.floor(25_000 / n));
      hp.n_epochs = epochs;
    }
    if (hp.batch_size === 'auto') hp.batch_size = Math.max(1, Math.min(256, Math.ceil(n * 0.002)));
    if (hp.learning_rate_multiplier === 'auto') hp.learning_rate_multiplier = job.methodType === 'reinforcement' ? 1 : 1.8;
    if (hp.beta === 'auto') hp.beta = 0.1;
    this.event(job, 'info', 'Files validated, moving job to queued state');
    job.status = 'queued';
    job.run.timer = this.clock.setTimeout(() => this.start(job), TIMING.queueMs);
  }

  /** Checks one file with Tuneline's engine; returns the job error the service would report. */
  private checkFile(
    job: StoredJob,
    fileId: string,
    param: 'training_file' | 'validation_file',
  ): { code: string; message: string; param: string } | undefined {
    const file = this.state.files.get(fileId);
    if (!file) return { code: 'invalid_file', message: `The ${param.replace('_', ' ')} ${fileId} was not found (it may have been deleted).`, param };
    const rules = this.flavour.dataset;
    const text = file.content.toString('utf8');
    const result = rules?.ownFormat
      ? checkOwnFormat(text, rules.requiredFields ?? [])
      : checkTrainingFile(text, job.methodType, job.model, {
          completion: resolveBaseModel(job.model)?.completion === true,
          ...(job.methodExtra['grader'] !== undefined ? { grader: job.methodExtra['grader'] } : {}),
        });
    if (param === 'training_file') job.run.examples = result.examples;
    const minExamples = rules?.minExamples ?? MIN_EXAMPLES;
    if (param === 'training_file' && result.examples < minExamples) {
      return {
        code: 'invalid_n_examples',
        message: `Training file has ${result.examples} example(s), but must have at least ${minExamples} examples`,
        param,
      };
    }
    if (param === 'training_file' && rules?.maxExamples !== undefined && result.examples > rules.maxExamples) {
      return { code: 'invalid_n_examples', message: `Training file has ${result.examples} examples, but may have at most ${rules.maxExamples} examples`, param };
    }
    if (result.firstError) {
      return {
        code: 'invalid_file_format',
        message: invalidFormatMessage(result.firstError.example, result.firstError.message),
        param,
      };
    }
    return undefined;
  }

  private start(job: StoredJob): void {
    job.run.timer = undefined;
    if (this.quotas) {
      const developer = job.trainingType === 'developer';
      const limit = developer ? this.quotas.maxRunningDeveloper : this.quotas.maxRunning;
      if (this.runningCount(developer) >= limit) {
        // Over the running limit: the job waits in the queue and tries again later.
        if (!job.run.waitingForSlot) this.event(job, 'info', `Waiting in the queue: ${limit} jobs of this training type are already running on this resource`);
        job.run.waitingForSlot = true;
        job.run.timer = this.clock.setTimeout(() => this.start(job), TIMING.queueMs);
        return;
      }
    }
    const hp = job.hyperparameters;
    const epochs = typeof hp.n_epochs === 'number' ? hp.n_epochs : 3;
    const batch = typeof hp.batch_size === 'number' ? hp.batch_size : 1;
    const stepsPerEpoch = Math.max(1, Math.ceil(job.run.examples / batch));
    job.run.epochs = epochs;
    job.run.totalSteps = stepsPerEpoch * epochs;
    const ticks = Math.min(job.run.totalSteps, TIMING.maxTicks);
    job.run.stepMs = TIMING.runMs / ticks;
    this.armFailure(job);
    job.status = 'running';
    job.estimated_finish = this.clock.seconds() + Math.round((TIMING.runMs + TIMING.evaluateMs + TIMING.publishMs) / 1000);
    this.event(job, 'info', 'Fine-tuning job started');
    this.scheduleTick(job);
  }

  /**
   * Takes a job-failure fault for this job, if one matches: the job will fail at the fault's step (or, when it is
   * already past it, at its next step). Checked when the job starts running and at each tick, so a fault added while
   * a job runs applies to it.
   */
  private armFailure(job: StoredJob): void {
    if (job.run.failAtStep !== undefined) return;
    const fault = this.faults.takeJobFailure(job.id);
    if (!fault) return;
    const at = fault.afterSteps ?? Math.ceil(job.run.totalSteps / 2);
    job.run.failAtStep = Math.max(job.run.step + 1, Math.min(job.run.totalSteps, Math.max(1, at)));
    job.run.failCode = fault.code ?? 'server_error';
    job.run.failMessage = fault.message ?? 'The job failed due to an internal error.';
  }

  private scheduleTick(job: StoredJob): void {
    job.run.timer = this.clock.setTimeout(() => this.tick(job), job.run.stepMs);
  }

  /** One timer tick: train up to the next group boundary, emitting metrics and epoch checkpoints. */
  private tick(job: StoredJob): void {
    job.run.timer = undefined;
    this.armFailure(job);
    const { totalSteps } = job.run;
    const ticks = Math.min(totalSteps, TIMING.maxTicks);
    const tickIndex = Math.round((job.run.step / totalSteps) * ticks) + 1;
    const target = Math.min(totalSteps, Math.round((tickIndex * totalSteps) / ticks));
    const stepsPerEpoch = totalSteps / job.run.epochs;
    for (let step = job.run.step + 1; step <= target; step++) {
      if (job.run.failAtStep !== undefined && step >= job.run.failAtStep) {
        job.run.step = step;
        this.fail(job, job.run.failCode ?? 'server_error', job.run.failMessage ?? 'The job failed due to an internal error.', null);
        return;
      }
      const m = this.metricsAt(job, step);
      job.metrics.push(m);
      job.run.step = step;
      if (totalSteps <= TIMING.maxTicks * 2 || step === target) {
        this.event(job, 'info', metricsMessage(m, totalSteps), 'metrics', metricsEventData(m, totalSteps));
      }
      if (step % stepsPerEpoch === 0) this.checkpoint(job, step, m);
    }
    if (job.run.step >= totalSteps) {
      this.finishTraining(job);
      return;
    }
    this.scheduleTick(job);
  }

  /** Falling losses and rising accuracy, with a little seeded noise. */
  private metricsAt(job: StoredJob, step: number): StepMetrics {
    const rnd = prng(job.seed * 7919 + step);
    const t = step / job.run.totalSteps;
    const noise = (scale: number): number => (rnd() - 0.5) * scale;
    const trainLoss = Math.max(0.02, 0.25 + 1.9 * Math.exp(-4.2 * t) + noise(0.18));
    const trainAcc = Math.min(0.995, Math.max(0.3, 0.97 - 0.5 * Math.exp(-4 * t) + noise(0.06)));
    const m: StepMetrics = { step, train_loss: round(trainLoss), train_accuracy: round(trainAcc) };
    if (!job.validation_file) return m;
    const validLoss = Math.max(0.05, 0.38 + 1.8 * Math.exp(-3.6 * t) + noise(0.1));
    const validAcc = Math.min(0.99, Math.max(0.3, 0.93 - 0.45 * Math.exp(-3.5 * t) + noise(0.04)));
    return { ...m, valid_loss: round(validLoss), valid_mean_token_accuracy: round(validAcc) };
  }

  private checkpoint(job: StoredJob, step: number, m: StepMetrics): void {
    job.run.pendingModel ??= this.flavour.fineTunedModelId(this.rootModel(job.model), this.organization, job.suffix);
    const metrics: Record<string, number> = {
      step,
      train_loss: m.train_loss,
      train_mean_token_accuracy: m.train_accuracy,
    };
    if (m.valid_loss !== undefined && m.valid_mean_token_accuracy !== undefined) {
      metrics['valid_loss'] = m.valid_loss;
      metrics['valid_mean_token_accuracy'] = m.valid_mean_token_accuracy;
      metrics['full_valid_loss'] = round(m.valid_loss * 0.97);
      metrics['full_valid_mean_token_accuracy'] = round(Math.min(0.99, m.valid_mean_token_accuracy * 1.01));
    }
    const ckpt = {
      object: 'fine_tuning.job.checkpoint' as const,
      id: this.flavour.newId('ftckpt'),
      created_at: this.clock.seconds(),
      fine_tuned_model_checkpoint: this.flavour.checkpointModelId(job.run.pendingModel, step),
      step_number: step,
      metrics,
      fine_tuning_job_id: job.id,
    };
    job.checkpoints.push(ckpt);
    this.event(job, 'info', `Checkpoint created at step ${step}`);
  }

  private finishTraining(job: StoredJob): void {
    job.run.pendingModel ??= this.flavour.fineTunedModelId(this.rootModel(job.model), this.organization, job.suffix);
    this.event(job, 'info', `New fine-tuned model created`);
    job.run.timer = this.clock.setTimeout(() => {
      this.event(job, 'info', 'Evaluating model against our usage policies');
      job.run.timer = this.clock.setTimeout(() => this.succeed(job), TIMING.publishMs);
    }, TIMING.evaluateMs);
  }

  private succeed(job: StoredJob): void {
    job.run.timer = undefined;
    const modelId = job.run.pendingModel!;
    const now = this.clock.seconds();
    const file = this.resultFile(job, now);
    this.state.files.set(file.id, file);
    job.result_files = [file.id];
    job.trained_tokens = this.estimateTokens(job) * job.run.epochs;
    job.fine_tuned_model = modelId;
    job.finished_at = now;
    job.status = 'succeeded';
    this.state.fineTunedModels.set(modelId, {
      id: modelId,
      created: now,
      owned_by: this.organization,
      jobId: job.id,
      base: this.rootModel(job.model),
      examples: trainingPairs(this.state.files.get(job.training_file)?.content.toString('utf8') ?? ''),
    });
    this.event(job, 'info', 'Usage policy evaluations completed, model is now enabled for sampling');
    this.event(job, 'info', 'The job has successfully completed');
  }

  /** The base snapshot a model was trained from (itself for a base model; fine-tuned models name their root). */
  private rootModel(model: string): string {
    return resolveBaseModel(model)?.id ?? this.state.fineTunedModels.get(model)?.base ?? model;
  }

  private estimateTokens(job: StoredJob): number {
    const file = this.state.files.get(job.training_file);
    return file ? Math.ceil(file.bytes / 4) : 0;
  }

  private resultFile(job: StoredJob, now: number): StoredFile {
    const header = 'step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy';
    const rows = job.metrics.map((m) =>
      [m.step, m.train_loss, m.train_accuracy, m.valid_loss ?? '', m.valid_mean_token_accuracy ?? ''].join(','),
    );
    const csv = `${header}\n${rows.join('\n')}\n`;
    const content = Buffer.from(this.resultFileEncoding === 'base64' ? Buffer.from(csv).toString('base64') : csv);
    return {
      id: this.flavour.newId('file'),
      bytes: content.length,
      created_at: now,
      filename: 'step_metrics.csv',
      purpose: 'fine-tune-results',
      content,
    };
  }

  private fail(job: StoredJob, code: string, message: string, param: string | null): void {
    this.clock.clearTimeout(job.run.timer);
    job.run.timer = undefined;
    job.status = 'failed';
    job.error = { code, message, param };
    job.finished_at = this.clock.seconds();
    job.estimated_finish = null;
    this.event(job, 'error', message);
  }

  // ---------------------------------------------------------------- actions

  get(id: string): StoredJob {
    const job = this.state.jobs.get(id);
    if (!job) throw notFound(`Could not find fine-tuning job: ${id}`, 'fine_tuning_job_id', 'fine_tuning_job_not_found');
    return job;
  }

  cancel(id: string): StoredJob {
    const job = this.get(id);
    if (job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled') {
      throw badRequest(`Job ${id} has already ${job.status === 'cancelled' ? 'been cancelled' : 'completed'} and cannot be cancelled.`, null, 'invalid_job_state');
    }
    this.clock.clearTimeout(job.run.timer);
    job.run.timer = undefined;
    job.status = 'cancelled';
    job.estimated_finish = null;
    this.event(job, 'info', 'Fine-tuning job cancelled');
    return job;
  }

  pause(id: string): StoredJob {
    const job = this.get(id);
    if (job.status !== 'running') {
      throw badRequest(`Job ${id} is ${job.status}; only a running job can be paused.`, null, 'invalid_job_state');
    }
    this.clock.clearTimeout(job.run.timer);
    job.run.timer = undefined;
    job.status = 'paused';
    job.estimated_finish = null;
    this.event(job, 'info', `Fine-tuning job paused at step ${job.run.step}`);
    return job;
  }

  resume(id: string): StoredJob {
    const job = this.get(id);
    if (job.status !== 'paused') {
      throw badRequest(`Job ${id} is ${job.status}; only a paused job can be resumed.`, null, 'invalid_job_state');
    }
    job.status = 'running';
    const left = (job.run.totalSteps - job.run.step) / job.run.totalSteps;
    job.estimated_finish = this.clock.seconds() + Math.round((TIMING.runMs * left + TIMING.evaluateMs + TIMING.publishMs) / 1000);
    this.event(job, 'info', `Fine-tuning job resumed at step ${job.run.step}`);
    this.scheduleTick(job);
    return job;
  }

  /** Jobs newest first, as `GET /fine_tuning/jobs` lists them. */
  list(metadataFilter: Record<string, string>): StoredJob[] {
    return [...this.state.jobs.values()]
      .filter((j) => Object.entries(metadataFilter).every(([k, v]) => j.metadata?.[k] === v))
      .reverse();
  }

  private event(
    job: StoredJob,
    level: JobEvent['level'],
    message: string,
    type: JobEvent['type'] = 'message',
    data: Record<string, unknown> = {},
  ): void {
    job.events.push({
      object: 'fine_tuning.job.event',
      id: this.flavour.newId('ftevent'),
      created_at: this.clock.seconds(),
      level,
      message,
      type,
      data,
    });
  }

  /** Stops every job's timer (server shutdown). */
  dispose(): void {
    for (const job of this.state.jobs.values()) {
      this.clock.clearTimeout(job.run.timer);
      job.run.timer = undefined;
    }
  }
}

/** `Invalid file format. Example N: ...` (the engine's message already starts with "Example N" most of the time). */
export function invalidFormatMessage(example: number, message: string): string {
  const rest = message.replace(new RegExp(`^Example ${example}\\b[:,]?\\s*`), '');
  return `Invalid file format. Example ${example}: ${rest}`;
}

/** A `metrics` event's `data`, named as the service names it (`train_mean_token_accuracy`, `total_steps`). */
function metricsEventData(m: StepMetrics, total: number): Record<string, number> {
  const data: Record<string, number> = { step: m.step, train_loss: m.train_loss, train_mean_token_accuracy: m.train_accuracy };
  if (m.valid_loss !== undefined) data['valid_loss'] = m.valid_loss;
  if (m.valid_mean_token_accuracy !== undefined) data['valid_mean_token_accuracy'] = m.valid_mean_token_accuracy;
  data['total_steps'] = total;
  return data;
}

function metricsMessage(m: StepMetrics, total: number): string {
  let s = `Step ${m.step}/${total}: training loss=${m.train_loss.toFixed(2)}`;
  if (m.valid_loss !== undefined) s += `, validation loss=${m.valid_loss.toFixed(2)}`;
  return s;
}

function checkAutoNumber(
  value: unknown,
  param: string,
  rule: { integer: boolean; min?: number; exclusiveMin?: number; max: number },
): number | 'auto' {
  if (value === undefined || value === null || value === 'auto') return 'auto';
  if (typeof value !== 'number' || (rule.integer && !Number.isInteger(value))) {
    throw badRequest(`Invalid type for '${param}': expected 'auto' or ${rule.integer ? 'an integer' : 'a number'}, got ${JSON.stringify(value)}.`, param, 'invalid_type');
  }
  const low = rule.min !== undefined ? value < rule.min : rule.exclusiveMin !== undefined ? value <= rule.exclusiveMin : false;
  if (low || value > rule.max) {
    const range = rule.min !== undefined ? `between ${rule.min} and ${rule.max}` : `greater than ${rule.exclusiveMin} and at most ${rule.max}`;
    throw badRequest(`Invalid '${param}': expected a value ${range}, got ${value}.`, param, rule.integer ? 'integer_out_of_range' : 'number_out_of_range');
  }
  return value;
}

/** The job as the API returns it. `paused` is what the service reports for a paused job (see spec/README.md). */
export function jobObject(job: StoredJob, organization: string): Record<string, unknown> {
  const hp = job.hyperparameters;
  const methodHp: Record<string, unknown> = {
    n_epochs: hp.n_epochs,
    batch_size: hp.batch_size,
    learning_rate_multiplier: hp.learning_rate_multiplier,
    ...(job.methodType === 'dpo' ? { beta: hp.beta ?? 'auto' } : {}),
    ...job.extraHp,
  };
  return {
    object: 'fine_tuning.job',
    id: job.id,
    model: job.model,
    created_at: job.created_at,
    finished_at: job.finished_at,
    fine_tuned_model: job.fine_tuned_model,
    organization_id: organization,
    result_files: job.result_files,
    status: job.status,
    validation_file: job.validation_file,
    training_file: job.training_file,
    hyperparameters: {
      n_epochs: hp.n_epochs,
      batch_size: hp.batch_size,
      learning_rate_multiplier: hp.learning_rate_multiplier,
    },
    trained_tokens: job.trained_tokens,
    error: job.error,
    user_provided_suffix: job.suffix,
    seed: job.seed,
    estimated_finish: job.estimated_finish,
    integrations: job.integrations ?? [],
    metadata: job.metadata,
    method: { type: job.methodType, [job.methodType]: { ...job.methodExtra, hyperparameters: methodHp } },
  };
}

