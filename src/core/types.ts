/**
 * The engine's shared vocabulary. Pure: no `vscode` import anywhere under `src/core`.
 *
 * Conventions used by every core module:
 * - Line numbers are 0-based inside the engine (`line: 0` is the first line of the file). The CLI's `text`/`json`
 *   output and SARIF convert to 1-based; the VS Code layer uses them as-is.
 * - Columns are 0-based UTF-16 code-unit offsets within that one line's text (what `jsonc-parser` and VS Code use),
 *   `endColumn` exclusive.
 * - "Example number" (what the service calls "Example N") is the 1-based count of non-blank lines up to that line.
 */

export type Severity = 'error' | 'warning' | 'info';

/** A concrete fine-tuning method, as `method.type` names it, plus the legacy prompt/completion format. */
export type Method = 'supervised' | 'dpo' | 'reinforcement' | 'completion';

/** What the user asks for: a method, or `auto` to infer it from the file as a whole. */
export type MethodSetting = Method | 'auto';

export const METHODS: readonly Method[] = ['supervised', 'dpo', 'reinforcement', 'completion'];

/**
 * What one line looks like judged from its own top-level keys alone, before the file's method is known.
 * `chat` = has `messages` and looks supervised; `chat-rft` = has `messages` and carries signs that only
 * reinforcement data has (a `developer` role, extra grader keys, ends on a user turn with no assistant turn);
 * `preference` = `input`/`preferred_output`/`non_preferred_output` (or the old `*_completion` names);
 * `completion` = `prompt`/`completion`; `unknown` = an object with none of these; `blank`, `invalid`
 * (not JSON) and `not-object` (valid JSON that is not an object).
 */
export type Shape =
  | 'chat'
  | 'chat-rft'
  | 'preference'
  | 'completion'
  | 'unknown'
  | 'blank'
  | 'invalid'
  | 'not-object';

/** One segment of a key path: an object key or an array index. `messages[2].content` is `['messages', 2, 'content']`. */
export type PathSegment = string | number;

export interface Problem {
  /** Stable kebab-case rule code, e.g. `weight-not-binary`. Links to `docs/rules.md#<code>`. */
  readonly code: string;
  /** The reference catalogue id, e.g. `SFT-11`. */
  readonly ruleId: string;
  readonly severity: Severity;
  /** Names the line (as "Example N" / "line N" where useful), the key path, and what to do. */
  readonly message: string;
  /** 0-based line; absent for a file-level problem. */
  readonly line?: number;
  /** 0-based UTF-16 column range on `line`, end exclusive. Absent for file-level problems. */
  readonly column?: number;
  readonly endColumn?: number;
  /** Key path of the offending key or value, e.g. `messages[2].content`. */
  readonly path?: string;
  /** Another line this problem refers to (0-based), e.g. the first copy of a duplicate. */
  readonly relatedLine?: number;
  /**
   * Related places with what they are (the editor shows them as related information; `relatedLine` alone is shown
   * as "First copy"). `file`: a path of another file (train/validation overlap); absent: this file.
   */
  readonly related?: readonly { readonly line: number; readonly message: string; readonly file?: string }[];
  /** Machine-readable details for quick fixes (e.g. `{ suggestion: 'assistant' }`). */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** Cheap per-line facts used for statistics, cost and file-level rules. Never holds the line's text. */
export interface LineStats {
  /** UTF-8 byte length of the line (without its line break). */
  readonly bytes: number;
  /** Number of messages (chat: `messages`; preference: `input.messages` + outputs; completion: 0). */
  readonly messages: number;
  /** Assistant turns (for "turns per example"). */
  readonly assistantTurns: number;
  /** Count of each role seen. */
  readonly roles: Readonly<Record<string, number>>;
  /** Number of image parts. */
  readonly images: number;
  /** Has tools / tool calls. */
  readonly hasTools: boolean;
}

/** The result of checking one line against a concrete method. */
export interface LineAnalysis {
  readonly shape: Shape;
  /** Line-local problems (each has `line`, `column`, `endColumn`). File-level and cross-line rules are not here. */
  readonly problems: readonly Problem[];
  /**
   * A key for exact-duplicate detection (same example after JSON normalisation), or undefined for blank/invalid
   * lines. Short (a hash), so that indexes of 100k+ lines stay small.
   */
  readonly dupKey?: string;
  readonly stats?: LineStats;
}
