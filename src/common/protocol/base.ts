/**
 * The part of the webview message protocol every Tuneline webview shares. Protocol modules are pure types and type
 * guards, imported by both sides: the extension host (`src/common/webview.ts`, the panels) and the page
 * (`src/webview/<name>/main.ts`). No `vscode` import and no DOM here.
 */

/** Sent by a page once its script has loaded and its listeners are installed; the host queues messages until then. */
export interface ReadyMessage {
  readonly type: 'ready';
}

/** Any protocol message: a discriminated union member tagged by `type`. */
export interface Message {
  readonly type: string;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isReady(value: unknown): value is ReadyMessage {
  return isObject(value) && value.type === 'ready';
}

export function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
