/**
 * The dataset statistics page (`tuneline.showDatasetStats`). It receives a `StatsView` from the host, draws the two
 * histograms with uPlot in VS Code's theme colours, and lists the examples of a clicked bar (the host sends them);
 * clicking one asks the host to open the document at its line. All data reaches the DOM as text.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import '../shared/base.css';
import '../shared/charts.css';
import './stats.css';
import type { ChartId, Histogram, HistogramBin, HostToStats, StatsPageState, StatsToHost, StatsView } from '../../common/protocol/stats';
import { CHART_IDS, isChartId } from '../../common/protocol/stats';
import { isObject } from '../../common/protocol/base';
import { createChannel } from '../shared/channel';
import { fmtInt, fmtNumber, fmtUsd, h, plural } from '../shared/dom';
import { onThemeChange, themeColors } from '../shared/theme';

function isHostMessage(value: unknown): value is HostToStats {
  return isObject(value) && (value.type === 'stats' || value.type === 'examples' || value.type === 'error');
}

const channel = createChannel<HostToStats, StatsToHost, StatsPageState>(isHostMessage);
const root = document.getElementById('root')!;

const CHART_TITLES: Record<ChartId, string> = {
  tokens: 'Tokens per example',
  turns: 'Assistant turns per example',
};
const CHART_UNITS: Record<ChartId, [string, string]> = {
  tokens: ['token', 'tokens'],
  turns: ['turn', 'turns'],
};
const CHART_HEIGHT = 180;

let stats: StatsView | undefined;
let selection: StatsPageState['selection'] = validSelection(channel.getState()?.selection);
const plots = new Map<ChartId, uPlot>();

function validSelection(s: unknown): StatsPageState['selection'] {
  return isObject(s) && isChartId(s.chart) && typeof s.bin === 'number' && s.bin >= 0 ? { chart: s.chart, bin: s.bin } : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Layout

const header = h('header', { class: 'header' });
const cards = h('section', { class: 'cards', attrs: { 'aria-label': 'Totals' } });
const charts = h('section', { class: 'charts' });
const details = h('section', { class: 'details' });
const examples = h('section', { id: 'examples', class: 'examples', attrs: { 'aria-live': 'polite' } });
const chartFigures = new Map<ChartId, { figure: HTMLElement; caption: HTMLElement; plot: HTMLElement; note: HTMLElement }>();
for (const id of CHART_IDS) {
  const caption = h('figcaption', { class: 'chart-caption' });
  const plot = h('div', {
    class: 'plot',
    attrs: { tabindex: 0, role: 'group', 'aria-label': `${CHART_TITLES[id]}. Left and right arrows choose a bar and list its examples.` },
    on: { keydown: (e) => onChartKey(id, e) },
  });
  const note = h('p', { class: 'chart-note muted' });
  const figure = h('figure', { id: `chart-${id}`, class: 'chart' }, caption, plot, note);
  chartFigures.set(id, { figure, caption, plot, note });
  charts.append(figure);
}

function showShell(): void {
  if (!header.isConnected) root.replaceChildren(header, cards, charts, details, examples);
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

function card(id: string, label: string, value: string, detail: string, tone?: 'warn' | 'ok'): HTMLElement {
  return h(
    'div',
    { id: `card-${id}`, class: `card${tone ? ` ${tone}` : ''}` },
    h('div', { class: 'card-label', text: label }),
    h('div', { class: 'card-value', text: value }),
    h('div', { class: 'card-detail muted', text: detail }),
  );
}

function render(s: StatsView): void {
  showShell();
  const method = `${s.method}${s.methodInferred ? ' (inferred)' : ''}`;
  header.replaceChildren(
    h('h1', { id: 'file-name', text: s.fileName }),
    h('p', { id: 'summary', class: 'muted', text: `Method ${method} · model ${s.model}${s.modelKnown ? '' : ' (unknown model)'} · ${plural(s.lines, 'line', 'lines')}` }),
  );
  const cost = s.cost
    ? card(
        'cost',
        'Estimated training cost',
        fmtUsd(s.cost.usd),
        `${plural(s.cost.epochs, 'epoch', 'epochs')} × ${fmtInt(s.billedTokensPerEpoch)} billed tokens at ${fmtUsd(s.cost.pricePerMillion)} per 1M (prices of ${s.cost.priceDate})`,
      )
    : card('cost', 'Estimated training cost', '—', `No per-token training price for ${s.model}; ${plural(s.epochs, 'epoch', 'epochs')} by default.`);
  cards.replaceChildren(
    card('examples', 'Examples', fmtInt(s.examples), `${plural(s.lines, 'line', 'lines')} in the file`),
    card('tokens', 'Total tokens', fmtInt(s.totalTokens), s.tokensExact ? 'exact count' : 'estimated (exact count running)'),
    cost,
    card('duplicates', 'Duplicates', fmtInt(s.duplicates), s.duplicates ? 'later copies of an earlier example' : 'no exact duplicates', s.duplicates ? 'warn' : undefined),
    card('over-limit', 'Over the token limit', fmtInt(s.overLimit), `limit ${fmtInt(s.limit)} tokens per example`, s.overLimit ? 'warn' : undefined),
    card('problems', 'Problems', `${fmtInt(s.errors)} / ${fmtInt(s.warnings)}`, 'errors / warnings', s.errors ? 'warn' : undefined),
  );
  const total = s.roles.reduce((a, [, n]) => a + n, 0);
  const roleRows = s.roles.map(([role, n]) =>
    h(
      'tr',
      {},
      h('th', { attrs: { scope: 'row' } }, h('code', { text: role })),
      h('td', { class: 'num', text: fmtInt(n) }),
      h('td', { class: 'num muted', text: total ? `${fmtNumber((100 * n) / total)}%` : '' }),
    ),
  );
  details.replaceChildren(
    h('h2', { text: 'Messages by role' }),
    s.roles.length
      ? h(
          'table',
          { id: 'roles', class: 'roles' },
          h('thead', {}, h('tr', {}, h('th', { text: 'Role', attrs: { scope: 'col' } }), h('th', { class: 'num', text: 'Messages', attrs: { scope: 'col' } }), h('th', { class: 'num', text: 'Share', attrs: { scope: 'col' } }))),
          h('tbody', {}, ...roleRows),
        )
      : h('p', { id: 'roles', class: 'muted', text: 'No messages with a role.' }),
  );
  for (const id of CHART_IDS) renderChart(id, s.histograms[id], s);
  if (selection && !s.histograms[selection.chart].bins[selection.bin]?.count) selection = undefined;
  saveState();
  if (selection) {
    channel.post({ type: 'selectBin', chart: selection.chart, bin: selection.bin });
  } else {
    examples.replaceChildren(h('p', { class: 'muted hint', text: 'Click a bar to list its examples.' }));
  }
}

function binLabel(b: HistogramBin): string {
  return b.from === b.to ? fmtInt(b.from) : `${fmtInt(b.from)}–${fmtInt(b.to)}`;
}

function renderChart(id: ChartId, hist: Histogram, s: StatsView): void {
  const parts = chartFigures.get(id)!;
  const [one, many] = CHART_UNITS[id];
  parts.caption.replaceChildren(
    h('span', { class: 'chart-title', text: CHART_TITLES[id] }),
    hist.bins.length
      ? h('span', { class: 'muted', text: ` min ${fmtInt(hist.min)} · median ${fmtNumber(hist.median)} · mean ${fmtNumber(hist.mean)} · max ${plural(hist.max, one, many)}` })
      : h('span', { class: 'muted', text: ' no examples' }),
  );
  const overBins = hist.bins.some((b) => b.overLimit > 0);
  parts.note.textContent = overBins
    ? `Red bars hold examples over the ${fmtInt(s.limit)}-token limit.`
    : hist.bins.length
      ? `Each bar: examples with ${hist.bins[0]!.from === hist.bins[0]!.to ? `that many ${many}` : `${one} counts in its range`}. Click a bar to list them.`
      : '';
  drawPlot(id, hist);
}

function drawPlot(id: ChartId, hist: Histogram): void {
  const el = chartFigures.get(id)!.plot;
  plots.get(id)?.destroy();
  plots.delete(id);
  el.replaceChildren();
  if (!hist.bins.length) return;
  const c = themeColors();
  const n = hist.bins.length;
  const xs = hist.bins.map((_, i) => i);
  const sel = selection?.chart === id ? selection.bin : -1;
  const inLimit = hist.bins.map((b) => (b.overLimit ? null : b.count));
  const over = hist.bins.map((b) => (b.overLimit ? b.count : null));
  const selected = hist.bins.map((b, i) => (i === sel ? b.count : null));
  const bars = uPlot.paths.bars!({ size: [0.8, 64], align: 0 });
  const bar = (stroke: string, label: string): uPlot.Series => ({ label, stroke, fill: stroke, width: 0, paths: bars, points: { show: false } });
  const axis = (values: uPlot.Axis['values'], grid: boolean): uPlot.Axis => ({
    stroke: c.muted,
    font: c.font,
    grid: { show: grid, stroke: c.grid, width: 1 },
    ticks: { show: true, stroke: c.grid, width: 1, size: 4 },
    values,
  });
  const opts: uPlot.Options = {
    width: Math.max(200, el.clientWidth),
    height: CHART_HEIGHT,
    legend: { show: false },
    cursor: { drag: { x: false, y: false, setScale: false }, points: { show: false }, x: false, y: false },
    scales: {
      x: { time: false, range: () => [-0.5, n - 0.5] },
      y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] },
    },
    axes: [
      {
        ...axis((_u, splits) => splits.map((i) => (Number.isInteger(i) && hist.bins[i] ? binLabel(hist.bins[i]!) : '')), false),
        incrs: [1, 2, 5, 10, 20, 50],
        space: id === 'tokens' ? 70 : 30,
      },
      { ...axis((_u, splits) => splits.map((v) => (Number.isInteger(v) ? fmtInt(v) : '')), true), size: 44, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000] },
    ],
    series: [{}, bar(c.bar, 'Examples'), bar(c.over, 'Over the limit'), bar(c.barSelected, 'Selected')],
  };
  const plot = new uPlot(opts, [xs, inLimit, over, selected] as uPlot.AlignedData, el);
  // Which theme the chart was drawn for (VS Code's body class): tests and theme changes check it.
  el.dataset.theme = themeKind();
  plot.over.addEventListener('click', (e: MouseEvent) => {
    const rect = plot.over.getBoundingClientRect();
    const idx = plot.posToIdx(e.clientX - rect.left);
    if (idx >= 0 && idx < n && hist.bins[idx]!.count > 0) select(id, idx);
  });
  plot.over.title = 'Click a bar to list its examples';
  plots.set(id, plot);
}

function themeKind(): string {
  const kinds = ['vscode-high-contrast-light', 'vscode-high-contrast', 'vscode-dark', 'vscode-light'];
  return kinds.find((k) => document.body.classList.contains(k)) ?? 'unknown';
}

function select(chart: ChartId, bin: number): void {
  const previous = selection?.chart;
  selection = { chart, bin };
  saveState();
  if (stats) {
    drawPlot(chart, stats.histograms[chart]);
    if (previous && previous !== chart) drawPlot(previous, stats.histograms[previous]);
  }
  examples.replaceChildren(h('p', { class: 'muted', text: 'Loading examples…' }));
  channel.post({ type: 'selectBin', chart, bin });
}

function onChartKey(id: ChartId, e: KeyboardEvent): void {
  if (!stats || (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight')) return;
  const bins = stats.histograms[id].bins;
  const step = e.key === 'ArrowLeft' ? -1 : 1;
  let i = selection?.chart === id ? selection.bin : step > 0 ? -1 : bins.length;
  do i += step;
  while (i >= 0 && i < bins.length && bins[i]!.count === 0);
  if (i >= 0 && i < bins.length) {
    e.preventDefault();
    select(id, i);
  }
}

function renderExamples(m: Extract<HostToStats, { type: 'examples' }>): void {
  if (!selection || selection.chart !== m.chart || selection.bin !== m.bin) return;
  const [one, many] = CHART_UNITS[m.chart];
  const range = m.from === m.to ? `${plural(m.from, one, many)}` : `${fmtInt(m.from)}–${fmtInt(m.to)} ${many}`;
  const list = h(
    'ol',
    { class: 'example-list' },
    ...m.items.map((it) =>
      h(
        'li',
        {},
        h(
          'button',
          {
            class: 'example link',
            attrs: { type: 'button', 'data-line': it.line, title: `Open line ${it.line + 1}` },
            on: { click: () => channel.post({ type: 'openLine', line: it.line }) },
          },
          h('span', { class: 'example-line', text: `Line ${fmtInt(it.line + 1)}` }),
          h('span', { class: 'example-meta muted', text: `${plural(it.tokens, 'token', 'tokens')} · ${plural(it.turns, 'turn', 'turns')}` }),
          h('span', { class: 'example-snippet', text: it.snippet || '(empty)' }),
        ),
      ),
    ),
  );
  const title = h('h2', { id: 'examples-title', text: `${CHART_TITLES[m.chart]}: ${range} — ${plural(m.total, 'example', 'examples')}` });
  const cut = m.total > m.items.length ? [h('p', { class: 'muted', text: `Showing the first ${fmtInt(m.items.length)}.` })] : [];
  examples.replaceChildren(title, ...cut, list);
}

function saveState(): void {
  channel.setState({ selection });
}

function showError(message: string): void {
  showShell();
  const banner = h('div', { class: 'error-banner', attrs: { role: 'alert' }, text: message });
  header.replaceChildren(banner);
}

// ---------------------------------------------------------------------------------------------------------------
// Wiring

channel.onMessage((m) => {
  switch (m.type) {
    case 'stats':
      stats = m.stats;
      render(m.stats);
      break;
    case 'examples':
      renderExamples(m);
      break;
    case 'error':
      showError(m.message);
      break;
  }
});

onThemeChange(() => {
  if (stats) for (const id of CHART_IDS) drawPlot(id, stats.histograms[id]);
});

let resizeFrame = 0;
new ResizeObserver(() => {
  cancelAnimationFrame(resizeFrame);
  resizeFrame = requestAnimationFrame(() => {
    for (const [id, plot] of plots) {
      const w = Math.max(200, chartFigures.get(id)!.plot.clientWidth);
      if (Math.abs(plot.width - w) > 1) plot.setSize({ width: w, height: CHART_HEIGHT });
    }
  });
}).observe(charts);

channel.ready();
