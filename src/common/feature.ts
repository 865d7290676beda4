/**
 * The one shape every feature folder shows `extension.ts`: its `register.ts` exports `register(ctx)`, which builds the
 * feature, registers its commands from one table, and returns a `Feature`: one disposable for everything it made
 * (registered once, in `context.subscriptions`) and the small API the tests (and other extensions) read.
 */
import * as vscode from 'vscode';
import { registerCommand } from './commands';
import type { Logger } from './logger';

/** What every feature gets. Features that talk to the provider get `ConnectedContext` (`src/connection/`). */
export interface FeatureContext {
  readonly extension: vscode.ExtensionContext;
  readonly log: Logger;
}

export interface Feature<Api = undefined> {
  readonly disposable: vscode.Disposable;
  readonly api: Api;
}

/** A feature's commands: id → handler, each behind the one command wrapper. */
export type CommandTable = Readonly<Record<string, (...args: any[]) => unknown>>;

/** Registers every command of a table; one disposable for them all. */
export function registerCommands(table: CommandTable, log: Logger): vscode.Disposable {
  return vscode.Disposable.from(...Object.entries(table).map(([id, handler]) => registerCommand(id, handler, log)));
}

/** A feature from what it made (disposed in the order given) and its API. */
export function feature<Api>(disposables: readonly vscode.Disposable[], api: Api): Feature<Api> {
  return { disposable: vscode.Disposable.from(...disposables), api };
}
