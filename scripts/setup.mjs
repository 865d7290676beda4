// The set-up `npm start`, `npm test` and `.ci/run` share, so that each works alone from a fresh clone on Debian with
// only Node 20: the Debian packages (through apt-get when running as root; otherwise one line naming the command to
// run, and stop), `npm ci` when node_modules is missing or does not match package-lock.json, and the test VS Code
// (scripts/install-test-vscode.mjs). Node built-ins only: it runs before node_modules exists.
//
//   node scripts/setup.mjs [--packages-only] [--for start|test|unit]
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The Debian packages each entry point needs: [package, how to tell it is there]. */
const PACKAGES = {
  // ripgrep: the test VS Code's install; libkrb5-dev: its native kerberos module.
  start: [
    ['ripgrep', { command: 'rg' }],
    ['libkrb5-dev', { dpkg: 'libkrb5-dev' }],
  ],
  // The integration tests also drive VS Code in Chromium.
  test: [
    ['chromium', { command: 'chromium', file: process.env.CHROMIUM_PATH || '/usr/bin/chromium' }],
    ['ripgrep', { command: 'rg' }],
    ['libkrb5-dev', { dpkg: 'libkrb5-dev' }],
  ],
  unit: [],
};

/** Thrown when the user has to run a command first; the message is that one line. */
export class SetupNeeded extends Error {}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function present(check) {
  if (check.file && fs.existsSync(check.file)) return true;
  if (check.command && has(check.command)) return true;
  if (check.dpkg) {
    if (!has('dpkg-query')) return true; // not Debian: nothing to check it with
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', check.dpkg], { encoding: 'utf8' });
    return r.status === 0 && r.stdout.includes('install ok installed');
  }
  return false;
}

/** Missing Debian packages: installs them as root, else throws `SetupNeeded` naming the command. */
export function ensurePackages(kind = 'test', log = (s) => process.stderr.write(s)) {
  const missing = (PACKAGES[kind] ?? []).filter(([, check]) => !present(check)).map(([name]) => name);
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !has('apt-get')) {
    throw new SetupNeeded(`Tuneline needs ${missing.join(', ')}: run "sudo apt-get install -y --no-install-recommends ${missing.join(' ')}", then try again.`);
  }
  log(`Installing Debian packages: ${missing.join(' ')} ...\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
}

/**
 * Whether node_modules matches package-lock.json: npm writes node_modules/.package-lock.json on every install; each
 * package it lists must have the locked version, and every locked package that is not optional must be there.
 */
export function nodeModulesCurrent(dir = root) {
  let lock;
  let installed;
  try {
    lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
    installed = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', '.package-lock.json'), 'utf8'));
  } catch {
    return false;
  }
  const want = lock.packages ?? {};
  const have = installed.packages ?? {};
  for (const [key, entry] of Object.entries(want)) {
    if (key === '') continue;
    const got = have[key];
    if (!got) {
      if (entry.optional || entry.peer || entry.devOptional) continue; // another platform's binary, or not needed
      return false;
    }
    if (got.version !== entry.version) return false;
  }
  for (const key of Object.keys(have)) if (!(key in want)) return false;
  return true;
}

/** Runs `npm ci` when node_modules is missing or out of date. */
export function ensureNodeModules(log = (s) => process.stderr.write(s)) {
  if (nodeModulesCurrent()) return;
  log(fs.existsSync(path.join(root, 'node_modules')) ? 'node_modules does not match package-lock.json: npm ci ...\n' : 'No node_modules yet: npm ci ...\n');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: root, stdio: 'inherit' });
}

/** Everything `kind` needs. Packages first (the test VS Code's install needs ripgrep), then npm ci, then VS Code. */
export async function ensureSetup(kind = 'test', log = (s) => process.stderr.write(s)) {
  ensurePackages(kind, log);
  ensureNodeModules(log);
  if (kind !== 'unit') {
    const { installTestVSCode } = await import('./install-test-vscode.mjs');
    installTestVSCode();
  }
}

/** For the entry points: sets up, or prints the one line saying what to run and exits 1. */
export async function setupOrExit(kind) {
  try {
    await ensureSetup(kind);
  } catch (e) {
    if (e instanceof SetupNeeded) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--for');
  const kind = i >= 0 ? args[i + 1] : 'test';
  if (args.includes('--packages-only')) {
    try {
      ensurePackages(kind);
    } catch (e) {
      if (!(e instanceof SetupNeeded)) throw e;
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
  } else {
    await setupOrExit(kind);
  }
}
