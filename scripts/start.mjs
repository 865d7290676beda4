#!/usr/bin/env node
// `npm start`: try Tuneline offline. Does its own set-up first (scripts/setup.mjs: Debian packages, `npm ci` when
// node_modules is missing or stale, the test VS Code: code-server's VS Code 1.100.3, into .vscode-test/), builds the
// extension, starts the local OpenAI-shaped API (tools/local-api, demo clock: a job takes
// about a minute) and VS Code in the browser with Tuneline loaded, pointed at that API with a demo key, on a sample
// workspace (.vscode-test/demo-workspace: a good dataset, a broken one and a DPO one). Prints the URL to open.
// Ctrl+C stops everything.
//
// Options: --port N (VS Code's port; default 3000, or a free one if taken) --flavour openai|azure
//          --provider openai|azure|nebius|bedrock-mantle|together|fireworks (that provider's local API, issue 20)
//          --screenshot FILE (open the workbench in headless Chromium, save a screenshot, then stop; for the README)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installTestVSCode } from './install-test-vscode.mjs';
import { setupOrExit } from './setup.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const flavour = opt('--flavour', 'openai');
// --provider NAME (issue 20): the local server of that provider (tools/local-api/providers.ts), which prints the demo's
// settings and key variable on a TUNELINE_DEMO line.
const provider = opt('--provider', '');
let demo; // the TUNELINE_DEMO line, when --provider is given
const screenshotFile = opt('--screenshot', '');
const wantedPort = Number(opt('--port', '3000'));
const KEY = 'sk-local-demo';

const children = [];
function stopAll(code = 0) {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 300).unref();
}
process.on('SIGINT', () => {
  process.stdout.write('\nStopping Tuneline demo...\n');
  stopAll(0);
});
process.on('SIGTERM', () => stopAll(0));

function portFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}
async function pickPort(port) {
  if (port > 0 && (await portFree(port))) return port;
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const p = srv.address().port;
      srv.close(() => resolve(p));
    });
  });
}

/** Starts a child and resolves with the first stdout match of `re`. */
function startChild(cmd, childArgs, re, env, what) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, childArgs, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 90 s:\n${out}`)), 90_000);
    const onData = (b) => {
      out += b;
      const m = re.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolve({ child, match: m });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (b) => (out += b));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}):\n${out}`));
    });
  });
}

function prepareWorkspace(dir) {
  const datasets = path.join(dir, 'datasets');
  if (fs.existsSync(datasets)) return; // keep the user's edits between runs
  fs.mkdirSync(datasets, { recursive: true });
  for (const f of ['good.jsonl', 'broken.jsonl', 'dpo.jsonl']) {
    fs.copyFileSync(path.join(root, 'test', 'fixtures', 'workspace', 'datasets', f), path.join(datasets, f));
  }
  fs.writeFileSync(
    path.join(dir, 'README.md'),
    '# Tuneline demo workspace\n\n- `datasets/good.jsonl`: 60 clean chat examples.\n- `datasets/broken.jsonl`: a file with problems to find and fix.\n- `datasets/dpo.jsonl`: preference (DPO) examples.\n\nTuneline talks to a local stand-in of the API, so nothing here costs money.\n',
  );
}

function writeUserSettings(serverData, apiBase) {
  const dir = path.join(serverData, 'data', 'User');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'settings.json');
  let settings = {};
  try {
    settings = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    /* first run */
  }
  Object.assign(settings, {
    'workbench.startupEditor': 'none',
    'tuneline.provider': flavour === 'azure' ? 'azure' : 'openai',
    'tuneline.baseUrl': flavour === 'azure' ? '' : apiBase,
    'tuneline.azure.endpoint': flavour === 'azure' ? apiBase.replace(/\/openai\/v1\/?$/, '') : '',
    ...(demo ? demo.settings : {}),
  });
  fs.writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`);
}

async function main() {
  await setupOrExit('start');
  const serverMain = installTestVSCode();
  await new Promise((resolve, reject) => {
    const b = spawn(process.execPath, [path.join(root, 'esbuild.js')], { cwd: root, stdio: 'inherit' });
    b.once('exit', (code) => (code === 0 ? resolve() : reject(new Error('build failed'))));
  });

  const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const api = await startChild(
    process.execPath,
    [tsx, path.join(root, 'tools', 'local-api', 'main.ts'), '--port', '0', '--flavour', flavour, '--key', KEY, '--speed', 'demo', '--quiet', ...(provider ? ['--provider', provider] : [])],
    provider ? /listening on (http:\/\/127\.0\.0\.1:\d+\S*)[\s\S]*TUNELINE_DEMO (\{.*\})/ : /listening on (http:\/\/127\.0\.0\.1:\d+\S*)/,
    {},
    'the local API',
  );
  const apiBase = api.match[1];
  if (provider) demo = JSON.parse(api.match[2]);

  const stateDir = path.join(root, '.vscode-test');
  const workspace = path.join(stateDir, 'demo-workspace');
  const serverData = path.join(stateDir, 'demo-data');
  const extensions = path.join(stateDir, 'demo-extensions');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneline-demo-'));
  prepareWorkspace(workspace);
  fs.mkdirSync(extensions, { recursive: true });
  writeUserSettings(serverData, apiBase);

  const port = await pickPort(wantedPort);
  await startChild(
    process.execPath,
    [
      serverMain,
      '--host', '127.0.0.1',
      '--port', String(port),
      '--without-connection-token',
      '--accept-server-license-terms',
      '--disable-workspace-trust',
      '--extensions-dir', extensions,
      '--server-data-dir', serverData,
    ],
    /Extension host agent listening on/,
    {
      TMPDIR: tmp,
      VSCODE_AGENT_FOLDER: serverData,
      [flavour === 'azure' ? 'AZURE_OPENAI_API_KEY' : 'OPENAI_API_KEY']: KEY,
      ...(demo ? { [demo.keyEnvVar]: demo.key } : {}),
    },
    'VS Code',
  );
  const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload = encodeURIComponent(JSON.stringify([['extensionDevelopmentPath', remote(root)], ['skipWelcome', 'true']]));
  const url = `http://127.0.0.1:${port}/?folder=${remote(workspace)}&payload=${payload}`;

  process.stdout.write(
    [
      '',
      'Tuneline demo is running.',
      `  Local API (${provider || flavour}): ${apiBase}   key: ${demo ? demo.key : KEY}`,
      `  Open VS Code in your browser:  ${url}`,
      `  Sample workspace:              ${path.relative(root, workspace)}`,
      'Ctrl+C stops everything.',
      '',
    ].join('\n'),
  );

  if (screenshotFile) {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    await page.goto(url);
    await page.locator('.activitybar').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(4000);
    // Open the broken dataset through Quick Open, the way a person would.
    await page.mouse.click(800, 400);
    await page.keyboard.press('Control+P');
    await page.waitForTimeout(500);
    await page.keyboard.type('broken.jsonl');
    await page.waitForTimeout(800);
    await page.keyboard.press('Enter');
    await page.waitForTimeout(3000);
    // Show the Problems panel too.
    await page.keyboard.press('Control+Shift+M');
    await page.waitForTimeout(1500);
    await page.locator('.activitybar a[aria-label^="Tuneline"]').first().click().catch(() => {});
    await page.waitForTimeout(2500);
    fs.mkdirSync(path.dirname(path.resolve(screenshotFile)), { recursive: true });
    await page.screenshot({ path: path.resolve(screenshotFile) });
    await browser.close();
    process.stdout.write(`Screenshot saved to ${screenshotFile}\n`);
    stopAll(0);
  }
}

main().catch((e) => {
  process.stderr.write(`npm start: ${e && e.message ? e.message : e}\n`);
  stopAll(1);
});
