/**
 * The models the playground offers: Azure deployments (from `tuneline.azure.deployments`), the account's fine-tuned
 * models and the checkpoints of its recent jobs, other models the endpoint lists (any OpenAI-compatible server), and
 * the fine-tunable base models of the engine's catalogue. Any other id can be typed in.
 */
import { PROVIDER_LABELS } from '../api/endpoint';
import { modelRef } from '../api/modelRef';
import type { TunelineClient } from '../api/types';
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

type Add = (o: ModelOption) => void;

/**
 * The models one provider's client lists (fine-tuned, other listed models) and the checkpoints of its recent jobs;
 * `ref` turns a service id into the string the playground uses, `label` prefixes details (another provider's name).
 */
async function listFrom(client: TunelineClient, add: Add, ref: (id: string) => string, label: string, log: Logger, signal?: AbortSignal): Promise<void> {
  const d = (text: string | undefined) => (label ? (text ? `${label} · ${text}` : label) : text);
  const opt = (id: string, kind: ModelKind, detail?: string): ModelOption => {
    const text = d(detail);
    return { id: ref(id), kind, ...(text ? { detail: text } : {}) };
  };
  const listed = await client.listModels({ signal, maxRetries: 1 });
  const catalogue = new Set(MODELS.flatMap((m) => [m.id, ...m.aliases]));
  for (const m of listed) {
    const kind = kindOf(m.id);
    // the catalogue's base models are offered once, below (the current provider's); another provider lists its own
    if (kind === 'other' && catalogue.has(m.id) && !label) continue;
    const base = baseOf(m.id);
    add(opt(m.id, kind, kind === 'fine-tuned' && base ? `fine-tuned from ${base}` : kind === 'other' ? m.owned_by : undefined));
  }
  try {
    const jobs = await client.listJobs({ limit: 20 }, { signal, maxRetries: 1 });
    const done = jobs.data.filter((j) => j.status === 'succeeded').slice(0, CHECKPOINT_JOBS);
    for (const job of done) {
      if (job.fine_tuned_model) add(opt(job.fine_tuned_model, 'fine-tuned', `fine-tuned from ${job.model}`));
      const cps = await client.listJobCheckpoints(job.id, { limit: 10 }, { signal, maxRetries: 1 });
      for (const c of cps.data) add(opt(c.fine_tuned_model_checkpoint, 'checkpoint', `step ${c.step_number} of ${job.fine_tuned_model ?? job.id}`));
    }
  } catch (e) {
    // Endpoints without fine-tuning (plain OpenAI-compatible servers) have no jobs: the models are enough.
    log.debug(`Playground: no checkpoints listed: ${describeError(e)}`);
  }
}

/**
 * Every model the playground offers: the current provider's as before (plain ids), and, with several providers
 * configured (issue 16), each other provider's listed and fine-tuned models as `@provider/id`, labelled with the
 * provider's name. A provider that cannot be reached only loses its own entries (the error names it).
 */
export async function loadModelOptions(provider: ProviderService, log: Logger, signal?: AbortSignal): Promise<{ models: ModelOption[]; error?: string }> {
  const found = new Map<string, ModelOption>();
  const add = (o: ModelOption) => {
    const had = found.get(o.id);
    if (!had || KIND_ORDER[o.kind] < KIND_ORDER[had.kind]) found.set(o.id, o);
  };
  const settings = readSettings();
  const current = settings.provider;
  const configured = await provider.configuredProviders().catch(() => [current]);
  const kinds = [current, ...configured.filter((k) => k !== current)];
  if (kinds.includes('azure')) {
    const label = current === 'azure' ? '' : `${PROVIDER_LABELS.azure} · `;
    for (const [model, deployment] of Object.entries(settings.azureDeployments)) {
      add({ id: modelRef('azure', model, current), kind: 'deployment', detail: `${label}Azure deployment ${deployment}` });
    }
  }
  const errors: string[] = [];
  await Promise.all(
    kinds.map(async (kind) => {
      const other = kind !== current;
      try {
        const client = await provider.getClient(other ? { provider: kind, interactive: false } : {});
        await listFrom(client, add, (id) => modelRef(kind, id, current), other ? PROVIDER_LABELS[kind] : '', log, signal);
      } catch (e) {
        const error = describeError(e);
        errors.push(other ? `${PROVIDER_LABELS[kind]}: ${error}` : error);
        log.warn(`Playground: could not list the models${other ? ` of ${PROVIDER_LABELS[kind]}` : ''}: ${error}`);
      }
    }),
  );
  for (const m of MODELS) {
    if (m.legacy) continue;
    add({ id: m.id, kind: 'base', detail: m.deprecated ? 'base model (deprecated)' : 'base model' });
  }
  const models = [...found.values()].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || (a.kind === 'base' ? 0 : a.id.localeCompare(b.id)));
  return errors.length ? { models, error: errors.join(' ') } : { models };
}
