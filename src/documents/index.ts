/**
 * The one per-document model: each open JSONL dataset Tuneline checks is a `TrackedDocument` (its lines, its
 * incremental `DatasetIndex`, the versions published). The diagnostics feature keeps them up to date as the user
 * types; diagnostics, quick fixes, hover, the status bar, the Dataset view and the statistics view all read them
 * through `DocumentModels` instead of indexing the document again.
 */
import type * as vscode from 'vscode';
import type { TrackedDocument } from './trackedDocument';

export type { TrackedDocument } from './trackedDocument';
export { EDITOR_TOKENIZE_MAX_BYTES } from './trackedDocument';

export interface DocumentModels {
  /** The model of an open document Tuneline checks, if any. */
  get(doc: vscode.TextDocument | vscode.Uri): TrackedDocument | undefined;
  /** Every document model, in no particular order. */
  readonly tracked: readonly TrackedDocument[];
  /** Fires after a document's problems and statistics were published for a new version. */
  readonly onDidUpdate: vscode.Event<TrackedDocument>;
  /** Fires when a document is no longer checked (closed, or no longer matching the settings). */
  readonly onDidUntrack: vscode.Event<vscode.Uri>;
}
