/** The drivable clock, the demo speed, and the CLI. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Clock, TIMING, startLocalApi } from '../../tools/local-api';
import { GOOD_JSONL, client, uploadText } from './helpers';

describe('local API clock', () => {
  it('runs timers in time order, each at its due time, only when advanced', () => {
    const clock = new Clock(1_000_000);
    const seen: [string, number][] = [];
    clock.setTimeout(() => seen.push(['b', clock.now()]), 200);
    clock.setTimeout(() => {
      seen.push(['a', clock.now()]);
      clock.setTimeout(() => seen.push(['c', clock.now()]), 50); // scheduled from a timer: 1_000_150
    }, 100);
    const dropped = clock.setTimeout(() => seen.push(['x', clock.now()]), 10);
    clock.clearTimeout(dropped);
    assert.deepEqual(seen, []);
    clock.advance(99);
    assert.deepEqual(seen, []);
    clock.advance(1_000);
    assert.deepEqual(seen, [
      ['a', 1_000_100],
      ['c', 1_000_150],
      ['b', 1_000_200],
    ]);
    assert.equal(clock.now(), 1_001_099);
    assert.equal(clock.pending(), 0);
    assert.throws(() => clock.advance(-1));
  });

  it('a job takes about a minute of clock time from creation to succeeded', async () => {
    const api = await startLocalApi({ startTime: Date.UTC(2026, 0, 1) });
    try {
      const c = client(api);
      const file = await uploadText(c, GOOD_JSONL);
      const job = await c.fineTuning.jobs.create({ model: 'gpt-4o-mini', training_file: file.id });
      api.clock.advance(50_000);
      assert.equal((await c.fineTuning.jobs.retrieve(job.id)).status, 'running', 'not done after 50 s');
      api.clock.runAll();
      const done = await c.fineTuning.jobs.retrieve(job.id);
      assert.equal(done.status, 'succeeded');
      const took = done.finished_at! - done.created_at;
      assert.ok(took >= 50 && took <= 70, `took ${took} s`);
      const planned = (TIMING.validateMs + TIMING.queueMs + TIMING.runMs + TIMING.evaluateMs + TIMING.publishMs) / 1000;
      assert.ok(Math.abs(took - planned) <= 1);
      assert.equal(done.created_at, Date.UTC(2026, 0, 1) / 1000, 'timestamps come from the clock');
    } finally {
      await api.close();
    }
  });

  it('in demo speed the clock follows real time by itself', async () => {
    const api = await startLocalApi({ speed: 'demo' });
    try {
      const t0 = api.clock.now();
      await new Promise((r) => setTimeout(r, 350));
      const moved = api.clock.now() - t0;
      assert.ok(moved >= 150 && moved <= 1500, `moved ${moved} ms`);
    } finally {
      await api.close();
    }
  });
});

describe('local API CLI', () => {
  it('prints its URL and key, serves, and stops on SIGTERM', async function () {
    this.timeout(20_000);
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(__dirname, '..', '..', 'tools', 'local-api', 'main.ts'), '--port', '0', '--flavour', 'azure', '--key', 'k-cli', '--speed', 'manual', '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/127\.0\.0\.1:\d+\/openai\/v1)/.exec(out);
          if (m && out.includes('k-cli')) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      assert.match(out, /^Local OpenAI-shaped API \(azure flavour\) listening on http:\/\/127\.0\.0\.1:\d+\/openai\/v1$/m);
      const res = await fetch(`${url}/models`, { headers: { 'api-key': 'k-cli' } });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
