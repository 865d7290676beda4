import * as vscode from 'vscode';
import { Disposable } from '../common/dispose';
import { registerCommands, type Feature, type FeatureContext } from '../common/feature';
import type { Logger } from '../common/logger';
import type { DocumentModels } from '../documents';
import { validateFileOnDisk } from './validateFileOnDisk';
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

/** What the diagnostics feature shows the others: the per-document models it keeps, and the tests' view. */
export interface DiagnosticsApi {
  readonly documents: DocumentModels;
  readonly editing: DatasetEditingApi;
}

/** The diagnostics feature: see `DatasetEditing`. */
export function register(ctx: FeatureContext): Feature<DiagnosticsApi> {
  const editing = new DatasetEditing(ctx.extension, ctx.log);
  return { disposable: editing, api: { documents: editing.manager, editing: editing.api } };
}

/**
 * Dataset authoring in the editor (issue 5): diagnostics as you type, quick fixes, hover, status bar, the rule
 * documentation links and `tuneline.validateFileOnDisk`. Everything it creates is registered here, once.
 */
class DatasetEditing extends Disposable {
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
    this._register(
      registerCommands(
        {
          [SHOW_RULE_COMMAND]: (code?: unknown) => showRule(context.extensionUri, code),
          'tuneline.validateFileOnDisk': (uri?: unknown) => validateFileOnDisk(this.manager, log, uri),
        },
        log,
      ),
    );
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
