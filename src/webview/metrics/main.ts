/**
 * The job metrics page (`tuneline.jobs.showMetrics`). It receives a `MetricsView` from the host and draws two uPlot
 * charts against step, in VS Code's theme colours: loss (train, valid) and token accuracy (train, valid), with the
 * checkpoints marked as dashed vertical lines, and lists the checkpoints. The host sends a new view as the job runs.
 * All data reaches the DOM as text; `data-points` / `data-checkpoints` attributes let tests count what is drawn.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import '../shared/base.css';
import '../shared/charts.css';
import './metrics.css';
import type { CheckpointMark, HostToMetrics, MetricsPoint, MetricsToHost, MetricsView } from '../../common/protocol/metrics';
import { isHostToMetrics } from '../../common/protocol/metrics';
import { createChannel } from '../shared/channel';
import { fmtInt, h, plural } from '../shared/dom';
import { cssVar, onThemeChange, themeColors } from '../shared/theme';

const channel = createChannel<HostToMetrics, MetricsToHost, undefined>(isHostToMetrics);
const root = document.getElementById('root')!;

type ChartId = 'loss' | 'accuracy';
interface SeriesDef {
  readonly key: Exclude<keyof MetricsPoint, 'step'>;
  readonly label: string;
  readonly color: () => string;
  readonly dash?: number[];
}
const CHARTS: Record<ChartId, { title: string; series: readonly SeriesDef[]; percent: boolean }> = {
  loss: {
    title: 'Loss',
    percent: false,
    series: [
      { key: 'trainLoss', label: 'Training loss', color: () => cssVar('--vscode-charts-blue', '#3794ff') },
      { key: 'validLoss', label: 'Validation loss', color: () => cssVar('--vscode-charts-orange', '#d18616') },
    ],
  },
  accuracy: {
    title: 'Token accuracy',
    percent: true,
    series: [
      { key: 'trainAccuracy', label: 'Training token accuracy', color: () => cssVar('--vscode-charts-green', '#89d185') },
      { key: 'validAccuracy', label: 'Validation token accuracy', color: () => cssVar('--vscode-charts-purple', '#b180d7') },
    ],
  },
};
const CHART_HEIGHT = 240;

let view: MetricsView | undefined;
const plots = new Map<ChartId, uPlot>();

const header = h('header', { class: 'header' });
const charts = h('section', { class: 'charts' });
const checkpointsSection = h('section', { id: 'checkpoints', class: 'checkpoints' });
const figures = new Map<ChartId, { figure: HTMLElement; caption: HTMLElement; plot: HTMLElement }>();
for (const id of Object.keys(CHARTS) as ChartId[]) {
  const caption = h('figcaption', { class: 'chart-caption' });
  const plot = h('div', { class: 'plot', attrs: { role: 'img', 'aria-label': CHARTS[id].title } });
  const figure = h('figure', { id: `chart-${id}`, class: 'chart' }, caption, plot);
  figures.set(id, { figure, caption, plot });
  charts.append(figure);
}

function fmt(v: number | undefined, percent: boolean): string {
  if (v === undefined || v === null || Number.isNaN(v)) return '—';
  return percent ? `${(v * 100).toFixed(1)}%` : v.toFixed(3);
}

function render(v: MetricsView): void {
  view = v;
  if (!header.isConnected) root.replaceChildren(header, charts, checkpointsSection);
  const last = v.points[v.points.length - 1];
  const progress = v.totalSteps ? `step ${fmtInt(last?.step ?? 0)} of ${fmtInt(v.totalSteps)}` : last ? `step ${fmtInt(last.step)}` : 'no steps yet';
  const source = v.source === 'result-file' ? 'from the result file' : v.source === 'events' ? 'from the metrics events' : 'no metrics yet';
  header.replaceChildren(
    h('h1', { id: 'title', text: v.title }),
    h(
      'p',
      { id: 'summary', class: 'muted' },
      h('span', { id: 'status', class: `status status-${v.status}`, text: v.statusLabel }),
      ` · ${v.jobId} · ${progress} · ${plural(v.points.length, 'point', 'points')} ${source}${v.live ? ' · live' : ''}`,
    ),
  );
  document.body.dataset['status'] = v.status;
  for (const id of Object.keys(CHARTS) as ChartId[]) drawChart(id, v);
  renderCheckpoints(v.checkpoints, v.points);
}

function drawChart(id: ChartId, v: MetricsView): void {
  const def = CHARTS[id];
  const parts = figures.get(id)!;
  const present = def.series.filter((s) => v.points.some((p) => p[s.key] !== undefined));
  const counted = v.points.filter((p) => present.some((s) => p[s.key] !== undefined)).length;
  parts.figure.dataset['points'] = String(counted);
  parts.figure.dataset['checkpoints'] = String(v.checkpoints.length);
  const last = [...v.points].reverse();
  parts.caption.replaceChildren(
    h('span', { class: 'chart-title', text: def.title }),
    ...present.map((s) => {
      const latest = last.find((p) => p[s.key] !== undefined)?.[s.key];
      return h('span', { class: 'muted', text: ` · ${s.label} ${fmt(latest, def.percent)}` });
    }),
  );
  const existing = plots.get(id);
  existing?.destroy();
  plots.delete(id);
  parts.plot.replaceChildren();
  if (!counted) {
    parts.plot.append(h('p', { class: 'muted empty', text: v.live ? 'Waiting for the first metrics…' : 'No metrics reported for this job.' }));
    return;
  }
  const c = themeColors();
  const xs = v.points.map((p) => p.step);
  const data = [xs, ...present.map((s) => v.points.map((p) => p[s.key] ?? null))] as uPlot.AlignedData;
  const axis = (values: uPlot.Axis['values']): uPlot.Axis => ({
    stroke: c.muted,
    font: c.font,
    grid: { show: true, stroke: c.grid, width: 1 },
    ticks: { show: true, stroke: c.grid, width: 1, size: 4 },
    values,
  });
  const marks = v.checkpoints;
  const markColor = cssVar('--vscode-charts-purple', '#b180d7');
  const opts: uPlot.Options = {
    width: Math.max(240, parts.plot.clientWidth || charts.clientWidth),
    height: CHART_HEIGHT,
    legend: { show: true, live: true },
    cursor: { drag: { x: true, y: false, setScale: true }, points: { show: true } },
    scales: {
      x: { time: false, range: (_u, min, max) => [Math.min(min, marks[0]?.step ?? min), Math.max(max, v.totalSteps ?? max)] },
      y: def.percent ? { range: (_u, min, max) => [Math.max(0, Math.floor(min * 10) / 10), Math.min(1, Math.ceil(max * 10) / 10 || 1)] } : { range: (_u, _min, max) => [0, Math.max(0.1, max * 1.1)] },
    },
    axes: [
      { ...axis((_u, splits) => splits.map((s) => (Number.isInteger(s) ? fmtInt(s) : ''))), label: 'Step', labelFont: c.font },
      { ...axis((_u, splits) => splits.map((s) => (def.percent ? `${Math.round(s * 100)}%` : s.toFixed(2)))), size: 50 },
    ],
    series: [
      { label: 'Step', value: (_u, s) => (s === null ? '—' : fmtInt(s)) },
      ...present.map<uPlot.Series>((s) => ({
        label: s.label,
        stroke: s.color(),
        width: 2,
        spanGaps: true,
        points: { show: v.points.length <= 60, size: 4 },
        value: (_u, val) => fmt(val ?? undefined, def.percent),
        ...(s.dash ? { dash: s.dash } : {}),
      })),
    ],
    hooks: {
      draw: [
        (u) => {
          // checkpoints: dashed vertical lines with their step
          const ctx = u.ctx;
          ctx.save();
          ctx.strokeStyle = markColor;
          ctx.fillStyle = markColor;
          ctx.lineWidth = Math.max(1, devicePixelRatio);
          ctx.setLineDash([4 * devicePixelRatio, 4 * devicePixelRatio]);
          ctx.font = `${Math.round(10 * devicePixelRatio)}px ${cssVar('--vscode-font-family', 'sans-serif')}`;
          for (const m of marks) {
            const x = Math.round(u.valToPos(m.step, 'x', true));
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.fillText(`ckpt ${m.step}`, x + 3 * devicePixelRatio, u.bbox.top + 12 * devicePixelRatio);
          }
          ctx.restore();
        },
      ],
    },
  };
  plots.set(id, new uPlot(opts, data, parts.plot));
}

function renderCheckpoints(marks: readonly CheckpointMark[], points: readonly MetricsPoint[]): void {
  if (!marks.length) {
    checkpointsSection.replaceChildren(h('h2', { text: 'Checkpoints' }), h('p', { class: 'muted', text: 'No checkpoints yet: the service saves one at the end of each epoch.' }));
    return;
  }
  const byStep = new Map(points.map((p) => [p.step, p]));
  checkpointsSection.replaceChildren(
    h('h2', { text: 'Checkpoints' }),
    h(
      'table',
      { class: 'checkpoint-table' },
      h('thead', {}, h('tr', {}, ...['Step', 'Training loss', 'Validation loss', 'Model', ''].map((t) => h('th', { text: t, attrs: { scope: 'col' } })))),
      h(
        'tbody',
        {},
        ...marks.map((m) => {
          const p = byStep.get(m.step);
          return h(
            'tr',
            { attrs: { 'data-step': m.step } },
            h('td', { class: 'num', text: fmtInt(m.step) }),
            h('td', { class: 'num', text: fmt(p?.trainLoss, false) }),
            h('td', { class: 'num', text: fmt(p?.validLoss, false) }),
            h('td', {}, h('code', { text: m.model })),
            h('td', {}, h('button', { class: 'link', text: 'Copy id', attrs: { type: 'button' }, on: { click: () => channel.post({ type: 'copyCheckpoint', step: m.step }) } })),
          );
        }),
      ),
    ),
  );
}

channel.onMessage((m) => {
  if (m.type === 'metrics') render(m.view);
  else root.replaceChildren(header, h('p', { class: 'error-banner', attrs: { role: 'alert' }, text: m.message }), charts, checkpointsSection);
});

onThemeChange(() => {
  if (view) render(view);
});

let resizeTimer: ReturnType<typeof setTimeout> | undefined;
new ResizeObserver(() => {
  if (resizeTimer) clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    for (const [id, plot] of plots) {
      const el = figures.get(id)!.plot;
      if (el.clientWidth && Math.abs(el.clientWidth - plot.width) > 4) plot.setSize({ width: el.clientWidth, height: CHART_HEIGHT });
    }
  }, 100);
}).observe(charts);

channel.ready();
