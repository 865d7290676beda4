/**
 * The message protocol of the comparison view (`tuneline.compareWithBaseline`, issue 18): host → page and page →
 * host. Shared by `src/migrate/comparePanel.ts` (host) and `src/webview/compare/main.ts` (page). Pure types and guards.
 */
import { isObject, type ReadyMessage } from './base';

export type CompareScoreName = 'exact' | 'normalized' | 'f1' | 'jsonValid' | 'jsonKeys';

/** One side of the comparison: a model's run. */
export interface CompareSideView {
  readonly model: string;
  readonly provider: string;
  /** ISO time its replies were recorded. */
  readonly recordedAt: string;
  readonly temperature: number;
  /** The results file (a base name). */
  readonly file: string;
  readonly scored: number;
  readonly errors: number;
  readonly means: Partial<Record<CompareScoreName, number>>;
}

export type CompareVerdict = 'better' | 'worse' | 'same' | 'missing';

export interface CompareReplyView {
  readonly reply: string;
  readonly error?: string;
  readonly scores: Partial<Record<CompareScoreName, number>>;
}

export interface CompareExampleView {
  readonly line: number;
  readonly example: number;
  /** The last user turn of the prompt (plain text). */
  readonly prompt: string;
  readonly reference: string;
  readonly baseline: CompareReplyView | null;
  readonly candidate: CompareReplyView | null;
  /** Candidate F1 minus baseline F1 (undefined when a side is missing). */
  readonly deltaF1?: number;
  readonly verdict: CompareVerdict;
}

export interface CompareView {
  readonly title: string;
  readonly baseline: CompareSideView;
  readonly candidate: CompareSideView;
  readonly counts: Readonly<Record<CompareVerdict, number>>;
  readonly examples: readonly CompareExampleView[];
  /** Plain-text notes (different settings, examples only one side has). */
  readonly notes: readonly string[];
}

export type HostToCompare = { readonly type: 'comparison'; readonly view: CompareView } | { readonly type: 'error'; readonly message: string };

export type CompareToHost = ReadyMessage | { readonly type: 'openResults'; readonly side: 'baseline' | 'candidate' };

/** What the page keeps with `setState`. */
export interface ComparePageState {
  readonly filter?: 'all' | 'changed' | 'worse' | 'better';
}

export function isCompareToHost(value: unknown): value is CompareToHost {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'ready':
      return true;
    case 'openResults':
      return value.side === 'baseline' || value.side === 'candidate';
    default:
      return false;
  }
}

export function isHostToCompare(value: unknown): value is HostToCompare {
  return isObject(value) && ((value.type === 'comparison' && isObject(value.view)) || (value.type === 'error' && typeof value.message === 'string'));
}
