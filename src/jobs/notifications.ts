/**
 * Announces, once, the end of each job the user started through Tuneline in this session (`onDidCreateJob`):
 * succeeded (with "Open in playground"), failed (the error; when it names "Example N" and the local training file is
 * known, the line, with "Open line"), cancelled. `tuneline.jobs.notifications: false` turns them off.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { exampleNumber } from '../api/errors';
import { exampleNote, locateExample, openExampleLine, OPEN_LINE, type ExampleLocation } from '../common/exampleLine';
import type { FineTuningJob } from '../api/types';
import { Disposable } from '../common/dispose';
import { describeError, type Logger } from '../common/logger';
import { readSettings } from '../common/settings';
import type { JobCreatedEvent } from '../training/register';
import { modelRef } from '../api/modelRef';
import type { ProviderKind } from '../api/types';
import type { JobsModel, StatusChange } from './model';
import { isFinal, jobSuffix, statusOf } from './status';
import { openInPlayground } from './commands';

export interface JobNotice {
  readonly jobId: string;
  readonly status: string;
  readonly message: string;
  readonly actions: readonly string[];
}

/** What the notifier needs of `ProviderGroups`. */
export interface JobGroups {
  modelFor(kind: ProviderKind): JobsModel | undefined;
  modelOf(jobId: string): JobsModel | undefined;
  ready(): Promise<void>;
  readonly onDidChangeStatus: vscode.Event<StatusChange>;
}

export class JobNotifier extends Disposable {
  /** Jobs started in this session (only those are announced). */
  private readonly started = new Set<string>();
  private readonly announced = new Set<string>();
  private readonly shown: JobNotice[] = [];
  private readonly shownEmitter = this._register(new vscode.EventEmitter<JobNotice>());
  /** Tests: every notice shown. */
  readonly onDidNotify = this.shownEmitter.event;

  /** The provider each started job was created on (its model polls it through that provider's client). */
  private readonly kinds = new Map<string, ProviderKind>();

  constructor(
    private readonly model: JobsModel,
    onDidCreateJob: vscode.Event<JobCreatedEvent>,
    private readonly log: Logger,
    /** Several providers at once (issue 16): the other providers' models. Absent: every job is the primary model's. */
    private readonly groups?: JobGroups,
  ) {
    super();
    this._register(onDidCreateJob((e) => this.created(e)));
    const onStatus = ({ job }: StatusChange) => {
      if (isFinal(job.status) && this.started.has(job.id)) void this.announce(job);
    };
    this._register(model.onDidChangeStatus(onStatus));
    if (groups) this._register(groups.onDidChangeStatus(onStatus));
  }

  /**
   * A job started from Tuneline goes to the model of the provider it was created on: a move to another service
   * (issue 18) creates it there, and the current provider's client would not find it.
   */
  private created(e: JobCreatedEvent): void {
    this.started.add(e.job.id);
    this.kinds.set(e.job.id, e.endpoint.provider);
    const watch = readSettings().jobNotifications;
    if (!this.groups || this.groups.modelFor(e.endpoint.provider) === this.model) {
      this.model.addCreated(e.job, watch);
      return;
    }
    void this.groups.ready().then(() => {
      const target = this.groups?.modelFor(e.endpoint.provider);
      if (target) target.addCreated(e.job, watch);
      else this.log.info(`Jobs: ${e.job.id} was created on ${e.endpoint.provider}, which has no group in the jobs view`);
    });
  }

  /** The model that holds a started job. */
  private modelOf(jobId: string): JobsModel {
    return this.groups?.modelOf(jobId) ?? this.model;
  }

  /** The playground's name of a started job's model: `@provider/id` when it was trained on another provider. */
  private playgroundRef(jobId: string, model: string): string {
    const kind = this.kinds.get(jobId);
    const current = this.model.adapter().id;
    return kind ? modelRef(kind, model, current) : model;
  }

  /** Every notice shown so far, oldest first (tests). */
  get notices(): readonly JobNotice[] {
    return this.shown;
  }

  private async announce(job: FineTuningJob): Promise<void> {
    if (this.announced.has(job.id)) return;
    this.announced.add(job.id);
    this.modelOf(job.id).unwatch(job.id);
    if (!readSettings().jobNotifications) {
      this.log.info(`Jobs: ${job.id} ${job.status}; notifications are off`);
      return;
    }
    const name = `${jobSuffix(job) ? `"${jobSuffix(job)}" ` : ''}(${job.id})`;
    const status = statusOf(job);
    if (status === 'succeeded') {
      const model = job.fine_tuned_model ?? '';
      const actions = ['Open in Playground', 'Copy Model Id'];
      const message = `Fine-tuning job ${name} succeeded: ${model}`;
      this.record(job, message, actions);
      void vscode.window.showInformationMessage(message, ...actions).then((c) => {
        if (c === actions[0]) void openInPlayground([this.playgroundRef(job.id, model)], this.log);
        else if (c === actions[1]) void vscode.env.clipboard.writeText(model);
      });
    } else if (status === 'failed') {
      const error = job.error?.message ?? 'no reason given';
      const where = await this.locate(job).catch((e: unknown) => {
        this.log.warn(`Jobs: could not find the example of ${job.id}'s error: ${describeError(e)}`);
        return undefined;
      });
      const at = where ? exampleNote(where) : '';
      const message = `Fine-tuning job ${name} failed: ${error}${at}`;
      const actions = where ? [OPEN_LINE, 'Show Job'] : ['Show Job'];
      this.record(job, message, actions);
      void vscode.window.showErrorMessage(message, ...actions).then(async (c) => {
        if (c === OPEN_LINE && where) {
          await openExampleLine(where);
        } else if (c === 'Show Job') {
          void vscode.commands.executeCommand('tuneline.jobs.showJson', job.id);
        }
      });
    } else {
      const message = `Fine-tuning job ${name} was cancelled.`;
      this.record(job, message, []);
      void vscode.window.showInformationMessage(message);
    }
  }

  private record(job: FineTuningJob, message: string, actions: string[]): void {
    const notice: JobNotice = { jobId: job.id, status: job.status, message, actions };
    this.shown.push(notice);
    this.log.info(`Jobs: notified: ${message}`);
    this.shownEmitter.fire(notice);
  }

  /**
   * The local line of the example a failed job's error names: in the workspace file with the uploaded file's name
   * and size.
   */
  async locate(job: FineTuningJob): Promise<ExampleLocation | undefined> {
    if (exampleNumber(job.error?.message) === undefined) return undefined;
    const fileId = job.error?.param === 'validation_file' && job.validation_file ? job.validation_file : job.training_file;
    const client = await this.modelOf(job.id).getClient();
    const remote = await client.retrieveFile(fileId);
    const base = path.posix.basename(remote.filename);
    const candidates = await vscode.workspace.findFiles(`**/${base.replace(/[[\]{}*?]/g, '?')}`, '**/node_modules/**', 20);
    const withName = [...candidates];
    // ndjson files are uploaded as .jsonl
    if (base.endsWith('.jsonl')) withName.push(...(await vscode.workspace.findFiles(`**/${base.replace(/\.jsonl$/, '.ndjson').replace(/[[\]{}*?]/g, '?')}`, '**/node_modules/**', 20)));
    for (const c of withName) {
      const stat = await vscode.workspace.fs.stat(c);
      if (stat.size === remote.bytes) return locateExample(c, job.error?.message);
    }
    return undefined;
  }
}
