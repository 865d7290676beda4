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
import type { JobsModel } from './model';
import { isFinal, jobSuffix, statusOf } from './status';
import { openInPlayground } from './commands';

export interface JobNotice {
  readonly jobId: string;
  readonly status: string;
  readonly message: string;
  readonly actions: readonly string[];
}

export class JobNotifier extends Disposable {
  /** Jobs started in this session (only those are announced). */
  private readonly started = new Set<string>();
  private readonly announced = new Set<string>();
  private readonly shown: JobNotice[] = [];
  private readonly shownEmitter = this._register(new vscode.EventEmitter<JobNotice>());
  /** Tests: every notice shown. */
  readonly onDidNotify = this.shownEmitter.event;

  constructor(
    private readonly model: JobsModel,
    onDidCreateJob: vscode.Event<JobCreatedEvent>,
    private readonly log: Logger,
  ) {
    super();
    this._register(
      onDidCreateJob((e) => {
        this.started.add(e.job.id);
        model.addCreated(e.job, readSettings().jobNotifications);
      }),
    );
    this._register(
      model.onDidChangeStatus(({ job }) => {
        if (isFinal(job.status) && this.started.has(job.id)) void this.announce(job);
      }),
    );
  }

  /** Every notice shown so far, oldest first (tests). */
  get notices(): readonly JobNotice[] {
    return this.shown;
  }

  private async announce(job: FineTuningJob): Promise<void> {
    if (this.announced.has(job.id)) return;
    this.announced.add(job.id);
    this.model.unwatch(job.id);
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
        if (c === actions[0]) void openInPlayground([model], this.log);
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
    const client = await this.model.getClient();
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
