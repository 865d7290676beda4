/**
 * Read-only documents of the jobs view, served by a content provider on the `tuneline-job` scheme: a job's JSON as
 * the service returns it (`tuneline-job:/<job id>.json`) and its result files as CSV
 * (`tuneline-job:/<job id>/<file id>.csv`, decoded from base64 when the service serves it so).
 */
import * as vscode from 'vscode';
import { Disposable } from '../common/dispose';
import { decodeResultFile } from './metrics';
import type { JobsModel } from './model';

export const JOB_SCHEME = 'tuneline-job';

export class JobDocuments extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly changed = this._register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly model: JobsModel,
    /** Several providers (issue 16): the model holding a job of another provider. */
    private readonly modelOf?: (jobId: string) => JobsModel | undefined,
  ) {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(JOB_SCHEME, this));
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    try {
      const holder = this.modelOf?.(/^\/([^/.]+)/.exec(uri.path)?.[1] ?? '') ?? this.model;
      const client = await holder.getClient();
      const file = /^\/([^/]+)\/([^/]+)\.csv$/.exec(uri.path);
      if (file) return decodeResultFile(await client.fileContent(file[2]!, { signal: abort.signal }));
      const job = /^\/([^/]+)\.json$/.exec(uri.path);
      if (job) {
        const j = await client.retrieveJob(job[1]!, { signal: abort.signal });
        holder.update(j);
        return `${JSON.stringify(j, null, 2)}\n`;
      }
      return '';
    } finally {
      sub.dispose();
    }
  }

  async showJob(jobId: string): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({ scheme: JOB_SCHEME, path: `/${jobId}.json` });
    this.changed.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    const json = doc.languageId === 'json' ? doc : await vscode.languages.setTextDocumentLanguage(doc, 'json');
    return vscode.window.showTextDocument(json, { preview: true });
  }

  async showFile(jobId: string, fileId: string): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({ scheme: JOB_SCHEME, path: `/${jobId}/${fileId}.csv` });
    const doc = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(doc, { preview: true });
  }
}
