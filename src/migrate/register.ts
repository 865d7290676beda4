/**
 * Moving off a retiring fine-tune (issue 18): `tuneline.keepBaseline` (record a model's replies on a validation
 * file before it is gone), `tuneline.compareWithBaseline` (run a new model on the baseline's prompts and show both
 * side by side; or two results files offline) and `tuneline.moveFineTune` (re-create the job on another provider and
 * base model, then compare). Returns the small surface the tests read.
 */
import type * as vscode from 'vscode';
import type { FineTuningJob } from '../api/types';
import { feature, registerCommands, type Feature } from '../common/feature';
import type { ConnectedContext } from '../connection';
import type { ConnectionApi } from '../training/register';
import { ComparePanels } from './comparePanel';
import { compareWithBaseline } from './compareWithBaseline';
import { keepBaseline } from './keepBaseline';
import { moveFineTune, MoveSummaries } from './move';

export interface MigrateApi {
  /** The open comparison views (tests read `lastView`). */
  readonly panels: ComparePanels;
}

export interface MigrateContext extends ConnectedContext {
  /** The training service (upload + create on a given client). */
  readonly training: ConnectionApi['training'];
  /** The jobs view's status changes (the current provider's jobs). */
  readonly onDidChangeStatus?: vscode.Event<{ readonly job: FineTuningJob }>;
}

export function register(ctx: MigrateContext): Feature<MigrateApi> {
  const { log, provider } = ctx;
  const panels = new ComparePanels(ctx.extension.extensionUri, log);
  const summaries = new MoveSummaries();
  const moveDeps = { provider, uploader: ctx.uploader, training: ctx.training, log, summaries, retirements: ctx.retirements, ...(ctx.onDidChangeStatus ? { onDidChangeStatus: ctx.onDidChangeStatus } : {}) };
  const commands = registerCommands(
    {
      'tuneline.keepBaseline': (model?: unknown, file?: unknown) => keepBaseline(provider, log, model, file),
      'tuneline.compareWithBaseline': (baseline?: unknown, target?: unknown) => compareWithBaseline(provider, panels, log, baseline, target),
      'tuneline.moveFineTune': (model?: unknown, options?: unknown) => moveFineTune(moveDeps, model, options),
    },
    log,
  );
  return feature([commands, panels, summaries], { panels });
}
