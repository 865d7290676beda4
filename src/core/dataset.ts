/**
 * `DatasetIndex`: the incremental model of one JSONL training file, used for whole files (`validateText`) and by the
 * editor (one index per open document, updated with `setLines` on every edit).
 *
 * Per line it keeps a small entry (the line's shape, its line-local problems, a duplicate key, cheap statistics and
 * the TOK-01 result), never the line's text unless no `getLineText` provider is given. File-level and cross-line
 * rules are computed from counters that every edit keeps up to date: counts by shape (for method inference and mixed
 * formats), blank lines, bytes, examples with images, and a duplicate map from `dupKey` to the lines holding it.
 *
 * An edit re-checks only the changed lines. Only when the inferred method flips (e.g. the first lines of a new file
 * are typed, or a paste turns a chat file into a preference file) are the other lines re-checked, against the new
 * method ("a line that does not fit the file's format is an error on that line, not a reason to re-judge the file").
 */
import { parseLine, type ParsedLine } from './parse';
import { checkLine } from './rules';
import { duplicateText } from './rules/check';
import type { ResolvedModel } from './models';
import type { LineAnalysis, LineStats, Method, MethodSetting, Problem, Shape } from './types';
import { ruleById, type RuleInfo } from './rules/catalog';
import { exampleImages, exampleTokens, estimateTokens, tokenUpperBound } from './tokens/count';
import { getEncoder } from './tokens/encoding';
import { billedTokensPerEpoch, defaultEpochs, estimateCost, type CostEstimate } from './tokens/cost';
import { fmtInt } from './format';
import { applyFileProfile, applyLineProfile, profileContext, profileMethod } from './profiles/apply';
import { OPENAI_FILE_BYTES } from './profiles/catalog';
import {
  MAX_GROUPS,
  NEAR_IDENTICAL,
  NO_SYSTEM,
  SystemPromptTracker,
  bigramSimilarity,
  noSystemPromptProblem,
  systemPromptKey,
  variantProblem,
  systemPromptText,
} from './rules/system-prompt';
import { checkQuality } from './rules/quality';
import { qualityKeys, type QualityKeys } from './quality/keys';
import { QualityCollector, qualityProblems, type QualityData } from './quality/index';
import type { Profile } from './profiles/types';

// ---------------------------------------------------------------------------------------------------------------
// Rules this module reports (file-level and cross-line). Codes and severities come from the catalogue.

export type FileRuleId =
  | 'FILE-04' | 'FILE-05' | 'FILE-06' | 'FILE-07' | 'FILE-08' | 'FILE-11' | 'FILE-12'
  | 'LEG-02' | 'IMG-07' | 'RFT-07' | 'TOK-01' | 'TL-02' | 'TL-03';

/** The catalogue entry (id, code, severity) of a rule this module reports. */
export function fileRule(id: FileRuleId): RuleInfo {
  const r = ruleById(id);
  if (!r) throw new Error(`rule ${id} missing from the catalogue`);
  return r;
}

// ---------------------------------------------------------------------------------------------------------------
// Method inference

/** The method a shape votes for; undefined for shapes that do not vote (unknown, blank, invalid, not-object). */
export function shapeMethod(shape: Shape): Method | undefined {
  switch (shape) {
    case 'chat':
      return 'supervised';
    case 'chat-rft':
      return 'reinforcement';
    case 'preference':
      return 'dpo';
    case 'completion':
      return 'completion';
    default:
      return undefined;
  }
}

export type ShapeCounts = Record<Shape, number>;

export function emptyShapeCounts(): ShapeCounts {
  return { chat: 0, 'chat-rft': 0, preference: 0, completion: 0, unknown: 0, blank: 0, invalid: 0, 'not-object': 0 };
}

/**
 * Infers the method from the file as a whole: the format family with the most lines wins (`messages`, preference,
 * prompt/completion; ties in that order); within the `messages` family, reinforcement wins only if lines with
 * RFT-only signs (`chat-rft`) outnumber plain chat lines. No voting line at all: supervised.
 */
export function inferMethod(c: Readonly<ShapeCounts>, profile?: Profile): Method {
  const messages = c.chat + c['chat-rft'];
  const best = Math.max(messages, c.preference, c.completion);
  let m: Method;
  if (best === 0 || messages === best) m = c['chat-rft'] > c.chat ? 'reinforcement' : 'supervised';
  else m = c.preference === best ? 'dpo' : 'completion';
  // The profile's methods (e.g. no reinforcement on Together): see `profileMethod`.
  return profile === undefined ? m : profileMethod(m, profile);
}

/** Number of format families (messages, preference, completion) present. */
export function formatFamilies(c: Readonly<ShapeCounts>): number {
  return (c.chat + c['chat-rft'] > 0 ? 1 : 0) + (c.preference > 0 ? 1 : 0) + (c.completion > 0 ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------------------------
// One line

/** Everything the engine keeps about one line (no text). */
export interface LineResult {
  readonly shape: Shape;
  /** Line-local problems from `checkLine`, with `line` = the line number the check ran at. */
  readonly problems: readonly Problem[];
  readonly dupKey?: string;
  readonly stats?: LineStats;
  /** UTF-8 bytes of the line (without its break). */
  readonly bytes: number;
  /** UTF-16 length of the line. */
  readonly length: number;
  /** Image parts (as charged by token counting). */
  readonly images: number;
  /** Exact tokens, when the TOK-01 check had to tokenize (the UTF-8 bound did not prove the line under the limit). */
  readonly tokens?: number;
  /** Cheap token estimate (status bar). */
  readonly estimate: number;
  /** The example's tokens exceed the model's training-example limit (TOK-01). */
  readonly overLimit: boolean;
  /**
   * The TOK-01 check needs exact tokens but was left to the worker counts (`EngineContext.deferTokensAboveBytes`):
   * `overLimit` is then false until `DatasetIndex.setExactTokens` brings the count.
   */
  readonly deferred?: boolean;
  /** The system prompt's key (`rules/system-prompt.ts`): a hash, `NO_SYSTEM`, or undefined for a non-chat line. */
  readonly systemKey?: number;
  /** The keys of the cross-line quality rules (`quality/`): conflicting answers, near-duplicates, overlap. */
  readonly quality?: QualityKeys;
}

/**
 * SFT-09's per-line warning for a missing system prompt is replaced by the file-wide rule (`rules/system-prompt.ts`):
 * the line keeps the problem only when it also lacks a user message.
 */
function withoutSystemOnly(problems: readonly Problem[]): readonly Problem[] {
  let i = 0;
  for (; i < problems.length; i++) if (isSystemOnly(problems[i]!)) break;
  if (i === problems.length) return problems;
  return problems.filter((p) => !isSystemOnly(p));
}

function isSystemOnly(p: Problem): boolean {
  if (p.code !== 'missing-system-or-user') return false;
  const missing = p.data?.missing;
  return Array.isArray(missing) && missing.length === 1 && missing[0] === 'system';
}

export interface EngineContext {
  readonly model: ResolvedModel;
  readonly grader?: unknown;
  /**
   * The dataset profile that judges the file (`profiles/`): each line's and the file's problems are adjusted to it.
   * Absent or OpenAI's: today's rules, unchanged.
   */
  readonly profile?: Profile;
  /**
   * Lines of more than this many UTF-8 bytes are not tokenized for TOK-01 on this thread; their limit check waits for
   * exact counts from the workers (`DatasetIndex.setExactTokens`). The editor sets it: tokenizing a 2 MB line took
   * about a second of the extension host on every keystroke. Unset (validation, CLI): every line is decided at once.
   */
  readonly deferTokensAboveBytes?: number;
}

/** Methods TOK-01 applies to (the reference: SFT, DPO). */
function tok01Applies(method: Method): boolean {
  return method === 'supervised' || method === 'dpo';
}

/** The UTF-8 size of a text (native: a loop over a 2 MB line's characters cost the editor 5-8 ms a keystroke). */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Parses and checks one line against `method`: the per-line rules (`checkLine`), plus the TOK-01 limit check, which
 * tokenizes only lines whose UTF-8 size does not already prove them under the limit. `dupKey: false` (the streaming
 * validator, which hashes raw bytes instead and does not count roles) leaves the duplicate key and the role counts out.
 */
export function analyzeLine(
  text: string,
  line: number,
  example: number,
  method: Method,
  ctx: EngineContext,
  parsed: ParsedLine = parseLine(text),
  bytes: number = utf8Length(text),
  dupKey = true,
): LineResult {
  const a: LineAnalysis = checkLine(text, parsed, line, method, { exampleNumber: example, grader: ctx.grader, bytes, dupKey, roles: dupKey });
  const value = parsed.value;
  let images = 0;
  let tokens: number | undefined;
  let overLimit = false;
  let deferred = false;
  if (value !== undefined && typeof value === 'object' && value !== null) {
    // A walk over the parsed messages (a few property reads a line): cheaper than the two searches of the line's text
    // it replaced (for `_url` and `\\u`, which cost 5% of `JSON.parse`'s time on every line).
    images = exampleImages(value);
    if (tok01Applies(method) && tokenUpperBound(bytes, images) > ctx.model.limit) {
      if (ctx.deferTokensAboveBytes !== undefined && bytes > ctx.deferTokensAboveBytes) {
        deferred = true;
      } else {
        tokens = exampleTokens(value, { encoder: getEncoder(ctx.model.encoding), funcInit: ctx.model.info.funcInit });
        overLimit = tokens > ctx.model.limit;
      }
    }
  }
  const messages = a.stats?.messages ?? 0;
  let problems = withoutSystemOnly(a.problems);
  let systemKey: number | undefined;
  let quality: QualityKeys | undefined;
  if (value !== undefined && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    systemKey = systemPromptKey(value);
    quality = qualityKeys(value);
    problems = checkQuality(problems, value, text, line, example);
  }
  if (ctx.profile !== undefined) problems = applyLineProfile(ctx.profile, problems, value, images, line, example, text.length, method);
  return {
    shape: a.shape,
    problems,
    dupKey: a.dupKey,
    stats: a.stats,
    bytes,
    length: text.length,
    images,
    tokens,
    estimate: a.shape === 'blank' || a.shape === 'invalid' ? 0 : estimateTokens(bytes, messages),
    overLimit,
    ...(deferred ? { deferred } : {}),
    systemKey,
    ...(quality ? { quality } : {}),
  };
}

/** The TOK-01 warning for a line. */
export function tokenLimitProblem(line: number, length: number, tokens: number, ctx: EngineContext, example: number): Problem {
  const r = fileRule('TOK-01');
  const limit = ctx.model.limit;
  return {
    code: r.code,
    ruleId: 'TOK-01',
    severity: r.severity,
    message:
      `Example ${example} has ${fmtInt(tokens)} tokens, over the ${fmtInt(limit)}-token ` +
      `training-example limit of ${ctx.model.id} by ${fmtInt(tokens - limit)}: the trainer truncates it ` +
      `from the end. Shorten or split the conversation.`,
    line,
    column: 0,
    endColumn: length,
    data: { tokens, limit },
  };
}

export function blankLineProblem(line: number, length: number): Problem {
  const r = fileRule('TL-02');
  return {
    code: r.code,
    ruleId: r.id,
    severity: r.severity,
    message: `Line ${line + 1} is blank. Remove it: every line of a JSONL training file must hold one example.`,
    line,
    column: 0,
    endColumn: length,
  };
}

export function duplicateProblem(line: number, length: number, first: number, example: number): Problem {
  const r = fileRule('TL-03');
  return {
    code: r.code,
    ruleId: r.id,
    severity: r.severity,
    message: `Example ${example} (line ${line + 1}) is an exact duplicate of line ${first + 1}. Remove the copy: duplicates over-weight an example and waste training tokens.`,
    line,
    column: 0,
    endColumn: length,
    relatedLine: first,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// File-level rules

export interface FileFacts {
  readonly method: Method;
  readonly methodInferred: boolean;
  readonly shapes: Readonly<ShapeCounts>;
  /** Non-blank lines. */
  readonly examples: number;
  /** File size in bytes. */
  readonly bytes: number;
  /** Examples with at least one image. */
  readonly imageExamples: number;
  readonly model: ResolvedModel;
  /** The profile judging the file (absent: OpenAI's rules). */
  readonly profile?: Profile;
}

const MB = 1024 * 1024;
const GB = 1024 * MB;
/** The Files API's limit per file (defined with the profiles, which read it as the OpenAI-shaped default). */
export const FILES_API_LIMIT = OPENAI_FILE_BYTES;
export const UPLOADS_API_LIMIT = 8 * GB;

function fileProblem(id: FileRuleId, message: string, data?: Record<string, unknown>): Problem {
  const r = fileRule(id);
  return data ? { code: r.code, ruleId: r.id, severity: r.severity, message, data } : { code: r.code, ruleId: r.id, severity: r.severity, message };
}

/** File-level problems (no `line`) from the file's counters. */
export function fileLevelProblems(f: FileFacts): Problem[] {
  const out: Problem[] = [];
  const n = f.examples;
  if (n < 10) {
    out.push(fileProblem('FILE-04', `The file has ${n} example${n === 1 ? '' : 's'}, but a training file must have at least 10. Add ${10 - n} more.`, { examples: n }));
  } else if (n < 50 && (f.method === 'supervised' || f.method === 'dpo')) {
    out.push(fileProblem('FILE-05', `The file has ${n} examples. OpenAI recommends starting with at least 50 well-crafted examples; improvements usually show from 50–100.`, { examples: n }));
  }
  if (formatFamilies(f.shapes) > 1) {
    const parts: string[] = [];
    const chat = f.shapes.chat + f.shapes['chat-rft'];
    if (chat) parts.push(`${chat} chat (messages)`);
    if (f.shapes.preference) parts.push(`${f.shapes.preference} preference`);
    if (f.shapes.completion) parts.push(`${f.shapes.completion} prompt/completion`);
    out.push(fileProblem('FILE-08', `The file mixes formats (${parts.join(', ')} lines). Every line must use the ${methodFormat(f.method)} format of ${f.methodInferred ? 'the file (inferred from most lines)' : `method ${f.method}`}; the other lines are errors.`, { method: f.method }));
  }
  if (f.bytes > UPLOADS_API_LIMIT) {
    out.push(fileProblem('FILE-07', `The file is ${fmtSize(f.bytes)}, over the 8 GB limit of the Uploads API. Split it or reduce it.`, { bytes: f.bytes }));
  } else if (f.bytes > FILES_API_LIMIT) {
    out.push(fileProblem('FILE-06', `The file is ${fmtSize(f.bytes)}, over the Files API's 512 MB limit. Upload it through the Uploads API (up to 8 GB, in parts of at most 64 MB) or make it smaller.`, { bytes: f.bytes }));
  }
  if (f.method === 'reinforcement' && n > 50_000) {
    out.push(fileProblem('FILE-11', `The file has ${n.toLocaleString('en-US')} examples; a reinforcement fine-tuning training file holds at most 50,000 (and its validation file at most 1,000).`, { examples: n }));
  }
  if (f.imageExamples > 50_000) {
    out.push(fileProblem('FILE-12', `${f.imageExamples.toLocaleString('en-US')} examples contain images; a training file may hold at most 50,000 examples with images.`, { imageExamples: f.imageExamples }));
  }
  if (f.method === 'completion' && n > 0) {
    out.push(fileProblem('LEG-02', `This is a legacy prompt/completion file (babbage-002 / davinci-002): new training runs on those models ended on 2024-10-28. Convert it to the chat format and fine-tune gpt-4o-mini or a newer model.`));
  }
  if (f.imageExamples > 0 && f.method === 'supervised' && f.model.id !== 'gpt-4o-2024-08-06') {
    out.push(fileProblem('IMG-07', `${f.imageExamples.toLocaleString('en-US')} examples contain images, but the target model ${f.model.id} is not gpt-4o-2024-08-06, the only model OpenAI's guide lists for vision fine-tuning.`, { model: f.model.id }));
  }
  if (f.method === 'reinforcement' && f.model.known && f.model.id !== 'o4-mini-2025-04-16' && n > 0) {
    out.push(fileProblem('RFT-07', `Reinforcement fine-tuning is supported only on o4-mini-2025-04-16; the target model is ${f.model.id}. Choose o4-mini with --model or the tuneline.model setting.`, { model: f.model.id }));
  }
  out.sort(compareProblems);
  return f.profile === undefined ? out : applyFileProfile(f.profile, out, f).sort(compareProblems);
}

function methodFormat(m: Method): string {
  switch (m) {
    case 'supervised':
      return 'chat `messages`';
    case 'reinforcement':
      return '`messages` (plus grader fields)';
    case 'dpo':
      return '`input` / `preferred_output` / `non_preferred_output`';
    case 'completion':
      return '`prompt` / `completion`';
  }
}

function fmtSize(bytes: number): string {
  return bytes >= GB ? `${(bytes / GB).toFixed(2)} GB` : `${(bytes / MB).toFixed(1)} MB`;
}

/**
 * The order of problems: file-level first, then by line, column, end column, code and message (a total order, so that
 * every path through the engine lists the same problems in the same order).
 */
export function compareProblems(a: Problem, b: Problem): number {
  const la = a.line ?? -1;
  const lb = b.line ?? -1;
  if (la !== lb) return la - lb;
  const ca = a.column ?? 0;
  const cb = b.column ?? 0;
  if (ca !== cb) return ca - cb;
  const ea = a.endColumn ?? 0;
  const eb = b.endColumn ?? 0;
  if (ea !== eb) return ea - eb;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------------------------
// The index

interface Entry {
  /** Current 0-based line (kept up to date on splices). */
  line: number;
  /** The line the check ran at (problems carry it). */
  checkedLine: number;
  /** The method the line was checked against. */
  method: Method;
  /** The example number the check ran with (messages say "Example N"). */
  example: number;
  r: LineResult;
  /** Exact tokens from a worker run (`setExactTokens`). */
  exact?: number;
  /** Line problems moved to the current line (`movedLine`), cached. */
  moved?: readonly Problem[];
  movedLine?: number;
  movedExample?: number;
  /** The first copy of this line (null: none), found at version `dupVer` of its duplicate group, cached. */
  dupFirst?: Entry | null;
  dupVer?: number;
  /** The TL-03 problem last made for this line, and the example number it was made with. */
  dupProblem?: Problem;
  dupExample?: number;
}

export interface DatasetIndexOptions {
  readonly method?: MethodSetting;
  readonly model?: string;
  /** The provider whose dataset profile judges the file (`profiles/`; default: OpenAI, today's rules). */
  readonly provider?: string;
  readonly grader?: unknown;
  /**
   * Returns the current text of a line. Needed only when lines must be re-checked (the method flips, or the model,
   * method setting or grader change). Without it the index keeps every line's text itself.
   */
  readonly getLineText?: (line: number) => string;
  /** See `EngineContext.deferTokensAboveBytes` (the editor's index sets it). */
  readonly deferTokensAboveBytes?: number;
  /** Near-duplicate threshold (TL-22; default `DEFAULT_NEAR_DUPLICATE_THRESHOLD`, 0: off). */
  readonly nearDuplicateThreshold?: number;
  /**
   * The cross-line quality rules (TL-21, TL-22: every example against every other) are judged only by
   * `refreshQuality()`, not on every change: on 100,000 lines they cost about 0.4 s, which a keystroke must not. Until
   * then the problems of the last judgement are kept while the line count is the same (an edit inside a line), and
   * none are shown once lines were added or removed. The editor sets it and refreshes when the document is idle.
   */
  readonly deferQuality?: boolean;
}

export interface DatasetStats {
  readonly version: number;
  readonly lines: number;
  /** Non-blank lines. */
  readonly examples: number;
  readonly method: Method;
  readonly methodInferred: boolean;
  readonly model: string;
  readonly modelKnown: boolean;
  /** The profile that judged the file: its id and what to show ("Azure AI Foundry · gpt-4.1-mini-2025-04-14"). */
  readonly profile: { readonly id: string; readonly label: string };
  readonly shapes: Readonly<ShapeCounts>;
  /** Token count per example (exact where known, else the estimate), in example order. */
  readonly tokensPerExample: readonly number[];
  /** The 0-based line of each example (parallel to `tokensPerExample`). */
  readonly exampleLines: readonly number[];
  /** Assistant turns per example (parallel to `tokensPerExample`). */
  readonly turnsPerExample: readonly number[];
  readonly totalTokens: number;
  /** True when every example's count is exact. */
  readonly tokensExact: boolean;
  readonly roles: Readonly<Record<string, number>>;
  /** Later copies of duplicated examples. */
  readonly duplicates: number;
  readonly overLimit: number;
  readonly limit: number;
  readonly imageExamples: number;
  readonly bytes: number;
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  readonly epochs: number;
  /** Σ min(limit, tokens) per epoch. */
  readonly billedTokensPerEpoch: number;
  readonly estimatedCost?: CostEstimate;
}

export interface Disposable {
  dispose(): void;
}

/**
 * With `DatasetIndexOptions.deferQuality`, indexes of fewer lines than this are still judged on every change (about
 * 4 µs a line: under 8 ms).
 */
export const DEFER_QUALITY_MIN_LINES = 2_000;

/** Two judgements of the quality rules give the same problems (codes, lines, ranges, messages). */
function sameProblems(a: readonly Problem[], b: readonly Problem[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.code !== y.code || x.line !== y.line || x.column !== y.column || x.endColumn !== y.endColumn || x.message !== y.message || JSON.stringify(x.related) !== JSON.stringify(y.related)) return false;
  }
  return true;
}

export class DatasetIndex {
  private entries: Entry[] = [];
  private texts: string[] | undefined;
  private readonly getText: (line: number) => string;
  private setting: MethodSetting;
  private ctx: EngineContext;
  private provider: string | undefined;
  /** Chat examples per system-prompt key (`NO_SYSTEM` included), kept by add/remove. */
  private sysKeys = new Map<number, number>();
  /** The text of each system-prompt key seen (a key is a hash of its text, so this never goes stale). */
  private sysTexts = new Map<number, string>();
  private current: Method;
  private shapes = emptyShapeCounts();
  private bytes = 0;
  private imageExamples = 0;
  private roleCounts = new Map<string, number>();
  private dups = new Map<string, Entry[]>();
  private multiDups = new Set<string>();
  /** A version per duplicate key, bumped when a line joins or leaves its group (see `firstCopy`). */
  private dupVers = new Map<string, number>();
  private dupVerNext = 1;
  private ver = 0;
  private cache: {
    version: number;
    problems?: Problem[];
    file?: Problem[];
    stats?: DatasetStats;
    system?: { file: Problem[]; byLine: Map<number, Problem[]> };
    cross?: { file: Problem[]; byLine: Map<number, Problem[]> };
    quality?: QualityData;
  } = { version: -1 };
  private nearThreshold: number | undefined;
  private readonly deferQuality: boolean;
  /** With `deferQuality`: the last judgement of the quality rules, for the document version and line count it saw. */
  private judged: { version: number; lines: number; problems: readonly Problem[] } | undefined;
  /** Whether the last worker counts (`setExactTokens`) came from the profile's own tokenizer. */
  private workerExact = true;
  private listeners = new Set<(version: number) => void>();

  constructor(options: DatasetIndexOptions = {}) {
    this.setting = options.method ?? 'auto';
    this.provider = options.provider;
    this.ctx = {
      ...profileContext(options.provider, options.model),
      grader: options.grader,
      ...(options.deferTokensAboveBytes !== undefined ? { deferTokensAboveBytes: options.deferTokensAboveBytes } : {}),
    };
    this.current = this.setting === 'auto' ? 'supervised' : this.setting;
    this.nearThreshold = options.nearDuplicateThreshold;
    this.deferQuality = options.deferQuality === true;
    if (options.getLineText) {
      this.getText = options.getLineText;
    } else {
      this.texts = [];
      this.getText = (line) => this.texts![line] ?? '';
    }
  }

  /** Builds an index over a whole text (lines split on `\n`, `\r\n`). */
  static fromText(text: string, options: Omit<DatasetIndexOptions, 'getLineText'> = {}): DatasetIndex {
    const index = new DatasetIndex(options);
    index.setLines(0, 0, splitLines(text));
    return index;
  }

  /** Incremented on every change. */
  get version(): number {
    return this.ver;
  }

  get lineCount(): number {
    return this.entries.length;
  }

  get method(): Method {
    return this.current;
  }

  get methodInferred(): boolean {
    return this.setting === 'auto';
  }

  get methodSetting(): MethodSetting {
    return this.setting;
  }

  get model(): ResolvedModel {
    return this.ctx.model;
  }

  onDidChange(listener: (version: number) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /**
   * Replaces `deleteCount` lines from `startLine` with `newTexts` (the document's new lines there). For a keystroke
   * inside one line: `setLines(line, 1, [newText])`. Inserting a line break in line L: `setLines(L, 1, [a, b])`.
   */
  setLines(startLine: number, deleteCount: number, newTexts: readonly string[]): void {
    const start = Math.max(0, Math.min(startLine, this.entries.length));
    const del = Math.max(0, Math.min(deleteCount, this.entries.length - start));
    for (let i = start; i < start + del; i++) {
      this.remove(this.entries[i]!);
    }
    if (this.texts) {
      spliceLarge(this.texts, start, del, newTexts);
    }
    // Parse the new lines first: their shapes may change the inferred method.
    const parsed = newTexts.map((t) => parseLine(t));
    for (const p of parsed) {
      this.shapes[p.shape]++;
    }
    const method = this.setting === 'auto' ? inferMethod(this.shapes, this.ctx.profile) : this.setting;
    let example = 0;
    for (let i = 0; i < start; i++) if (this.entries[i]!.r.shape !== 'blank') example++;
    const fresh: Entry[] = newTexts.map((t, k) => {
      const line = start + k;
      const p = parsed[k]!;
      if (p.shape !== 'blank') example++;
      return { line, checkedLine: line, method, example, r: analyzeLine(t, line, example, method, this.ctx, p) };
    });
    for (const e of fresh) {
      this.shapes[e.r.shape]--; // add() counts it again (analyzeLine's shape equals parseLine's)
      this.add(e);
    }
    spliceLarge(this.entries, start, del, fresh);
    if (del !== fresh.length) {
      for (let i = start + fresh.length; i < this.entries.length; i++) {
        this.entries[i]!.line = i;
      }
    }
    if (method !== this.current) {
      this.current = method;
      this.recheck((e) => e.method !== method);
    }
    this.changed();
  }

  /** Replaces the whole content. */
  replaceAll(lines: readonly string[]): void {
    this.setLines(0, this.entries.length, lines);
  }

  setMethod(setting: MethodSetting): void {
    this.setting = setting;
    this.current = setting === 'auto' ? inferMethod(this.shapes, this.ctx.profile) : setting;
    this.recheck((e) => e.method !== this.current);
    this.changed();
  }

  setModel(model: string | undefined): void {
    this.ctx = { ...this.ctx, ...profileContext(this.provider, model) };
    this.recheck(() => true);
    this.changed();
  }

  /** Judges the file against another provider's profile (and, when given, model); re-checks every line. */
  setProfile(provider: string | undefined, model?: string): void {
    this.provider = provider;
    this.ctx = { ...this.ctx, ...profileContext(provider, model ?? this.ctx.model.requested) };
    if (this.setting === 'auto') this.current = inferMethod(this.shapes, this.ctx.profile);
    this.recheck(() => true);
    this.changed();
  }

  /** The profile judging the file. */
  get profile(): Profile {
    return this.ctx.profile!;
  }

  setGrader(grader: unknown): void {
    this.ctx = { ...this.ctx, grader };
    this.recheck(() => true);
    this.changed();
  }

  /**
   * Exact per-line token counts from `countTokensInWorkers`, computed for the document at `version`. Ignored (returns
   * false) if the document changed since.
   */
  setExactTokens(version: number, perLine: ArrayLike<number>, exact = true): boolean {
    if (version !== this.ver || perLine.length !== this.entries.length) {
      return false;
    }
    for (let i = 0; i < this.entries.length; i++) {
      this.entries[i]!.exact = perLine[i];
    }
    this.workerExact = exact;
    this.cache = { version: -1 };
    for (const l of this.listeners) l(this.ver);
    return true;
  }

  /** Line-local and cross-line problems of one line (0-based), plus none of the file-level ones. */
  lineProblems(line: number): Problem[] {
    const e = this.entries[line];
    if (!e) return [];
    const own = this.problemsOf(e, this.dupGroups(), this.exampleNumberOf(line));
    const sys = this.crossLine().byLine.get(line);
    return sys ? [...own, ...sys].sort(compareProblems) : own;
  }

  /** File-level problems (no `line`). */
  fileProblems(): Problem[] {
    this.ensureCache();
    if (!this.cache.file) {
      const sys = this.crossLine().file;
      const file = fileLevelProblems(this.facts());
      this.cache.file = sys.length ? [...file, ...sys].sort(compareProblems) : file;
    }
    return this.cache.file;
  }

  /**
   * The keys whose prompt is a near-identical variant of the most common one (with their similarity); `tie`: two
   * prompts share the highest count (the first in the file is then the common one: decided by the full pass).
   */
  private nearIdenticalPrompts(): { main: number; mainCount: number; keys: Map<number, number>; tie: boolean } {
    const missing = [...this.sysKeys.keys()].filter((k) => k !== NO_SYSTEM && !this.sysTexts.has(k));
    if (missing.length > 0) {
      const want = new Set(missing);
      for (const e of this.entries) {
        const k = e.r.systemKey;
        if (k === undefined || !want.has(k)) continue;
        this.sysTexts.set(k, systemPromptText(parseLine(this.getText(e.line)).value) ?? '');
        want.delete(k);
        if (want.size === 0) break;
      }
    }
    let main: number | undefined;
    for (const [k, n] of this.sysKeys) if (k !== NO_SYSTEM && (main === undefined || n > this.sysKeys.get(main)!)) main = k;
    const mainText = this.sysTexts.get(main!) ?? '';
    const mainCount = this.sysKeys.get(main!)!;
    let tie = false;
    const keys = new Map<number, number>();
    for (const [k, n] of this.sysKeys) {
      if (k === NO_SYSTEM || k === main) continue;
      if (n === mainCount) tie = true;
      if (n >= mainCount) continue;
      const sim = bigramSimilarity(mainText, this.sysTexts.get(k) ?? '');
      if (sim >= NEAR_IDENTICAL) keys.set(k, sim);
    }
    return { main: main!, mainCount, keys, tie };
  }

  /** The system-prompt rule's problems (`rules/system-prompt.ts`), from each line's key; re-reads at most 64 prompts. */
  private systemPrompts(): { file: Problem[]; byLine: Map<number, Problem[]> } {
    this.ensureCache();
    if (this.cache.system) return this.cache.system;
    // Consistent files (the common case) are decided from the counters, without a pass over the lines.
    const none = this.sysKeys.get(NO_SYSTEM) ?? 0;
    const distinct = this.sysKeys.size - (none > 0 ? 1 : 0);
    if (distinct === 0) {
      this.cache.system = { file: none > 0 ? [noSystemPromptProblem(none)] : [], byLine: new Map() };
      return this.cache.system;
    }
    const variants = none === 0 && distinct > 1 && distinct <= MAX_GROUPS ? this.nearIdenticalPrompts() : undefined;
    if (none === 0 && (variants === undefined || (variants.keys.size === 0 && !variants.tie))) {
      this.cache.system = { file: [], byLine: new Map() };
      return this.cache.system;
    }
    if (variants !== undefined && !variants.tie) {
      // Only variants of one common prompt: one pass that keeps just their lines (no per-line arrays).
      const byLine = new Map<number, Problem[]>();
      const found: number[] = [];
      let example = 0;
      let firstMain = -1;
      for (const e of this.entries) {
        if (e.r.shape !== 'blank') example++;
        const key = e.r.systemKey;
        if (key === undefined) continue;
        if (key === variants.main) {
          if (firstMain < 0) firstMain = e.line;
        } else if (variants.keys.has(key)) found.push(e.line, example, e.r.length, key);
      }
      const mainText = this.sysTexts.get(variants.main) ?? '';
      for (let i = 0; i < found.length; i += 4) {
        const p = variantProblem(found[i]!, found[i + 1]!, found[i + 2]!, variants.keys.get(found[i + 3]!)!, variants.mainCount, firstMain, mainText);
        byLine.set(p.line!, [p]);
      }
      this.cache.system = { file: [], byLine };
      return this.cache.system;
    }
    const tracker = new SystemPromptTracker();
    let example = 0;
    for (const e of this.entries) {
      if (e.r.shape !== 'blank') example++;
      const key = e.r.systemKey;
      if (key === undefined) continue;
      tracker.add(e.line, example, e.r.length, key, () => systemPromptText(parseLine(this.getText(e.line)).value) ?? '');
    }
    const file: Problem[] = [];
    const byLine = new Map<number, Problem[]>();
    for (const p of tracker.problems()) {
      if (p.line === undefined) file.push(p);
      else {
        const list = byLine.get(p.line);
        if (list) list.push(p);
        else byLine.set(p.line, [p]);
      }
    }
    this.cache.system = { file, byLine };
    return this.cache.system;
  }

  /** The near-duplicate threshold judging the file (TL-22). */
  setNearDuplicateThreshold(threshold: number | undefined): void {
    if (threshold === this.nearThreshold) return;
    this.nearThreshold = threshold;
    this.cache = { version: -1 };
    this.changed();
  }

  /**
   * The keys of the file's examples for the cross-line quality rules (`quality/`), in line order: what TL-21 and
   * TL-22 judge, and what a validation file is judged against (TL-23) when this file is its training file.
   */
  qualityData(): QualityData {
    this.ensureCache();
    if (!this.cache.quality) {
      const c = new QualityCollector();
      let example = 0;
      for (const e of this.entries) {
        if (e.r.shape !== 'blank') example++;
        if (e.r.quality) c.add(e.line, example, e.r.length, e.r.quality);
      }
      this.cache.quality = c.data();
    }
    return this.cache.quality;
  }

  /**
   * With `deferQuality`: true when the quality rules have not judged this version yet (`refreshQuality` would change
   * what is shown, or confirm it).
   */
  get qualityStale(): boolean {
    return this.deferQuality && this.entries.length >= DEFER_QUALITY_MIN_LINES && this.judged?.version !== this.ver;
  }

  /**
   * With `deferQuality`: judges the cross-line quality rules for the current version now. Returns true (and tells the
   * listeners) when that changed the problems shown; false when it did not, or they had judged this version already.
   */
  refreshQuality(): boolean {
    if (!this.deferQuality || this.judged?.version === this.ver) return false;
    const before = this.judged;
    const problems = this.judgeQuality();
    this.judged = { version: this.ver, lines: this.entries.length, problems };
    const same = before !== undefined && before.lines === this.entries.length && sameProblems(before.problems, problems);
    if (same) return false;
    this.cache = { version: -1 };
    for (const l of this.listeners) l(this.ver);
    return true;
  }

  private judgeQuality(): Problem[] {
    const groups = this.dupGroups();
    return qualityProblems(
      this.qualityData(),
      this.nearThreshold,
      (_entry, line) => this.getText(line),
      (line) => {
        const e = this.entries[line];
        const key = e?.r.dupKey;
        return e !== undefined && key !== undefined && this.multiDups.has(key) && this.firstCopy(e, groups(key)) !== undefined;
      },
    );
  }

  /** The cross-line rules' problems: the system prompt's (`systemPrompts`) and the quality rules' (`quality/`). */
  private crossLine(): { file: Problem[]; byLine: Map<number, Problem[]> } {
    this.ensureCache();
    if (this.cache.cross) return this.cache.cross;
    const sys = this.systemPrompts();
    let quality: readonly Problem[];
    if (!this.deferQuality || this.entries.length < DEFER_QUALITY_MIN_LINES) {
      quality = this.judgeQuality();
      if (this.deferQuality) this.judged = { version: this.ver, lines: this.entries.length, problems: quality };
    } else quality = this.judged && this.judged.lines === this.entries.length ? this.judged.problems : [];
    if (quality.length === 0) return (this.cache.cross = sys);
    const file = [...sys.file];
    const byLine = new Map<number, Problem[]>();
    for (const [k, v] of sys.byLine) byLine.set(k, [...v]);
    for (const p of quality) {
      if (p.line === undefined) file.push(p);
      else {
        const list = byLine.get(p.line);
        if (list) list.push(p);
        else byLine.set(p.line, [p]);
      }
    }
    return (this.cache.cross = { file, byLine });
  }

  /** All problems: file-level first, then by line and column. */
  problems(): Problem[] {
    this.ensureCache();
    if (!this.cache.problems) {
      const out: Problem[] = [...this.fileProblems()];
      const groups = this.dupGroups();
      const sys = this.crossLine().byLine;
      let example = 0;
      for (const e of this.entries) {
        if (e.r.shape !== 'blank') example++;
        const own = e.r.problems.length > 0 || e.r.shape === 'blank' || this.overLimitTokens(e) !== undefined || (e.r.dupKey !== undefined && this.multiDups.has(e.r.dupKey));
        if (own) {
          for (const p of this.problemsOf(e, groups, example)) out.push(p);
        }
        const more = sys.size > 0 ? sys.get(e.line) : undefined;
        if (more) for (const p of more) out.push(p);
      }
      if (sys.size > 0) out.sort(compareProblems);
      this.cache.problems = out;
    }
    return this.cache.problems;
  }

  stats(): DatasetStats {
    this.ensureCache();
    if (this.cache.stats) return this.cache.stats;
    const tokensPerExample: number[] = [];
    const exampleLines: number[] = [];
    const turnsPerExample: number[] = [];
    let total = 0;
    let exact = true;
    let allWorker = true;
    let overLimit = 0;
    for (const e of this.entries) {
      if (e.r.shape === 'blank') continue;
      const t = e.exact ?? e.r.tokens ?? e.r.estimate;
      if (e.exact === undefined && e.r.tokens === undefined) exact = false;
      if (e.exact === undefined) allWorker = false;
      tokensPerExample.push(t);
      exampleLines.push(e.line);
      turnsPerExample.push(e.r.stats?.assistantTurns ?? 0);
      total += t;
      if (this.overLimitTokens(e) !== undefined) overLimit++;
    }
    const duplicateCode = fileRule('TL-03').code;
    let duplicates = 0;
    let errors = 0;
    let warnings = 0;
    let infos = 0;
    for (const p of this.problems()) {
      if (p.code === duplicateCode) duplicates++;
      if (p.severity === 'error') errors++;
      else if (p.severity === 'warning') warnings++;
      else infos++;
    }
    const limit = this.ctx.model.limit;
    const epochs = defaultEpochs(tokensPerExample.length);
    const billed = billedTokensPerEpoch(tokensPerExample, limit);
    const roles: Record<string, number> = {};
    for (const [k, v] of this.roleCounts) if (v > 0) roles[k] = v;
    this.cache.stats = {
      version: this.ver,
      lines: this.entries.length,
      examples: tokensPerExample.length,
      method: this.current,
      methodInferred: this.methodInferred,
      model: this.ctx.model.id,
      modelKnown: this.ctx.model.known,
      profile: { id: this.ctx.profile!.id, label: this.ctx.profile!.label },
      shapes: { ...this.shapes },
      tokensPerExample,
      exampleLines,
      turnsPerExample,
      totalTokens: total,
      // this thread counts with an OpenAI encoding: exact for the profile's own tokenizer only; the workers' counts
      // are exact when they used the model's tokenizer (`setExactTokens(…, exact)`)
      tokensExact: tokensPerExample.length > 0 && (allWorker ? this.workerExact : exact && this.ctx.profile!.tokenizer.exact),
      roles,
      duplicates,
      overLimit,
      limit,
      imageExamples: this.imageExamples,
      bytes: this.fileBytes(),
      errors,
      warnings,
      infos,
      epochs,
      billedTokensPerEpoch: billed,
      estimatedCost: estimateCost(billed, epochs, this.ctx.model.info),
    };
    return this.cache.stats;
  }

  /** The analysis of one line (shape, stats, token facts) without its problems' cross-line additions. */
  lineResult(line: number): LineResult | undefined {
    return this.entries[line]?.r;
  }

  /** The exact token count of a line if known (worker results, or a TOK-01 check that tokenized it). */
  lineTokens(line: number): { tokens: number; exact: boolean } | undefined {
    const e = this.entries[line];
    if (!e || e.r.shape === 'blank') return undefined;
    const exact = e.exact ?? e.r.tokens;
    return exact !== undefined ? { tokens: exact, exact: true } : { tokens: e.r.estimate, exact: false };
  }

  // -------------------------------------------------------------------------------------------------------------

  private facts(): FileFacts {
    return {
      method: this.current,
      methodInferred: this.methodInferred,
      shapes: this.shapes,
      examples: this.entries.length - this.shapes.blank,
      bytes: this.fileBytes(),
      imageExamples: this.imageExamples,
      model: this.ctx.model,
      profile: this.ctx.profile,
    };
  }

  /** Bytes of the document: lines plus one `\n` between lines (a final empty line stands for a trailing newline). */
  private fileBytes(): number {
    return this.bytes + Math.max(0, this.entries.length - 1);
  }

  private ensureCache(): void {
    if (this.cache.version !== this.ver) {
      this.cache = { version: this.ver };
    }
  }

  private changed(): void {
    this.ver++;
    for (const l of this.listeners) l(this.ver);
  }

  private problemsOf(e: Entry, groups: (key: string) => readonly Entry[], example: number): Problem[] {
    const out: Problem[] = [];
    if (e.checkedLine === e.line && e.example === example) {
      for (const x of e.r.problems) out.push(x);
    } else {
      if (!e.moved || e.movedLine !== e.line || e.movedExample !== example) {
        e.moved = e.r.problems.map((p) => rebaseProblem(p, e.checkedLine, e.line, e.example, example));
        e.movedLine = e.line;
        e.movedExample = example;
      }
      for (const x of e.moved) out.push(x);
    }
    if (e.r.shape === 'blank' && e.line !== this.entries.length - 1) {
      out.push(blankLineProblem(e.line, e.r.length));
    }
    const key = e.r.dupKey;
    if (key !== undefined && this.multiDups.has(key)) {
      // An entry's text never changes (an edited line gets a new entry) and splices keep the lines' order, so the
      // first copy stays the same until a line joins or leaves the group.
      const ver = this.dupVers.get(key)!;
      if (e.dupVer !== ver) {
        e.dupFirst = this.firstCopy(e, groups(key)) ?? null;
        e.dupVer = ver;
      }
      const first = e.dupFirst;
      if (first) {
        let p = e.dupProblem;
        if (!p || p.line !== e.line || p.relatedLine !== first.line || e.dupExample !== example) {
          p = duplicateProblem(e.line, e.r.length, first.line, example);
          e.dupProblem = p;
          e.dupExample = example;
        }
        out.push(p);
      }
    }
    const over = this.overLimitTokens(e);
    if (over !== undefined && tok01Applies(e.method)) {
      out.push(tokenLimitProblem(e.line, e.r.length, over, this.ctx, example));
    }
    if (out.length > 1) out.sort(compareProblems);
    return out;
  }

  /** The tokens of a line over the limit (TOK-01): its own check's, or the worker count of a deferred check. */
  private overLimitTokens(e: Entry): number | undefined {
    if (e.r.overLimit) return e.r.tokens;
    if (e.r.deferred && e.exact !== undefined && e.exact > this.ctx.model.limit) return e.exact;
    return undefined;
  }

  private exampleNumberOf(line: number): number {
    let n = 0;
    for (let i = 0; i <= line && i < this.entries.length; i++) {
      if (this.entries[i]!.r.shape !== 'blank') n++;
    }
    return n;
  }

  /** The lines sharing a duplicate key, in line order (sorted on first use, once per call of `dupGroups`). */
  private dupGroups(): (key: string) => readonly Entry[] {
    const sorted = new Map<string, Entry[]>();
    return (key) => {
      let g = sorted.get(key);
      if (!g) sorted.set(key, (g = [...this.dups.get(key)!].sort((a, b) => a.line - b.line)));
      return g;
    };
  }

  /**
   * The first line before `e` whose text equals its own (trimmed), among the lines sharing its duplicate key. The key
   * is a hash: the texts are compared, so two different lines that happen to share a key are never called copies.
   * Copies share a key, so the first line of the group is nearly always the answer at once.
   */
  private firstCopy(e: Entry, group: readonly Entry[]): Entry | undefined {
    let text: string | undefined;
    for (const g of group) {
      if (g.line >= e.line) return undefined;
      text ??= duplicateText(this.getText(e.line));
      if (duplicateText(this.getText(g.line)) === text) return g;
    }
    return undefined;
  }

  private add(e: Entry): void {
    const r = e.r;
    if (r.systemKey !== undefined) this.sysKeys.set(r.systemKey, (this.sysKeys.get(r.systemKey) ?? 0) + 1);
    this.shapes[r.shape]++;
    this.bytes += r.bytes;
    if (r.images > 0) this.imageExamples++;
    const roles = r.stats?.roles;
    if (roles) {
      for (const k in roles) this.roleCounts.set(k, (this.roleCounts.get(k) ?? 0) + roles[k]!);
    }
    if (r.dupKey !== undefined) {
      const g = this.dups.get(r.dupKey);
      if (g) {
        g.push(e);
        this.multiDups.add(r.dupKey);
      } else {
        this.dups.set(r.dupKey, [e]);
      }
      this.dupVers.set(r.dupKey, this.dupVerNext++);
    }
  }

  private remove(e: Entry): void {
    const r = e.r;
    if (r.systemKey !== undefined) {
      const n = (this.sysKeys.get(r.systemKey) ?? 0) - 1;
      if (n > 0) this.sysKeys.set(r.systemKey, n);
      else this.sysKeys.delete(r.systemKey);
    }
    this.shapes[r.shape]--;
    this.bytes -= r.bytes;
    if (r.images > 0) this.imageExamples--;
    const roles = r.stats?.roles;
    if (roles) {
      for (const k in roles) this.roleCounts.set(k, (this.roleCounts.get(k) ?? 0) - roles[k]!);
    }
    if (r.dupKey !== undefined) {
      const g = this.dups.get(r.dupKey);
      if (g) {
        const i = g.indexOf(e);
        if (i >= 0) g.splice(i, 1);
        if (g.length === 0) {
          this.dups.delete(r.dupKey);
          this.dupVers.delete(r.dupKey);
        } else {
          this.dupVers.set(r.dupKey, this.dupVerNext++);
        }
        if (g.length < 2) this.multiDups.delete(r.dupKey);
      }
    }
  }

  /** Re-checks the entries matching `pred` against the current method and context. */
  private recheck(pred: (e: Entry) => boolean): void {
    const method = this.current;
    let example = 0;
    for (let i = 0; i < this.entries.length; i++) {
      const e = this.entries[i]!;
      if (e.r.shape !== 'blank') example++;
      if (!pred(e)) continue;
      this.remove(e);
      const text = this.getText(i);
      const ne: Entry = { line: i, checkedLine: i, method, example, r: analyzeLine(text, i, example, method, this.ctx) };
      this.entries[i] = ne;
      this.add(ne);
    }
  }
}

/**
 * A line-local problem found at line `from` as example `fromExample`, moved to line `to` / example `toExample` (the
 * line's text is unchanged, lines were inserted or removed above it). The per-line rules name the example only as
 * the message's `Example N` prefix, which is renumbered here.
 */
export function rebaseProblem(p: Problem, from: number, to: number, fromExample: number, toExample: number): Problem {
  const moved: { -readonly [K in keyof Problem]: Problem[K] } = { ...p, line: to };
  if (p.relatedLine !== undefined) moved.relatedLine = p.relatedLine + (to - from);
  if (fromExample !== toExample) {
    const prefix = `Example ${fromExample}`;
    const next = p.message.charCodeAt(prefix.length);
    if (p.message.startsWith(prefix) && !(next >= 48 && next <= 57)) {
      moved.message = `Example ${toExample}${p.message.slice(prefix.length)}`;
    }
  }
  return moved;
}

/** `Array.prototype.splice` with a spread of a large array overflows the stack; this does not. */
export function spliceLarge<T>(arr: T[], start: number, del: number, items: readonly T[]): void {
  if (items.length < 10_000) {
    arr.splice(start, del, ...items);
    return;
  }
  const tail = arr.slice(start + del);
  arr.length = start;
  for (const x of items) arr.push(x);
  for (const x of tail) arr.push(x);
}

/** Splits a document's text into lines on `\n` (dropping a `\r` before it); the text after the last `\n` is the last line. */
export function splitLines(text: string): string[] {
  const out = text.split('\n');
  for (let i = 0; i < out.length; i++) {
    const s = out[i]!;
    if (s.length > 0 && s.charCodeAt(s.length - 1) === 13) out[i] = s.slice(0, -1);
  }
  return out;
}
