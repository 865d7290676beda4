/**
 * Upload and training (issue 10): `tuneline.uploadFile` and `tuneline.startTraining`, on the client, uploader and
 * notifier that `extension.ts` built. Returns the small surface the jobs view, the playground and the tests use.
 */
import type * as vscode from 'vscode';
import type { UploadTuning, Uploader } from '../api/upload';
import { feature, registerCommands, type Feature } from '../common/feature';
import type { ConnectedContext } from '../connection';
import type { ProviderService } from '../connection/provider';
import { startTraining } from './startTraining';
import { TrainingService, type JobCreatedEvent } from './training';
import { uploadFile } from './uploadFile';
import type { StepName } from './wizard';

export type { JobCreatedEvent } from './training';
/** The engine options the upload and training flow check a file with (provider + model's dataset profile): migrate's move uses them too. */
export { datasetCheckOptions } from './uploadFile';

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

export function register(ctx: ConnectedContext): Feature<ConnectionApi> {
  const { provider, uploader, log, notify } = ctx;
  const training = new TrainingService(provider, uploader, log, notify, ctx.extension.globalState);
  let wizardListener: ((step: StepName) => void) | undefined;
  const deps = { provider, uploader, log, notify, beforeFirstRequest: (c: Parameters<TrainingService['showWindDownNotice']>[0]) => void training.showWindDownNotice(c) };
  const commands = registerCommands(
    {
      'tuneline.uploadFile': (uri?: unknown, options?: unknown) => uploadFile(deps, uri, options),
      'tuneline.startTraining': (args?: unknown) => startTraining(training, log, args, (s) => wizardListener?.(s)),
    },
    log,
  );
  return feature([training, commands], {
    provider,
    uploader,
    training,
    onDidCreateJob: training.onDidCreateJob,
    notifications: () => notify.shown,
    setUploadTuning: (t) => uploader.setTuning(t),
    setWizardListener: (l) => {
      wizardListener = l;
    },
  });
}
