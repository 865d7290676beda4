import * as vscode from 'vscode';
import { getEncoder, isEncodingLoaded, lineTokens } from '../core';
import { lowerBound } from '../core/sorted';
import { fmtInt, fmtPercent, fmtUsd, plural } from '../core/format';
import { EDITOR_TOKENIZE_MAX_BYTES, type DocumentModels } from '../documents';

/**
 * Hover on a line of a checked JSONL document: the example's tokens (exact when known: from the idle worker count,
 * from the limit check, or counted now for this one line if the tokenizer is already loaded; otherwise the estimate,
 * and the hover says which), its share of the file's billed tokens and cost, its turns and roles, and by how much it
 * is over the model's per-example limit.
 */
export class DatasetHoverProvider implements vscode.HoverProvider {
  constructor(private readonly manager: DocumentModels) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const t = this.manager.get(document);
    if (!t || t.syncedVersion !== document.version) return undefined;
    const line = position.line;
    const r = t.index.lineResult(line);
    if (!r || r.shape === 'blank' || r.shape === 'invalid' || r.shape === 'not-object') return undefined;
    const stats = t.index.stats();
    const k = lowerBound(stats.exampleLines, line);
    if (stats.exampleLines[k] !== line) return undefined;
    const example = k + 1;
    const model = t.index.model;

    let known = t.index.lineTokens(line);
    let source = known?.exact ? 'exact' : 'estimate';
    if (known && !known.exact && r.bytes <= EDITOR_TOKENIZE_MAX_BYTES && isEncodingLoaded(model.encoding)) {
      const exact = lineTokens(document.lineAt(line).text, { encoder: getEncoder(model.encoding), funcInit: model.info.funcInit });
      if (exact !== undefined) {
        known = { tokens: exact, exact: true };
        source = 'exact';
      }
    }
    const tokens = known?.tokens ?? 0;
    const limit = model.limit;

    // This example's share of the billed tokens per epoch (Σ min(limit, tokens)), with its own count as shown here.
    const inStats = Math.min(limit, stats.tokensPerExample[k] ?? 0);
    const mine = Math.min(limit, tokens);
    const billed = stats.billedTokensPerEpoch - inStats + mine;
    const share = billed > 0 ? mine / billed : 0;

    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**Example ${fmtInt(example)}** · line ${fmtInt(line + 1)} · ${model.id}\n\n`);
    md.appendMarkdown(`- Tokens: ${source === 'exact' ? '' : '~'}${fmtInt(tokens)} (${source})\n`);
    if (stats.estimatedCost) {
      const c = stats.estimatedCost;
      md.appendMarkdown(`- Share of the file's cost: ${fmtPercent(share)} (≈ ${fmtUsd(share * c.usd)} of ${fmtUsd(c.usd)} for ${plural(c.epochs, 'epoch')})\n`);
    } else {
      md.appendMarkdown(`- Share of the file's billed tokens: ${fmtPercent(share)} (no training price known for ${model.id})\n`);
    }
    const st = r.stats;
    if (st) {
      const roles = Object.entries(st.roles)
        .map(([role, n]) => (n > 1 ? `${role} ×${n}` : role))
        .join(', ');
      md.appendMarkdown(`- Turns: ${plural(st.assistantTurns, 'assistant turn')} in ${plural(st.messages, 'message')}${roles ? ` (${roles})` : ''}\n`);
    }
    if (tokens > limit || r.overLimit) {
      md.appendMarkdown(`\n$(warning) Over the ${fmtInt(limit)}-token training-example limit by **${fmtInt(tokens - limit)}** tokens: the trainer truncates it.\n`);
    }
    return new vscode.Hover(md, document.lineAt(line).range);
  }
}
