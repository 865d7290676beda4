/**
 * Pure: metrics points from a job's `metrics` events and from its result file (`step_metrics.csv`, sometimes served
 * base64-encoded), merged by step. No `vscode` import.
 */
import type { FineTuningJobCheckpoint, FineTuningJobEvent } from '../api/types';
import type { CheckpointMark, MetricsPoint } from '../common/protocol/metrics';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const num = (v: unknown): number | undefined => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
};

/** Field names the service uses, per point property (first found wins). */
const FIELDS: Record<Exclude<keyof MetricsPoint, 'step'>, readonly string[]> = {
  trainLoss: ['train_loss'],
  validLoss: ['valid_loss', 'full_valid_loss'],
  trainAccuracy: ['train_mean_token_accuracy', 'train_accuracy'],
  validAccuracy: ['valid_mean_token_accuracy', 'full_valid_mean_token_accuracy', 'valid_accuracy'],
};

type Fields = Readonly<Record<Exclude<keyof MetricsPoint, 'step'>, readonly string[]>>;

/**
 * The fields of each point from a provider's result-file column names (its adapter's `results.resultFile.columns`):
 * Azure writes `validation_mean_token_accuracy` where OpenAI writes `valid_mean_token_accuracy`. A column is
 * training or validation by its `train` / `valid` prefix and loss or accuracy by its name; the per-step columns come
 * before the `full_` ones (full validation runs less often). Tuneline's own names stay as the fallback.
 */
export function fieldsFromColumns(columns: readonly string[] | undefined): Fields {
  if (!columns?.length) return FIELDS;
  const out: Record<keyof Fields, string[]> = { trainLoss: [], validLoss: [], trainAccuracy: [], validAccuracy: [] };
  const cols = [...columns].map((c) => c.toLowerCase()).sort((a, b) => Number(a.startsWith('full_')) - Number(b.startsWith('full_')));
  for (const c of cols) {
    const bare = c.replace(/^full_/, '');
    const valid = /^valid/.test(bare);
    const train = /^train/.test(bare);
    if (!valid && !train) continue;
    if (/loss/.test(bare)) out[valid ? 'validLoss' : 'trainLoss'].push(c);
    else if (/accuracy/.test(bare)) out[valid ? 'validAccuracy' : 'trainAccuracy'].push(c);
  }
  for (const k of Object.keys(out) as Array<keyof Fields>) for (const n of FIELDS[k]) if (!out[k].includes(n)) out[k].push(n);
  return out;
}

function pointFrom(record: Record<string, unknown>, fields: Fields = FIELDS): MetricsPoint | undefined {
  const step = num(record['step']);
  if (step === undefined || step < 0) return undefined;
  const p: Mutable<MetricsPoint> = { step };
  for (const [key, names] of Object.entries(fields) as Array<[Exclude<keyof MetricsPoint, 'step'>, readonly string[]]>) {
    for (const n of names) {
      const v = num(record[n]);
      if (v !== undefined) {
        p[key] = v;
        break;
      }
    }
  }
  return p;
}

/** Points from `metrics` events (any order); the total steps if an event says. */
export function pointsFromEvents(events: readonly FineTuningJobEvent[]): { points: MetricsPoint[]; totalSteps?: number } {
  const points: MetricsPoint[] = [];
  let totalSteps: number | undefined;
  for (const e of events) {
    if (e.type !== 'metrics' || !e.data || typeof e.data !== 'object') continue;
    const d = e.data as Record<string, unknown>;
    const p = pointFrom(d);
    if (p) points.push(p);
    totalSteps ??= num(d['total_steps']);
  }
  return { points: mergePoints(points), ...(totalSteps !== undefined ? { totalSteps } : {}) };
}

/** The text of a result file: as is if it looks like CSV, else decoded from base64 (how the service serves it). */
export function decodeResultFile(bytes: Uint8Array): string {
  const text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, '');
  const compact = text.trim();
  if (/^[A-Za-z0-9+/=\r\n]+$/.test(compact) && !compact.includes(',') && compact.length % 4 === 0 && compact.length > 0) {
    try {
      const decoded = Buffer.from(compact.replace(/\s+/g, ''), 'base64').toString('utf8');
      if (/^\uFEFF?step\b/i.test(decoded) || decoded.includes(',')) return decoded.replace(/^\uFEFF/, '');
    } catch {
      /* not base64 after all */
    }
  }
  return text;
}

/**
 * Points from a result CSV (`step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy`, blanks allowed);
 * `columns`: the provider's column names (see `fieldsFromColumns`).
 */
export function pointsFromCsv(csv: string, columns?: readonly string[]): MetricsPoint[] {
  const fields = fieldsFromColumns(columns);
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (!lines.length) return [];
  const header = lines[0]!.split(',').map((h) => h.trim().toLowerCase());
  if (!header.includes('step')) return [];
  const points: MetricsPoint[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    const record: Record<string, unknown> = {};
    header.forEach((h, i) => {
      record[h] = cells[i]?.trim();
    });
    const p = pointFrom(record, fields);
    if (p) points.push(p);
  }
  return mergePoints(points);
}

/** One point per step, sorted; a later list's values win over an earlier one's for the same step. */
export function mergePoints(...lists: ReadonlyArray<readonly MetricsPoint[]>): MetricsPoint[] {
  const byStep = new Map<number, MetricsPoint>();
  for (const list of lists) for (const p of list) byStep.set(p.step, { ...byStep.get(p.step), ...p });
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

export function checkpointMarks(checkpoints: readonly FineTuningJobCheckpoint[]): CheckpointMark[] {
  return checkpoints
    .map((c) => ({ step: c.step_number, id: c.id, model: c.fine_tuned_model_checkpoint }))
    .sort((a, b) => a.step - b.step);
}
