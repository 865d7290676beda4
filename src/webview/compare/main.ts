/**
 * The comparison page (`tuneline.compareWithBaseline`, issue 18): the kept baseline and the new model side by side —
 * who replied (model, service, date, temperature), the mean scores with the difference, how many examples got better
 * or worse — then every example: the prompt, the reference, the baseline's reply and the new reply (a word diff of
 * the new reply against the baseline's), filterable to the changed, worse or better ones. All data reaches the DOM as
 * text.
 */
import '../shared/base.css';
import './compare.css';
import { wordDiff } from '../../core/eval/diff';
import { isHostToCompare, type ComparePageState, type CompareExampleView, type CompareReplyView, type CompareScoreName, type CompareSideView, type CompareToHost, type CompareView, type HostToCompare } from '../../common/protocol/compare';
import { createChannel } from '../shared/channel';
import { fmtInt, h, plural } from '../shared/dom';

const channel = createChannel<HostToCompare, CompareToHost, ComparePageState>(isHostToCompare);
const root = document.getElementById('root')!;

const SCORES: ReadonlyArray<[CompareScoreName, string]> = [
  ['exact', 'Exact'],
  ['normalized', 'Normalised'],
  ['f1', 'Token F1'],
  ['jsonValid', 'Valid JSON'],
  ['jsonKeys', 'JSON keys'],
];

type Filter = NonNullable<ComparePageState['filter']>;
let view: CompareView | undefined;
let filter: Filter = channel.getState()?.filter ?? 'changed';

const pct = (n: number | undefined) => (n === undefined ? '–' : `${(n * 100).toFixed(1)} %`);
const signed = (n: number) => `${n > 0 ? '+' : n < 0 ? '−' : '±'}${Math.abs(n * 100).toFixed(1)} pts`;
const when = (iso: string) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC') : 'unknown date');

function sideCard(label: string, s: CompareSideView, side: 'baseline' | 'candidate'): HTMLElement {
  return h(
    'section',
    { class: `side ${side}`, attrs: { 'data-side': side } },
    h('h2', { text: label }),
    h('p', { class: 'model mono', text: s.model }),
    h('p', { class: 'muted', text: `${s.provider} · recorded ${when(s.recordedAt)} · temperature ${s.temperature}` }),
    h('p', { class: 'muted', text: `${plural(s.scored, 'reply', 'replies')}${s.errors ? `, ${plural(s.errors, 'error', 'errors')}` : ''} · ` }, h('button', { class: 'link open-results', text: s.file, title: 'Open the results file', on: { click: () => channel.post({ type: 'openResults', side }) } })),
  );
}

function scoresTable(v: CompareView): HTMLElement {
  const present = SCORES.filter(([k]) => v.baseline.means[k] !== undefined || v.candidate.means[k] !== undefined);
  return h(
    'table',
    { id: 'scores', class: 'scores' },
    h('thead', {}, h('tr', {}, h('th', { text: 'Score' }), h('th', { class: 'num', text: 'Baseline' }), h('th', { class: 'num', text: 'New model' }), h('th', { class: 'num', text: 'Difference' }))),
    h(
      'tbody',
      {},
      ...present.map(([k, label]) => {
        const a = v.baseline.means[k];
        const b = v.candidate.means[k];
        const d = a !== undefined && b !== undefined ? b - a : undefined;
        return h(
          'tr',
          { attrs: { 'data-score': k } },
          h('td', { text: label }),
          h('td', { class: 'num', text: pct(a) }),
          h('td', { class: 'num', text: pct(b) }),
          h('td', { class: `num delta ${d === undefined || Math.abs(d) < 1e-9 ? '' : d > 0 ? 'up' : 'down'}`, text: d === undefined ? '–' : signed(d) }),
        );
      }),
    ),
  );
}

function verdictBar(v: CompareView): HTMLElement {
  const c = v.counts;
  return h(
    'p',
    { id: 'counts', class: 'counts' },
    h('span', { class: 'chip up', attrs: { 'data-verdict': 'better' }, text: `${fmtInt(c.better)} better` }),
    h('span', { class: 'chip down', attrs: { 'data-verdict': 'worse' }, text: `${fmtInt(c.worse)} worse` }),
    h('span', { class: 'chip', attrs: { 'data-verdict': 'same' }, text: `${fmtInt(c.same)} the same` }),
    c.missing ? h('span', { class: 'chip', attrs: { 'data-verdict': 'missing' }, text: `${fmtInt(c.missing)} on one side only` }) : false,
  );
}

function replyCell(r: CompareReplyView | null, against: CompareReplyView | null, cls: string): HTMLElement {
  if (!r) return h('td', { class: `${cls} muted`, text: 'no reply in this run' });
  if (r.error !== undefined) return h('td', { class: `${cls} error`, text: r.error });
  const body = h('div', { class: 'text' });
  if (cls === 'candidate' && against && against.error === undefined) {
    for (const part of wordDiff(against.reply, r.reply)) {
      if (part.op === 'del') body.append(h('del', { text: part.text }));
      else if (part.op === 'add') body.append(h('ins', { text: part.text }));
      else body.append(document.createTextNode(part.text));
    }
  } else body.textContent = r.reply;
  return h('td', { class: cls }, body, h('div', { class: 'chips' }, h('span', { class: `chip ${r.scores.normalized === 1 ? 'ok' : 'no'}`, text: r.scores.normalized === 1 ? 'matches reference' : 'differs' }), h('span', { class: 'chip', text: `F1 ${(r.scores.f1 ?? 0).toFixed(2)}` })));
}

const VERDICT_TEXT: Readonly<Record<CompareExampleView['verdict'], string>> = { better: 'better', worse: 'worse', same: 'same', missing: 'one side only' };

function examplesTable(v: CompareView): HTMLElement {
  const rows = v.examples.filter((e) => (filter === 'all' ? true : filter === 'changed' ? e.verdict !== 'same' : e.verdict === filter));
  return h(
    'div',
    {},
    h('p', { id: 'row-count', class: 'muted', text: `${plural(rows.length, 'example', 'examples')} shown of ${fmtInt(v.examples.length)}` }),
    h(
      'table',
      { id: 'examples', class: 'examples' },
      h('thead', {}, h('tr', {}, h('th', { text: '#' }), h('th', { text: 'Prompt and reference' }), h('th', { text: `Baseline: ${v.baseline.model}` }), h('th', { text: `New: ${v.candidate.model}` }), h('th', { class: 'num', text: 'F1 change' }))),
      h(
        'tbody',
        {},
        ...rows.map((e) =>
          h(
            'tr',
            { class: `verdict-${e.verdict}`, attrs: { 'data-line': e.line, 'data-verdict': e.verdict } },
            h('td', { class: 'num', text: String(e.example) }),
            h('td', { class: 'prompt' }, h('div', { class: 'text', text: e.prompt }), h('div', { class: 'reference muted' }, h('span', { class: 'label', text: 'Reference: ' }), e.reference)),
            replyCell(e.baseline, null, 'baseline'),
            replyCell(e.candidate, e.baseline, 'candidate'),
            h('td', { class: `num delta ${e.verdict === 'better' ? 'up' : e.verdict === 'worse' ? 'down' : ''}` }, h('div', { text: VERDICT_TEXT[e.verdict] }), e.deltaF1 !== undefined ? h('div', { class: 'muted', text: signed(e.deltaF1) }) : false),
          ),
        ),
      ),
    ),
  );
}

function controls(): HTMLElement {
  const select = h('select', {
    id: 'filter',
    attrs: { 'aria-label': 'Which examples' },
    on: {
      change: () => {
        filter = select.value as Filter;
        channel.setState({ filter });
        render();
      },
    },
  });
  const options: Array<[Filter, string]> = [
    ['changed', 'Changed (better or worse)'],
    ['worse', 'Worse only'],
    ['better', 'Better only'],
    ['all', 'All examples'],
  ];
  for (const [value, label] of options) select.append(h('option', { attrs: { value, selected: value === filter }, text: label }));
  return h('div', { class: 'controls' }, h('label', {}, 'Show ', select));
}

function render(): void {
  const v = view;
  if (!v) return;
  root.replaceChildren(
    h('header', { class: 'header' }, h('h1', { text: 'New model vs kept baseline' })),
    h('div', { class: 'sides' }, sideCard('Baseline', v.baseline, 'baseline'), sideCard('New model', v.candidate, 'candidate')),
    ...v.notes.map((n) => h('p', { class: 'note', text: n })),
    h('h2', { text: 'Scores' }),
    scoresTable(v),
    verdictBar(v),
    h('h2', { text: 'Examples' }),
    controls(),
    examplesTable(v),
  );
}

channel.onMessage((m) => {
  if (m.type === 'comparison') {
    view = m.view;
    render();
  } else {
    root.replaceChildren(h('p', { class: 'error-banner', text: m.message }));
  }
});
channel.ready();
