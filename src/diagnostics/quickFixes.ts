import * as vscode from 'vscode';
import type { Problem } from '../core';
import { codeOf, isOurs } from './convert';
import { addSystemPromptFix, argumentsFix, completionToChat, mergeLineRanges, obviousWeight, removeKeyFix, roleFix, systemPromptFix, weightFix, type LineEdit } from './fixes';
import type { DocumentModels } from '../documents';
import { REMOVABLE_KEY_CODES, ROLE_CODES, RuleCodes } from './ruleCodes';
import type { TrackedDocument } from '../documents/trackedDocument';

const KIND = vscode.CodeActionKind.QuickFix;

/**
 * Quick fixes for Tuneline's diagnostics. Every action is one `WorkspaceEdit` (one undo step) with its diagnostic
 * attached; "fix all ... in the file" actions gather every problem of that kind whose fix is unambiguous into one
 * edit. The problems are read from the engine's live index (for their `data`, e.g. the suggested role), matched to
 * the diagnostic by code and position; each edit re-checks the line's text before changing it.
 */
export class QuickFixProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [KIND] };

  constructor(private readonly manager: DocumentModels) {}

  provideCodeActions(
    document: vscode.TextDocument,
    _range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): vscode.CodeAction[] | undefined {
    if (context.only && !KIND.contains(context.only) && !context.only.contains(KIND)) return undefined;
    const t = this.manager.get(document);
    if (!t || t.syncedVersion !== document.version) return undefined;
    const actions: vscode.CodeAction[] = [];
    const fixAllDone = new Set<string>();
    for (const d of context.diagnostics) {
      if (!isOurs(d)) continue;
      const code = codeOf(d);
      if (code === undefined) continue;
      const problem = this.problemFor(t, d, code);
      if (!problem || problem.line === undefined) continue;
      const line = problem.line;
      const text = document.lineAt(line).text;
      const column = problem.column ?? 0;
      if (ROLE_CODES.has(code)) {
        const fix = roleFix(text, column, problem.data?.suggestion, code === RuleCodes.rftInvalidRole);
        if (fix) actions.push(this.lineAction(`Change role to "${fix.role}"`, document, line, [fix.edit], d, true));
      } else if (REMOVABLE_KEY_CODES.has(code)) {
        const key = typeof problem.data?.key === 'string' ? problem.data.key : undefined;
        const fix = removeKeyFix(text, column, key);
        if (fix) actions.push(this.lineAction(`Remove key "${fix.key}"`, document, line, [fix.edit], d, true));
      } else if (code === RuleCodes.weightNotBinary) {
        const obvious = obviousWeight(text, column, problem.data?.suggestion);
        for (const value of [1, 0] as const) {
          const edit = weightFix(text, column, value);
          if (edit) {
            const a = this.lineAction(`Set weight to ${value} (${value ? 'train on this message' : 'skip this message'})`, document, line, [edit], d, obvious === value);
            actions.push(a);
          }
        }
      } else if (code === RuleCodes.argumentsDoubleEncoded) {
        const edit = argumentsFix(text, column, problem.endColumn ?? column, problem.data?.fix);
        if (edit) actions.push(this.lineAction('Encode the tool-call arguments once', document, line, [edit], d, true));
      } else if (code === RuleCodes.inconsistentSystemPrompt) {
        // A variant: use the common prompt; a missing prompt: add the one every other example shares. An example with a
        // prompt where most have none gets no fix (removing the prompt would delete text that may be deliberate).
        const missing = problem.data?.missing === true;
        const edit = missing ? addSystemPromptFix(text, problem.data?.suggestion) : problem.data?.variant === true ? systemPromptFix(text, problem.data?.suggestion) : undefined;
        if (edit) actions.push(this.lineAction(missing ? 'Add the system prompt the other examples share' : 'Use the system prompt most examples share', document, line, [edit], d, false));
      } else if ((code === RuleCodes.wrongFormat || code === RuleCodes.formatNotAccepted) && problem.data?.found === 'completion' && problem.data?.expected === 'supervised') {
        const edit = completionToChat(text);
        if (edit) actions.push(this.lineAction('Convert prompt/completion to chat messages', document, line, [edit], d, true));
      } else if (code === RuleCodes.duplicateExample) {
        const first = problem.relatedLine !== undefined ? ` (copy of line ${problem.relatedLine + 1})` : '';
        actions.push(this.deleteLinesAction(`Remove duplicate example${first}`, document, [line], [d], true));
      } else if (code === RuleCodes.blankLine) {
        actions.push(this.deleteLinesAction('Remove blank line', document, [line], [d], true));
      }
      if (!fixAllDone.has(code)) {
        fixAllDone.add(code);
        const all = this.fixAll(document, t, code, context.diagnostics);
        if (all) actions.push(all);
      }
    }
    return actions;
  }

  /** The engine problem behind a diagnostic: same code, line and start column (file-level problems have no fix). */
  private problemFor(t: TrackedDocument, d: vscode.Diagnostic, code: string): Problem | undefined {
    const line = d.range.start.line;
    const candidates = t.index.lineProblems(line).filter((p) => p.code === code);
    return candidates.find((p) => (p.column ?? 0) === d.range.start.character) ?? (candidates.length === 1 ? candidates[0] : undefined);
  }

  /**
   * "Fix all <kind> in the file", when the file has more than one problem of that kind with an unambiguous fix.
   * Not offered for unknown keys (a misspelled `"mesages"` is an unknown key too: removing it would delete the
   * conversation) nor for weights without an obvious 0/1.
   */
  private fixAll(document: vscode.TextDocument, t: TrackedDocument, code: string, attached: readonly vscode.Diagnostic[]): vscode.CodeAction | undefined {
    const problems = t.index.problems().filter((p) => p.code === code && p.line !== undefined);
    if (problems.length < 2) return undefined;
    const diags = attached.filter((d) => isOurs(d) && codeOf(d) === code);
    const edits = new Map<number, LineEdit[]>();
    let n = 0;
    const add = (line: number, e: LineEdit | undefined) => {
      if (!e) return;
      const list = edits.get(line) ?? [];
      if (list.some((x) => x.start < e.end && e.start < x.end)) return;
      list.push(e);
      edits.set(line, list);
      n++;
    };
    let title: string;
    if (ROLE_CODES.has(code)) {
      for (const p of problems) add(p.line!, roleFix(document.lineAt(p.line!).text, p.column ?? 0, p.data?.suggestion, code === RuleCodes.rftInvalidRole)?.edit);
      title = 'Fix all misspelled roles in the file';
    } else if (code === RuleCodes.weightNotBinary) {
      for (const p of problems) {
        const text = document.lineAt(p.line!).text;
        const w = obviousWeight(text, p.column ?? 0, p.data?.suggestion);
        if (w !== undefined) add(p.line!, weightFix(text, p.column ?? 0, w));
      }
      title = 'Fix all weights with an obvious 0/1 value in the file';
    } else if (code === RuleCodes.wrongFormat) {
      for (const p of problems) {
        if (p.data?.found === 'completion' && p.data?.expected === 'supervised') add(p.line!, completionToChat(document.lineAt(p.line!).text));
      }
      title = 'Convert all prompt/completion lines in the file to chat messages';
    } else if (code === RuleCodes.duplicateExample || code === RuleCodes.blankLine) {
      const lines = problems.map((p) => p.line!);
      const what = code === RuleCodes.duplicateExample ? 'duplicate examples' : 'blank lines';
      return this.deleteLinesAction(`Remove all ${lines.length} ${what} in the file`, document, lines, diags, false);
    } else {
      return undefined;
    }
    if (n < 2) return undefined;
    const edit = new vscode.WorkspaceEdit();
    for (const [line, list] of edits) {
      for (const e of list) edit.replace(document.uri, new vscode.Range(line, e.start, line, e.end), e.text);
    }
    const action = new vscode.CodeAction(`${title} (${n})`, KIND);
    action.edit = edit;
    action.diagnostics = diags;
    return action;
  }

  private lineAction(title: string, document: vscode.TextDocument, line: number, edits: readonly LineEdit[], d: vscode.Diagnostic, preferred: boolean): vscode.CodeAction {
    const edit = new vscode.WorkspaceEdit();
    for (const e of edits) edit.replace(document.uri, new vscode.Range(line, e.start, line, e.end), e.text);
    const action = new vscode.CodeAction(title, KIND);
    action.edit = edit;
    action.diagnostics = [d];
    action.isPreferred = preferred;
    return action;
  }

  /** Deletes whole lines (with their line breaks) in one edit. */
  private deleteLinesAction(title: string, document: vscode.TextDocument, lines: readonly number[], diags: vscode.Diagnostic[], preferred: boolean): vscode.CodeAction {
    const edit = new vscode.WorkspaceEdit();
    const last = document.lineCount - 1;
    for (const [from, to] of mergeLineRanges(lines)) {
      let range: vscode.Range;
      if (to <= last) range = new vscode.Range(from, 0, to, 0);
      else if (from > 0) range = new vscode.Range(from - 1, document.lineAt(from - 1).text.length, last, document.lineAt(last).text.length);
      else range = new vscode.Range(0, 0, last, document.lineAt(last).text.length);
      edit.delete(document.uri, range);
    }
    const action = new vscode.CodeAction(title, KIND);
    action.edit = edit;
    action.diagnostics = diags;
    action.isPreferred = preferred;
    return action;
  }
}
