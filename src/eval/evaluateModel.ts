/**
 * `tuneline.evaluateModel`: evaluate one model, or compare several (e.g. base and fine-tuned), on a validation file.
 *
 * Arguments (tests, other extensions): `{ models: string[], file: Uri, batch?: boolean }` (plus `concurrency`,
 * `pollIntervalMs`, `show`). From the explorer or the editor title: the file's `Uri`. Without arguments: the active
 * JSONL editor (or a file picker), then a model picker listing the account's models, fine-tuned ones first.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseModelId } from '../core';
import { isResultsFileName } from '../core/eval';
import { CancelledError, UserFacingError } from '../common/commands';
import type { EvalService, EvaluateOptions, EvaluateResult } from './service';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function asUri(v: unknown): vscode.Uri | undefined {
  if (v instanceof vscode.Uri) return v;
  if (typeof v === 'string' && v) return v.includes('://') ? vscode.Uri.parse(v) : vscode.Uri.file(v);
  if (isObj(v) && typeof v['scheme'] === 'string' && typeof v['path'] === 'string') return vscode.Uri.from(v as { scheme: string; path: string });
  return undefined;
}

/** The options in an args object, or undefined when `args` is not one. */
export function parseEvaluateArgs(args: unknown): EvaluateOptions | undefined {
  if (!isObj(args) || !Array.isArray(args['models'])) return undefined;
  const file = asUri(args['file']);
  const models = args['models'].filter((m): m is string => typeof m === 'string');
  if (!file || models.length === 0) throw new UserFacingError('tuneline.evaluateModel needs { models: string[], file: Uri }.');
  const num = (k: string) => (typeof args[k] === 'number' && Number.isFinite(args[k]) ? (args[k] as number) : undefined);
  const concurrency = num('concurrency');
  const pollIntervalMs = num('pollIntervalMs');
  return {
    models,
    file,
    ...(typeof args['batch'] === 'boolean' ? { batch: args['batch'] } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}),
    ...(typeof args['show'] === 'boolean' ? { show: args['show'] } : {}),
  };
}

async function pickFile(arg: unknown): Promise<vscode.Uri> {
  const given = asUri(arg);
  if (given) return given;
  const active = vscode.window.activeTextEditor?.document;
  if (active && active.uri.scheme === 'file' && /\.(jsonl|ndjson)$/i.test(active.uri.path) && !isResultsFileName(path.basename(active.uri.path))) {
    if (active.isDirty) await active.save();
    return active.uri;
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: vscode.l10n.t('Evaluate'),
    title: vscode.l10n.t('Validation file to evaluate on'),
    filters: { JSONL: ['jsonl', 'ndjson'] },
    ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
  });
  if (!picked?.[0]) throw new CancelledError();
  return picked[0];
}

const isFineTuned = (id: string): boolean => parseModelId(id).fineTuned;

async function pickModels(service: EvalService): Promise<string[]> {
  const client = await service.client();
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { id: string }>();
  qp.title = vscode.l10n.t('Models to evaluate (pick one, or two or more to compare)');
  qp.placeholder = vscode.l10n.t('Pick a fine-tuned model and its base to compare them');
  qp.canSelectMany = true;
  qp.busy = true;
  qp.show();
  try {
    const models = await client.listModels();
    const ft = models.filter((m) => isFineTuned(m.id)).sort((a, b) => b.created - a.created);
    const base = models.filter((m) => !isFineTuned(m.id)).sort((a, b) => a.id.localeCompare(b.id));
    qp.items = [
      { label: vscode.l10n.t('Fine-tuned'), kind: vscode.QuickPickItemKind.Separator, id: '' },
      ...ft.map((m) => ({ label: m.id, description: new Date(m.created * 1000).toLocaleDateString(), id: m.id })),
      { label: vscode.l10n.t('Base models'), kind: vscode.QuickPickItemKind.Separator, id: '' },
      ...base.map((m) => ({ label: m.id, id: m.id })),
      // several providers configured (issue 16): each other provider's models, labelled with it
      ...(await service.otherProviderModels()).flatMap(({ label, models: listed }) => [
        { label, kind: vscode.QuickPickItemKind.Separator, id: '' },
        ...listed.map((m) => ({ label: m.id, description: label, id: m.ref })),
      ]),
    ];
  } catch (e) {
    qp.dispose();
    throw e;
  }
  qp.busy = false;
  return new Promise<string[]>((resolve, reject) => {
    qp.onDidAccept(() => {
      const ids = qp.selectedItems.map((i) => i.id).filter(Boolean);
      if (ids.length === 0) return;
      resolve(ids);
      qp.hide();
    });
    qp.onDidHide(() => {
      qp.dispose();
      reject(new CancelledError());
    });
  });
}

export async function evaluateModel(service: EvalService, args?: unknown): Promise<EvaluateResult> {
  const parsed = parseEvaluateArgs(args);
  if (parsed) return service.evaluate(parsed);
  const file = await pickFile(args);
  const models = await pickModels(service);
  return service.evaluate({ models, file });
}
