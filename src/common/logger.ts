import * as vscode from 'vscode';
import { Disposable } from './dispose';

/**
 * The one log of the extension: a `LogOutputChannel` ("Tuneline"), levelled, following "Developer: Set Log Level".
 * Every message passes through `redact`, so a secret registered with `addSecret` never reaches the log, even when
 * it is embedded in an error message or a URL.
 */
export class Logger extends Disposable {
  private readonly channel: vscode.LogOutputChannel;
  private readonly secrets = new Set<string>();
  private readonly taps = new Set<(level: LogLevelName, line: string) => void>();

  constructor(name = 'Tuneline') {
    super();
    this.channel = this._register(vscode.window.createOutputChannel(name, { log: true }));
  }

  /** Registers a value (an API key) that must never be written; it is replaced by `***`. */
  addSecret(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('***');
    return out;
  }

  /**
   * Tests: `listener` receives every line exactly as it is written to the channel (redacted), at every level, even
   * those the channel's log level hides. Dispose the result to stop.
   */
  tap(listener: (level: LogLevelName, line: string) => void): vscode.Disposable {
    this.taps.add(listener);
    return new vscode.Disposable(() => this.taps.delete(listener));
  }

  private write(level: LogLevelName, message: string): void {
    const line = this.redact(message);
    this.channel[level](line);
    for (const t of this.taps) t(level, line);
  }

  trace(message: string): void {
    this.write('trace', message);
  }
  debug(message: string): void {
    this.write('debug', message);
  }
  info(message: string): void {
    this.write('info', message);
  }
  warn(message: string): void {
    this.write('warn', message);
  }
  error(message: string, error?: unknown): void {
    const detail = error === undefined ? '' : `\n${describeError(error, true)}`;
    this.write('error', message + detail);
  }

  show(): void {
    this.channel.show(true);
  }
}

export type LogLevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** A short, human message for an error; with `stack`, the stack too (for the log only). */
export function describeError(error: unknown, stack = false): string {
  if (error instanceof Error) {
    return stack && error.stack ? error.stack : error.message;
  }
  return typeof error === 'string' ? error : JSON.stringify(error);
}
