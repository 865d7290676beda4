/**
 * Line splitting over byte chunks, shared by the streaming validator, the token workers and the benchmark floor.
 *
 * Lines end at `\n` (a `\r` before it is dropped). `\n` (0x0A) never occurs inside a multi-byte UTF-8 sequence, so
 * cutting the byte stream at `\n` and decoding each line separately can never split a character, whatever the chunk
 * boundaries. Bytes after the last `\n` form a final line only if there are any (a trailing newline does not start an
 * empty line). Memory is bounded by the chunk size plus the longest line.
 */

import * as fs from 'node:fs';
import { abortError } from '../abort';

export interface LineSink {
  /**
   * Called for each line: its text, its 0-based line number, the byte offset of its first byte in the stream and its
   * byte length (without the line break). A line longer than the splitter's `maxLineBytes` is not decoded: `text` is
   * `''` and `oversize` is true. `raw` and `rawStart` give the line's bytes (`raw[rawStart, rawStart + byteLength)`,
   * valid only during the call) to a sink that wants them without re-encoding `text`.
   */
  (text: string, line: number, offset: number, byteLength: number, oversize: boolean, raw: Buffer, rawStart: number): void;
}

/** Lines longer than this are skipped rather than held in memory (a 256 MB line is ≥ 2M tokens, over every limit). */
export const DEFAULT_MAX_LINE_BYTES = 256 * 1024 * 1024;

export class LineSplitter {
  /** Pieces of the current unfinished line (kept as a list so that a long line is copied once, not per chunk). */
  private parts: Buffer[] = [];
  private partsBytes = 0;
  private partsOffset = 0;
  /** The current line is over the limit: its bytes are being skipped. */
  private skipping = false;
  private line = 0;
  private offset = 0;

  constructor(
    private readonly sink: LineSink,
    startLine = 0,
    startOffset = 0,
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  ) {
    this.line = startLine;
    this.offset = startOffset;
    this.partsOffset = startOffset;
  }

  /** Lines emitted so far. */
  get lines(): number {
    return this.line;
  }

  private emit(buf: Buffer, start: number, end: number, lineOffset: number, totalBytes: number): void {
    // buf[start, end) is the line's (last) bytes, without the line break.
    if (this.skipping) {
      const len = totalBytes;
      this.skipping = false;
      this.sink('', this.line++, lineOffset, len, true, buf, start);
      return;
    }
    if (end > start && buf[end - 1] === 13) end--;
    this.sink(buf.toString('utf8', start, end), this.line++, lineOffset, end - start, false, buf, start);
  }

  push(chunk: Buffer): void {
    let start = 0;
    const base = this.offset;
    this.offset += chunk.length;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      if (this.partsBytes > 0 || this.skipping) {
        const lineOffset = this.partsOffset;
        const total = this.partsBytes + (nl - start);
        if (this.skipping) {
          this.emit(chunk, 0, 0, lineOffset, total);
        } else {
          this.parts.push(chunk.subarray(start, nl));
          const whole = Buffer.concat(this.parts, total);
          this.emit(whole, 0, whole.length, lineOffset, total);
        }
        this.parts = [];
        this.partsBytes = 0;
      } else {
        this.emit(chunk, start, nl, base + start, nl - start);
      }
      start = nl + 1;
      this.partsOffset = base + start;
    }
    if (start < chunk.length) {
      const rest = chunk.length - start;
      if (this.partsBytes === 0 && !this.skipping) this.partsOffset = base + start;
      if (!this.skipping && this.partsBytes + rest > this.maxLineBytes) {
        this.skipping = true;
        this.parts = [];
      }
      if (!this.skipping) {
        // Copy: the caller may reuse its chunk buffer.
        this.parts.push(Buffer.from(chunk.subarray(start)));
      }
      this.partsBytes += rest;
    }
  }

  /** Emits the final line (bytes after the last `\n`), if any. */
  end(): void {
    if (this.partsBytes > 0) {
      const total = this.partsBytes;
      if (this.skipping) {
        this.emit(Buffer.alloc(0), 0, 0, this.partsOffset, total);
      } else {
        const whole = Buffer.concat(this.parts, total);
        this.emit(whole, 0, whole.length, this.partsOffset, total);
      }
    }
    this.parts = [];
    this.partsBytes = 0;
    this.skipping = false;
  }
}

/**
 * Reads the bytes [start, end) of a file in chunks of `chunkSize`, into two buffers used in turn: the next read runs
 * while `onChunk` handles the current chunk, and no buffer is allocated per chunk (a stream allocates one per read,
 * which the garbage collector frees only later, and each is fresh memory to fault in). A chunk is valid only during
 * its `onChunk` call (`LineSplitter.push` copies what it keeps). Rejects with an `AbortError` once `signal` is aborted.
 */
export async function readChunks(
  path: string,
  start: number,
  end: number | (() => number),
  chunkSize: number,
  onChunk: (chunk: Buffer) => void,
  signal?: AbortSignal,
): Promise<void> {
  // `end` as a function: read up to where it says after each chunk (it may move down, never below what was read).
  const endAt = typeof end === 'number' ? () => end : end;
  let stop = endAt();
  if (stop <= start) return;
  const size = Math.max(1, Math.min(chunkSize, stop - start));
  const bufs = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)] as const;
  const fh = await fs.promises.open(path, 'r');
  let pending: Promise<{ bytesRead: number }> | undefined;
  try {
    let pos = start;
    let i = 0;
    let next: Promise<{ bytesRead: number }> = fh.read(bufs[0], 0, Math.min(size, stop - pos), pos);
    pending = next;
    for (;;) {
      const { bytesRead } = await next;
      pending = undefined;
      if (signal?.aborted) throw abortError();
      if (bytesRead <= 0) break;
      const cur = bufs[i]!;
      stop = endAt();
      const n = Math.min(bytesRead, Math.max(0, stop - pos));
      pos += n;
      i ^= 1;
      if (pos >= stop) {
        if (n > 0) onChunk(cur.subarray(0, n));
        break;
      }
      next = pending = fh.read(bufs[i]!, 0, Math.min(size, stop - pos), pos);
      onChunk(cur.subarray(0, n));
    }
  } finally {
    // Let a read still in flight finish before closing the file.
    await pending?.catch(() => undefined);
    await fh.close();
  }
}
