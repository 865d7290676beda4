/**
 * The message protocol of the evaluation results webview (`tuneline.evaluateModel`): host → page and page → host.
 * Shared by `src/eval/panel.ts` (host) and `src/webview/eval/main.ts` (page). Pure types and guards.
 */
import { isNonNegativeInteger, isObject, type ReadyMessage } from './base';
import type { RetirementBadge } from './playground';

export type EvalScoreName = 'exact' | 'normalized' | 'f1' | 'jsonValid' | 'jsonKeys';

export interface EvalModelView {
  readonly model: string;
  readonly scored: number;
  readonly errors: number;
  readonly means: Partial<Record<EvalScoreName, number>>;
  readonly jsonRows: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly costUsd?: number;
  /** Days left before the model retires on the provider (issue 18), when a date is known. */
  readonly retirement?: RetirementBadge | null;
}

export interface EvalReplyView {
  readonly reply: string;
  readonly error?: string;
  readonly scores: Partial<Record<EvalScoreName, number>>;
}

export interface EvalExampleView {
  /** 0-based dataset line. */
  readonly line: number;
  readonly example: number;
  readonly reference: string;
  /** One entry per model (same order as `models`); null while that model's reply is not in yet. */
  readonly replies: ReadonlyArray<EvalReplyView | null>;
}

export type EvalRunState = 'running' | 'waiting' | 'completed' | 'cancelled' | 'failed';

export interface EvalView {
  readonly dataset: string;
  readonly resultsFile: string;
  readonly mode: 'live' | 'batch';
  readonly batchId?: string;
  readonly state: EvalRunState;
  /** Plain text: what is happening or how it ended. */
  readonly stateText: string;
  readonly startedAt: string;
  readonly total: number;
  readonly skipped: number;
  readonly models: readonly EvalModelView[];
  readonly examples: readonly EvalExampleView[];
  /** Whether the playground's "Save as example" command is there. */
  readonly canSaveExample: boolean;
}

export type HostToEval = { readonly type: 'results'; readonly view: EvalView } | { readonly type: 'error'; readonly message: string };

export type EvalToHost =
  | ReadyMessage
  | { readonly type: 'openLine'; readonly line: number }
  | { readonly type: 'saveAsExample'; readonly line: number; readonly model: number }
  | { readonly type: 'cancel' };

/** What the page keeps with `setState`. */
export interface EvalPageState {
  readonly sort?: string;
  readonly onlyDisagreements?: boolean;
  readonly diff?: boolean;
}

export function isEvalToHost(value: unknown): value is EvalToHost {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'ready':
    case 'cancel':
      return true;
    case 'openLine':
      return isNonNegativeInteger(value.line);
    case 'saveAsExample':
      return isNonNegativeInteger(value.line) && isNonNegativeInteger(value.model);
    default:
      return false;
  }
}

export function isHostToEval(value: unknown): value is HostToEval {
  return isObject(value) && ((value.type === 'results' && isObject(value.view)) || (value.type === 'error' && typeof value.message === 'string'));
}
