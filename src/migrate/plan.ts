/**
 * "Move this fine-tune" (issue 18), the pure part: no `vscode`. What the source job was (method, hyperparameters,
 * files), which providers and base models can take it, how its hyperparameters map to the target's names and ranges
 * (and which cannot be kept, with the reason), what the training file needs before the target accepts it (nothing,
 * a conversion to chat lines, or something Tuneline cannot do), and the move summary shown before anything is sent.
 *
 * The facts come from the adapters (src/api/providers: capability tables with their sources) and the dataset
 * profiles (src/core/profiles: formats, required keys); nothing here knows a service by name.
 */
import { classify } from '../core/parse';
import { jsonObjects } from '../core/parse';
import type { LineFormat, Profile } from '../core/profiles';
import { PROVIDERS, providerFor, type HyperparameterSpec, type Provider, type ProviderId, type TrainingMethod, type TunableModel } from '../api/providers';
import type { FineTuningJob } from '../api/types';

/** What a fine-tuned model was trained with, read from its job. */
export interface SourceJob {
  readonly provider: ProviderId;
  readonly jobId: string;
  /** The fine-tuned model id. */
  readonly model: string;
  readonly baseModel: string;
  readonly method: TrainingMethod;
  /** Values the job ran with (`"auto"` where the service chose). */
  readonly hyperparameters: Readonly<Record<string, number | string>>;
  readonly trainingFile: string;
  readonly validationFile?: string;
  readonly suffix?: string;
  readonly seed?: number;
  /** The reinforcement job's grader (`method.reinforcement.grader`), carried over as it is. */
  readonly grader?: unknown;
}

const METHODS: readonly TrainingMethod[] = ['supervised', 'dpo', 'reinforcement'];

/** The source facts of a job (OpenAI's shape: `method.<type>.hyperparameters`, else the legacy `hyperparameters`). */
export function sourceJob(provider: ProviderId, job: FineTuningJob): SourceJob {
  const m = job.method as { type?: string } & Record<string, unknown> | undefined;
  const type = METHODS.find((x) => x === m?.type) ?? 'supervised';
  const block = m?.[type] as { hyperparameters?: Record<string, unknown>; grader?: unknown } | undefined;
  const raw = block?.hyperparameters ?? (job.hyperparameters as Record<string, unknown> | undefined) ?? {};
  const hyperparameters: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === 'number' || typeof v === 'string') hyperparameters[k] = v;
  const rawSuffix = (job as { suffix?: unknown }).suffix;
  const suffix = typeof rawSuffix === 'string' ? rawSuffix : undefined;
  return {
    provider,
    jobId: job.id,
    model: job.fine_tuned_model ?? '',
    baseModel: job.model,
    method: type,
    hyperparameters,
    trainingFile: job.training_file,
    ...(job.validation_file ? { validationFile: job.validation_file } : {}),
    ...(suffix ? { suffix } : {}),
    ...(typeof job.seed === 'number' ? { seed: job.seed } : {}),
    ...(type === 'reinforcement' && block?.grader !== undefined ? { grader: block.grader } : {}),
  };
}

/** A provider a fine-tune can move to, or why not. */
export interface MoveTarget {
  readonly provider: Provider;
  readonly models: readonly TunableModel[];
}

/**
 * The providers that can create a job of `method` on at least one base model (`custom` is left out: an
 * OpenAI-compatible endpoint is not a service of its own to move to).
 */
export function moveTargets(method: TrainingMethod, providers: readonly Provider[] = PROVIDERS): MoveTarget[] {
  const out: MoveTarget[] = [];
  for (const provider of providers) {
    if (provider.id === 'custom' || !provider.capabilities.operations.create.supported) continue;
    const models = targetModels(provider, method);
    if (models.length) out.push({ provider, models });
  }
  return out;
}

/** The target's tunable models for `method` (its own list when given, else its table). */
export function targetModels(provider: Provider, method: TrainingMethod, listed?: Parameters<Provider['tunableModels']>[0]): TunableModel[] {
  return provider.tunableModels(listed).filter((m) => m.methods.includes(method));
}

/** Names that mean the same hyperparameter on different services (first: OpenAI's). */
const SAME_MEANING: readonly (readonly string[])[] = [
  ['n_epochs', 'epochs'],
  ['batch_size', 'batchSize'],
  ['learning_rate', 'learningRate'],
  ['beta', 'dpo_beta'],
  ['lora_rank', 'lora_r', 'loraRank'],
];

function counterpart(name: string, specs: readonly HyperparameterSpec[]): HyperparameterSpec | undefined {
  const same = specs.find((s) => s.name === name);
  if (same) return same;
  const group = SAME_MEANING.find((g) => g.includes(name));
  return group ? specs.find((s) => group.includes(s.name)) : undefined;
}

export interface KeptHyperparameter {
  readonly from: string;
  readonly to: string;
  readonly value: number | string;
}

export interface DroppedHyperparameter {
  readonly name: string;
  readonly value: number | string;
  readonly reason: string;
}

export interface HyperparameterMapping {
  /** What the target job gets (by the target's names). */
  readonly values: Readonly<Record<string, number | string>>;
  readonly kept: readonly KeptHyperparameter[];
  /** Left to the target's choice, with the reason. */
  readonly dropped: readonly DroppedHyperparameter[];
}

/** Why `value` does not fit `spec` (and the model's narrower limits), or undefined when it does. */
function misfit(value: number | string, spec: HyperparameterSpec, limits?: { min?: number; max?: number }): string | undefined {
  if (spec.kind === 'enum') {
    return typeof value === 'string' && spec.values?.includes(value) ? undefined : `${spec.name} takes ${spec.values?.join(', ') ?? 'other values'}`;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${spec.name} takes a number`;
  if (spec.kind === 'integer' && !Number.isInteger(value)) return `${spec.name} takes a whole number`;
  const min = Math.max(spec.min ?? -Infinity, limits?.min ?? -Infinity);
  const max = Math.min(spec.max ?? Infinity, limits?.max ?? Infinity);
  if (value < min || (spec.exclusiveMin && value === min) || value > max) {
    const lo = Number.isFinite(min) ? `${spec.exclusiveMin ? 'above ' : ''}${min}` : '';
    const hi = Number.isFinite(max) ? String(max) : '';
    return `${spec.name} takes ${lo && hi ? `${lo} to ${hi}` : lo ? `${lo} or more` : `at most ${hi}`}`;
  }
  return undefined;
}

/**
 * Maps the source job's hyperparameters to the target method's specs: the same name, or a name of the same meaning
 * (`n_epochs` → `epochs`, `beta` → `dpo_beta`...), when the value fits the target's range (and the model's limits).
 * Everything else is dropped with the reason; `"auto"` values stay the target's choice without a word.
 */
export function mapHyperparameters(
  source: Readonly<Record<string, number | string>>,
  specs: readonly HyperparameterSpec[],
  targetLabel: string,
  modelLimits?: TunableModel['hyperparameterLimits'],
): HyperparameterMapping {
  const values: Record<string, number | string> = {};
  const kept: KeptHyperparameter[] = [];
  const dropped: DroppedHyperparameter[] = [];
  for (const [name, value] of Object.entries(source)) {
    if (value === 'auto') continue;
    const spec = counterpart(name, specs);
    if (!spec) {
      const reason =
        name === 'learning_rate_multiplier' && specs.some((s) => s.name === 'learning_rate' || s.name === 'learningRate')
          ? `${targetLabel} takes an absolute learning rate, and a multiplier of the old service's own base rate has no absolute value; ${targetLabel}'s default is used`
          : `${targetLabel} has no such hyperparameter for this method; its default is used`;
      dropped.push({ name, value, reason });
      continue;
    }
    if (values[spec.name] !== undefined) {
      dropped.push({ name, value, reason: `${spec.name} is already set from another value` });
      continue;
    }
    const why = misfit(value, spec, modelLimits?.[spec.name]);
    if (why) {
      dropped.push({ name, value, reason: `${why} on ${targetLabel}; its default is used` });
      continue;
    }
    values[spec.name] = value;
    kept.push({ from: name, to: spec.name, value });
  }
  return { values, kept, dropped };
}

/** The line formats of a JSONL text, counted (one pass). Lines that are not JSON objects are not counted. */
export function lineFormats(text: string): Partial<Record<LineFormat | 'unknown', number>> {
  const counts: Partial<Record<LineFormat | 'unknown', number>> = {};
  for (const obj of jsonObjects(text)) {
    const shape = classify(obj);
    const f: LineFormat | 'unknown' =
      shape === 'chat' || shape === 'chat-rft' ? 'messages' : shape === 'preference' ? 'preference' : shape === 'completion' ? 'completion' : typeof obj['text'] === 'string' ? 'text' : 'unknown';
    counts[f] = (counts[f] ?? 0) + 1;
  }
  return counts;
}

/** What the training file needs before the target takes it. */
export interface ConversionPlan {
  /** `none`: send it as it is; `convert`: convert to chat lines first (src/core/convert.ts); `blocked`: cannot move. */
  readonly action: 'none' | 'convert' | 'blocked';
  /** Plain sentences: what is done and why, or what stops the move. */
  readonly notes: readonly string[];
}

/**
 * The conversion a file of these formats needs for `profile`: formats the target accepts stay; prompt/completion
 * lines become chat lines where the target takes chat but not prompt/completion; any other format the target does
 * not take, or a top-level key it requires on every line, stops the move (Tuneline cannot invent the data).
 */
export function conversionPlan(formats: Partial<Record<LineFormat | 'unknown', number>>, profile: Pick<Profile, 'formats' | 'requiredTopLevelKeys' | 'label'>, requiredKeysPresent = false): ConversionPlan {
  const notes: string[] = [];
  let convert = false;
  let blocked = false;
  for (const [f, n] of Object.entries(formats) as Array<[LineFormat | 'unknown', number]>) {
    if (!n) continue;
    if (f === 'unknown') {
      blocked = true;
      notes.push(`${n} line(s) have no format ${profile.label} knows.`);
    } else if (profile.formats.includes(f)) {
      continue;
    } else if (f === 'completion' && profile.formats.includes('messages')) {
      convert = true;
      notes.push(`${n} prompt/completion line(s) become chat lines (user → assistant): ${profile.label} takes chat, not prompt/completion.`);
    } else {
      blocked = true;
      notes.push(`${n} ${f} line(s): ${profile.label} does not take that format (it takes ${profile.formats.join(', ')}), and Tuneline cannot convert it.`);
    }
  }
  if (profile.requiredTopLevelKeys.length && !requiredKeysPresent) {
    blocked = true;
    notes.push(`${profile.label} needs ${profile.requiredTopLevelKeys.map((k) => `"${k}"`).join(', ')} on every line, which Tuneline cannot make up.`);
  }
  if (!notes.length) notes.push(`${profile.label} takes the file as it is.`);
  return { action: blocked ? 'blocked' : convert ? 'convert' : 'none', notes };
}

/** Whether every JSON line of the text has each key (Bedrock Mantle's `reference_answer`). */
export function everyLineHas(text: string, keys: readonly string[]): boolean {
  if (!keys.length) return true;
  let any = false;
  for (const obj of jsonObjects(text)) {
    any = true;
    if (keys.some((k) => obj[k] === undefined)) return false;
  }
  return any;
}

/** Everything the summary shows, decided before anything is sent. */
export interface MovePlan {
  readonly source: SourceJob;
  readonly targetProvider: ProviderId;
  readonly targetLabel: string;
  readonly targetModel: string;
  readonly method: TrainingMethod;
  /** Where the training file comes from (a workspace path, or "downloaded from …"). */
  readonly trainingFrom: string;
  readonly trainingFile: string;
  readonly examples: number;
  readonly conversion: ConversionPlan;
  readonly hyperparameters: HyperparameterMapping;
  /** Engine findings on the file for the target's profile. */
  readonly check: { readonly errors: number; readonly warnings: number; readonly profile: string; readonly first?: string };
  /** Adapter problems with the plan (would stop the job). */
  readonly problems: readonly string[];
  /** What is not carried over besides hyperparameters (validation file, suffix...). */
  readonly notKept: readonly string[];
  /** The kept baseline the new model is compared with when the job succeeds, if any. */
  readonly baseline?: string;
  /**
   * The retirement dates of the old and the new model, one plain line each ("… on OpenAI: new jobs until …, serving
   * until … (42 days)"), as the jobs view and the CLI word them (the dates: src/core/retirement.ts, or ARM's on Azure).
   */
  readonly dates?: { readonly source: string; readonly target: string };
}

/** Whether the plan can be sent (no conversion blocker, no engine error, no adapter problem). */
export function canSend(plan: MovePlan): boolean {
  return plan.conversion.action !== 'blocked' && plan.check.errors === 0 && plan.problems.length === 0;
}

/** Markdown-escapes plain text (ids, file names). */
function md(text: string): string {
  return text.replace(/[\\`*_[\]|<>~]/g, (c) => `\\${c}`);
}

/** The move summary (Markdown): what moves where, what was converted, what could not be kept, what happens next. */
export function moveSummaryMarkdown(plan: MovePlan): string {
  const s = plan.source;
  const lines: string[] = [];
  lines.push(`# Move ${md(s.model)} to ${md(plan.targetLabel)}`, '');
  lines.push(canSend(plan) ? 'Nothing has been sent yet. Review this summary, then answer the question Tuneline asks.' : '**This move cannot be sent as it is** (see below).', '');
  lines.push('| | From | To |', '|---|---|---|');
  lines.push(`| Service | ${md(providerFor(s.provider).label)} | ${md(plan.targetLabel)} |`);
  lines.push(`| Base model | ${md(s.baseModel)} | ${md(plan.targetModel)} |`);
  lines.push(`| Method | ${s.method} | ${plan.method} |`);
  lines.push(`| Training file | ${md(s.trainingFile)} | ${md(plan.trainingFile)} (${plan.examples} examples) |`, '');
  lines.push(`Training file: ${md(plan.trainingFrom)}.`, '');
  if (plan.dates) {
    lines.push('## Dates', '');
    lines.push(`- Old: ${md(plan.dates.source)}`, `- New: ${md(plan.dates.target)}`, '');
  }
  lines.push('## Training file', '');
  for (const n of plan.conversion.notes) lines.push(`- ${md(n)}`);
  lines.push(`- Checked against ${md(plan.check.profile)}: ${plan.check.errors} error(s), ${plan.check.warnings} warning(s)${plan.check.first ? `; first: ${md(plan.check.first)}` : ''}.`, '');
  lines.push('## Hyperparameters', '');
  if (!plan.hyperparameters.kept.length && !plan.hyperparameters.dropped.length) lines.push(`- None were set on the old job; ${md(plan.targetLabel)} chooses.`);
  for (const k of plan.hyperparameters.kept) lines.push(`- Kept: ${md(k.from)} = ${md(String(k.value))}${k.to !== k.from ? ` (as ${md(k.to)})` : ''}`);
  lines.push('');
  lines.push('## Not kept', '');
  const notKept = [...plan.hyperparameters.dropped.map((d) => `${d.name} = ${String(d.value)}: ${d.reason}`), ...plan.notKept];
  if (!notKept.length) lines.push('- Everything was kept.');
  for (const n of notKept) lines.push(`- ${md(n)}`);
  if (plan.problems.length) {
    lines.push('', '## Problems', '');
    for (const p of plan.problems) lines.push(`- ${md(p)}`);
  }
  lines.push('', '## Then', '');
  lines.push(
    plan.baseline
      ? `- When the new job succeeds, Tuneline compares the new model with the kept baseline ${md(plan.baseline)} (same prompts, same settings).`
      : '- No kept baseline of this model was found: keep one first ("Tuneline: Keep a Baseline") to compare the new model with it.',
  );
  return `${lines.join('\n')}\n`;
}
