import * as path from 'node:path';
import * as vscode from 'vscode';
import { UserFacingError } from '../common/commands';
import type { Logger } from '../common/logger';
import { convertDataset as convert, type ConvertSkip } from '../core/convert';
import { confirmOverwrite, lineList, readDatasetText, resolveDatasetUri, siblingUri, writeJsonl } from '../common/datasetFiles';

export interface ConvertDatasetResult {
  readonly output: vscode.Uri;
  readonly converted: number;
  readonly kept: number;
  readonly skipped: readonly ConvertSkip[];
}

/**
 * `tuneline.convertDataset [uri]`: converts prompt/completion, ShareGPT and Alpaca lines to chat `messages` into a
 * new file next to the source, `<name>.chat.jsonl` (asks before replacing it), and reports what it converted and
 * which lines it skipped.
 */
export async function convertDataset(log: Logger, arg?: unknown): Promise<ConvertDatasetResult> {
  const uri = resolveDatasetUri(arg);
  const result = convert(await readDatasetText(uri));
  if (!result.lines.length) {
    throw new UserFacingError(
      vscode.l10n.t('Nothing to convert in {0}: no line is chat, prompt/completion, ShareGPT or Alpaca.', path.posix.basename(uri.path)) +
        (result.skipped.length ? ` ${skippedText(result.skipped)}` : ''),
    );
  }
  const output = siblingUri(uri, 'chat');
  await confirmOverwrite([output]);
  await writeJsonl(output, result.lines);
  const name = path.posix.basename(output.path);
  const message =
    vscode.l10n.t('Wrote {0}: {1} line(s) converted, {2} already chat.', name, result.converted, result.kept) +
    (result.skipped.length ? ` ${skippedText(result.skipped)}` : '');
  log.info(`convertDataset ${uri.toString(true)} → ${output.toString(true)}: ${message}`);
  for (const s of result.skipped) log.info(`  skipped line ${s.line + 1}: ${s.reason}`);
  const open = vscode.l10n.t('Open');
  const show = result.skipped.length ? vscode.l10n.t('Show Log') : undefined;
  const buttons = [open, show].filter((x): x is string => !!x);
  const shown = result.skipped.length
    ? vscode.window.showWarningMessage(message, ...buttons)
    : vscode.window.showInformationMessage(message, ...buttons);
  void shown.then((choice) => {
    if (choice === open) void vscode.window.showTextDocument(output);
    else if (choice && choice === show) log.show();
  });
  return { output, converted: result.converted, kept: result.kept, skipped: result.skipped };
}

function skippedText(skipped: readonly ConvertSkip[]): string {
  const first = skipped[0]!;
  return vscode.l10n.t(
    'Skipped {0} line(s): {1} (line {2}: {3}).',
    skipped.length,
    lineList(skipped.map((s) => s.line)),
    first.line + 1,
    first.reason,
  );
}
