/**
 * The metrics panels (`tuneline.jobs.showMetrics`): one webview per job, with train and valid loss and token accuracy
 * against step, from the job's `metrics` events (all pages, then new ones as the model sees them) and, once the job
 * is done, its result file; checkpoints are marked. Live while the job runs: the panel pins the job in the model, so
 * it is polled even with the jobs view hidden.
 */
import * as vscode from 'vscode';
import type { FineTuningJob, FineTuningJobCheckpoint, FineTuningJobEvent, TunelineClient } from '../api/types';
import { CancelledError } from '../common/commands';
import { Disposable } from '../common/dispose';
import { PanelMap } from '../common/panels';
import { describeError, type Logger } from '../common/logger';
import { isMetricsToHost, type HostToMetrics, type MetricsPoint, type MetricsToHost, type MetricsView } from '../common/protocol/metrics';
import { renderWebviewHtml, WebviewChannel, webviewPanelOptions } from '../common/webview';
import { checkpointMarks, decodeResultFile, mergePoints, pointsFromCsv, pointsFromEvents } from './metrics';
import type { JobsModel } from './model';
import { isActive, isFinal, jobSuffix, statusLook } from './status';

export const METRICS_VIEW_TYPE = 'tuneline.jobMetrics';
/** Pages of events read when a panel opens (100 events each). */
const MAX_EVENT_PAGES = 50;

export class MetricsPanels extends Disposable {
  private readonly panels = this._register(new PanelMap<MetricsPanel>());

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly model: JobsModel,
    private readonly log: Logger,
    /** Several providers (issue 16): the model holding a job of another provider. */
    private readonly modelOf?: (jobId: string) => JobsModel | undefined,
  ) {
    super();
  }

  show(jobId: string): MetricsPanel {
    return this.panels.open(jobId, (onDisposed) => new MetricsPanel(jobId, this.extensionUri, this.modelOf?.(jobId) ?? this.model, this.log, onDisposed));
  }

  get(jobId: string): MetricsPanel | undefined {
    return this.panels.get(jobId);
  }
}

export class MetricsPanel extends Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly channel: WebviewChannel<MetricsToHost, HostToMetrics>;
  private job: FineTuningJob | undefined;
  private events = new Map<string, FineTuningJobEvent>();
  private newestEventId: string | undefined;
  private checkpoints: FineTuningJobCheckpoint[] = [];
  private csvPoints: MetricsPoint[] | undefined;
  private csvFileId: string | undefined;
  private updating: Promise<void> | undefined;
  private again = false;
  private lastView: MetricsView | undefined;
  private readonly abort = new AbortController();
  private readonly updatedEmitter = this._register(new vscode.EventEmitter<MetricsView>());
  /** Tests: fires with every view sent to the page. */
  readonly onDidUpdate = this.updatedEmitter.event;

  constructor(
    readonly jobId: string,
    extensionUri: vscode.Uri,
    private readonly model: JobsModel,
    private readonly log: Logger,
    private readonly onDisposed: () => void,
  ) {
    super();
    this.panel = vscode.window.createWebviewPanel(METRICS_VIEW_TYPE, `Metrics: ${jobId}`, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, webviewPanelOptions(extensionUri));
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'tuneline.svg');
    this.channel = this._register(
      new WebviewChannel<MetricsToHost, HostToMetrics>(this.panel.webview, { isMessage: isMetricsToHost, latestOnly: ['metrics'], log, name: 'Metrics' }),
    );
    this._register(this.channel.onReady(() => this.send()));
    this._register(this.channel.onMessage((m) => void this.handle(m)));
    this._register(this.panel.onDidChangeViewState((e) => !e.webviewPanel.visible && this.channel.reset()));
    this._register(this.panel.onDidDispose(() => this.dispose()));
    this._register(
      model.onDidChange((entry) => {
        const known = model.get(jobId);
        if (entry && entry.job.id !== jobId) return;
        if (!known) return;
        // the model saw something about this job (a poll, an action): catch up when it is news
        const newest = known.events?.items[0]?.id;
        if (known.job.status !== this.job?.status || (newest && newest !== this.newestEventId) || JSON.stringify(known.job.result_files) !== JSON.stringify(this.job?.result_files)) {
          this.scheduleUpdate(known.job);
        }
      }),
    );
    this._register(model.pin(jobId));
    this._register({ dispose: () => this.abort.abort() });
    this.panel.webview.html = renderWebviewHtml(this.panel.webview, extensionUri, { name: 'metrics', title: `Metrics: ${jobId}`, loadingText: 'Loading metrics…', data: { job: jobId } });
    this.scheduleUpdate(model.get(jobId)?.job);
  }

  /** The last view sent to the page (tests). */
  get view(): MetricsView | undefined {
    return this.lastView;
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    this.panel.dispose();
    this.onDisposed();
  }

  /** Fetches what is new (serially: a request arriving meanwhile runs once more afterwards). */
  scheduleUpdate(job?: FineTuningJob): Promise<void> {
    if (job) this.job = job;
    if (this.updating) {
      this.again = true;
      return this.updating;
    }
    this.updating = (async () => {
      do {
        this.again = false;
        try {
          await this.update();
        } catch (e) {
          if (e instanceof CancelledError || this.isDisposed) return;
          this.log.warn(`Metrics of ${this.jobId}: ${describeError(e)}`);
          this.channel.post({ type: 'error', message: describeError(e) });
        }
      } while (this.again && !this.isDisposed);
    })().finally(() => {
      this.updating = undefined;
    });
    return this.updating;
  }

  private async update(): Promise<void> {
    const client = await this.model.getClient();
    // one controller per update (the SDK adds a listener per request), aborted with the panel
    const controller = new AbortController();
    const abort = () => controller.abort();
    this.abort.signal.addEventListener('abort', abort, { once: true });
    try {
      await this.fetchNew(client, controller.signal);
    } finally {
      this.abort.signal.removeEventListener('abort', abort);
    }
  }

  private async fetchNew(client: TunelineClient, signal: AbortSignal): Promise<void> {
    if (!this.job || !isFinal(this.job.status) || !this.lastView) {
      this.job = await client.retrieveJob(this.jobId, { signal });
    }
    const job = this.job;
    // events newest first: page until one we already have
    let after: string | undefined;
    let fresh = 0;
    for (let i = 0; i < MAX_EVENT_PAGES; i++) {
      const page = await client.listJobEvents(this.jobId, { limit: 100, ...(after ? { after } : {}) }, { signal });
      let reachedKnown = false;
      for (const e of page.data) {
        if (this.events.has(e.id)) {
          reachedKnown = true;
          break;
        }
        this.events.set(e.id, e);
        fresh++;
      }
      if (i === 0 && page.data[0]) this.newestEventId = page.data[0].id;
      if (reachedKnown || !page.hasMore || !page.nextAfter) break;
      after = page.nextAfter;
    }
    if (fresh || !this.lastView || isActive(job.status)) {
      const all: FineTuningJobCheckpoint[] = [];
      let cafter: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await client.listJobCheckpoints(this.jobId, { limit: 100, ...(cafter ? { after: cafter } : {}) }, { signal });
        all.push(...page.data);
        if (!page.hasMore || !page.nextAfter) break;
        cafter = page.nextAfter;
      }
      this.checkpoints = all;
    }
    const resultFile = job.status === 'succeeded' ? job.result_files?.[0] : undefined;
    if (resultFile && this.csvFileId !== resultFile) {
      try {
        this.csvPoints = pointsFromCsv(decodeResultFile(await client.fileContent(resultFile, { signal })), this.model.adapter().capabilities.results.resultFile.columns);
        this.csvFileId = resultFile;
      } catch (e) {
        if (e instanceof CancelledError) throw e;
        this.log.warn(`Metrics of ${this.jobId}: the result file ${resultFile} could not be read: ${describeError(e)}`);
        this.csvFileId = resultFile;
      }
    }
    this.send();
  }

  private buildView(): MetricsView | undefined {
    const job = this.job;
    if (!job) return undefined;
    const fromEvents = pointsFromEvents([...this.events.values()]);
    const csv = this.csvPoints ?? [];
    const points = mergePoints(fromEvents.points, csv);
    const suffix = jobSuffix(job);
    return {
      jobId: job.id,
      title: `${suffix ? `${suffix} · ` : ''}${job.model}`,
      status: job.status,
      statusLabel: statusLook(job.status).label,
      points,
      checkpoints: checkpointMarks(this.checkpoints),
      ...(fromEvents.totalSteps !== undefined ? { totalSteps: fromEvents.totalSteps } : {}),
      source: csv.length ? 'result-file' : fromEvents.points.length ? 'events' : 'none',
      live: isActive(job.status),
    };
  }

  private send(): void {
    const view = this.buildView();
    if (!view) return;
    this.lastView = view;
    this.channel.post({ type: 'metrics', view });
    this.updatedEmitter.fire(view);
  }

  private async handle(m: MetricsToHost): Promise<void> {
    if (m.type === 'refresh') {
      await this.scheduleUpdate();
    } else if (m.type === 'copyCheckpoint') {
      const c = this.checkpoints.find((x) => x.step_number === m.step);
      if (c) {
        await vscode.env.clipboard.writeText(c.fine_tuned_model_checkpoint);
        void vscode.window.showInformationMessage(`Copied ${c.fine_tuned_model_checkpoint}`);
      }
    }
  }
}
