#!/usr/bin/env node
// `npm run package`: builds tuneline-<version>.vsix with @vscode/vsce (after `node esbuild.js --production`), then
// checks what it holds: `vsce ls` must list only run-time files (no sources, tests, maps, test VS Code, datasets),
// and the .vsix must stay under 3 MB. Exits 1 if a check fails.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
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
for (const needed of ['package.json', 'dist/extension.js', 'README.md', 'LICENSE']) {
  if (!files.includes(needed)) problems.push(`${needed} is missing`);
}
if (problems.length) {
  process.stderr.write(`The .vsix would hold files it must not:\n  ${problems.join('\n  ')}\n`);
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
