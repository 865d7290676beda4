import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { validateFile, type ValidationReport } from '../core';
import { CancelledError, UserFacingError } from '../common/commands';
import type { Logger } from '../common/logger';
import { readProfileSettings, readSettings } from '../common/settings';
import { fmtInt, plural } from '../core/format';
import type { DiagnosticsManager } from './manager';

/** Problems shown in the Problems panel at most (the counts in the summary cover all of them). */
export const MAX_PROBLEMS = 10_000;

export interface ValidateFileOnDiskResult {
  readonly uri: string;
  readonly examples: number;
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  readonly tokens?: number;
  readonly tokensExact: boolean;
  /** Problems published to the Problems panel (false if the file is open: its editor's diagnostics stay). */
  readonly published: boolean;
  readonly truncated: boolean;
  /** Threads that validated it (2 when the engine worker took the second half of a big file). */
  readonly threads: number;
}

/**
 * `tuneline.validateFileOnDisk [uri]`: streams a JSONL file from disk through the engine (bounded memory, any size:
 * VS Code hides files over 50 MB from extensions, so the editor cannot check them) with a cancellable progress
 * notification, publishes its problems to the Problems panel for the file's URI, and summarises. From the explorer
 * the clicked file comes as `uri`; from the command palette a file picker asks.
 */
export async function validateFileOnDisk(manager: DiagnosticsManager, log: Logger, arg?: unknown): Promise<ValidateFileOnDiskResult | undefined> {
  const uri = arg instanceof vscode.Uri ? arg : await pickFile();
  if (!uri) throw new CancelledError();
  const path = uri.fsPath;
  if (!fs.existsSync(path)) {
    throw new UserFacingError(`Tuneline can only check files on this machine's disk; ${uri.toString(true)} is not one.`);
  }
  const name = uri.path.split('/').pop() ?? path;
  const settings = readSettings(uri);
  const profile = readProfileSettings(uri);
  const started = Date.now();
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Checking ${name}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      let shown = 0;
      try {
        return await validateFile(path, {
          method: settings.method,
          ...(profile.model !== undefined ? { model: profile.model } : {}),
          ...(profile.provider !== undefined ? { provider: profile.provider } : {}),
          tokens: true,
          maxProblems: MAX_PROBLEMS,
          signal: abort.signal,
          onWorkerError: (e) => log.warn(`The engine worker could not check the second half of ${uri.toString(true)}; checked it on one thread instead: ${e.message}`),
          onProgress(read, total) {
            const pct = total > 0 ? Math.floor((read / total) * 100) : 100;
            if (pct > shown) {
              progress.report({ increment: pct - shown, message: `${pct}%` });
              shown = pct;
            }
          },
        });
      } catch (e) {
        if (abort.signal.aborted || (e instanceof Error && e.name === 'AbortError')) throw new CancelledError();
        throw e;
      } finally {
        sub.dispose();
      }
    },
  );
  const threads = report.threads ?? 1;
  log.info(
    `Checked ${uri.toString(true)} on disk in ${Date.now() - started} ms on ${plural(threads, 'thread')}: ${report.examples} examples, ${report.counts.error} errors, ${report.counts.warning} warnings`,
  );
  const published = manager.publishExternal(uri, report.problems, report.profile);
  void showSummary(name, report, published);
  return {
    uri: uri.toString(),
    examples: report.examples,
    errors: report.counts.error,
    warnings: report.counts.warning,
    infos: report.counts.info,
    tokens: report.tokens?.total,
    tokensExact: report.tokens?.exact ?? false,
    published,
    truncated: report.truncated,
    threads,
  };
}

async function pickFile(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: 'Check a JSONL training file on disk',
    openLabel: 'Check',
    canSelectMany: false,
    filters: { 'JSON Lines': ['jsonl', 'ndjson'], 'All files': ['*'] },
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
  return picked?.[0];
}

async function showSummary(name: string, r: ValidationReport, published: boolean): Promise<void> {
  const tokens = r.tokens ? `, ${r.tokens.exact ? '' : '~'}${fmtInt(r.tokens.total)} tokens` : '';
  const where = published
    ? r.truncated
      ? ` The Problems panel shows the first ${fmtInt(r.problems.length)}.`
      : ''
    : ' The file is open: its editor shows the live problems.';
  const text = `${name}: ${plural(r.examples, 'example')}, ${plural(r.counts.error, 'error')}, ${plural(r.counts.warning, 'warning')}${tokens}.${where}`;
  const problems = r.counts.error + r.counts.warning + r.counts.info;
  const show = 'Show Problems';
  const choice = problems > 0 && published
    ? await (r.counts.error > 0 ? vscode.window.showWarningMessage(text, show) : vscode.window.showInformationMessage(text, show))
    : await vscode.window.showInformationMessage(text);
  if (choice === show) await vscode.commands.executeCommand('workbench.actions.view.problems');
}
