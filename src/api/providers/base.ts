/**
 * What every adapter does the same way over its own table: find a model, offer the tunable models, check a plan
 * against the capabilities, and build the job-create body. An adapter passes its table and its own hooks (extra
 * request fields, error explanations, an extra rule per plan).
 */
// The catalogue alone (not `core/profiles`' index, which pulls in the engine): the adapters stay small to bundle.
import { OPENAI_FILE_BYTES, resolveProfile } from '../../core/profiles/catalog';
import type {
  AdapterKind,
  DatasetRules,
  ErrorExplanation,
  ErrorFacts,
  HyperparameterSpec,
  MethodCapability,
  PlanProblem,
  Provider,
  ProviderCapabilities,
  ProviderId,
  Source,
  TrainingMethod,
  TrainingPlan,
  TunableModel,
} from './types';

/**
 * An adapter's `dataset` rules, read from its provider's dataset profile (`src/core/profiles/catalog.ts`, where each
 * value is cited): one place for every value the two share, so they cannot disagree. A profile without `maxBytes`
 * keeps the engine's OpenAI file limit (the Files API's 512 MB). `extra`: rules only the adapter states.
 */
export function profileDataset(id: ProviderId, source: Source, extra: Partial<Omit<DatasetRules, 'source'>> = {}): DatasetRules {
  const { file, limits, requiredTopLevelKeys } = resolveProfile(id);
  return {
    utf8Bom: file.bomAccepted ? 'accepted' : 'unknown',
    minExamples: file.minExamples,
    maxFileBytes: file.maxBytes ?? OPENAI_FILE_BYTES,
    maxImagesPerExample: limits.imagesPerExample,
    maxImageBytes: limits.imageBytes,
    ...(file.maxFiles !== undefined ? { maxFiles: file.maxFiles } : {}),
    ...(file.maxTotalBytes !== undefined ? { maxTotalFileBytes: file.maxTotalBytes } : {}),
    ...(file.maxExamples !== undefined ? { maxExamples: file.maxExamples } : {}),
    ...(file.maxImageExamples !== undefined ? { maxExamplesWithImages: file.maxImageExamples } : {}),
    ...(requiredTopLevelKeys.length > 0 ? { requiredFields: requiredTopLevelKeys } : {}),
    ...extra,
    source,
  };
}

export interface AdapterHooks {
  /** Extra fields of the job-create body for the plan (e.g. Azure's `trainingType`). */
  readonly extraFields?: (plan: TrainingPlan, model: TunableModel | undefined) => Record<string, unknown>;
  /** Service-specific rules (e.g. which training types a model allows). */
  readonly extraProblems?: (plan: TrainingPlan, model: TunableModel | undefined) => readonly PlanProblem[];
  readonly explainError?: (facts: ErrorFacts) => ErrorExplanation | undefined;
  /** Methods a listed model outside the table may be trained with (`[]`: such models are not offered). */
  readonly unknownModelMethods?: readonly TrainingMethod[];
}

/** The base id of a fine-tuned id: OpenAI `ft:BASE:org:…`, Azure `BASE.ft-<hex>[-suffix]`; otherwise the id. */
export function baseOfModelId(id: string): string {
  if (id.startsWith('ft:')) return id.slice(3).split(':')[0] ?? id;
  const azure = /^(.+?)\.ft-[0-9a-f]{32}/i.exec(id);
  return azure ? azure[1]! : id;
}

/** Checks one hyperparameter value against its spec; returns the problem, if any. */
export function checkHyperparameter(spec: HyperparameterSpec, value: number | string): string | undefined {
  if (value === 'auto') return spec.auto ? undefined : `${spec.label} has no "auto" value here: give a value.`;
  if (spec.kind === 'enum') {
    return typeof value === 'string' && spec.values?.includes(value)
      ? undefined
      : `${spec.label} must be one of ${(spec.values ?? []).join(', ')}.`;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${spec.label} must be a number${spec.auto ? ' or "auto"' : ''}.`;
  if (spec.kind === 'integer' && !Number.isInteger(value)) return `${spec.label} must be a whole number.`;
  const low = spec.min !== undefined && (spec.exclusiveMin ? value <= spec.min : value < spec.min);
  const high = spec.max !== undefined && value > spec.max;
  if (low || high) {
    const from = spec.min === undefined ? '' : spec.exclusiveMin ? `over ${spec.min}` : `at least ${spec.min}`;
    const to = spec.max === undefined ? '' : `at most ${spec.max}`;
    return `${spec.label} must be ${[from, to].filter(Boolean).join(' and ')} (got ${value}).`;
  }
  return undefined;
}

/** The spec with a model's bounds applied: the stricter of the two on each side. */
export function narrowed(spec: HyperparameterSpec, limit: { readonly min?: number; readonly max?: number }): HyperparameterSpec {
  const useLimitMin = limit.min !== undefined && (spec.min === undefined || limit.min > spec.min);
  const max = limit.max === undefined ? spec.max : spec.max === undefined ? limit.max : Math.min(spec.max, limit.max);
  return {
    ...spec,
    ...(useLimitMin ? { min: limit.min, exclusiveMin: false } : {}),
    ...(max !== undefined ? { max } : {}),
  };
}

export function makeProvider(id: ProviderId, label: string, capabilities: ProviderCapabilities, hooks: AdapterHooks = {}): Provider {
  const byName = new Map<string, TunableModel>();
  for (const m of capabilities.models) {
    byName.set(m.id, m);
    for (const a of m.aliases) byName.set(a, m);
  }
  const model = (name: string): TunableModel | undefined => byName.get(name) ?? byName.get(baseOfModelId(name));
  const methodFor = (method: TrainingMethod): MethodCapability | undefined => capabilities.methods.find((m) => m.method === method);
  const methodsOf = (name: string): readonly TrainingMethod[] => model(name)?.methods ?? hooks.unknownModelMethods ?? [];

  const provider: Provider = {
    id,
    label,
    capabilities,
    model,
    tunableModels(listed) {
      if (!listed) return capabilities.models;
      const out: TunableModel[] = [];
      const seen = new Set<string>();
      for (const l of listed) {
        if (l.capabilities && l.capabilities.fine_tune === false) continue;
        const known = model(l.id);
        if (known) {
          if (!seen.has(known.id)) out.push(l.id === known.id || known.aliases.includes(l.id) ? known : { ...known, id: l.id, aliases: [] });
          seen.add(known.id);
          seen.add(l.id);
          continue;
        }
        // Only entries the service itself marks tunable get in without a table row.
        if (l.capabilities?.fine_tune !== true || (hooks.unknownModelMethods ?? []).length === 0 || seen.has(l.id)) continue;
        seen.add(l.id);
        out.push({
          id: l.id,
          aliases: [],
          label: l.id,
          methods: hooks.unknownModelMethods ?? [],
          vision: false,
          openWeights: false,
          preview: false,
          source: { url: 'GET /models (the service\'s own list)', read: 'at run time', note: 'Not in Tuneline\'s table: methods are the ones the service allows for unknown models.' },
        });
      }
      return out;
    },
    methodsFor(name) {
      return methodsOf(name)
        .map(methodFor)
        .filter((m): m is MethodCapability => m !== undefined);
    },
    check(plan) {
      const problems: PlanProblem[] = [];
      const m = model(plan.model);
      const methods = methodsOf(plan.model);
      if (!m && methods.length === 0) {
        problems.push({ field: 'model', message: `${label} does not fine-tune ${plan.model}.` });
        return problems;
      }
      const cap = methodFor(plan.method);
      if (!cap || !methods.includes(plan.method)) {
        problems.push({
          field: 'method',
          message: `${label} cannot train ${plan.model} with ${cap?.label ?? plan.method}; it offers ${methods.map((x) => methodFor(x)?.label ?? x).join(', ') || 'no method'} for it.`,
        });
        return problems;
      }
      if (cap.requiresValidationFile && !plan.validationFile) {
        problems.push({ field: 'validationFile', message: `${label} needs a validation file for ${cap.label}.` });
      }
      if (cap.requiresGrader && plan.grader === undefined) {
        problems.push({ field: 'grader', message: `${cap.label} needs a grader.` });
      }
      for (const [name, value] of Object.entries(plan.hyperparameters ?? {})) {
        const spec = cap.hyperparameters.find((h) => h.name === name);
        if (!spec) {
          problems.push({ field: 'hyperparameters', key: name, message: `${label} takes no ${name} for ${cap.label}.` });
          continue;
        }
        const limit = m?.hyperparameterLimits?.[name];
        const p = checkHyperparameter(limit ? narrowed(spec, limit) : spec, value);
        if (p) problems.push({ field: 'hyperparameters', key: name, message: limit ? `${p.replace(/\.$/, '')} for ${m?.label ?? plan.model}.` : p });
      }
      for (const [optionId, choiceId] of Object.entries(plan.options ?? {})) {
        const option = capabilities.trainingOptions.find((o) => o.id === optionId);
        const choice = option?.choices.find((c) => c.id === choiceId);
        if (!option || !choice) {
          problems.push({ field: 'options', key: optionId, message: `${label} has no ${optionId} "${choiceId}".` });
        } else if (!choice.support.supported) {
          problems.push({ field: 'options', key: optionId, message: `${choice.label}: ${choice.support.reason}` });
        } else if (optionId === 'adapter' && m?.adapters && !m.adapters.includes(choiceId as AdapterKind)) {
          problems.push({ field: 'options', key: optionId, message: `${label} cannot train ${m.label} with ${choice.label}; it offers ${m.adapters.join(', ')} for it.` });
        }
      }
      problems.push(...(hooks.extraProblems?.(plan, m) ?? []));
      return problems;
    },
    jobRequest(plan) {
      const hp: Record<string, number | string> = {};
      for (const [k, v] of Object.entries(plan.hyperparameters ?? {})) if (v !== 'auto') hp[k] = v;
      const section: Record<string, unknown> = {};
      if (Object.keys(hp).length > 0) section['hyperparameters'] = hp;
      if (plan.method === 'reinforcement' && plan.grader !== undefined) section['grader'] = plan.grader;
      const body: Record<string, unknown> = {
        model: plan.model,
        training_file: plan.trainingFile,
        ...(plan.validationFile ? { validation_file: plan.validationFile } : {}),
        method: { type: plan.method, [plan.method]: section },
        ...(plan.suffix ? { suffix: plan.suffix } : {}),
        ...(plan.seed !== undefined ? { seed: plan.seed } : {}),
        ...(hooks.extraFields?.(plan, model(plan.model)) ?? {}),
      };
      return body;
    },
    explainError(facts) {
      return hooks.explainError?.(facts);
    },
  };
  return provider;
}
