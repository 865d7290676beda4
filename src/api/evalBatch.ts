/**
 * Evaluation through the Batch API (no `vscode`; shared by the extension and the CLI): one input file with a request
 * per example and model, one batch, then its output and error files turned into the same rows a live run writes.
 */
import { buildBatchInput, customId, parseBatchOutput, scoreReply, type ChatParams, type EvalExample, type EvalRow } from '../core/eval';
import { sleep } from './sdkClient';
import type { Batch, TunelineClient } from './types';

export const TERMINAL: readonly Batch['status'][] = ['completed', 'failed', 'expired', 'cancelled'];

export function isTerminal(b: Batch): boolean {
  return TERMINAL.includes(b.status);
}

/** What a batch's final status means for the run. */
export function batchRunStatus(b: Batch): 'completed' | 'cancelled' | 'failed' {
  return b.status === 'completed' ? 'completed' : b.status === 'cancelled' ? 'cancelled' : 'failed';
}

/** Uploads the input file and creates the batch. */
export async function submitBatch(
  api: TunelineClient,
  examples: readonly EvalExample[],
  models: readonly string[],
  params: ChatParams,
  name: string,
  options: { deployment?: (model: string) => string; metadata?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Batch> {
  const input = buildBatchInput(examples, models, params, options.deployment, api.batchChatUrl);
  const req = options.signal ? { signal: options.signal } : {};
  const fileId = await api.uploadBatchInput(name, new TextEncoder().encode(input), req);
  return api.createBatch(fileId, options.metadata ?? {}, req);
}

/** Polls until the batch reaches a final status; `onStatus` sees every poll. `signal` stops waiting (the batch runs on). */
export async function waitForBatch(
  api: TunelineClient,
  id: string,
  options: { pollMs: number; signal?: AbortSignal; onStatus?: (b: Batch) => void },
): Promise<Batch> {
  for (;;) {
    const b = await api.retrieveBatch(id, options.signal ? { signal: options.signal } : {});
    options.onStatus?.(b);
    if (isTerminal(b)) return b;
    await sleep(options.pollMs, options.signal);
  }
}

/** The rows of a finished batch: replies from the output file, failures from the error file (or missing ones). */
export async function collectBatch(
  api: TunelineClient,
  batch: Batch,
  examples: readonly EvalExample[],
  models: readonly string[],
  signal?: AbortSignal,
): Promise<EvalRow[]> {
  const outcomes = new Map<string, ReturnType<typeof parseBatchOutput>[number]>();
  for (const fileId of [batch.output_file_id, batch.error_file_id]) {
    if (!fileId) continue;
    const bytes = await api.fileContent(fileId, signal ? { signal } : {});
    for (const o of parseBatchOutput(new TextDecoder('utf-8').decode(bytes))) outcomes.set(o.customId, o);
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
