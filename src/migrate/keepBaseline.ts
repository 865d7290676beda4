/**
 * `tuneline.keepBaseline [model] [validation file | { file }]` (issue 18): records a fine-tuned model's replies on a
 * validation file, before the model is gone, into `.tuneline/baselines/<model>.eval-<date>.jsonl` (the evaluation
 * results file plus provider, base model, date, settings and each prompt: `baseline.ts`), so any later model can be
 * compared with it offline (`tuneline.compareWithBaseline`).
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EVAL_PARAMS } from '../api/evalLive';
import { extractExamples, isResultsFileName } from '../core/eval';
import { CancelledError, UserFacingError } from '../common/commands';
import { readDatasetText } from '../common/datasetFiles';
import type { Logger } from '../common/logger';
import type { ProviderService } from '../connection/provider';
import { BASELINE_DIR } from './baseline';
import { clientFor, pickModel, workspaceRoot } from './models';
import { recordRun, type RecordResult } from './record';

export interface KeepBaselineResult extends RecordResult {
  readonly model: string;
  readonly provider: string;
}

/** A validation file: the argument (a Uri, or `{ file }`), else a quick pick of the workspace's JSONL files. */
async function pickValidationFile(arg: unknown): Promise<vscode.Uri> {
  const given = arg instanceof vscode.Uri ? arg : arg && typeof arg === 'object' && (arg as { file?: unknown }).file instanceof vscode.Uri ? (arg as { file: vscode.Uri }).file : undefined;
  if (given) return given;
  const uris = (await vscode.workspace.findFiles('**/*.{jsonl,ndjson}', '**/{node_modules,.git,.tuneline}/**', 500)).filter((u) => !isResultsFileName(path.basename(u.fsPath)));
  if (!uris.length) throw new UserFacingError(vscode.l10n.t('No JSONL file in the workspace: add a validation file (chat examples with an assistant reply) first.'));
  uris.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  const pick = await vscode.window.showQuickPick(
    uris.map((uri) => ({ label: path.basename(uri.fsPath), description: vscode.workspace.asRelativePath(uri), uri })),
    { title: vscode.l10n.t('Keep a Baseline: the validation file'), placeHolder: vscode.l10n.t('The examples the model answers (the same are sent to any model compared later)'), ignoreFocusOut: true },
  );
  if (!pick) throw new CancelledError();
  return pick.uri;
}

export async function keepBaseline(provider: ProviderService, log: Logger, modelArg?: unknown, fileArg?: unknown): Promise<KeepBaselineResult> {
  const ref = await pickModel(provider, modelArg, vscode.l10n.t('Keep a Baseline: the model'));
  const client = await clientFor(provider, ref.providerId);
  const uri = await pickValidationFile(fileArg ?? modelArg);
  if (uri.scheme !== 'file') throw new UserFacingError(vscode.l10n.t('Tuneline reads validation files on disk; {0} is not one.', uri.toString(true)));
  const text = await readDatasetText(uri);
  const { examples, skipped } = extractExamples(text);
  const name = vscode.workspace.asRelativePath(uri);
  if (!examples.length) throw new UserFacingError(vscode.l10n.t('{0} has no chat example to record: each needs a user turn and an assistant turn.', name));
  const r = await recordRun(
    {
      client,
      provider: ref.providerId,
      model: ref.modelId,
      ...(ref.baseModel ? { baseModel: ref.baseModel } : {}),
      examples,
      skipped,
      validationFile: name,
      validationSha256: createHash('sha256').update(text).digest('hex'),
      temperature: EVAL_PARAMS.temperature,
      dir: path.join(workspaceRoot().fsPath, BASELINE_DIR),
      title: vscode.l10n.t('Keeping a baseline of {0}', ref.modelId),
    },
    log,
  );
  const rel = vscode.workspace.asRelativePath(r.file);
  const open = vscode.l10n.t('Open');
  void vscode.window
    .showInformationMessage(
      r.status === 'completed'
        ? vscode.l10n.t('Baseline of {0} kept in {1}: {2} replies.', ref.modelId, rel, r.rows)
        : vscode.l10n.t('Baseline of {0} is partial ({1} replies, {2}): {3}.', ref.modelId, r.rows, r.status, rel),
      open,
    )
    .then((c) => {
      if (c === open) void vscode.window.showTextDocument(vscode.Uri.file(r.file));
    });
  return { ...r, model: ref.modelId, provider: ref.providerId };
}
