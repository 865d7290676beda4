/**
 * The message protocol of the dataset statistics webview (`tuneline.showDatasetStats`): host → page and page → host.
 * Shared by `src/stats/statsPanel.ts` (host) and `src/webview/stats/main.ts` (page).
 */
import { isNonNegativeInteger, isObject, type ReadyMessage } from './base';

export type ChartId = 'tokens' | 'turns';
export const CHART_IDS: readonly ChartId[] = ['tokens', 'turns'];

/** One histogram bar: the examples whose value lies in `[from, to]` (integers, both inclusive). */
export interface HistogramBin {
  readonly from: number;
  readonly to: number;
  readonly count: number;
  /** Examples in this bin over the model's training-example token limit (tokens chart only). */
  readonly overLimit: number;
}

export interface Histogram {
  readonly id: ChartId;
  readonly bins: readonly HistogramBin[];
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly median: number;
}

export interface CostView {
  readonly usd: number;
  readonly priceDate: string;
  readonly pricePerMillion: number;
  readonly billedTokens: number;
  readonly epochs: number;
}

/** Everything the page shows, computed on the host from the engine's `DatasetStats`. */
export interface StatsView {
  readonly fileName: string;
  /** The engine's version of the document's index these numbers belong to. */
  readonly version: number;
  readonly lines: number;
  readonly examples: number;
  readonly method: string;
  readonly methodInferred: boolean;
  readonly model: string;
  readonly modelKnown: boolean;
  readonly totalTokens: number;
  readonly tokensExact: boolean;
  /** Role → count, most frequent first. */
  readonly roles: ReadonlyArray<readonly [string, number]>;
  readonly duplicates: number;
  readonly overLimit: number;
  readonly limit: number;
  readonly epochs: number;
  readonly billedTokensPerEpoch: number;
  readonly cost?: CostView;
  readonly errors: number;
  readonly warnings: number;
  readonly histograms: Readonly<Record<ChartId, Histogram>>;
}

export interface ExampleItem {
  /** 0-based line. */
  readonly line: number;
  /** 1-based example number. */
  readonly example: number;
  readonly tokens: number;
  readonly turns: number;
  /** Plain text (the page shows it with textContent). */
  readonly snippet: string;
}

export type HostToStats =
  | { readonly type: 'stats'; readonly stats: StatsView }
  | {
      readonly type: 'examples';
      readonly chart: ChartId;
      readonly bin: number;
      readonly version: number;
      readonly from: number;
      readonly to: number;
      /** Examples in the bin (all of them, even when `items` is cut). */
      readonly total: number;
      readonly items: readonly ExampleItem[];
    }
  | { readonly type: 'error'; readonly message: string };

export type StatsToHost =
  | ReadyMessage
  | { readonly type: 'selectBin'; readonly chart: ChartId; readonly bin: number }
  | { readonly type: 'openLine'; readonly line: number };

/** What the page keeps with `setState` (survives the page being hidden and re-created). */
export interface StatsPageState {
  readonly selection?: { readonly chart: ChartId; readonly bin: number };
}

/** At most this many examples are listed for one bar. */
export const MAX_LISTED_EXAMPLES = 200;

export function isChartId(value: unknown): value is ChartId {
  return value === 'tokens' || value === 'turns';
}

/** Checks a message from the page (the host trusts nothing it did not check). */
export function isStatsToHost(value: unknown): value is StatsToHost {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'ready':
      return true;
    case 'selectBin':
      return isChartId(value.chart) && isNonNegativeInteger(value.bin);
    case 'openLine':
      return isNonNegativeInteger(value.line);
    default:
      return false;
  }
}
