import * as vscode from 'vscode';
import { registerCommand } from '../common/commands';
import type { Logger } from '../common/logger';
import { convertDataset } from '../commands/convertDataset';
import { removeDuplicates } from '../commands/removeDuplicates';
import { showDatasetStats } from '../commands/showDatasetStats';
import { splitDataset } from '../commands/splitDataset';
import { StatsPanels } from './statsPanel';

/**
 * The dataset tools: the statistics view and the dataset commands (`tuneline.showDatasetStats`,
 * `tuneline.splitDataset`, `tuneline.convertDataset`, `tuneline.removeDuplicates`). One Disposable for all of it.
 */
export function registerDatasetTools(extensionUri: vscode.Uri, log: Logger): vscode.Disposable {
  const panels = new StatsPanels(extensionUri, log);
  return vscode.Disposable.from(
    panels,
    registerCommand('tuneline.showDatasetStats', (uri?: unknown) => showDatasetStats(panels, uri), log),
    registerCommand('tuneline.splitDataset', (uri?: unknown, ratio?: unknown, seed?: unknown) => splitDataset(log, uri, ratio, seed), log),
    registerCommand('tuneline.convertDataset', (uri?: unknown) => convertDataset(log, uri), log),
    registerCommand('tuneline.removeDuplicates', (uri?: unknown) => removeDuplicates(log, uri), log),
  );
}
