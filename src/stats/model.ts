/**
 * What the statistics view shows, computed from the engine's `DatasetStats`: histograms, the view model sent to the
 * page, the examples behind one bar, and a short plain-text snippet of an example. Pure: no `vscode`.
 */
import type { DatasetStats } from '../core';
import type { ChartId, ExampleItem, Histogram, HistogramBin, StatsView } from '../common/protocol/stats';

/** Bars at most per histogram. */
export const MAX_BINS = 30;

const NICE = [1, 2, 5];

/** The smallest "nice" integer width (1, 2, 5, 10, 20, 50, ...) that covers `span` values in at most `maxBins` bins. */
export function niceBinWidth(span: number, maxBins: number): number {
  if (span <= maxBins) return 1;
  for (let scale = 1; ; scale *= 10) {
    for (const n of NICE) {
      const w = n * scale;
      if (Math.ceil(span / w) <= maxBins) return w;
    }
  }
}

/**
 * Bins integer values into bars of a nice integer width: one bar per value when the range is small, else
 * `[k·w, k·w + w - 1]` ranges. Empty input: no bins. `over` flags values over a limit (counted per bin).
 */
export function histogram(id: ChartId, values: readonly number[], over?: (value: number) => boolean, maxBins = MAX_BINS): Histogram {
  if (values.length === 0) {
    return { id, bins: [], min: 0, max: 0, mean: 0, median: 0 };
  }
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const width = niceBinWidth(max - min + 1, maxBins);
  const start = Math.floor(min / width) * width;
  const n = Math.floor((max - start) / width) + 1;
  const counts = new Array<number>(n).fill(0);
  const overs = new Array<number>(n).fill(0);
  for (const v of values) {
    const i = binIndex(v, start, width);
    counts[i]!++;
    if (over?.(v)) overs[i]!++;
  }
  const bins: HistogramBin[] = counts.map((count, i) => ({
    from: start + i * width,
    to: start + i * width + width - 1,
    count,
    overLimit: overs[i]!,
  }));
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { id, bins, min, max, mean: sum / values.length, median };
}

function binIndex(v: number, start: number, width: number): number {
  return Math.floor((v - start) / width);
}

/** The values a chart shows, per example. */
export function chartValues(stats: DatasetStats, chart: ChartId): readonly number[] {
  return chart === 'tokens' ? stats.tokensPerExample : stats.turnsPerExample;
}

export function toStatsView(stats: DatasetStats, fileName: string): StatsView {
  const roles = Object.entries(stats.roles).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const cost = stats.estimatedCost;
  return {
    fileName,
    version: stats.version,
    lines: stats.lines,
    examples: stats.examples,
    method: stats.method,
    methodInferred: stats.methodInferred,
    model: stats.model,
    modelKnown: stats.modelKnown,
    totalTokens: stats.totalTokens,
    tokensExact: stats.tokensExact,
    roles,
    duplicates: stats.duplicates,
    overLimit: stats.overLimit,
    limit: stats.limit,
    epochs: stats.epochs,
    billedTokensPerEpoch: stats.billedTokensPerEpoch,
    cost: cost
      ? { usd: cost.usd, priceDate: cost.priceDate, pricePerMillion: cost.pricePerMillion, billedTokens: cost.billedTokens, epochs: cost.epochs }
      : undefined,
    errors: stats.errors,
    warnings: stats.warnings,
    histograms: {
      tokens: histogram('tokens', stats.tokensPerExample, (t) => t > stats.limit),
      turns: histogram('turns', stats.turnsPerExample),
    },
  };
}

/** The examples (their indexes in `stats`' per-example arrays) whose value lies in bar `bin` of `chart`. */
export function examplesInBin(stats: DatasetStats, chart: ChartId, bin: number): { from: number; to: number; indexes: number[] } | undefined {
  const h = histogram(chart, chartValues(stats, chart));
  const b = h.bins[bin];
  if (!b) return undefined;
  const values = chartValues(stats, chart);
  const indexes: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v >= b.from && v <= b.to) indexes.push(i);
  }
  return { from: b.from, to: b.to, indexes };
}

export function exampleItem(stats: DatasetStats, index: number, lineText: string): ExampleItem {
  return {
    line: stats.exampleLines[index]!,
    example: index + 1,
    tokens: stats.tokensPerExample[index]!,
    turns: stats.turnsPerExample[index]!,
    snippet: snippetOf(lineText),
  };
}

const SNIPPET_LENGTH = 140;

/**
 * A one-line plain-text summary of an example: its first user (or input) text when the line is JSON of a known shape,
 * else the start of the raw line. Whitespace runs collapse to one space; long text is cut with an ellipsis.
 */
export function snippetOf(lineText: string, max = SNIPPET_LENGTH): string {
  let text: string | undefined;
  try {
    text = firstUserText(JSON.parse(lineText));
  } catch {
    text = undefined;
  }
  const s = (text ?? lineText).replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function firstUserText(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const messages = Array.isArray(v.messages)
    ? v.messages
    : v.input && typeof v.input === 'object' && Array.isArray((v.input as Record<string, unknown>).messages)
      ? ((v.input as Record<string, unknown>).messages as unknown[])
      : undefined;
  if (messages) {
    const user = messages.find((m) => m && typeof m === 'object' && (m as Record<string, unknown>).role === 'user') as
      | Record<string, unknown>
      | undefined;
    const content = user?.content;
    if (typeof content === 'string') return content;
    if (Array.isArray(content)) {
      const part = content.find((p) => p && typeof p === 'object' && typeof (p as Record<string, unknown>).text === 'string') as
        | Record<string, unknown>
        | undefined;
      if (part) return part.text as string;
    }
    return undefined;
  }
  if (typeof v.prompt === 'string') return v.prompt;
  return undefined;
}
