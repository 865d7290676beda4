import * as path from 'node:path';
import * as vscode from 'vscode';
import { CancelledError, UserFacingError } from '../common/commands';
import { confirmOverwrite, readDatasetText, resolveDatasetUri } from '../common/datasetFiles';
import { uriExists } from '../common/files';
import type { Logger } from '../common/logger';
import { readSettings } from '../common/settings';
import { TRAINER_IDS, TRAINERS, TrainerExport, textLines, trainerId, type ExportPart, type ExportSummary, type TrainerCheck, type TrainerId } from '../core/export';

export interface ExportForTrainerResult {
  readonly trainer: TrainerId;
  /** Every file written (data first, then the config files). */
  readonly files: readonly vscode.Uri[];
  /** The config opened in the editor. */
  readonly config: vscode.Uri;
  readonly validation?: vscode.Uri;
  readonly summary: ExportSummary;
  /** The summary message shown. */
  readonly message: string;
}

const DESCRIPTIONS: Readonly<Record<TrainerId, string>> = {
  axolotl: 'chat_template dataset + axolotl.yaml (keeps per-message weights)',
  trl: 'SFTTrainer / DPOTrainer conversational lines + trl sft|dpo config and script',
  'llama-factory': 'sharegpt lines + dataset_info.json + train YAML',
  'mlx-lm': 'mlx-data/train.jsonl (+ valid.jsonl) + mlx_lm.lora config',
};

/** `set.jsonl` → `set`; `set.train.jsonl` → `set.train`. */
function baseName(uri: vscode.Uri): string {
  return path.posix.basename(uri.path).replace(/\.(jsonl|ndjson)$/i, '') || 'dataset';
}

/** The validation file Split Dataset writes next to a file: `set.train.jsonl` → `set.valid.jsonl`, `set.jsonl` → `set.valid.jsonl`. */
async function validationSibling(uri: vscode.Uri): Promise<vscode.Uri | undefined> {
  const base = baseName(uri).replace(/\.train$/i, '');
  if (/\.valid$/i.test(base)) return undefined;
  const v = vscode.Uri.joinPath(uri, '..', `${base}.valid.jsonl`);
  return v.toString() !== uri.toString() && (await uriExists(v)) ? v : undefined;
}

async function pickTrainer(arg: unknown): Promise<TrainerId> {
  if (typeof arg === 'string') {
    const t = trainerId(arg);
    if (!t) throw new UserFacingError(vscode.l10n.t('Unknown trainer "{0}" (one of {1}).', arg, TRAINER_IDS.join(', ')));
    return t;
  }
  const picked = await vscode.window.showQuickPick(
    TRAINER_IDS.map((id) => ({ label: TRAINERS[id].label, description: DESCRIPTIONS[id], id })),
    { title: vscode.l10n.t('Export for which trainer?'), placeHolder: vscode.l10n.t('The dataset is written as this trainer reads it, with a ready config') },
  );
  if (!picked) throw new CancelledError();
  return picked.id;
}

async function pickFolder(arg: unknown, source: vscode.Uri, trainer: TrainerId): Promise<vscode.Uri> {
  if (arg instanceof vscode.Uri) return arg;
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    defaultUri: vscode.Uri.joinPath(source, '..'),
    openLabel: vscode.l10n.t('Export Here'),
    title: vscode.l10n.t('Output folder for {0}', TRAINERS[trainer].label),
  });
  if (!picked?.[0]) throw new CancelledError();
  return picked[0];
}

/**
 * `tuneline.exportForTrainer [uri] [trainer] [folder]`: writes the dataset (and its Split Dataset validation file, when
 * there is one) as Axolotl, TRL, LLaMA-Factory or MLX-LM read it, with the trainer's config, into a folder: NEW files
 * through one WorkspaceEdit (one undo removes them; existing files only after the user agrees), with progress and
 * cancel. Opens the config, shows the trainer checks as a summary and as diagnostics on the source lines.
 */
export async function exportForTrainer(
  log: Logger,
  diagnostics: vscode.DiagnosticCollection,
  arg?: unknown,
  trainerArg?: unknown,
  folderArg?: unknown,
): Promise<ExportForTrainerResult> {
  const source = resolveDatasetUri(arg);
  const trainer = await pickTrainer(trainerArg);
  const folder = await pickFolder(folderArg, source, trainer);
  const validation = await validationSibling(source);
  const model = readSettings(source).model;
  const ex = new TrainerExport(trainer, { name: baseName(source), model, validation: validation !== undefined });
  const parts: Array<[ExportPart, vscode.Uri]> = [['train', source]];
  if (validation) parts.push(['validation', validation]);

  const outputs = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Exporting for {0}', TRAINERS[trainer].label), cancellable: true },
    async (progress, token) => {
      const data: Array<{ path: string; text: string }> = [];
      for (const [part, uri] of parts) {
        const text = await readDatasetText(uri);
        const chunks: string[] = [];
        let n = 0;
        let consumed = 0;
        let reported = 0;
        for (const line of textLines(text)) {
          const o = ex.line(line, n++, part);
          if (o !== undefined) chunks.push(o + '\n');
          consumed += line.length + 1;
          if (n % 5000 === 0) {
            if (token.isCancellationRequested) throw new CancelledError();
            const done = Math.min(100, Math.round((consumed / Math.max(1, text.length)) * 100));
            progress.report({ message: vscode.l10n.t('{0}: line {1}', path.posix.basename(uri.path), n), increment: (done - reported) / parts.length });
            reported = done;
            await new Promise((r) => setImmediate(r));
          }
        }
        if (token.isCancellationRequested) throw new CancelledError();
        data.push({ path: ex.dataPath(part), text: chunks.join('') });
      }
      return data;
    },
  );
  const summary = ex.finish();
  const files = [...outputs, ...summary.config.files].map((f) => ({ uri: vscode.Uri.joinPath(folder, ...f.path.split('/')), text: f.text }));
  const existing: vscode.Uri[] = [];
  for (const f of files) if (await uriExists(f.uri)) existing.push(f.uri);
  if (existing.length) await confirmOverwrite(existing);

  const edit = new vscode.WorkspaceEdit();
  const encoder = new TextEncoder();
  for (const f of files) edit.createFile(f.uri, { overwrite: true, contents: encoder.encode(f.text) }, { label: vscode.l10n.t('Export for {0}', TRAINERS[trainer].label), needsConfirmation: false });
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`Could not write the export into ${vscode.workspace.asRelativePath(folder)}.`);

  showDiagnostics(diagnostics, summary, trainer, source, validation);
  const config = files[outputs.length]!.uri;
  await vscode.window.showTextDocument(config, { preview: false });
  const message = summaryMessage(summary, folder);
  log.info(`exportForTrainer ${trainer} ${source.toString(true)} → ${folder.toString(true)}: ${message}`);
  for (const c of summary.checks) log.info(`  ${c.part} line ${c.line === undefined ? '-' : c.line + 1}: ${c.severity} ${c.code}: ${c.message}`);
  const problems = vscode.l10n.t('Show Checks');
  const errors = summary.counts.some((c) => c.severity === 'error');
  const shown = (errors || summary.counts.some((c) => c.severity === 'warning') ? vscode.window.showWarningMessage : vscode.window.showInformationMessage)(message, problems);
  void shown.then((choice) => {
    if (choice === problems) void vscode.commands.executeCommand('workbench.actions.view.problems');
  });
  return { trainer, files: files.map((f) => f.uri), config, validation, summary, message };
}

function summaryMessage(s: ExportSummary, folder: vscode.Uri): string {
  const label = TRAINERS[s.trainer].label;
  const written = s.data.map((d) => `${d.lines} ${d.part}`).join(' + ');
  const skipped = s.skipped.train + s.skipped.validation;
  const head = vscode.l10n.t('Exported for {0} into {1}: {2} line(s){3}. Train: {4}.', label, vscode.workspace.asRelativePath(folder), written, skipped ? vscode.l10n.t(', {0} left out', skipped) : '', s.config.command);
  if (!s.counts.length) return head + ' ' + vscode.l10n.t('No trainer checks.');
  const list = s.counts
    .slice(0, 6)
    .map((c) => `${c.code} ×${c.count}`)
    .join(', ');
  return head + ' ' + vscode.l10n.t('Checks: {0}{1}.', list, s.counts.length > 6 ? ', …' : '');
}

function showDiagnostics(collection: vscode.DiagnosticCollection, s: ExportSummary, trainer: TrainerId, source: vscode.Uri, validation?: vscode.Uri): void {
  const byPart: Record<ExportPart, vscode.Diagnostic[]> = { train: [], validation: [] };
  const severity = { error: vscode.DiagnosticSeverity.Error, warning: vscode.DiagnosticSeverity.Warning, info: vscode.DiagnosticSeverity.Information } as const;
  const add = (c: TrainerCheck) => {
    const line = c.line ?? 0;
    const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), `${TRAINERS[trainer].label}: ${c.message}`, severity[c.severity]);
    d.source = `Tuneline export (${TRAINERS[trainer].label})`;
    d.code = { value: c.code, target: vscode.Uri.parse(TRAINERS[trainer].docs) };
    byPart[c.part === 'validation' && validation ? 'validation' : 'train'].push(d);
  };
  for (const c of s.checks) add(c);
  collection.set(source, byPart.train);
  if (validation) collection.set(validation, byPart.validation);
}
