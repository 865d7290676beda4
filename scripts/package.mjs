#!/usr/bin/env node
// `npm run package`: builds tuneline-<version>.vsix with @vscode/vsce (after `node esbuild.js --production`), then
// checks what it holds: `vsce ls` must list only run-time files (no sources, tests, maps, test VS Code, datasets),
// and every file a packaged bundle loads at run time (`require("./cliEval.js")`, the worker `tokenWorker.js`, the
// encodings); the .vsix must stay under 3 MB, and the CLI inside it must run (`tuneline eval --help` loads
// dist/cliEval.js, `tuneline validate` with exact tokens starts dist/tokenWorker.js and loads an encoding). Exits 1 if
// a check fails.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const out = path.join(root, `${pkg.name}-${pkg.version}.vsix`);
const MAX_BYTES = 3 * 1024 * 1024;

const run = (args) => execFileSync(process.execPath, [vsce, ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

const files = run(['ls', '--no-dependencies']).split('\n').map((l) => l.trim()).filter(Boolean);
const forbidden = [
  [/^src\//, 'sources'],
  [/^test\//, 'tests'],
  [/^out\//, 'compiled tests'],
  [/\.map$/, 'source maps'],
  [/^\.vscode-test\//, 'the test VS Code'],
  [/^node_modules\//, 'node_modules (everything is bundled)'],
  [/^bench\//, 'benchmarks'],
  [/^tools\//, 'the local API'],
  [/^scripts\//, 'build scripts'],
  [/\.jsonl$|\.ndjson$/, 'datasets'],
  [/\.ts$/, 'TypeScript sources'],
  [/^test-results\//, 'test results'],
];
const problems = [];
for (const f of files) {
  for (const [re, what] of forbidden) if (re.test(f)) problems.push(`${f} (${what})`);
}
for (const needed of ['package.json', 'dist/extension.js', 'dist/cli.js', 'dist/cliEval.js', 'dist/tokenWorker.js', 'README.md', 'LICENSE']) {
  if (!files.includes(needed)) problems.push(`${needed} is missing`);
}
// What the packaged bundles load from next to themselves: relative requires, and sibling script names (a worker's
// file is passed as a string) that exist in the build.
for (const f of files.filter((x) => /^dist\/.*\.js$/.test(x))) {
  const code = fs.readFileSync(path.join(root, f), 'utf8');
  const dir = path.posix.dirname(f);
  const loads = new Set([...code.matchAll(/require\("(\.\.?\/[^"]+)"\)/g)].map((m) => path.posix.join(dir, m[1])));
  for (const m of code.matchAll(/"([A-Za-z][\w-]*\.js)"/g)) {
    const sibling = path.posix.join(dir, m[1]);
    if (fs.existsSync(path.join(root, sibling))) loads.add(sibling);
  }
  for (const l of loads) if (!files.includes(l)) problems.push(`${l} is missing (${f} loads it at run time)`);
}
if (problems.length) {
  process.stderr.write(`The .vsix would hold files it must not, or lack files it needs:\n  ${problems.join('\n  ')}\n`);
  process.exit(1);
}
run(['package', '--no-dependencies', '--out', out]);
const size = fs.statSync(out).size;
process.stdout.write(`${path.basename(out)}: ${files.length} files, ${(size / 1024 / 1024).toFixed(2)} MB\n`);
for (const f of files) process.stdout.write(`  ${f}\n`);
if (size > MAX_BYTES) {
  process.stderr.write(`The .vsix is ${(size / 1024 / 1024).toFixed(2)} MB, over the 3 MB budget.\n`);
  process.exit(1);
}
// The CLI as packaged: unpacked on its own (no sources, no node_modules next to it), it must run.
const unpacked = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneline-vsix-'));
try {
  execFileSync('unzip', ['-q', out, 'extension/*', '-d', unpacked]);
  const cli = path.join(unpacked, 'extension', 'dist', 'cli.js');
  const data = path.join(unpacked, 'one.jsonl');
  const line = '{"messages":[{"role":"user","content":"Hi?"},{"role":"assistant","content":"Hello."}]}\n';
  fs.writeFileSync(data, line.repeat(10));
  const runCli = (args, want) => {
    const r = spawnSync(process.execPath, [cli, ...args], { cwd: unpacked, encoding: 'utf8' });
    if (r.status !== 0 && r.status !== 1) throw new Error(`tuneline ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
    if (!want.test(r.stdout)) throw new Error(`tuneline ${args.join(' ')} printed no ${want}:\n${r.stdout}${r.stderr}`);
  };
  runCli(['eval', '--help'], /Usage: tuneline eval/);
  runCli(['validate', '--format', 'json', '--workers', '1', data], /"exact": true/);
  process.stdout.write('The packaged CLI runs (eval loads dist/cliEval.js; exact tokens on dist/tokenWorker.js).\n');
} catch (e) {
  process.stderr.write(`The packaged CLI does not run: ${e instanceof Error ? e.message : e}\n`);
  process.exit(1);
} finally {
  fs.rmSync(unpacked, { recursive: true, force: true });
}
