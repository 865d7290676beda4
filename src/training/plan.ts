/**
 * What a fine-tuning job is made of before it is sent (a `TrainingPlan`), its checks against the reference's JOB-01 /
 * JOB-02 ranges, and the `fine_tuning.jobs.create` body it becomes. Pure: no `vscode`.
 */
import type { JobCreateParams } from '../api/types';

export type TrainingMethod = 'supervised' | 'dpo' | 'reinforcement';
export const TRAINING_METHODS: readonly TrainingMethod[] = ['supervised', 'dpo', 'reinforcement'];

/** Hyperparameters as the user gives them: a number, or `auto` / absent for the service's choice. */
export interface Hyperparameters {
  n_epochs?: number | 'auto';
  batch_size?: number | 'auto';
  learning_rate_multiplier?: number | 'auto';
  /** DPO only. */
  beta?: number | 'auto';
  /** Reinforcement only. */
  reasoning_effort?: 'default' | 'low' | 'medium' | 'high';
  compute_multiplier?: number | 'auto';
  eval_interval?: number | 'auto';
  eval_samples?: number | 'auto';
}

export interface TrainingPlan {
  readonly trainingFileId: string;
  readonly validationFileId?: string;
  readonly model: string;
  readonly method: TrainingMethod;
  readonly grader?: unknown;
  readonly hyperparameters?: Hyperparameters;
  readonly suffix?: string;
  readonly seed?: number;
}

interface Range {
  readonly methods: readonly TrainingMethod[];
  readonly check: (v: number) => boolean;
  readonly text: string;
  readonly integer?: boolean;
}

export type NumericHyperparameter = Exclude<keyof Hyperparameters, 'reasoning_effort'>;

/** JOB-02 ranges. */
export const HYPERPARAMETER_RANGES: Readonly<Record<NumericHyperparameter, Range>> = {
  n_epochs: { methods: TRAINING_METHODS, check: (v) => v >= 1 && v <= 50, text: 'an integer from 1 to 50', integer: true },
  batch_size: { methods: TRAINING_METHODS, check: (v) => v >= 1 && v <= 256, text: 'an integer from 1 to 256', integer: true },
  learning_rate_multiplier: { methods: TRAINING_METHODS, check: (v) => v > 0, text: 'a number above 0' },
  beta: { methods: ['dpo'], check: (v) => v > 0 && v <= 2, text: 'a number above 0, at most 2' },
  compute_multiplier: { methods: ['reinforcement'], check: (v) => v > 1e-5 && v <= 10, text: 'a number above 0.00001, at most 10' },
  eval_interval: { methods: ['reinforcement'], check: (v) => v >= 1, text: 'an integer of at least 1', integer: true },
  eval_samples: { methods: ['reinforcement'], check: (v) => v >= 1, text: 'an integer of at least 1', integer: true },
};

export const REASONING_EFFORTS = ['default', 'low', 'medium', 'high'] as const;

/** The hyperparameters that apply to a method, in the order the wizard asks for them. */
export function hyperparametersFor(method: TrainingMethod): (keyof Hyperparameters)[] {
  const keys = (Object.keys(HYPERPARAMETER_RANGES) as NumericHyperparameter[]).filter((k) => HYPERPARAMETER_RANGES[k].methods.includes(method));
  return method === 'reinforcement' ? [...keys, 'reasoning_effort'] : keys;
}

/** Parses a typed value: '' / 'auto' → 'auto'; else a number in range, or an error message. */
export function parseHyperparameter(name: keyof Hyperparameters, raw: string): { value: number | string } | { error: string } {
  const text = raw.trim();
  if (name === 'reasoning_effort') {
    if (text === '') return { value: 'default' };
    return (REASONING_EFFORTS as readonly string[]).includes(text) ? { value: text } : { error: `reasoning_effort is one of ${REASONING_EFFORTS.join(', ')}` };
  }
  const range = HYPERPARAMETER_RANGES[name];
  if (!range) return { error: `Unknown hyperparameter ${String(name)}` };
  if (text === '' || text === 'auto') return { value: 'auto' };
  const v = Number(text);
  if (!Number.isFinite(v) || (range.integer && !Number.isInteger(v)) || !range.check(v)) return { error: `${name} is "auto" or ${range.text}` };
  return { value: v };
}

/** Every problem with a plan (JOB-01/JOB-02), as messages; empty when it can be sent. */
export function checkPlan(plan: TrainingPlan): string[] {
  const out: string[] = [];
  if (!plan.trainingFileId) out.push('A training file is required.');
  if (!plan.model.trim()) out.push('A base model is required.');
  if (!TRAINING_METHODS.includes(plan.method)) out.push(`The method is one of ${TRAINING_METHODS.join(', ')}.`);
  if (plan.method === 'reinforcement' && plan.grader === undefined) out.push('Reinforcement fine-tuning needs a grader.');
  if (plan.suffix !== undefined && plan.suffix !== '' && !/^[A-Za-z0-9_-]{1,64}$/.test(plan.suffix)) {
    out.push('The suffix is 1 to 64 characters: letters, digits, "-" and "_".');
  }
  if (plan.seed !== undefined && !(Number.isInteger(plan.seed) && plan.seed >= 0 && plan.seed <= 2_147_483_647)) {
    out.push('The seed is an integer from 0 to 2147483647.');
  }
  for (const [k, v] of Object.entries(plan.hyperparameters ?? {})) {
    if (v === undefined) continue;
    const name = k as keyof Hyperparameters;
    if (name === 'reasoning_effort') {
      if (plan.method !== 'reinforcement') out.push('reasoning_effort applies to reinforcement fine-tuning only.');
    } else if (!(name in HYPERPARAMETER_RANGES)) {
      out.push(`Unknown hyperparameter ${k}.`);
      continue;
    } else if (!HYPERPARAMETER_RANGES[name].methods.includes(plan.method)) {
      out.push(`${k} does not apply to ${plan.method} fine-tuning.`);
      continue;
    }
    const parsed = parseHyperparameter(name, String(v));
    if ('error' in parsed) out.push(parsed.error);
  }
  return out;
}

/** The `fine_tuning.jobs.create` body: hyperparameters under `method.<type>` (the top-level ones are deprecated). */
export function jobParams(plan: TrainingPlan): JobCreateParams {
  const hp: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(plan.hyperparameters ?? {})) if (v !== undefined) hp[k] = v;
  const withHp = Object.keys(hp).length ? { hyperparameters: hp } : {};
  let method: unknown;
  if (plan.method === 'dpo') method = { type: 'dpo', dpo: withHp };
  else if (plan.method === 'reinforcement') method = { type: 'reinforcement', reinforcement: { grader: plan.grader, ...withHp } };
  else method = { type: 'supervised', supervised: withHp };
  return {
    model: plan.model,
    training_file: plan.trainingFileId,
    ...(plan.validationFileId ? { validation_file: plan.validationFileId } : {}),
    method: method as JobCreateParams['method'],
    ...(plan.suffix ? { suffix: plan.suffix } : {}),
    ...(plan.seed !== undefined ? { seed: plan.seed } : {}),
  };
}
