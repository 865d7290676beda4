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

  trace(message: string): void {
    this.channel.trace(this.redact(message));
  }
  debug(message: string): void {
    this.channel.debug(this.redact(message));
  }
  info(message: string): void {
    this.channel.info(this.redact(message));
  }
  warn(message: string): void {
    this.channel.warn(this.redact(message));
  }
  error(message: string, error?: unknown): void {
    const detail = error === undefined ? '' : `\n${describeError(error, true)}`;
    this.channel.error(this.redact(message + detail));
  }

  show(): void {
    this.channel.show(true);
  }
}

/** A short, human message for an error; with `stack`, the stack too (for the log only). */
export function describeError(error: unknown, stack = false): string {
  if (error instanceof Error) {
    return stack && error.stack ? error.stack : error.message;
  }
  return typeof error === 'string' ? error : JSON.stringify(error);
}
