import * as vscode from 'vscode';
import { countTokensInWorkers, type Problem } from '../core';
import { Disposable } from '../common/dispose';
import { describeError, type Logger } from '../common/logger';
import { readNearDuplicateThreshold, readProfileSettings, readSettings, SECTION } from '../common/settings';
import { diagnosticSource, ProblemConverter } from './convert';
import type { DocumentModels } from '../documents';
import { TrackedDocument } from '../documents/trackedDocument';
import { isResultsFileName } from '../core/eval/results';
import { nearThreshold } from '../core/quality';
import { TrainingFiles } from './trainingFiles';

export const COLLECTION_NAME = 'tuneline';
/** How long a big document must be idle before its cross-line quality rules are judged again (ms). */
export const QUALITY_IDLE_MS = 400;
export const JSONL_LANGUAGE = 'jsonl';

/** URI schemes of real documents worth checking (not git/diff snapshots, output channels, chat code blocks...). */
const SCHEMES = new Set(['file', 'untitled', 'vscode-remote', 'vscode-vfs', 'vscode-userdata']);

export interface DiagnosticsManagerOptions {
  /** Publish this long after the last change (ms). */
  readonly delayMs?: number;
  /** ...but at least this often while changes keep coming (ms). */
  readonly maxWaitMs?: number;
  /** Start exact token counting this long after the last publish (ms). */
  readonly tokenDelayMs?: number;
}

/**
 * Diagnostics as you type for every open JSONL document: one `DatasetIndex` per document, fed incrementally from
 * `onDidChangeTextDocument`; diagnostics published to one collection on a trailing throttle (never more often than
 * `delayMs`, at most `maxWaitMs` late while typing continues); results for an older document version are dropped;
 * a document's diagnostics are cleared when it closes. Exact token counts are computed on worker threads when the
 * document is idle and replace the estimates.
 */
export class DiagnosticsManager extends Disposable implements DocumentModels {
  readonly collection: vscode.DiagnosticCollection;
  private readonly docs = new Map<string, TrackedDocument>();
  private readonly converters = new Map<string, ProblemConverter>();
  /** URIs whose diagnostics came from `publishExternal` (a file checked on disk, not open). */
  private readonly external = new Set<string>();
  private readonly _onDidUpdate = this._register(new vscode.EventEmitter<TrackedDocument>());
  /** After diagnostics were published for a document, or its token counts became exact. */
  readonly onDidUpdate = this._onDidUpdate.event;
  private readonly _onDidUntrack = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidUntrack = this._onDidUntrack.event;
  private readonly delayMs: number;
  private readonly maxWaitMs: number;
  private readonly tokenDelayMs: number;
  /** The training files of open validation files (TL-23). */
  private readonly training: TrainingFiles;

  constructor(
    private readonly log: Logger,
    options: DiagnosticsManagerOptions = {},
  ) {
    super();
    this.delayMs = options.delayMs ?? 200;
    this.maxWaitMs = options.maxWaitMs ?? 1000;
    this.tokenDelayMs = options.tokenDelayMs ?? 1500;
    this.collection = this._register(vscode.languages.createDiagnosticCollection(COLLECTION_NAME));
    this.training = this._register(
      new TrainingFiles(
        (uri) => this.get(uri),
        log,
        (uris) => this.scheduleAll(uris),
      ),
    );
    this._register(vscode.workspace.onDidOpenTextDocument((d) => this.consider(d)));
    this._register(vscode.workspace.onDidCloseTextDocument((d) => this.untrack(d.uri)));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => this.onChange(e)));
    this._register(vscode.window.tabGroups.onDidChangeTabs(() => this.reconcileTabs()));
    this._register(vscode.window.tabGroups.onDidChangeTabGroups(() => this.reconcileTabs()));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (
          e.affectsConfiguration(`${SECTION}.method`) ||
          e.affectsConfiguration(`${SECTION}.model`) ||
          // The dataset profile (issue 17): open files are judged again for the new provider.
          e.affectsConfiguration(`${SECTION}.provider`) ||
          // Near-duplicates (TL-22) and train/validation overlap (TL-23) at the new threshold.
          e.affectsConfiguration(`${SECTION}.nearDuplicateThreshold`) ||
          e.affectsConfiguration(`${SECTION}.validate.include`)
        ) {
          this.onSettingsChanged();
        }
      }),
    );
    this._register({ dispose: () => this.disposeDocs() });
    for (const d of vscode.workspace.textDocuments) this.consider(d);
  }

  /** The tracked document for a URI or document, if Tuneline checks it. */
  get(doc: vscode.TextDocument | vscode.Uri): TrackedDocument | undefined {
    const uri = doc instanceof vscode.Uri ? doc : doc.uri;
    return this.docs.get(uri.toString());
  }

  get tracked(): readonly TrackedDocument[] {
    return [...this.docs.values()];
  }

  /** Whether Tuneline should check this document (language, scheme, `tuneline.validate.include`). */
  shouldTrack(doc: vscode.TextDocument): boolean {
    if (doc.languageId !== JSONL_LANGUAGE || !SCHEMES.has(doc.uri.scheme)) return false;
    // Evaluation results (`<dataset>.eval-<time>.jsonl`) are JSON Lines but not training data.
    if (isResultsFileName(doc.uri.path)) return false;
    const include = readSettings(doc.uri).validateInclude;
    if (include.length === 0) return true;
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
    return include.some((glob) => vscode.languages.match({ pattern: folder ? new vscode.RelativePattern(folder, glob) : glob }, doc) > 0);
  }

  /**
   * Publishes problems found by a check of a file that is not open (`tuneline.validateFileOnDisk`). Returns false,
   * publishing nothing, if the file is open and tracked: the live diagnostics of its editor take precedence.
   */
  publishExternal(uri: vscode.Uri, problems: readonly Problem[], profile?: Parameters<typeof diagnosticSource>[0]): boolean {
    if (this.get(uri)) return false;
    const conv = new ProblemConverter(uri, diagnosticSource(profile));
    this.collection.set(uri, problems.map((p) => conv.convert(p)));
    this.external.add(uri.toString());
    return true;
  }

  /** Publishes a document's diagnostics now (tests, commands), skipping the throttle. */
  flush(doc: vscode.TextDocument | vscode.Uri): void {
    const t = this.get(doc);
    if (t) this.publish(t);
  }

  private consider(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const want = this.shouldTrack(doc);
    const have = this.docs.get(key);
    if (want && !have) {
      const s = readSettings(doc.uri);
      const profile = readProfileSettings(doc.uri);
      const started = Date.now();
      const t = new TrackedDocument(doc, s.method, profile.model, profile.provider);
      t.index.setNearDuplicateThreshold(readNearDuplicateThreshold(doc.uri));
      this.docs.set(key, t);
      this.external.delete(key);
      this.log.debug(`Checking ${doc.uri.toString(true)} (${doc.lineCount} lines, ${Date.now() - started} ms)`);
      this.publish(t);
    } else if (!want && have) {
      this.untrack(doc.uri);
    }
  }

  private untrack(uri: vscode.Uri): void {
    const key = uri.toString();
    const t = this.docs.get(key);
    if (t) {
      t.dispose();
      this.docs.delete(key);
      this.converters.delete(key);
      this.collection.delete(uri);
      this.training.forget(uri);
      this._onDidUntrack.fire(uri);
      // A validation file of this one goes back to the training file on disk.
      this.scheduleAll(this.training.dependents(uri));
    }
  }

  /**
   * A document stays open in the extension host for a while after its last editor tab closes (VS Code keeps the
   * model alive, and documents opened through the API are kept for minutes), so closing its last tab is what
   * "closing the file" means to the person: its diagnostics go then. Showing it again in a tab checks it again.
   * Documents never shown in a tab (opened by an extension) are checked until they close.
   */
  private reconcileTabs(): void {
    const tabbed = new Set<string>();
    for (const g of vscode.window.tabGroups.all) for (const tab of g.tabs) for (const u of tabUris(tab)) tabbed.add(u.toString());
    for (const t of [...this.docs.values()]) {
      if (tabbed.has(t.uri.toString())) t.shown = true;
      else if (t.shown) this.untrack(t.uri);
    }
    for (const key of tabbed) {
      if (this.docs.has(key)) continue;
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
      if (doc && !doc.isClosed) this.consider(doc);
    }
  }

  private onChange(e: vscode.TextDocumentChangeEvent): void {
    const t = this.docs.get(e.document.uri.toString());
    if (!t) return;
    if (e.contentChanges.length === 0) return;
    const r = t.applyChanges(e.contentChanges, e.document.version);
    if (r.full) this.log.warn(`Re-read ${e.document.uri.toString(true)} in full: its changes could not be mapped line by line`);
    t.cancelTokens();
    this.schedule(t);
  }

  private onSettingsChanged(): void {
    for (const t of [...this.docs.values()]) {
      if (!this.shouldTrack(t.document)) {
        this.untrack(t.uri);
        continue;
      }
      const s = readSettings(t.uri);
      const profile = readProfileSettings(t.uri);
      const version = t.index.version;
      t.index.setNearDuplicateThreshold(readNearDuplicateThreshold(t.uri));
      if (t.configure(s.method, profile.model, profile.provider) || t.index.version !== version) {
        t.cancelTokens();
        this.publish(t);
      }
    }
    for (const d of vscode.workspace.textDocuments) this.consider(d);
  }

  /** Schedules a publish of each of these documents that is tracked. */
  private scheduleAll(uris: readonly vscode.Uri[]): void {
    for (const uri of uris) {
      const t = this.get(uri);
      if (t) this.schedule(t);
    }
  }

  /** Trailing throttle: publish `delayMs` after the last change, but no later than `maxWaitMs` after the first. */
  private schedule(t: TrackedDocument): void {
    const now = Date.now();
    t.pendingSince ??= now;
    if (t.timer) clearTimeout(t.timer);
    const wait = Math.max(0, Math.min(this.delayMs, t.pendingSince + this.maxWaitMs - now));
    t.timer = setTimeout(() => {
      t.timer = undefined;
      this.publish(t);
    }, wait);
  }

  private publish(t: TrackedDocument): void {
    if (this.isDisposed || this.docs.get(t.uri.toString()) !== t) return;
    if (t.timer) clearTimeout(t.timer);
    t.timer = undefined;
    t.pendingSince = undefined;
    if (t.document.isClosed) return;
    if (t.document.version !== t.syncedVersion) {
      // A change is on its way (its event has not been handled yet): drop this stale result; the change reschedules.
      this.log.trace(`Dropped stale diagnostics for ${t.uri.toString(true)} (v${t.syncedVersion}, document v${t.document.version})`);
      return;
    }
    const source = diagnosticSource(t.index.profile);
    let conv = this.converters.get(t.uri.toString());
    if (!conv || conv.source !== source) this.converters.set(t.uri.toString(), (conv = new ProblemConverter(t.uri, source)));
    const diagnostics = t.index.problems().map((p) => conv.convert(p));
    // A validation file's examples that are in its training file (TL-23), when the training file is known.
    t.crossFileProblems = this.training.problems(t, nearThreshold(readNearDuplicateThreshold(t.uri)));
    for (const p of t.crossFileProblems) diagnostics.push(conv.convert(p));
    this.collection.set(t.uri, diagnostics);
    t.publishedVersion = t.syncedVersion;
    t.publishCount++;
    this._onDidUpdate.fire(t);
    this.scheduleTokens(t);
    this.scheduleQuality(t);
    // A training file changed: its open validation files are judged again (once it is idle).
    this.training.trainingChanged(t.uri);
  }

  /**
   * The cross-line quality rules (TL-21, TL-22) of a big document once it is idle: judging every example against every
   * other takes about 0.4 s on 100,000 lines, too long for a keystroke (`DatasetIndexOptions.deferQuality`).
   */
  private scheduleQuality(t: TrackedDocument): void {
    if (t.qualityTimer) clearTimeout(t.qualityTimer);
    t.qualityTimer = undefined;
    if (!t.index.qualityStale) return;
    t.qualityTimer = setTimeout(() => {
      t.qualityTimer = undefined;
      if (this.isDisposed || this.docs.get(t.uri.toString()) !== t || t.document.isClosed) return;
      const started = Date.now();
      if (t.index.refreshQuality()) {
        this.log.debug(`Quality rules for ${t.uri.toString(true)} judged again (${Date.now() - started} ms)`);
        this.publish(t);
      }
    }, QUALITY_IDLE_MS);
  }

  /** Exact token counts on worker threads once the document is idle; estimates are shown until they arrive. */
  private scheduleTokens(t: TrackedDocument): void {
    t.cancelTokens();
    // Not `index.stats().tokensExact`: stats() walks every line, too slow to call per publish in a huge file.
    if (t.exactVersion === t.index.version || t.index.lineCount === 0) return;
    t.tokenTimer = setTimeout(() => {
      t.tokenTimer = undefined;
      void this.countTokens(t);
    }, this.tokenDelayMs);
  }

  private async countTokens(t: TrackedDocument): Promise<void> {
    if (this.docs.get(t.uri.toString()) !== t || t.document.isClosed) return;
    const abort = new AbortController();
    t.tokenAbort = abort;
    const version = t.index.version;
    const docVersion = t.document.version;
    const lines = t.lines(0, t.document.lineCount);
    const started = Date.now();
    try {
      const result = await countTokensInWorkers(lines, {
        model: t.model,
        ...(t.provider !== undefined ? { provider: t.provider } : {}),
        workers: lines.length > 20_000 ? 2 : 1,
        signal: abort.signal,
      });
      if (abort.signal.aborted || t.document.version !== docVersion || this.docs.get(t.uri.toString()) !== t) return;
      if (t.index.setExactTokens(version, result.perLine, result.tokenizer.exact)) {
        t.exactVersion = version;
        this.log.debug(`Tokens for ${t.uri.toString(true)}: ${result.total} by ${result.tokenizer.id}${result.tokenizer.exact ? '' : ' (an estimate)'} (${Date.now() - started} ms)`);
        // Long lines' TOK-01 checks wait for these counts (`deferTokensAboveBytes`): publish what they decide.
        this.publish(t);
      }
    } catch (e) {
      if (!abort.signal.aborted) this.log.warn(`Token counting failed for ${t.uri.toString(true)}: ${describeError(e)}`);
    } finally {
      if (t.tokenAbort === abort) t.tokenAbort = undefined;
    }
  }

  private disposeDocs(): void {
    for (const t of this.docs.values()) t.dispose();
    this.docs.clear();
  }
}

/** The text documents a tab shows (both sides of a diff). */
function tabUris(tab: vscode.Tab): vscode.Uri[] {
  const input = tab.input;
  if (input instanceof vscode.TabInputText) return [input.uri];
  if (input instanceof vscode.TabInputTextDiff) return [input.original, input.modified];
  return [];
}
