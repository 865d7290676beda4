/**
 * Records one model's replies on a set of examples into a baseline file (`baseline.ts`): the evaluation engine's
 * live loop (`src/api/evalLive.ts`: bounded concurrency, retries in the client, fatal errors stop the run), its
 * scorers and its results writer (`src/core/eval/`), with a cancellable progress notification. Used by "Keep a
 * Baseline" (the validation file's examples) and by the comparison (the baseline's own prompts).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { clientChat, evalHeader, isCancelError, isFatalEvalError, runLive } from '../api/evalLive';
import type { ProviderId } from '../api/providers';
import type { TunelineClient } from '../api/types';
import { summarize, type EvalExample, type EvalSummary, type RunStatus, type SkippedLine } from '../core/eval';
import { ResultsWriter } from '../core/eval/writer';
import { UserFacingError } from '../common/commands';
import { describeError, type Logger } from '../common/logger';
import { readEvalSettings } from '../common/settings';
import { modelSlug, withPrompt, type BaselineHeader, type BaselineInfo } from './baseline';

export interface RecordRequest {
  readonly client: TunelineClient;
  readonly provider: ProviderId;
  readonly model: string;
  readonly baseModel?: string;
  readonly examples: readonly EvalExample[];
  readonly skipped: readonly SkippedLine[];
  /** The validation file (workspace-relative) and its sha256. */
  readonly validationFile: string;
  readonly validationSha256: string;
  readonly temperature: number;
  /** The folder the file goes to (created when missing). */
  readonly dir: string;
  readonly comparedWith?: string;
  readonly title: string;
}

export interface RecordResult {
  readonly file: string;
  readonly status: RunStatus;
  readonly rows: number;
  readonly summary: EvalSummary;
}

export async function recordRun(r: RecordRequest, log: Logger): Promise<RecordResult> {
  await fsp.mkdir(r.dir, { recursive: true });
  const when = new Date();
  const info: BaselineInfo = {
    provider: r.provider,
    model: r.model,
    ...(r.baseModel ? { baseModel: r.baseModel } : {}),
    recordedAt: when.toISOString(),
    settings: { temperature: r.temperature },
    validationFile: r.validationFile,
    validationSha256: r.validationSha256,
    ...(r.comparedWith ? { comparedWith: r.comparedWith } : {}),
  };
  const header: BaselineHeader = { ...evalHeader(r.validationFile, [r.model], 'live', r.examples.length, r.skipped), temperature: r.temperature, baseline: info };
  // `<dir>/<model>.eval-<date>.jsonl`: the writer never overwrites a file (it numbers the name instead).
  const writer = await ResultsWriter.create(path.join(r.dir, `${modelSlug(r.model)}.jsonl`), header, when);
  const byLine = new Map(r.examples.map((e) => [e.line, e]));
  const rows: Parameters<typeof summarize>[1][number][] = [];
  const total = r.examples.length;
  log.info(`${r.title}: ${total} example(s) to ${r.model} (${r.provider}, temperature ${r.temperature}) → ${writer.file}`);
  let result: Awaited<ReturnType<typeof runLive>>;
  try {
    result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: r.title, cancellable: true }, async (progress, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      let reported = 0;
      return runLive({
        examples: r.examples,
        models: [r.model],
        concurrency: readEvalSettings().concurrency,
        signal: ac.signal,
        chat: clientChat(r.client, { temperature: r.temperature }),
        onRow: async (row) => {
          rows.push(row);
          const ex = byLine.get(row.line);
          await writer.append(ex ? withPrompt(row, ex) : row);
        },
        onProgress: (done, all) => {
          const pct = (100 * done) / all;
          progress.report({ increment: pct - reported, message: vscode.l10n.t('{0} of {1} replies', done, all) });
          reported = pct;
        },
        isFatal: isFatalEvalError,
        isCancel: isCancelError,
        describe: (e) => log.redact(describeError(e)),
      });
    });
  } catch (e) {
    await writer.close();
    throw e;
  }
  const message =
    result.status === 'failed' ? log.redact(describeError(result.error)) : result.status === 'cancelled' ? vscode.l10n.t('Cancelled after {0} of {1} replies.', rows.length, total) : undefined;
  const summary: EvalSummary = { type: 'summary', status: result.status, finishedAt: new Date().toISOString(), models: summarize([r.model], rows), ...(message ? { message } : {}) };
  await writer.finish(summary);
  const m = summary.models[0];
  log.info(`${r.title} ${result.status}: ${rows.length} of ${total} replies; exact ${m?.means.exact?.toFixed(3) ?? '–'}, F1 ${m?.means.f1?.toFixed(3) ?? '–'}`);
  if (result.status === 'failed') throw new UserFacingError(vscode.l10n.t('{0} stopped: {1} The replies so far are in {2}.', r.title, message ?? '', path.basename(writer.file)));
  return { file: writer.file, status: result.status, rows: rows.length, summary };
}
