import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { balancedCut, MIN_WORKER_BYTES, RECOUNT_COST } from '../../../src/core/validate';

// balancedCut(path, total, done): where the engine worker's part of a big file starts, decided when the worker runs
// and this thread has validated `done` bytes. Checked here against what it promises, not against its formula: the cut
// is a line start (or the file's end), it is the first line start at which this thread's remaining work (cut - done)
// covers the worker's (the recount of `cut` bytes at RECOUNT_COST, then total - cut bytes), and a worker part is never
// smaller than MIN_WORKER_BYTES.

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneline-cut-'));
let n = 0;
function file(content: Buffer): { path: string; buf: Buffer } {
  const p = path.join(dir, `f${n++}.jsonl`);
  fs.writeFileSync(p, content);
  return { path: p, buf: content };
}

after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A deterministic pseudo-random generator (mulberry32), so that the big files are the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** About `size` bytes of JSON-ish lines of `min`..`max` bytes (line break included), ended by `eol`. */
function lines(size: number, min: number, max: number, eol: '\n' | '\r\n', seed: number): Buffer {
  const r = rng(seed);
  const buf = Buffer.alloc(size + max + 2);
  let at = 0;
  while (at < size) {
    const len = min + Math.floor(r() * (max - min + 1));
    const body = Math.max(0, len - eol.length);
    buf.fill(0x61 + (at % 26), at, at + body);
    at += body;
    at += buf.write(eol, at, 'latin1');
  }
  return buf.subarray(0, at);
}

const MiB = 1024 * 1024;
/** This thread's remaining work and the worker's, in bytes validated, for a cut at `c`. */
const own = (c: number, done: number): number => c - done;
const theirs = (c: number, total: number): number => RECOUNT_COST * c + (total - c);

/** Checks one cut against the promises above; returns it. */
function checkCut(f: { path: string; buf: Buffer }, done: number): number {
  const buf = f.buf;
  const total = buf.length;
  const c = balancedCut(f.path, total, done);
  assert.ok(Number.isInteger(c) && c >= 0 && c <= total, `cut ${c} outside the file (0..${total})`);
  // The first balanced line start: the smallest line start s >= done at which this thread's work covers the
  // worker's (1 byte of slack: the balanced point is rounded down to a whole byte).
  let first: number | undefined;
  for (let s = Math.max(done, 1); s < total; s++) {
    if (buf[s - 1] !== 10) continue;
    if (own(s, done) >= theirs(s, total) - 1) {
      first = s;
      break;
    }
  }
  if (c === total) {
    // No worker part: there is no balanced line start, or the part after it is too small to be worth a worker.
    assert.ok(first === undefined || total - first < MIN_WORKER_BYTES, `no worker part, but line ${first} would leave it ${total - (first ?? 0)} bytes`);
    return c;
  }
  assert.equal(buf[c - 1], 10, `the cut ${c} is not at a line start (byte before it: ${buf[c - 1]})`);
  assert.ok(c >= done, `the cut ${c} is before what this thread already read (${done})`);
  assert.ok(total - c >= MIN_WORKER_BYTES, `a worker part of ${total - c} bytes`);
  assert.equal(c, first, `the cut is not the first balanced line start (done ${done}, total ${total})`);
  return c;
}

describe('balancedCut (where the engine worker part of a big file starts)', () => {
  const lf = file(lines(12 * MiB, 1, 3000, '\n', 1));
  const crlf = file(lines(12 * MiB, 2, 3000, '\r\n', 2));
  // Lines of 100-300 KB: the search for the next line break goes through several 64 KiB reads.
  const long = file(lines(14 * MiB, 100_000, 300_000, '\n', 3));

  it('cuts at the first line start where both threads have the same work left, for any progress so far', () => {
    for (const f of [lf, crlf, long]) {
      fc.assert(fc.property(fc.integer({ min: 0, max: f.buf.length }), (done) => void checkCut(f, done)), { numRuns: 60 });
      for (const done of [0, 1, MiB, Math.floor(f.buf.length / 2), f.buf.length - 1, f.buf.length]) checkCut(f, done);
    }
  });

  it('gives the worker its share: about (1 - r) / (2 - r) of the file when it runs before any reading', () => {
    for (const [f, maxLine] of [[lf, 3000], [crlf, 3000], [long, 300_000]] as const) {
      const total = f.buf.length;
      const c = checkCut(f, 0);
      const share = (total - c) / total;
      const expected = (1 - RECOUNT_COST) / (2 - RECOUNT_COST);
      assert.ok(share <= expected + 1e-9, `worker share ${share.toFixed(4)} over ${expected.toFixed(4)}`);
      assert.ok(share > expected - maxLine / total, `worker share ${share.toFixed(4)}: more than a line under ${expected.toFixed(4)}`);
      // The imbalance between the two threads' remaining work is under one line's worth.
      assert.ok(own(c, 0) - theirs(c, total) < (2 - RECOUNT_COST) * maxLine);
    }
  });

  it('the further this thread has read, the later the cut and the smaller the worker part', () => {
    const total = lf.buf.length;
    let prev = -1;
    for (let done = 0; done <= total; done += 256 * 1024) {
      const c = checkCut(lf, done);
      assert.ok(c >= prev, `cut ${c} before the cut ${prev} for less progress`);
      prev = c;
    }
    assert.equal(balancedCut(lf.path, total, total), total, 'everything read: no worker part');
  });

  it('a balanced point exactly at a line start is the cut; one just after a line start moves to the next', () => {
    const total = 12 * MiB;
    const point = Math.floor(total / (2 - RECOUNT_COST));
    // Line breaks at point - 1 (so that `point` is a line start) and 5,000 bytes later.
    const buf = Buffer.alloc(total, 0x61);
    buf[point - 1] = 10;
    buf[point + 5000] = 10;
    buf[total - 1] = 10;
    const f = file(buf);
    assert.equal(checkCut(f, 0), point);
    // The same file with the first break one byte later: `point` is inside a line, the cut is after the next break.
    const buf2 = Buffer.from(buf);
    buf2[point - 1] = 0x61;
    buf2[point] = 10;
    assert.equal(checkCut(file(buf2), 0), point + 1);
    const buf3 = Buffer.from(buf);
    buf3[point - 1] = 0x61;
    assert.equal(checkCut(file(buf3), 0), point + 5001);
  });

  it('CRLF: the cut is after the \\n, never between \\r and \\n', () => {
    const total = 12 * MiB;
    const point = Math.floor(total / (2 - RECOUNT_COST));
    for (const crAt of [point - 2, point - 1, point]) {
      const buf = Buffer.alloc(total, 0x62);
      buf[crAt] = 13;
      buf[crAt + 1] = 10;
      buf.write('\r\n', total - 2, 'latin1');
      const c = checkCut(file(buf), 0);
      assert.equal(c, crAt + 2, `\\r at ${crAt - point} from the balanced point`);
      assert.equal(buf[c - 2], 13);
    }
  });

  it('degenerate files: empty, one line, one giant line, a worker part that would be too small', () => {
    assert.equal(balancedCut(file(Buffer.alloc(0)).path, 0, 0), 0, 'empty file');
    const one = file(Buffer.from('{"messages":[]}\n'));
    assert.equal(checkCut(one, 0), one.buf.length, 'one short line');
    // One 12 MiB line, without and with a final line break: no line start inside, so no worker part.
    const giant = file(Buffer.alloc(12 * MiB, 0x63));
    assert.equal(checkCut(giant, 0), giant.buf.length);
    const giantNl = Buffer.alloc(12 * MiB, 0x63);
    giantNl[giantNl.length - 1] = 10;
    const g2 = file(giantNl);
    assert.equal(checkCut(g2, 0), g2.buf.length);
    // Two lines, the break just after the middle: the second line is the worker part only when it is big enough.
    const total = 12 * MiB;
    const point = Math.floor(total / (2 - RECOUNT_COST));
    const split = Buffer.alloc(total, 0x64);
    split[point + 10] = 10;
    assert.equal(checkCut(file(split), 0), point + 11);
    // A 7 MiB file: the balanced worker part (~3.4 MiB) is under MIN_WORKER_BYTES, so this thread does it all.
    const small = file(lines(7 * MiB, 1, 500, '\n', 4));
    assert.equal(checkCut(small, 0), small.buf.length);
    // The only line break after the balanced point leaves less than MIN_WORKER_BYTES: no worker part.
    const late = Buffer.alloc(total, 0x65);
    late[total - MIN_WORKER_BYTES + 100] = 10;
    assert.equal(checkCut(file(late), 0), total);
  });
});
