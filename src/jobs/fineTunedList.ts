/**
 * The account's fine-tuned models as one list (issue 18), pure so unit tests run it in plain Node: every succeeded job
 * with a `fine_tuned_model` (all pages of `GET /fine_tuning/jobs`, not only this session's), plus the fine-tuned ids
 * the service's `GET /models` lists without a job Tuneline saw (a job listed no more). Checkpoints come per job
 * (`GET /fine_tuning/jobs/{id}/checkpoints`).
 *
 * Source: the OpenAI spec (shared/openai-openapi, openapi.json at f85dbe22, read 2026-12-03): `FineTuningJob`
 * (`fine_tuned_model`: "The name of the fine-tuned model that is being created. The value will be null if the
 * fine-tuning job is still running."; `model`: the base model; `training_file`, `hyperparameters`, `method`), the
 * jobs list `GET /fine_tuning/jobs` (cursor `after`, `has_more`), `Model.owned_by` ("The organization that owns the
 * model": the organisation for fine-tuned models, `system`/`openai` for base ones).
 */
import type { FineTuningJob, Model } from '../api/types';
import { parseModelId } from '../core/models';

export interface FineTunedEntry {
  /** The fine-tuned model id (what chats and evaluations ask for). */
  readonly id: string;
  readonly baseModel: string;
  /** Unix seconds: when the job finished (or the model was created). */
  readonly created: number;
  /** The job that made it, when the service still lists it. */
  readonly job?: FineTuningJob;
  /** Who owns it (`GET /models`), when listed there. */
  readonly ownedBy?: string;
}

/**
 * The account's fine-tuned models, newest first: one per fine-tuned id, from the jobs (succeeded, with a model) and
 * from the model list (ids the one model-id parser calls fine-tuned; not checkpoints).
 */
export function fineTunedModels(jobs: readonly FineTuningJob[], models: readonly Model[] = []): FineTunedEntry[] {
  const out = new Map<string, FineTunedEntry>();
  for (const job of jobs) {
    const id = job.fine_tuned_model;
    if (!id || job.status !== 'succeeded' || out.has(id)) continue;
    out.set(id, { id, baseModel: job.model, created: job.finished_at ?? job.created_at, job });
  }
  for (const m of models) {
    const parsed = parseModelId(m.id);
    if (parsed.checkpointStep !== undefined || m.id.startsWith('ftchkpt-')) continue;
    const known = out.get(m.id);
    if (known) {
      out.set(m.id, { ...known, ownedBy: m.owned_by });
      continue;
    }
    if (!parsed.fineTuned) continue;
    out.set(m.id, { id: m.id, baseModel: parsed.base, created: m.created, ownedBy: m.owned_by });
  }
  return [...out.values()].sort((a, b) => b.created - a.created || a.id.localeCompare(b.id));
}

/** The hyperparameters a job ran with (its method's, else the legacy top-level ones), as label → value rows. */
export function hyperparameterRows(job: FineTuningJob | undefined): Array<[string, string]> {
  if (!job) return [];
  const type = job.method?.type ?? 'supervised';
  const fromMethod = (job.method as Record<string, { hyperparameters?: Record<string, unknown> } | undefined> | undefined)?.[type]?.hyperparameters;
  const hp: Record<string, unknown> = { ...(job.hyperparameters ?? {}), ...(fromMethod ?? {}) };
  return Object.entries(hp)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]);
}

/** A fine-tuned id without the parts the row already shows: OpenAI's `ft:<base>:<org>:<suffix>:<id>` → `<suffix>:<id>`. */
export function shortModelName(id: string): string {
  const parts = id.split(':');
  if (id.startsWith('ft:') && parts.length >= 5) return parts.slice(3).filter(Boolean).join(':');
  return id;
}

