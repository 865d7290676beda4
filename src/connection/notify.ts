/**
 * Every notification Tuneline's API commands show goes through here: redacted (no key can reach a notification),
 * written to the log, and kept in a short list tests can read.
 */
import * as vscode from 'vscode';
import type { Logger } from '../common/logger';

export class Notifier {
  private readonly recent: string[] = [];

  constructor(private readonly log: Logger) {}

  /** The last (at most 200) messages shown, redacted, oldest first. */
  get shown(): readonly string[] {
    return this.recent;
  }

  private record(level: string, message: string): string {
    const text = this.log.redact(message);
    this.recent.push(text);
    if (this.recent.length > 200) this.recent.shift();
    this.log.info(`[${level} shown] ${text}`);
    return text;
  }

  info<T extends string>(message: string, ...items: T[]): Thenable<T | undefined> {
    return vscode.window.showInformationMessage(this.record('information', message), ...items);
  }

  warn<T extends string>(message: string, ...items: T[]): Thenable<T | undefined> {
    return vscode.window.showWarningMessage(this.record('warning', message), ...items);
  }

  error<T extends string>(message: string, ...items: T[]): Thenable<T | undefined> {
    return vscode.window.showErrorMessage(this.record('error', message), ...items);
  }
}

/** An AbortSignal that aborts when the token is cancelled (and a disposable to stop listening). */
export function tokenToSignal(token: vscode.CancellationToken | undefined): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (!token) return { signal: controller.signal, dispose: () => undefined };
  if (token.isCancellationRequested) controller.abort();
  const sub = token.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, dispose: () => sub.dispose() };
}
