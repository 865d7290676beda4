/**
 * The two error types every layer shares (no `vscode`: the engine, the API client and the CLI throw them too). The
 * extension's one command wrapper (`src/common/commands.ts`) shows a `UserFacingError`'s message as it is, with its
 * actions as buttons, and stays silent on a `CancelledError`.
 */

/** What a button on an error does: run a function, or run a VS Code command (so vscode-free code can offer one). */
export type ErrorAction = (() => unknown) | { readonly command: string; readonly args?: readonly unknown[] };

/** An error whose message is written for the user; the wrapper shows it as it is. */
export class UserFacingError extends Error {
  constructor(
    message: string,
    /** Extra buttons: label → action. */
    readonly actions: Readonly<Record<string, ErrorAction>> = {},
  ) {
    super(message);
    this.name = 'UserFacingError';
  }
}

/** Thrown (or returned) when the user cancels: the wrapper stays silent. */
export class CancelledError extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'CancelledError';
  }
}
