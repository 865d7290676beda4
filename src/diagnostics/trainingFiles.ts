import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { validateFile, type Problem } from '../core';
import { TrainingSet, trainingFileCandidates, type QualityData } from '../core/quality';
import { Disposable } from '../common/dispose';
import { describeError, type Logger } from '../common/logger';
import type { TrackedDocument } from '../documents';

/**
 * An open training file's validation files are judged again this long after its last change (ms): preparing a big
 * training file's examples takes a moment of the extension host (0.4 s for 90,000 examples in `npm run bench`), so it is done
 * once typing pauses, not per keystroke.
 */
export const TRAINING_IDLE_MS = 1000;

/** A training file read from disk: its examples' keys once read, or the read under way. */
interface DiskTraining {
  data?: QualityData;
  loading?: AbortController;
  /** Why the last read failed (then not retried until the file changes). */
  failed?: string;
}

/** An open validation file: the training files it may have (full paths, best first) and the watch on its folder. */
interface Pairing {
  readonly candidates: readonly string[];
  readonly watcher: vscode.Disposable;
  /** The last result, kept while neither file changed (the converter caches diagnostics by problem object). */
  last?: { readonly version: number; readonly set: TrainingSet; readonly problems: Problem[] };
}

/**
 * The training files of open validation files (TL-23 `train-validation-overlap` in the editor). A validation file is
 * known by its name (`trainingFileCandidates`: `val.jsonl` beside `train.jsonl`, `NAME_val.jsonl` beside
 * `NAME_train.jsonl` or `NAME.jsonl`...); its training file is the first candidate that is open (its live document,
 * unsaved edits included) or on disk. A file on disk is read once, in the background (`validateFile`: streamed, its
 * second half on the engine worker), never while the validation file's diagnostics are published: until it has been
 * read the validation file shows no TL-23, then `onDidLoad` asks for a new publish. A watch on the validation file's
 * folder re-reads the training file when it changes on disk (or appears, or goes).
 *
 * The training file's examples are prepared once per version (`TrainingSet`), so judging the validation file after
 * a keystroke costs a few binary searches per validation example, whatever the size of the training file.
 */
export class TrainingFiles extends Disposable {
  private readonly pairings = new Map<string, Pairing>();
  private readonly disk = new Map<string, DiskTraining>();
  /** One prepared training set per data (a new version of an open training file is new data). */
  private readonly sets = new WeakMap<QualityData, TrainingSet>();
  /** Open training files changed lately (path → the timer that judges their validation files again). */
  private readonly idle = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    /** The tracked (open) document of a file, if any. */
    private readonly openDocument: (uri: vscode.Uri) => TrackedDocument | undefined,
    private readonly log: Logger,
    /** The validation files (URIs) whose training file was read or changed on disk: publish them again. */
    private readonly onDidLoad: (validation: readonly vscode.Uri[]) => void,
  ) {
    super();
    this._register({ dispose: () => this.clear() });
  }

  /** The overlap problems of a validation document against its training file at `threshold` (none while unknown). */
  problems(t: TrackedDocument, threshold: number): readonly Problem[] {
    const pairing = this.pairing(t.uri);
    if (!pairing) return [];
    const found = this.training(pairing);
    if (!found) return [];
    let set = this.sets.get(found.data);
    if (!set || set.threshold !== threshold) this.sets.set(found.data, (set = new TrainingSet(found.data, threshold)));
    const version = t.index.version;
    if (pairing.last && pairing.last.version === version && pairing.last.set === set) return pairing.last.problems;
    const problems = set.problems(t.index.qualityData(), path.basename(found.path), found.path);
    pairing.last = { version, set, problems };
    return problems;
  }

  /** The open validation files whose training file may be `uri` (to publish them again when it changes). */
  dependents(uri: vscode.Uri): vscode.Uri[] {
    if (uri.scheme !== 'file') return [];
    const p = uri.fsPath;
    const out: vscode.Uri[] = [];
    for (const [key, pairing] of this.pairings) if (pairing.candidates.includes(p)) out.push(vscode.Uri.parse(key));
    return out;
  }

  /** An open document was published: if it is a training file, its validation files follow once it is idle. */
  trainingChanged(uri: vscode.Uri): void {
    if (this.dependents(uri).length === 0) return;
    const p = uri.fsPath;
    const had = this.idle.get(p);
    if (had) clearTimeout(had);
    this.idle.set(
      p,
      setTimeout(() => {
        this.idle.delete(p);
        this.notify(p);
      }, TRAINING_IDLE_MS),
    );
  }

  /** A document is no longer checked: its pairing goes, and training data no open validation file uses. */
  forget(uri: vscode.Uri): void {
    const key = uri.toString();
    const pairing = this.pairings.get(key);
    if (!pairing) return;
    pairing.watcher.dispose();
    this.pairings.delete(key);
    const used = new Set<string>();
    for (const p of this.pairings.values()) for (const c of p.candidates) used.add(c);
    for (const [p, d] of this.disk) {
      if (used.has(p)) continue;
      d.loading?.abort();
      this.disk.delete(p);
    }
  }

  private pairing(uri: vscode.Uri): Pairing | undefined {
    const key = uri.toString();
    const have = this.pairings.get(key);
    if (have) return have;
    if (uri.scheme !== 'file') return undefined;
    const file = uri.fsPath;
    const dir = path.dirname(file);
    const candidates = trainingFileCandidates(path.basename(file)).map((n) => path.join(dir, n));
    if (candidates.length === 0) return undefined;
    // The folder's files (not recursive): a candidate's change, creation or deletion re-reads it.
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(dir), '*'));
    const changed = (u: vscode.Uri): void => {
      if (candidates.includes(u.fsPath)) this.changedOnDisk(u.fsPath);
    };
    const subs = [watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), watcher.onDidDelete(changed)];
    const pairing: Pairing = { candidates, watcher: { dispose: () => subs.forEach((s) => s.dispose()) } };
    this.pairings.set(key, pairing);
    return pairing;
  }

  /** The training file's data: the first candidate open in the editor or on disk (read in the background). */
  private training(pairing: Pairing): { path: string; data: QualityData } | undefined {
    for (const p of pairing.candidates) {
      const open = this.openDocument(vscode.Uri.file(p));
      if (open) return { path: p, data: open.index.qualityData() };
      const d = this.disk.get(p);
      if (d?.data) return { path: p, data: d.data };
      if (d?.loading || d?.failed !== undefined) return undefined;
      if (fs.existsSync(p)) {
        this.load(p);
        return undefined;
      }
    }
    return undefined;
  }

  private load(p: string): void {
    const abort = new AbortController();
    const entry: DiskTraining = { loading: abort };
    this.disk.set(p, entry);
    const started = Date.now();
    let data: QualityData | undefined;
    validateFile(p, { tokens: false, maxProblems: 0, signal: abort.signal, onQuality: (d) => (data = d) }).then(
      () => {
        if (abort.signal.aborted || this.disk.get(p) !== entry) return;
        entry.loading = undefined;
        entry.data = data;
        if (!data) entry.failed = 'no examples read';
        this.log.debug(`Read the training file ${p} for train/validation overlap (${data?.count ?? 0} examples, ${Date.now() - started} ms)`);
        this.notify(p);
      },
      (e: unknown) => {
        if (abort.signal.aborted || this.disk.get(p) !== entry) return;
        entry.loading = undefined;
        entry.failed = describeError(e);
        this.log.warn(`Could not read the training file ${p} for train/validation overlap: ${entry.failed}`);
      },
    );
  }

  private changedOnDisk(p: string): void {
    const d = this.disk.get(p);
    d?.loading?.abort();
    this.disk.delete(p);
    this.notify(p);
  }

  private notify(p: string): void {
    const uris = this.dependents(vscode.Uri.file(p));
    if (uris.length > 0) this.onDidLoad(uris);
  }

  private clear(): void {
    for (const t of this.idle.values()) clearTimeout(t);
    this.idle.clear();
    for (const d of this.disk.values()) d.loading?.abort();
    this.disk.clear();
    for (const p of this.pairings.values()) p.watcher.dispose();
    this.pairings.clear();
  }
}
