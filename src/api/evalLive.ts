/**
 * The live evaluation loop (no `vscode`: the extension and the CLI share it). Every example is sent to every model
 * with at most `concurrency` requests in flight; each reply is scored against the reference and handed to `onRow` as
 * soon as it is in (the caller appends it to the results file). Retries are the chat function's business (the
 * extension's client retries 429/5xx with the server's retry-after). Cancelling (`signal`) stops starting new
 * requests and aborts those in flight.
 */
import * as path from 'node:path';
import { RESULTS_FORMAT, RESULTS_VERSION, scoreReply, type ChatParams, type EvalExample, type EvalHeader, type EvalRow, type RunStatus, type Usage } from '../core/eval';
import { CancelledError } from '../core/errors';
import type { ChatMessage, TunelineClient } from './types';

/** The request parameters every evaluation uses (deterministic replies). */
export const EVAL_PARAMS: ChatParams = { temperature: 0 };

const FATAL_KINDS = new Set(['auth', 'forbidden', 'quota', 'config', 'not-found']);

/** Failures that make every further request pointless (bad key, no access, no quota, unknown model). */
export function isFatalEvalError(e: unknown): boolean {
  return e instanceof Error && e.name === 'ApiError' && FATAL_KINDS.has((e as Error & { kind?: string }).kind ?? '');
}

/** Whether an error is a cancellation. */
export function isCancelError(e: unknown): boolean {
  return e instanceof CancelledError || (e instanceof Error && e.name === 'Canceled');
}

/** The chat function of a run: one non-streamed reply from the client. */
export function clientChat(client: TunelineClient, params: ChatParams = EVAL_PARAMS): ChatFn {
  return async (model, ex, signal) => {
    const r = await client.chat({ model, messages: ex.messages as unknown as ChatMessage[], temperature: params.temperature }, { signal });
    const choice = r.choices[0];
    return {
      text: choice?.message.content ?? '',
      ...(r.usage ? { usage: { prompt: r.usage.prompt_tokens, completion: r.usage.completion_tokens } } : {}),
      ...(choice?.finish_reason ? { finishReason: choice.finish_reason } : {}),
    };
  };
}

/** The header record of a results file. */
export function evalHeader(
  dataset: string,
  models: readonly string[],
  mode: 'live' | 'batch',
  examples: number,
  skipped: EvalHeader['skipped'],
  batchId?: string,
): EvalHeader {
  return {
    type: 'header',
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    dataset: path.basename(dataset),
    models: [...models],
    mode,
    ...(batchId ? { batchId } : {}),
    startedAt: new Date().toISOString(),
    examples,
    skipped,
    temperature: EVAL_PARAMS.temperature,
  };
}

export interface ChatReply {
  readonly text: string;
  readonly usage?: Usage;
  readonly finishReason?: string;
}

/** Sends one example's conversation to one model. Rejects when the request failed (after retries) or was cancelled. */
export type ChatFn = (model: string, example: EvalExample, signal: AbortSignal) => Promise<ChatReply>;

export interface LiveRunOptions {
  readonly examples: readonly EvalExample[];
  readonly models: readonly string[];
  readonly chat: ChatFn;
  readonly concurrency: number;
  readonly signal: AbortSignal;
  readonly onRow: (row: EvalRow) => void | Promise<void>;
  readonly onProgress?: (done: number, total: number) => void;
  /** True for failures that make every further request pointless (bad key, unknown model, no quota): the run stops. */
  readonly isFatal?: (error: unknown) => boolean;
  /** Whether an error is a cancellation. */
  readonly isCancel?: (error: unknown) => boolean;
  /** A message for a failed request (no key in it). */
  readonly describe?: (error: unknown) => string;
}

export interface LiveRunResult {
  readonly rows: EvalRow[];
  readonly status: RunStatus;
  /** Why the run failed. */
  readonly error?: unknown;
}

/** Every (model, example) pair, model-major within each example so two models progress together. */
function tasks(examples: readonly EvalExample[], models: readonly string[]): Array<{ model: string; example: EvalExample }> {
  const out: Array<{ model: string; example: EvalExample }> = [];
  for (const example of examples) for (const model of models) out.push({ model, example });
  return out;
}

export async function runLive(o: LiveRunOptions): Promise<LiveRunResult> {
  const all = tasks(o.examples, o.models);
  const rows: EvalRow[] = [];
  const inner = new AbortController();
  const onAbort = () => inner.abort();
  o.signal.addEventListener('abort', onAbort, { once: true });
  if (o.signal.aborted) inner.abort();
  let next = 0;
  let done = 0;
  let fatal: unknown;
  const describe = o.describe ?? ((e: unknown) => (e instanceof Error ? e.message : String(e)));
  const worker = async () => {
    while (!inner.signal.aborted) {
      const i = next++;
      const task = all[i];
      if (!task) return;
      const { model, example } = task;
      const base = { type: 'result', model, line: example.line, example: example.example, reference: example.reference } as const;
      let row: EvalRow;
      // One controller per request, tied to the run's: listeners on the run's signal stay at `concurrency`.
      const one = new AbortController();
      const stop = () => one.abort();
      inner.signal.addEventListener('abort', stop, { once: true });
      try {
        const r = await o.chat(model, example, one.signal);
        row = {
          ...base,
          reply: r.text,
          scores: scoreReply(r.text, example.reference),
          ...(r.usage ? { usage: r.usage } : {}),
          ...(r.finishReason ? { finishReason: r.finishReason } : {}),
        };
      } catch (e) {
        if (inner.signal.aborted || o.isCancel?.(e)) return;
        if (o.isFatal?.(e)) {
          fatal ??= e;
          inner.abort();
          return;
        }
        row = {
          ...base,
          reply: '',
          scores: { exact: 0, normalized: 0, f1: 0 },
          error: describe(e),
        };
      } finally {
        inner.signal.removeEventListener('abort', stop);
      }
      rows.push(row);
      await o.onRow(row);
      o.onProgress?.(++done, all.length);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(o.concurrency, all.length || 1)) }, worker));
  } finally {
    o.signal.removeEventListener('abort', onAbort);
  }
  if (fatal !== undefined) return { rows, status: 'failed', error: fatal };
  return { rows, status: o.signal.aborted ? 'cancelled' : 'completed' };
}
