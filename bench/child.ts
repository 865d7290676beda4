/**
 * One benchmark measurement, run in its own process (so that its peak RSS is its own). Bundled by `run.ts` with
 * esbuild together with the engine, so the numbers are those of the bundled code path.
 *
 *   node .build/child.js floor|floor1|validate|validate1|check|tokens|edit|editor|quality FILE [WORKERS]
 *   node .build/child.js quality-hostile KIND N   (the cross-line rules on N and 2N examples of a hostile KIND)
 * (`validate`: as the CLI and the extension run it, in two parts on two threads for a big file; `validate1`: on one
 * thread; `check`: the whole-file check with exact tokens, once, cold, as `tuneline validate` runs it; `floor1`: one
 * floor run; `editor`: the editor's synchronous slices on a document with FILE's long line, see `editor`.)
 * Prints one JSON object on stdout.
 */
import * as fs from 'node:fs';
import { DatasetIndex, countTokensInWorkers, validateFile } from '../src/core';
import { lineTokens } from '../src/core/tokens/count';
import { getEncoder } from '../src/core/tokens/encoding';
import { LineSplitter, readChunks } from '../src/core/tokens/lines';
import { DEFAULT_NEAR_DUPLICATE_THRESHOLD, QualityCollector, TrainingSet, qualityKeys, qualityProblems } from '../src/core/quality';

const HWM = 4 * 1024 * 1024;

/** CPU time (user + system, all threads of this process) since `from`, in ms. */
function cpuMs(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1000;
}

function maxRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

async function floor(file: string): Promise<Record<string, number>> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let lines = 0;
  let parsed = 0;
  const splitter = new LineSplitter((text) => {
    lines++;
    try {
      JSON.parse(text);
      parsed++;
    } catch {
      // invalid line: still counted as read
    }
  });
  // The validator's reader: the same chunk size, double-buffered reads and line splitter.
  await readChunks(file, 0, fs.statSync(file).size, HWM, (c) => splitter.push(c));
  splitter.end();
  return { ms: performance.now() - t0, cpuMs: cpuMs(c0), lines, parsed, peakRssMB: maxRssMB() };
}

async function validate(file: string, parallel?: boolean): Promise<Record<string, number>> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await validateFile(file, { tokens: false, parallel });
  return { ms: performance.now() - t0, cpuMs: cpuMs(c0), examples: r.examples, errors: r.counts.error, warnings: r.counts.warning, peakRssMB: maxRssMB() };
}

/** The whole-file check with exact tokens (TOK-02 on 2 workers, TOK-01 on this thread), as the CLI runs it. */
async function check(file: string): Promise<Record<string, number>> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await validateFile(file, { tokens: true, workers: 2 });
  if (!r.tokens?.exact) throw new Error(`no exact tokens: ${r.tokensError ?? ''}`);
  return {
    ms: performance.now() - t0,
    cpuMs: cpuMs(c0),
    tokens: r.tokens.total,
    overLimit: r.tokens.overLimit,
    problems: r.counts.error + r.counts.warning + r.counts.info,
    peakRssMB: maxRssMB(),
  };
}

/**
 * The editor's path on a document of 2,000 ordinary lines (the first lines of the 10,000-example file) with FILE's
 * first line (a long one) in the middle, as the diagnostics manager drives a `DatasetIndex` on the extension host:
 * open (index every line, problems, stats), a keystroke inside the long line, a keystroke in an ordinary line, and
 * the exact worker counts arriving (setExactTokens, problems). Each is one synchronous slice of the host; the
 * result is the longest of them (and each). The worker's own counting runs off the host and is not included.
 */
async function editor(file: string, normal: string): Promise<Record<string, number>> {
  const long = fs.readFileSync(file, 'utf8').split('\n')[0]!;
  const base = fs.readFileSync(normal, 'utf8').split('\n').slice(0, 2000);
  const doc = [...base.slice(0, 1000), long, ...base.slice(1000), ''];
  const slice = (f: () => void): number => {
    const t0 = performance.now();
    f();
    return performance.now() - t0;
  };
  let ix = new DatasetIndex();
  const open = slice(() => {
    // The options of the extension's TrackedDocument: long lines' tokens and, in a big file, the cross-line quality
    // rules wait (for the workers, and for the document to be idle); their own slices are measured below.
    ix = new DatasetIndex({ getLineText: (l) => doc[l]!, deferTokensAboveBytes: 64 * 1024, deferQuality: true });
    ix.setLines(0, 0, doc);
    ix.problems();
    ix.stats();
  });
  // The quality rules judged once the document is idle (`DiagnosticsManager.scheduleQuality`), after opening and
  // after each series of keystrokes.
  const judged: number[] = [slice(() => void ix.refreshQuality())];
  const keys: number[] = [];
  for (let k = 0; k < 5; k++) {
    // Inside the long string value (a character that keeps the line valid JSON).
    const t = doc[1000]!;
    const at = Math.floor(t.length / 2);
    doc[1000] = t.slice(0, at) + t[at]! + t.slice(at);
    keys.push(slice(() => {
      ix.setLines(1000, 1, [doc[1000]!]);
      ix.problems();
    }));
  }
  judged.push(slice(() => void ix.refreshQuality()));
  const others: number[] = [];
  for (let k = 0; k < 5; k++) {
    const line = 10 + k;
    const t = doc[line]!;
    const at = t.indexOf('"content":"') + 12;
    doc[line] = t.slice(0, at) + 'x' + t.slice(at);
    others.push(slice(() => {
      ix.setLines(line, 1, [doc[line]!]);
      ix.problems();
    }));
  }
  // The worker's counts (computed here, off the clock), then the slice that applies them.
  const enc = getEncoder(ix.model.encoding);
  const perLine = doc.map((l) => lineTokens(l, { encoder: enc, funcInit: ix.model.info.funcInit }) ?? 0);
  const exact = slice(() => {
    ix.setExactTokens(ix.version, perLine);
    ix.problems();
    ix.stats();
  });
  judged.push(slice(() => void ix.refreshQuality()));
  const overLimit = ix.stats().overLimit;
  const keystroke = Math.max(...keys);
  const other = Math.max(...others);
  const quality = Math.max(...judged);
  return { longestMs: Math.max(open, keystroke, other, exact, quality), openMs: open, qualityIdleMs: quality, keystrokeLongLineMs: keystroke, keystrokeOtherMs: other, exactTokensMs: exact, overLimit, lineBytes: Buffer.byteLength(long), peakRssMB: maxRssMB() };
}

async function tokens(file: string, workers: number): Promise<Record<string, number>> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await countTokensInWorkers({ file }, { workers });
  return { ms: performance.now() - t0, cpuMs: cpuMs(c0), total: r.total, lines: r.lines, peakRssMB: maxRssMB() };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]!;
}

async function edit(file: string): Promise<Record<string, number>> {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const doc = lines.slice(0, 100_000);
  doc.push(''); // the editor's last line after the final newline
  // A full validation of the document, editor path: build the index and read its problems.
  const fulls: number[] = [];
  let ix = new DatasetIndex();
  const fullCpus: number[] = [];
  for (let k = 0; k < 3; k++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    // as the editor's index: the cross-line quality rules judged once idle (`deferQuality`), here at once
    ix = new DatasetIndex({ getLineText: (l) => doc[l]!, deferQuality: true });
    ix.setLines(0, 0, doc);
    ix.problems();
    ix.refreshQuality();
    ix.problems();
    fulls.push(performance.now() - t0);
    fullCpus.push(cpuMs(c0));
  }
  const full = Math.min(...fulls);
  const fullCpu = Math.min(...fullCpus);
  // Keystroke-sized edits: insert one character inside a string value of a random line, then read the problems
  // (what the diagnostics layer does after each change).
  let seed = 7;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let k = 0; k < 300; k++) {
    const line = Math.floor(rand() * (doc.length - 1));
    const text = doc[line]!;
    const at = text.indexOf('"content":"') + 12;
    const next = at > 12 ? text.slice(0, at) + 'x' + text.slice(at) : text;
    doc[line] = next;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    ix.setLines(line, 1, [next]);
    ix.problems();
    times.push(performance.now() - t0);
    cpuTimes.push(cpuMs(c0));
  }
  // Enter: split a line in two (changes the line count; every later line moves).
  const enters: number[] = [];
  for (let k = 0; k < 50; k++) {
    const line = Math.floor(rand() * (doc.length - 1));
    const text = doc[line]!;
    const cut = Math.floor(text.length / 2);
    const parts = [text.slice(0, cut), text.slice(cut)];
    doc.splice(line, 1, ...parts);
    let t0 = performance.now();
    ix.setLines(line, 1, parts);
    ix.problems();
    enters.push(performance.now() - t0);
    // and join them back (Backspace at the start of the second half)
    doc.splice(line, 2, text);
    t0 = performance.now();
    ix.setLines(line, 2, [text]);
    ix.problems();
    enters.push(performance.now() - t0);
  }
  // what the editor does once typing pauses: the quality rules judged again, the problems read
  const q0 = performance.now();
  ix.refreshQuality();
  ix.problems();
  const qualityIdleMs = performance.now() - q0;
  const t0 = performance.now();
  ix.stats();
  const statsMs = performance.now() - t0;
  const editMs = median(times);
  // The same with a third of the lines copies of others (33,000 duplicate problems to keep up to date).
  const dupDoc = lines.slice(0, 100_000);
  for (let i = 0; i < dupDoc.length; i += 3) dupDoc[i] = dupDoc[(i * 7) % 1000]!;
  dupDoc.push('');
  const dix = new DatasetIndex({ getLineText: (l) => dupDoc[l]!, deferQuality: true });
  dix.setLines(0, 0, dupDoc);
  dix.problems();
  const dupTimes: number[] = [];
  for (let k = 0; k < 100; k++) {
    const line = 1 + Math.floor(rand() * (dupDoc.length - 2));
    const text = dupDoc[line]!;
    const at = text.indexOf('"content":"') + 12;
    dupDoc[line] = at > 12 ? text.slice(0, at) + 'x' + text.slice(at) : text;
    const d0 = performance.now();
    dix.setLines(line, 1, [dupDoc[line]!]);
    dix.problems();
    dupTimes.push(performance.now() - d0);
  }
  return {
    lines: doc.length,
    fullMs: full,
    editLatencyMs: editMs,
    editP95Ms: p95(times),
    editLineBreakMs: median(enters),
    editWithDuplicatesMs: median(dupTimes),
    statsMs,
    qualityIdleMs,
    editToFullRatio: editMs / full,
    fullCpuMs: fullCpu,
    editCpuMs: median(cpuTimes),
    editToFullRatioCpu: median(cpuTimes) / fullCpu,
    peakRssMB: maxRssMB(),
  };
}

/**
 * Floor and validation each run three times in the same process and report the fastest run, so that both are compared
 * warm: the JIT, and the C allocator (on this VM a page fault costs about 14 µs; until glibc raises its mmap threshold
 * after the first frees, every 4 MB read buffer is a fresh mapping, which made a cold run of either up to 2.6 times
 * slower). Peak RSS covers all runs.
 */
/**
 * The cross-line quality rules (TL-21..TL-23) on FILE, streamed through the validator's reader: the floor (read +
 * split + `JSON.parse` each line) and, in the same process, the same pass with each line's quality keys collected
 * (`qualityKeys`, as `analyzeLine` computes them), then the rules over the collected data: conflicts and
 * near-duplicates (`qualityProblems`), and train/validation overlap with every tenth example as the validation file
 * (`TrainingSet`: prepared once, then one judgement of the validation file, what the editor does per publish).
 */
async function quality(file: string): Promise<Record<string, number>> {
  const pass = async (keys: boolean): Promise<{ ms: number; all: QualityCollector; train: QualityCollector; val: QualityCollector }> => {
    const all = new QualityCollector();
    const train = new QualityCollector();
    const val = new QualityCollector();
    let line = 0;
    let example = 0;
    const t0 = performance.now();
    const splitter = new LineSplitter((text) => {
      const l = line++;
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch {
        return;
      }
      example++;
      if (!keys) return;
      const k = qualityKeys(v);
      if (!k) return;
      all.add(l, example, text.length, k);
      (example % 10 === 0 ? val : train).add(l, example, text.length, k);
    });
    await readChunks(file, 0, fs.statSync(file).size, HWM, (c) => splitter.push(c));
    splitter.end();
    return { ms: performance.now() - t0, all, train, val };
  };
  let floorMs = Infinity;
  let keysMs = Infinity;
  let rulesMs = Infinity;
  let buildMs = Infinity;
  let judgeMs = Infinity;
  let problems = 0;
  let overlaps = 0;
  let examples = 0;
  for (let k = 0; k < 3; k++) {
    floorMs = Math.min(floorMs, (await pass(false)).ms);
    const p = await pass(true);
    keysMs = Math.min(keysMs, p.ms);
    const d = p.all.data();
    examples = d.count;
    let t = performance.now();
    problems = qualityProblems(d, DEFAULT_NEAR_DUPLICATE_THRESHOLD).length;
    rulesMs = Math.min(rulesMs, performance.now() - t);
    t = performance.now();
    const set = new TrainingSet(p.train.data(), DEFAULT_NEAR_DUPLICATE_THRESHOLD);
    buildMs = Math.min(buildMs, performance.now() - t);
    t = performance.now();
    overlaps = set.problems(p.val.data(), 'train.jsonl').length;
    judgeMs = Math.min(judgeMs, performance.now() - t);
  }
  return {
    examples,
    floorMs,
    keysPassMs: keysMs,
    keysMs: keysMs - floorMs,
    rulesMs,
    overlapBuildMs: buildMs,
    overlapJudgeMs: judgeMs,
    // Throughput of JSON.parse + keys + rules (conflicts, near-duplicates) as a ratio to the floor's.
    qualityToFloor: floorMs / (keysMs + rulesMs),
    // ...with train/validation overlap too (the set prepared and one validation file judged).
    qualityOverlapToFloor: floorMs / (keysMs + rulesMs + buildMs + judgeMs),
    problems,
    overlaps,
    peakRssMB: maxRssMB(),
  };
}

/** Inputs that could make the quality rules worse than linear, `n` examples (or, for `long line`, n × 10 words). */
function qualityHostile(kind: string, n: number): string[] {
  const words = (i: number, count: number): string => Array.from({ length: count }, (_, j) => `w${(i * 7919 + j * 104729) % 100_003}`).join(' ');
  const chat = (u: string, a: string): string => JSON.stringify({ messages: [{ role: 'user', content: u }, { role: 'assistant', content: a }] });
  const base = 'Summarise the following support ticket about a delayed parcel and suggest the next step for the agent';
  switch (kind) {
    case 'identical examples':
      return Array.from({ length: n }, () => chat(base, 'Apologise, check the tracking number and offer a refund.'));
    case 'identical user turns, different answers':
      return Array.from({ length: n }, (_, i) => chat(base, `Answer ${i}: ${words(i, 8)}`));
    case 'near-copies':
      return Array.from({ length: n }, (_, i) => chat(`${base} ${i}`, 'Apologise and check the tracking number.'));
    case 'long line':
      return [chat(words(1, n * 10), words(2, 100))];
    default:
      throw new Error(kind);
  }
}

/** Keys + rules + overlap (the input against itself) on `qualityHostile(kind, n)`, best of three, and its bytes. */
function qualityHostileRun(kind: string, n: number): Record<string, number> {
  const lines = qualityHostile(kind, n);
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    const c = new QualityCollector();
    lines.forEach((l, i) => {
      const keys = qualityKeys(JSON.parse(l));
      if (keys) c.add(i, i + 1, l.length, keys);
    });
    const d = c.data();
    qualityProblems(d, DEFAULT_NEAR_DUPLICATE_THRESHOLD);
    new TrainingSet(d, DEFAULT_NEAR_DUPLICATE_THRESHOLD).problems(d, 'train.jsonl');
    best = Math.min(best, performance.now() - t0);
  }
  return { ms: best, bytes: lines.reduce((s, l) => s + l.length, 0) };
}

async function best(measure: () => Promise<Record<string, number>>): Promise<Record<string, number>> {
  let out: Record<string, number> | undefined;
  for (let k = 0; k < 3; k++) {
    const r = await measure();
    if (out === undefined || r.ms! < out.ms!) out = r;
  }
  return { ...out!, peakRssMB: maxRssMB() };
}

async function run(): Promise<void> {
  const [what, file, n] = process.argv.slice(2);
  if (!what || !file) throw new Error('usage: child.js floor|floor1|validate|validate1|check|tokens|edit|editor FILE [WORKERS|NORMAL_FILE]');
  let out: Record<string, number>;
  switch (what) {
    case 'floor':
      out = await best(() => floor(file));
      break;
    case 'floor1':
      out = await floor(file);
      break;
    case 'check':
      out = await check(file);
      break;
    case 'editor':
      out = await editor(file, n!);
      break;
    case 'validate':
    case 'validate1': {
      const parallel = what === 'validate1' ? false : undefined;
      out = await best(() => validate(file, parallel));
      break;
    }
    case 'tokens':
      out = await tokens(file, Number(n ?? 1));
      break;
    case 'edit':
      out = await edit(file);
      break;
    case 'quality':
      out = await quality(file);
      break;
    case 'quality-hostile': {
      // FILE is the kind here; N the size.
      const a = qualityHostileRun(file, Number(n));
      const b = qualityHostileRun(file, 2 * Number(n));
      out = { n: Number(n), ms: a.ms, ms2n: b.ms, bytes: a.bytes, growth: b.ms / a.ms, sizeRatio: b.bytes / a.bytes, peakRssMB: maxRssMB() };
      break;
    }
    default:
      throw new Error(`unknown measurement ${what}`);
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}

run().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
