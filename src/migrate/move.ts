/**
 * `tuneline.moveFineTune [model] [options]` (issue 18): re-creates a fine-tune's job on another provider and base
 * model. From the old job (found in the old service's jobs list): the method and hyperparameters; the training file
 * from the workspace when it is there (same name and the same bytes, by sha256), else downloaded from the old
 * service into `.tuneline/moves/`. Then, for the target: the file checked against its dataset profile and converted
 * to chat lines where it needs that (`plan.ts`), the hyperparameters mapped to its names and ranges, the adapter's
 * own checks — all shown in a move summary (a Markdown preview beside the editor, readable in full while a modal
 * question asks to send) before anything is sent. Sent through the training service (upload + create on the
 * target's client); when the new job succeeds, the new model is compared with the kept baseline.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { PROVIDER_LABELS } from '../api/endpoint';
import { providerFor, tunelineStatus, type Provider, type ProviderId, type TrainingMethod } from '../api/providers';
import { sleep } from '../api/sdkClient';
import type { FileObject, FineTuningJob, TunelineClient } from '../api/types';
import { hashFile, type Uploader } from '../api/upload';
import { resolveProfile, validateFile } from '../core';
import { retirementLine } from '../api/providers/retirement';
import { convertDataset } from '../core/convert';
import { CancelledError, UserFacingError } from '../common/commands';
import { confirmOverwrite } from '../common/datasetFiles';
import { describeError, type Logger } from '../common/logger';
import type { ProviderService } from '../connection/provider';
import type { Retirements } from '../connection/retirement';
import { datasetCheckOptions, type ConnectionApi } from '../training/register';
import { canSend, conversionPlan, everyLineHas, lineFormats, mapHyperparameters, moveSummaryMarkdown, moveTargets, sourceJob, targetModels, type MovePlan, type SourceJob } from './plan';
import { baselineOf, clientFor, jobOf, pickModel, workspaceRoot, type ModelRef } from './models';

export const MOVE_DIR = '.tuneline/moves';
export const SUMMARY_SCHEME = 'tuneline-move';

/** `tuneline.moveFineTune`'s second argument (tests, other commands): what to ask and what to do without asking. */
export interface MoveOptions {
  readonly provider?: ProviderId;
  readonly model?: string;
  /** `ask` (default): the modal question after the summary; `none`: send after showing the summary (tests). */
  readonly confirm?: 'ask' | 'none';
  /** When the new job succeeds: `offer` (default) the comparison, `run` it, or `none`. */
  readonly compare?: 'offer' | 'run' | 'none';
  /** Polling of the new job (ms, default 30 s). */
  readonly pollIntervalMs?: number;
}

export interface MoveResult {
  readonly plan: MovePlan;
  readonly summary: string;
  readonly job: FineTuningJob;
  /** Resolves when the new job ended (and the comparison ran, when asked to run). */
  readonly done: Promise<{ readonly job: FineTuningJob; readonly comparison?: unknown }>;
}

export interface MoveDeps {
  readonly provider: ProviderService;
  readonly uploader: Uploader;
  readonly training: ConnectionApi['training'];
  readonly log: Logger;
  readonly summaries: MoveSummaries;
  /** The retirement dates and the one clock the views count days with (the summary's "Dates"). */
  readonly retirements: Retirements;
  /** Jobs the jobs view watches (the current provider's): their status changes end the wait early. */
  readonly onDidChangeStatus?: vscode.Event<{ readonly job: FineTuningJob }>;
}

/** The move summaries as read-only virtual Markdown documents (`tuneline-move:`), shown in the Markdown preview. */
export class MoveSummaries implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(SUMMARY_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? '';
  }

  async show(name: string, markdown: string): Promise<vscode.Uri> {
    const uri = vscode.Uri.from({ scheme: SUMMARY_SCHEME, path: `/${name}.md` });
    this.texts.set(uri.path, markdown);
    this.changed.fire(uri);
    try {
      await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
    } catch {
      await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    }
    return uri;
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
    this.texts.clear();
  }
}

function isOptions(v: unknown): v is MoveOptions {
  return !!v && typeof v === 'object';
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

async function pickTarget(method: TrainingMethod, from: ProviderId, o: MoveOptions, retirements: Retirements): Promise<{ provider: Provider; model: string }> {
  const targets = moveTargets(method);
  let provider = o.provider ? targets.find((t) => t.provider.id === o.provider)?.provider : undefined;
  if (o.provider && !provider) throw new UserFacingError(vscode.l10n.t('{0} cannot train a {1} job: pick another service.', PROVIDER_LABELS[o.provider], method));
  if (!provider) {
    const pick = await vscode.window.showQuickPick(
      targets.map((t) => ({ label: t.provider.label, description: t.provider.id === from ? vscode.l10n.t('the same service') : '', detail: vscode.l10n.t('{0} base model(s) for {1}', t.models.length, method), provider: t.provider })),
      { title: vscode.l10n.t('Move this fine-tune: the service'), placeHolder: vscode.l10n.t('Services that can train a {0} job', method), ignoreFocusOut: true },
    );
    if (!pick) throw new CancelledError();
    provider = pick.provider;
  }
  const models = targetModels(provider, method);
  if (o.model) {
    const m = provider.model(o.model);
    if (!m || !m.methods.includes(method)) throw new UserFacingError(vscode.l10n.t('{0} does not train {1} with {2}.', provider.label, o.model, method));
    return { provider, model: m.id };
  }
  const pick = await vscode.window.showQuickPick(
    models.map((m) => ({ label: m.id, description: m.label !== m.id ? m.label : '', detail: retirements.view(provider.id, m.id)?.mark.long, id: m.id })),
    { title: vscode.l10n.t('Move this fine-tune: the base model on {0}', provider.label), ignoreFocusOut: true },
  );
  if (!pick) throw new CancelledError();
  return { provider, model: pick.id };
}

const sha = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** The training file on disk: the workspace's copy (same name, same bytes) or a download from the old service. */
async function trainingFile(src: SourceJob, client: TunelineClient, deps: MoveDeps): Promise<{ file: string; from: string; remote: FileObject | undefined }> {
  const remote = await client.retrieveFile(src.trainingFile).catch((e: unknown) => {
    deps.log.warn(`Move: cannot read file ${src.trainingFile} on ${src.provider}: ${describeError(e)}`);
    return undefined;
  });
  const name = remote?.filename ? path.basename(remote.filename) : undefined;
  const candidates = name ? await vscode.workspace.findFiles(`**/${name.replace(/[[\]{}*?]/g, '?')}`, '**/{node_modules,.git}/**', 20) : [];
  // The uploader remembers which bytes it uploaded as which file: a sure match without downloading.
  for (const u of candidates) {
    const h = await hashFile(u.fsPath);
    if (deps.uploader.knownFileId(client, h.sha256) === src.trainingFile) {
      return { file: u.fsPath, from: vscode.l10n.t('the workspace: {0} (the bytes Tuneline uploaded as {1})', vscode.workspace.asRelativePath(u), src.trainingFile), remote };
    }
  }
  let data: Uint8Array;
  try {
    data = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Downloading {0} from {1}…', name ?? src.trainingFile, PROVIDER_LABELS[src.provider]), cancellable: true }, async (_p, token) => {
      const ac = new AbortController();
      token.onCancellationRequested(() => ac.abort());
      return client.fileContent(src.trainingFile, { signal: ac.signal });
    });
  } catch (e) {
    if (e instanceof CancelledError) throw e;
    throw new UserFacingError(
      vscode.l10n.t('The training file {0} is not in the workspace{1}, and {2} did not give its content: {3}', src.trainingFile, name ? ` (${name})` : '', PROVIDER_LABELS[src.provider], deps.log.redact(describeError(e))),
    );
  }
  const digest = sha(data);
  for (const u of candidates) {
    if ((await hashFile(u.fsPath)).sha256 === digest) return { file: u.fsPath, from: vscode.l10n.t('the workspace: {0} (the same bytes as {1})', vscode.workspace.asRelativePath(u), src.trainingFile), remote };
  }
  const out = vscode.Uri.file(path.join(workspaceRoot().fsPath, MOVE_DIR, name ?? `${src.trainingFile}.jsonl`));
  const existing = await fsp.readFile(out.fsPath).catch(() => undefined);
  if (!existing || sha(existing) !== digest) {
    await confirmOverwrite([out]);
    await fsp.mkdir(path.dirname(out.fsPath), { recursive: true });
    await fsp.writeFile(out.fsPath, data);
  }
  return { file: out.fsPath, from: vscode.l10n.t('downloaded from {0} ({1}) into {2}', PROVIDER_LABELS[src.provider], src.trainingFile, vscode.workspace.asRelativePath(out)), remote };
}

/** Builds the plan: the file (converted when needed, into `.tuneline/moves/`), its check, the mapping, the problems. */
async function buildPlan(src: SourceJob, target: { provider: Provider; model: string }, file: { file: string; from: string }, retirements: Retirements, client: TunelineClient, log: Logger): Promise<{ plan: MovePlan; sendFile: string }> {
  const text = await fsp.readFile(file.file, 'utf8');
  const profile = resolveProfile(target.provider.id, target.model);
  const conversion = conversionPlan(lineFormats(text), profile, everyLineHas(text, profile.requiredTopLevelKeys));
  let sendFile = file.file;
  if (conversion.action === 'convert') {
    const converted = convertDataset(text);
    const base = path.basename(file.file).replace(/\.(jsonl|ndjson)$/i, '');
    const out = vscode.Uri.file(path.join(workspaceRoot().fsPath, MOVE_DIR, `${base}.${target.provider.id}.jsonl`));
    const body = converted.lines.length ? `${converted.lines.join('\n')}\n` : '';
    const existing = await fsp.readFile(out.fsPath, 'utf8').catch(() => undefined);
    if (existing !== body) {
      await confirmOverwrite([out]);
      await fsp.mkdir(path.dirname(out.fsPath), { recursive: true });
      await fsp.writeFile(out.fsPath, body);
    }
    sendFile = out.fsPath;
    if (converted.skipped.length) (conversion.notes as string[]).push(`${converted.skipped.length} line(s) could not be converted and were left out (first: line ${converted.skipped[0]!.line + 1}, ${converted.skipped[0]!.reason}).`);
  }
  // The same check the upload and training flow makes before it uploads to this provider and model (its profile).
  const report = await validateFile(sendFile, datasetCheckOptions(target.provider.id, target.model, src.method, src.grader, undefined));
  const firstError = report.problems.find((p) => p.severity === 'error');
  const method = target.provider.methodsFor(target.model).find((m) => m.method === src.method);
  // The service's own per-model limits where its client reads them (Together), else the adapter's table.
  const tunable =
    (await client.tunableModel?.(target.model).catch((e: unknown) => {
      log.warn(`Move: cannot read the limits of ${target.model} on ${target.provider.id}, using the table's: ${describeError(e)}`);
      return undefined;
    })) ?? target.provider.model(target.model);
  const mapping = mapHyperparameters(src.hyperparameters, method?.hyperparameters ?? [], target.provider.label, tunable?.hyperparameterLimits);
  const problems = target.provider
    .check({
      model: target.model,
      method: src.method,
      trainingFile: 'file-to-upload',
      ...(Object.keys(mapping.values).length ? { hyperparameters: mapping.values } : {}),
      ...(src.grader !== undefined ? { grader: src.grader } : {}),
    })
    .map((p) => p.message);
  const notKept: string[] = [];
  if (src.validationFile) notKept.push(`the validation file ${src.validationFile} (not moved; keep a baseline on it instead, or start a job with it from the training wizard)`);
  for (const o of target.provider.capabilities.trainingOptions) {
    const c = o.choices.find((x) => x.id === o.defaultChoice);
    notKept.push(`${o.label}: ${target.provider.label}'s default${c ? ` (${c.label})` : ''} — the old service had no such option`);
  }
  const baseline = await baselineOf(src.model).catch(() => undefined);
  const plan: MovePlan = {
    source: src,
    targetProvider: target.provider.id,
    targetLabel: target.provider.label,
    targetModel: target.model,
    method: src.method,
    trainingFrom: file.from,
    trainingFile: vscode.workspace.asRelativePath(sendFile),
    examples: report.examples,
    conversion,
    hyperparameters: mapping,
    check: {
      errors: report.counts.error,
      warnings: report.counts.warning,
      profile: report.profile.label,
      ...(firstError ? { first: `${firstError.line !== undefined ? `line ${firstError.line + 1}: ` : ''}${firstError.message}` } : {}),
    },
    problems,
    notKept,
    ...(baseline ? { baseline: vscode.workspace.asRelativePath(baseline.uri) } : {}),
    dates: {
      source: datesLine(retirements, src.provider, src.model),
      target: datesLine(retirements, target.provider.id, target.model),
    },
  };
  return { plan, sendFile };
}

/** "<model> on <service>: new jobs until …, serving until … (N days)" by the views' clock and dates. */
function datesLine(retirements: Retirements, provider: ProviderId, model: string): string {
  return retirementLine(model, providerFor(provider).label, retirements.of(provider, model)?.retirement, retirements.clock.now());
}

export async function moveFineTune(deps: MoveDeps, modelArg?: unknown, optionsArg?: unknown): Promise<MoveResult> {
  const o: MoveOptions = isOptions(optionsArg) ? optionsArg : {};
  const ref: ModelRef = await pickModel(deps.provider, modelArg, vscode.l10n.t('Move this fine-tune: the model'));
  const source = await clientFor(deps.provider, ref.providerId);
  const job = await jobOf(source, ref.modelId);
  if (!job) throw new UserFacingError(vscode.l10n.t('Tuneline did not find the job that made {0} on {1}, so it does not know its training file and settings.', ref.modelId, PROVIDER_LABELS[ref.providerId]));
  const src = sourceJob(ref.providerId, job);
  const target = await pickTarget(src.method, src.provider, o, deps.retirements);
  const targetClient = await clientFor(deps.provider, target.provider.id);
  const file = await trainingFile(src, source, deps);
  const { plan, sendFile } = await buildPlan(src, target, file, deps.retirements, targetClient, deps.log);
  const summary = moveSummaryMarkdown(plan);
  await deps.summaries.show(`Move ${src.model.replace(/[^A-Za-z0-9._-]+/g, '-')} to ${target.provider.id}`, summary);
  deps.log.info(`Move of ${src.model} (${src.provider}) to ${target.provider.id} ${target.model}: ${plan.examples} examples, conversion ${plan.conversion.action}, ${plan.hyperparameters.kept.length} hyperparameter(s) kept, ${plan.hyperparameters.dropped.length} not kept, ${plan.check.errors} engine error(s), ${plan.problems.length} problem(s)`);
  if (!canSend(plan)) {
    throw new UserFacingError(
      vscode.l10n.t('This fine-tune cannot move to {0} as it is: {1}', target.provider.label, [...(plan.conversion.action === 'blocked' ? plan.conversion.notes : []), ...(plan.check.errors ? [vscode.l10n.t('{0} engine error(s), first: {1}', plan.check.errors, plan.check.first ?? '')] : []), ...plan.problems].join(' ')),
    );
  }
  if ((o.confirm ?? 'ask') === 'ask') {
    const send = vscode.l10n.t('Upload and start the job');
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t('Move {0} to {1} ({2})?', src.model, target.provider.label, target.model),
      {
        modal: true,
        detail: vscode.l10n.t('The summary beside this shows what is sent and what could not be kept ({0}). Tuneline uploads {1} and creates a {2} job on {3}.', plan.hyperparameters.dropped.length + plan.notKept.length, plan.trainingFile, plan.method, target.provider.label),
      },
      send,
    );
    if (choice !== send) throw new CancelledError();
  }
  const created = await deps.training.send(
    {
      training: { kind: 'local', uri: vscode.Uri.file(sendFile) },
      validation: null,
      model: target.model,
      method: plan.method,
      hyperparameters: plan.hyperparameters.values,
      ...(src.suffix ? { suffix: src.suffix } : {}),
      ...(src.seed !== undefined ? { seed: src.seed } : {}),
      ...(src.grader !== undefined ? { grader: src.grader } : {}),
    },
    targetClient,
    'upload',
  );
  deps.log.info(`Move: job ${created.id} created on ${target.provider.id} for ${src.model}`);
  const done = watch(created, targetClient, target.provider, o, deps, plan);
  done.catch((e: unknown) => deps.log.warn(`Move: following job ${created.id} stopped: ${describeError(e)}`));
  return { plan, summary, job: created, done };
}

/** Follows the new job until it ends (its client's status, or the jobs view's events), then offers or runs the comparison. */
async function watch(created: FineTuningJob, client: TunelineClient, provider: Provider, o: MoveOptions, deps: MoveDeps, plan: MovePlan): Promise<{ job: FineTuningJob; comparison?: unknown }> {
  const status = (j: FineTuningJob) => tunelineStatus(provider.capabilities, j.status)?.tuneline ?? j.status;
  let job = created;
  const ac = new AbortController();
  const sub = deps.onDidChangeStatus?.((e) => {
    if (e.job.id === created.id && TERMINAL.has(status(e.job))) {
      job = e.job;
      ac.abort();
    }
  });
  try {
    while (!TERMINAL.has(status(job))) {
      try {
        await sleep(o.pollIntervalMs ?? 30_000, ac.signal);
      } catch {
        break; // the jobs view saw it end
      }
      job = await client.retrieveJob(created.id);
    }
  } finally {
    sub?.dispose();
  }
  const final = status(job);
  deps.log.info(`Move: job ${job.id} ${final}${job.fine_tuned_model ? ` → ${job.fine_tuned_model}` : ''}`);
  if (final !== 'succeeded' || !job.fine_tuned_model) {
    void vscode.window.showWarningMessage(vscode.l10n.t('The moved job {0} on {1} ended {2}.', job.id, provider.label, final));
    return { job };
  }
  const args = [plan.baseline ? vscode.Uri.file(path.join(workspaceRoot().fsPath, plan.baseline)) : undefined, { provider: provider.id, model: job.fine_tuned_model, baseModel: plan.targetModel }] as const;
  const mode = o.compare ?? 'offer';
  if (mode === 'none' || !plan.baseline) {
    if (!plan.baseline) void vscode.window.showInformationMessage(vscode.l10n.t('The moved job {0} succeeded: {1}. Keep a baseline of the old model to compare them.', job.id, job.fine_tuned_model));
    return { job };
  }
  if (mode === 'run') return { job, comparison: await vscode.commands.executeCommand('tuneline.compareWithBaseline', ...args) };
  const compare = vscode.l10n.t('Compare with the baseline');
  void vscode.window.showInformationMessage(vscode.l10n.t('The moved job {0} succeeded: {1}.', job.id, job.fine_tuned_model), compare).then((c) => {
    if (c === compare) void vscode.commands.executeCommand('tuneline.compareWithBaseline', ...args);
  });
  return { job };
}

