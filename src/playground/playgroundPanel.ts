/**
 * The playground webview (one panel): 1–3 model columns side by side, a shared system prompt, temperature and max
 * tokens. The host owns the session; each user turn goes to every column, replies stream in through
 * `TunelineClient.streamChat` (so the key never reaches the page) and are forwarded to the page as deltas; Stop aborts
 * every stream. See `src/common/protocol/playground.ts` for the messages.
 */
import * as vscode from 'vscode';
import { providerLabel } from '../api/endpoint';
import { DEFAULT_MODEL } from '../core/models';
import type { ProviderService } from '../connection/provider';
import { parseModelRef } from '../api/modelRef';
import type { ChatCompletionChunk, ProviderKind, TunelineClient } from '../api/types';
import { CancelledError } from '../common/commands';
import { Disposable } from '../common/dispose';
import { describeError, type Logger } from '../common/logger';
import {
  isPlaygroundToHost,
  MAX_COLUMNS,
  MAX_TOKENS_RANGE,
  TEMPERATURE_RANGE,
  type HostToPlayground,
  type ModelOption,
  type RetirementBadge,
  type Notice,
  type PlaygroundToHost,
  type Reply,
  type SessionView,
  type Usage,
} from '../common/protocol/playground';
import { renderWebviewHtml, WebviewChannel, webviewPanelOptions } from '../common/webview';
import type { Conversation } from './example';
import { loadModelOptions } from './models';
import { estimateUsage, Session, type SimpleMessage } from './session';

export const PLAYGROUND_VIEW_TYPE = 'tuneline.playground';

export interface PanelHooks {
  /** The page asked to save a column's reply as an example. */
  readonly saveExample: (column: number) => void;
  /** The models the user chose (remembered for the next playground). */
  readonly rememberModels: (models: readonly string[]) => void;
  /** The retirement badge of a model on the current provider (issue 18), if a date is known. */
  readonly retirement?: (model: string) => RetirementBadge | null;
}

export class PlaygroundPanel extends Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly channel: WebviewChannel<PlaygroundToHost, HostToPlayground>;
  readonly session: Session;
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private generation = 0;
  private models: readonly ModelOption[] = [];
  private modelsLoading = false;
  private modelsError: string | undefined;
  private modelsRequest = 0;
  private notice: Notice | null = null;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  /** Fires whenever the session or the model list changes (tests wait on it). */
  readonly onDidChange = this.changed.event;
  private readonly disposedEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposedEmitter.event;

  constructor(
    extensionUri: vscode.Uri,
    private readonly provider: ProviderService,
    private readonly log: Logger,
    private readonly hooks: PanelHooks,
    models: readonly string[],
    column: vscode.ViewColumn,
  ) {
    super();
    this.session = new Session(models);
    this.panel = vscode.window.createWebviewPanel(PLAYGROUND_VIEW_TYPE, vscode.l10n.t('Playground'), { viewColumn: column, preserveFocus: false }, webviewPanelOptions(extensionUri));
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'tuneline.svg');
    this.channel = this._register(
      new WebviewChannel<PlaygroundToHost, HostToPlayground>(this.panel.webview, {
        isMessage: isPlaygroundToHost,
        latestOnly: ['session', 'models', 'notice'],
        log,
        name: 'Playground',
      }),
    );
    this._register(
      this.channel.onReady(() => {
        this.postSession();
        this.postModels();
        this.channel.post({ type: 'notice', notice: this.notice });
      }),
    );
    this._register(this.channel.onMessage((m) => void this.handle(m)));
    this._register(
      this.panel.onDidChangeViewState((e) => {
        // Hidden webviews are not retained: the page is unloaded and says `ready` again when shown.
        if (!e.webviewPanel.visible) this.channel.reset();
      }),
    );
    this._register(this.provider.onDidChange(() => void this.refreshModels()));
    this._register(this.panel.onDidDispose(() => this.dispose()));
    this.panel.webview.html = renderWebviewHtml(this.panel.webview, extensionUri, {
      name: 'playground',
      title: vscode.l10n.t('Tuneline Playground'),
      loadingText: vscode.l10n.t('Opening the playground…'),
    });
    void this.refreshModels();
  }

  get visible(): boolean {
    return this.panel.visible;
  }

  get viewColumn(): vscode.ViewColumn | undefined {
    return this.panel.viewColumn;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** The session as the page sees it. */
  view(): SessionView {
    const view = this.session.view(this.busy, this.endpointLabel());
    const badge = this.hooks.retirement;
    return badge ? { ...view, retirement: view.models.map((m) => badge(m)) } : view;
  }

  /** The retirement dates or the clock changed: the page shows the new days left. */
  refreshRetirement(): void {
    this.postSession();
  }

  modelOptions(): readonly ModelOption[] {
    return this.models;
  }

  get modelsState(): { loading: boolean; error?: string } {
    return { loading: this.modelsLoading, ...(this.modelsError ? { error: this.modelsError } : {}) };
  }

  reveal(column?: vscode.ViewColumn): void {
    this.panel.reveal(column, false);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.abort?.abort();
    this.disposedEmitter.fire();
    super.dispose();
    this.panel.dispose();
  }

  // ---- changes from commands

  setModels(models: readonly string[]): void {
    const ids = models.map((m) => m.trim()).filter(Boolean).slice(0, MAX_COLUMNS);
    if (!ids.length) return;
    while (this.session.models.length > ids.length) this.session.removeColumn(this.session.models.length - 1);
    ids.forEach((id, i) => (i < this.session.models.length ? this.session.setModel(i, id) : this.session.addColumn(id)));
    this.hooks.rememberModels(this.session.models);
    this.update();
  }

  setSystem(system: string): void {
    this.session.system = system;
    this.update();
  }

  /** Replaces the conversation with a loaded one (its last turn waits for replies; the dataset's reply is shown). */
  async load(conversation: Conversation, source?: { label: string; uri: string }): Promise<void> {
    await this.stop();
    this.session.clear();
    this.session.system = conversation.system;
    for (const t of conversation.turns) {
      const i = this.session.addTurn(t.user);
      if (t.assistant !== undefined) {
        const text = t.assistant;
        this.session.turns[i]!.replies = this.session.models.map((model) => ({ text, status: 'done', model, fromDataset: true }));
      }
    }
    const last = this.session.turns[this.session.turns.length - 1];
    if (last && conversation.expected !== undefined) last.expected = conversation.expected;
    if (source) {
      this.session.source = source.label;
      this.session.sourceUri = source.uri;
    }
    this.setNotice(conversation.notes.length ? { level: 'info', message: `Loaded${source ? ` from ${source.label}` : ''}; ${conversation.notes.join('; ')}.` } : null);
    this.update();
  }

  // ---- requests

  /** Sends a user turn to every column. */
  async send(text: string): Promise<void> {
    if (this.running) await this.stop();
    this.session.addTurn(text);
    await this.run();
  }

  /** Asks every column for its reply to the last turn (replacing what is there). */
  async run(): Promise<void> {
    if (this.running) return this.running;
    const turn = this.session.turns.length - 1;
    if (turn < 0) return;
    const generation = ++this.generation;
    const abort = new AbortController();
    this.abort = abort;
    const t = this.session.turns[turn]!;
    t.replies = this.session.models.map((model) => ({ text: '', status: 'waiting', model }));
    this.setNotice(null);
    const done = (async () => {
      // one client per provider (several configured: a column may name `@provider/model`, issue 16)
      const current = this.provider.currentProvider();
      const clients = new Map<ProviderKind, Promise<TunelineClient>>();
      const clientOf = (kind: ProviderKind): Promise<TunelineClient> => {
        let c = clients.get(kind);
        if (!c) {
          c = this.provider.getClient(kind === current ? {} : { provider: kind });
          clients.set(kind, c);
        }
        return c;
      };
      await Promise.all(
        this.session.models.map(async (model, column) => {
          const ref = parseModelRef(model, current);
          let client: TunelineClient;
          try {
            client = await clientOf(ref.provider);
          } catch (e) {
            const message = e instanceof CancelledError ? 'Cancelled.' : describeError(e);
            const reply: Reply = { text: '', status: e instanceof CancelledError ? 'stopped' : 'error', model, error: message };
            if (this.generation === generation && column < t.replies.length) {
              t.replies[column] = reply;
              this.channel.post({ type: 'reply', turn, column, reply });
              this.changed.fire();
            }
            if (!(e instanceof CancelledError)) this.setNotice({ level: 'error', message });
            return;
          }
          await this.stream(client, generation, turn, column, model, abort.signal, ref.model);
        }),
      );
    })();
    this.running = done;
    this.update();
    try {
      await done;
    } finally {
      if (this.generation === generation) {
        this.running = undefined;
        this.abort = undefined;
      }
      this.update();
    }
  }

  /** Aborts every stream; resolves once they have ended. */
  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.log.info('Playground: stopping the replies');
    this.abort?.abort();
    await running.catch(() => undefined);
  }

  /** `model`: the column's model as shown (maybe `@provider/id`); `serviceModel`: the id its provider knows. */
  private async stream(client: TunelineClient, generation: number, turn: number, column: number, model: string, signal: AbortSignal, serviceModel = model): Promise<void> {
    const messages: SimpleMessage[] = this.session.messagesFor(column, turn);
    let text = '';
    let usage: Usage | undefined;
    let finishReason: string | undefined;
    const set = (reply: Reply) => {
      if (this.generation !== generation && !signal.aborted) return;
      const t = this.session.turns[turn];
      if (!t || column >= t.replies.length) return;
      t.replies[column] = reply;
      this.channel.post({ type: 'reply', turn, column, reply });
      this.changed.fire();
    };
    set({ text: '', status: 'streaming', model });
    let status: Reply['status'] = 'done';
    let error: string | undefined;
    try {
      const stream = client.streamChat(
        { model: serviceModel, messages, temperature: this.session.temperature, maxCompletionTokens: this.session.maxTokens },
        { signal },
      );
      for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
        const choice = chunk.choices?.[0];
        const delta = choice?.delta?.content;
        if (delta) {
          text += delta;
          const t = this.session.turns[turn];
          const r = t?.replies[column];
          if (t && r && this.generation === generation) {
            t.replies[column] = { ...r, text };
            // While the page is away the whole session is sent when it is back; no need to queue every delta.
            if (this.channel.isReady) this.channel.post({ type: 'delta', turn, column, text: delta });
            this.changed.fire();
          }
        }
        if (choice?.finish_reason) finishReason = choice.finish_reason;
        if (chunk.usage) {
          usage = { prompt: chunk.usage.prompt_tokens, completion: chunk.usage.completion_tokens, total: chunk.usage.total_tokens, estimated: false };
        }
      }
      if (signal.aborted) status = 'stopped';
    } catch (e) {
      if (signal.aborted || e instanceof CancelledError) status = 'stopped';
      else {
        status = 'error';
        error = describeError(e);
        this.log.warn(`Playground: ${model} failed: ${error}`);
      }
    }
    set({
      text,
      status,
      model,
      usage: usage ?? estimateUsage(messages, text),
      ...(error ? { error } : {}),
      ...(finishReason ? { finishReason } : {}),
    });
  }

  // ---- the page

  private async handle(m: PlaygroundToHost): Promise<void> {
    try {
      switch (m.type) {
        case 'send':
          await this.send(m.text);
          break;
        case 'run':
          await this.run();
          break;
        case 'stop':
          await this.stop();
          break;
        case 'setModel':
          this.session.setModel(m.column, m.model);
          this.hooks.rememberModels(this.session.models);
          this.update();
          break;
        case 'addColumn': {
          const options = this.models.filter((o) => !this.session.models.includes(o.id));
          if (this.session.addColumn(options[0]?.id ?? this.session.models[0] ?? DEFAULT_MODEL)) {
            this.hooks.rememberModels(this.session.models);
          }
          this.update();
          break;
        }
        case 'removeColumn':
          if (this.running) await this.stop();
          if (this.session.removeColumn(m.column)) this.hooks.rememberModels(this.session.models);
          this.update();
          break;
        case 'setOptions':
          if (m.system !== undefined) this.session.system = m.system;
          if (m.temperature !== undefined) this.session.temperature = clamp(m.temperature, TEMPERATURE_RANGE);
          if (m.maxTokens !== undefined) this.session.maxTokens = Math.round(clamp(m.maxTokens, MAX_TOKENS_RANGE));
          this.changed.fire();
          break;
        case 'editReply': {
          const t = this.session.turns[m.turn];
          const r = t?.replies[m.column];
          if (t && r && r.status !== 'streaming' && r.status !== 'waiting') {
            t.replies[m.column] = { ...r, text: m.text, edited: true };
            this.update();
          }
          break;
        }
        case 'saveExample':
          this.hooks.saveExample(m.column);
          break;
        case 'clear':
          await this.stop();
          this.session.clear();
          this.setNotice(null);
          this.update();
          break;
        case 'refreshModels':
          await this.refreshModels();
          break;
        case 'openLink':
          await openHttpsLink(m.url);
          break;
        case 'ready':
          break;
      }
    } catch (e) {
      this.log.error(`Playground: ${m.type} failed`, e);
      this.setNotice({ level: 'error', message: describeError(e) });
    }
  }

  setNotice(notice: Notice | null): void {
    this.notice = notice;
    this.channel.post({ type: 'notice', notice });
  }

  private update(): void {
    this.postSession();
    this.changed.fire();
  }

  private postSession(): void {
    this.channel.post({ type: 'session', session: this.view() });
  }

  private postModels(): void {
    this.channel.post({ type: 'models', models: this.models, loading: this.modelsLoading, ...(this.modelsError ? { error: this.modelsError } : {}) });
  }

  private endpointLabel(): string | undefined {
    try {
      return providerLabel(this.provider.currentEndpoint());
    } catch {
      return undefined;
    }
  }

  /** Lists the models the user can pick (the endpoint's, the catalogue's base models, Azure deployments). */
  async refreshModels(): Promise<void> {
    const request = ++this.modelsRequest;
    this.modelsLoading = true;
    this.postModels();
    const result = await loadModelOptions(this.provider, this.log);
    if (request !== this.modelsRequest || this.isDisposed) return;
    this.models = result.models;
    this.modelsError = result.error;
    this.modelsLoading = false;
    this.postModels();
    this.postSession();
    this.changed.fire();
  }
}

function clamp(n: number, [lo, hi]: readonly [number, number]): number {
  return Math.min(hi, Math.max(lo, n));
}

/** Opens an `https:` link from a reply in the browser (VS Code asks the user first for untrusted domains). */
async function openHttpsLink(url: string): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return;
  await vscode.env.openExternal(vscode.Uri.parse(parsed.toString()));
}
