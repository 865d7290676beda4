import * as vscode from 'vscode';
import type { Problem, Severity } from '../core';

export const DIAGNOSTIC_SOURCE = 'Tuneline';

/**
 * The `source` of a file's diagnostics: which dataset profile judged it, on every row of the Problems panel
 * ("Tuneline · Together AI · Meta-Llama-3.1-8B-Instruct"). OpenAI's profile, the default, is plain "Tuneline" (as the
 * CLI names only another provider's profile); the model id is shortened to its last path segment
 * (`accounts/fireworks/models/qwen3-8b` → `qwen3-8b`), the status bar's tooltip gives it in full.
 */
export function diagnosticSource(profile: { readonly provider: string; readonly providerLabel: string; readonly model: string } | undefined): string {
  if (!profile || profile.provider === 'openai') return DIAGNOSTIC_SOURCE;
  return `${DIAGNOSTIC_SOURCE} · ${profile.providerLabel} · ${shortModel(profile.model)}`;
}

/** A model id without its path (`meta-llama/Meta-Llama-3.1-8B-Instruct` → `Meta-Llama-3.1-8B-Instruct`). */
export function shortModel(model: string): string {
  const i = model.lastIndexOf('/');
  return i >= 0 && i < model.length - 1 ? model.slice(i + 1) : model;
}
export const SHOW_RULE_COMMAND = 'tuneline.showRule';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function toSeverity(s: Severity): vscode.DiagnosticSeverity {
  return SEVERITY[s];
}

/**
 * The link of a rule code in the Problems panel and the hover: a command URI that opens the bundled `docs/rules.md`
 * in the Markdown preview, scrolled to the rule's heading. A plain `file:` URI with `#<code>` would open the raw
 * Markdown source at its first line (for text files VS Code reads a fragment as a line/column, not an anchor);
 * both the Problems panel and the marker hover open code targets with `allowCommands: true`, so the command link
 * works in both places, also in Restricted Mode and in remote windows.
 */
export function ruleTarget(code: string): vscode.Uri {
  return vscode.Uri.from({ scheme: 'command', path: SHOW_RULE_COMMAND, query: JSON.stringify([code]) });
}

const FILE_PREFIX = 'File: ';

/**
 * Converts engine problems to diagnostics. Problems are immutable and the engine keeps the same objects for lines
 * that did not change, so each conversion is cached by object: publishing after a keystroke converts only the few
 * problems that are new.
 */
export class ProblemConverter {
  private readonly cache = new WeakMap<Problem, vscode.Diagnostic>();

  constructor(
    private readonly uri: vscode.Uri,
    /** The diagnostics' `source` (`diagnosticSource`): a new profile gets a new converter. */
    readonly source: string = DIAGNOSTIC_SOURCE,
  ) {}

  convert(p: Problem): vscode.Diagnostic {
    let d = this.cache.get(p);
    if (d) return d;
    d = toDiagnostic(p, this.uri, this.source);
    this.cache.set(p, d);
    return d;
  }
}

export function toDiagnostic(p: Problem, uri: vscode.Uri, source: string = DIAGNOSTIC_SOURCE): vscode.Diagnostic {
  let range: vscode.Range;
  let message = p.message;
  if (p.line === undefined) {
    // File-level: at the start of the first line, the message saying it concerns the whole file. (A range over the
    // whole first line would underline a line that may be fine; VS Code draws this empty range as a short mark.)
    range = new vscode.Range(0, 0, 0, 0);
    message = FILE_PREFIX + message;
  } else {
    const start = p.column ?? 0;
    const end = Math.max(start, p.endColumn ?? start);
    range = new vscode.Range(p.line, start, p.line, end);
  }
  const d = new vscode.Diagnostic(range, message, toSeverity(p.severity));
  d.source = source;
  d.code = { value: p.code, target: ruleTarget(p.code) };
  if (p.related !== undefined && p.related.length > 0) {
    d.relatedInformation = p.related.map(
      (r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(r.file !== undefined ? vscode.Uri.file(r.file) : uri, new vscode.Position(r.line, 0)), r.message),
    );
  } else if (p.relatedLine !== undefined) {
    d.relatedInformation = [
      new vscode.DiagnosticRelatedInformation(
        new vscode.Location(uri, new vscode.Position(p.relatedLine, 0)),
        `First copy (line ${p.relatedLine + 1})`,
      ),
    ];
  }
  return d;
}

/** Whether a diagnostic is Tuneline's (not another extension's on the same file). */
export function isOurs(d: vscode.Diagnostic): boolean {
  return d.source === DIAGNOSTIC_SOURCE || (d.source?.startsWith(`${DIAGNOSTIC_SOURCE} · `) ?? false);
}

/** The rule code of one of our diagnostics. */
export function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (c === undefined) return undefined;
  if (typeof c === 'object') return String(c.value);
  return String(c);
}
