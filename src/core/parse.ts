/**
 * Parsing one JSONL line: `JSON.parse` as the fast path, `jsonc-parser` only to locate the failure of a line that does
 * not parse, and a cheap classification of the line's shape from its own top-level keys.
 */
import { createScanner, printParseErrorCode, type ParseError, type ParseErrorCode } from 'jsonc-parser';
import type { Shape } from './types';
import { isObj, type Obj } from './rules/util';
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
  T_LINE_BREAK,
  T_TRIVIA,
  T_UNKNOWN,
  T_EOF,
} from './jsoncKinds';

export interface ParsedLine {
  readonly shape: Shape;
  /** The parsed value (absent for blank and invalid lines). */
  readonly value?: unknown;
  /** For an invalid line: the UTF-16 offset in the line's text where parsing fails (span `length`, may be 0). */
  readonly error?: { readonly offset: number; readonly message: string; readonly length?: number };
  /**
   * True when the text starts with a UTF-8 byte-order mark (`\uFEFF`). The mark is skipped for parsing; offsets in
   * `error` are still offsets in the original text. Reported as `utf8-bom` (TL-01) by `checkLine`.
   */
  readonly bom?: boolean;
}

const BOM = 0xfeff;

/** True when the string holds only JSON whitespace (space, tab, CR, LF). */
function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a && c !== BOM) return false;
  }
  return true;
}

/** Top-level keys that mark a supervised chat line. Anything else next to `messages` suggests RFT grader fields. */
export const SFT_TOP_KEYS: ReadonlySet<string> = new Set(['messages', 'tools', 'parallel_tool_calls', 'functions']);

/** Classify a parsed object by its own keys (see `Shape`). */
export function classify(obj: Record<string, unknown>): Shape {
  if (obj.messages !== undefined) return looksRft(obj) ? 'chat-rft' : 'chat';
  if (
    obj.input !== undefined ||
    obj.preferred_output !== undefined ||
    obj.non_preferred_output !== undefined ||
    obj.preferred_completion !== undefined ||
    obj.non_preferred_completion !== undefined
  ) {
    return 'preference';
  }
  if (obj.prompt !== undefined || obj.completion !== undefined) return 'completion';
  return 'unknown';
}

function looksRft(obj: Record<string, unknown>): boolean {
  for (const k in obj) {
    if (!SFT_TOP_KEYS.has(k)) return true;
  }
  const messages = obj.messages;
  if (!Array.isArray(messages) || messages.length === 0) return false;
  let hasAssistant = false;
  let lastRole: unknown;
  for (let i = 0; i < messages.length; i++) {
    const m: unknown = messages[i];
    if (m === null || typeof m !== 'object') {
      lastRole = undefined;
      continue;
    }
    const role = (m as Record<string, unknown>).role;
    if (role === 'developer') return true;
    if (role === 'assistant') hasAssistant = true;
    lastRole = role;
  }
  return !hasAssistant && lastRole === 'user';
}

/**
 * Parse one line of a JSONL file. Never throws. A leading BOM is skipped (and flagged via `bom`).
 * `shape` is `blank` for an empty or whitespace-only line, `invalid` when the text is not JSON, `not-object` for JSON
 * that is not an object, and otherwise the result of `classify`.
 */
export function parseLine(text: string): ParsedLine {
  const bom = text.length > 0 && text.charCodeAt(0) === BOM;
  const body = bom ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    if (isBlank(body)) return bom ? { shape: 'blank', bom } : BLANK;
    const err = locateSyntaxError(body, e instanceof Error ? e.message : String(e));
    const shift = bom ? 1 : 0;
    const error = { offset: err.offset + shift, length: err.length, message: err.message };
    return bom ? { shape: 'invalid', error, bom } : { shape: 'invalid', error };
  }
  let shape: Shape;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) shape = 'not-object';
  else shape = classify(value as Record<string, unknown>);
  return bom ? { shape, value, bom } : { shape, value };
}

const BLANK: ParsedLine = { shape: 'blank' };

const JSONC_MESSAGES: Readonly<Record<string, string>> = {
  InvalidSymbol: 'unexpected symbol',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a double-quoted property name',
  ValueExpected: 'expected a value',
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: 'unexpected text after the JSON value (one JSON object per line)',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'control character in a string (escape it, e.g. \\n or \\t)',
};

// jsonc-parser's `ScanError` and `ParseErrorCode` values (const enums in its typings); its `SyntaxKind` values are in jsoncKinds.ts.
/** ScanError -> ParseErrorCode, as jsonc-parser's `visit` maps them (UnexpectedEndOfComment only with comments on). */
const SCAN_ERRORS: Readonly<Record<number, number>> = { 4: 14, 5: 15, 3: 13, 2: 12, 6: 16 };
const E_INVALID_SYMBOL = 1;
const E_INVALID_NUMBER = 2;
const E_PROPERTY_NAME = 3;
const E_VALUE = 4;
const E_COLON = 5;
const E_COMMA = 6;
const E_CLOSE_BRACE = 7;
const E_CLOSE_BRACKET = 8;
const E_END_OF_FILE = 9;
const E_COMMENT = 10;

/**
 * The first error that jsonc-parser's `parse(text, errors, { allowTrailingComma: false, disallowComments: true,
 * allowEmptyContent: false })` reports, found without recursion: an explicit stack of open containers replaces
 * jsonc-parser's recursive descent (which overflows the call stack on a line nested some 10,000 deep, and the error
 * was then reported at column 1). One pass over the scanner's tokens, so linear in the line's length at any depth.
 * Stops at the first error, so none of jsonc-parser's error recovery is needed. Undefined when the text is valid.
 */
export function firstSyntaxError(text: string): ParseError | undefined {
  const sc = createScanner(text, false);
  let err: ParseError | undefined;
  const fail = (code: number): void => {
    err ??= { error: code as ParseErrorCode, offset: sc.getTokenOffset(), length: sc.getTokenLength() };
  };
  let tok = 0;
  const next = (): void => {
    for (;;) {
      tok = sc.scan();
      const se = SCAN_ERRORS[sc.getTokenError()];
      if (se !== undefined) fail(se);
      if (tok === T_LINE_COMMENT || tok === T_BLOCK_COMMENT) fail(E_COMMENT);
      else if (tok === T_UNKNOWN) fail(E_INVALID_SYMBOL);
      else if (tok !== T_TRIVIA && tok !== T_LINE_BREAK) return;
      if (err) return;
    }
  };
  /** Open containers: true for an array, false for an object. */
  const stack: boolean[] = [];
  /** Per open container: an element was parsed (the next one needs a comma). */
  const needsComma: boolean[] = [];
  /** Parses the value at the current token: 1 = a container was opened, 0 = a scalar was consumed, -1 = no value. */
  const value = (): number => {
    if (tok === T_OPEN_BRACKET || tok === T_OPEN_BRACE) {
      stack.push(tok === T_OPEN_BRACKET);
      needsComma.push(false);
      next();
      return 1;
    }
    if (tok === T_STRING || tok === T_NULL || tok === T_TRUE || tok === T_FALSE) {
      next();
      return 0;
    }
    if (tok === T_NUMBER) {
      if (Number.isNaN(Number(sc.getTokenValue()))) fail(E_INVALID_NUMBER);
      next();
      return 0;
    }
    return -1;
  };
  next();
  if (err) return err;
  if (tok === T_EOF) {
    fail(E_VALUE);
    return err;
  }
  if (value() < 0) {
    fail(E_VALUE);
    return err;
  }
  while (!err && stack.length > 0) {
    const top = stack.length - 1;
    const isArray = stack[top]!;
    if (tok === (isArray ? T_CLOSE_BRACKET : T_CLOSE_BRACE)) {
      stack.pop();
      needsComma.pop();
      next();
      continue;
    }
    if (tok === T_EOF) {
      fail(isArray ? E_CLOSE_BRACKET : E_CLOSE_BRACE);
      break;
    }
    if (tok === T_COMMA) {
      if (!needsComma[top]) {
        fail(E_VALUE);
        break;
      }
      next();
      if (err) break;
    } else if (needsComma[top]) {
      fail(E_COMMA);
      break;
    }
    // The element (after a comma, even a closing bracket is taken as the element: no trailing commas).
    needsComma[top] = true;
    if (!isArray) {
      if (tok !== T_STRING) {
        fail(E_PROPERTY_NAME);
        break;
      }
      next();
      if (err) break;
      if ((tok as number) !== T_COLON) {
        fail(E_COLON);
        break;
      }
      next();
      if (err) break;
    }
    if (value() < 0) fail(E_VALUE);
  }
  if (!err && tok !== T_EOF) fail(E_END_OF_FILE);
  return err;
}

/** Find where a line that `JSON.parse` rejected fails: jsonc-parser's first error, narrowed by V8's position. */
function locateSyntaxError(text: string, v8Message: string): { offset: number; length: number; message: string } {
  const found = firstSyntaxError(text);
  const errors: ParseError[] = found ? [found] : [];
  const posMatch = / at position (\d+)/.exec(v8Message);
  const v8Pos = posMatch ? Number(posMatch[1]) : -1;
  const v8Text = v8Message.replace(/ in JSON at position \d+.*$/s, '').replace(/, ".*" is not valid JSON$/s, '');
  const first = errors[0];
  if (first) {
    let offset = first.offset;
    let length = first.length;
    if (v8Pos > offset && v8Pos < offset + length) {
      offset = v8Pos;
      length = 1;
    }
    const name = printParseErrorCode(first.error);
    return { offset, length, message: JSONC_MESSAGES[name] ?? v8Text };
  }
  if (v8Pos >= 0) return { offset: Math.min(v8Pos, text.length), length: 1, message: v8Text };
  return { offset: 0, length: text.length, message: v8Text };
}

/**
 * The JSON objects of a JSONL text, line by line (`\n` or `\r\n`): blank lines, lines that are not JSON and JSON
 * values that are not objects are skipped. For files Tuneline reads back (batch output, evaluation results, training
 * files in the local API), where a torn or foreign line is ignored rather than reported.
 */
export function* jsonObjects(text: string): Generator<Obj> {
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      continue;
    }
    if (isObj(v)) yield v;
  }
}
