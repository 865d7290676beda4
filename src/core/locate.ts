/**
 * Turning a key path into a column range on one line. Only used for lines that have problems: the caller parses the
 * line once with `parseLineTree` and resolves every problem of that line against the same tree.
 */
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';
import type { PathSegment } from './types';

export type LocateTarget = 'key' | 'value';

export interface ColumnRange {
  readonly column: number;
  readonly endColumn: number;
}

/** A parsed line, ready for any number of `locateIn` calls. `shift` is added to every offset (1 after a BOM). */
export interface LineTree {
  readonly root: Node | undefined;
  readonly length: number;
  readonly shift: number;
}

export function parseLineTree(text: string): LineTree {
  const shift = text.length > 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const body = shift ? text.slice(1) : text;
  let root: Node | undefined;
  try {
    root = parseTree(body, [], { allowTrailingComma: true, disallowComments: false });
  } catch {
    root = undefined;
  }
  return { root, length: text.length, shift };
}

/**
 * The range of the key or value at `path`. When the path does not exist (a missing key), the nearest existing ancestor
 * value is used; with no tree at all, the whole line. `sub` selects a `[start, end)` slice of a string value, in
 * decoded-string UTF-16 units, mapped back through escapes to raw columns.
 */
export function locateIn(
  tree: LineTree,
  path: readonly PathSegment[],
  target: LocateTarget,
  sub?: readonly [number, number],
  lineText?: string,
): ColumnRange {
  const whole: ColumnRange = { column: tree.shift, endColumn: tree.length };
  const root = tree.root;
  if (!root) return whole;
  let node: Node | undefined;
  let depth = path.length;
  while (depth >= 0) {
    node = depth === 0 ? root : findNodeAtLocation(root, path.slice(0, depth) as PathSegment[]);
    if (node) break;
    depth--;
  }
  if (!node) return whole;
  const exact = depth === path.length;
  if (exact && target === 'key' && typeof path[path.length - 1] === 'string') {
    const prop = node.parent;
    const keyNode = prop && prop.type === 'property' ? prop.children?.[0] : undefined;
    if (keyNode) return { column: keyNode.offset + tree.shift, endColumn: keyNode.offset + keyNode.length + tree.shift };
  }
  if (exact && sub && node.type === 'string' && lineText !== undefined) {
    const raw = rawStringSlice(lineText, node.offset + tree.shift, sub[0], sub[1]);
    if (raw) return raw;
  }
  return { column: node.offset + tree.shift, endColumn: node.offset + node.length + tree.shift };
}

/** One-off convenience: parse the line and locate a single path. */
export function locate(
  text: string,
  path: readonly PathSegment[],
  target: LocateTarget,
  sub?: readonly [number, number],
): ColumnRange {
  return locateIn(parseLineTree(text), path, target, sub, text);
}

/**
 * Map `[start, end)` in the decoded value of the JSON string literal starting at `quoteOffset` (the opening quote) to
 * raw columns, walking escapes (`\uXXXX` is one UTF-16 unit, other escapes are one unit).
 */
function rawStringSlice(text: string, quoteOffset: number, start: number, end: number): ColumnRange | undefined {
  let raw = quoteOffset + 1;
  let decoded = 0;
  let column = -1;
  while (raw < text.length) {
    if (decoded === start && column < 0) column = raw;
    if (decoded === end) return column >= 0 ? { column, endColumn: raw } : undefined;
    const c = text.charCodeAt(raw);
    if (c === 0x22 /* " */) break;
    if (c === 0x5c /* \ */) raw += text.charCodeAt(raw + 1) === 0x75 /* u */ ? 6 : 2;
    else raw += 1;
    decoded++;
  }
  if (decoded === end && column >= 0) return { column, endColumn: raw };
  return undefined;
}
