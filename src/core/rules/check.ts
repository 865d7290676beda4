/**
 * Per-line rules. `checkLine` runs every line rule of the catalogue for the file's method in one walk over the
 * parsed object. A clean line allocates no problems, no paths and calls no `jsonc-parser`; key paths are built only
 * when a problem is reported, and ranges are resolved at the end, with one parse tree per line that has problems.
 */
import { hash } from 'node:crypto';
import * as zlib from 'node:zlib';
import { locateIn, parseLineTree, type LocateTarget } from '../locate';
import type { ParsedLine } from '../parse';
import type { LineAnalysis, LineStats, Method, PathSegment, Problem, Severity, Shape } from '../types';
import { ruleByCode } from './catalog';
import { graderItemPaths } from './grader';
import {
  formatPath,
  isObj,
  isValidFunctionName,
  jsonEqual,
  nearest,
  show,
  typeName,
  type Obj,
} from './util';

export interface LineContext {
  /** 1-based example number ("Example N"): the count of non-blank lines up to this one. */
  readonly exampleNumber: number;
  /** The parsed RFT grader (`method.reinforcement.grader`), for the `{{ item.X }}` checks (RFT-05). */
  readonly grader?: unknown;
  /** The line's UTF-8 byte length when the caller already knows it (saves a scan); otherwise it is computed. */
  readonly bytes?: number;
  /**
   * `false`: leave `dupKey` out (the streaming validator hashes the line's raw bytes instead, which is cheaper than
   * hashing the decoded text). Default true.
   */
  readonly dupKey?: boolean;
  /** `false`: leave the role counts out of `stats` (`roles` is then empty); the streaming validator does not use them. */
  readonly roles?: boolean;
}

interface RawProblem {
  readonly code: string;
  readonly path: readonly PathSegment[];
  readonly target: LocateTarget;
  readonly message: string;
  readonly data?: Record<string, unknown>;
  readonly sub?: readonly [number, number];
  readonly severity?: Severity;
}

type Mode = 'sft' | 'dpo-in' | 'dpo-out' | 'rft';

const SFT_ROLES = ['system', 'user', 'assistant', 'tool', 'function'] as const;
const RFT_ROLES = ['developer', 'user', 'assistant', 'tool'] as const;
const ROLE_ALIASES: Readonly<Record<string, string>> = {
  human: 'user',
  bot: 'assistant',
  ai: 'assistant',
  model: 'assistant',
  gpt: 'assistant',
  chatbot: 'assistant',
  instruction: 'system',
  instructions: 'system',
};
const RFT_ROLE_ALIASES: Readonly<Record<string, string>> = { ...ROLE_ALIASES, system: 'developer', instruction: 'developer' };
const SFT_ROLE_ALIASES: Readonly<Record<string, string>> = { ...ROLE_ALIASES, developer: 'system' };

const MESSAGES: readonly PathSegment[] = ['messages'];
const INPUT_MESSAGES: readonly PathSegment[] = ['input', 'messages'];
const ROOT: readonly PathSegment[] = [];
const TOOLS_ROOT: readonly PathSegment[] = ['tools'];
const TOOLS_INPUT: readonly PathSegment[] = ['input', 'tools'];
const FUNCTIONS: readonly PathSegment[] = ['functions'];
const OUTPUT_PATHS: Readonly<Record<string, readonly PathSegment[]>> = {
  preferred_output: ['preferred_output'],
  non_preferred_output: ['non_preferred_output'],
  preferred_completion: ['preferred_completion'],
  non_preferred_completion: ['non_preferred_completion'],
};

const SPECIAL_TOKENS = ['<|fim_suffix|>', '<|endoftext|>', '<|fim_prefix|>', '<|fim_middle|>', '<|endofprompt|>'];
const MAX_IMAGES = 10;
const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

const METHOD_LABEL: Readonly<Record<Method, string>> = {
  supervised: 'supervised chat',
  dpo: 'preference (DPO)',
  reinforcement: 'reinforcement (RFT)',
  completion: 'legacy prompt/completion',
};
const SHAPE_LABEL: Partial<Record<Shape, string>> = {
  chat: 'a chat example ("messages")',
  'chat-rft': 'a chat example ("messages")',
  preference: 'a preference (DPO) example',
  completion: 'a legacy prompt/completion example',
};

const EMPTY: readonly Problem[] = Object.freeze([]) as readonly Problem[];

/**
 * Per-line state: the problems (allocated on the first one), the statistics, and tool-call bookkeeping. One instance
 * is reused for every line (`checkLine` is synchronous and not re-entrant), so a clean line allocates no state.
 */
class LineState {
  problems: RawProblem[] | null = null;
  n = 0;
  method: Method = 'supervised';
  // statistics
  messages = 0;
  assistantTurns = 0;
  rSystem = 0;
  rUser = 0;
  rAssistant = 0;
  rTool = 0;
  rFunction = 0;
  rDeveloper = 0;
  rOther: Record<string, number> | null = null;
  images = 0;
  hasTools = false;
  // per-walk facts
  imageFlagged = false;
  deprecatedFlagged = false;
  hasSystem = false;
  hasUser = false;
  walkAssistants = 0;
  zeroWeights = 0;
  lastZeroWeight = -1;
  firstAssistant = -1;
  lastRole: string | undefined = undefined;
  /** Messages whose role is missing or invalid: structural checks (last turn, missing roles) are skipped then. */
  badRoles = 0;
  // tool-call bookkeeping (allocated only when an example has tool calls)
  toolsDecl: unknown = undefined;
  functionsDecl: unknown = undefined;
  parallel: unknown = undefined;
  declared: Set<string> | null | undefined = undefined;
  callIds: Set<string> | null = null;
  /** Unanswered tool-call ids → message index * 65536 + call index. */
  pending: Map<string, number> | null = null;

  reset(n: number, method: Method): this {
    this.problems = null;
    this.n = n;
    this.method = method;
    this.messages = 0;
    this.assistantTurns = 0;
    this.rSystem = this.rUser = this.rAssistant = this.rTool = this.rFunction = this.rDeveloper = 0;
    this.rOther = null;
    this.images = 0;
    this.hasTools = false;
    this.imageFlagged = false;
    this.deprecatedFlagged = false;
    this.toolsDecl = undefined;
    this.functionsDecl = undefined;
    this.parallel = undefined;
    this.declared = undefined;
    this.resetWalk();
    return this;
  }

  countRole(role: string): void {
    switch (role) {
      case 'system':
        this.rSystem++;
        break;
      case 'user':
        this.rUser++;
        break;
      case 'assistant':
        this.rAssistant++;
        break;
      case 'tool':
        this.rTool++;
        break;
      case 'function':
        this.rFunction++;
        break;
      case 'developer':
        this.rDeveloper++;
        break;
      default: {
        const o = (this.rOther ??= Object.create(null) as Record<string, number>);
        o[role] = (o[role] ?? 0) + 1;
      }
    }
  }

  roles(): Record<string, number> {
    const r: Record<string, number> = {};
    if (this.rSystem) r.system = this.rSystem;
    if (this.rDeveloper) r.developer = this.rDeveloper;
    if (this.rUser) r.user = this.rUser;
    if (this.rAssistant) r.assistant = this.rAssistant;
    if (this.rTool) r.tool = this.rTool;
    if (this.rFunction) r.function = this.rFunction;
    if (this.rOther) for (const k in this.rOther) r[k] = this.rOther[k]!;
    return r;
  }

  add(
    code: string,
    path: readonly PathSegment[],
    target: LocateTarget,
    text: string,
    data?: Record<string, unknown>,
    severity?: Severity,
    sub?: readonly [number, number],
  ): void {
    // "Example 3 is missing key 'messages'" (the API's wording) / "Example 3: messages[1].role is ...".
    const sep = text.startsWith('is ') || text.startsWith('has ') || text.startsWith('contains ') || text.startsWith('uses ') ? ' ' : ': ';
    const p: RawProblem = { code, path, target, message: `Example ${this.n}${sep}${text}`, data, severity, sub };
    if (this.problems) this.problems.push(p);
    else this.problems = [p];
  }

  resetWalk(): void {
    this.hasSystem = false;
    this.hasUser = false;
    this.walkAssistants = 0;
    this.zeroWeights = 0;
    this.lastZeroWeight = -1;
    this.firstAssistant = -1;
    this.lastRole = undefined;
    this.badRoles = 0;
    this.pending = null;
    this.callIds = null;
  }
}

const STATE = new LineState();

function at(base: readonly PathSegment[], ...rest: PathSegment[]): PathSegment[] {
  return base.length === 0 ? rest : [...base, ...rest];
}

// ------------------------------------------------------------------------------------------------ entry point

/**
 * Check one line against the file's method. `parsed` is `parseLine(text)`; `line` is the 0-based line number. Never
 * throws. Blank lines give no problems (blank-line handling is a file-level rule).
 */
export function checkLine(
  text: string,
  parsed: ParsedLine,
  line: number,
  method: Method,
  ctx: LineContext,
): LineAnalysis {
  const shape = parsed.shape;
  if (shape === 'blank') {
    if (!parsed.bom) return { shape, problems: EMPTY };
    const L = STATE.reset(ctx.exampleNumber, method);
    addBom(L);
    return { shape, problems: finish(L, text, line) };
  }
  const L = STATE.reset(ctx.exampleNumber, method);
  if (parsed.bom) addBom(L);
  const bytes = ctx.bytes ?? Buffer.byteLength(text, 'utf8');
  if (shape === 'invalid') {
    const err = parsed.error;
    const problems = finish(L, text, line);
    const p = invalidJsonProblem(text, line, ctx.exampleNumber, err);
    return { shape, problems: problems.length ? [...problems, p] : [p], stats: stats(L, bytes, ctx.roles !== false) };
  }
  const dupKey = ctx.dupKey === false ? undefined : duplicateKey(text);
  const value = parsed.value;
  if (shape === 'not-object' || !isObj(value)) {
    L.add(
      'line-not-object',
      ROOT,
      'value',
      `the line is ${typeName(value)}, not a JSON object. Each line must be one JSON object such as {"messages": [...]}.`,
    );
    return { shape, problems: finish(L, text, line), dupKey, stats: stats(L, bytes, ctx.roles !== false) };
  }
  const o = value;
  if (!fitsMethod(shape, method)) {
    wrongFormat(L, o, shape, method);
    return { shape, problems: finish(L, text, line), dupKey, stats: stats(L, bytes, ctx.roles !== false) };
  }
  switch (method) {
    case 'supervised':
      checkSupervised(L, o);
      break;
    case 'dpo':
      checkPreference(L, o);
      break;
    case 'reinforcement':
      checkReinforcement(L, o, ctx.grader);
      break;
    case 'completion':
      checkCompletion(L, o);
      break;
  }
  // FILE-09: a raw-text prefilter; only lines whose text can spell `<|` (literally, or with \u003c / \u007c
  // escapes as Python's ensure_ascii writes them) are walked.
  if (mayHaveSpecialToken(text)) scanSpecialTokens(L, o, []);
  return { shape, problems: finish(L, text, line), dupKey, stats: stats(L, bytes, ctx.roles !== false) };
}

const crc32: ((data: string) => number) | undefined = (zlib as { crc32?: (data: string) => number }).crc32;

/**
 * The duplicate-detection key of a line: identical (trimmed) lines always get the same key. It combines a native
 * CRC-32 of the whole line (zlib.crc32, Node >= 20.15), the line's length, and an FNV-1a hash of 32 characters
 * sampled across the line. A full SHA-1 costs about as much as the JSON.parse itself (measured), which would sink
 * the validation throughput target; CRC-32 is ~3x cheaper, detects every difference of up to 3 bits or one burst
 * of up to 32 bits, and two different lines share a key only if their lengths, their samples and their CRCs all
 * agree. Falls back to SHA-1 where zlib.crc32 is missing.
 */
export function duplicateKey(text: string): string {
  const t = duplicateText(text);
  if (crc32 === undefined) return hash('sha1', t, 'base64');
  const n = t.length;
  let h = 0x811c9dc5;
  const step = n > 32 ? n >> 5 : 1;
  for (let i = 0; i < n; i += step) h = Math.imul(h ^ t.charCodeAt(i), 16777619);
  const c = crc32(t);
  // Seven printable code units (CJK block, never surrogates): 32 bits of CRC, 32 of samples, 28 of length.
  return String.fromCharCode(
    0x4e00 + (c & 0x3fff),
    0x4e00 + ((c >>> 14) & 0x3fff),
    0x4e00 + ((c >>> 28) | ((h & 0x3ff) << 4)),
    0x4e00 + ((h >>> 10) & 0x3fff),
    0x4e00 + (h >>> 24),
    0x4e00 + (n & 0x3fff),
    0x4e00 + ((n >>> 14) & 0x3fff),
  );
}

/** What duplicate detection compares: the text without leading and trailing space, tab, CR, LF and U+FEFF. */
export function duplicateText(text: string): string {
  let a = 0;
  let b = text.length;
  while (a < b && isSpace(text.charCodeAt(a))) a++;
  while (b > a && isSpace(text.charCodeAt(b - 1))) b--;
  return a === 0 && b === text.length ? text : text.slice(a, b);
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a || c === 0xfeff;
}

const NO_ROLES: Readonly<Record<string, number>> = Object.freeze({});

function stats(L: LineState, bytes: number, roles: boolean): LineStats {
  return {
    bytes,
    messages: L.messages,
    assistantTurns: L.assistantTurns,
    roles: roles ? L.roles() : NO_ROLES,
    images: L.images,
    hasTools: L.hasTools,
  };
}

function addBom(L: LineState): void {
  L.add(
    'utf8-bom',
    ROOT,
    'value',
    'the file starts with a UTF-8 byte-order mark (U+FEFF). Save it as UTF-8 without BOM; strict JSON readers reject it.',
  );
}

function invalidJsonProblem(
  text: string,
  line: number,
  n: number,
  err: ParsedLine['error'],
): Problem {
  const rule = ruleByCode('invalid-json')!;
  let column = err ? err.offset : 0;
  let endColumn = err ? err.offset + (err.length ?? 0) : text.length;
  if (column > text.length) column = text.length;
  if (endColumn > text.length) endColumn = text.length;
  if (endColumn <= column) {
    if (column >= text.length) column = Math.max(0, text.length - 1);
    endColumn = Math.min(text.length, column + 1);
  }
  const what = err ? `${err.message} at column ${column + 1}` : 'not valid JSON';
  return {
    code: rule.code,
    ruleId: rule.id,
    severity: rule.severity,
    message: `Example ${n} cannot be parsed: ${what}. Each line must be one complete JSON object; fix the JSON here.`,
    line,
    column,
    endColumn,
    path: '',
  };
}

/** Resolve ranges (one parse tree per line with problems) and build the public problems. */
function finish(L: LineState, text: string, line: number): readonly Problem[] {
  const raw = L.problems;
  if (!raw) return EMPTY;
  const tree = parseLineTree(text);
  const out: Problem[] = [];
  for (const r of raw) {
    const rule = ruleByCode(r.code);
    const range =
      r.code === 'utf8-bom' ? { column: 0, endColumn: Math.min(1, text.length) } : locateIn(tree, r.path, r.target, r.sub, text);
    const p: Problem = {
      code: r.code,
      ruleId: rule ? rule.id : r.code,
      severity: r.severity ?? (rule ? rule.severity : 'error'),
      message: r.message,
      line,
      column: range.column,
      endColumn: range.endColumn,
      path: formatPath(r.path),
      ...(r.data ? { data: r.data } : {}),
    };
    out.push(p);
  }
  out.sort((a, b) => (a.column ?? 0) - (b.column ?? 0));
  return out;
}

// ------------------------------------------------------------------------------------------------ FILE-08

function fitsMethod(shape: Shape, method: Method): boolean {
  switch (method) {
    case 'supervised':
    case 'reinforcement':
      return shape === 'chat' || shape === 'chat-rft' || shape === 'unknown';
    case 'dpo':
      return shape === 'preference' || shape === 'unknown';
    case 'completion':
      return shape === 'completion' || shape === 'unknown';
  }
}

const FORMAT_KEYS = [
  'messages',
  'input',
  'preferred_output',
  'non_preferred_output',
  'preferred_completion',
  'non_preferred_completion',
  'prompt',
  'completion',
];

function wrongFormat(L: LineState, o: Obj, shape: Shape, method: Method): void {
  let key: string | undefined;
  for (const k of FORMAT_KEYS) {
    if (o[k] !== undefined) {
      key = k;
      break;
    }
  }
  const what = SHAPE_LABEL[shape] ?? 'an example in another format';
  const fix =
    method === 'supervised'
      ? 'Convert it to {"messages": [...]} or move it to a file of its own format.'
      : method === 'dpo'
        ? 'Convert it to {"input": {"messages": [...]}, "preferred_output": [...], "non_preferred_output": [...]} or move it to a file of its own format.'
        : method === 'reinforcement'
          ? 'Convert it to {"messages": [..., user turn], ...grader fields} or move it to a file of its own format.'
          : 'Convert it to {"prompt": "...", "completion": "..."} or move it to a file of its own format.';
  L.add(
    'wrong-format',
    key ? [key] : ROOT,
    key ? 'key' : 'value',
    `is ${what} but this file is ${METHOD_LABEL[method]}. ${fix}`,
    { expected: method, found: shape },
  );
}

// ------------------------------------------------------------------------------------------------ supervised

function checkSupervised(L: LineState, o: Obj): void {
  for (const k in o) {
    switch (k) {
      case 'messages':
      case 'tools':
      case 'parallel_tool_calls':
      case 'functions':
        break;
      default:
        L.add(
          'unknown-top-level-key',
          [k],
          'key',
          k === 'weight'
            ? 'contains an extra "weight" at the top level. Put "weight": 0 or 1 on individual assistant messages instead.'
            : `contains an extra top-level key "${k}". A supervised example may only have messages, tools, parallel_tool_calls and functions; remove it.`,
          { key: k },
        );
    }
  }
  const tools = o.tools;
  if (tools !== undefined) checkTools(L, tools, ROOT);
  const functions = o.functions;
  if (functions !== undefined) {
    checkFunctions(L, functions);
    deprecated(L, ['functions'], 'key', '"functions" is deprecated; declare them as "tools" instead.');
  }
  const ptc = o.parallel_tool_calls;
  if (ptc !== undefined) checkParallel(L, ptc, ['parallel_tool_calls']);
  const messages = o.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    missingMessages(L, 'missing-messages', messages, MESSAGES);
    return;
  }
  L.toolsDecl = tools;
  L.functionsDecl = functions;
  L.parallel = ptc;
  L.resetWalk();
  walkMessages(L, messages, MESSAGES, 'sft');
  if (L.badRoles > 0) {
    // A message with a broken role: the turn structure is unknown, so don't pile on structural problems.
  } else if (L.walkAssistants === 0) {
    L.add(
      'no-assistant-message',
      MESSAGES,
      'key',
      'messages has no assistant message, so there is nothing to train on. Add the assistant reply.',
    );
  } else if (L.lastRole !== 'assistant') {
    const last = messages.length - 1;
    L.add(
      'last-message-not-assistant',
      [...MESSAGES, last],
      'value',
      `the last message (messages[${last}]) is not from the assistant; turns after the last assistant reply are not trained on. End the example with the assistant reply.`,
    );
  }
  if (L.badRoles === 0 && (!L.hasSystem || !L.hasUser)) {
    const which = !L.hasSystem && !L.hasUser ? 'system message and no user message' : !L.hasSystem ? 'system message' : 'user message';
    L.add(
      'missing-system-or-user',
      MESSAGES,
      'key',
      `messages has no ${which}. Include the ${!L.hasSystem ? 'system prompt' : 'user request'} the model will see at inference time.`,
      { missing: !L.hasSystem && !L.hasUser ? ['system', 'user'] : !L.hasSystem ? ['system'] : ['user'] },
    );
  }
  if (L.walkAssistants > 0 && L.zeroWeights === L.walkAssistants) {
    L.add(
      'all-weights-zero',
      [...MESSAGES, L.lastZeroWeight, 'weight'],
      'value',
      'every assistant message has weight 0, so nothing in this example is trained on. Set "weight": 1 on the replies to learn from, or drop the example.',
      { suggestion: 1 },
    );
  }
}

function missingMessages(L: LineState, code: string, messages: unknown, path: readonly PathSegment[]): void {
  const p = formatPath(path);
  if (messages === undefined) {
    L.add(code, ROOT, 'value', `is missing key '${p}'. Add "${p}": [...] with the conversation.`);
  } else if (!Array.isArray(messages)) {
    L.add(code, path, 'value', `${p} is ${typeName(messages)}; it must be an array of messages.`);
  } else {
    L.add(code, path, 'value', `${p} is empty; it needs at least one message.`);
  }
}

function deprecated(L: LineState, path: PathSegment[], target: LocateTarget, text: string): void {
  if (L.deprecatedFlagged || L.method !== 'supervised') return;
  L.deprecatedFlagged = true;
  L.add('deprecated-functions', path, target, `${formatPath(path)}: ${text}`);
}

function checkParallel(L: LineState, ptc: unknown, path: PathSegment[]): void {
  if (typeof ptc === 'boolean') return;
  const sugg = ptc === 'true' || ptc === 1 ? true : ptc === 'false' || ptc === 0 ? false : undefined;
  L.add(
    'parallel-tool-calls-not-boolean',
    path,
    'value',
    `${formatPath(path)} is ${show(ptc)}; it must be true or false.`,
    sugg === undefined ? undefined : { suggestion: sugg },
  );
}

// ------------------------------------------------------------------------------------------------ tools

function checkTools(L: LineState, tools: unknown, base: readonly PathSegment[]): void {
  L.hasTools = true;
  const tp = base.length === 0 ? TOOLS_ROOT : TOOLS_INPUT;
  if (!Array.isArray(tools)) {
    L.add('invalid-tool-definition', tp, 'value', `${formatPath(tp)} is ${typeName(tools)}; it must be an array of {"type": "function", "function": {...}}.`);
    return;
  }
  for (let j = 0; j < tools.length; j++) {
    const t: unknown = tools[j];
    if (!isObj(t)) {
      L.add('invalid-tool-definition', at(tp, j), 'value', `${formatPath(at(tp, j))} is ${typeName(t)}; a tool is {"type": "function", "function": {"name": ...}}.`);
      continue;
    }
    if (t.type !== 'function') {
      const p = at(tp, j, 'type');
      L.add(
        'invalid-tool-definition',
        p,
        t.type === undefined ? 'value' : 'value',
        t.type === undefined
          ? `${formatPath(at(tp, j))} has no "type"; add "type": "function".`
          : `${formatPath(p)} is ${show(t.type)}; the only tool type for fine-tuning is "function".`,
        { suggestion: 'function' },
      );
    }
    const f = t.function;
    if (!isObj(f)) {
      const p = at(tp, j, 'function');
      L.add(
        'invalid-tool-definition',
        p,
        'value',
        f === undefined
          ? t.name !== undefined
            ? `${formatPath(at(tp, j))} has "name" at the top; wrap the definition as {"type": "function", "function": {"name": ..., "parameters": ...}}.`
            : `${formatPath(at(tp, j))} has no "function"; add "function": {"name": ..., "parameters": ...}.`
          : `${formatPath(p)} is ${typeName(f)}; it must be an object with a name.`,
      );
      continue;
    }
    checkFunctionObject(L, f, tp, j, 'function', 'invalid-tool-definition');
    const strict = f.strict;
    if (strict !== undefined && strict !== null && typeof strict !== 'boolean') {
      const p = at(tp, j, 'function', 'strict');
      L.add('invalid-tool-definition', p, 'value', `${formatPath(p)} is ${show(strict)}; it must be true, false or null.`);
    }
  }
}

/** `{name, description?, parameters?}` shared by tools' `function` and the deprecated `functions` items. */
function checkFunctionObject(
  L: LineState,
  f: Obj,
  list: readonly PathSegment[],
  j: number,
  tail: string | null,
  code: string,
): void {
  const name = f.name;
  if (typeof name !== 'string') {
    const p = fnPath(list, j, tail, 'name');
    L.add(code, p, 'value', name === undefined ? `${formatPath(fnPath(list, j, tail))} has no "name"; every function needs one.` : `${formatPath(p)} is ${typeName(name)}; it must be a string.`);
  } else if (!isValidFunctionName(name)) {
    badName(L, name, fnPath(list, j, tail, 'name'));
  }
  const desc = f.description;
  if (desc !== undefined && typeof desc !== 'string') {
    const p = fnPath(list, j, tail, 'description');
    L.add(code, p, 'value', `${formatPath(p)} is ${typeName(desc)}; it must be a string.`);
  }
  const params = f.parameters;
  if (params !== undefined && !isObj(params)) {
    const p = fnPath(list, j, tail, 'parameters');
    L.add(code, p, 'value', `${formatPath(p)} is ${typeName(params)}; it must be a JSON Schema object (omit it for no parameters).`);
  }
}

function fnPath(list: readonly PathSegment[], j: number, tail: string | null, ...rest: PathSegment[]): PathSegment[] {
  return tail === null ? at(list, j, ...rest) : at(list, j, tail, ...rest);
}

function badName(L: LineState, name: string, path: PathSegment[]): void {
  let fixed = '';
  for (let i = 0; i < name.length && fixed.length < 64; i++) {
    const ch = name[i]!;
    fixed += isValidFunctionName(ch) ? ch : '_';
  }
  L.add(
    'invalid-function-name',
    path,
    'value',
    `${formatPath(path)} ${show(name)} is not a valid function name: use only letters, digits, "_" and "-", at most 64 characters.`,
    fixed.length > 0 ? { suggestion: fixed } : undefined,
  );
}

function checkFunctions(L: LineState, fns: unknown): void {
  const fp = FUNCTIONS;
  if (!Array.isArray(fns)) {
    L.add('invalid-functions-list', fp, 'value', `functions is ${typeName(fns)}; it must be an array of 1 to 128 function definitions.`);
    return;
  }
  if (fns.length === 0 || fns.length > 128) {
    L.add('invalid-functions-list', fp, 'value', `functions has ${fns.length} items; it must have 1 to 128 (or be removed).`);
  }
  for (let j = 0; j < fns.length; j++) {
    const f: unknown = fns[j];
    if (!isObj(f)) {
      L.add('invalid-functions-list', [...fp, j], 'value', `functions[${j}] is ${typeName(f)}; it must be {"name": ..., "parameters": ...}.`);
      continue;
    }
    checkFunctionObject(L, f, fp, j, null, 'invalid-functions-list');
  }
}

/** Names declared by the example's `tools` / `functions`, or null when it declares none. */
function declaredNames(L: LineState): Set<string> | null {
  if (L.declared !== undefined) return L.declared;
  let set: Set<string> | null = null;
  const add = (n: unknown) => {
    if (typeof n === 'string') (set ??= new Set()).add(n);
  };
  if (Array.isArray(L.toolsDecl)) {
    for (const t of L.toolsDecl) if (isObj(t) && isObj(t.function)) add(t.function.name);
  }
  if (Array.isArray(L.functionsDecl)) {
    for (const f of L.functionsDecl) if (isObj(f)) add(f.name);
  }
  L.declared = set;
  return set;
}

// ------------------------------------------------------------------------------------------------ messages

function roleList(mode: Mode): readonly string[] {
  return mode === 'rft' ? RFT_ROLES : mode === 'dpo-out' ? ['assistant'] : SFT_ROLES;
}

function walkMessages(L: LineState, messages: unknown[], base: readonly PathSegment[], mode: Mode): void {
  for (let i = 0; i < messages.length; i++) checkMessage(L, messages[i], base, i, mode);
}

function checkMessage(L: LineState, m: unknown, base: readonly PathSegment[], i: number, mode: Mode): void {
  L.messages++;
  if (!isObj(m)) {
    L.lastRole = undefined;
    const p = at(base, i);
    L.badRoles++;
    L.add('invalid-role', p, 'value', `${formatPath(p)} is ${typeName(m)}; each message must be an object with a "role".`);
    return;
  }
  const role = m.role;
  let valid = false;
  if (typeof role === 'string') {
    L.countRole(role);
    switch (role) {
      case 'user':
      case 'assistant':
      case 'tool':
        valid = mode !== 'dpo-out' || role === 'assistant';
        break;
      case 'system':
      case 'function':
        valid = mode === 'sft' || mode === 'dpo-in';
        break;
      case 'developer':
        valid = mode === 'rft';
        break;
    }
  }
  L.lastRole = typeof role === 'string' ? role : undefined;
  if (!valid) {
    L.badRoles++;
    badRole(L, role, base, i, mode);
    return;
  }
  const r = role as string;
  if (r === 'assistant') {
    L.assistantTurns++;
    if (L.walkAssistants++ === 0) L.firstAssistant = i;
  } else if (r === 'system') L.hasSystem = true;
  else if (r === 'user') L.hasUser = true;
  else if (r === 'tool') checkToolMessage(L, m, base, i);
  else if (r === 'function') deprecated(L, at(base, i, 'role'), 'value', 'the "function" role is deprecated; use "tool" messages with tool_call_id.');

  // Keys allowed for the role (SFT-06), weight (SFT-11/12, DPO-04), and key types (SFT-04).
  let hasCalls = false;
  for (const k in m) {
    switch (k) {
      case 'role':
      case 'content':
        break;
      case 'name':
        if (r === 'tool') unknownKey(L, r, k, base, i);
        else if (typeof m.name !== 'string') wrongType(L, at(base, i, k), m.name, 'a string');
        break;
      case 'weight':
        checkWeight(L, m.weight, r, base, i, mode);
        break;
      case 'tool_call_id':
        if (r !== 'tool') unknownKey(L, r, k, base, i);
        break;
      case 'tool_calls':
      case 'function_call':
        if (r !== 'assistant') unknownKey(L, r, k, base, i);
        else hasCalls = true;
        break;
      case 'refusal':
        if (r !== 'assistant') unknownKey(L, r, k, base, i);
        else if (m.refusal !== null && typeof m.refusal !== 'string') wrongType(L, at(base, i, k), m.refusal, 'a string or null');
        break;
      case 'audio':
        if (r !== 'assistant') unknownKey(L, r, k, base, i);
        else if (!isObj(m.audio) || typeof m.audio.id !== 'string') wrongType(L, at(base, i, k), m.audio, '{"id": string}');
        break;
      default:
        unknownKey(L, r, k, base, i);
    }
  }
  if (r === 'assistant') {
    if (L.pending !== null && L.pending.size > 0) unansweredCalls(L, base);
    if (hasCalls) checkCalls(L, m, base, i, mode);
    if (m.weight === 0) {
      L.zeroWeights++;
      L.lastZeroWeight = i;
    }
  }
  if (r === 'function' && typeof m.name !== 'string' && m.name === undefined) {
    const p = at(base, i, 'name');
    L.add('missing-message-key', p, 'value', `${formatPath(at(base, i))} is a function message without "name"; add the function's name.`);
  }
  checkContent(L, m, r, base, i, mode, hasCalls);
}

function badRole(L: LineState, role: unknown, base: readonly PathSegment[], i: number, mode: Mode): void {
  const mp = at(base, i);
  const rp = at(base, i, 'role');
  if (role === undefined) {
    L.add('invalid-role', mp, 'value', `${formatPath(mp)} has no "role" (Discriminator 'role' is missing). Add "role": "user", "assistant", ...`);
    return;
  }
  if (mode === 'dpo-out') {
    L.add(
      'invalid-preference-output',
      rp,
      'value',
      `${formatPath(rp)} is ${show(role)}; a preferred or non-preferred output must be an assistant message.`,
      { suggestion: 'assistant' },
    );
    return;
  }
  const list = roleList(mode);
  const suggestion = typeof role === 'string' ? nearest(role, list, mode === 'rft' ? RFT_ROLE_ALIASES : SFT_ROLE_ALIASES) : undefined;
  const code = mode === 'rft' ? 'rft-invalid-role' : 'invalid-role';
  let text = `${formatPath(rp)} is ${show(role)}; `;
  if (mode === 'rft' && role === 'system') text += 'reinforcement data has no system role. Use "developer".';
  else if (mode !== 'rft' && role === 'developer') text += 'the developer role is only for reinforcement fine-tuning. Use "system".';
  else text += `it must be one of ${list.join(', ')}.${suggestion ? ` Did you mean "${suggestion}"?` : ''}`;
  L.add(code, rp, 'value', text, suggestion ? { suggestion } : undefined);
}

function unknownKey(L: LineState, role: string, key: string, base: readonly PathSegment[], i: number): void {
  const p = at(base, i, key);
  L.add(
    'unknown-message-key',
    p,
    'key',
    `${formatPath(at(base, i))} (${role}) has the key "${key}", which ${role} messages do not define; remove it.`,
    { key },
  );
}

function wrongType(L: LineState, path: PathSegment[], v: unknown, expected: string): void {
  L.add('missing-message-key', path, 'value', `${formatPath(path)} is ${show(v)}; it must be ${expected}.`);
}

function checkWeight(L: LineState, w: unknown, role: string, base: readonly PathSegment[], i: number, mode: Mode): void {
  const p = at(base, i, 'weight');
  if (mode === 'dpo-in' || mode === 'dpo-out') {
    L.add('weight-in-preference', p, 'key', `${formatPath(p)}: preference examples have no "weight"; remove it.`, { key: 'weight' });
    return;
  }
  if (role !== 'assistant') {
    L.add(
      'weight-not-on-assistant',
      p,
      'key',
      `${formatPath(p)}: "weight" is only defined for assistant messages, not ${role} messages; remove it.`,
      { key: 'weight' },
    );
    return;
  }
  if (w === 0 || w === 1) return;
  let suggestion: 0 | 1 | undefined;
  if (w === true || w === 'true' || w === '1' || w === 1.0) suggestion = 1;
  else if (w === false || w === 'false' || w === '0') suggestion = 0;
  L.add(
    'weight-not-binary',
    p,
    'value',
    `${formatPath(p)} is ${show(w)}, but weight must be the integer 0 or 1 (1 = train on this message, 0 = skip it).${suggestion !== undefined ? ` Use ${suggestion}.` : ''}`,
    suggestion !== undefined ? { suggestion } : undefined,
  );
}

function checkToolMessage(L: LineState, m: Obj, base: readonly PathSegment[], i: number): void {
  const id = m.tool_call_id;
  if (id === undefined) {
    L.add('missing-message-key', at(base, i, 'tool_call_id'), 'value', `${formatPath(at(base, i))} is a tool message without "tool_call_id"; add the id of the tool call it answers.`);
    return;
  }
  if (typeof id !== 'string') {
    wrongType(L, at(base, i, 'tool_call_id'), id, 'a string');
    return;
  }
  if (L.callIds === null || !L.callIds.has(id)) {
    const p = at(base, i, 'tool_call_id');
    L.add(
      'unmatched-tool-call',
      p,
      'value',
      `${formatPath(p)} ${show(id)} matches no tool_calls[].id of a preceding assistant message. Use the id of the call this message answers.`,
    );
    return;
  }
  L.pending?.delete(id);
}

function unansweredCalls(L: LineState, base: readonly PathSegment[]): void {
  for (const [id, where] of L.pending!) {
    const call = at(base, Math.floor(where / 0x10000), 'tool_calls', where % 0x10000);
    L.add(
      'unmatched-tool-call',
      at(call, 'id'),
      'value',
      `tool call ${show(id)} (${formatPath(call)}) gets no tool reply before the next assistant turn. Add a {"role": "tool", "tool_call_id": ${show(id)}, ...} message after it.`,
    );
  }
  L.pending!.clear();
}

/** Path of a tool call (`j >= 0`: `tool_calls[j]`) or of the deprecated `function_call` (`j < 0`), plus `rest`. */
function callPath(base: readonly PathSegment[], i: number, j: number, ...rest: PathSegment[]): PathSegment[] {
  return j >= 0 ? at(base, i, 'tool_calls', j, ...rest) : at(base, i, 'function_call', ...rest);
}

function checkCalls(L: LineState, m: Obj, base: readonly PathSegment[], i: number, mode: Mode): void {
  const calls = m.tool_calls;
  if (calls !== undefined) {
    L.hasTools = true;
    if (!Array.isArray(calls)) {
      const cp = at(base, i, 'tool_calls');
      L.add('invalid-tool-call', cp, 'value', `${formatPath(cp)} is ${typeName(calls)}; it must be an array of {"id", "type": "function", "function": {"name", "arguments"}}.`);
    } else {
      if (calls.length > 1 && L.parallel === false && mode !== 'rft') {
        L.add(
          'parallel-calls-disabled',
          callPath(base, i, 1),
          'value',
          `${formatPath(at(base, i, 'tool_calls'))} has ${calls.length} tool calls although parallel_tool_calls is false. Split them into separate turns or set parallel_tool_calls to true.`,
        );
      }
      for (let j = 0; j < calls.length; j++) checkOneCall(L, calls[j], base, i, j, mode);
    }
  }
  const fc = m.function_call;
  if (fc !== undefined) {
    if (!L.deprecatedFlagged) deprecated(L, at(base, i, 'function_call'), 'key', '"function_call" is deprecated; use "tool_calls".');
    if (!isObj(fc)) {
      const fp = at(base, i, 'function_call');
      L.add('invalid-tool-call', fp, 'value', `${formatPath(fp)} is ${typeName(fc)}; it must be {"name": string, "arguments": string}.`);
    } else {
      checkNameAndArgs(L, fc, base, i, -1, mode);
    }
  }
}

function checkOneCall(L: LineState, c: unknown, base: readonly PathSegment[], i: number, j: number, mode: Mode): void {
  if (!isObj(c)) {
    const cp = callPath(base, i, j);
    L.add('invalid-tool-call', cp, 'value', `${formatPath(cp)} is ${typeName(c)}; a tool call is {"id", "type": "function", "function": {"name", "arguments"}}.`);
    return;
  }
  const id = c.id;
  if (typeof id !== 'string') {
    L.add(
      'invalid-tool-call',
      callPath(base, i, j, 'id'),
      'value',
      id === undefined
        ? `${formatPath(callPath(base, i, j))} has no "id"; add one (e.g. "call_1") and use it as the tool reply's tool_call_id.`
        : `${formatPath(callPath(base, i, j, 'id'))} is ${typeName(id)}; it must be a string.`,
    );
  } else {
    (L.callIds ??= new Set()).add(id);
    if (j < 0x10000) (L.pending ??= new Map()).set(id, i * 0x10000 + j);
  }
  if (c.type !== 'function') {
    L.add(
      'invalid-tool-call',
      callPath(base, i, j, 'type'),
      'value',
      c.type === undefined
        ? `${formatPath(callPath(base, i, j))} has no "type"; add "type": "function".`
        : `${formatPath(callPath(base, i, j, 'type'))} is ${show(c.type)}; fine-tuning tool calls must be "function" calls.`,
      { suggestion: 'function' },
    );
  }
  const f = c.function;
  if (!isObj(f)) {
    L.add(
      'invalid-tool-call',
      callPath(base, i, j, 'function'),
      'value',
      f === undefined
        ? `${formatPath(callPath(base, i, j))} has no "function"; add "function": {"name": ..., "arguments": "{...}"}.`
        : `${formatPath(callPath(base, i, j, 'function'))} is ${typeName(f)}; it must be {"name": string, "arguments": string}.`,
    );
    return;
  }
  checkNameAndArgs(L, f, base, i, j, mode);
}

/** `name` and `arguments` of a tool call's `function` (j >= 0) or of a `function_call` (j < 0). */
function argPath(base: readonly PathSegment[], i: number, j: number, rest: PathSegment[]): PathSegment[] {
  return j >= 0 ? callPath(base, i, j, 'function', ...rest) : callPath(base, i, j, ...rest);
}

function checkNameAndArgs(L: LineState, f: Obj, base: readonly PathSegment[], i: number, j: number, mode: Mode): void {
  const name = f.name;
  if (typeof name !== 'string') {
    L.add(
      'invalid-tool-call',
      argPath(base, i, j, ['name']),
      'value',
      name === undefined ? `${formatPath(argPath(base, i, j, []))} has no "name"; add the called function's name.` : `${formatPath(argPath(base, i, j, ['name']))} is ${typeName(name)}; it must be a string.`,
    );
  } else if (!isValidFunctionName(name)) {
    badName(L, name, argPath(base, i, j, ['name']));
  } else if (mode !== 'rft') {
    const declared = declaredNames(L);
    if (declared !== null && !declared.has(name)) {
      const suggestion = nearest(name, [...declared]);
      const np = argPath(base, i, j, ['name']);
      L.add(
        'undeclared-function',
        np,
        'value',
        `${formatPath(np)} calls "${name}", which the example's tools do not declare (declared: ${[...declared].join(', ')}). Use the same tool definitions as at inference time.`,
        suggestion ? { suggestion } : undefined,
      );
    }
  }
  const args = f.arguments;
  if (typeof args !== 'string') {
    const ap = argPath(base, i, j, ['arguments']);
    if (args === undefined) {
      L.add('invalid-tool-call', ap, 'value', `${formatPath(argPath(base, i, j, []))} has no "arguments"; add them as a JSON string, e.g. "arguments": "{}".`);
    } else {
      let suggestion: string | undefined;
      try {
        suggestion = JSON.stringify(args);
      } catch {
        suggestion = undefined;
      }
      L.add(
        'invalid-tool-call',
        ap,
        'value',
        `${formatPath(ap)} is ${typeName(args)}; arguments must be a string holding JSON (e.g. "{\\"city\\": \\"Paris\\"}"), not a JSON value.`,
        suggestion !== undefined ? { suggestion } : undefined,
      );
    }
    return;
  }
  try {
    JSON.parse(args);
  } catch (e) {
    const ap = argPath(base, i, j, ['arguments']);
    const why = e instanceof Error ? e.message.replace(/, ".*" is not valid JSON$/s, '') : 'invalid JSON';
    L.add('arguments-not-json', ap, 'value', `${formatPath(ap)} is not valid JSON (${why}). Arguments should be a JSON object encoded as a string.`);
  }
}

// ------------------------------------------------------------------------------------------------ content

function checkContent(L: LineState, m: Obj, role: string, base: readonly PathSegment[], i: number, mode: Mode, hasCalls: boolean): void {
  const content = m.content;
  if (typeof content === 'string') {
    if (mode === 'sft' && !hasCalls && isEmptyText(content)) {
      const p = at(base, i, 'content');
      L.add('empty-content', p, 'value', `${formatPath(p)} is empty. Give the ${role} message its text, or remove the message.`);
    }
    return;
  }
  if (content === undefined || content === null) {
    if (role === 'assistant' && hasCalls) return;
    if (role === 'function' && content === null) return;
    const p = at(base, i, 'content');
    if (content === undefined) {
      L.add(
        'missing-message-key',
        p,
        'value',
        role === 'assistant'
          ? `${formatPath(at(base, i))} (assistant) has no "content" and no "tool_calls"; add the reply text.`
          : `${formatPath(at(base, i))} (${role}) has no "content"; add it.`,
      );
    } else {
      L.add(
        role === 'assistant' ? 'missing-message-key' : 'invalid-content',
        p,
        'value',
        role === 'assistant'
          ? `${formatPath(p)} is null but the message has no "tool_calls"; content is required unless the assistant calls a tool.`
          : `${formatPath(p)} is null; ${role} content must be a string or an array of content parts.`,
      );
    }
    return;
  }
  if (!Array.isArray(content)) {
    const cp = at(base, i, 'content');
    L.add('invalid-content', cp, 'value', `${formatPath(cp)} is ${typeName(content)}; content must be a string or a non-empty array of content parts.`);
    return;
  }
  if (content.length === 0) {
    const cp = at(base, i, 'content');
    L.add('invalid-content', cp, 'value', `${formatPath(cp)} is an empty array; use a string or at least one content part.`);
    return;
  }
  let refusals = 0;
  for (let j = 0; j < content.length; j++) {
    const part: unknown = content[j];
    if (!isObj(part)) {
      L.add('invalid-content', at(base, i, 'content', j), 'value', `${formatPath(at(base, i, 'content', j))} is ${typeName(part)}; a content part is an object such as {"type": "text", "text": "..."}.`);
      continue;
    }
    const type = part.type;
    switch (type) {
      case 'text': {
        const t = part.text;
        if (typeof t !== 'string') {
          const p = at(base, i, 'content', j, 'text');
          L.add('invalid-content', p, 'value', t === undefined ? `${formatPath(at(base, i, 'content', j))} is a text part without "text"; add it.` : `${formatPath(p)} is ${typeName(t)}; it must be a string.`);
        } else if (mode === 'sft' && isEmptyText(t)) {
          const p = at(base, i, 'content', j, 'text');
          L.add('empty-content', p, 'value', `${formatPath(p)} is empty. Give the text part its text, or remove the part.`);
        }
        break;
      }
      case 'image_url':
        checkImage(L, part, role, base, i, j, mode);
        break;
      case 'refusal':
        if (role !== 'assistant') {
          L.add('invalid-content', at(base, i, 'content', j, 'type'), 'value', `${formatPath(at(base, i, 'content', j, 'type'))} is "refusal"; refusal parts are only for assistant messages.`);
        } else {
          refusals++;
          if (typeof part.refusal !== 'string') {
            L.add('invalid-content', at(base, i, 'content', j, 'refusal'), 'value', `${formatPath(at(base, i, 'content', j))} is a refusal part without a "refusal" string; add it.`);
          }
        }
        break;
      case 'input_audio':
      case 'file':
        L.add(
          'invalid-content',
          at(base, i, 'content', j, 'type'),
          'value',
          `${formatPath(at(base, i, 'content', j, 'type'))} is "${type}"; ${type === 'file' ? 'file' : 'audio'} parts are not currently supported for fine-tuning. Use text${role === 'user' ? ' or image_url' : ''} parts.`,
        );
        break;
      default:
        L.add(
          'invalid-content',
          at(base, i, 'content', j, 'type'),
          'value',
          type === undefined
            ? `${formatPath(at(base, i, 'content', j))} has no "type"; add "type": "text" (or "image_url").`
            : `${formatPath(at(base, i, 'content', j, 'type'))} is ${show(type)}; ${role} content parts must be ${role === 'user' ? '"text" or "image_url"' : role === 'assistant' ? '"text" (or one "refusal")' : '"text"'}.`,
          type === 'input_text' || type === 'output_text' ? { suggestion: 'text' } : type === 'input_image' ? { suggestion: 'image_url' } : undefined,
        );
    }
  }
  if (refusals > 0 && content.length > 1) {
    const cp = at(base, i, 'content');
    L.add('invalid-content', cp, 'value', `${formatPath(cp)} mixes a refusal part with other parts; an assistant message has text parts or exactly one refusal part.`);
  }
}

function isEmptyText(s: string): boolean {
  if (s.length === 0) return true;
  const c = s.charCodeAt(0);
  if (c > 0x20 && c !== 0xa0 && c !== 0x3000) return false;
  return s.trim().length === 0;
}

function checkImage(L: LineState, part: Obj, role: string, base: readonly PathSegment[], i: number, j: number, mode: Mode): void {
  L.images++;
  const pp = (...rest: PathSegment[]): PathSegment[] => at(base, i, 'content', j, ...rest);
  if (role !== 'user') {
    L.add(
      'image-not-in-user-message',
      pp('type'),
      'value',
      `${formatPath(pp())} is an image in ${role === 'assistant' ? 'an' : 'a'} ${role} message; images may appear only in user messages. Move the image to a user message.`,
    );
    return;
  }
  if (L.images === MAX_IMAGES + 1) {
    L.add('too-many-images', pp(), 'value', `${formatPath(pp())} is image number ${L.images}; an example may hold at most ${MAX_IMAGES} images. Split the example or drop images.`);
  }
  if (!L.imageFlagged && (mode === 'dpo-in' || mode === 'dpo-out' || mode === 'rft')) {
    L.imageFlagged = true;
    if (mode === 'rft') {
      L.add('image-in-rft', pp(), 'value', `${formatPath(pp())} is an image; reinforcement fine-tuning may not support images (Azure: "Images / multimodal data aren't supported"). Prefer text-only examples.`);
    } else {
      L.add('image-in-preference', pp(), 'value', `${formatPath(pp())} is an image; "DPO is currently only supported for text inputs and outputs". Prefer text-only examples.`);
    }
  }
  const iu = part.image_url;
  if (!isObj(iu)) {
    const ip = pp('image_url');
    if (typeof iu === 'string') {
      L.add('invalid-image-url', ip, 'value', `${formatPath(ip)} is a string; it must be an object: "image_url": {"url": "..."}.`, { suggestion: { url: iu } });
    } else {
      L.add('invalid-content', ip, 'value', iu === undefined ? `${formatPath(pp())} is an image_url part without "image_url"; add "image_url": {"url": "https://..."}.` : `${formatPath(ip)} is ${typeName(iu)}; it must be {"url": "..."}.`);
    }
    return;
  }
  const url = iu.url;
  if (typeof url !== 'string') {
    const ip = pp('image_url');
    const up = pp('image_url', 'url');
    L.add('invalid-image-url', up, 'value', url === undefined ? `${formatPath(ip)} has no "url"; add an https:// URL or a data:image/...;base64 URL.` : `${formatPath(up)} is ${typeName(url)}; it must be a URL string.`);
  } else {
    checkImageUrl(L, url, base, i, j);
  }
  const detail = iu.detail;
  if (detail !== undefined && detail !== 'auto' && detail !== 'low' && detail !== 'high') {
    const dp = pp('image_url', 'detail');
    const suggestion = typeof detail === 'string' ? nearest(detail, ['auto', 'low', 'high']) : undefined;
    L.add('invalid-image-url', dp, 'value', `${formatPath(dp)} is ${show(detail)}; it must be "auto", "low" or "high".`, suggestion ? { suggestion } : undefined);
  }
}

function startsWithCI(s: string, prefix: string): boolean {
  return s.length >= prefix.length && s.slice(0, prefix.length).toLowerCase() === prefix;
}

function checkImageUrl(L: LineState, url: string, base: readonly PathSegment[], i: number, j: number): void {
  const up = (): PathSegment[] => at(base, i, 'content', j, 'image_url', 'url');
  if (startsWithCI(url, 'data:')) {
    const comma = url.indexOf(',');
    const header = comma < 0 ? url.slice(5) : url.slice(5, comma);
    if (comma < 0 || !header.toLowerCase().endsWith(';base64')) {
      L.add('invalid-image-url', up(), 'value', `${formatPath(up())} is a data URL without base64 data; use "data:image/png;base64,<data>".`);
      return;
    }
    const mime = header.slice(0, header.length - 7).toLowerCase();
    if (mime !== 'image/jpeg' && mime !== 'image/jpg' && mime !== 'image/png' && mime !== 'image/webp') {
      L.add('image-format-or-size', up(),
        'value',
        `${formatPath(up())} is ${mime ? `an ${mime}` : 'an untyped'} image; only JPEG, PNG and WEBP images are used for training (others are skipped). Convert the image.`,
      );
      return;
    }
    const dataLen = url.length - comma - 1;
    const bytes = Math.floor((dataLen * 3) / 4);
    if (bytes > MAX_IMAGE_BYTES) {
      L.add('image-format-or-size', up(),
        'value',
        `${formatPath(up())} is about ${(bytes / 1048576).toFixed(1)} MB; images over 10 MB are skipped from training. Downscale or recompress it.`,
      );
    }
    return;
  }
  const https = startsWithCI(url, 'https://');
  if (!https && !startsWithCI(url, 'http://')) {
    L.add('invalid-image-url', up(), 'value', `${formatPath(up())} ${show(url)} is not an http(s) URL or a base64 data URL. Host the image publicly or embed it as data:image/...;base64,...`);
    return;
  }
  const rest = url.slice(https ? 8 : 7);
  let end = rest.length;
  for (let k = 0; k < rest.length; k++) {
    const c = rest.charCodeAt(k);
    if (c === 0x2f || c === 0x3f || c === 0x23) {
      end = k;
      break;
    }
  }
  let host = rest.slice(0, end).toLowerCase();
  const atSign = host.lastIndexOf('@');
  if (atSign >= 0) host = host.slice(atSign + 1);
  if (host.startsWith('[')) host = host.slice(1, host.indexOf(']') < 0 ? undefined : host.indexOf(']'));
  else if (host.indexOf(':') >= 0) host = host.slice(0, host.indexOf(':'));
  if (isPrivateHost(host)) {
    L.add('image-url-unreachable', up(), 'value', `${formatPath(up())} points at ${host || 'no host'}, which OpenAI cannot reach; such images are skipped. Use a public URL or a base64 data URL.`);
    return;
  }
  const pathPart = rest.slice(end).split(/[?#]/, 1)[0]!.toLowerCase();
  const dot = pathPart.lastIndexOf('.');
  if (dot >= 0 && pathPart.indexOf('/', dot) < 0) {
    const ext = pathPart.slice(dot + 1);
    if (ext === 'gif' || ext === 'bmp' || ext === 'tif' || ext === 'tiff' || ext === 'svg' || ext === 'heic' || ext === 'avif' || ext === 'ico') {
      L.add('image-format-or-size', up(), 'value', `${formatPath(up())} looks like a .${ext} image; only JPEG, PNG and WEBP images are used for training (others are skipped). Convert the image.`);
    }
  }
}

function isPrivateHost(host: string): boolean {
  if (host === '' || host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return true;
  if (host === '::1' || host === '0.0.0.0') return true;
  const parts = host.split('.');
  if (parts.length === 4 && parts.every((x) => x.length > 0 && x.length <= 3 && /^[0-9]+$/.test(x))) {
    const a = Number(parts[0]);
    const b = Number(parts[1]);
    return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || a === 0;
  }
  return host.startsWith('fc') && host.includes(':') || host.startsWith('fd') && host.includes(':') || host.startsWith('fe80:');
}

// ------------------------------------------------------------------------------------------------ preference

function checkPreference(L: LineState, o: Obj): void {
  let pKey = 'preferred_output';
  let nKey = 'non_preferred_output';
  for (const k in o) {
    switch (k) {
      case 'input':
      case 'preferred_output':
      case 'non_preferred_output':
        break;
      case 'preferred_completion':
      case 'non_preferred_completion': {
        const fixed = k === 'preferred_completion' ? 'preferred_output' : 'non_preferred_output';
        if (o[fixed] === undefined) {
          if (k === 'preferred_completion') pKey = k;
          else nKey = k;
        }
        L.add('old-preference-key-names', [k], 'key', `uses the old key "${k}"; rename it to "${fixed}".`, { suggestion: fixed, key: k });
        break;
      }
      default:
        L.add(
          'missing-preference-key',
          [k],
          'key',
          `contains an extra top-level key "${k}". A preference example has only input, preferred_output and non_preferred_output; remove it.`,
          { key: k },
        );
    }
  }
  for (const k of ['input', 'preferred_output', 'non_preferred_output']) {
    if (o[k] === undefined && !(k === 'preferred_output' && pKey !== k) && !(k === 'non_preferred_output' && nKey !== k)) {
      L.add('missing-preference-key', ROOT, 'value', `is missing key '${k}'. A preference example needs input, preferred_output and non_preferred_output.`, { key: k });
    }
  }
  const input = o.input;
  if (input !== undefined) {
    if (!isObj(input)) {
      L.add('invalid-preference-input', ['input'], 'value', `input is ${typeName(input)}; it must be {"messages": [...]} (optionally with tools and parallel_tool_calls).`);
    } else {
      for (const k in input) {
        if (k !== 'messages' && k !== 'tools' && k !== 'parallel_tool_calls') {
          L.add('invalid-preference-input', ['input', k], 'key', `input has the key "${k}", which is not defined; input holds only messages, tools and parallel_tool_calls.`, { key: k });
        }
      }
      if (input.tools !== undefined) checkTools(L, input.tools, ['input']);
      if (input.parallel_tool_calls !== undefined) checkParallel(L, input.parallel_tool_calls, ['input', 'parallel_tool_calls']);
      L.toolsDecl = input.tools;
      L.parallel = input.parallel_tool_calls;
      const msgs = input.messages;
      if (!Array.isArray(msgs) || msgs.length === 0) {
        missingMessages(L, 'invalid-preference-input', msgs, INPUT_MESSAGES);
      } else {
        L.resetWalk();
        walkMessages(L, msgs, INPUT_MESSAGES, 'dpo-in');
        if (L.walkAssistants > 0 && L.badRoles === 0) {
          const p = at(INPUT_MESSAGES, L.firstAssistant);
          L.add(
            'preference-not-single-turn',
            p,
            'value',
            `${formatPath(p)} is an assistant turn inside input; DPO trains on one-turn conversations where the outputs are the last assistant message. Keep only the prompt turns in input.`,
          );
        }
      }
    }
  }
  const pref = o[pKey];
  const nonPref = o[nKey];
  if (pref !== undefined) checkOutput(L, pref, pKey);
  if (nonPref !== undefined) checkOutput(L, nonPref, nKey);
  if (Array.isArray(pref) && Array.isArray(nonPref) && pref.length === 1 && nonPref.length === 1 && jsonEqual(pref[0], nonPref[0])) {
    L.add('identical-preference-outputs', [nKey], 'value', `${pKey} and ${nKey} are identical, so the pair carries no preference. Make the non-preferred output the worse answer.`);
  }
}

function checkOutput(L: LineState, out: unknown, key: string): void {
  const base = OUTPUT_PATHS[key] ?? [key];
  if (!Array.isArray(out)) {
    L.add(
      'invalid-preference-output',
      base,
      'value',
      `${key} is ${typeName(out)}; it must be an array holding exactly one assistant message: [{"role": "assistant", "content": "..."}].`,
      isObj(out) ? { suggestion: [out] } : undefined,
    );
    return;
  }
  if (out.length !== 1) {
    L.add(
      'invalid-preference-output',
      out.length > 1 ? at(base, 1) : base,
      'value',
      `${key} has ${out.length} messages; it must hold exactly one assistant message.`,
    );
    if (out.length === 0) return;
  }
  L.resetWalk();
  checkMessage(L, out[0], base, 0, 'dpo-out');
}

// ------------------------------------------------------------------------------------------------ reinforcement

const itemPathCache = new WeakMap<object, readonly string[]>();

function checkReinforcement(L: LineState, o: Obj, grader: unknown): void {
  const tools = o.tools;
  if (tools !== undefined) checkTools(L, tools, ROOT);
  const messages = o.messages;
  if (!Array.isArray(messages) || messages.length === 0) {
    missingMessages(L, 'rft-missing-messages', messages, MESSAGES);
  } else {
    L.toolsDecl = tools;
    L.resetWalk();
    walkMessages(L, messages, MESSAGES, 'rft');
    if (L.lastRole !== 'user' && L.badRoles === 0) {
      const last = messages.length - 1;
      const p = at(MESSAGES, last);
      L.add(
        'rft-last-message-not-user',
        p,
        'value',
        `the last message (${formatPath(p)}) is ${L.lastRole ? `from the ${L.lastRole}` : 'not a user message'}; reinforcement examples end with a user message, and the model writes the answer. Remove the trailing turns.`,
      );
    }
  }
  if (grader !== null && typeof grader === 'object') {
    let paths = itemPathCache.get(grader);
    if (!paths) {
      paths = graderItemPaths(grader);
      itemPathCache.set(grader, paths);
    }
    for (const p of paths) checkItemPath(L, o, p);
  }
}

function checkItemPath(L: LineState, o: Obj, dotted: string): void {
  const segs = dotted.split('.');
  let cur: unknown = o;
  const found: PathSegment[] = [];
  for (const s of segs) {
    if (Array.isArray(cur) && /^[0-9]+$/.test(s) && Number(s) < cur.length) {
      cur = cur[Number(s)];
      found.push(Number(s));
    } else if (isObj(cur) && Object.prototype.hasOwnProperty.call(cur, s)) {
      cur = cur[s];
      found.push(s);
    } else {
      L.add(
        'rft-unresolved-item-variable',
        found.length > 0 ? found : ROOT,
        found.length > 0 ? 'key' : 'value',
        `the grader uses {{ item.${dotted} }} but this example has no "${dotted}"; add it (otherwise grading logs invalid_variable_error).`,
        { key: dotted },
      );
      return;
    }
  }
}

// ------------------------------------------------------------------------------------------------ legacy

function checkCompletion(L: LineState, o: Obj): void {
  for (const k in o) {
    if (k !== 'prompt' && k !== 'completion') {
      L.add('invalid-completion-example', [k], 'key', `has the extra key "${k}"; a legacy example is exactly {"prompt": "...", "completion": "..."}. Remove it.`, { key: k });
    }
  }
  for (const k of ['prompt', 'completion']) {
    const v = o[k];
    if (v === undefined) {
      L.add('invalid-completion-example', ROOT, 'value', `is missing key '${k}'; a legacy example is {"prompt": "...", "completion": "..."}.`, { key: k });
    } else if (typeof v !== 'string') {
      L.add('invalid-completion-example', [k], 'value', `${k} is ${typeName(v)}; it must be a string.`);
    }
  }
}

// ------------------------------------------------------------------------------------------------ FILE-09

function mayHaveSpecialToken(text: string): boolean {
  // `<|`, `<\u007c`/`<\u007C`, and `\u003c`/`\u003C` followed by either: two native searches for patterns that start
  // with a character rare in JSONL (fast), then a closer look at the rare hits.
  let i = text.indexOf('<');
  while (i !== -1) {
    const c = text.charCodeAt(i + 1);
    if (c === 0x7c /* | */ || c === 0x5c /* \ */) return true;
    i = text.indexOf('<', i + 1);
  }
  return text.indexOf('\\u003') !== -1 && /\\u003[cC]/.test(text);
}

/** Reports the special tokens in one string value (each token once per string). */
function specialTokensIn(L: LineState, v: string, stack: PathSegment[]): void {
  let idx = v.indexOf('<|');
  let seen = 0;
  while (idx !== -1) {
    for (let t = 0; t < SPECIAL_TOKENS.length; t++) {
      const tok = SPECIAL_TOKENS[t]!;
      if ((seen & (1 << t)) === 0 && v.startsWith(tok, idx)) {
        seen |= 1 << t;
        const path = stack.slice();
        L.add(
          'special-token',
          path,
          'value',
          `${formatPath(path)} contains the special token ${tok}${t === 0 ? ', which OpenAI rejects ("contains an invalid token")' : ', a tokenizer control token'}. Remove it or break it up (e.g. "< |${tok.slice(2, -2)}| >").`,
          { token: tok },
          t === 0 ? 'error' : 'warning',
          [idx, idx + tok.length],
        );
      }
    }
    idx = v.indexOf('<|', idx + 2);
  }
}

/**
 * Every string of `root` (depth first, in key order), with an explicit stack instead of recursion: a line nested
 * 100,000 deep overflowed the call stack here.
 */
function scanSpecialTokens(L: LineState, root: unknown, stack: PathSegment[]): void {
  if (typeof root === 'string') {
    specialTokensIn(L, root, stack);
    return;
  }
  if (root === null || typeof root !== 'object') return;
  const base = stack.length;
  /** Open containers, the keys of each object, and the next child index of each. */
  const values: unknown[] = [root];
  const keys: Array<string[] | undefined> = [Array.isArray(root) ? undefined : Object.keys(root)];
  const next: number[] = [0];
  while (values.length > 0) {
    const top = values.length - 1;
    const v = values[top]!;
    const ks = keys[top];
    const i = next[top]!;
    const n = ks ? ks.length : (v as unknown[]).length;
    if (i >= n) {
      values.pop();
      keys.pop();
      next.pop();
      if (stack.length > base) stack.pop();
      continue;
    }
    next[top] = i + 1;
    const seg: PathSegment = ks ? ks[i]! : i;
    const x: unknown = ks ? (v as Obj)[seg] : (v as unknown[])[i];
    if (typeof x === 'string') {
      stack.push(seg);
      specialTokensIn(L, x, stack);
      stack.pop();
    } else if (x !== null && typeof x === 'object') {
      stack.push(seg);
      values.push(x);
      keys.push(Array.isArray(x) ? undefined : Object.keys(x));
      next.push(0);
    }
  }
}
