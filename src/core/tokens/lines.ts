/**
 * Line splitting over byte chunks, shared by the streaming validator, the token workers and the benchmark floor.
 *
 * Lines end at `\n` (a `\r` before it is dropped). `\n` (0x0A) never occurs inside a multi-byte UTF-8 sequence, so
 * cutting the byte stream at `\n` and decoding each line separately can never split a character, whatever the chunk
 * boundaries. Bytes after the last `\n` form a final line only if there are any (a trailing newline does not start an
 * empty line). Memory is bounded by the chunk size plus the longest line.
 */

export interface LineSink {
  /**
   * Called for each line: its text, its 0-based line number, the byte offset of its first byte in the stream and its
   * byte length (without the line break).
   */
  (text: string, line: number, offset: number, byteLength: number): void;
}

export class LineSplitter {
  private carry: Buffer | undefined;
  private carryOffset = 0;
  private line = 0;
  private offset = 0;

  constructor(private readonly sink: LineSink, startLine = 0, startOffset = 0) {
    this.line = startLine;
    this.offset = startOffset;
    this.carryOffset = startOffset;
  }

  /** Lines emitted so far. */
  get lines(): number {
    return this.line;
  }

  push(chunk: Buffer): void {
    let buf: Buffer;
    let base: number;
    if (this.carry && this.carry.length > 0) {
      buf = Buffer.concat([this.carry, chunk]);
      base = this.carryOffset;
    } else {
      buf = chunk;
      base = this.offset;
    }
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) {
        break;
      }
      let end = nl;
      if (end > start && buf[end - 1] === 13) {
        end--;
      }
      this.sink(buf.toString('utf8', start, end), this.line++, base + start, end - start);
      start = nl + 1;
    }
    this.offset = base + buf.length;
    if (start < buf.length) {
      // Copy so that the (possibly large) chunk can be released.
      this.carry = Buffer.from(buf.subarray(start));
      this.carryOffset = base + start;
    } else {
      this.carry = undefined;
      this.carryOffset = this.offset;
    }
  }

  /** Emits the final line (bytes after the last `\n`), if any. */
  end(): void {
    const buf = this.carry;
    if (buf && buf.length > 0) {
      let end = buf.length;
      if (buf[end - 1] === 13) {
        end--;
      }
      this.sink(buf.toString('utf8', 0, end), this.line++, this.carryOffset, end);
    }
    this.carry = undefined;
  }
}

/**
 * Splits a whole text the same way (`\n`, `\r\n`); unlike `LineSplitter` the result always ends with the text after
 * the last `\n` (possibly empty), i.e. the lines of an editor document.
 */
export function splitDocumentLines(text: string): string[] {
  const out = text.split('\n');
  for (let i = 0; i < out.length; i++) {
    const s = out[i]!;
    if (s.length > 0 && s.charCodeAt(s.length - 1) === 13) {
      out[i] = s.slice(0, -1);
    }
  }
  return out;
}
