/**
 * The playground page (`tuneline.openPlayground`). It shows the host's session: model columns side by side, each user
 * turn with every column's reply (streamed in as deltas), the dataset's reply when the conversation came from a dataset
 * line, token usage, and a composer (Enter sends, Shift+Enter adds a line). Replies are Markdown, rendered from the
 * pure reader in `markdown.ts` with `createElement`/`textContent` only: no text from a model ever becomes HTML. The
 * page never talks to the provider; it asks the host. Its state is kept with `setState` while hidden.
 */
import '../shared/base.css';
import './playground.css';
import { isObject } from '../../common/protocol/base';
import {
  isHostToPlayground,
  MAX_COLUMNS,
  type HostToPlayground,
  type ModelOption,
  type Notice,
  type PlaygroundPageState,
  type PlaygroundToHost,
  type Reply,
  type RetirementBadge,
  type SessionView,
  type Turn,
} from '../../common/protocol/playground';
import { createChannel } from '../shared/channel';
import { fmtInt, h } from '../shared/dom';
import { parseMarkdown, type Block, type Inline } from './markdown';

const channel = createChannel<HostToPlayground, PlaygroundToHost, PlaygroundPageState>(isHostToPlayground);
const root = document.getElementById('root')!;

const saved = channel.getState();
let session: SessionView | undefined = isObject(saved?.session) ? saved.session : undefined;
let models: readonly ModelOption[] = Array.isArray(saved?.models) ? saved.models : [];
let modelsLoading = false;
let modelsError: string | undefined;
let notice: Notice | null = null;
const editing = new Map<string, string>(isObject(saved?.editing) ? Object.entries(saved.editing).filter((e): e is [string, string] => typeof e[1] === 'string') : []);

// ---------------------------------------------------------------------------------------------------------------
// Layout (built once; parts re-rendered)

const endpointLabel = h('span', { id: 'endpoint', class: 'muted' });
const sourceLabel = h('span', { id: 'source', class: 'muted' });
const temperature = h('input', { id: 'temperature', attrs: { type: 'number', min: 0, max: 2, step: 0.1, 'aria-label': 'Temperature' } });
const maxTokens = h('input', { id: 'max-tokens', attrs: { type: 'number', min: 1, max: 128000, step: 1, 'aria-label': 'Maximum tokens per reply' } });
const addColumnButton = h('button', { id: 'add-column', class: 'secondary', text: '+ Model', title: 'Add a model column (at most three)' });
const refreshButton = h('button', { id: 'refresh-models', class: 'secondary', text: 'Refresh models', title: 'List the models again' });
const clearButton = h('button', { id: 'clear', class: 'secondary', text: 'Clear', title: 'Start a new conversation' });
const system = h('textarea', { id: 'system', attrs: { rows: 2, placeholder: 'System prompt (shared by every column)', 'aria-label': 'System prompt' } });
const noticeBox = h('div', { id: 'notice', attrs: { role: 'status' } });
const modelList = h('datalist', { id: 'model-list' });
const modelsNote = h('span', { id: 'models-note', class: 'muted' });
const columnsHead = h('section', { id: 'columns', class: 'grid columns-head', attrs: { 'aria-label': 'Models' } });
const transcript = h('section', { id: 'transcript', attrs: { 'aria-label': 'Conversation', 'aria-live': 'polite' } });
const input = h('textarea', {
  id: 'input',
  attrs: { rows: 3, placeholder: 'Message every model… (Enter sends, Shift+Enter adds a line)', 'aria-label': 'Message' },
});
const sendButton = h('button', { id: 'send', text: 'Send', title: 'Send to every model (Enter)' });
const stopButton = h('button', { id: 'stop', class: 'danger', text: 'Stop', title: 'Stop every reply (Escape)' });

const header = h(
  'header',
  { class: 'toolbar' },
  h('div', { class: 'title-row' }, h('h1', { text: 'Playground' }), endpointLabel, sourceLabel),
  h(
    'div',
    { class: 'options-row' },
    h('label', { class: 'option' }, 'Temperature ', temperature),
    h('label', { class: 'option' }, 'Max tokens ', maxTokens),
    addColumnButton,
    refreshButton,
    clearButton,
    modelsNote,
  ),
  system,
);
const composer = h('footer', { class: 'composer' }, input, h('div', { class: 'composer-buttons' }, sendButton, stopButton));
root.replaceChildren(header, noticeBox, columnsHead, modelList, transcript, composer);
input.value = typeof saved?.draft === 'string' ? saved.draft : '';

// ---------------------------------------------------------------------------------------------------------------
// Markdown → DOM (text only)

function inlineNodes(nodes: readonly Inline[]): Node[] {
  return nodes.map((n): Node => {
    switch (n.t) {
      case 'text':
        return document.createTextNode(n.text);
      case 'code':
        return h('code', { text: n.text });
      case 'strong':
        return h('strong', {}, ...inlineNodes(n.children));
      case 'em':
        return h('em', {}, ...inlineNodes(n.children));
      case 'br':
        return h('br');
      case 'link': {
        const href = n.href;
        const a = h('a', { class: 'link', title: href, attrs: { role: 'link', tabindex: 0, 'data-href': href } }, ...inlineNodes(n.children));
        const open = (e: Event) => {
          e.preventDefault();
          channel.post({ type: 'openLink', url: href });
        };
        a.addEventListener('click', open);
        a.addEventListener('keydown', (e) => {
          if (e.key === 'Enter') open(e);
        });
        return a;
      }
    }
  });
}

function blockNodes(blocks: readonly Block[]): Node[] {
  return blocks.map((b): Node => {
    switch (b.t) {
      case 'p':
        return h('p', {}, ...inlineNodes(b.children));
      case 'heading':
        return h(`h${Math.min(6, Math.max(3, b.level + 2))}` as 'h3', { class: 'md-heading' }, ...inlineNodes(b.children));
      case 'code':
        return h('pre', { class: 'code-block', attrs: b.lang ? { 'data-lang': b.lang } : {} }, h('code', { text: b.text }));
      case 'list':
        return b.ordered
          ? h('ol', { attrs: b.start !== 1 ? { start: b.start } : {} }, ...b.items.map((it) => h('li', {}, ...inlineNodes(it))))
          : h('ul', {}, ...b.items.map((it) => h('li', {}, ...inlineNodes(it))));
      case 'quote':
        return h('blockquote', {}, ...blockNodes(b.children));
      case 'hr':
        return h('hr');
    }
  });
}

function renderMarkdown(target: HTMLElement, text: string): void {
  target.replaceChildren(...blockNodes(parseMarkdown(text)));
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

const STATUS_TEXT: Record<Reply['status'], string> = { waiting: 'Waiting…', streaming: 'Writing…', done: '', stopped: 'Stopped', error: 'Failed' };

function usageText(r: Reply): string {
  if (!r.usage) return '';
  const u = r.usage;
  const base = `${fmtInt(u.completion)} completion + ${fmtInt(u.prompt)} prompt = ${fmtInt(u.total)} tokens`;
  return u.estimated ? `≈ ${base} (estimated: the endpoint sent no usage)` : base;
}

function columnCount(s: SessionView): number {
  return s.models.length + (s.turns.some((t) => t.expected !== undefined) ? 1 : 0);
}

function render(): void {
  const s = session;
  if (!s) return;
  endpointLabel.textContent = s.endpoint ? `· ${s.endpoint}` : '';
  sourceLabel.textContent = s.source ? `· from ${s.source}` : '';
  if (document.activeElement !== temperature) temperature.value = String(s.temperature);
  if (document.activeElement !== maxTokens) maxTokens.value = String(s.maxTokens);
  if (document.activeElement !== system) system.value = s.system;
  addColumnButton.disabled = s.models.length >= MAX_COLUMNS;
  root.style.setProperty('--columns', String(columnCount(s)));
  renderColumns(s);
  renderTranscript(s);
  renderBusy(s.busy);
  saveState();
}

function renderBusy(busy: boolean): void {
  stopButton.hidden = !busy;
  stopButton.disabled = !busy;
  sendButton.disabled = busy;
  document.body.classList.toggle('busy', busy);
}

function kindLabel(id: string): string {
  const o = models.find((m) => m.id === id);
  if (!o) return 'model';
  return o.kind === 'fine-tuned' ? 'fine-tuned' : o.kind === 'checkpoint' ? 'checkpoint' : o.kind === 'deployment' ? 'Azure deployment' : o.kind === 'base' ? 'base model' : 'model';
}

/** The model's days left (issue 18), coloured inside 30 days and once past; text only (escaped by `h`). */
function retirementBadge(b: RetirementBadge | null): HTMLElement | undefined {
  if (!b) return undefined;
  return h('div', { class: `retirement retirement-${b.level}`, text: b.short, title: b.long, attrs: { 'aria-label': `Retirement: ${b.long}` } });
}

function renderColumns(s: SessionView): void {
  const heads = s.models.map((model, column) => {
    const field = h('input', {
      class: 'model-input',
      attrs: { list: 'model-list', value: model, 'aria-label': `Model of column ${column + 1}`, spellcheck: 'false', 'data-column': column },
    });
    field.value = model;
    const commit = () => {
      const v = field.value.trim();
      if (v && v !== model) channel.post({ type: 'setModel', column, model: v });
      else field.value = model;
    };
    field.addEventListener('change', commit);
    field.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        commit();
      }
    });
    return h(
      'div',
      { class: 'col-head', attrs: { 'data-column': column } },
      h('div', { class: 'col-head-row' }, field, s.models.length > 1 ? h('button', { class: 'icon remove-column', text: '×', title: `Remove column ${column + 1}`, attrs: { 'aria-label': `Remove column ${column + 1}` }, on: { click: () => channel.post({ type: 'removeColumn', column }) } }) : undefined),
      h('div', { class: 'kind muted', text: kindLabel(model) }),
      retirementBadge(s.retirement?.[column] ?? null),
    );
  });
  if (s.turns.some((t) => t.expected !== undefined)) {
    heads.push(h('div', { class: 'col-head expected-head' }, h('div', { class: 'col-head-title', text: 'Dataset’s reply' }), h('div', { class: 'kind muted', text: s.source ?? 'for comparison' })));
  }
  columnsHead.replaceChildren(...heads);
}

function renderModelList(): void {
  modelList.replaceChildren(...models.map((m) => h('option', { attrs: { value: m.id, label: m.detail ? `${m.id} — ${m.detail}` : m.id } })));
  modelsNote.textContent = modelsLoading ? 'Listing models…' : modelsError ? `Model list: ${modelsError}` : `${fmtInt(models.length)} models`;
  modelsNote.classList.toggle('error-text', !!modelsError && !modelsLoading);
  if (session) renderColumns(session);
}

function replyKey(turn: number, column: number): string {
  return `${turn}:${column}`;
}

function replyElement(s: SessionView, turnIndex: number, column: number, r: Reply | null): HTMLElement {
  const key = replyKey(turnIndex, column);
  const el = h('div', { class: `reply status-${r?.status ?? 'empty'}`, attrs: { 'data-turn': turnIndex, 'data-column': column } });
  if (!r) {
    el.append(h('div', { class: 'reply-body muted', text: '—' }));
    return el;
  }
  const status = STATUS_TEXT[r.status];
  el.append(
    h(
      'div',
      { class: 'reply-head' },
      h('span', { class: 'reply-model', text: r.model }),
      status ? h('span', { class: `reply-status status-${r.status}`, text: status }) : undefined,
      r.edited ? h('span', { class: 'badge', text: 'edited' }) : undefined,
      r.fromDataset ? h('span', { class: 'badge', text: 'from dataset' }) : undefined,
      r.finishReason === 'length' ? h('span', { class: 'badge warn', text: 'cut at max tokens' }) : undefined,
    ),
  );
  const draft = editing.get(key);
  if (draft !== undefined) {
    const area = h('textarea', { class: 'edit-area', attrs: { rows: Math.min(16, Math.max(4, draft.split('\n').length + 1)), 'aria-label': 'Edit the reply' } });
    area.value = draft;
    area.addEventListener('input', () => {
      editing.set(key, area.value);
      saveState();
    });
    const done = () => {
      editing.delete(key);
      channel.post({ type: 'editReply', turn: turnIndex, column, text: area.value });
      saveState();
    };
    area.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        done();
      } else if (e.key === 'Escape') {
        editing.delete(key);
        if (session) renderTranscript(session);
      }
    });
    el.append(
      area,
      h(
        'div',
        { class: 'reply-foot' },
        h('button', { class: 'done-edit', text: 'Done', title: 'Keep the edited reply (Ctrl+Enter)', on: { click: done } }),
        h('button', {
          class: 'secondary cancel-edit',
          text: 'Cancel',
          on: {
            click: () => {
              editing.delete(key);
              if (session) renderTranscript(session);
            },
          },
        }),
      ),
    );
    return el;
  }
  const body = h('div', { class: 'reply-body md' });
  renderMarkdown(body, r.text);
  el.append(body);
  if (r.error) el.append(h('div', { class: 'reply-error error-text', text: r.error }));
  const finished = r.status === 'done' || r.status === 'stopped';
  const isLast = turnIndex === s.turns.length - 1;
  el.append(
    h(
      'div',
      { class: 'reply-foot' },
      h('span', { class: 'usage muted', text: usageText(r) }),
      finished && !s.busy
        ? h('button', {
            class: 'secondary edit-reply',
            text: 'Edit',
            title: 'Correct this reply before saving the conversation as an example',
            on: {
              click: () => {
                editing.set(key, r.text);
                if (session) renderTranscript(session);
                transcript.querySelector<HTMLTextAreaElement>(`.reply[data-turn="${turnIndex}"][data-column="${column}"] textarea`)?.focus();
              },
            },
          })
        : undefined,
      finished && !s.busy && isLast && r.text.trim() !== ''
        ? h('button', {
            class: 'save-example',
            text: 'Save as example…',
            title: 'Append the conversation, with this column’s replies, to a dataset',
            on: { click: () => channel.post({ type: 'saveExample', column }) },
          })
        : undefined,
    ),
  );
  return el;
}

function turnElement(s: SessionView, t: Turn, turnIndex: number): HTMLElement {
  const replies = s.models.map((_, column) => replyElement(s, turnIndex, column, t.replies[column] ?? null));
  if (s.turns.some((x) => x.expected !== undefined)) {
    if (t.expected !== undefined) {
      const body = h('div', { class: 'reply-body md' });
      renderMarkdown(body, t.expected);
      replies.push(h('div', { class: 'reply expected', attrs: { 'data-turn': turnIndex } }, h('div', { class: 'reply-head' }, h('span', { class: 'reply-model', text: 'Dataset' })), body));
    } else {
      replies.push(h('div', { class: 'reply expected empty' }));
    }
  }
  const pending = turnIndex === s.turns.length - 1 && !s.busy && t.replies.every((r) => r === null);
  return h(
    'article',
    { class: 'turn', attrs: { 'data-turn': turnIndex } },
    h('div', { class: 'user-msg' }, h('div', { class: 'role', text: 'You' }), h('div', { class: 'user-text', text: t.user })),
    h('div', { class: 'grid replies' }, ...replies),
    pending ? h('div', { class: 'run-row' }, h('button', { id: 'run', text: 'Ask the models', title: 'Send this turn to every model', on: { click: () => channel.post({ type: 'run' }) } })) : undefined,
  );
}

function renderTranscript(s: SessionView): void {
  const stick = nearBottom();
  if (!s.turns.length) {
    transcript.replaceChildren(
      h('p', { class: 'empty-hint muted', text: 'Pick up to three models above, then send a message: every model gets the same conversation, and their replies appear side by side. Correct a reply with Edit, then save the conversation as a training example.' }),
    );
  } else {
    transcript.replaceChildren(...s.turns.map((t, i) => turnElement(s, t, i)));
  }
  if (stick) scrollToBottom();
}

/** Re-renders one reply (a delta or a new status), keeping the rest of the page. */
function renderReply(turn: number, column: number): void {
  const s = session;
  const t = s?.turns[turn];
  if (!s || !t) return;
  const old = transcript.querySelector(`.reply[data-turn="${turn}"][data-column="${column}"]`);
  const stick = nearBottom();
  const el = replyElement(s, turn, column, t.replies[column] ?? null);
  if (old) old.replaceWith(el);
  else renderTranscript(s);
  if (stick) scrollToBottom();
}

const pendingDeltas = new Set<string>();
let frame = 0;
function scheduleReply(turn: number, column: number): void {
  pendingDeltas.add(replyKey(turn, column));
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    for (const k of pendingDeltas) {
      const [t, c] = k.split(':').map(Number) as [number, number];
      renderReply(t, c);
    }
    pendingDeltas.clear();
    saveState();
  });
}

function nearBottom(): boolean {
  const el = document.scrollingElement ?? document.documentElement;
  return el.scrollHeight - el.scrollTop - el.clientHeight < 80;
}

function scrollToBottom(): void {
  const el = document.scrollingElement ?? document.documentElement;
  el.scrollTop = el.scrollHeight;
}

function renderNotice(): void {
  if (!notice) {
    noticeBox.replaceChildren();
    noticeBox.className = '';
    return;
  }
  noticeBox.className = `notice notice-${notice.level}`;
  noticeBox.replaceChildren(
    h('span', { class: 'notice-text', text: notice.message }),
    h('button', {
      class: 'icon',
      text: '×',
      title: 'Dismiss',
      attrs: { 'aria-label': 'Dismiss' },
      on: {
        click: () => {
          notice = null;
          renderNotice();
        },
      },
    }),
  );
}

function saveState(): void {
  const el = document.scrollingElement ?? document.documentElement;
  channel.setState({ session, models, draft: input.value, editing: Object.fromEntries(editing), scrollTop: el.scrollTop });
}

// ---------------------------------------------------------------------------------------------------------------
// Host messages

function setReply(turn: number, column: number, reply: Reply): void {
  if (!session) return;
  const turns = session.turns.map((t, i) => (i === turn ? { ...t, replies: t.replies.map((r, c) => (c === column ? reply : r)) } : t));
  session = { ...session, turns };
}

channel.onMessage((m) => {
  switch (m.type) {
    case 'session':
      session = m.session;
      for (const k of [...editing.keys()]) {
        const [t, c] = k.split(':').map(Number) as [number, number];
        if (!m.session.turns[t]?.replies[c]) editing.delete(k);
      }
      render();
      break;
    case 'models':
      models = m.models;
      modelsLoading = m.loading;
      modelsError = m.error;
      renderModelList();
      saveState();
      break;
    case 'delta': {
      const r = session?.turns[m.turn]?.replies[m.column];
      if (!r) return;
      setReply(m.turn, m.column, { ...r, text: r.text + m.text, status: 'streaming' });
      scheduleReply(m.turn, m.column);
      break;
    }
    case 'reply':
      if (!session?.turns[m.turn]) return;
      setReply(m.turn, m.column, m.reply);
      scheduleReply(m.turn, m.column);
      break;
    case 'notice':
      notice = m.notice;
      renderNotice();
      break;
    case 'focusInput':
      input.focus();
      break;
  }
});

// ---------------------------------------------------------------------------------------------------------------
// User input

function send(): void {
  const text = input.value;
  if (!text.trim() || session?.busy) return;
  channel.post({ type: 'send', text });
  input.value = '';
  saveState();
}

input.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    send();
  } else if (e.key === 'Escape' && session?.busy) {
    e.preventDefault();
    channel.post({ type: 'stop' });
  }
});
input.addEventListener('input', () => saveState());
sendButton.addEventListener('click', send);
stopButton.addEventListener('click', () => channel.post({ type: 'stop' }));
addColumnButton.addEventListener('click', () => channel.post({ type: 'addColumn' }));
refreshButton.addEventListener('click', () => channel.post({ type: 'refreshModels' }));
clearButton.addEventListener('click', () => {
  editing.clear();
  channel.post({ type: 'clear' });
});
temperature.addEventListener('change', () => {
  const v = Number(temperature.value);
  if (temperature.value !== '' && Number.isFinite(v) && v >= 0 && v <= 2) channel.post({ type: 'setOptions', temperature: v });
  else if (session) temperature.value = String(session.temperature);
  if (session && Number.isFinite(v)) session = { ...session, temperature: Math.min(2, Math.max(0, v)) };
  saveState();
});
maxTokens.addEventListener('change', () => {
  const v = Number(maxTokens.value);
  if (Number.isInteger(v) && v >= 1 && v <= 128000) {
    channel.post({ type: 'setOptions', maxTokens: v });
    if (session) session = { ...session, maxTokens: v };
  } else if (session) maxTokens.value = String(session.maxTokens);
  saveState();
});
let systemTimer: ReturnType<typeof setTimeout> | undefined;
system.addEventListener('input', () => {
  if (systemTimer) clearTimeout(systemTimer);
  systemTimer = setTimeout(() => {
    channel.post({ type: 'setOptions', system: system.value });
    if (session) session = { ...session, system: system.value };
    saveState();
  }, 250);
});
window.addEventListener('scroll', () => saveState(), { passive: true });

// First paint from the saved state (the host sends the current session right after `ready`).
if (session) {
  render();
  renderModelList();
  const el = document.scrollingElement ?? document.documentElement;
  if (typeof saved?.scrollTop === 'number') el.scrollTop = saved.scrollTop;
} else {
  transcript.replaceChildren(h('p', { class: 'loading', text: 'Opening the playground…' }));
}
channel.ready();
input.focus();
