/**
 * Writes a results file (format: `src/core/eval/results.ts`) record by record. Each record is one `write` of one whole
 * line on a file opened for appending, in order, so the file is valid JSON Lines after every record; a cancelled run
 * leaves the header and the rows it finished (and a `cancelled` summary when it could still write one).
 */
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { recordLine, resultsFileName, type EvalHeader, type EvalRecord, type EvalSummary } from './results';

export class ResultsWriter {
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly handle: fsp.FileHandle,
  ) {}

  /** Creates `<dataset>.eval-<timestamp>.jsonl` next to the dataset (never overwriting one) and writes the header. */
  static async create(datasetPath: string, header: EvalHeader, when = new Date()): Promise<ResultsWriter> {
    const dir = path.dirname(datasetPath);
    const name = resultsFileName(path.basename(datasetPath), when);
    for (let n = 1; ; n++) {
      const file = path.join(dir, n === 1 ? name : name.replace(/\.jsonl$/, `-${n}.jsonl`));
      let handle: fsp.FileHandle;
      try {
        handle = await fsp.open(file, 'wx');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST' && n < 100) continue;
        throw e;
      }
      const w = new ResultsWriter(file, handle);
      await w.append(header);
      return w;
    }
  }

  /** Opens an existing results file to append to (a batch run resumed after a restart). */
  static async reopen(file: string): Promise<ResultsWriter> {
    return new ResultsWriter(file, await fsp.open(file, 'a'));
  }

  /** Appends one record (queued behind the previous ones). */
  append(record: EvalRecord): Promise<void> {
    if (this.closed) return Promise.resolve();
    const line = recordLine(record);
    this.chain = this.chain.then(async () => {
      await this.handle.write(line);
    });
    return this.chain;
  }

  /** Writes the summary and closes the file. */
  async finish(summary: EvalSummary): Promise<void> {
    await this.append(summary);
    await this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.chain.catch(() => undefined);
    await this.handle.close();
  }
}
