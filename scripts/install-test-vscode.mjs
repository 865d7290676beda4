#!/usr/bin/env node
// Installs the offline test VS Code (code-server 4.100.3 = VS Code 1.100.3 server + web workbench) into
// .vscode-test/code-server, the way @vscode/test-electron caches VS Code in .vscode-test/. Idempotent. Needs ripgrep
// (its rg is packed as the archive @vscode/ripgrep would download) and, for code-server's native modules, Node's
// headers under /usr and libkrb5-dev; scripts/setup.mjs installs those first.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const VERSION = '4.100.3';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, '.vscode-test', 'code-server');
export const serverMain = path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js');

function installed() {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'code-server', 'package.json'), 'utf8'));
    return pkg.version === VERSION && fs.existsSync(serverMain);
  } catch {
    return false;
  }
}

function which(cmd) {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

export function installTestVSCode() {
  if (installed()) return serverMain;
  const rg = which('rg');
  if (!rg) throw new Error('ripgrep is missing: apt-get install ripgrep (see .ci/run)');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'tuneline-test-vscode', private: true }, null, 2));
  // @vscode/ripgrep's postinstall downloads rg from GitHub unless it finds this cached archive first.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneline-rg-'));
  const cache = path.join(tmp, 'vscode-ripgrep-cache-1.15.11');
  fs.mkdirSync(cache, { recursive: true });
  const stage = path.join(tmp, 'stage');
  fs.mkdirSync(stage);
  fs.copyFileSync(rg, path.join(stage, 'rg'));
  execFileSync('tar', ['-czf', path.join(cache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz'), '-C', stage, 'rg']);
  const env = {
    ...process.env,
    TMPDIR: tmp,
    npm_config_unsafe_perm: 'true',
    npm_config_yes: 'true',
    npm_config_nodedir: '/usr',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    JOBS: 'max',
  };
  process.stderr.write(`Installing code-server@${VERSION} (VS Code 1.100.3) into ${path.relative(root, dir)} ...\n`);
  execFileSync('npm', ['install', '--no-save', '--loglevel=error', `code-server@${VERSION}`], { cwd: dir, env, stdio: 'inherit' });
  fs.rmSync(tmp, { recursive: true, force: true });
  if (!installed()) throw new Error('code-server installed, but server-main.js is missing');
  return serverMain;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t = Date.now();
  installTestVSCode();
  process.stderr.write(`Test VS Code ready (${((Date.now() - t) / 1000).toFixed(1)} s): ${path.relative(root, serverMain)}\n`);
}
