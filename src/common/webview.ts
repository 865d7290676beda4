import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { isReady, type Message } from './protocol/base';
import { Disposable } from './dispose';
import type { Logger } from './logger';

/**
 * The host side of every Tuneline webview: options (scripts on, resources only from `dist/webview` and `media`), the
 * page's HTML (a strict Content-Security-Policy with a fresh nonce per render, the page's bundle and stylesheet) and a
 * typed message channel with a ready handshake.
 *
 * The page's code is `src/webview/<name>/main.ts`, bundled by esbuild to `dist/webview/<name>.js` (and the CSS it
 * imports to `dist/webview/<name>.css`). Its protocol (a discriminated union each way) lives in `src/common/protocol`.
 */

/** Folders a webview may load from. */
export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/** Options for `createWebviewPanel`: scripts on, local resources limited, no context kept while hidden. */
export function webviewPanelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: webviewRoots(extensionUri),
    retainContextWhenHidden: false,
    enableFindWidget: true,
  };
}

/** A fresh nonce (128 random bits, base64) for one render of a page. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Escapes text for a double- or single-quoted HTML attribute value (also backticks and line breaks). */
export function escapeAttr(text: string): string {
  return escapeHtml(text).replace(/`/g, '&#96;').replace(/\r/g, '&#13;').replace(/\n/g, '&#10;');
}

/** The Content-Security-Policy of a page: nothing by default; the nonce'd bundle; styles, fonts and images from the extension. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
  ].join('; ');
}

export interface WebviewPageOptions {
  /** The bundle's name: `dist/webview/<name>.js` and `.css`. */
  readonly name: string;
  /** The document title (plain text; escaped here). */
  readonly title: string;
  /** Plain text shown until the script has rendered (escaped here). */
  readonly loadingText?: string;
  /** Extra `data-*` attributes on `<body>`: plain values, escaped here. */
  readonly data?: Readonly<Record<string, string>>;
}

/** The HTML of a page: a strict CSP, the page's stylesheet and its nonce'd script, and an empty `#root`. */
export function renderWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, options: WebviewPageOptions): string {
  const nonce = createNonce();
  const base = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(base, `${options.name}.js`));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(base, `${options.name}.css`));
  const data = Object.entries(options.data ?? {})
    .filter(([k]) => /^[a-z][a-z0-9-]*$/.test(k))
    .map(([k, v]) => ` data-${k}="${escapeAttr(v)}"`)
    .join('');
  return `<!DOCTYPE html>
<html lang="${escapeAttr(vscode.env.language || 'en')}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(contentSecurityPolicy(webview.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttr(style.toString())}">
<title>${escapeHtml(options.title)}</title>
</head>
<body${data}>
<main id="root" aria-live="polite"><p class="loading">${escapeHtml(options.loadingText ?? 'Loading…')}</p></main>
<script nonce="${escapeAttr(nonce)}" src="${escapeAttr(script.toString())}"></script>
</body>
</html>`;
}

export interface WebviewChannelOptions<FromPage extends Message> {
  /** Checks a message from the page; anything else is logged and dropped. */
  readonly isMessage: (value: unknown) => value is FromPage;
  /**
   * Message types where only the newest matters (a whole state): while the page is not ready, a newer queued message
   * of such a type replaces the older one.
   */
  readonly latestOnly?: ReadonlyArray<string>;
  readonly log: Logger;
  /** For the log. */
  readonly name: string;
}

/**
 * A typed, two-way message channel to one webview, with a ready handshake: messages posted before the page has said
 * `ready` (or while it is hidden and thus unloaded, since Tuneline never retains hidden webviews) are queued and sent
 * in order once it does. `onReady` fires on every `ready`, so the owner can send the whole state again to a page that
 * was re-created.
 */
export class WebviewChannel<FromPage extends Message, ToPage extends Message> extends Disposable {
  private ready = false;
  private queue: ToPage[] = [];
  private readonly latestOnly: ReadonlySet<string>;
  private readonly onMessageEmitter = this._register(new vscode.EventEmitter<FromPage>());
  private readonly onReadyEmitter = this._register(new vscode.EventEmitter<void>());
  /** A checked message from the page (never `ready`). */
  readonly onMessage = this.onMessageEmitter.event;
  /** The page has (re)loaded and listens. */
  readonly onReady = this.onReadyEmitter.event;

  static readonly MAX_QUEUE = 1000;

  constructor(
    private readonly webview: vscode.Webview,
    private readonly options: WebviewChannelOptions<FromPage>,
  ) {
    super();
    this.latestOnly = new Set(options.latestOnly ?? []);
    this._register(webview.onDidReceiveMessage((m: unknown) => this.receive(m)));
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Sends now if the page is ready, else queues. */
  post(message: ToPage): void {
    if (this.isDisposed) return;
    if (this.ready) {
      void this.webview.postMessage(message).then(
        (delivered) => {
          if (!delivered) this.options.log.debug(`${this.options.name} webview: ${message.type} not delivered`);
        },
        (e: unknown) => this.options.log.warn(`${this.options.name} webview: posting ${message.type} failed: ${String(e)}`),
      );
      return;
    }
    if (this.latestOnly.has(message.type)) {
      this.queue = this.queue.filter((q) => q.type !== message.type);
    }
    this.queue.push(message);
    if (this.queue.length > WebviewChannel.MAX_QUEUE) this.queue.shift();
  }

  /** The page is going away (hidden, or its HTML replaced): queue until it says `ready` again. */
  reset(): void {
    this.ready = false;
  }

  private receive(value: unknown): void {
    if (isReady(value)) {
      this.ready = true;
      const pending = this.queue;
      this.queue = [];
      for (const m of pending) this.post(m);
      this.onReadyEmitter.fire();
      return;
    }
    if (!this.options.isMessage(value)) {
      this.options.log.warn(`${this.options.name} webview: dropped an unexpected message ${safeJson(value)}`);
      return;
    }
    this.onMessageEmitter.fire(value);
  }
}

function safeJson(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 200);
  } catch {
    return String(value);
  }
}
