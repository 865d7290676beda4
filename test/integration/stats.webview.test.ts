import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { contentSecurityPolicy, escapeAttr, escapeHtml, renderWebviewHtml, WebviewChannel, webviewPanelOptions } from '../../src/common/webview';
import { isStatsToHost, type HostToStats, type StatsToHost } from '../../src/common/protocol/stats';
import { activateExtension } from './helpers';

/** A stand-in for `vscode.Webview`: records what the host posts and lets the test play the page. */
class FakeWebview {
  readonly posted: unknown[] = [];
  readonly cspSource = 'https://webview.test';
  private readonly emitter = new vscode.EventEmitter<unknown>();
  readonly onDidReceiveMessage = this.emitter.event;
  html = '';
  options = {};
  asWebviewUri(uri: vscode.Uri): vscode.Uri {
    return uri.with({ scheme: 'https', authority: 'webview.test' });
  }
  postMessage(message: unknown): Thenable<boolean> {
    this.posted.push(message);
    return Promise.resolve(true);
  }
  fromPage(message: unknown): void {
    this.emitter.fire(message);
  }
}

describe('Dataset statistics: webview infrastructure', () => {
  let log: Awaited<ReturnType<typeof activateExtension>>['log'];
  before(async () => {
    log = (await activateExtension()).log;
  });

  it('renders a page with a strict CSP, a fresh nonce per render and escaped text', () => {
    const wv = new FakeWebview();
    const ext = vscode.Uri.file('/ext');
    const render = () =>
      renderWebviewHtml(wv as unknown as vscode.Webview, ext, { name: 'stats', title: '<script>alert(1)</script> "x"', data: { file: 'a"b<c>' } });
    const html = render();
    // The attribute is HTML-escaped (the browser decodes &#39; back to ').
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replace(/&#39;/g, "'");
    assert.ok(csp, 'a CSP meta tag');
    assert.match(csp, /^default-src 'none'; /);
    const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    assert.ok(nonce && nonce.length >= 22, 'a nonce of 128 bits');
    assert.match(csp, new RegExp(`style-src ${wv.cspSource.replace(/[.+]/g, '\\$&')} 'nonce-`));
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    // Exactly one script, carrying the nonce, loaded from dist/webview.
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]!);
    assert.equal(scripts.length, 1);
    assert.match(scripts[0]!, new RegExp(`nonce="${nonce.replace(/[+/=]/g, '\\$&')}"`));
    assert.match(scripts[0]!, /src="https:\/\/webview\.test\/ext\/dist\/webview\/stats\.js"/);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/webview\.test\/ext\/dist\/webview\/stats\.css">/);
    assert.match(html, /<title>&lt;script&gt;alert\(1\)&lt;\/script&gt; &quot;x&quot;<\/title>/);
    assert.match(html, /data-file="a&quot;b&lt;c&gt;"/);
    assert.doesNotMatch(html, /style="/, 'no inline styles');
    assert.notEqual(/nonce="([^"]+)"/.exec(render())?.[1], nonce, 'a new nonce on every render');

    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    assert.equal(escapeAttr('a`b\nc'), 'a&#96;b&#10;c');
    assert.equal(contentSecurityPolicy('src', 'n').split('; ')[0], "default-src 'none'");
  });

  it('limits local resources to dist/webview and media and does not retain hidden pages', () => {
    const ext = vscode.Uri.file('/ext');
    const o = webviewPanelOptions(ext);
    assert.deepEqual(
      o.localResourceRoots?.map((u) => u.path),
      ['/ext/dist/webview', '/ext/media'],
    );
    assert.equal(o.enableScripts, true);
    assert.equal(o.enableCommandUris, false);
    assert.equal(o.retainContextWhenHidden, false);
  });

  it('queues messages until the page says ready, keeps only the newest whole state, and drops unchecked messages', () => {
    const wv = new FakeWebview();
    const channel = new WebviewChannel<StatsToHost, HostToStats>(wv as unknown as vscode.Webview, {
      isMessage: isStatsToHost,
      latestOnly: ['stats'],
      log,
      name: 'test',
    });
    try {
      const received: StatsToHost[] = [];
      let readies = 0;
      channel.onMessage((m) => received.push(m));
      channel.onReady(() => readies++);
      channel.post({ type: 'error', message: 'one' });
      channel.post({ type: 'stats', stats: { version: 1 } as never });
      channel.post({ type: 'stats', stats: { version: 2 } as never });
      assert.deepEqual(wv.posted, [], 'nothing is sent before ready');
      wv.fromPage({ type: 'ready' });
      assert.deepEqual(wv.posted, [
        { type: 'error', message: 'one' },
        { type: 'stats', stats: { version: 2 } },
      ]);
      assert.equal(readies, 1);
      channel.post({ type: 'error', message: 'two' });
      assert.equal(wv.posted.length, 3, 'sent at once when ready');

      // The page is hidden (and unloaded): queue again until it is back.
      channel.reset();
      channel.post({ type: 'error', message: 'three' });
      assert.equal(wv.posted.length, 3);
      wv.fromPage({ type: 'ready' });
      assert.equal(wv.posted.length, 4);
      assert.equal(readies, 2);

      // Messages from the page are checked against the protocol.
      wv.fromPage({ type: 'openLine', line: 3 });
      wv.fromPage({ type: 'openLine', line: -1 });
      wv.fromPage({ type: 'openLine', line: '3' });
      wv.fromPage({ type: 'selectBin', chart: 'tokens', bin: 2 });
      wv.fromPage({ type: 'selectBin', chart: 'nope', bin: 2 });
      wv.fromPage({ type: 'runCommand', command: 'workbench.action.quit' });
      wv.fromPage('ready');
      assert.deepEqual(received, [
        { type: 'openLine', line: 3 },
        { type: 'selectBin', chart: 'tokens', bin: 2 },
      ]);
    } finally {
      channel.dispose();
    }
    channel.post({ type: 'error', message: 'after dispose' });
    assert.equal(wv.posted.length, 4, 'a disposed channel sends nothing');
  });
});
