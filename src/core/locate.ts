/**
 * Turning a key path into a column range on one line. Only used for lines that have problems: the caller parses the
 * line once with `parseLineTree` and resolves every problem of that line against the same tree.
 */
import { createScanner, parseTree, type Node } from 'jsonc-parser';
import type { PathSegment } from './types';
import {
  T_OPEN_BRACE,
  T_CLOSE_BRACE,
  T_OPEN_BRACKET,
  T_CLOSE_BRACKET,
  T_COMMA,
  T_COLON,
  T_NULL,
  T_TRUE,
  T_FALSE,
  T_STRING,
  T_NUMBER,
  T_LINE_COMMENT,
  T_BLOCK_COMMENT,
  T_EOF,
} from './jsoncKinds';

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
    // jsonc-parser's recursive descent overflows the stack on a deeply nested line: build the tree without recursion.
    root = buildTree(body);
  }
  return { root, length: text.length, shift };
}

/**
 * The tree `parseTree` gives for valid JSON (same node types, offsets, lengths, parents, children and scalar
 * values), built with an explicit stack, so that any depth works in linear time. Undefined for text that is not one
 * valid JSON value (such a deep line is located as a whole).
 */
type MutableNode = { -readonly [K in keyof Node]: Node[K] };

export function buildTree(text: string): Node | undefined {
  const sc = createScanner(text, true);
  const scan = (): number => {
    let t: number;
    do t = sc.scan();
    while (t === T_LINE_COMMENT || t === T_BLOCK_COMMENT);
    return t;
  };
  let root: Node | undefined;
  /** The open container (object, array) or the property whose value comes next. */
  let parent: MutableNode | undefined;
  const attach = (n: Node): void => {
    if (!parent) root = n;
    else parent.children!.push(n);
  };
  /** Closes the values that `n` completes: a property whose value it is. */
  const ended = (end: number): void => {
    while (parent && parent.type === 'property' && parent.children!.length === 2) {
      parent.length = end - parent.offset;
      parent = parent.parent;
    }
  };
  let t = scan();
  let expectKey = false;
  /** Ends the open container `node` at `end` and reads the next token. */
  const close = (node: MutableNode, end: number): void => {
    node.length = end - node.offset;
    parent = node.parent;
    ended(end);
    expectKey = parent?.type === 'object';
    t = scan();
  };
  for (;;) {
    if (t === T_EOF) break;
    const offset = sc.getTokenOffset();
    const length = sc.getTokenLength();
    if (expectKey) {
      // In an object: a key, a comma or the closing brace.
      if (t === T_CLOSE_BRACE && parent?.type === 'object') {
        close(parent, offset + length);
        continue;
      }
      if (t === T_COMMA) {
        t = scan();
        continue;
      }
      if (t !== T_STRING || !parent) return undefined;
      const prop: MutableNode = { type: 'property', offset, length: -1, parent, children: [] };
      prop.children!.push({ type: 'string', value: sc.getTokenValue(), offset, length, parent: prop });
      parent.children!.push(prop);
      if (scan() !== T_COLON) return undefined;
      prop.colonOffset = sc.getTokenOffset();
      parent = prop;
      expectKey = false;
      t = scan();
      continue;
    }
    if (t === T_COMMA && parent?.type === 'array') {
      t = scan();
      continue;
    }
    if (t === T_CLOSE_BRACKET && parent?.type === 'array') {
      close(parent, offset + length);
      continue;
    }
    if (t === T_OPEN_BRACE || t === T_OPEN_BRACKET) {
      const n: MutableNode = { type: t === T_OPEN_BRACE ? 'object' : 'array', offset, length: -1, parent, children: [] };
      attach(n);
      parent = n;
      expectKey = t === T_OPEN_BRACE;
      t = scan();
      continue;
    }
    let n: Node;
    if (t === T_STRING) n = { type: 'string', value: sc.getTokenValue(), offset, length, parent };
    else if (t === T_NUMBER) n = { type: 'number', value: Number(sc.getTokenValue()), offset, length, parent };
    else if (t === T_TRUE || t === T_FALSE) n = { type: 'boolean', value: t === T_TRUE, offset, length, parent };
    else if (t === T_NULL) n = { type: 'null', value: null, offset, length, parent };
    else return undefined;
    attach(n);
    ended(offset + length);
    expectKey = parent?.type === 'object';
    t = scan();
  }
  return parent === undefined ? root : undefined;
}

/** Per object node with many properties: its keys (the first property of each name, as `findNodeAtLocation`). */
const keyIndex = new WeakMap<Node, Map<string, Node>>();

/**
 * `findNodeAtLocation`, with the properties of a big object looked up in an index built once per node (a line with
 * a problem on each of 40,000 keys located them in 9.6 s, quadratic in the keys).
 */
function findNode(root: Node, path: readonly PathSegment[], depth: number): Node | undefined {
  let node = root;
  for (let d = 0; d < depth; d++) {
    const segment = path[d]!;
    const children = node.children;
    if (typeof segment === 'string') {
      if (node.type !== 'object' || !Array.isArray(children)) return undefined;
      let found: Node | undefined;
      if (children.length <= 8) {
        for (const p of children) {
          if (Array.isArray(p.children) && p.children[0]!.value === segment && p.children.length === 2) {
            found = p.children[1];
            break;
          }
        }
      } else {
        let index = keyIndex.get(node);
        if (!index) {
          index = new Map();
          for (const p of children) {
            if (Array.isArray(p.children) && p.children.length === 2) {
              const k: unknown = p.children[0]!.value;
              if (typeof k === 'string' && !index.has(k)) index.set(k, p.children[1]!);
            }
          }
          keyIndex.set(node, index);
        }
        found = index.get(segment);
      }
      if (!found) return undefined;
      node = found;
    } else {
      if (node.type !== 'array' || segment < 0 || !Array.isArray(children) || segment >= children.length) return undefined;
      node = children[segment]!;
    }
  }
  return node;
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
    node = findNode(root, path, depth);
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
