/**
 * `npm run bench` (`tsx bench/run.ts [--big] [--sizes 10000,100000,400000] [--repeat N]`).
 *
 * Generates chat data (bench/data/, git-ignored) and measures, in one run, on each size:
 * - the floor: read + split lines + `JSON.parse` each line (same reader, chunk size and splitter as the validator);
 * - full validation without exact tokens (`validateFile`, streaming), as the CLI and the extension run it (a file of
 *   16 MB or more in two parts, the second on a worker thread), and on one thread for comparison;
 * - exact token totals on 1 and 2 worker threads;
 * - peak RSS of each measurement (each runs in its own process);
 * and, on the 100,000-line file, the editor's incremental cost: one keystroke-sized edit in a `DatasetIndex` of
 * 100,000 lines (setLines + problems) against a full validation of the same document.
 * The engine is bundled with esbuild first (bench/data/.build/), so the bundled code path is what is measured.
 * Prints a table and writes bench/results.json. `--big` adds a ~1 GB file and checks that validating it stays
 * under 300 MB of peak RSS.
 */
import { execFileSync } from 'node:child_process';
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
  esbuild.buildSync({ ...common, entryPoints: Object.fromEntries(encodings.map((e) => [`encodings/${e}`, require.resolve(`gpt-tokenizer/encoding/${e}`)])), outdir: BUILD });
  return Promise.all([
    esbuild.build({ ...common, plugins: [shared], entryPoints: [path.join(__dirname, 'child.ts')], outfile: path.join(BUILD, 'child.js') }),
    esbuild.build({ ...common, plugins: [shared], entryPoints: [path.join(ROOT, 'src/core/tokens/worker.ts')], outfile: path.join(BUILD, 'tokenWorker.js') }),
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
  const script = await build();
  const results: Record<string, SizeResult> = {};
  for (const n of sizes) {
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
  const editFile = dataFile(100_000);
  const edit = child(script, ['edit', editFile]);

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

  const largest = results[String(sizes[sizes.length - 1])]!;
  const summary = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg() },
    codePath: 'bundled (esbuild, bench/data/.build/child.js + tokenWorker.js)',
    // Headline numbers (the largest size).
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
    editLatencyMs: edit.editLatencyMs,
    editToFullRatio: edit.editToFullRatio,
    edit,
    sizes: results,
    ...(big ? { big } : {}),
    targets: {
      validateToFloorAtLeast: 0.7,
      tokensSpeedupWorkersAtLeast: 1.7,
      editToFullRatioBelow: 0.01,
      bigPeakRssMBBelow: 300,
      met: {
        validateToFloor: largest.validateToFloor >= 0.7,
        tokensSpeedupWorkers: largest.tokensSpeedupWorkers >= 1.7,
        editToFullRatio: edit.editToFullRatio! < 0.01,
        ...(big ? { bigPeakRss: big.peakRssMB! < 300 } : {}),
      },
    },
  };
  fs.writeFileSync(path.join(__dirname, 'results.json'), JSON.stringify(summary, null, 2) + '\n');

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
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  out.push('');
  out.push(
    `edit (100,000-line DatasetIndex): keystroke ${fmt(edit.editLatencyMs!, 3)} ms (p95 ${fmt(edit.editP95Ms!, 3)} ms), ` +
      `line break ${fmt(edit.editLineBreakMs!, 3)} ms, with 33% duplicates ${fmt(edit.editWithDuplicatesMs!, 3)} ms, full ${fmt(edit.fullMs!, 0)} ms, editToFullRatio ${edit.editToFullRatio!.toExponential(2)} ` +
      `(CPU: ${fmt(edit.editCpuMs!, 3)} / ${fmt(edit.fullCpuMs!, 0)} ms = ${edit.editToFullRatioCpu!.toExponential(2)})`,
  );
  if (big) out.push(`big: ${fmt(big.fileMB!, 0)} MB, ${big.examples!.toLocaleString('en-US')} examples, ${fmt(big.validateMBps!)} MB/s, peak RSS ${fmt(big.peakRssMB!, 0)} MB`);
  out.push(`machine: ${summary.machine.cpus} CPUs, load ${summary.machine.loadavg.map((x) => x.toFixed(1)).join(' ')}; wrote bench/results.json`);
  process.stdout.write(out.join('\n') + '\n');
}

void main();
