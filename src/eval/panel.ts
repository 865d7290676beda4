/**
 * The evaluation results view: one webview panel per results file. It shows a run as it fills in (live rows, or a
 * batch waiting for the provider) and any results file opened later. Rows can open their dataset line or be saved as
 * a playground example (the playground's `tuneline.playground.saveAsExample`).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EvalHeader, EvalRow, ModelSummary } from '../core/eval';
import { extractExample, isExample } from '../core/eval';
import { Disposable } from '../common/dispose';
import { PanelMap } from '../common/panels';
import { describeError, type Logger } from '../common/logger';
import type { RetirementBadge } from '../common/protocol/playground';
import { isEvalToHost, type EvalExampleView, type EvalRunState, type EvalToHost, type EvalView, type HostToEval } from '../common/protocol/eval';
import { renderWebviewHtml, WebviewChannel, webviewPanelOptions } from '../common/webview';

export const EVAL_VIEW_TYPE = 'tuneline.evalResults';
export const SAVE_AS_EXAMPLE = 'tuneline.playground.saveAsExample';
export const OPEN_PLAYGROUND = 'tuneline.openPlayground';

export interface EvalSnapshot {
  readonly header: EvalHeader;
  readonly rows: readonly EvalRow[];
  readonly models: readonly ModelSummary[];
  readonly state: EvalRunState;
  readonly stateText: string;
}

export class EvalPanels extends Disposable {
  private readonly panels = this._register(new PanelMap<EvalPanel>());

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: Logger,
    private readonly onCancel: (resultsFile: string) => void,
    /** The retirement badge of a model on the current provider (issue 18), if a date is known. */
    private readonly retirement?: (model: string) => RetirementBadge | null,
  ) {
    super();
  }

  /** The retirement dates or the clock changed: every open view shows the new days left. */
  refreshRetirement(): void {
    for (const p of this.panels.values()) p.resend();
  }

  /** Opens (or reveals) the view of `resultsFile` (a path) for `dataset` (a path). */
  show(resultsFile: string, dataset: string, snapshot: EvalSnapshot, reveal = true): EvalPanel {
    const p = this.panels.open(resultsFile, (onDisposed) => new EvalPanel(resultsFile, dataset, this.extensionUri, this.log, onDisposed, () => this.onCancel(resultsFile), this.retirement), reveal);
    p.update(snapshot);
    return p;
  }

  get(resultsFile: string): EvalPanel | undefined {
    return this.panels.get(resultsFile);
  }

  /** Every open panel (tests). */
  all(): EvalPanel[] {
    return this.panels.values();
  }
}

export class EvalPanel extends Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly channel: WebviewChannel<EvalToHost, HostToEval>;
  private snapshot: EvalSnapshot | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private canSave = false;
  /** The last view sent to the page (tests). */
  lastView: EvalView | undefined;

  constructor(
    readonly resultsFile: string,
    readonly dataset: string,
    extensionUri: vscode.Uri,
    private readonly log: Logger,
    private readonly onDisposed: () => void,
    private readonly onCancel: () => void,
    private readonly retirement?: (model: string) => RetirementBadge | null,
  ) {
    super();
    const title = vscode.l10n.t('Evaluation: {0}', path.basename(dataset));
    this.panel = vscode.window.createWebviewPanel(EVAL_VIEW_TYPE, title, { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, webviewPanelOptions(extensionUri));
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'tuneline.svg');
    this.channel = this._register(new WebviewChannel<EvalToHost, HostToEval>(this.panel.webview, { isMessage: isEvalToHost, latestOnly: ['results'], log, name: 'Evaluation' }));
    this._register(this.channel.onReady(() => this.send()));
    this._register(this.channel.onMessage((m) => void this.handle(m)));
    this._register(this.panel.onDidChangeViewState((e) => {
      if (!e.webviewPanel.visible) this.channel.reset();
    }));
    this._register(this.panel.onDidDispose(() => this.dispose()));
    this._register({ dispose: () => this.timer && clearTimeout(this.timer) });
    this.panel.webview.html = renderWebviewHtml(this.panel.webview, extensionUri, { name: 'eval', title, loadingText: vscode.l10n.t('Loading the evaluation…') });
    void vscode.commands.getCommands(true).then((all) => {
      this.canSave = all.includes(SAVE_AS_EXAMPLE);
      this.send();
    });
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  get visible(): boolean {
    return this.panel.visible;
  }

  /** New data; sent at most every 300 ms while a run fills in. */
  update(snapshot: EvalSnapshot): void {
    this.snapshot = snapshot;
    if (this.timer) return;
    const final = snapshot.state !== 'running' && snapshot.state !== 'waiting';
    if (final) {
      this.send();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.send();
    }, 300);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    this.panel.dispose();
    this.onDisposed();
  }

  /** Sends the view again (the retirement badges changed). */
  resend(): void {
    this.send();
  }

  private send(): void {
    const s = this.snapshot;
    if (!s || this.isDisposed) return;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const index = new Map<number, number>();
    const examples: Array<{ line: number; example: number; reference: string; replies: Array<EvalExampleView['replies'][number]> }> = [];
    const mi = new Map(s.header.models.map((m, i) => [m, i]));
    for (const r of s.rows) {
      let i = index.get(r.line);
      if (i === undefined) {
        i = examples.length;
        index.set(r.line, i);
        examples.push({ line: r.line, example: r.example, reference: r.reference, replies: s.header.models.map(() => null) });
      }
      const m = mi.get(r.model);
      if (m !== undefined) examples[i]!.replies[m] = { reply: r.reply, scores: r.scores, ...(r.error !== undefined ? { error: r.error } : {}) };
    }
    examples.sort((a, b) => a.line - b.line);
    const view: EvalView = {
      dataset: path.basename(this.dataset),
      resultsFile: path.basename(this.resultsFile),
      mode: s.header.mode,
      ...(s.header.batchId ? { batchId: s.header.batchId } : {}),
      state: s.state,
      stateText: s.stateText,
      startedAt: s.header.startedAt,
      total: s.header.examples,
      skipped: s.header.skipped.length,
      models: this.retirement ? s.models.map((m) => ({ ...m, retirement: this.retirement!(m.model) })) : s.models,
      examples,
      canSaveExample: this.canSave,
    };
    this.lastView = view;
    this.channel.post({ type: 'results', view });
  }

  private async handle(m: EvalToHost): Promise<void> {
    try {
      if (m.type === 'openLine') await this.openLine(m.line);
      else if (m.type === 'saveAsExample') await this.saveAsExample(m.line, m.model);
      else if (m.type === 'cancel') this.onCancel();
    } catch (e) {
      this.log.error(`Evaluation view: ${m.type} failed`, e);
      void vscode.window.showErrorMessage(describeError(e));
    }
  }

  private async openLine(line: number): Promise<void> {
    const uri = vscode.Uri.file(this.dataset);
    const doc = await vscode.workspace.openTextDocument(uri);
    const target = Math.min(line, doc.lineCount - 1);
    const range = doc.lineAt(target).range;
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, selection: new vscode.Selection(range.start, range.end), preserveFocus: false });
  }

  /**
   * "Save as example", the playground's own action: the row's conversation goes to the playground
   * (`tuneline.openPlayground` with the model and the messages sent, the model's reply as the last assistant turn),
   * then `tuneline.playground.saveAsExample` (by id) saves it, asking which dataset as it always does.
   */
  private async saveAsExample(line: number, modelIndex: number): Promise<void> {
    const s = this.snapshot;
    const model = s?.header.models[modelIndex];
    const row = s?.rows.find((r) => r.line === line && r.model === model);
    if (!s || !model || !row) return;
    const all = await vscode.commands.getCommands(true);
    if (!all.includes(SAVE_AS_EXAMPLE) || !all.includes(OPEN_PLAYGROUND)) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Saving an example needs the Tuneline playground, which is not available in this version.'));
      return;
    }
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(this.dataset));
    const ex = line < doc.lineCount ? extractExample(doc.lineAt(line).text, line, row.example) : undefined;
    if (!ex || !isExample(ex) || ex.reference !== row.reference) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Line {0} of {1} changed since the evaluation; open it instead.', line + 1, path.basename(this.dataset)));
      return;
    }
    await vscode.commands.executeCommand(OPEN_PLAYGROUND, { models: [model], messages: [...ex.messages, { role: 'assistant', content: row.reply }] });
    await vscode.commands.executeCommand(SAVE_AS_EXAMPLE, { column: 0 });
  }
}
