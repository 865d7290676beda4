/**
 * Evaluation through the Batch API (no `vscode`; shared by the extension and the CLI): one input file with a request
 * per example and model, one batch, then its output and error files turned into the same rows a live run writes.
 */
import { buildBatchInput, customId, parseBatchOutput, scoreReply, type ChatParams, type EvalExample, type EvalRow } from '../core/eval';
import type { Batch, BatchApi } from './batchClient';

export const TERMINAL: readonly Batch['status'][] = ['completed', 'failed', 'expired', 'cancelled'];

export function isTerminal(b: Batch): boolean {
  return TERMINAL.includes(b.status);
}

/** Uploads the input file and creates the batch. */
export async function submitBatch(
  api: BatchApi,
  examples: readonly EvalExample[],
  models: readonly string[],
  params: ChatParams,
  name: string,
  options: { deployment?: (model: string) => string; metadata?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Batch> {
  const input = buildBatchInput(examples, models, params, options.deployment, api.chatUrl);
  const fileId = await api.uploadInput(name, new TextEncoder().encode(input), options.signal);
  return api.create(fileId, options.metadata ?? {}, options.signal);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', on);
      resolve();
    }, ms);
    const on = () => {
      clearTimeout(t);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', on, { once: true });
  });
}

/** Polls until the batch reaches a final status; `onStatus` sees every poll. `signal` stops waiting (the batch runs on). */
export async function waitForBatch(
  api: BatchApi,
  id: string,
  options: { pollMs: number; signal?: AbortSignal; onStatus?: (b: Batch) => void },
): Promise<Batch> {
  for (;;) {
    const b = await api.retrieve(id, options.signal);
    options.onStatus?.(b);
    if (isTerminal(b)) return b;
    await sleep(options.pollMs, options.signal);
  }
}

/** The rows of a finished batch: replies from the output file, failures from the error file (or missing ones). */
export async function collectBatch(
  api: BatchApi,
  batch: Batch,
  examples: readonly EvalExample[],
  models: readonly string[],
  signal?: AbortSignal,
): Promise<EvalRow[]> {
  const outcomes = new Map<string, ReturnType<typeof parseBatchOutput>[number]>();
  for (const fileId of [batch.output_file_id, batch.error_file_id]) {
    if (!fileId) continue;
    for (const o of parseBatchOutput(await api.fileText(fileId, signal))) outcomes.set(o.customId, o);
  }
  const rows: EvalRow[] = [];
  models.forEach((model, mi) => {
    for (const ex of examples) {
      const o = outcomes.get(customId(mi, ex.line));
      const base = { type: 'result' as const, model, line: ex.line, example: ex.example, reference: ex.reference };
      if (!o || o.error !== undefined || o.reply === undefined) {
        rows.push({ ...base, reply: '', scores: { exact: 0, normalized: 0, f1: 0 }, error: o?.error ?? `no result (batch ${batch.status})` });
        continue;
      }
      rows.push({
        ...base,
        reply: o.reply,
        scores: scoreReply(o.reply, ex.reference),
        ...(o.usage ? { usage: o.usage } : {}),
        ...(o.finishReason ? { finishReason: o.finishReason } : {}),
      });
    }
  });
  return rows;
}
