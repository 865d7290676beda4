import * as vscode from 'vscode';
import { CancelledError, UserFacingError, type ErrorAction } from '../core/errors';
import { describeError, type Logger } from './logger';

export { CancelledError, UserFacingError, type ErrorAction } from '../core/errors';

const SHOW_LOG = 'Show log';

/**
 * Registers a command behind the one error boundary every Tuneline command shares: an exception is logged with its
 * stack to the Tuneline log and shown once as a plain message with a "Show log" action. Cancellation is silent.
 * The handler's return value is passed through, so tests can call commands and inspect results.
 */
export function registerCommand(
  id: string,
  handler: (...args: any[]) => unknown,
  log: Logger,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (error) {
      if (error instanceof CancelledError || (error instanceof vscode.CancellationError)) return undefined;
      log.error(`Command ${id} failed`, error);
      const message = log.redact(describeError(error));
      const extra = error instanceof UserFacingError ? error.actions : {};
      void vscode.window.showErrorMessage(message, ...Object.keys(extra), SHOW_LOG).then((choice) => {
        if (choice === SHOW_LOG) log.show();
        else if (choice && extra[choice]) void runAction(extra[choice]);
      });
      return undefined;
    }
  });
}

/** Runs an error's button: a function, or a command with its arguments. */
export function runAction(action: ErrorAction): unknown {
  return typeof action === 'function' ? action() : vscode.commands.executeCommand(action.command, ...(action.args ?? []));
}
