/**
 * Registers the provider connection, upload and training features (issue 10) and returns the small surface the jobs
 * view, the playground and the tests use.
 */
import * as vscode from 'vscode';
import { registerCommand } from '../common/commands';
import type { Logger } from '../common/logger';
import type { KeyStore } from '../api/keys';
import { Notifier } from '../api/notify';
import { ProviderService } from '../api/provider';
import { DEFAULT_TUNING, Uploader, type UploadTuning } from '../api/upload';
import { uploadFile } from '../commands/uploadFile';
import { startTraining } from '../commands/startTraining';
import { TrainingService, type JobCreatedEvent } from './training';
import type { StepName } from './wizard';

export interface ConnectionApi {
  /** Builds the `TunelineClient` (`getClient()`), fires `onDidChange`; tests swap the host prompt or the factory. */
  readonly provider: ProviderService;
  readonly uploader: Uploader;
  readonly training: TrainingService;
  /** Fires for every job Tuneline starts (the jobs view listens). */
  readonly onDidCreateJob: vscode.Event<JobCreatedEvent>;
  /** The notifications the upload and training commands showed (redacted), oldest first. */
  readonly notifications: () => readonly string[];
  /** Tests: tiny parts, a small multi-part threshold, fast polling. `undefined` restores the defaults. */
  setUploadTuning(tuning: Partial<UploadTuning> | undefined): void;
  /** Tests: called with each step of the training quick pick as it is shown. */
  setWizardListener(listener: ((step: StepName) => void) | undefined): void;
}

export function registerConnection(context: vscode.ExtensionContext, log: Logger, keys: KeyStore): { disposables: vscode.Disposable[]; api: ConnectionApi } {
  const notify = new Notifier(log);
  const provider = new ProviderService(keys, log, context.globalState);
  let tuning: UploadTuning = DEFAULT_TUNING;
  const uploader = new Uploader(context.globalState, log, () => tuning);
  const training = new TrainingService(provider, uploader, log, notify, context.globalState);
  let wizardListener: ((step: StepName) => void) | undefined;
  const deps = { provider, uploader, log, notify, beforeFirstRequest: (c: Parameters<TrainingService['showWindDownNotice']>[0]) => void training.showWindDownNotice(c) };
  const disposables: vscode.Disposable[] = [
    provider,
    training,
    registerCommand('tuneline.uploadFile', (uri?: unknown, options?: unknown) => uploadFile(deps, uri, options), log),
    registerCommand('tuneline.startTraining', (args?: unknown) => startTraining(training, log, args, (s) => wizardListener?.(s)), log),
  ];
  return {
    disposables,
    api: {
      provider,
      uploader,
      training,
      onDidCreateJob: training.onDidCreateJob,
      notifications: () => notify.shown,
      setUploadTuning: (t) => {
        tuning = t ? { ...DEFAULT_TUNING, ...t } : DEFAULT_TUNING;
      },
      setWizardListener: (l) => {
        wizardListener = l;
      },
    },
  };
}
