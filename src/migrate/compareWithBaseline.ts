/**
 * `tuneline.compareWithBaseline [baseline Uri] [{ provider, model } | { file }]` (issue 18): runs a new model on the
 * kept baseline's own prompts with the baseline's settings (the run is saved like a baseline, in
 * `.tuneline/comparisons/`), then shows the two side by side. With `{ file }` (a second results file) it compares
 * the two files offline, without a request.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProviderId } from '../api/providers';
import { CancelledError, UserFacingError } from '../common/commands';
import { describeError, type Logger } from '../common/logger';
import type { CompareView } from '../common/protocol/compare';
import type { ProviderService } from '../connection/provider';
import { baselineExamples, COMPARISON_DIR, readBaseline, type ParsedBaseline } from './baseline';
import { compareRuns } from './compare';
import type { ComparePanels } from './comparePanel';
import { clientFor, keptBaselines, modelRef, pickModel, workspaceRoot } from './models';
import { recordRun } from './record';

export interface CompareResult {
  readonly baselineFile: string;
  readonly candidateFile: string;
  readonly view: CompareView;
}

async function readRun(file: string): Promise<ParsedBaseline> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (e) {
    throw new UserFacingError(vscode.l10n.t('Cannot read {0}: {1}', path.basename(file), describeError(e)));
  }
  try {
    return readBaseline(text);
  } catch (e) {
    throw new UserFacingError(vscode.l10n.t('{0} is not a Tuneline baseline or results file: {1}', path.basename(file), describeError(e)));
  }
}

async function pickBaseline(): Promise<vscode.Uri> {
  const kept = await keptBaselines();
  const browse = vscode.l10n.t('Pick a results file…');
  const items: Array<vscode.QuickPickItem & { uri?: vscode.Uri }> = kept.map((b) => ({
    label: b.info.model,
    description: `${b.info.provider} · ${b.info.recordedAt.slice(0, 16).replace('T', ' ')}`,
    detail: vscode.workspace.asRelativePath(b.uri),
    uri: b.uri,
  }));
  items.push({ label: browse, alwaysShow: true });
  const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Compare with a Baseline: the baseline'), ignoreFocusOut: true });
  if (!pick) throw new CancelledError();
  if (pick.uri) return pick.uri;
  const uris = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { JSONL: ['jsonl'] }, defaultUri: workspaceRoot() });
  if (!uris?.[0]) throw new CancelledError();
  return uris[0];
}

export async function compareWithBaseline(provider: ProviderService, panels: ComparePanels, log: Logger, baselineArg?: unknown, targetArg?: unknown): Promise<CompareResult> {
  const baselineUri = baselineArg instanceof vscode.Uri ? baselineArg : await pickBaseline();
  const baseline = await readRun(baselineUri.fsPath);
  const offline = targetArg && typeof targetArg === 'object' && (targetArg as { file?: unknown }).file instanceof vscode.Uri ? (targetArg as { file: vscode.Uri }).file : undefined;
  let candidateFile: string;
  if (offline) {
    candidateFile = offline.fsPath;
  } else {
    const ref = modelRef(targetArg) ?? (await pickModel(provider, undefined, vscode.l10n.t('Compare with a Baseline: the new model')));
    const examples = baselineExamples(baseline);
    if (!examples.length) throw new UserFacingError(vscode.l10n.t('{0} keeps no prompts (a results file, not a kept baseline): compare it with a second results file instead.', path.basename(baselineUri.fsPath)));
    const client = await clientFor(provider, ref.providerId as ProviderId);
    const r = await recordRun(
      {
        client,
        provider: ref.providerId,
        model: ref.modelId,
        ...(ref.baseModel ? { baseModel: ref.baseModel } : {}),
        examples,
        skipped: [],
        validationFile: baseline.info.validationFile,
        validationSha256: baseline.info.validationSha256,
        temperature: baseline.info.settings.temperature,
        dir: path.join(workspaceRoot().fsPath, COMPARISON_DIR),
        comparedWith: vscode.workspace.asRelativePath(baselineUri),
        title: vscode.l10n.t('Running {0} on the baseline of {1}', ref.modelId, baseline.info.model),
      },
      log,
    );
    candidateFile = r.file;
  }
  const candidate = await readRun(candidateFile);
  const files = { baseline: baselineUri.fsPath, candidate: candidateFile };
  const view = compareRuns(baseline, candidate, { baseline: path.basename(files.baseline), candidate: path.basename(files.candidate) });
  panels.show(files, view);
  log.info(`Comparison of ${view.candidate.model} with the baseline of ${view.baseline.model}: ${view.counts.better} better, ${view.counts.worse} worse, ${view.counts.same} the same, ${view.counts.missing} on one side only`);
  return { baselineFile: files.baseline, candidateFile, view };
}
