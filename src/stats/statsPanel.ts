import * as path from 'node:path';
import * as vscode from 'vscode';
import { countTokensInWorkers, DatasetIndex, splitLines, type DatasetStats } from '../core';
import { Disposable } from '../common/dispose';
import { PanelMap } from '../common/panels';
import { describeError, type Logger } from '../common/logger';
import { isStatsToHost, MAX_LISTED_EXAMPLES, type ChartId, type HostToStats, type StatsToHost } from '../common/protocol/stats';
import { onDidChangeSettings, readSettings } from '../common/settings';
import { renderWebviewHtml, WebviewChannel, webviewPanelOptions } from '../common/webview';
import type { DocumentModels } from '../documents';
import { examplesInBin, exampleItem, toStatsView } from './model';

export const STATS_VIEW_TYPE = 'tuneline.datasetStats';

/** How long the view waits after the last edit before it recomputes. */
const UPDATE_DELAY_MS = 400;

/**
 * The statistics views: at most one panel per document (showing it again reveals the panel). A document Tuneline
 * checks is read from its per-document model (the index the diagnostics keep up to date, `DocumentModels`), and the
 * panel refreshes when that model is published; any other file (from the Explorer) is indexed here, following its
 * edits (debounced). Both follow the Tuneline settings.
 */
export class StatsPanels extends Disposable {
  private readonly panels = this._register(new PanelMap<StatsPanel>());

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Logger,
    private readonly documents: DocumentModels,
  ) {
    super();
    this._register(documents.onDidUpdate((t) => this.panels.get(t.uri.toString())?.scheduleUpdate(0)));
    this._register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        // Big files are re-read less eagerly: every update re-indexes the whole document.
        if (e.contentChanges.length && !documents.get(e.document)) {
          this.panels.get(e.document.uri.toString())?.scheduleUpdate(e.document.lineCount > 20_000 ? 4 * UPDATE_DELAY_MS : UPDATE_DELAY_MS);
        }
      }),
    );
    this._register(onDidChangeSettings(() => this.panels.values().forEach((p) => p.scheduleUpdate())));
  }

  /** Opens (or reveals) the statistics of `uri`. */
  show(uri: vscode.Uri): StatsPanel {
    return this.panels.open(uri.toString(), (onDisposed) => new StatsPanel(uri, this.extensionUri, this.log, this.documents, onDisposed));
  }

  /** The panel of `uri`, if open. */
  get(uri: vscode.Uri): StatsPanel | undefined {
    return this.panels.get(uri.toString());
  }

  /** The panel the user looks at, if any. */
  get active(): StatsPanel | undefined {
    for (const p of this.panels.values()) if (p.isActive) return p;
    return undefined;
  }
}

interface Snapshot {
  readonly stats: DatasetStats;
  /** The document's lines the stats were computed from (for snippets). */
  readonly lines: readonly string[];
}

/** One statistics webview, bound to one document. */
export class StatsPanel extends Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly channel: WebviewChannel<StatsToHost, HostToStats>;
  private snapshot: Snapshot | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private generation = 0;
  private exactCount: AbortController | undefined;

  constructor(
    readonly uri: vscode.Uri,
    extensionUri: vscode.Uri,
    private readonly log: Logger,
    private readonly documents: DocumentModels,
    private readonly onDisposed: () => void,
  ) {
    super();
    const name = path.posix.basename(uri.path);
    this.panel = vscode.window.createWebviewPanel(
      STATS_VIEW_TYPE,
      vscode.l10n.t('Statistics: {0}', name),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
      webviewPanelOptions(extensionUri),
    );
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'tuneline.svg');
    this.channel = this._register(
      new WebviewChannel<StatsToHost, HostToStats>(this.panel.webview, {
        isMessage: isStatsToHost,
        latestOnly: ['stats'],
        log,
        name: 'Statistics',
      }),
    );
    this._register(this.channel.onReady(() => this.sendStats()));
    this._register(this.channel.onMessage((m) => void this.handle(m)));
    this._register(
      this.panel.onDidChangeViewState((e) => {
        // Hidden webviews are not retained: the page is unloaded and says `ready` again when shown.
        if (!e.webviewPanel.visible) this.channel.reset();
      }),
    );
    this._register(this.panel.onDidDispose(() => this.dispose()));
    this._register({
      dispose: () => {
        if (this.timer) clearTimeout(this.timer);
        this.exactCount?.abort();
      },
    });
    this.panel.webview.html = renderWebviewHtml(this.panel.webview, extensionUri, {
      name: 'stats',
      title: vscode.l10n.t('Statistics: {0}', name),
      loadingText: vscode.l10n.t('Computing statistics…'),
    });
    this.scheduleUpdate(0);
  }

  get isActive(): boolean {
    return this.panel.active;
  }

  /** The statistics last sent to the page (for tests and the status bar). */
  get stats(): DatasetStats | undefined {
    return this.snapshot?.stats;
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  scheduleUpdate(delay = UPDATE_DELAY_MS): void {
    if (this.isDisposed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.update();
    }, delay);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    this.panel.dispose();
    this.onDisposed();
  }

  private async update(): Promise<void> {
    const generation = ++this.generation;
    this.exactCount?.abort();
    this.exactCount = undefined;
    let doc: vscode.TextDocument;
    try {
      doc = await vscode.workspace.openTextDocument(this.uri);
    } catch (e) {
      this.log.warn(`Statistics: cannot open ${this.uri.toString(true)}: ${describeError(e)}`);
      this.channel.post({ type: 'error', message: vscode.l10n.t('Cannot read {0}: {1}', this.uri.toString(true), describeError(e)) });
      return;
    }
    if (generation !== this.generation || this.isDisposed) return;
    const tracked = this.documents.get(doc);
    if (tracked) {
      // The per-document model: the same index the diagnostics, status bar and Dataset view read (its exact token
      // counts arrive through it too: the panel refreshes on each publish).
      this.snapshot = { stats: tracked.index.stats(), lines: tracked.lines(0, doc.lineCount) };
      this.sendStats();
      return;
    }
    const settings = readSettings(this.uri);
    const lines = splitLines(doc.getText());
    const index = new DatasetIndex({ method: settings.method, model: settings.model });
    index.setLines(0, 0, lines);
    this.snapshot = { stats: index.stats(), lines };
    this.sendStats();
    if (!this.snapshot.stats.tokensExact && this.snapshot.stats.examples > 0) {
      // Exact counts on worker threads; the estimate is shown until they arrive (or the document changes).
      const abort = new AbortController();
      this.exactCount = abort;
      countTokensInWorkers(lines, { model: settings.model, signal: abort.signal, workers: lines.length > 20_000 ? 2 : 1 }).then(
        (r) => {
          if (generation !== this.generation || this.isDisposed) return;
          if (index.setExactTokens(index.version, r.perLine, r.tokenizer.exact)) {
            this.snapshot = { stats: index.stats(), lines };
            this.sendStats();
          }
        },
        (e: unknown) => {
          if (!abort.signal.aborted) this.log.warn(`Statistics: exact token counts failed: ${describeError(e)}`);
        },
      );
    }
  }

  private sendStats(): void {
    if (!this.snapshot) return;
    this.channel.post({ type: 'stats', stats: toStatsView(this.snapshot.stats, path.posix.basename(this.uri.path)) });
  }

  private async handle(m: StatsToHost): Promise<void> {
    try {
      if (m.type === 'selectBin') this.sendExamples(m.chart, m.bin);
      else if (m.type === 'openLine') await this.openLine(m.line);
    } catch (e) {
      this.log.error(`Statistics: ${m.type} failed`, e);
      void vscode.window.showErrorMessage(describeError(e));
    }
  }

  private sendExamples(chart: ChartId, bin: number): void {
    const snap = this.snapshot;
    if (!snap) return;
    const found = examplesInBin(snap.stats, chart, bin);
    if (!found) return;
    const items = found.indexes
      .slice(0, MAX_LISTED_EXAMPLES)
      .map((i) => exampleItem(snap.stats, i, snap.lines[snap.stats.exampleLines[i]!] ?? ''));
    this.channel.post({
      type: 'examples',
      chart,
      bin,
      version: snap.stats.version,
      from: found.from,
      to: found.to,
      total: found.indexes.length,
      items,
    });
  }

  private async openLine(line: number): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(this.uri);
    const target = Math.min(line, doc.lineCount - 1);
    const range = doc.lineAt(target).range;
    const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === this.uri.toString());
    const column =
      shown?.viewColumn ?? (this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One);
    const editor = await vscode.window.showTextDocument(doc, {
      viewColumn: column,
      selection: new vscode.Selection(range.start, range.end),
      preserveFocus: false,
    });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }
}
