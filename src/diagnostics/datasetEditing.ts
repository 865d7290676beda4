import * as vscode from 'vscode';
import { registerCommand } from '../common/commands';
import { Disposable } from '../common/dispose';
import type { Logger } from '../common/logger';
import { validateFileOnDisk } from '../commands/validateFileOnDisk';
import { SHOW_RULE_COMMAND } from './convert';
import { DatasetHoverProvider } from './hover';
import { DiagnosticsManager, JSONL_LANGUAGE } from './manager';
import { QuickFixProvider } from './quickFixes';
import { showRule } from './ruleDocs';
import { DatasetStatusBar, type StatusBarState } from './statusBar';

/** The read-only view of dataset editing the integration tests use (through the extension's API). */
export interface DatasetEditingApi {
  /** The status bar item as shown now. */
  readonly statusBar: StatusBarState;
  /** Whether Tuneline checks this document. */
  isChecked(uri: vscode.Uri): boolean;
  /** How often diagnostics were published for the document (the throttle's effect), and for which version last. */
  publishes(uri: vscode.Uri): { readonly count: number; readonly version: number } | undefined;
  /** Whether the document's token counts are exact (the idle worker count arrived). */
  tokensExact(uri: vscode.Uri): boolean | undefined;
}

/**
 * Dataset authoring in the editor (issue 5): diagnostics as you type, quick fixes, hover, status bar, the rule
 * documentation links and `tuneline.validateFileOnDisk`. Everything it creates is registered here, once.
 */
export class DatasetEditing extends Disposable {
  readonly manager: DiagnosticsManager;
  readonly statusBar: DatasetStatusBar;
  readonly api: DatasetEditingApi;

  constructor(context: vscode.ExtensionContext, log: Logger) {
    super();
    this.manager = this._register(new DiagnosticsManager(log));
    this.statusBar = this._register(new DatasetStatusBar(this.manager));
    const selector: vscode.DocumentSelector = { language: JSONL_LANGUAGE };
    this._register(vscode.languages.registerCodeActionsProvider(selector, new QuickFixProvider(this.manager), QuickFixProvider.metadata));
    this._register(vscode.languages.registerHoverProvider(selector, new DatasetHoverProvider(this.manager)));
    this._register(registerCommand(SHOW_RULE_COMMAND, (code?: unknown) => showRule(context.extensionUri, code), log));
    this._register(registerCommand('tuneline.validateFileOnDisk', (uri?: unknown) => validateFileOnDisk(this.manager, log, uri), log));
    const manager = this.manager;
    const statusBar = this.statusBar;
    this.api = {
      get statusBar() {
        return statusBar.state;
      },
      isChecked: (uri) => !!manager.get(uri),
      publishes: (uri) => {
        const t = manager.get(uri);
        return t ? { count: t.publishCount, version: t.publishedVersion } : undefined;
      },
      tokensExact: (uri) => manager.get(uri)?.index.stats().tokensExact,
    };
  }
}
