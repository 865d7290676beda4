/**
 * The comparison view (issue 18): one webview panel per (baseline, new run) pair, showing the two models side by
 * side (`compare.ts` builds the view; the page is src/webview/compare/). Strict CSP, fresh nonce, typed protocol
 * with a ready handshake (src/common/webview.ts, src/common/protocol/compare.ts); all text reaches the page as data.
 */
import * as vscode from 'vscode';
import { Disposable } from '../common/dispose';
import { describeError, type Logger } from '../common/logger';
import { PanelMap } from '../common/panels';
import { isCompareToHost, type CompareToHost, type CompareView, type HostToCompare } from '../common/protocol/compare';
import { renderWebviewHtml, WebviewChannel, webviewPanelOptions } from '../common/webview';

export const COMPARE_VIEW_TYPE = 'tuneline.compare';

export class ComparePanels extends Disposable {
  private readonly panels = this._register(new PanelMap<ComparePanel>());

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Logger,
  ) {
    super();
  }

  show(files: { baseline: string; candidate: string }, view: CompareView): ComparePanel {
    const key = `${files.baseline}\u0000${files.candidate}`;
    const p = this.panels.open(key, (onDisposed) => new ComparePanel(files, view.title, this.extensionUri, this.log, onDisposed), true);
    p.update(view);
    return p;
  }

  all(): ComparePanel[] {
    return this.panels.values();
  }
}

export class ComparePanel extends Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly channel: WebviewChannel<CompareToHost, HostToCompare>;
  /** The last view sent to the page (tests). */
  lastView: CompareView | undefined;

  constructor(
    readonly files: { readonly baseline: string; readonly candidate: string },
    title: string,
    extensionUri: vscode.Uri,
    private readonly log: Logger,
    private readonly onDisposed: () => void,
  ) {
    super();
    const t = vscode.l10n.t('Compare: {0}', title);
    this.panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, t, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, webviewPanelOptions(extensionUri));
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'tuneline.svg');
    this.channel = this._register(new WebviewChannel<CompareToHost, HostToCompare>(this.panel.webview, { isMessage: isCompareToHost, latestOnly: ['comparison'], log, name: 'Comparison' }));
    this._register(this.channel.onReady(() => this.send()));
    this._register(this.channel.onMessage((m) => void this.handle(m)));
    this._register(
      this.panel.onDidChangeViewState((e) => {
        if (!e.webviewPanel.visible) this.channel.reset();
      }),
    );
    this._register(this.panel.onDidDispose(() => this.dispose()));
    this.panel.webview.html = renderWebviewHtml(this.panel.webview, extensionUri, { name: 'compare', title: t, loadingText: vscode.l10n.t('Loading the comparison…') });
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  update(view: CompareView): void {
    this.lastView = view;
    this.send();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    this.panel.dispose();
    this.onDisposed();
  }

  private send(): void {
    if (this.lastView && !this.isDisposed) this.channel.post({ type: 'comparison', view: this.lastView });
  }

  private async handle(m: CompareToHost): Promise<void> {
    try {
      if (m.type === 'openResults') {
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(m.side === 'baseline' ? this.files.baseline : this.files.candidate));
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
      }
    } catch (e) {
      this.log.error(`Comparison view: ${m.type} failed`, e);
      void vscode.window.showErrorMessage(describeError(e));
    }
  }
}
