import * as vscode from 'vscode';
import type { DatasetStats, Profile } from '../core';
import { Disposable } from '../common/dispose';
import { fmtCompact, fmtInt, fmtUsd, plural } from '../core/format';
import type { DocumentModels } from '../documents';

export const SHOW_STATS_COMMAND = 'tuneline.showDatasetStats';
const SLOW_MS = 30;
const IDLE_MS = 1000;

/** What the status bar item shows, for the tests (through the extension's API). */
export interface StatusBarState {
  readonly visible: boolean;
  readonly text: string;
  readonly tooltip: string;
  readonly command: string | undefined;
}

/**
 * The dataset status bar item, shown while a checked JSONL document is the active editor:
 * `$(check)|$(error) N examples · [~]T tokens · $cost · E errors`; `~` while token counts are estimates. Clicking it
 * opens the statistics view.
 */
export class DatasetStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private tooltipText = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastCostMs = 0;
  private visible = false;

  constructor(private readonly manager: DocumentModels) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem('tuneline.dataset', vscode.StatusBarAlignment.Right, 100));
    this.item.name = 'Tuneline Dataset';
    this._register(vscode.window.onDidChangeActiveTextEditor(() => this.update()));
    this._register(
      manager.onDidUpdate((t) => {
        if (vscode.window.activeTextEditor?.document === t.document) this.requestUpdate();
      }),
    );
    this._register({ dispose: () => clearTimeout(this.timer) });
    this._register(manager.onDidUntrack(() => this.update()));
    this.update();
  }

  get state(): StatusBarState {
    return { visible: this.visible, text: this.item.text, tooltip: this.tooltipText, command: typeof this.item.command === 'string' ? this.item.command : this.item.command?.command };
  }

  /**
   * Updates now, unless computing the statistics is slow (a file of 100,000+ lines): then once typing pauses, so
   * the status bar never adds a walk over the whole file to every publish.
   */
  private requestUpdate(): void {
    clearTimeout(this.timer);
    if (this.lastCostMs < SLOW_MS) this.update();
    else this.timer = setTimeout(() => this.update(), IDLE_MS);
  }

  update(): void {
    clearTimeout(this.timer);
    const doc = vscode.window.activeTextEditor?.document;
    const t = doc ? this.manager.get(doc) : undefined;
    if (!t) {
      this.item.hide();
      this.visible = false;
      return;
    }
    const started = Date.now();
    const s = t.index.stats();
    this.lastCostMs = Date.now() - started;
    const profile = t.index.profile;
    this.item.text = statusText(s, profile);
    const tooltip = statusTooltip(s, t.document.uri, profile);
    this.tooltipText = tooltip;
    const md = new vscode.MarkdownString(tooltip, true);
    this.item.tooltip = md;
    this.item.accessibilityInformation = { label: statusText(s, profile).replace(/\$\([a-z-]+\)\s*/g, ''), role: 'button' };
    this.item.command = { command: SHOW_STATS_COMMAND, title: 'Show Dataset Statistics', arguments: [t.document.uri] };
    this.item.show();
    this.visible = true;
  }
}

/** The profile parts the status bar shows. */
type ProfileShown = Pick<Profile, 'provider' | 'providerLabel' | 'label' | 'priceMissing'>;

/** `… · 0 errors`, and for another provider than OpenAI (the default) the provider whose profile judged the file. */
export function statusText(s: DatasetStats, profile?: ProfileShown): string {
  const icon = s.errors > 0 ? '$(error)' : '$(check)';
  const approx = s.tokensExact ? '' : '~';
  const parts = [`${icon} ${plural(s.examples, 'example')}`, `${approx}${fmtCompact(s.totalTokens)} tokens`];
  if (s.estimatedCost) parts.push(`${approx}${fmtUsd(s.estimatedCost.usd)}`);
  parts.push(plural(s.errors, 'error'));
  if (profile && profile.provider !== 'openai') parts.push(profile.providerLabel);
  return parts.join(' · ');
}

export function statusTooltip(s: DatasetStats, uri: vscode.Uri, profile?: ProfileShown): string {
  const name = uri.path.split('/').pop() ?? uri.toString();
  const lines = [
    `**${name}** · ${s.method}${s.methodInferred ? ' (inferred)' : ''} · ${s.model}${s.modelKnown ? '' : ' (unknown model)'}`,
    '',
    `- Judged by the profile: ${profile?.label ?? s.profile.label}`,
    `- Examples: ${fmtInt(s.examples)}`,
    `- Tokens: ${fmtInt(s.totalTokens)} ${s.tokensExact ? '(exact)' : profile && profile.provider !== 'openai' ? "(estimate; exact counts follow when the file is idle, for an open model where its tokenizer files are on this machine)" : '(estimate; exact counts follow when the file is idle)'}`,
  ];
  if (s.estimatedCost) {
    const c = s.estimatedCost;
    lines.push(
      `- Training cost: ${s.tokensExact ? '' : '≈ '}${fmtUsd(c.usd)} for ${plural(c.epochs, 'epoch')} (${fmtInt(c.billedTokens)} billed tokens at ${fmtUsd(c.pricePerMillion)} per 1M, prices of ${c.priceDate})`,
    );
  } else if (profile?.priceMissing !== undefined && profile.provider !== 'openai') {
    lines.push(`- Training cost: ${profile.priceMissing}`);
  } else {
    lines.push(`- Training cost: not known for ${s.model} (${plural(s.epochs, 'epoch')})`);
  }
  lines.push(`- Problems: ${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}${s.infos ? `, ${plural(s.infos, 'info')}` : ''}`);
  if (s.duplicates) lines.push(`- Duplicates: ${fmtInt(s.duplicates)}`);
  if (s.overLimit) lines.push(`- Over the ${fmtInt(s.limit)}-token example limit: ${fmtInt(s.overLimit)}`);
  lines.push('', 'Click for the dataset statistics.');
  return lines.join('\n');
}
