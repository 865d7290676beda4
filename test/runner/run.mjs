#!/usr/bin/env node
// Runs the integration suite (out/test/integration) inside a real VS Code 1.100.3, offline: code-server's VS Code
// server + web workbench, driven by Debian's Chromium through playwright-core. See
// ../shared/notes/testing-in-real-vscode.md. The suite runs twice: in a trusted workspace and in Restricted Mode;
// the extension host sees TUNELINE_TEST_TRUST=trusted|restricted.
//
// The suite talks back to this runner with marker lines on its console:
//   [[tuneline:request ID JSON]]  -> the runner does it (screenshot, key presses, clicks inside a webview...) and
//                                    writes TUNELINE_TEST_ACK_DIR/ID.json with { ok, error?, value? }
//   [[tuneline:summary JSON]]     -> the suite's counts { passed, failed, pending }
//
// Usage: node test/runner/run.mjs [--mode trusted|restricted|both] [--grep PATTERN] [--headed-slowmo MS]
// Exit code: 0 when every run passed, 1 otherwise.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';
import { fileURLToPath } from 'node:url';
import { installTestVSCode } from '../../scripts/install-test-vscode.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const modeArg = opt('--mode', process.env.TUNELINE_TEST_MODE || 'both');
const grep = opt('--grep', process.env.TUNELINE_TEST_GREP || '');
const modes = modeArg === 'both' ? ['trusted', 'restricted'] : [modeArg];
const RUN_TIMEOUT_MS = Number(process.env.TUNELINE_TEST_TIMEOUT_MS || 20 * 60_000);

const screenshotsDir = path.join(root, 'test-results', 'screenshots');
const fixture = path.join(root, 'test', 'fixtures', 'workspace');
const suiteIndex = path.join(root, 'out', 'test', 'integration', 'index.js');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function log(...a) {
  process.stdout.write(`${util.format(...a)}\n`);
}

async function startServer(serverMain, mode, dirs) {
  const port = await freePort();
  const serverArgs = [
    serverMain,
    '--host', '127.0.0.1',
    '--port', String(port),
    '--without-connection-token',
    '--accept-server-license-terms',
    '--extensions-dir', dirs.extensions,
    '--server-data-dir', dirs.serverData,
  ];
  if (mode === 'trusted') serverArgs.push('--disable-workspace-trust');
  const child = spawn(process.execPath, serverArgs, {
    env: {
      ...process.env,
      TMPDIR: dirs.tmp,
      TUNELINE_TEST_TRUST: mode,
      TUNELINE_TEST_ACK_DIR: dirs.ack,
      TUNELINE_TEST_WORKSPACE: dirs.workspace,
      TUNELINE_TEST_GREP: grep,
      VSCODE_AGENT_FOLDER: dirs.serverData,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const serverLog = fs.createWriteStream(path.join(dirs.base, 'server.log'));
  child.stdout.pipe(serverLog);
  child.stderr.pipe(serverLog);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('VS Code server did not start within 60 s')), 60_000);
    const onData = (buf) => {
      if (String(buf).includes('Extension host agent listening on')) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`VS Code server exited early (${code}); see ${path.join(dirs.base, 'server.log')}`));
    });
  });
  return { child, port };
}

function copyDir(src, dst) {
  fs.cpSync(src, dst, { recursive: true });
}

/** Performs one request from the suite. */
async function handleRequest(page, mode, req) {
  switch (req.type) {
    case 'screenshot': {
      const dir = path.join(screenshotsDir, mode);
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${req.name.replace(/[^A-Za-z0-9._-]+/g, '-')}.png`);
      await page.waitForTimeout(req.settleMs ?? 400);
      await page.screenshot({ path: file });
      return { file };
    }
    case 'press': {
      for (const key of req.keys) {
        await page.keyboard.press(key);
        await page.waitForTimeout(req.delayMs ?? 60);
      }
      return {};
    }
    case 'type': {
      await page.keyboard.type(req.text, { delay: req.delayMs ?? 10 });
      return {};
    }
    case 'click': {
      // A selector in the workbench, or inside a webview (nested iframes) when `webview` is true.
      const target = req.webview
        ? page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame').locator(req.selector)
        : page.locator(req.selector);
      await target.first().click({ timeout: req.timeoutMs ?? 10_000 });
      return {};
    }
    case 'fill': {
      const target = req.webview
        ? page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame').locator(req.selector)
        : page.locator(req.selector);
      await target.first().fill(req.text, { timeout: req.timeoutMs ?? 10_000 });
      return {};
    }
    case 'text': {
      const target = req.webview
        ? page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame').locator(req.selector)
        : page.locator(req.selector);
      return { value: await target.first().innerText({ timeout: req.timeoutMs ?? 10_000 }) };
    }
    case 'count': {
      const target = req.webview
        ? page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame').locator(req.selector)
        : page.locator(req.selector);
      return { value: await target.count() };
    }
    default:
      throw new Error(`unknown request type ${req.type}`);
  }
}

async function runMode(serverMain, mode) {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), `tuneline-it-${mode}-`));
  const dirs = {
    base,
    tmp: path.join(base, 'tmp'),
    ack: path.join(base, 'ack'),
    extensions: path.join(base, 'extensions'),
    serverData: path.join(base, 'server-data'),
    workspace: path.join(base, 'workspace'),
  };
  for (const d of [dirs.tmp, dirs.ack, dirs.extensions, dirs.serverData]) fs.mkdirSync(d, { recursive: true });
  copyDir(fixture, dirs.workspace);

  log(`\n=== Integration suite, ${mode === 'trusted' ? 'trusted workspace' : 'Restricted Mode'} ===`);
  const started = Date.now();
  const { child: server, port } = await startServer(serverMain, mode, dirs);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  let summary = { passed: 0, failed: 0, pending: 0 };
  let exitCode = 1;
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    let resolveExit;
    const exited = new Promise((r) => (resolveExit = r));
    const queue = [];
    let busy = false;
    const pump = async () => {
      if (busy) return;
      busy = true;
      while (queue.length) {
        const { id, req } = queue.shift();
        let result;
        try {
          result = { ok: true, ...(await handleRequest(page, mode, req)) };
        } catch (e) {
          result = { ok: false, error: String(e && e.message ? e.message : e) };
        }
        fs.writeFileSync(path.join(dirs.ack, `${id}.json.tmp`), JSON.stringify(result));
        fs.renameSync(path.join(dirs.ack, `${id}.json.tmp`), path.join(dirs.ack, `${id}.json`));
      }
      busy = false;
    };
    await page.exposeFunction('codeAutomationLog', (type, logArgs) => {
      const text = util.format(...(Array.isArray(logArgs) ? logArgs : [logArgs]));
      for (const line of text.split('\n')) {
        const m = /\[\[tuneline:(request|summary) (?:(\S+) )?(.*)\]\]/.exec(line);
        if (m && m[1] === 'request') {
          try {
            queue.push({ id: m[2], req: JSON.parse(m[3]) });
            void pump();
          } catch (e) {
            log(`bad request line: ${line} (${e})`);
          }
          continue;
        }
        if (m && m[1] === 'summary') {
          try {
            summary = JSON.parse(m[3]);
          } catch {
            /* keep the default */
          }
          continue;
        }
        log(line);
      }
    });
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
    page.on('pageerror', (err) => log(`[page error] ${err.message}`));
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(root)],
      ['extensionTestsPath', remote(suiteIndex)],
      ['skipWelcome', 'true'],
    ];
    const url = `http://127.0.0.1:${port}/?folder=${remote(dirs.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url);
    let timer;
    const timeout = new Promise((r) => (timer = setTimeout(() => r('timeout'), RUN_TIMEOUT_MS)));
    const code = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    if (code === 'timeout') {
      log(`The ${mode} run did not finish within ${RUN_TIMEOUT_MS / 1000} s.`);
      fs.mkdirSync(screenshotsDir, { recursive: true });
      await page.screenshot({ path: path.join(screenshotsDir, `${mode}-timeout.png`) }).catch(() => {});
      exitCode = 1;
    } else {
      exitCode = Number(code) === 0 ? 0 : 1;
    }
    await context.close();
  } finally {
    await browser.close().catch(() => {});
    server.kill('SIGTERM');
    await new Promise((r) => {
      const t = setTimeout(() => {
        server.kill('SIGKILL');
        r();
      }, 5000);
      server.once('exit', () => {
        clearTimeout(t);
        r();
      });
    });
    if (exitCode === 0 && !process.env.TUNELINE_KEEP_TMP) fs.rmSync(base, { recursive: true, force: true });
    else log(`(run files kept in ${base})`);
  }
  log(`=== ${mode}: ${summary.passed} passing, ${summary.failed} failing, ${summary.pending} pending (${((Date.now() - started) / 1000).toFixed(1)} s) ===`);
  if (exitCode !== 0 && summary.failed === 0) summary.failed = 1; // a crash or timeout is a failure
  return { exitCode, summary };
}

async function main() {
  if (!fs.existsSync(suiteIndex)) throw new Error(`${path.relative(root, suiteIndex)} is missing: run \`node esbuild.js\` first`);
  const serverMain = installTestVSCode();
  // A full run starts from an empty folder; a partial run (--grep) keeps the other tests' screenshots.
  if (!grep) fs.rmSync(screenshotsDir, { recursive: true, force: true });
  const total = { passed: 0, failed: 0, pending: 0 };
  let exitCode = 0;
  for (const mode of modes) {
    const r = await runMode(serverMain, mode);
    total.passed += r.summary.passed;
    total.failed += r.summary.failed;
    total.pending += r.summary.pending;
    if (r.exitCode !== 0) exitCode = 1;
  }
  const resultsFile = path.join(root, 'test-results', 'integration.json');
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.writeFileSync(resultsFile, JSON.stringify({ modes, ...total, exitCode }, null, 2));
  log(`\nIntegration: ${total.passed} passed, ${total.failed} failed, ${total.pending} skipped`);
  process.exitCode = exitCode;
}

main().catch((e) => {
  process.stderr.write(`integration runner: ${e && e.message ? e.message : e}\n`);
  process.exitCode = 1;
});
