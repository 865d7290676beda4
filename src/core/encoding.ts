/**
 * The file's encoding (TL-12 `invalid-utf8`, TL-13 `file-not-utf8`). Training files must be UTF-8; today a byte that
 * is not UTF-8 is replaced with U+FFFD when a line is decoded, silently.
 *
 * - A file that starts with a UTF-16 byte-order mark, or has NUL bytes in its first 4 KB (UTF-16 or UTF-32 text; JSON
 *   text never holds a raw NUL), is not read line by line at all: one file-level error says what it is.
 * - Otherwise each decoded line is searched for U+FFFD (a native search); only a line that has one has its bytes
 *   checked (`buffer.isUtf8`, native), since U+FFFD may also be spelled in UTF-8 on purpose. Up to
 *   `MAX_LINE_REPORTS` such lines get an error each; more mean the file is in another encoding (Latin-1,
 *   Windows-1252...): one file-level error names the first line and the count, and the lines get none.
 */
import * as buffer from 'node:buffer';
import * as fs from 'node:fs';
import { ruleByCode } from './rules/catalog';
import type { Problem } from './types';

export const MAX_LINE_REPORTS = 10;

const isUtf8: ((b: Uint8Array) => boolean) | undefined = (buffer as { isUtf8?: (b: Uint8Array) => boolean }).isUtf8;

/** What the first bytes of a file say about its encoding: undefined (maybe UTF-8) or the encoding it is in. */
export function sniffEncoding(head: Uint8Array): string | undefined {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return head.length >= 4 && head[2] === 0 && head[3] === 0 ? 'UTF-32 LE' : 'UTF-16 LE';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'UTF-16 BE';
  if (head.length >= 4 && head[0] === 0 && head[1] === 0 && head[2] === 0xfe && head[3] === 0xff) return 'UTF-32 BE';
  const n = Math.min(head.length, 4096);
  for (let i = 0; i < n; i++) {
    if (head[i] === 0) return i % 2 === 0 ? 'UTF-16 BE (no byte-order mark)' : 'UTF-16 LE (no byte-order mark)';
  }
  return undefined;
}

/** Reads the first 4 KB of a file and sniffs them. */
export function sniffFileEncoding(path: string): string | undefined {
  const fd = fs.openSync(path, 'r');
  try {
    const head = Buffer.alloc(4096);
    const got = fs.readSync(fd, head, 0, head.length, 0);
    return sniffEncoding(head.subarray(0, got));
  } finally {
    fs.closeSync(fd);
  }
}

/** The line's bytes `raw[start, end)` (decoded as `text`) are not valid UTF-8. Cheap unless `text` holds U+FFFD. */
export function hasInvalidUtf8(text: string, raw: Uint8Array, start: number, end: number): boolean {
  if (text.indexOf('\uFFFD') === -1) return false;
  if (isUtf8 === undefined) return Buffer.from(text, 'utf8').compare(raw, start, end) !== 0;
  return !isUtf8(raw.subarray(start, end));
}

/** Lines with bytes that are not UTF-8, as plain data (posted between threads): [line, example, column] triples. */
export interface BadUtf8 {
  count: number;
  /** The first `MAX_LINE_REPORTS + 1` lines, flat. */
  readonly lines: number[];
}

export function addBadUtf8(b: BadUtf8, line: number, example: number, text: string): void {
  b.count++;
  if (b.lines.length < (MAX_LINE_REPORTS + 1) * 3) b.lines.push(line, example, Math.max(0, text.indexOf('\uFFFD')));
}

export function mergeBadUtf8(into: BadUtf8, from: BadUtf8): void {
  into.count += from.count;
  for (let i = 0; i < from.lines.length && into.lines.length < (MAX_LINE_REPORTS + 1) * 3; i++) into.lines.push(from.lines[i]!);
}

function rule(code: string): { ruleId: string; severity: Problem['severity'] } {
  const r = ruleByCode(code);
  return { ruleId: r?.id ?? code, severity: r?.severity ?? 'error' };
}

/** The problems for the lines found (per line, or one for the file when there are many). */
export function badUtf8Problems(b: BadUtf8): Problem[] {
  if (b.count === 0) return [];
  if (b.count > MAX_LINE_REPORTS) {
    return [fileNotUtf8Problem(`${b.count.toLocaleString('en-US')} lines hold bytes that are not UTF-8 (the first is line ${b.lines[0]! + 1}): the file is in another encoding (Latin-1 or Windows-1252?). Save it as UTF-8.`, { lines: b.count, first: b.lines[0] })];
  }
  const out: Problem[] = [];
  for (let i = 0; i < b.lines.length; i += 3) {
    out.push({
      code: 'invalid-utf8',
      ...rule('invalid-utf8'),
      message: `Example ${b.lines[i + 1]!} (line ${b.lines[i]! + 1}) holds bytes that are not UTF-8; they would be read as U+FFFD (�). Fix the text or save the file as UTF-8.`,
      line: b.lines[i]!,
      column: b.lines[i + 2]!,
      endColumn: b.lines[i + 2]! + 1,
    });
  }
  return out;
}

export function fileNotUtf8Problem(message: string, data: Record<string, unknown>): Problem {
  return { code: 'file-not-utf8', ...rule('file-not-utf8'), message, data };
}
