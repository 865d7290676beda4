/**
 * Registers the jobs feature (issue 7): the model, the `tuneline.jobs` tree, the metrics panels, the read-only job
 * documents, the end-of-job notifications and the job commands. Nothing is fetched here: the model loads when the
 * view first becomes visible (or a command needs it).
 */
import type * as vscode from 'vscode';
import { providerFor, type ProviderId } from '../api/providers';
import { feature, registerCommands, type Feature } from '../common/feature';
import type { ConnectedContext } from '../connection';
import type { JobCreatedEvent } from '../training/register';
import { confirmCancel, jobCommandHandlers, type CancelConfirmation } from './commands';
import { deployCommandHandlers } from './deployCommands';
import type { Retirements } from '../connection/retirement';
import { ArmRetirementDates } from './armDates';
import { RetirementNotice } from './retirementNotice';
import { Deployments } from './deployments';
import { FineTunedModels } from './fineTunedModel';
import { JobDocuments } from './documents';
import { ProviderGroups } from './groups';
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
  /** Azure deployments (tests: `setCredential`, `pollIntervalMs`, `onPoll`, `confirm`). */
  readonly deployments: Deployments;
  /** The account's fine-tuned models ("My fine-tuned models", issue 18). */
  readonly fineTuned: FineTunedModels;
  /** Retirement dates and the one clock days left are counted with (tests: `retirements.clock.set(date)`). */
  readonly retirements: Retirements;
  /** Azure: the retirement dates read from ARM's model list (tests: `refresh()`, `settled()`). */
  readonly armDates: ArmRetirementDates;
  /** The one-time notice for OpenAI fine-tunes (tests: `forget()`, `message()`). */
  readonly notice: RetirementNotice;
  /** Several providers configured: one jobs model per provider, grouped in the tree. */
  readonly groups: ProviderGroups;
  /** Tests: the adapter whose capabilities the view follows (by id), instead of the settings' provider. */
  setAdapter(id: ProviderId | undefined): void;
  /** Tests: faster polling; `undefined` restores 2 s → 30 s. */
  setPollTiming(timing: PollTiming | undefined): void;
  /** Tests: answer the cancel confirmation without the modal dialog; `undefined` restores the dialog. */
  setCancelConfirmation(confirm: CancelConfirmation | undefined): void;
}

export function register(ctx: ConnectedContext & { readonly onDidCreateJob: vscode.Event<JobCreatedEvent> }): Feature<JobsApi> {
  const { provider, log, onDidCreateJob } = ctx;
  const extensionUri = ctx.extension.extensionUri;
  const model = new JobsModel(provider, log);
  const deployments = new Deployments(ctx.extension.globalState, log);
  // the chat client (playground, evaluation) reaches a model through the deployment the tree created or found
  provider.setDeploymentLookup((m) => deployments.deploymentFor(m));
  const fineTuned = new FineTunedModels(provider, log);
  const retirements = ctx.retirements;
  const groups = new ProviderGroups(model, provider, log);
  const modelOf = (jobId: string) => groups.modelOf(jobId);
  // "My fine-tuned models" is the current provider's (it sits in that provider's group when the view is grouped)
  const tree = new JobsTree(model, deployments, { models: fineTuned, retirements, providerId: () => model.adapter().id }, groups);
  const armDates = new ArmRetirementDates(deployments, retirements, () => model.adapter().id, log);
  void armDates.refresh();
  const notice = new RetirementNotice(fineTuned, retirements, () => model.adapter().id, ctx.extension.globalState, ctx.notify, log);
  // the provider or its settings changed: Azure's dates are read (or dropped) again
  const armOnProvider = provider.onDidChange(() => void armDates.refresh());
  const panels = new MetricsPanels(extensionUri, model, log, modelOf);
  const documents = new JobDocuments(model, modelOf);
  const notifier = new JobNotifier(model, onDidCreateJob, log, groups);
  let confirm: CancelConfirmation = confirmCancel;
  const handlers = { ...jobCommandHandlers({ model, panels, documents, log, confirm: () => confirm, modelOf, refreshOthers: () => groups.refreshOthers() }), ...deployCommandHandlers({ model, deployments, log }) };
  // Refresh reads the account's fine-tuned models again too
  const refreshJobs = handlers['tuneline.jobs.refresh'];
  handlers['tuneline.jobs.refresh'] = async () => {
    await Promise.all([refreshJobs(), fineTuned.state.kind === 'idle' ? undefined : fineTuned.refresh(), armDates.refresh(true)]);
  };
  const disposables: vscode.Disposable[] = [
    // disposed in reverse: commands first, the model last
    model,
    groups,
    fineTuned,
    deployments,
    armDates,
    armOnProvider,
    notice,
    { dispose: () => provider.setDeploymentLookup(undefined) },
    tree,
    panels,
    documents,
    notifier,
    registerCommands(handlers, log),
  ];
  return feature(disposables.reverse(), {
    model,
    tree,
    panels,
    notifier,
    deployments,
    fineTuned,
    retirements,
    armDates,
    notice,
    groups,
    setPollTiming: (t) => {
      model.setTiming(t);
      groups.setTiming(t);
    },
    setAdapter: (id) => model.setAdapterOverride(id ? providerFor(id) : undefined),
    setCancelConfirmation: (c) => {
      confirm = c ?? confirmCancel;
    },
  });
}
