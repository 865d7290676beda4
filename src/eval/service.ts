/**
 * Runs evaluations in the extension: live (bounded concurrency through the provider client, which retries 429/5xx)
 * or through the Batch API (large files, or when asked), with a cancellable progress notification, results appended
 * to `<dataset>.eval-<timestamp>.jsonl` as they come, and the results view filling in.
 *
 * Batch runs survive the window: the batch id, the results file and the dataset are kept in workspaceState until the
 * batch is collected; on activation `resumeBatches` (called lazily, after a delay, by the registration) polls them
 * again and writes the rows when the provider is done.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { batchRunStatus, collectBatch, isTerminal, submitBatch } from '../api/evalBatch';
import { clientChat, EVAL_PARAMS, evalHeader, isCancelError, isFatalEvalError, runLive, type ChatFn } from '../api/evalLive';
import { PROVIDER_LABELS } from '../api/endpoint';
import { modelRef, parseModelRef } from '../api/modelRef';
import { sleep } from '../api/sdkClient';
import type { Batch, ProviderKind, TunelineClient } from '../api/types';
import { extractExamples, summarize, type EvalExample, type EvalHeader, type EvalRow, type EvalSummary, type RunStatus } from '../core/eval';
import { ResultsWriter } from '../core/eval/writer';
import { parseModelId } from '../core';
import type { ProviderService } from '../connection/provider';
import { CancelledError, UserFacingError } from '../common/commands';
import { Disposable } from '../common/dispose';
import { retirementBadge, type Retirements } from '../connection/retirement';
import { describeError, type Logger } from '../common/logger';
import { readEvalSettings, readSettings } from '../common/settings';
import { EvalPanels } from './panel';

export const PENDING_KEY = 'tuneline.eval.pendingBatches';
export const DEFAULT_POLL_MS = 30_000;

export interface EvaluateOptions {
  readonly models: readonly string[];
  readonly file: vscode.Uri;
  /** true: Batch API; false: live; undefined: by the `tuneline.eval.batchThreshold` setting. */
  readonly batch?: boolean;
  readonly concurrency?: number;
  /** Batch status polling (ms). */
  readonly pollIntervalMs?: number;
  /** Open the results view (default true). */
  readonly show?: boolean;
}

export interface EvaluateResult {
  /** The results file (a path). */
  readonly file: string;
  readonly status: RunStatus | 'suspended';
  readonly mode: 'live' | 'batch';
  readonly batchId?: string;
  readonly rows: number;
  readonly summary?: EvalSummary;
}

/** A batch evaluation not collected yet (kept in workspaceState). */
export interface PendingBatch {
  readonly batchId: string;
  readonly resultsFile: string;
  readonly dataset: string;
  /** sha256 of the dataset text when the batch was submitted. */
  readonly datasetHash: string;
  readonly models: readonly string[];
  /** Where the batch was sent (the provider's base URL). */
  readonly baseURL: string;
  readonly submittedAt: string;
}


const sha = (text: string) => createHash('sha256').update(text).digest('hex');

export class EvalService extends Disposable {
  readonly panels: EvalPanels;
  /** Live runs and batch monitors in progress, by results file. */
  private readonly running = new Map<string, AbortController>();
  /** Batch monitors, by batch id (aborting one stops polling; the batch itself runs on). */
  private readonly monitors = new Map<string, AbortController>();

  constructor(
    extensionUri: vscode.Uri,
    private readonly log: Logger,
    private readonly provider: ProviderService,
    private readonly state: vscode.Memento,
    retirements?: Retirements,
  ) {
    super();
    const badge = retirements ? (m: string) => retirementBadge(retirements.viewRef(m, this.provider.currentEndpoint().provider)) : undefined;
    this.panels = this._register(new EvalPanels(extensionUri, log, (file) => this.cancel(file), badge));
    if (retirements) this._register(retirements.onDidChange(() => this.panels.refreshRetirement()));
    this._register({
      dispose: () => {
        for (const c of this.running.values()) c.abort();
        for (const c of this.monitors.values()) c.abort();
      },
    });
  }

  /** Cancels one run (by results file) or every run; returns how many. */
  cancel(resultsFile?: string): number {
    let n = 0;
    for (const [file, c] of this.running) {
      if (resultsFile === undefined || file === resultsFile) {
        c.abort();
        n++;
      }
    }
    return n;
  }

  /** The provider client (asks before a workspace-chosen host gets the key). */
  client(): Promise<TunelineClient> {
    return this.provider.getClient();
  }

  /**
   * Several providers (issue 16): the models each other configured provider lists (fine-tuned first), as `@provider/id`
   * references; a provider that cannot be reached is left out (logged).
   */
  async otherProviderModels(): Promise<Array<{ label: string; models: Array<{ id: string; ref: string }> }>> {
    const current = this.provider.currentProvider();
    const others = (await this.provider.configuredProviders()).filter((k) => k !== current);
    const lists = await Promise.all(
      others.map(async (kind) => {
        try {
          const listed = await (await this.provider.getClient({ provider: kind })).listModels({ maxRetries: 1 });
          const sorted = [...listed].sort((a, b) => Number(parseModelId(b.id).fineTuned) - Number(parseModelId(a.id).fineTuned) || a.id.localeCompare(b.id));
          return { label: PROVIDER_LABELS[kind], models: sorted.map((m) => ({ id: m.id, ref: modelRef(kind, m.id, current) })) };
        } catch (e) {
          this.log.warn(`Evaluation: could not list the models of ${PROVIDER_LABELS[kind]}: ${describeError(e)}`);
          return undefined;
        }
      }),
    );
    return lists.filter((l): l is NonNullable<typeof l> => !!l && l.models.length > 0);
  }

  pending(): PendingBatch[] {
    return this.state.get<PendingBatch[]>(PENDING_KEY, []);
  }

  private async setPending(list: PendingBatch[]): Promise<void> {
    await this.state.update(PENDING_KEY, list.length ? list : undefined);
  }

  /** Stops polling every batch without touching the batches or the saved state (what closing the window does). */
  suspendBatches(): number {
    const n = this.monitors.size;
    for (const c of this.monitors.values()) c.abort();
    this.monitors.clear();
    return n;
  }

  async evaluate(o: EvaluateOptions): Promise<EvaluateResult> {
    if (o.file.scheme !== 'file') throw new UserFacingError(vscode.l10n.t('Tuneline evaluates files on disk; {0} is not one.', o.file.toString(true)));
    const dataset = o.file.fsPath;
    let text: string;
    try {
      text = await fsp.readFile(dataset, 'utf8');
    } catch (e) {
      throw new UserFacingError(vscode.l10n.t('Cannot read {0}: {1}', path.basename(dataset), describeError(e)));
    }
    const { examples, skipped } = extractExamples(text);
    if (examples.length === 0) {
      throw new UserFacingError(vscode.l10n.t('{0} has no chat example to evaluate: each needs a user turn and an assistant turn to compare with.', path.basename(dataset)));
    }
    const models = [...new Set(o.models.map((m) => m.trim()).filter(Boolean))];
    if (models.length === 0) throw new UserFacingError(vscode.l10n.t('Pick at least one model to evaluate.'));
    const settings = readEvalSettings(o.file);
    const requests = examples.length * models.length;
    // Several providers (issue 16): a model may be `@provider/id`; each provider's models go through its own client.
    const current = this.provider.currentProvider();
    const kinds = [...new Set(models.map((m) => parseModelRef(m, current).provider))];
    const clients = new Map(await Promise.all(kinds.map(async (k) => [k, await this.provider.getClient(k === current ? {} : { provider: k })] as const)));
    const client = clients.get(kinds.length === 1 ? kinds[0]! : current) ?? clients.values().next().value!;
    // A service without a usable Batch API (the client says why): never offered; a threshold choice runs live.
    const acrossProviders = kinds.length > 1 || kinds[0] !== current ? vscode.l10n.t('The models are not all of the current provider, so the evaluation runs live (a batch goes to one provider).') : undefined;
    const noBatch = acrossProviders ?? (client.batchApi?.supported === false ? client.batchApi.reason : undefined);
    if (o.batch === true && noBatch) throw new UserFacingError(noBatch);
    const batch = !noBatch && (o.batch ?? (settings.batchThreshold > 0 && requests >= settings.batchThreshold));
    if (noBatch && o.batch === undefined && settings.batchThreshold > 0 && requests >= settings.batchThreshold) this.log.info(`Evaluation: ${noBatch}`);
    this.log.info(`Evaluation of ${path.basename(dataset)}: ${examples.length} examples × ${models.length} model(s) (${models.join(', ')}), ${batch ? 'Batch API' : `live, ${o.concurrency ?? settings.concurrency} at a time`}; ${skipped.length} line(s) skipped`);
    const header = (mode: 'live' | 'batch', batchId?: string) => evalHeader(dataset, models, mode, examples.length, skipped, batchId);
    if (!batch) return this.runLiveEval(acrossProviders ? routedChat(clients, current) : clientChat(client), dataset, examples, header('live'), o.concurrency ?? settings.concurrency, o.show ?? true);

    const api = client;
    const deployments = readSettings().azureDeployments;
    const submitted = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Evaluation: submitting {0} requests to the Batch API…', requests), cancellable: true },
      async (_p, token) => {
        const ac = new AbortController();
        token.onCancellationRequested(() => ac.abort());
        try {
          return await submitBatch(api, examples, models, EVAL_PARAMS, `${path.basename(dataset, path.extname(dataset))}.eval-batch.jsonl`, {
            deployment: client.endpoint.provider === 'azure' ? (m) => this.provider.deploymentFor(m) ?? deployments[m] ?? m : undefined,
            metadata: { tuneline: 'eval', dataset: path.basename(dataset).slice(0, 500) },
            signal: ac.signal,
          });
        } catch (e) {
          if (ac.signal.aborted) throw new CancelledError();
          throw new UserFacingError(vscode.l10n.t('Tuneline could not start the batch: {0}', this.log.redact(describeError(e))));
        }
      },
    );
    const writer = await ResultsWriter.create(dataset, header('batch', submitted.id));
    await writer.close();
    const pending: PendingBatch = {
      batchId: submitted.id,
      resultsFile: writer.file,
      dataset,
      datasetHash: sha(text),
      models,
      baseURL: client.endpoint.baseURL,
      submittedAt: new Date().toISOString(),
    };
    await this.setPending([...this.pending().filter((p) => p.batchId !== submitted.id), pending]);
    this.log.info(`Evaluation batch ${submitted.id} submitted (${requests} requests); results go to ${path.basename(writer.file)}`);
    return this.monitor(pending, api, o.pollIntervalMs ?? DEFAULT_POLL_MS, o.show ?? true, submitted);
  }

  /**
   * Polls every saved batch again (after a restart). Batches sent to another endpoint than the current one are left
   * alone. Resolves with what each monitor ended with.
   */
  async resumeBatches(pollIntervalMs = DEFAULT_POLL_MS): Promise<EvaluateResult[]> {
    const list = this.pending().filter((p) => !this.monitors.has(p.batchId));
    if (list.length === 0) return [];
    let client: TunelineClient;
    try {
      client = await this.provider.getClient();
    } catch (e) {
      this.log.warn(`Evaluation: ${list.length} batch(es) to resume, but no provider connection: ${describeError(e)}`);
      return [];
    }
    const api = client;
    const mine = list.filter((p) => p.baseURL === client.endpoint.baseURL);
    if (mine.length < list.length) this.log.info(`Evaluation: ${list.length - mine.length} batch(es) were sent to another endpoint; not resuming them now`);
    this.log.info(`Evaluation: resuming ${mine.length} batch(es): ${mine.map((p) => p.batchId).join(', ')}`);
    return Promise.all(mine.map((p) => this.monitor(p, api, pollIntervalMs, false)));
  }

  private async runLiveEval(chat: ChatFn, dataset: string, examples: EvalExample[], header: EvalHeader, concurrency: number, show: boolean): Promise<EvaluateResult> {
    const writer = await ResultsWriter.create(dataset, header);
    const ac = new AbortController();
    this.running.set(writer.file, ac);
    const rows: EvalRow[] = [];
    const total = examples.length * header.models.length;
    const snapshot = (state: 'running' | RunStatus, text: string) => ({ header, rows, models: summarize(header.models, rows), state, stateText: text });
    if (show) this.panels.show(writer.file, dataset, snapshot('running', vscode.l10n.t('Starting…')));
    let result: Awaited<ReturnType<typeof runLive>>;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Evaluating {0}', path.basename(dataset)), cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => ac.abort());
          let reported = 0;
          return runLive({
            examples,
            models: header.models,
            concurrency,
            signal: ac.signal,
            chat,
            onRow: async (row) => {
              rows.push(row);
              await writer.append(row);
            },
            onProgress: (done, all) => {
              const step = (100 * done) / all - reported;
              reported += step;
              progress.report({ increment: step, message: vscode.l10n.t('{0} of {1} replies', done, all) });
              this.panels.get(writer.file)?.update(snapshot('running', vscode.l10n.t('{0} of {1} replies', done, all)));
            },
            isFatal: isFatalEvalError,
            isCancel: isCancelError,
            describe: (e) => this.log.redact(describeError(e)),
          });
        },
      );
    } finally {
      this.running.delete(writer.file);
    }
    const models = summarize(header.models, rows);
    const message =
      result.status === 'failed'
        ? this.log.redact(describeError(result.error))
        : result.status === 'cancelled'
          ? vscode.l10n.t('Cancelled after {0} of {1} replies.', rows.length, total)
          : undefined;
    const summary: EvalSummary = { type: 'summary', status: result.status, finishedAt: new Date().toISOString(), models, ...(message ? { message } : {}) };
    await writer.finish(summary);
    this.log.info(`Evaluation ${result.status}: ${rows.length} of ${total} replies in ${path.basename(writer.file)}; ${models.map((m) => `${m.model}: exact ${fmt(m.means.exact)}, F1 ${fmt(m.means.f1)}`).join('; ')}`);
    const stateText = message ?? vscode.l10n.t('Completed: {0} replies.', rows.length);
    if (show || this.panels.get(writer.file)) this.panels.show(writer.file, dataset, { header, rows, models, state: result.status, stateText }, false);
    if (result.status === 'failed') {
      throw new UserFacingError(vscode.l10n.t('The evaluation stopped: {0} The replies so far are in {1}.', message ?? '', path.basename(writer.file)));
    }
    return { file: writer.file, status: result.status, mode: 'live', rows: rows.length, summary };
  }

  /** Polls a batch until it ends (or this window stops polling), then writes its rows and the summary. */
  private async monitor(p: PendingBatch, api: TunelineClient, pollMs: number, show: boolean, first?: Batch): Promise<EvaluateResult> {
    const ac = new AbortController();
    this.monitors.get(p.batchId)?.abort();
    this.monitors.set(p.batchId, ac);
    this.running.set(p.resultsFile, ac);
    let cancelRequested = false;
    const header = await readHeader(p.resultsFile);
    const snapshot = (state: 'waiting' | RunStatus, text: string, rows: EvalRow[] = []) => ({ header, rows, models: summarize(header.models, rows, true), state, stateText: text });
    const statusText = (b: Batch) =>
      vscode.l10n.t('Batch {0}: {1} ({2} of {3} requests done)', b.id, b.status, (b.request_counts?.completed ?? 0) + (b.request_counts?.failed ?? 0), b.request_counts?.total ?? 0);
    if (show) this.panels.show(p.resultsFile, p.dataset, snapshot('waiting', first ? statusText(first) : vscode.l10n.t('Waiting for batch {0}…', p.batchId)));
    try {
      const final = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Evaluating {0} with the Batch API', path.basename(p.dataset)), cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => {
            cancelRequested = true;
            void api.cancelBatch(p.batchId).then(
              () => this.log.info(`Evaluation batch ${p.batchId}: cancel requested`),
              (e: unknown) => this.log.warn(`Evaluation batch ${p.batchId}: cancel failed: ${describeError(e)}`),
            );
          });
          for (;;) {
            const b = await api.retrieveBatch(p.batchId, { signal: ac.signal });
            progress.report({ message: statusText(b) });
            this.panels.get(p.resultsFile)?.update(snapshot('waiting', statusText(b)));
            if (isTerminal(b)) return b;
            await sleep(pollMs, ac.signal);
          }
        },
      );
      // The batch ended: collect it, then forget it.
      const text = await fsp.readFile(p.dataset, 'utf8').catch(() => undefined);
      const writer = await ResultsWriter.reopen(p.resultsFile);
      let rows: EvalRow[] = [];
      let status: RunStatus = batchRunStatus(final);
      let message: string | undefined;
      if (text === undefined || sha(text) !== p.datasetHash) {
        status = 'failed';
        message = vscode.l10n.t('{0} changed (or is gone) since the batch was submitted, so its replies cannot be matched to the examples.', path.basename(p.dataset));
      } else {
        const { examples } = extractExamples(text);
        rows = await collectBatch(api, final, examples, p.models, ac.signal);
        for (const r of rows) await writer.append(r);
        if (final.status !== 'completed') message = vscode.l10n.t('Batch {0} ended {1}{2}.', final.id, final.status, final.errors?.data?.[0]?.message ? `: ${final.errors.data[0].message}` : '');
      }
      const models = summarize(p.models, rows, true);
      const summary: EvalSummary = { type: 'summary', status, finishedAt: new Date().toISOString(), models, ...(message ? { message } : {}) };
      await writer.finish(summary);
      await this.setPending(this.pending().filter((x) => x.batchId !== p.batchId));
      this.log.info(`Evaluation batch ${p.batchId} ${final.status}: ${rows.length} rows in ${path.basename(p.resultsFile)}`);
      this.panels.show(p.resultsFile, p.dataset, { header, rows, models, state: status, stateText: message ?? vscode.l10n.t('Completed: {0} replies from batch {1}.', rows.length, p.batchId) }, show);
      if (!show) {
        void vscode.window.showInformationMessage(vscode.l10n.t('The batch evaluation of {0} is done.', path.basename(p.dataset)));
      }
      return { file: p.resultsFile, status, mode: 'batch', batchId: p.batchId, rows: rows.length, summary };
    } catch (e) {
      if (ac.signal.aborted && !cancelRequested) {
        this.log.info(`Evaluation batch ${p.batchId}: no longer polled in this window (resumed on the next start)`);
        return { file: p.resultsFile, status: 'suspended', mode: 'batch', batchId: p.batchId, rows: 0 };
      }
      const status = (e as { status?: number }).status;
      if (status === 404) {
        await this.setPending(this.pending().filter((x) => x.batchId !== p.batchId));
        this.log.warn(`Evaluation batch ${p.batchId} is gone (404); forgetting it`);
      }
      throw new UserFacingError(vscode.l10n.t('Tuneline could not follow batch {0}: {1}', p.batchId, this.log.redact(describeError(e))));
    } finally {
      if (this.monitors.get(p.batchId) === ac) this.monitors.delete(p.batchId);
      if (this.running.get(p.resultsFile) === ac) this.running.delete(p.resultsFile);
    }
  }
}

async function readHeader(file: string): Promise<EvalHeader> {
  const text = await fsp.readFile(file, 'utf8');
  const first = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : undefined);
  return JSON.parse(first) as EvalHeader;
}

function fmt(n: number | undefined): string {
  return n === undefined ? '–' : n.toFixed(3);
}

/** The chat function of a run across providers: each model (`@provider/id` or a plain id) through its provider's client. */
function routedChat(clients: ReadonlyMap<ProviderKind, TunelineClient>, current: ProviderKind): ChatFn {
  const chats = new Map([...clients].map(([k, c]) => [k, clientChat(c)] as const));
  return (model, example, signal) => {
    const ref = parseModelRef(model, current);
    const chat = chats.get(ref.provider);
    if (!chat) throw new UserFacingError(vscode.l10n.t('Tuneline has no client for the provider of {0}.', model));
    return chat(ref.model, example, signal);
  };
}
