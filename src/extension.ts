import * as vscode from 'vscode';
import { KeyStore } from './api/keys';
import { registerCommand } from './common/commands';
import { ContextKeys, setContext } from './common/contextKeys';
import { Logger } from './common/logger';
import { onDidChangeSettings, readSettings } from './common/settings';
import { clearApiKey } from './commands/clearApiKey';
import { createStarterDataset } from './commands/createStarterDataset';
import { setApiKey } from './commands/setApiKey';
import { registerJobs, type JobsApi } from './jobs/register';
import { registerDatasetTools } from './stats/register';
import { DatasetEditing, type DatasetEditingApi } from './diagnostics/datasetEditing';
import { DatasetView } from './dataset/datasetView';
import { registerConnection, type ConnectionApi } from './training/register';
import { registerEvaluation } from './eval/register';
import { Playground, type PlaygroundApi } from './playground/register';

/** What `activate` returns: a small surface for the integration tests (and other extensions). */
export interface TunelineApi {
  readonly log: Logger;
  /** Dataset editing (diagnostics, quick fixes, hover, status bar), read-only for tests. */
  readonly datasets: DatasetEditingApi;
  /** Provider client, upload and training (issue 10): the jobs view and the playground use `connection.provider`. */
  readonly connection: ConnectionApi;
  /** The playground (issue 8): its session and model list, for tests. */
  readonly playground: PlaygroundApi;
  /** The jobs view, its model, metrics panels and notifications (issue 7). */
  readonly jobs: JobsApi;
}

/** The composition root: builds each feature, registers it once, and does nothing else. */
export function activate(context: vscode.ExtensionContext): TunelineApi {
  const sub = (...items: vscode.Disposable[]) => context.subscriptions.push(...items);

  const log = new Logger();
  const keys = new KeyStore(context.secrets, log);
  sub(log, keys);
  sub(registerDatasetTools(context.extensionUri, log));
  const datasets = new DatasetEditing(context, log);
  sub(datasets);
  const datasetView = new DatasetView(datasets.manager);
  sub(datasetView);
  const connection = registerConnection(context, log, keys);
  sub(...connection.disposables);
  sub(...registerEvaluation(context, log, keys, connection.api.provider));
  const jobs = registerJobs(context.extensionUri, connection.api.provider, connection.api.onDidCreateJob, log);
  sub(...jobs.disposables);
  const playground = new Playground(context, connection.api.provider, log);
  sub(playground);

  const updateKeyContext = async () => {
    const key = await keys.get(readSettings().provider);
    await setContext(ContextKeys.hasApiKey, !!key);
  };
  sub(
    keys.onDidChange(() => void updateKeyContext()),
    onDidChangeSettings(() => void updateKeyContext()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void setContext(ContextKeys.trusted, true)),
  );

  sub(
    registerCommand('tuneline.showLog', () => log.show(), log),
    registerCommand('tuneline.setApiKey', (key?: unknown, provider?: unknown) => setApiKey(keys, key, provider), log),
    registerCommand('tuneline.clearApiKey', (provider?: unknown) => clearApiKey(keys, provider), log),
    registerCommand('tuneline.createStarterDataset', (folder?: unknown) => createStarterDataset(folder), log),
  );

  void setContext(ContextKeys.trusted, vscode.workspace.isTrusted);
  void updateKeyContext();
  void setContext(ContextKeys.activated, true);
  log.info(`Tuneline ${String(context.extension.packageJSON.version)} activated (workspace trusted: ${vscode.workspace.isTrusted})`);
  return { log, datasets: datasets.api, connection: connection.api, playground: playground.api, jobs: jobs.api };
}

export function deactivate(): void {
  // Everything is in context.subscriptions; VS Code disposes it.
}
