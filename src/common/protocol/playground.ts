/**
 * The message protocol of the playground webview (`tuneline.openPlayground`): host → page and page → host. Shared by
 * `src/playground/playgroundPanel.ts` (host) and `src/webview/playground/main.ts` (page). The host owns the session
 * (models, options, turns, replies) and sends it whole (`session`) or in pieces while replies stream (`delta`,
 * `reply`); the page only asks for things. Requests to the provider, and the key, stay on the host.
 */
import { isNonNegativeInteger, isObject, type ReadyMessage } from './base';

export const MAX_COLUMNS = 3;
export const MAX_USER_TEXT = 100_000;

export type ReplyStatus = 'waiting' | 'streaming' | 'done' | 'stopped' | 'error';

export interface Usage {
  readonly prompt: number;
  readonly completion: number;
  readonly total: number;
  /** True when the endpoint sent no usage and Tuneline estimated it (about 4 characters a token). */
  readonly estimated: boolean;
}

export interface Reply {
  readonly text: string;
  readonly status: ReplyStatus;
  /** The model that wrote it. */
  readonly model: string;
  readonly usage?: Usage;
  /** Plain words, for `error`. */
  readonly error?: string;
  /** The user changed the text. */
  readonly edited?: boolean;
  /** The reply came from a dataset line (loaded history), not from a model. */
  readonly fromDataset?: boolean;
  readonly finishReason?: string;
}

export interface Turn {
  readonly user: string;
  /** One per column; `null` where that column has no reply (yet). */
  readonly replies: ReadonlyArray<Reply | null>;
  /** The dataset's reply to this turn, when the conversation was loaded from a dataset line. */
  readonly expected?: string;
}

export interface SessionView {
  readonly models: readonly string[];
  readonly system: string;
  readonly temperature: number;
  readonly maxTokens: number;
  readonly turns: readonly Turn[];
  readonly busy: boolean;
  /** Where the conversation was loaded from ("good.jsonl, line 5"), if it was. */
  readonly source?: string;
  /** The provider the requests go to ("OpenAI", "127.0.0.1:8080"), for the header. */
  readonly endpoint?: string;
  /** Per column: the model's retirement (days left by Tuneline's clock), `null` where no date is known (issue 18). */
  readonly retirement?: ReadonlyArray<RetirementBadge | null>;
}

/** A model's retirement as the pages show it next to the model. */
export interface RetirementBadge {
  /** "12 days left", "retired". */
  readonly short: string;
  /** "serving ends 2027-01-14 (12 days left)". */
  readonly long: string;
  readonly level: 'ok' | 'warning' | 'past';
}

export type ModelKind = 'fine-tuned' | 'checkpoint' | 'base' | 'deployment' | 'other';

export interface ModelOption {
  readonly id: string;
  readonly kind: ModelKind;
  /** A short description ("fine-tuned from gpt-4o-mini", "Azure deployment my-ft"). */
  readonly detail?: string;
}

export type Notice = { readonly level: 'info' | 'warning' | 'error'; readonly message: string };

export type HostToPlayground =
  | { readonly type: 'session'; readonly session: SessionView }
  | { readonly type: 'models'; readonly models: readonly ModelOption[]; readonly loading: boolean; readonly error?: string }
  | { readonly type: 'delta'; readonly turn: number; readonly column: number; readonly text: string }
  | { readonly type: 'reply'; readonly turn: number; readonly column: number; readonly reply: Reply }
  | { readonly type: 'notice'; readonly notice: Notice | null }
  | { readonly type: 'focusInput' };

export type PlaygroundToHost =
  | ReadyMessage
  | { readonly type: 'send'; readonly text: string }
  /** Asks the models for replies to the last turn (e.g. a turn loaded from a dataset). */
  | { readonly type: 'run' }
  | { readonly type: 'stop' }
  | { readonly type: 'setModel'; readonly column: number; readonly model: string }
  | { readonly type: 'addColumn' }
  | { readonly type: 'removeColumn'; readonly column: number }
  | { readonly type: 'setOptions'; readonly system?: string; readonly temperature?: number; readonly maxTokens?: number }
  | { readonly type: 'editReply'; readonly turn: number; readonly column: number; readonly text: string }
  | { readonly type: 'saveExample'; readonly column: number }
  | { readonly type: 'clear' }
  | { readonly type: 'refreshModels' }
  | { readonly type: 'openLink'; readonly url: string };

/** What the page keeps with `setState` (survives the page being hidden and re-created). */
export interface PlaygroundPageState {
  readonly session?: SessionView;
  readonly models?: readonly ModelOption[];
  /** The text typed but not sent. */
  readonly draft?: string;
  /** Replies being edited: `${turn}:${column}` → text. */
  readonly editing?: Readonly<Record<string, string>>;
  readonly scrollTop?: number;
}

export const TEMPERATURE_RANGE = [0, 2] as const;
export const MAX_TOKENS_RANGE = [1, 128_000] as const;

const isString = (v: unknown, max = MAX_USER_TEXT): v is string => typeof v === 'string' && v.length <= max;
const isColumn = (v: unknown): v is number => isNonNegativeInteger(v) && v < MAX_COLUMNS;

/** Checks a message from the page (the host trusts nothing it did not check). */
export function isPlaygroundToHost(value: unknown): value is PlaygroundToHost {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'ready':
    case 'run':
    case 'stop':
    case 'addColumn':
    case 'clear':
    case 'refreshModels':
      return true;
    case 'send':
      return isString(value.text) && value.text.trim() !== '';
    case 'setModel':
      return isColumn(value.column) && isString(value.model, 256);
    case 'removeColumn':
    case 'saveExample':
      return isColumn(value.column);
    case 'setOptions':
      return (
        (value.system === undefined || isString(value.system)) &&
        (value.temperature === undefined || (typeof value.temperature === 'number' && value.temperature >= TEMPERATURE_RANGE[0] && value.temperature <= TEMPERATURE_RANGE[1])) &&
        (value.maxTokens === undefined || (Number.isInteger(value.maxTokens) && (value.maxTokens as number) >= MAX_TOKENS_RANGE[0] && (value.maxTokens as number) <= MAX_TOKENS_RANGE[1]))
      );
    case 'editReply':
      return isNonNegativeInteger(value.turn) && isColumn(value.column) && isString(value.text);
    case 'openLink':
      return isString(value.url, 4096);
    default:
      return false;
  }
}

/** Checks a message from the host (the page drops anything else). */
export function isHostToPlayground(value: unknown): value is HostToPlayground {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'session':
      return isObject(value.session);
    case 'models':
      return Array.isArray(value.models);
    case 'delta':
      return isNonNegativeInteger(value.turn) && isNonNegativeInteger(value.column) && typeof value.text === 'string';
    case 'reply':
      return isNonNegativeInteger(value.turn) && isNonNegativeInteger(value.column) && isObject(value.reply);
    case 'notice':
      return value.notice === null || isObject(value.notice);
    case 'focusInput':
      return true;
    default:
      return false;
  }
}
