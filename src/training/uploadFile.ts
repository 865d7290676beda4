/**
 * `tuneline.uploadFile [uri] [options]`: checks the file with the engine, then uploads it (Files API, or the Uploads
 * API in parts for big files), reusing the same bytes if they are already on the account, and reports the service's
 * verdict. Returns an `UploadOutcome` (tests read it); `undefined` when the user stopped.
 */
import type { ProviderKind } from '../api/types';
import * as vscode from 'vscode';
import { validateFile, type MethodSetting, type ValidationReport } from '../core';
import { CancelledError, UserFacingError } from '../common/commands';
import type { Logger } from '../common/logger';
import { readSettings } from '../common/settings';
import { exampleNote, locateExample, openLineAction } from '../common/exampleLine';
import { tokenToSignal, type Notifier } from '../connection/notify';
import type { ProviderService } from '../connection/provider';
import type { UploadResult, Uploader } from '../api/upload';
import type { TunelineClient } from '../api/types';

export interface UploadOptions {
  /** What to do when the engine finds errors, without asking (tests, other commands). */
  readonly ifProblems?: 'stop' | 'upload' | 'ask';
  /** No notifications on success (used by start training, which reports on its own). */
  readonly quiet?: boolean;
}

export interface UploadOutcome {
  readonly fileId: string;
  readonly filename: string;
  readonly status: string | undefined;
  readonly statusDetails?: string | null;
  readonly reused: boolean;
  readonly via: UploadResult['via'];
  readonly partsSent: number;
  readonly partsResumed: number;
  readonly sha256: string;
  readonly bytes: number;
  /** Errors the engine found before the upload (the user chose to upload anyway). */
  readonly engineErrors: number;
}

export interface UploadDeps {
  readonly provider: ProviderService;
  readonly uploader: Uploader;
  readonly log: Logger;
  readonly notify: Notifier;
  /** Shown once before the first request to OpenAI (the wind-down notice). */
  readonly beforeFirstRequest?: (client: TunelineClient) => void;
}

const SHOW_PROBLEMS = 'Show problems';
const UPLOAD_ANYWAY = 'Upload anyway';

function isOptions(v: unknown): v is UploadOptions {
  return !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof vscode.Uri);
}

/** The target file: the argument, else the active editor's document. */
export function targetUri(arg: unknown): vscode.Uri {
  const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  if (!uri) throw new UserFacingError('Open a JSONL dataset (or pick one in the Explorer) to upload it.');
  if (uri.scheme !== 'file') throw new UserFacingError(`Tuneline can upload files on disk only, not ${uri.scheme}: resources.`);
  return uri;
}

export async function saveIfDirty(uri: vscode.Uri, log: Logger): Promise<void> {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (doc?.isDirty) {
    log.info(`Saving ${uri.fsPath} before uploading it`);
    if (!(await doc.save())) throw new UserFacingError(`Save ${vscode.workspace.asRelativePath(uri)} first: Tuneline uploads the file on disk.`);
  }
}

/**
 * The dataset profile's provider for a job's provider (`src/core/profiles/`): OpenAI and `custom` (an OpenAI-compatible
 * endpoint) are judged by OpenAI's rules (undefined); every other service by its own profile.
 */
export function profileProvider(provider: ProviderKind | undefined): string | undefined {
  return provider === undefined || provider === 'openai' || provider === 'custom' ? undefined : provider;
}

/**
 * THE provider seam of the training flow's dataset check (issues 16, 17): the one place the engine's options are
 * built for a file about to be uploaded for `provider` and `model`. The engine judges the file with that provider's
 * dataset profile (Azure's BOM and 64 images, Together's formats, Bedrock's `reference_answer`...).
 */
export function datasetCheckOptions(provider: ProviderKind, model: string, method: MethodSetting, grader: unknown, signal: AbortSignal | undefined): Parameters<typeof validateFile>[1] {
  const p = profileProvider(provider);
  return {
    method,
    model,
    ...(p !== undefined ? { provider: p } : {}),
    maxProblems: 20,
    ...(grader !== undefined ? { grader } : {}),
    ...(signal ? { signal } : {}),
  };
}

export async function checkBeforeUpload(
  uri: vscode.Uri,
  mode: UploadOptions['ifProblems'],
  deps: Pick<UploadDeps, 'log' | 'notify'>,
  signal?: AbortSignal,
  /** The job's method, model and grader when starting training (default: the settings). */
  job?: { method?: MethodSetting; model?: string; grader?: unknown; provider?: ProviderKind },
): Promise<{ ok: boolean; report: ValidationReport }> {
  const s = readSettings(uri);
  const report = await validateFile(uri.fsPath, datasetCheckOptions(job?.provider ?? s.provider, job?.model ?? s.model, job?.method ?? s.method, job?.grader, signal));

  const errors = report.counts.error;
  if (errors === 0) return { ok: true, report };
  const first = report.problems.find((p) => p.severity === 'error');
  const where = first?.line !== undefined ? ` First: line ${first.line + 1}: ${first.message}` : first ? ` First: ${first.message}` : '';
  const name = vscode.workspace.asRelativePath(uri);
  deps.log.warn(`${name}: ${errors} error(s) before upload.${where}`);
  if (mode === 'upload') return { ok: true, report };
  if (mode === 'stop') return { ok: false, report };
  const choice = await deps.notify.error(
    `${name} has ${errors} error${errors === 1 ? '' : 's'} the service would likely reject.${where}`,
    SHOW_PROBLEMS,
    UPLOAD_ANYWAY,
  );
  if (choice === UPLOAD_ANYWAY) return { ok: true, report };
  if (choice === SHOW_PROBLEMS) {
    const doc = await vscode.workspace.openTextDocument(uri);
    const line = first?.line ?? 0;
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(line, first?.column ?? 0, line, first?.endColumn ?? 0) });
    await vscode.commands.executeCommand('workbench.actions.view.problems');
  }
  return { ok: false, report };
}

/** Uploads `uri` with a cancellable progress notification in bytes. */
export async function uploadWithProgress(uri: vscode.Uri, client: TunelineClient, deps: UploadDeps, resume: () => unknown): Promise<UploadResult> {
  const name = vscode.workspace.asRelativePath(uri);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Tuneline: uploading ${name}`, cancellable: true },
    async (progress, token) => {
      const cancel = tokenToSignal(token);
      let reported = 0;
      try {
        return await deps.uploader.upload(client, {
          filePath: uri.fsPath,
          signal: cancel.signal,
          onProgress: (sent, total) => {
            const pct = total > 0 ? (sent / total) * 100 : 100;
            progress.report({ increment: pct - reported, message: `${formatBytes(sent)} of ${formatBytes(total)}` });
            reported = pct;
          },
          announce: (m) => void deps.notify.warn(m),
          resume,
        });
      } finally {
        cancel.dispose();
      }
    },
  );
}

export async function uploadFile(deps: UploadDeps, arg?: unknown, optionsArg?: unknown): Promise<UploadOutcome | undefined> {
  const options: UploadOptions = isOptions(optionsArg) ? optionsArg : isOptions(arg) ? arg : {};
  const uri = targetUri(arg);
  await saveIfDirty(uri, deps.log);
  const client = await deps.provider.getClient();
  deps.beforeFirstRequest?.(client);
  const { ok, report } = await checkBeforeUpload(uri, options.ifProblems ?? 'ask', deps);
  if (!ok) {
    deps.log.info(`Upload of ${uri.fsPath} stopped: the engine found errors`);
    throw new CancelledError();
  }
  const result = await uploadWithProgress(uri, client, deps, () => vscode.commands.executeCommand('tuneline.uploadFile', uri, { ...options, ifProblems: 'upload' }));
  const outcome: UploadOutcome = {
    fileId: result.file.id,
    filename: result.file.filename,
    status: result.file.status,
    statusDetails: result.file.status_details ?? null,
    reused: result.reused,
    via: result.via,
    partsSent: result.partsSent,
    partsResumed: result.partsResumed,
    sha256: result.sha256,
    bytes: result.bytes,
    engineErrors: report.counts.error,
  };
  await reportVerdict(uri, outcome, deps, options.quiet ?? false);
  return outcome;
}

async function reportVerdict(uri: vscode.Uri, o: UploadOutcome, deps: UploadDeps, quiet: boolean): Promise<void> {
  const name = vscode.workspace.asRelativePath(uri);
  if (o.status === 'error') {
    const details = o.statusDetails ?? 'no details given';
    const where = await locateExample(uri, details);
    throw new UserFacingError(`The service rejected ${name} (${o.fileId}): ${details}${where ? exampleNote(where) : ''}`, where ? openLineAction(where) : {});
  }
  deps.log.info(`${name}: ${o.reused ? 'reused' : 'uploaded'} ${o.fileId} (${o.via}, status ${o.status ?? 'n/a'})`);
  if (quiet) return;
  const how = o.reused
    ? `is already uploaded as ${o.fileId} (same bytes); reusing it`
    : `uploaded as ${o.fileId}${o.partsResumed ? ` (resumed: ${o.partsResumed} parts were already there)` : ''}; the service has processed it`;
  // Not awaited: the command's result must not wait for the notification to be dismissed.
  void deps.notify.info(`Tuneline: ${name} ${how}.`, 'Start training', 'Copy file id').then((choice) => {
    if (choice === 'Start training') void vscode.commands.executeCommand('tuneline.startTraining', { trainingFile: o.fileId });
    else if (choice === 'Copy file id') void vscode.env.clipboard.writeText(o.fileId);
  });
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
