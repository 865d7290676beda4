// The layout's import rules, read from the sources (every import, export-from, import() and require() of src/**/*.ts):
// - the graph between src/ folders has no cycle;
// - a folder uses another feature folder only through that feature's public entry (its register.ts or index.ts);
// - src/commands/ is gone; src/cli/ stands on src/core/ and src/api/ only;
// - src/core/ and src/api/ import no `vscode` (core imports only core; api only core and api).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const src = path.join(root, 'src');

/** Folders whose files are building blocks anyone above them may use; every other folder is a feature. */
export const LIBRARY_FOLDERS = new Set(['core', 'api', 'common', 'connection', 'documents', 'webview']);
/** The files of a feature folder other folders may import. */
export const PUBLIC_ENTRIES = new Set(['register.ts', 'index.ts']);

export interface Import {
  readonly from: string; // src-relative file
  readonly spec: string; // as written
  readonly to?: string; // src-relative file it resolves to (relative imports only)
}

/** The module specifiers a TypeScript source imports (comments are ignored). */
export function specifiers(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const out: string[] = [];
  const patterns = [
    /\bimport\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bexport\s+(?:type\s+)?(?:\*(?:\s+as\s+\w+)?|\{[^}]*\})\s+from\s+['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) out.push(m[1]!);
  return out;
}

function resolve(fromFile: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(path.join(src, fromFile)), spec);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return path.relative(src, candidate).split(path.sep).join('/');
  }
  return path.relative(src, `${base}.ts`).split(path.sep).join('/');
}

export function readImports(dir = src): Import[] {
  const out: Import[] = [];
  for (const f of fs.readdirSync(dir, { recursive: true }).map(String)) {
    if (!f.endsWith('.ts')) continue;
    const from = path.relative(src, path.join(dir, f)).split(path.sep).join('/');
    for (const spec of specifiers(fs.readFileSync(path.join(dir, f), 'utf8'))) {
      const to = resolve(from, spec);
      out.push({ from, spec, ...(to ? { to } : {}) });
    }
  }
  return out;
}

/** `core/eval/x.ts` → `core`; `extension.ts` → `.` (the root). */
export const folderOf = (file: string): string => (file.includes('/') ? file.slice(0, file.indexOf('/')) : '.');

/** Every rule broken by these imports, one line each (empty: all kept). */
export function violations(imports: readonly Import[]): string[] {
  const problems: string[] = [];
  const edges = new Map<string, Set<string>>();
  for (const i of imports) {
    const a = folderOf(i.from);
    if (a === 'commands') problems.push(`${i.from}: src/commands/ must not exist`);
    if ((a === 'core' || a === 'api') && (i.spec === 'vscode' || i.spec.startsWith('vscode/'))) problems.push(`${i.from}: src/${a}/ must not import vscode`);
    if (!i.to || i.to.startsWith('../')) continue; // a package or a file outside src/ (package.json)
    const b = folderOf(i.to);
    if (b === 'commands') problems.push(`${i.from}: imports ${i.to} (src/commands/ must not exist)`);
    if (a === b) continue;
    if (a === 'core' && b !== 'core') problems.push(`${i.from}: src/core/ imports only src/core/ (imports ${i.to})`);
    if (a === 'api' && b !== 'core') problems.push(`${i.from}: src/api/ imports only src/core/ and src/api/ (imports ${i.to})`);
    if (a === 'cli' && b !== 'core' && b !== 'api') problems.push(`${i.from}: src/cli/ imports only src/core/ and src/api/ (imports ${i.to})`);
    if (b !== '.' && !LIBRARY_FOLDERS.has(b) && !PUBLIC_ENTRIES.has(i.to.slice(b.length + 1))) {
      problems.push(`${i.from}: imports ${i.to}, an internal of the feature ${b}/ (use ${b}/register.ts or ${b}/index.ts)`);
    }
    if (b === '.') problems.push(`${i.from}: imports ${i.to} (nothing imports the composition root)`);
    if (!edges.has(a)) edges.set(a, new Set());
    edges.get(a)!.add(b);
  }
  // Cycles between folders (depth-first search; each cycle reported once, by its path).
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of edges.get(n) ?? []) {
      if (state.get(m) === 'open') problems.push(`folder cycle: ${[...stack.slice(stack.indexOf(m)), m].join(' → ')}`);
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of [...edges.keys()].sort()) if (!state.has(n)) visit(n);
  return problems;
}

describe('import rules (src/)', () => {
  const imports = readImports();

  it('reads the imports of every source file', () => {
    assert.ok(imports.length > 300, `only ${imports.length} imports found`);
    assert.ok(imports.some((i) => i.from === 'extension.ts' && i.to === 'diagnostics/register.ts'));
    assert.ok(imports.some((i) => i.from.startsWith('connection/') && i.spec === 'vscode'));
  });

  it('src/commands/ is gone', () => {
    assert.equal(fs.existsSync(path.join(src, 'commands')), false);
  });

  it('keeps every rule: no folder cycle, no feature internals, cli on core and api, core and api without vscode', () => {
    assert.deepEqual(violations(imports), []);
  });

  it('finds each kind of broken rule (the checker can fail)', () => {
    const bad: Import[] = [
      { from: 'core/x.ts', spec: 'vscode' },
      { from: 'api/y.ts', spec: '../common/logger', to: 'common/logger.ts' },
      { from: 'cli/z.ts', spec: '../eval/service', to: 'eval/service.ts' },
      { from: 'jobs/a.ts', spec: '../training/training', to: 'training/training.ts' },
      { from: 'common/b.ts', spec: '../connection/keys', to: 'connection/keys.ts' },
      { from: 'connection/c.ts', spec: '../common/logger', to: 'common/logger.ts' },
      { from: 'commands/d.ts', spec: '../core', to: 'core/index.ts' },
    ];
    const found = violations(bad);
    assert.ok(found.some((p) => p.includes('core/x.ts') && p.includes('vscode')), found.join('\n'));
    assert.ok(found.some((p) => p.includes('api/y.ts')), found.join('\n'));
    assert.ok(found.some((p) => p.includes('cli/z.ts')), found.join('\n'));
    assert.ok(found.some((p) => p.includes('internal of the feature training/')), found.join('\n'));
    assert.ok(found.some((p) => p.startsWith('folder cycle: common → connection → common')), found.join('\n'));
    assert.ok(found.some((p) => p.includes('src/commands/ must not exist')), found.join('\n'));
    assert.deepEqual(violations([{ from: 'jobs/a.ts', spec: '../training/register', to: 'training/register.ts' }]), []);
  });

  it('parses every form of import', () => {
    const text = [
      "import * as vscode from 'vscode';",
      "import type { A } from './a';",
      "import './side-effect';",
      "export { b } from '../b';",
      "export * from './c';",
      "const d = await import('./d');",
      "const e = require('./e');",
      "// import { no } from './commented';",
      "/* import { no } from './block'; */",
    ].join('\n');
    assert.deepEqual(specifiers(text).sort(), ['../b', './a', './c', './d', './e', './side-effect', 'vscode']);
  });
});
