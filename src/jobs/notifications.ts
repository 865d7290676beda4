/**
 * Announces, once, the end of each job the user started through Tuneline in this session (`onDidCreateJob`):
 * succeeded (with "Open in playground"), failed (the error; when it names "Example N" and the local training file is
 * known, the line, with "Open line"), cancelled. `tuneline.jobs.notifications: false` turns them off.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { exampleNumber, exampleToLine } from '../api/errors';
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

/** Where an "Example N" of a failed job is in the local training file. */
export interface ExampleLocation {
  readonly uri: vscode.Uri;
  readonly example: number;
  /** 0-based. */
  readonly line: number;
}

export class JobNotifier extends Disposable {
  /** Jobs started in this session, with the local training file when it is known. */
  private readonly started = new Map<string, { trainingUri?: vscode.Uri }>();
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
        const trainingUri = (e as JobCreatedEvent & { trainingUri?: unknown }).trainingUri;
        this.started.set(e.job.id, trainingUri instanceof vscode.Uri ? { trainingUri } : {});
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
      const at = where ? ` (Example ${where.example} is line ${where.line + 1} of ${vscode.workspace.asRelativePath(where.uri)}.)` : '';
      const message = `Fine-tuning job ${name} failed: ${error}${at}`;
      const actions = where ? ['Open Line', 'Show Job'] : ['Show Job'];
      this.record(job, message, actions);
      void vscode.window.showErrorMessage(message, ...actions).then(async (c) => {
        if (c === 'Open Line' && where) {
          const doc = await vscode.workspace.openTextDocument(where.uri);
          await vscode.window.showTextDocument(doc, { selection: new vscode.Range(where.line, 0, where.line, doc.lineAt(where.line).text.length) });
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
   * The local line of the example a failed job's error names. The training file is the one given when the job was
   * started, or else a workspace file with the uploaded file's name and size.
   */
  async locate(job: FineTuningJob): Promise<ExampleLocation | undefined> {
    const example = exampleNumber(job.error?.message);
    if (example === undefined) return undefined;
    const fileId = job.error?.param === 'validation_file' && job.validation_file ? job.validation_file : job.training_file;
    let uri = fileId === job.training_file ? this.started.get(job.id)?.trainingUri : undefined;
    if (!uri) {
      const client = await this.model.getClient();
      const remote = await client.retrieveFile(fileId);
      const base = path.posix.basename(remote.filename);
      const candidates = await vscode.workspace.findFiles(`**/${base.replace(/[[\]{}*?]/g, '?')}`, '**/node_modules/**', 20);
      const withName = [...candidates];
      // ndjson files are uploaded as .jsonl
      if (base.endsWith('.jsonl')) withName.push(...(await vscode.workspace.findFiles(`**/${base.replace(/\.jsonl$/, '.ndjson').replace(/[[\]{}*?]/g, '?')}`, '**/node_modules/**', 20)));
      for (const c of withName) {
        const stat = await vscode.workspace.fs.stat(c);
        if (stat.size === remote.bytes) {
          uri = c;
          break;
        }
      }
    }
    if (!uri) return undefined;
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    const line = exampleToLine(text, example);
    return line === undefined ? undefined : { uri, example, line };
  }
}
