import type * as vscode from 'vscode';
import { resolveDatasetUri } from '../common/datasetFiles';
import type { StatsPanels } from './statsPanel';

/**
 * `tuneline.showDatasetStats [uri]`: opens (or reveals) the statistics view of a dataset: the Uri argument, else the
 * active JSONL editor's document, else the statistics view already in front. Returns the dataset's Uri.
 */
export function showDatasetStats(panels: StatsPanels, arg?: unknown): vscode.Uri {
  const uri = resolveDatasetUri(arg, panels.active?.uri);
  panels.show(uri);
  return uri;
}
