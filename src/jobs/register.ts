/**
 * Registers the jobs feature (issue 7): the model, the `tuneline.jobs` tree, the metrics panels, the read-only job
 * documents, the end-of-job notifications and the job commands. Nothing is fetched here: the model loads when the
 * view first becomes visible (or a command needs it).
 */
import type * as vscode from 'vscode';
import type { ProviderService } from '../api/provider';
import { registerCommand } from '../common/commands';
import type { Logger } from '../common/logger';
import type { JobCreatedEvent } from '../training/training';
import { confirmCancel, jobCommandHandlers, type CancelConfirmation } from './commands';
import { JobDocuments } from './documents';
import { MetricsPanels } from './metricsPanel';
import { JobsModel, type PollTiming } from './model';
import { JobNotifier } from './notifications';
import { JobsTree } from './tree';

/** What the integration tests (through `TunelineApi.jobs`) can see and tune. */
export interface JobsApi {
  readonly model: JobsModel;
  readonly tree: JobsTree;
  readonly panels: MetricsPanels;
  readonly notifier: JobNotifier;
  /** Tests: faster polling; `undefined` restores 2 s → 30 s. */
  setPollTiming(timing: PollTiming | undefined): void;
  /** Tests: answer the cancel confirmation without the modal dialog; `undefined` restores the dialog. */
  setCancelConfirmation(confirm: CancelConfirmation | undefined): void;
}

export function registerJobs(
  extensionUri: vscode.Uri,
  provider: ProviderService,
  onDidCreateJob: vscode.Event<JobCreatedEvent>,
  log: Logger,
): { disposables: vscode.Disposable[]; api: JobsApi } {
  const model = new JobsModel(provider, log);
  const tree = new JobsTree(model);
  const panels = new MetricsPanels(extensionUri, model, log);
  const documents = new JobDocuments(model);
  const notifier = new JobNotifier(model, onDidCreateJob, log);
  let confirm: CancelConfirmation = confirmCancel;
  const handlers = jobCommandHandlers({ model, panels, documents, log, confirm: () => confirm });
  const disposables: vscode.Disposable[] = [
    // disposed in reverse: commands first, the model last
    model,
    tree,
    panels,
    documents,
    notifier,
    ...Object.entries(handlers).map(([id, h]) => registerCommand(id, h, log)),
  ];
  return {
    disposables: disposables.reverse(),
    api: {
      model,
      tree,
      panels,
      notifier,
      setPollTiming: (t) => model.setTiming(t),
      setCancelConfirmation: (c) => {
        confirm = c ?? confirmCancel;
      },
    },
  };
}
