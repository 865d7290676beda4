/**
 * The evaluation results page (`tuneline.evaluateModel`): aggregate scores per model, then a sortable table of the
 * examples (reference and each model's reply, optionally as a word diff against the reference), filterable to the
 * disagreements. A row can open its dataset line or be saved as an example (the playground's action). All data
 * reaches the DOM as text.
 */
import '../shared/base.css';
import './eval.css';
import { wordDiff } from '../../core/eval/diff';
import { isHostToEval, type EvalExampleView, type EvalPageState, type EvalScoreName, type EvalToHost, type EvalView, type HostToEval } from '../../common/protocol/eval';
import { createChannel } from '../shared/channel';
import { fmtInt, fmtUsd, h, plural } from '../shared/dom';

const channel = createChannel<HostToEval, EvalToHost, EvalPageState>(isHostToEval);
const root = document.getElementById('root')!;

const SCORES: ReadonlyArray<[EvalScoreName, string]> = [
  ['exact', 'Exact'],
  ['normalized', 'Normalised'],
  ['f1', 'Token F1'],
  ['jsonValid', 'Valid JSON'],
  ['jsonKeys', 'JSON keys'],
];

let view: EvalView | undefined;
const saved = channel.getState() ?? {};
let sort = typeof saved.sort === 'string' ? saved.sort : 'example';
let onlyDisagreements = saved.onlyDisagreements === true;
let diff = saved.diff !== false;

function persist(): void {
  channel.setState({ sort, onlyDisagreements, diff });
}

const pct = (n: number | undefined) => (n === undefined ? '–' : `${(n * 100).toFixed(1)} %`);

/** A row disagrees when a model's reply does not match the reference (normalised), or the models' replies differ. */
function disagrees(e: EvalExampleView): boolean {
  const rs = e.replies.filter((r) => r !== null);
  if (rs.some((r) => r.error !== undefined || r.scores.normalized !== 1)) return true;
  return new Set(rs.map((r) => r.reply.trim().toLowerCase())).size > 1;
}

function sortKey(e: EvalExampleView): number {
  if (sort === 'example') return e.line;
  const m = /^f1-(\d+)-(asc|desc)$/.exec(sort);
  if (m) {
    const r = e.replies[Number(m[1])];
    const v = r?.scores.f1 ?? -1;
    return m[2] === 'asc' ? v : -v;
  }
  if (sort === 'gap') {
    const f = e.replies.map((r) => r?.scores.f1 ?? 0);
    return -(Math.max(...f) - Math.min(...f));
  }
  return e.line;
}

function summaryTable(v: EvalView): HTMLElement {
  const present = SCORES.filter(([k]) => v.models.some((m) => m.means[k] !== undefined));
  const best = new Map<EvalScoreName, number>();
  for (const [k] of present) best.set(k, Math.max(...v.models.map((m) => m.means[k] ?? -1)));
  return h(
    'table',
    { id: 'summary', class: 'summary' },
    h('thead', {}, h('tr', {}, h('th', { text: 'Model' }), ...present.map(([, label]) => h('th', { class: 'num', text: label })), h('th', { class: 'num', text: 'Replies' }), h('th', { class: 'num', text: 'Errors' }), h('th', { class: 'num', text: 'Tokens (in / out)' }), h('th', { class: 'num', text: v.mode === 'batch' ? 'Cost (batch)' : 'Cost' }))),
    h(
      'tbody',
      {},
      ...v.models.map((m, i) =>
        h(
          'tr',
          { attrs: { 'data-model': i } },
          h(
            'td',
            { class: 'model mono' },
            h('span', { text: m.model }),
            m.retirement
              ? h('span', { class: `retirement retirement-${m.retirement.level}`, text: m.retirement.short, title: m.retirement.long, attrs: { 'aria-label': `Retirement: ${m.retirement.long}` } })
              : undefined,
          ),
          ...present.map(([k]) =>
            h('td', { class: `num score${v.models.length > 1 && m.means[k] !== undefined && m.means[k] === best.get(k) ? ' best' : ''}`, attrs: { 'data-score': k }, text: pct(m.means[k]) }),
          ),
          h('td', { class: 'num', text: fmtInt(m.scored) }),
          h('td', { class: `num${m.errors ? ' bad' : ''}`, text: fmtInt(m.errors) }),
          h('td', { class: 'num', text: `${fmtInt(m.promptTokens)} / ${fmtInt(m.completionTokens)}` }),
          h('td', { class: 'num', text: m.costUsd === undefined ? 'unknown price' : fmtUsd(m.costUsd) }),
        ),
      ),
    ),
  );
}

function replyCell(e: EvalExampleView, i: number): HTMLElement {
  const r = e.replies[i];
  if (!r) return h('td', { class: 'reply pending muted', text: '…' });
  if (r.error !== undefined) return h('td', { class: 'reply error', text: r.error });
  const body = h('div', { class: 'text' });
  if (diff) {
    for (const part of wordDiff(e.reference, r.reply)) {
      if (part.op === 'del') continue; // the reference column shows it
      body.append(part.op === 'add' ? h('ins', { text: part.text }) : document.createTextNode(part.text));
    }
  } else body.textContent = r.reply;
  const chips = h(
    'div',
    { class: 'chips' },
    h('span', { class: `chip ${r.scores.normalized === 1 ? 'ok' : 'no'}`, text: r.scores.exact === 1 ? 'exact' : r.scores.normalized === 1 ? 'match' : 'differs' }),
    h('span', { class: 'chip', text: `F1 ${(r.scores.f1 ?? 0).toFixed(2)}` }),
    r.scores.jsonValid !== undefined ? h('span', { class: `chip ${r.scores.jsonValid ? 'ok' : 'no'}`, text: r.scores.jsonValid ? `JSON keys ${pct(r.scores.jsonKeys)}` : 'invalid JSON' }) : false,
  );
  const save = view?.canSaveExample
    ? h('button', { class: 'link save', text: 'Save as example', title: 'Save this conversation with this reply as a training example (the playground’s action)', on: { click: () => channel.post({ type: 'saveAsExample', line: e.line, model: i }) } })
    : false;
  return h('td', { class: 'reply', attrs: { 'data-model': i } }, body, chips, save);
}

function referenceCell(e: EvalExampleView): HTMLElement {
  const body = h('div', { class: 'text' });
  const firstReply = e.replies.find((r) => r && r.error === undefined);
  if (diff && firstReply && e.replies.length === 1) {
    for (const part of wordDiff(e.reference, firstReply.reply)) {
      if (part.op === 'add') continue;
      body.append(part.op === 'del' ? h('del', { text: part.text }) : document.createTextNode(part.text));
    }
  } else body.textContent = e.reference;
  return h('td', { class: 'reference' }, body);
}

function examplesTable(v: EvalView): HTMLElement {
  let rows = [...v.examples];
  if (onlyDisagreements) rows = rows.filter(disagrees);
  rows.sort((a, b) => sortKey(a) - sortKey(b) || a.line - b.line);
  const count = h('p', { id: 'row-count', class: 'muted', text: `${plural(rows.length, 'example', 'examples')} shown of ${fmtInt(v.examples.length)}` });
  const table = h(
    'table',
    { id: 'examples', class: 'examples' },
    h('thead', {}, h('tr', {}, h('th', { text: '#' }), h('th', { text: 'Reference' }), ...v.models.map((m) => h('th', { class: 'mono', text: m.model })))),
    h(
      'tbody',
      {},
      ...rows.map((e) =>
        h(
          'tr',
          { class: disagrees(e) ? 'disagree' : 'agree', attrs: { 'data-line': e.line } },
          h('td', { class: 'num' }, h('button', { class: 'link open-line', text: String(e.example), title: `Open line ${e.line + 1} of ${v.dataset}`, on: { click: () => channel.post({ type: 'openLine', line: e.line }) } })),
          referenceCell(e),
          ...v.models.map((_, i) => replyCell(e, i)),
        ),
      ),
    ),
  );
  return h('div', {}, count, table);
}

function controls(v: EvalView): HTMLElement {
  const select = h('select', { id: 'sort', attrs: { 'aria-label': 'Sort examples' }, on: { change: () => { sort = select.value; persist(); render(); } } });
  const options: Array<[string, string]> = [['example', 'Dataset order']];
  v.models.forEach((m, i) => {
    const short = m.model.length > 40 ? `…${m.model.slice(-38)}` : m.model;
    options.push([`f1-${i}-asc`, `F1 of ${short}, worst first`], [`f1-${i}-desc`, `F1 of ${short}, best first`]);
  });
  if (v.models.length > 1) options.push(['gap', 'Largest difference between models first']);
  for (const [value, label] of options) select.append(h('option', { attrs: { value, selected: value === sort }, text: label }));
  const filter = h('input', { id: 'only-disagreements', attrs: { type: 'checkbox', checked: onlyDisagreements }, on: { change: () => { onlyDisagreements = filter.checked; persist(); render(); } } });
  const diffBox = h('input', { id: 'diff', attrs: { type: 'checkbox', checked: diff }, on: { change: () => { diff = diffBox.checked; persist(); render(); } } });
  return h(
    'div',
    { class: 'controls' },
    h('label', {}, 'Sort ', select),
    h('label', {}, filter, ' Only disagreements'),
    h('label', {}, diffBox, ' Word diff against the reference'),
  );
}

function render(): void {
  const v = view;
  if (!v) return;
  const running = v.state === 'running' || v.state === 'waiting';
  const header = h(
    'header',
    { class: 'header' },
    h('h1', { text: `Evaluation of ${v.dataset}` }),
    h('p', { class: 'muted' }, `${v.mode === 'batch' ? `Batch API${v.batchId ? ` (${v.batchId})` : ''}` : 'Live requests'} · ${plural(v.total, 'example', 'examples')} × ${plural(v.models.length, 'model', 'models')}${v.skipped ? ` · ${plural(v.skipped, 'line', 'lines')} skipped` : ''} · results in `, h('code', { text: v.resultsFile })),
    h('p', { id: 'state', class: `state ${v.state}` }, v.stateText, running && v.mode === 'live' ? h('button', { id: 'stop', class: 'link', text: ' Stop', on: { click: () => channel.post({ type: 'cancel' }) } }) : false),
  );
  root.replaceChildren(header, h('h2', { text: 'Scores' }), summaryTable(v), h('h2', { text: 'Examples' }), controls(v), examplesTable(v));
}

channel.onMessage((m) => {
  if (m.type === 'results') {
    view = m.view;
    render();
  } else {
    root.replaceChildren(h('p', { class: 'error-banner', text: m.message }));
  }
});
channel.ready();
