/**
 * Registers the playground (issue 8): `tuneline.openPlayground`, `tuneline.playground.saveAsExample`,
 * `tuneline.tryInPlayground` (editor context menu and a code lens on dataset lines), and returns a small surface for
 * the integration tests.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProviderService } from '../connection/provider';
import type { ChatMessage } from '../api/types';
import { UserFacingError } from '../common/commands';
import { registerCommands, type Feature } from '../common/feature';
import type { ConnectedContext } from '../connection';
import { retirementBadge, type Retirements } from '../connection/retirement';
import { Disposable } from '../common/dispose';
import type { Logger } from '../common/logger';
import type { ModelOption, SessionView } from '../common/protocol/playground';
import { readCodeLensSetting, readSettings } from '../common/settings';
import { conversationFromLine, conversationFromMessages } from './example';
import { PlaygroundPanel } from './playgroundPanel';
import { saveAsExample, type SaveArgs, type SaveResult } from './saveExample';

const LAST_MODELS = 'tuneline.playground.models';
const CODE_LENS_SETTING = 'playground.codeLens';
/** Context key: a playground panel is open (the save command shows in the palette). */
const OPEN_CONTEXT = 'tuneline.playgroundOpen';
/** Documents with more lines get no code lenses (the context menu still works). */

export interface PlaygroundApi {
  /** The open playground's session, if any. */
  session(): SessionView | undefined;
  /** The models the open playground offers. */
  models(): { options: readonly ModelOption[]; loading: boolean; error?: string } | undefined;
  /** Fires when the open playground's session or model list changes. */
  readonly onDidChange: vscode.Event<void>;
  /** Aborts the open playground's replies; resolves when they have ended. */
  stop(): Promise<void>;
}

export interface OpenArgs {
  readonly models?: readonly string[];
  readonly messages?: readonly ChatMessage[];
  readonly system?: string;
}

function parseOpenArgs(value: unknown): OpenArgs {
  if (!value || typeof value !== 'object' || value instanceof vscode.Uri) return {};
  const v = value as Record<string, unknown>;
  const models = Array.isArray(v.models) ? v.models.filter((m): m is string => typeof m === 'string' && m.trim() !== '') : undefined;
  const messages = Array.isArray(v.messages) ? (v.messages as ChatMessage[]) : undefined;
  return { ...(models?.length ? { models } : {}), ...(messages ? { messages } : {}), ...(typeof v.system === 'string' ? { system: v.system } : {}) };
}

/** The playground feature: see `Playground`. */
export function register(ctx: ConnectedContext): Feature<PlaygroundApi> {
  const playground = new Playground(ctx.extension, ctx.provider, ctx.log, ctx.retirements);
  return { disposable: playground, api: playground.api };
}

class Playground extends Disposable {
  private panel: PlaygroundPanel | undefined;
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly api: PlaygroundApi;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly provider: ProviderService,
    private readonly log: Logger,
    private readonly retirements: Retirements,
  ) {
    super();
    this._register({ dispose: () => this.panel?.dispose() });
    this._register(retirements.onDidChange(() => this.panel?.refreshRetirement()));
    this._register(
      registerCommands(
        {
          'tuneline.openPlayground': (args?: unknown) => this.open(parseOpenArgs(args)),
          'tuneline.playground.saveAsExample': (args?: unknown) => this.save(args),
          'tuneline.tryInPlayground': (uri?: unknown, line?: unknown) => this.tryLine(uri, line),
        },
        log,
      ),
    );
    const lenses = new ExampleCodeLenses();
    this._register(lenses);
    this._register(vscode.languages.registerCodeLensProvider([{ language: 'jsonl' }], lenses));
    this.api = {
      session: () => this.panel?.view(),
      models: () => (this.panel ? { options: this.panel.modelOptions(), ...this.panel.modelsState } : undefined),
      onDidChange: this.changed.event,
      stop: async () => this.panel?.stop(),
    };
  }

  private defaultModels(): string[] {
    const last = this.context.globalState.get<unknown>(LAST_MODELS);
    if (Array.isArray(last) && last.length && last.every((m) => typeof m === 'string')) return last as string[];
    return [readSettings().model];
  }

  /** Opens (or reveals) the playground; `args` choose its models, conversation and system prompt. */
  async open(args: OpenArgs = {}, column?: vscode.ViewColumn): Promise<SessionView> {
    const panel = this.ensurePanel(column);
    if (args.models?.length) {
      // Replies being written belong to the old columns.
      if (panel.busy) await panel.stop();
      panel.setModels(args.models);
    }
    if (args.messages) {
      const conv = conversationFromMessages(args.messages);
      if (typeof conv === 'string') throw new UserFacingError(`Tuneline cannot open this conversation in the playground: ${conv}.`);
      await panel.load(conv);
    }
    if (args.system !== undefined) panel.setSystem(args.system);
    return panel.view();
  }

  private ensurePanel(column?: vscode.ViewColumn): PlaygroundPanel {
    if (this.panel) {
      this.panel.reveal(column);
      return this.panel;
    }
    const panel = new PlaygroundPanel(
      this.context.extensionUri,
      this.provider,
      this.log,
      {
        saveExample: (c) => void vscode.commands.executeCommand('tuneline.playground.saveAsExample', { column: c }),
        rememberModels: (m) => void this.context.globalState.update(LAST_MODELS, [...m]),
        retirement: (m) => retirementBadge(this.retirements.viewRef(m, this.provider.currentEndpoint().provider)),
      },
      this.defaultModels(),
      column ?? vscode.ViewColumn.Active,
    );
    this.panel = panel;
    void vscode.commands.executeCommand('setContext', OPEN_CONTEXT, true);
    const sub = panel.onDidChange(() => this.changed.fire());
    panel.onDidDispose(() => {
      sub.dispose();
      if (this.panel === panel) {
        this.panel = undefined;
        void vscode.commands.executeCommand('setContext', OPEN_CONTEXT, false);
      }
      this.changed.fire();
    });
    this.changed.fire();
    return panel;
  }

  private async save(args: unknown): Promise<SaveResult | undefined> {
    const panel = this.panel;
    if (!panel) throw new UserFacingError('Open the playground and talk to a model first: "Tuneline: Open Playground".');
    return saveAsExample(panel, (args ?? {}) as SaveArgs, this.log);
  }

  /** Opens the dataset line's conversation (up to its last assistant turn) in the playground. */
  private async tryLine(uriArg: unknown, lineArg: unknown): Promise<SessionView | undefined> {
    const editor = vscode.window.activeTextEditor;
    const uri = uriArg instanceof vscode.Uri ? uriArg : typeof uriArg === 'string' ? vscode.Uri.parse(uriArg) : editor?.document.uri;
    if (!uri) throw new UserFacingError('Open a .jsonl dataset and put the cursor on an example, then run "Try in Playground".');
    const doc = await vscode.workspace.openTextDocument(uri);
    const line =
      typeof lineArg === 'number' && Number.isInteger(lineArg)
        ? lineArg
        : editor && editor.document.uri.toString() === uri.toString()
          ? editor.selection.active.line
          : 0;
    if (line < 0 || line >= doc.lineCount) throw new UserFacingError(`${path.posix.basename(uri.path)} has no line ${line + 1}.`);
    const conv = conversationFromLine(doc.lineAt(line).text);
    const name = path.posix.basename(uri.path);
    if (typeof conv === 'string') throw new UserFacingError(`Line ${line + 1} of ${name} cannot be tried in the playground: ${conv}.`);
    const shown = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
    const panel = this.ensurePanel(this.panel ? undefined : shown ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active);
    await panel.load(conv, { label: `${name}, line ${line + 1}`, uri: uri.toString() });
    return panel.view();
  }
}

/**
 * "Try in playground" above the example line(s) the cursor is on (setting `tuneline.playground.codeLens`). Only the
 * cursor lines get a lens: a lens above every line would halve how many examples fit on screen, and a dataset can
 * have 100,000 lines. The lens follows the cursor; the editor context menu offers the same command.
 */
class ExampleCodeLenses extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;
  private lastCursorKey = '';

  constructor() {
    super();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`tuneline.${CODE_LENS_SETTING}`)) this.changed.fire();
      }),
    );
    this._register(
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor.document.languageId !== 'jsonl') return;
        const key = `${e.textEditor.document.uri.toString()}#${cursorLines(e.textEditor).join(',')}`;
        if (key === this.lastCursorKey) return;
        this.lastCursorKey = key;
        this.changed.fire();
      }),
    );
  }

  provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): vscode.CodeLens[] {
    if (!readCodeLensSetting(document.uri)) return [];
    const lines = new Set<number>();
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document === document) for (const l of cursorLines(editor)) lines.add(l);
    }
    const lenses: vscode.CodeLens[] = [];
    for (const i of [...lines].sort((a, b) => a - b)) {
      if (token.isCancellationRequested) return [];
      if (i >= document.lineCount) continue;
      const text = document.lineAt(i).text;
      // Cheap test; the command checks the line properly.
      if (!/"(assistant|preferred_output)"/.test(text)) continue;
      lenses.push(
        new vscode.CodeLens(new vscode.Range(i, 0, i, 0), {
          title: '$(comment-discussion) Try in playground',
          tooltip: 'Open this conversation, up to its last assistant reply, in the playground and compare the models’ replies with the dataset’s',
          command: 'tuneline.tryInPlayground',
          arguments: [document.uri, i],
        }),
      );
    }
    return lenses;
  }
}

/** The lines the editor's cursors are on (at most 20: a lens per line of a huge multi-cursor edit helps nobody). */
function cursorLines(editor: vscode.TextEditor): number[] {
  return [...new Set(editor.selections.map((s) => s.active.line))].slice(0, 20);
}
