import * as vscode from 'vscode';
import { DatasetIndex, type MethodSetting, type Problem } from '../core';

/** Lines up to this size are tokenized on the extension host when TOK-01 needs it (~20 ms at most); longer ones on workers. */
export const EDITOR_TOKENIZE_MAX_BYTES = 64 * 1024;

/** What `TrackedDocument.applyChanges` did, for the log and the tests. */
export interface SyncResult {
  /** `setLines` calls made (0 when the event changed no text). */
  readonly edits: number;
  /** Lines handed to the engine in total (re-checked). */
  readonly linesChecked: number;
  /** The whole document was re-read (the changes could not be mapped; should not happen in practice). */
  readonly full: boolean;
}

/** Line breaks in an inserted text, as VS Code counts them (`\r\n`, `\r` or `\n`). */
function newlineCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) n++;
    else if (c === 13) {
      n++;
      if (text.charCodeAt(i + 1) === 10) i++;
    }
  }
  return n;
}

/**
 * One open JSONL document and its engine index. The index reads line texts from the document itself
 * (`getLineText`), so it holds no second copy of the text; every change event is mapped to `setLines` calls that
 * re-check only the lines the edit touched.
 */
export class TrackedDocument {
  readonly index: DatasetIndex;
  /** The document version the index reflects. */
  syncedVersion: number;
  /** The document version whose diagnostics were last published (-1: none yet). */
  publishedVersion = -1;
  /** The index version whose exact token counts arrived from the workers (-1: none). */
  exactVersion = -1;
  /** The document has been shown in an editor tab (closing its last tab then stops checking it). */
  shown = false;
  /** How many times diagnostics were published for this document. */
  publishCount = 0;
  /**
   * The problems of the last publish that come from another file (TL-23: this validation file's examples that are in
   * its training file): not in the index, which knows one document; the Dataset view adds them to its summary.
   */
  crossFileProblems: readonly Problem[] = [];
  timer: ReturnType<typeof setTimeout> | undefined;
  /** When the first not-yet-published change arrived (for the throttle's maximum wait). */
  pendingSince: number | undefined;
  tokenTimer: ReturnType<typeof setTimeout> | undefined;
  /** The pending judgement of the cross-line quality rules (`DatasetIndex.refreshQuality`). */
  qualityTimer: ReturnType<typeof setTimeout> | undefined;
  tokenAbort: AbortController | undefined;

  constructor(
    readonly document: vscode.TextDocument,
    method: MethodSetting,
    private modelSetting: string | undefined,
    /** The dataset profile's provider (`readProfileSettings`; undefined: OpenAI's rules). */
    private providerSetting?: string,
  ) {
    this.index = new DatasetIndex({
      method,
      model: modelSetting,
      provider: providerSetting,
      getLineText: (line) => (line < this.document.lineCount ? this.document.lineAt(line).text : ''),
      // Never tokenize a long line on the extension host: its TOK-01 check waits for the worker counts.
      deferTokensAboveBytes: EDITOR_TOKENIZE_MAX_BYTES,
      // the cross-line quality rules of a big file are judged once it is idle (`DiagnosticsManager.scheduleQuality`)
      deferQuality: true,
    });
    this.index.setLines(0, 0, this.lines(0, document.lineCount));
    this.syncedVersion = document.version;
  }

  get uri(): vscode.Uri {
    return this.document.uri;
  }

  /** The model the file is judged for (the profile's default when the setting names none). */
  get model(): string {
    return this.index.model.requested;
  }

  /** Applies new settings; returns true if anything changed (the index re-checked what it must). */
  /** The dataset profile's provider (undefined: OpenAI's rules). */
  get provider(): string | undefined {
    return this.providerSetting;
  }

  configure(method: MethodSetting, model: string | undefined, provider?: string): boolean {
    let changed = false;
    if (provider !== this.providerSetting) {
      this.providerSetting = provider;
      this.modelSetting = model;
      // '' (not undefined, which keeps the index's model): the provider's default model.
      this.index.setProfile(provider, model ?? '');
      changed = true;
    } else if (model !== this.modelSetting) {
      this.modelSetting = model;
      this.index.setModel(model);
      changed = true;
    }
    if (method !== this.index.methodSetting) {
      this.index.setMethod(method);
      changed = true;
    }
    return changed;
  }

  /**
   * Brings the index up to date with one `onDidChangeTextDocument` event. VS Code gives the changes of one event
   * sorted from the bottom of the document to the top, each range in the coordinates of the document before the
   * event (so applying them in that order, one by one, is exact): change k's new lines sit in the changed document
   * at its start line shifted by the line-count deltas of the changes above it (those later in the list). If the
   * changes are not in that order (no VS Code version does this today), the whole document is re-read, correct
   * but slow, and logged.
   */
  applyChanges(changes: readonly vscode.TextDocumentContentChangeEvent[], version: number): SyncResult {
    this.syncedVersion = version;
    if (changes.length === 0) return { edits: 0, linesChecked: 0, full: false };
    for (let k = 1; k < changes.length; k++) {
      if (changes[k]!.range.end.isAfter(changes[k - 1]!.range.start)) {
        this.resync();
        return { edits: 1, linesChecked: this.document.lineCount, full: true };
      }
    }
    const deltas = changes.map((c) => newlineCount(c.text) - (c.range.end.line - c.range.start.line));
    // shiftAbove[k] = Σ deltas of the changes above change k (k+1 … end of the list).
    let shift = 0;
    for (const d of deltas) shift += d;
    let linesChecked = 0;
    const methodBefore = this.index.method;
    let flippedMidway = false;
    for (let k = 0; k < changes.length; k++) {
      const c = changes[k]!;
      shift -= deltas[k]!;
      const start = c.range.start.line;
      const deleted = c.range.end.line - start + 1;
      const added = deleted + deltas[k]!;
      const from = start + shift;
      this.index.setLines(start, deleted, this.lines(from, from + added));
      linesChecked += added;
      if (k < changes.length - 1 && this.index.method !== methodBefore) flippedMidway = true;
    }
    if (this.index.lineCount !== this.document.lineCount) {
      this.resync();
      return { edits: changes.length + 1, linesChecked: linesChecked + this.document.lineCount, full: true };
    }
    if (flippedMidway) {
      // A re-check of other lines ran against an intermediate state whose line numbers did not match the document
      // yet; re-check everything once against the final text (rare: the file's inferred format changed).
      this.index.setModel(this.modelSetting);
      linesChecked += this.document.lineCount;
    }
    return { edits: changes.length, linesChecked, full: false };
  }

  /** Re-reads the whole document. */
  resync(): void {
    this.index.replaceAll(this.lines(0, this.document.lineCount));
    this.syncedVersion = this.document.version;
  }

  cancelTokens(): void {
    if (this.tokenTimer) clearTimeout(this.tokenTimer);
    this.tokenTimer = undefined;
    this.tokenAbort?.abort();
    this.tokenAbort = undefined;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.qualityTimer) clearTimeout(this.qualityTimer);
    this.qualityTimer = undefined;
    this.timer = undefined;
    this.cancelTokens();
  }

  /** The document's lines [from, to). */
  lines(from: number, to: number): string[] {
    const out: string[] = new Array(Math.max(0, to - from));
    const end = Math.min(to, this.document.lineCount);
    for (let i = from; i < to; i++) out[i - from] = i < end ? this.document.lineAt(i).text : '';
    return out;
  }
}
