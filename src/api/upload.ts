/**
 * Uploading a training file: the Files API up to 512 MB, the Uploads API in parts above that (parallel, bounded,
 * each part retried, resumable within the upload's hour), reuse of a file with the same bytes (sha256) already on
 * the same account, and waiting until the service has processed the file.
 *
 * Resuming: the upload id, its expiry and the ids of the parts already sent are kept in globalState under
 * `<account>:<sha256>`; running the upload again for the same bytes sends only the missing parts. Cancelling (the
 * user) cancels the Upload on the service; a failure keeps it until it expires, says so, and offers to resume or
 * discard it. Nothing half-made is left unannounced.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CancelledError } from '../core/errors';
import { ApiError } from './errors';
import { sleep } from './sdkClient';
import type { ApiLog, FileObject, StateStore, TunelineClient } from './types';

export const MB = 1024 * 1024;

export interface UploadTuning {
  /** Files larger than this go through the Uploads API (default 512 MB, the Files API limit). */
  readonly multipartThreshold: number;
  /** Part size for the Uploads API (default 64 MB, its maximum). */
  readonly partSize: number;
  /** Parts in flight at once (default 3). */
  readonly concurrency: number;
  /** How long to wait for the service to process the file (default 10 min), and how often to ask (1 s). */
  readonly processingTimeoutMs: number;
  readonly pollMs: number;
}

export const DEFAULT_TUNING: UploadTuning = {
  multipartThreshold: 512 * MB,
  partSize: 64 * MB,
  concurrency: 3,
  processingTimeoutMs: 10 * 60_000,
  pollMs: 1_000,
};

export interface UploadRequest {
  readonly filePath: string;
  /** The name the service shows (default: the file's base name; `.ndjson` becomes `.jsonl`, which it requires). */
  readonly filename?: string;
  readonly signal?: AbortSignal;
  onProgress?(sentBytes: number, totalBytes: number): void;
  /** Called with what happened to a partial upload (cancelled on the service, kept for resuming). */
  announce?(message: string): void;
  /** Offered as "Resume upload" when a multi-part upload fails. */
  resume?(): unknown;
}

export interface UploadResult {
  readonly file: FileObject;
  readonly sha256: string;
  readonly bytes: number;
  /** The same bytes were already on the account: nothing was sent. */
  readonly reused: boolean;
  readonly via: 'files' | 'uploads' | 'reused';
  /** Multi-part: parts sent this time, and parts that were already on the service from an earlier try. */
  readonly partsSent: number;
  readonly partsResumed: number;
}

interface PendingUpload {
  uploadId: string;
  /** Seconds since the epoch (service clock). */
  expiresAt: number;
  partSize: number;
  bytes: number;
  /** Part index → part id. */
  parts: Record<string, string>;
}

const UPLOADED = 'tuneline.uploadedFiles';
const PENDING = 'tuneline.pendingUploads';

/** sha256 and md5 of a file, read once. */
export async function hashFile(filePath: string, signal?: AbortSignal): Promise<{ sha256: string; md5: string; bytes: number }> {
  const sha = createHash('sha256');
  const md5 = createHash('md5');
  let bytes = 0;
  for await (const chunk of fs.createReadStream(filePath, { highWaterMark: 4 * MB, ...(signal ? { signal } : {}) })) {
    const b = chunk as Buffer;
    sha.update(b);
    md5.update(b);
    bytes += b.length;
  }
  return { sha256: sha.digest('hex'), md5: md5.digest('hex'), bytes };
}

export class Uploader {
  private writes: Promise<unknown> = Promise.resolve();

  private tuned: UploadTuning = DEFAULT_TUNING;

  constructor(
    private readonly state: StateStore,
    private readonly log: ApiLog,
  ) {}

  /** Tests: tiny parts, a small multi-part threshold, fast polling. `undefined` restores the defaults. */
  setTuning(tuning: Partial<UploadTuning> | undefined): void {
    this.tuned = tuning ? { ...DEFAULT_TUNING, ...tuning } : DEFAULT_TUNING;
  }

  private tuning(): UploadTuning {
    return this.tuned;
  }

  /** The file id recorded for these bytes on this account, if any (not verified). */
  knownFileId(client: TunelineClient, sha256: string): string | undefined {
    return this.state.get<Record<string, { fileId: string }>>(UPLOADED, {})[`${client.accountKey}:${sha256}`]?.fileId;
  }

  /** Pending (resumable) multi-part uploads, for tests and diagnostics. */
  pendingUploads(): Readonly<Record<string, PendingUpload>> {
    return this.state.get<Record<string, PendingUpload>>(PENDING, {});
  }

  async upload(client: TunelineClient, req: UploadRequest): Promise<UploadResult> {
    const t = this.tuning();
    const signal = req.signal;
    const { sha256, md5, bytes } = await hashFile(req.filePath, signal).catch((e: unknown) => {
      if (signal?.aborted) throw new CancelledError();
      throw e;
    });
    const filename = req.filename ?? path.basename(req.filePath).replace(/\.ndjson$/i, '.jsonl');
    const key = `${client.accountKey}:${sha256}`;
    req.onProgress?.(0, bytes);

    const reused = await this.findReusable(client, key, bytes, signal);
    if (reused) {
      this.log.info(`${filename}: the same bytes (sha256 ${sha256.slice(0, 12)}…) are already uploaded as ${reused.id}; reusing it`);
      req.onProgress?.(bytes, bytes);
      const file = await this.waitProcessed(client, reused, signal);
      return { file, sha256, bytes, reused: true, via: 'reused', partsSent: 0, partsResumed: 0 };
    }

    let file: FileObject;
    let partsSent = 0;
    let partsResumed = 0;
    let via: UploadResult['via'];
    if (bytes <= t.multipartThreshold) {
      via = 'files';
      this.log.info(`Uploading ${filename} (${bytes} bytes) through the Files API`);
      const data = await fs.promises.readFile(req.filePath);
      file = await this.createFileOnce(client, filename, data, sha256, signal);
      req.onProgress?.(bytes, bytes);
    } else {
      via = 'uploads';
      const r = await this.multipart(client, req, { key, filename, bytes, md5 }, t);
      file = r.file;
      partsSent = r.sent;
      partsResumed = r.resumed;
    }
    await this.remember(key, file.id);
    file = await this.waitProcessed(client, file, signal);
    return { file, sha256, bytes, reused: false, via, partsSent, partsResumed };
  }

  /** A file recorded for these bytes that still exists (checked with `files.retrieve`) and is not in error. */
  private async findReusable(client: TunelineClient, key: string, bytes: number, signal?: AbortSignal): Promise<FileObject | undefined> {
    const known = this.state.get<Record<string, { fileId: string }>>(UPLOADED, {})[key];
    if (!known) return undefined;
    try {
      const f = await client.retrieveFile(known.fileId, signal ? { signal } : {});
      if (f.bytes === bytes && f.status !== 'error' && (f.status as string) !== 'deleted') return f;
      this.log.info(`${known.fileId} no longer matches (${f.bytes} bytes, ${f.status}); uploading again`);
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      if (!(e instanceof ApiError && e.kind === 'not-found')) throw e;
      this.log.info(`${known.fileId} is gone from the service; uploading again`);
    }
    await this.forget(key);
    return undefined;
  }

  /**
   * One Files API upload. When the connection drops after the request was sent, the file may exist even though the
   * answer was lost: look for it (same name and size, same bytes) before sending it again, so no stray copy is left.
   */
  private async createFileOnce(client: TunelineClient, filename: string, data: Buffer, sha256: string, signal?: AbortSignal): Promise<FileObject> {
    // Bounded, but long enough for a big body on a slow line: 10 min, or 256 KB/s, whichever is longer.
    const opts = { timeoutMs: Math.max(600_000, Math.ceil((data.length / 262_144) * 1000)), ...(signal ? { signal } : {}) };
    for (let attempt = 0; ; attempt++) {
      try {
        return await client.createFile({ name: filename, data }, 'fine-tune', opts);
      } catch (e) {
        if (!(e instanceof ApiError && (e.kind === 'connection' || e.kind === 'timeout')) || attempt >= 2) throw e;
        this.log.warn(`Upload of ${filename}: the connection dropped (${e.kind}); looking for the file on the service before trying again`);
        const found = await this.findSameFile(client, filename, data, sha256, signal);
        if (found) {
          this.log.info(`Upload of ${filename}: the service had received it as ${found.id}`);
          return found;
        }
        await sleep(500 * (attempt + 1), signal);
      }
    }
  }

  private async findSameFile(client: TunelineClient, filename: string, data: Buffer, sha256: string, signal?: AbortSignal): Promise<FileObject | undefined> {
    const opts = signal ? { signal } : {};
    const recent = await client.listFiles({ purpose: 'fine-tune', order: 'desc', limit: 20 }, opts);
    for (const f of recent.data) {
      if (f.filename !== filename || f.bytes !== data.length) continue;
      const content = await client.fileContent(f.id, opts);
      if (createHash('sha256').update(content).digest('hex') === sha256) return f;
    }
    return undefined;
  }

  private async multipart(
    client: TunelineClient,
    req: UploadRequest,
    f: { key: string; filename: string; bytes: number; md5: string },
    t: UploadTuning,
  ): Promise<{ file: FileObject; sent: number; resumed: number }> {
    const signal = req.signal;
    const partSize = Math.max(1, t.partSize);
    const count = Math.max(1, Math.ceil(f.bytes / partSize));
    let pending: PendingUpload | undefined = this.pendingUploads()[f.key];
    const nowS = Date.now() / 1000;
    if (pending && (pending.partSize !== partSize || pending.bytes !== f.bytes || pending.expiresAt < nowS + 120)) {
      this.log.info(`Not resuming ${pending.uploadId}: it expires too soon or was cut differently`);
      await this.setPending(f.key, undefined);
      pending = undefined;
    }
    let resumed = 0;
    if (pending) {
      resumed = Object.keys(pending.parts).length;
      this.log.info(`Resuming upload ${pending.uploadId} of ${f.filename}: ${resumed} of ${count} parts are already on the service`);
    } else {
      const u = await client.createUpload({ bytes: f.bytes, filename: f.filename, mimeType: 'application/jsonl', purpose: 'fine-tune' }, signal ? { signal } : {});
      pending = { uploadId: u.id, expiresAt: u.expires_at, partSize, bytes: f.bytes, parts: {} };
      await this.setPending(f.key, pending);
      this.log.info(`Uploading ${f.filename} (${f.bytes} bytes) through the Uploads API as ${u.id}: ${count} parts of up to ${partSize} bytes, ${t.concurrency} at a time`);
    }
    const up = pending;
    const partBytes = (i: number) => Math.min(partSize, f.bytes - i * partSize);
    let sentBytes = Object.keys(up.parts).reduce((s, i) => s + partBytes(Number(i)), 0);
    req.onProgress?.(sentBytes, f.bytes);

    const inner = new AbortController();
    const onAbort = () => inner.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const todo = Array.from({ length: count }, (_, i) => i).filter((i) => !up.parts[String(i)]);
    let sent = 0;
    let failure: unknown;
    const handle = await fs.promises.open(req.filePath, 'r');
    try {
      const worker = async () => {
        for (let i = todo.shift(); i !== undefined && !inner.signal.aborted; i = todo.shift()) {
          const len = partBytes(i);
          const buf = Buffer.alloc(len);
          await handle.read(buf, 0, len, i * partSize);
          const part = await client.addUploadPart(up.uploadId, buf, { signal: inner.signal });
          up.parts[String(i)] = part.id;
          sent++;
          sentBytes += len;
          await this.setPending(f.key, up);
          req.onProgress?.(sentBytes, f.bytes);
        }
      };
      await Promise.all(
        Array.from({ length: Math.min(Math.max(1, t.concurrency), todo.length || 1) }, () =>
          worker().catch((e: unknown) => {
            failure ??= e;
            inner.abort();
          }),
        ),
      );
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await handle.close();
    }

    if (signal?.aborted) {
      await this.discard(client, f.key, up.uploadId, req, 'cancelled');
      throw new CancelledError();
    }
    if (failure) throw this.partialFailure(client, f, up, count, failure, req);

    const partIds = Array.from({ length: count }, (_, i) => up.parts[String(i)]!);
    try {
      const done = await client.completeUpload(up.uploadId, partIds, f.md5, signal ? { signal } : {});
      await this.setPending(f.key, undefined);
      if (!done.file) throw new ApiError(`The service completed upload ${up.uploadId} but returned no file.`, 'other');
      this.log.info(`Upload ${up.uploadId} complete: ${done.file.id} (${sent} parts sent, ${resumed} resumed)`);
      return { file: done.file, sent, resumed };
    } catch (e) {
      if (e instanceof CancelledError) {
        await this.discard(client, f.key, up.uploadId, req, 'cancelled');
        throw e;
      }
      // The upload cannot be completed as it is (expired, cancelled, parts refused): do not resume it.
      await this.discard(client, f.key, up.uploadId, req, 'failed');
      throw e;
    }
  }

  private partialFailure(
    client: TunelineClient,
    f: { key: string; filename: string },
    up: PendingUpload,
    count: number,
    failure: unknown,
    req: UploadRequest,
  ): Error {
    const done = Object.keys(up.parts).length;
    const until = new Date(up.expiresAt * 1000).toLocaleTimeString();
    const base = failure instanceof Error ? failure.message : String(failure);
    const message = `${base} ${done} of ${count} parts of ${f.filename} are on the service (upload ${up.uploadId}); uploading it again before ${until} sends only the rest. Otherwise the partial upload expires then.`;
    this.log.warn(`Upload ${up.uploadId} stopped after ${done} of ${count} parts; kept for resuming until ${until}`);
    req.announce?.(message);
    const actions: Record<string, () => unknown> = {
      'Discard partial upload': () => this.discard(client, f.key, up.uploadId, req, 'discarded'),
    };
    if (req.resume) actions['Resume upload'] = req.resume;
    return new ApiError(message, failure instanceof ApiError ? failure.kind : 'other', failure instanceof ApiError ? failure.status : undefined, undefined, undefined, undefined, actions);
  }

  /** Cancels the Upload on the service (best effort) and forgets it; announces the outcome. */
  private async discard(client: TunelineClient, key: string, uploadId: string, req: UploadRequest, why: 'cancelled' | 'failed' | 'discarded'): Promise<void> {
    await this.setPending(key, undefined);
    try {
      await client.cancelUpload(uploadId, { timeoutMs: 15_000, maxRetries: 2 });
      const msg = `The partial upload ${uploadId} was cancelled on the service (${why}).`;
      this.log.info(msg);
      req.announce?.(msg);
    } catch (e) {
      const msg = `Tuneline could not cancel the partial upload ${uploadId} on the service; it expires by itself within the hour.`;
      this.log.warn(`${msg} ${e instanceof Error ? e.message : String(e)}`);
      req.announce?.(msg);
    }
  }

  /** Polls the file until the service has processed it; an `error` status is a rejection. */
  async waitProcessed(client: TunelineClient, file: FileObject, signal?: AbortSignal): Promise<FileObject> {
    const t = this.tuning();
    const deadline = Date.now() + t.processingTimeoutMs;
    let f = file;
    while (f.status !== 'processed' && f.status !== 'error' && f.status !== undefined) {
      if (Date.now() > deadline) {
        throw new ApiError(`The service has not finished processing ${f.id} after ${Math.round(t.processingTimeoutMs / 1000)} s; it is uploaded, and a job can use it once it is processed.`, 'timeout');
      }
      await sleep(t.pollMs, signal);
      f = await client.retrieveFile(f.id, signal ? { signal } : {});
    }
    return f;
  }

  private remember(key: string, fileId: string): Promise<void> {
    return this.update<Record<string, { fileId: string; at: number }>>(UPLOADED, (m) => ({ ...m, [key]: { fileId, at: Date.now() } }));
  }

  private forget(key: string): Promise<void> {
    return this.update<Record<string, { fileId: string }>>(UPLOADED, (m) => {
      const { [key]: _gone, ...rest } = m;
      return rest;
    });
  }

  private setPending(key: string, value: PendingUpload | undefined): Promise<void> {
    return this.update<Record<string, PendingUpload>>(PENDING, (m) => {
      const { [key]: _old, ...rest } = m;
      return value ? { ...rest, [key]: { ...value, parts: { ...value.parts } } } : rest;
    });
  }

  /** Serialised read-modify-write of a globalState map (parts finish concurrently). */
  private update<T extends object>(name: string, fn: (m: T) => T): Promise<void> {
    const next = this.writes.then(async () => {
      await this.state.update(name, fn(this.state.get<T>(name, {} as T)));
    });
    this.writes = next.catch(() => undefined);
    return next;
  }
}
