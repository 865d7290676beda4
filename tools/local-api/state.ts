/** The server's in-memory state: files, uploads, fine-tuning jobs (with events and checkpoints), models, deployments. */
import type { AzureTrainingType } from './models';
import type { JobMethod } from './validation';

export interface StoredFile {
  readonly id: string;
  readonly bytes: number;
  readonly created_at: number;
  readonly filename: string;
  readonly purpose: string;
  readonly expires_at?: number;
  readonly content: Buffer;
}

export interface StoredUploadPart {
  readonly id: string;
  readonly created_at: number;
  readonly data: Buffer;
}

export interface StoredUpload {
  readonly id: string;
  readonly created_at: number;
  readonly filename: string;
  readonly bytes: number;
  readonly purpose: string;
  readonly mime_type: string;
  readonly expires_at: number;
  status: 'pending' | 'completed' | 'cancelled' | 'expired';
  readonly parts: StoredUploadPart[];
  fileId: string | null;
}

export type JobStatus = 'validating_files' | 'queued' | 'running' | 'paused' | 'succeeded' | 'failed' | 'cancelled';

export interface JobEvent {
  readonly object: 'fine_tuning.job.event';
  readonly id: string;
  readonly created_at: number;
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly type: 'message' | 'metrics';
  readonly data: Record<string, unknown>;
}

export interface JobCheckpoint {
  readonly object: 'fine_tuning.job.checkpoint';
  readonly id: string;
  readonly created_at: number;
  readonly fine_tuned_model_checkpoint: string;
  readonly step_number: number;
  readonly metrics: Record<string, number>;
  readonly fine_tuning_job_id: string;
}

export interface Hyperparameters {
  n_epochs: number | 'auto';
  batch_size: number | 'auto';
  learning_rate_multiplier: number | 'auto';
  beta?: number | 'auto';
}

/** One row of the step metrics (the result file's CSV and the `metrics` events). */
export interface StepMetrics {
  readonly step: number;
  readonly train_loss: number;
  readonly train_accuracy: number;
  readonly valid_loss?: number;
  readonly valid_mean_token_accuracy?: number;
}

export interface StoredJob {
  readonly id: string;
  readonly created_at: number;
  readonly model: string;
  readonly training_file: string;
  readonly validation_file: string | null;
  readonly suffix: string | null;
  readonly seed: number;
  readonly metadata: Record<string, string> | null;
  readonly integrations: unknown[] | null;
  readonly methodType: JobMethod;
  /** Azure flavour: the job's training type (`trainingType` on create; null when not given, i.e. standard). */
  readonly trainingType: AzureTrainingType | null;
  /** The `method` object as the job reports it (hyperparameters resolved once validated). */
  methodExtra: Record<string, unknown>;
  /** Method hyperparameters beyond the three common ones (reinforcement), as given. */
  readonly extraHp: Record<string, unknown>;
  hyperparameters: Hyperparameters;
  status: JobStatus;
  error: { code: string; message: string; param: string | null } | null;
  fine_tuned_model: string | null;
  finished_at: number | null;
  trained_tokens: number | null;
  estimated_finish: number | null;
  result_files: string[];
  /** Newest last. */
  readonly events: JobEvent[];
  /** Newest last. */
  readonly checkpoints: JobCheckpoint[];
  readonly metrics: StepMetrics[];
  /** Lifecycle bookkeeping (not part of the API object). */
  run: {
    examples: number;
    epochs: number;
    totalSteps: number;
    step: number;
    stepMs: number;
    timer?: number;
    /** Step at which a job-failure fault makes it fail. */
    failAtStep?: number;
    failCode?: string;
    failMessage?: string;
    /** The fine-tuned model id, chosen when training ends, published when the job succeeds. */
    pendingModel?: string;
    /** Azure quota: the job is queued behind the running limit. */
    waitingForSlot?: boolean;
  };
}

export interface FineTunedModel {
  readonly id: string;
  readonly created: number;
  readonly owned_by: string;
  readonly jobId: string;
  /** The model it was trained from. */
  readonly base: string;
  /** Prompt → reply pairs of its training file: a fine-tuned model answers with the reply of the nearest prompt. */
  readonly examples: readonly TrainingPair[];
}

export interface TrainingPair {
  readonly prompt: string;
  readonly reply: string;
}

export interface Deployment {
  readonly name: string;
  readonly model: string;
}

export type BatchStatus = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';

/** One request line of a batch input file, checked. */
export interface BatchRequestLine {
  readonly customId: string;
  readonly body: Record<string, unknown>;
}

/** A batch (`/batches`, issue 11): its API fields, plus the requests and their output lines. */
export interface StoredBatch {
  readonly id: string;
  readonly created_at: number;
  readonly endpoint: string;
  readonly input_file_id: string;
  readonly completion_window: string;
  readonly metadata: Record<string, string> | null;
  readonly expires_at: number;
  status: BatchStatus;
  errors?: { object: 'list'; data: Array<{ code: string; message: string; param: string | null; line: number | null }> };
  output_file_id?: string;
  error_file_id?: string;
  in_progress_at?: number;
  finalizing_at?: number;
  completed_at?: number;
  failed_at?: number;
  cancelling_at?: number;
  cancelled_at?: number;
  request_counts: { total: number; completed: number; failed: number };
  usage: { input_tokens: number; output_tokens: number };
  /** Bookkeeping (not part of the API object). */
  run: { requests: BatchRequestLine[]; next: number; output: string[]; errors: string[]; timer?: number };
}

export class State {
  readonly files = new Map<string, StoredFile>();
  readonly uploads = new Map<string, StoredUpload>();
  readonly jobs = new Map<string, StoredJob>();
  readonly fineTunedModels = new Map<string, FineTunedModel>();
  /** Azure flavour: deployment name → model. */
  readonly deployments = new Map<string, Deployment>();
  /** Fine-tuned models deleted through `DELETE /models/{model}`. */
  readonly deletedModels = new Set<string>();
  /** Batches (`/batches`). */
  readonly batches = new Map<string, StoredBatch>();

  clear(): void {
    this.batches.clear();
    this.files.clear();
    this.uploads.clear();
    this.jobs.clear();
    this.fineTunedModels.clear();
    this.deployments.clear();
    this.deletedModels.clear();
  }

  /** Creates (or replaces) an Azure deployment `name` of `model`. */
  deploy(name: string, model: string): Deployment {
    const d = { name, model };
    this.deployments.set(name, d);
    return d;
  }
}

/** The file object as the API returns it. */
export function fileObject(f: StoredFile): Record<string, unknown> {
  return {
    object: 'file',
    id: f.id,
    purpose: f.purpose,
    filename: f.filename,
    bytes: f.bytes,
    created_at: f.created_at,
    ...(f.expires_at !== undefined ? { expires_at: f.expires_at } : {}),
    status: 'processed',
  };
}
