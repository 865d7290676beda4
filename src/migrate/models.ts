/**
 * The VS Code side shared by the three migrate commands: the client of a given provider, the fine-tuned model a
 * command works on (a jobs-view node, an argument, or a quick pick of the account's fine-tuned models), and the kept
 * baselines in the workspace.
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { PROVIDER_LABELS } from '../api/endpoint';
import type { ProviderId } from '../api/providers';
import type { FineTuningJob, TunelineClient } from '../api/types';
import { CancelledError, UserFacingError } from '../common/commands';
import type { ProviderService } from '../connection/provider';
import { readSettings } from '../common/settings';
import { BASELINE_DIR, type BaselineHeader, type BaselineInfo } from './baseline';

/** A fine-tuned model, as the jobs view's "My fine-tuned models" node gives it (duck-typed) or a command argument. */
export interface ModelRef {
  readonly providerId: ProviderId;
  readonly modelId: string;
  readonly baseModel?: string;
}

const PROVIDER_IDS = Object.keys(PROVIDER_LABELS) as ProviderId[];

/** A node or argument object with `providerId`/`modelId` (also `provider`/`model`), else undefined. */
export function modelRef(arg: unknown): ModelRef | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const o = arg as Record<string, unknown>;
  const modelId = typeof o['modelId'] === 'string' ? o['modelId'] : typeof o['model'] === 'string' ? o['model'] : undefined;
  if (!modelId) return undefined;
  const p = typeof o['providerId'] === 'string' ? o['providerId'] : typeof o['provider'] === 'string' ? o['provider'] : undefined;
  const providerId = PROVIDER_IDS.find((x) => x === p) ?? readSettings().provider;
  const baseModel = typeof o['baseModel'] === 'string' ? o['baseModel'] : undefined;
  return { providerId, modelId, ...(baseModel ? { baseModel } : {}) };
}

/** The client of `provider` (several providers at once: `tuneline.endpoints`), checked to be that provider's. */
export async function clientFor(service: ProviderService, provider: ProviderId): Promise<TunelineClient> {
  const client = await service.getClient({ provider });
  if (client.endpoint.provider !== provider) {
    throw new UserFacingError(
      vscode.l10n.t('Tuneline is connected to {0}, not {1}. Set up a connection to {1} (its API key and endpoint) to use it here.', PROVIDER_LABELS[client.endpoint.provider], PROVIDER_LABELS[provider]),
    );
  }
  return client;
}

/** Succeeded jobs with a fine-tuned model, newest first (at most `pages` pages of the jobs list). */
export async function fineTunedJobs(client: TunelineClient, pages = 10, signal?: AbortSignal): Promise<FineTuningJob[]> {
  const out: FineTuningJob[] = [];
  let after: string | undefined;
  for (let i = 0; i < pages; i++) {
    const page = await client.listJobs({ limit: 100, ...(after ? { after } : {}) }, signal ? { signal } : {});
    for (const j of page.data) if (j.fine_tuned_model) out.push(j);
    if (!page.hasMore || !page.nextAfter) break;
    after = page.nextAfter;
  }
  return out.sort((a, b) => b.created_at - a.created_at);
}

/** The job that made `model` (searched in the jobs list). */
export async function jobOf(client: TunelineClient, model: string, signal?: AbortSignal): Promise<FineTuningJob | undefined> {
  return (await fineTunedJobs(client, 20, signal)).find((j) => j.fine_tuned_model === model);
}

/** The model the command works on: the argument, else a quick pick of the account's fine-tuned models (or typed). */
export async function pickModel(service: ProviderService, arg: unknown, title: string): Promise<ModelRef> {
  const given = modelRef(arg);
  if (given) return given;
  const providerId = readSettings().provider;
  const client = await clientFor(service, providerId);
  const jobs = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Listing fine-tuned models…') }, () => fineTunedJobs(client));
  const typed = vscode.l10n.t('Type a model id…');
  const items: Array<vscode.QuickPickItem & { ref?: ModelRef }> = jobs.map((j) => ({
    label: j.fine_tuned_model!,
    description: j.model,
    detail: vscode.l10n.t('job {0}, finished {1}', j.id, j.finished_at ? new Date(j.finished_at * 1000).toISOString().slice(0, 10) : '?'),
    ref: { providerId, modelId: j.fine_tuned_model!, baseModel: j.model },
  }));
  items.push({ label: typed, alwaysShow: true });
  const pick = await vscode.window.showQuickPick(items, { title, placeHolder: vscode.l10n.t('A fine-tuned model of {0}', PROVIDER_LABELS[providerId]), ignoreFocusOut: true });
  if (!pick) throw new CancelledError();
  if (pick.ref) return pick.ref;
  const id = await vscode.window.showInputBox({ title, prompt: vscode.l10n.t('The model id'), ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('A model id')) });
  if (!id) throw new CancelledError();
  return { providerId, modelId: id.trim() };
}

/** The first workspace folder on disk (where `.tuneline/` goes). */
export function workspaceRoot(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.find((w) => w.uri.scheme === 'file');
  if (!f) throw new UserFacingError(vscode.l10n.t('Open a folder: Tuneline keeps baselines in its .tuneline folder.'));
  return f.uri;
}

export interface KeptBaseline {
  readonly uri: vscode.Uri;
  readonly info: BaselineInfo;
}

/** Every baseline in `.tuneline/baselines/`, newest first (files that do not read as one are left out). */
export async function keptBaselines(): Promise<KeptBaseline[]> {
  const dir = path.join(workspaceRoot().fsPath, BASELINE_DIR);
  const names = await fsp.readdir(dir).catch(() => [] as string[]);
  const out: KeptBaseline[] = [];
  for (const n of names.filter((x) => x.endsWith('.jsonl'))) {
    const file = path.join(dir, n);
    const info = await headerInfo(file);
    if (info) out.push({ uri: vscode.Uri.file(file), info });
  }
  return out.sort((a, b) => b.info.recordedAt.localeCompare(a.info.recordedAt));
}

/** The baseline info of a results file, from its first line only (undefined: not a baseline). */
async function headerInfo(file: string): Promise<BaselineInfo | undefined> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(file, 'r');
    const buf = Buffer.alloc(256 * 1024);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const text = buf.subarray(0, bytesRead).toString('utf8');
    const nl = text.indexOf('\n');
    const h = JSON.parse(nl >= 0 ? text.slice(0, nl) : text) as Partial<BaselineHeader>;
    return h.type === 'header' && h.baseline && typeof h.baseline.model === 'string' ? h.baseline : undefined;
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

/** The newest kept baseline of `model`. */
export async function baselineOf(model: string): Promise<KeptBaseline | undefined> {
  return (await keptBaselines()).find((b) => b.info.model === model);
}
