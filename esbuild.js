// Bundles Tuneline. `node esbuild.js [--production] [--watch]`.
// - dist/extension.js: the extension host code (CommonJS, `vscode` external)
// - dist/cli.js: `tuneline` CLI, with a shebang
// - dist/tokenWorker.js: the worker thread that counts tokens
// - dist/webview/<name>.js: each webview's browser code (IIFE, browser platform)
// - out/test/integration/*.js: the integration suite, one file per test module (not packaged)
// Type checking is separate (`tsc --noEmit`, run by `npm run build`).
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Prints `[watch] build started/finished` lines a problem matcher can follow. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => {
      if (watch) process.stderr.write('[watch] build started\n');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        process.stderr.write(`✘ [ERROR] ${text}\n`);
        if (location) process.stderr.write(`    ${location.file}:${location.line}:${location.column}:\n`);
      }
      if (watch) process.stderr.write('[watch] build finished\n');
    });
  },
};

const listTs = (dir, re) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true })
        .map(String)
        .filter((f) => re.test(f))
        .map((f) => path.join(dir, f))
    : [];

/**
 * The tokenizer encodings are megabytes each. They are bundled once, to dist/encodings/<name>.js, and the extension,
 * the CLI and the token worker `require` them from there at run time (lazily, on first use), instead of each bundle
 * carrying its own copy.
 */
const ENCODINGS = ['o200k_base', 'cl100k_base'];
const sharedEncodings = {
  name: 'shared-encodings',
  setup(build) {
    build.onResolve({ filter: /^gpt-tokenizer\/encoding\/[a-z0-9_]+$/ }, (args) => {
      const name = args.path.split('/').pop();
      if (!ENCODINGS.includes(name)) return undefined;
      return { path: `./encodings/${name}.js`, external: true };
    });
  },
};

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // jsonc-parser's `main` is a UMD build whose factory requires `./impl/*` at run time, which esbuild cannot follow
  // (the bundle then fails with "Cannot find module './impl/format'"); its `module` build is plain ESM and bundles.
  mainFields: ['module', 'main'],
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  plugins: [problemMatcher],
};

const withEncodings = { ...node, plugins: [problemMatcher, sharedEncodings] };
const configs = [
  { ...withEncodings, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  {
    ...node,
    sourcemap: false,
    entryPoints: Object.fromEntries(ENCODINGS.map((e) => [`encodings/${e}`, require.resolve(`gpt-tokenizer/encoding/${e}`)])),
    outdir: 'dist',
  },
];
/**
 * `tuneline eval` (the provider SDKs, 0.7 MB) is its own bundle, dist/cliEval.js, which dist/cli.js requires only for
 * that command: `tuneline validate` then compiles a third of the code at start-up (measured: 1.16 MB → 0.39 MB).
 */
const cliEval = {
  name: 'cli-eval',
  setup(build) {
    build.onResolve({ filter: /^\.\/eval$/ }, (args) =>
      args.importer.endsWith(path.join('src', 'cli', 'main.ts')) ? { path: './cliEval.js', external: true } : undefined,
    );
  },
};
if (fs.existsSync('src/cli/main.ts')) {
  configs.push({ ...withEncodings, plugins: [...withEncodings.plugins, cliEval], entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } });
  configs.push({ ...withEncodings, entryPoints: { cliEval: 'src/cli/eval.ts' }, outdir: 'dist' });
}
if (fs.existsSync('src/core/tokens/worker.ts')) {
  configs.push({ ...withEncodings, entryPoints: { tokenWorker: 'src/core/tokens/worker.ts' }, outdir: 'dist' });
}
const webviews = fs.existsSync('src/webview')
  ? fs
      .readdirSync('src/webview', { withFileTypes: true })
      .filter((d) => d.isDirectory() && fs.existsSync(path.join('src/webview', d.name, 'main.ts')))
      .map((d) => d.name)
  : [];
if (webviews.length) {
  configs.push({
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    logLevel: 'warning',
    plugins: [problemMatcher],
    entryPoints: Object.fromEntries(webviews.map((w) => [w, `src/webview/${w}/main.ts`])),
    outdir: 'dist/webview',
    loader: { '.css': 'css' },
  });
}
if (!production) {
  const tests = listTs('test/integration', /(^|\/)(index|[^/]+\.test)\.ts$/);
  if (tests.length) {
    configs.push({
      ...node,
      sourcemap: true,
      entryPoints: tests,
      outbase: 'test/integration',
      outdir: 'out/test/integration',
      external: ['vscode', 'mocha'],
    });
  }
}

async function main() {
  const contexts = await Promise.all(configs.map((c) => esbuild.context(c)));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  try {
    await Promise.all(contexts.map((c) => c.rebuild()));
  } finally {
    await Promise.all(contexts.map((c) => c.dispose()));
  }
}

main().catch((e) => {
  process.stderr.write(`${e && e.message ? e.message : e}\n`);
  process.exit(1);
});
