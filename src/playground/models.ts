/**
 * The models the playground offers: Azure deployments (from `tuneline.azure.deployments`), the account's fine-tuned
 * models and the checkpoints of its recent jobs, other models the endpoint lists (any OpenAI-compatible server), and
 * the fine-tunable base models of the engine's catalogue. Any other id can be typed in.
 */
import { MODELS, parseModelId } from '../core';
import type { ProviderService } from '../connection/provider';
import { describeError, type Logger } from '../common/logger';
import { readSettings } from '../common/settings';
import type { ModelKind, ModelOption } from '../common/protocol/playground';

const KIND_ORDER: Readonly<Record<ModelKind, number>> = { deployment: 0, 'fine-tuned': 1, checkpoint: 2, other: 3, base: 4 };
/** Jobs whose checkpoints are listed. */
const CHECKPOINT_JOBS = 5;

export function kindOf(id: string): ModelKind {
  const parts = parseModelId(id);
  if (parts.checkpointStep !== undefined) return 'checkpoint';
  if (parts.fineTuned) return 'fine-tuned';
  return 'other';
}

/** Base model of a fine-tuned id (`ft:gpt-4o-mini-2024-07-18:org::abc` → `gpt-4o-mini-2024-07-18`). */
export function baseOf(id: string): string | undefined {
  const parts = parseModelId(id);
  return parts.fineTuned ? parts.base : undefined;
}

export async function loadModelOptions(provider: ProviderService, log: Logger, signal?: AbortSignal): Promise<{ models: ModelOption[]; error?: string }> {
  const found = new Map<string, ModelOption>();
  const add = (o: ModelOption) => {
    const had = found.get(o.id);
    if (!had || KIND_ORDER[o.kind] < KIND_ORDER[had.kind]) found.set(o.id, o);
  };
  const settings = readSettings();
  if (settings.provider === 'azure') {
    for (const [model, deployment] of Object.entries(settings.azureDeployments)) {
      add({ id: model, kind: 'deployment', detail: `Azure deployment ${deployment}` });
    }
  }
  let error: string | undefined;
  try {
    const client = await provider.getClient();
    const listed = await client.listModels({ signal, maxRetries: 1 });
    const catalogue = new Set(MODELS.flatMap((m) => [m.id, ...m.aliases]));
    for (const m of listed) {
      const kind = kindOf(m.id);
      if (kind === 'other' && catalogue.has(m.id)) continue;
      const base = baseOf(m.id);
      add({ id: m.id, kind, ...(kind === 'fine-tuned' && base ? { detail: `fine-tuned from ${base}` } : kind === 'other' ? { detail: m.owned_by } : {}) });
    }
    try {
      const jobs = await client.listJobs({ limit: 20 }, { signal, maxRetries: 1 });
      const done = jobs.data.filter((j) => j.status === 'succeeded').slice(0, CHECKPOINT_JOBS);
      for (const job of done) {
        if (job.fine_tuned_model) add({ id: job.fine_tuned_model, kind: 'fine-tuned', detail: `fine-tuned from ${job.model}` });
        const cps = await client.listJobCheckpoints(job.id, { limit: 10 }, { signal, maxRetries: 1 });
        for (const c of cps.data) add({ id: c.fine_tuned_model_checkpoint, kind: 'checkpoint', detail: `step ${c.step_number} of ${job.fine_tuned_model ?? job.id}` });
      }
    } catch (e) {
      // Endpoints without fine-tuning (plain OpenAI-compatible servers) have no jobs: the models are enough.
      log.debug(`Playground: no checkpoints listed: ${describeError(e)}`);
    }
  } catch (e) {
    error = describeError(e);
    log.warn(`Playground: could not list the models: ${error}`);
  }
  for (const m of MODELS) {
    if (m.legacy) continue;
    add({ id: m.id, kind: 'base', detail: m.deprecated ? 'base model (deprecated)' : 'base model' });
  }
  const models = [...found.values()].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.kind === 'base' ? 0 : a.id.localeCompare(b.id)));
  return error ? { models, error } : { models };
}
