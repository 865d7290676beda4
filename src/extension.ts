import * as vscode from 'vscode';
import { Uploader } from './api/upload';
import { ContextKeys, setContext } from './common/contextKeys';
import { registerCommands, type FeatureContext } from './common/feature';
import { Logger } from './common/logger';
import { KeyStore, Notifier, ProviderService, Retirements, type ConnectedContext } from './connection';
import * as connection from './connection/register';
import * as dataset from './dataset/register';
import * as diagnostics from './diagnostics/register';
import type { DatasetEditingApi } from './diagnostics/register';
import * as evaluation from './eval/register';
import * as exporting from './export/register';
import * as jobs from './jobs/register';
import * as migrate from './migrate/register';
import type { MigrateApi } from './migrate/register';
import type { JobsApi } from './jobs/register';
import * as playground from './playground/register';
import type { PlaygroundApi } from './playground/register';
import * as stats from './stats/register';
import * as training from './training/register';
import type { ConnectionApi } from './training/register';

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
  /** Keep a baseline, compare, move a fine-tune (issue 18): the comparison views, for tests. */
  readonly migrate: MigrateApi;
}

/** The composition root: builds the shared services and each feature, registers each once, and does nothing else. */
export function activate(context: vscode.ExtensionContext): TunelineApi {
  const sub = (...items: vscode.Disposable[]) => context.subscriptions.push(...items);

  const log = new Logger();
  const keys = new KeyStore(context.secrets, log);
  const provider = new ProviderService(keys, log, context.globalState);
  const uploader = new Uploader(context.globalState, log);
  const notify = new Notifier(log);
  const retirements = new Retirements();
  sub(log, keys, provider, retirements);
  const base: FeatureContext = { extension: context, log };
  const connected: ConnectedContext = { ...base, keys, provider, uploader, notify, retirements };

  const editing = diagnostics.register(base);
  const tools = stats.register({ ...base, documents: editing.api.documents });
  const datasetView = dataset.register({ ...base, documents: editing.api.documents });
  const keyCommands = connection.register(connected);
  const train = training.register(connected);
  const evaluate = evaluation.register(connected);
  const jobsView = jobs.register({ ...connected, onDidCreateJob: train.api.onDidCreateJob });
  const play = playground.register(connected);
  const exports = exporting.register(base);
  const moves = migrate.register({ ...connected, training: train.api.training, onDidChangeStatus: jobsView.api.model.onDidChangeStatus });
  for (const f of [tools, editing, datasetView, keyCommands, train, evaluate, jobsView, play, exports, moves]) sub(f.disposable);

  sub(
    registerCommands({ 'tuneline.showLog': () => log.show() }, log),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void setContext(ContextKeys.trusted, true)),
  );

  void setContext(ContextKeys.trusted, vscode.workspace.isTrusted);
  void setContext(ContextKeys.activated, true);
  log.info(`Tuneline ${String(context.extension.packageJSON.version)} activated (workspace trusted: ${vscode.workspace.isTrusted})`);
  return { log, datasets: editing.api.editing, connection: train.api, playground: play.api, jobs: jobsView.api, migrate: moves.api };
}

export function deactivate(): void {
  // Everything is in context.subscriptions; VS Code disposes it.
}
