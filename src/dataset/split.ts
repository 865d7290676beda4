import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledError, UserFacingError } from '../common/commands';
import type { Logger } from '../common/logger';
import { checkRatio, splitDataset as split } from '../core/split';
import { confirmOverwrite, lineList, readDatasetText, resolveDatasetUri, siblingUri, writeJsonl } from '../common/datasetFiles';

export const DEFAULT_SEED = 42;

export interface SplitDatasetResult {
  readonly train: vscode.Uri;
  readonly validation: vscode.Uri;
  readonly trainCount: number;
  readonly validationCount: number;
  readonly duplicates: number;
  readonly skipped: readonly number[];
  readonly ratio: number;
  readonly seed: number;
}

/**
 * `tuneline.splitDataset [uri] [ratio] [seed]`: splits a dataset into `<name>.train.jsonl` and `<name>.valid.jsonl`
 * next to it (asks before replacing them). `ratio` is the training share (0.8 = 80/20); missing arguments are asked
 * for. Copies of an example always land on the same side (see `src/core/split.ts`).
 */
export async function splitDataset(log: Logger, arg?: unknown, ratioArg?: unknown, seedArg?: unknown): Promise<SplitDatasetResult> {
  const uri = resolveDatasetUri(arg);
  // Explorer menus pass (uri, selectedUris): only a number or a numeric string counts as an argument.
  const given = (v: unknown) => typeof v === 'number' || typeof v === 'string';
  const ratio = given(ratioArg) ? Number(ratioArg) : await askRatio();
  const ratioError = checkRatio(ratio);
  if (ratioError) throw new UserFacingError(ratioError);
  const seed = given(seedArg) ? Number(seedArg) : await askSeed();
  if (!Number.isSafeInteger(seed)) throw new UserFacingError(vscode.l10n.t('The seed must be a whole number, not {0}.', String(seedArg)));

  const result = split(await readDatasetText(uri), { ratio, seed });
  if (result.train.length === 0 || result.validation.length === 0) {
    throw new UserFacingError(
      vscode.l10n.t('{0} has too few distinct examples to split ({1}).', path.posix.basename(uri.path), result.train.length + result.validation.length),
    );
  }
  const train = siblingUri(uri, 'train');
  const validation = siblingUri(uri, 'valid');
  await confirmOverwrite([train, validation]);
  await writeJsonl(train, result.train);
  await writeJsonl(validation, result.validation);

  const skipped = result.skipped.map((s) => s.line);
  let message = vscode.l10n.t(
    'Split {0}: {1} training and {2} validation examples (seed {3}).',
    path.posix.basename(uri.path),
    result.train.length,
    result.validation.length,
    seed,
  );
  if (result.duplicates) message += ` ${vscode.l10n.t('{0} duplicate copies kept with their first copy.', result.duplicates)}`;
  if (skipped.length) message += ` ${vscode.l10n.t('Left out {0} line(s) that are not JSON: {1}.', skipped.length, lineList(skipped))}`;
  log.info(`splitDataset ${uri.toString(true)} ratio ${ratio} seed ${seed}: ${message}`);
  const openTrain = vscode.l10n.t('Open Training File');
  const openValid = vscode.l10n.t('Open Validation File');
  void vscode.window.showInformationMessage(message, openTrain, openValid).then((choice) => {
    if (choice === openTrain) void vscode.window.showTextDocument(train);
    else if (choice === openValid) void vscode.window.showTextDocument(validation);
  });
  return {
    train,
    validation,
    trainCount: result.train.length,
    validationCount: result.validation.length,
    duplicates: result.duplicates,
    skipped,
    ratio,
    seed,
  };
}

async function askRatio(): Promise<number> {
  const items: Array<vscode.QuickPickItem & { ratio?: number }> = [
    { label: '80 / 20', description: vscode.l10n.t('80% training, 20% validation'), ratio: 0.8 },
    { label: '90 / 10', description: vscode.l10n.t('90% training, 10% validation'), ratio: 0.9 },
    { label: '70 / 30', description: vscode.l10n.t('70% training, 30% validation'), ratio: 0.7 },
    { label: vscode.l10n.t('Other…'), description: vscode.l10n.t('Enter the training share') },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Split dataset: training / validation'), placeHolder: vscode.l10n.t('How to split the examples') });
  if (!pick) throw new CancelledError();
  if (pick.ratio !== undefined) return pick.ratio;
  const text = await vscode.window.showInputBox({
    title: vscode.l10n.t('Split dataset: training share'),
    prompt: vscode.l10n.t('Share of examples for training, in percent (1–99)'),
    value: '85',
    validateInput: (v) => (/^\s*\d{1,2}(\.\d+)?\s*$/.test(v) && Number(v) > 0 && Number(v) < 100 ? undefined : vscode.l10n.t('A number between 1 and 99')),
  });
  if (text === undefined) throw new CancelledError();
  return Number(text) / 100;
}

async function askSeed(): Promise<number> {
  const text = await vscode.window.showInputBox({
    title: vscode.l10n.t('Split dataset: seed'),
    prompt: vscode.l10n.t('The same seed gives the same split'),
    value: String(DEFAULT_SEED),
    validateInput: (v) => (/^\s*\d{1,9}\s*$/.test(v) ? undefined : vscode.l10n.t('A whole number')),
  });
  if (text === undefined) throw new CancelledError();
  return Number(text);
}
