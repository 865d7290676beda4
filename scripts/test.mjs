#!/usr/bin/env node
// `npm test`: everything CI runs. Unit tests (mocha, plain Node) and then the integration suite in a real VS Code
// (test/runner/run.mjs, both trust modes). Prints each runner's output and, last, one summary line
// `Tests: N passed, N failed, N skipped`. Exits 1 if either part failed (both parts always run). Does its own set-up
// first (scripts/setup.mjs: Debian packages and the test VS Code for the integration suite, `npm ci` when
// node_modules is missing or stale).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupOrExit } from './setup.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv[2]; // 'unit' | 'integration' | undefined
await setupOrExit(only === 'unit' ? 'unit' : 'test');

function run(cmd, args) {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    child.stdout.on('data', (b) => {
      out += b;
      process.stdout.write(b);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

const count = (out, word) => {
  const m = [...out.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'gm'))];
  return m.length ? Number(m[m.length - 1][1]) : 0;
};

const total = { passed: 0, failed: 0, skipped: 0 };
let failed = false;

if (only !== 'integration') {
  const unit = await run(process.execPath, [path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js')]);
  const u = { passed: count(unit.out, 'passing'), failed: count(unit.out, 'failing'), skipped: count(unit.out, 'pending') };
  if (unit.code !== 0 && u.failed === 0) u.failed = 1;
  if (u.passed === 0 && u.failed === 0) {
    process.stdout.write('Unit tests: none ran\n');
    failed = true;
  }
  process.stdout.write(`\nUnit: ${u.passed} passed, ${u.failed} failed, ${u.skipped} skipped\n`);
  total.passed += u.passed;
  total.failed += u.failed;
  total.skipped += u.skipped;
  if (unit.code !== 0) failed = true;
}

if (only !== 'unit') {
  const build = await run(process.execPath, [path.join(root, 'esbuild.js')]);
  if (build.code !== 0) failed = true;
  const integ = await run(process.execPath, [path.join(root, 'test', 'runner', 'run.mjs')]);
  let r = { passed: 0, failed: 1, pending: 0 };
  try {
    r = JSON.parse(fs.readFileSync(path.join(root, 'test-results', 'integration.json'), 'utf8'));
  } catch {
    /* the runner crashed before writing its results: counts as a failure */
  }
  total.passed += r.passed;
  total.failed += r.failed;
  total.skipped += r.pending;
  if (integ.code !== 0) failed = true;
}

process.stdout.write(`\nTests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
process.exitCode = failed || total.failed > 0 ? 1 : 0;
