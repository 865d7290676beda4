// One helper for the integration tests of the open-model services (issue 20): Together AI, Fireworks AI, Nebius
// Token Factory and Amazon Bedrock (Mantle), each against its local flavour (tools/local-api: together.ts,
// fireworks.ts, and the OpenAI-shaped engine's nebius / bedrock-mantle flavours). `describeService(spec)` defines the
// same suite for every service — upload, train, watch the job succeed with its metrics chart, chat with the tuned
// model in the playground, evaluate it; a 429 with retry-after, a 5xx, a failed job whose message names an example
// mapped to the dataset line — and the per-service files say only what differs. Both trust modes: in Restricted Mode
// the user settings count; in a trusted workspace the workspace settings do (and the host is confirmed once).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { FineTuningJob } from '../../src/api/types';
import type { TunelineApi } from '../../src/extension';
import { startLocalFireworks } from '../../tools/local-api/fireworks';
import { startLocalTogether } from '../../tools/local-api/together';
import { connect, deciding, randomKey, restoreSettings, setSettings } from './apiFixture';
import { activateExtension, fixtureUri, runnerRequest, screenshot, sleep, testName, waitFor, waitForWebviewText, webviewCount } from './helpers';

export type OpenService = 'together' | 'fireworks' | 'nebius' | 'bedrock-mantle';

/** A local service with Tuneline pointed at it: what the suite drives, the same for every service. */
export interface Rig {
  readonly t: TunelineApi;
  readonly key: string;
  /** Every log line Tuneline wrote since the rig started. */
  readonly lines: string[];
  /** Moves the service's clock (jobs run on it). */
  advance(ms: number): void;
  /** Serves a tuned model where the service needs that done outside Tuneline (Together: a dedicated endpoint). */
  deploy(model: string): void;
  /** The next `times` requests of `method` whose path matches `path` get `status` (429: with `retry-after`). */
  fault(f: { method: string; path: string; status: number; retryAfterSeconds?: number; times: number }): void;
  /** Requests the service answered, by method and path regex (on the path after the API prefix). */
  count(method: string, path: string): number;
  close(): Promise<void>;
}

export interface ServiceSpec {
  readonly service: OpenService;
  readonly label: string;
  readonly model: string;
  readonly method: 'supervised' | 'reinforcement';
  /** The training file (good, and one whose Example 6 — line 8 — the service refuses). */
  readonly trainingFile: () => vscode.Uri;
  readonly badFile: () => vscode.Uri;
  /** The chat file evaluation runs on (default: the training file). */
  readonly evalFile?: () => vscode.Uri;
  /** The tuned model answers the first pair of good.jsonl from its training data (false: RFT, no assistant turns). */
  readonly answersFromTraining?: boolean;
  /** Written before the suite, removed after (datasets made for the service). */
  readonly files?: () => ReadonlyArray<{ readonly uri: vscode.Uri; readonly text: string }>;
  readonly extraArgs?: Record<string, unknown>;
  /**
   * What the metrics chart shows: `loss` (training loss per step), `points` (the service's own metrics, e.g. RFT
   * rewards, from its events or result file) or `none` (Fireworks: progress only).
   */
  readonly chart: 'loss' | 'points' | 'none';
  /** The service has a Batch API Tuneline uses (else evaluation runs live and refuses an explicit `batch: true`). */
  readonly batch: boolean;
  /** Path regexes (on the path after the API prefix) of the job list GET and the job create POST. */
  readonly listPath: string;
  readonly createPath: string;
  /** Milliseconds of service clock a small job needs to finish. */
  readonly jobMs: number;
}

const WORKSPACE_KEYS = ['fireworks.account'];

async function startRig(service: OpenService): Promise<Rig> {
  if (service === 'nebius' || service === 'bedrock-mantle') {
    const c = await connect(service, { provider: service });
    return {
      t: c.t,
      key: c.api.key,
      lines: c.lines,
      advance: (ms) => c.api.clock.advance(ms),
      deploy: () => undefined,
      fault: (f) => {
        c.api.faults.add(f.status === 429 ? { kind: 'rate-limit', method: f.method, path: f.path, retryAfter: f.retryAfterSeconds ?? 1, count: f.times } : { kind: 'error', status: f.status, method: f.method, path: f.path, count: f.times });
      },
      count: (method, path) => c.api.requests.count({ method, path }),
      close: () => c.close(),
    };
  }
  const t = await activateExtension();
  const key = randomKey();
  const lines: string[] = [];
  const tap = t.log.tap((_level, line) => lines.push(line));
  const api = service === 'together' ? await startLocalTogether({ key }) : await startLocalFireworks({ key });
  // Together's paths are checked after /v1 (its API prefix); Fireworks' after /v1/accounts/{account}.
  const prefix = service === 'together' ? '/v1' : `/v1/accounts/${(api as { account?: string }).account ?? ''}`;
  const settings: Record<string, unknown> = { provider: service, baseUrl: api.baseURL, ...(service === 'fireworks' ? { 'fireworks.account': (api as { account: string }).account } : {}) };
  await t.connection.provider.forgetConfirmedHosts();
  t.connection.provider.setHostPrompt(async () => true);
  const target = deciding();
  await setSettings(settings, target);
  assert.equal(await vscode.commands.executeCommand('tuneline.setApiKey', key, service), true, 'the key is stored');
  if (target === vscode.ConfigurationTarget.Workspace) await t.connection.provider.getClient();
  return {
    t,
    key,
    lines,
    advance: (ms) => {
      for (let d = 0; d < ms; d += 1000) api.clock.advance(Math.min(1000, ms - d));
    },
    deploy: (model) => {
      if ('deploy' in api) api.deploy(model);
    },
    fault: (f) => {
      const path = service === 'together' ? f.path : `^${prefix}${f.path.replace(/^\^/, '')}`;
      api.faults.push({ method: f.method, path, status: f.status, ...(f.retryAfterSeconds !== undefined ? { retryAfterSeconds: f.retryAfterSeconds } : {}), times: f.times });
    },
    count: (method, path) => {
      const re = new RegExp(path);
      return api.requests.filter((r) => r.method === method && r.path.startsWith(prefix) && re.test(r.path.slice(prefix.length))).length;
    },
    close: async () => {
      tap.dispose();
      t.connection.provider.setHostPrompt(undefined);
      await vscode.commands.executeCommand('tuneline.clearApiKey', service);
      const c = vscode.workspace.getConfiguration('tuneline');
      for (const k of WORKSPACE_KEYS) {
        await c.update(k, undefined, vscode.ConfigurationTarget.Global);
        await c.update(k, undefined, vscode.ConfigurationTarget.Workspace);
      }
      await restoreSettings();
      await api.close();
    },
  };
}

/** The suite, for one service. */
export function describeService(spec: ServiceSpec): void {
  describe(`${spec.label} in the editor (issue 20): the whole loop on its local flavour`, function () {
    this.timeout(240_000);
    let rig: Rig;

    before(async () => {
      for (const f of spec.files?.() ?? []) fs.writeFileSync(f.uri.fsPath, f.text);
      rig = await startRig(spec.service);
    });
    after(async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await rig?.close();
      for (const f of spec.files?.() ?? []) fs.rmSync(f.uri.fsPath, { force: true });
    });

    const jobs = () => rig.t.jobs;
    const status = (id: string) => jobs().model.get(id)?.job.status as string | undefined;

    /** Runs the service's clock and refreshes the view until the job has `want` (as a person waiting would see). */
    async function runUntil(id: string, want: string, stepMs = 2_000, timeoutMs = 60_000): Promise<void> {
      await waitFor(
        async () => {
          if (status(id) === want) return true;
          rig.advance(stepMs);
          await jobs().model.refresh();
          await sleep(100);
          return status(id) === want;
        },
        `${id} to be ${want} (is ${status(id)})`,
        timeoutMs,
      );
    }

    async function start(file: vscode.Uri, suffix: string): Promise<FineTuningJob | undefined> {
      return vscode.commands.executeCommand<FineTuningJob | undefined>('tuneline.startTraining', {
        trainingFile: file,
        model: spec.model,
        method: spec.method,
        confirm: 'none',
        ifProblems: 'upload',
        suffix,
        ...spec.extraArgs,
      });
    }

    it('uploads, trains, shows the job succeed with its metrics chart, chats with the tuned model in the playground and evaluates it', async function () {
      const job = await start(spec.trainingFile(), 'wire');
      assert.ok(job, `the job started: ${rig.lines.slice(-6).join('\n')}`);
      assert.equal(rig.count('POST', spec.createPath), 1, 'one create request');
      await vscode.commands.executeCommand('tuneline.jobs.focus');
      await runUntil(job.id, 'running');
      const panel = await vscode.commands.executeCommand<{ view?: { points: Array<{ step: number; trainLoss?: number }>; source: string; live: boolean; status: string } }>('tuneline.jobs.showMetrics', job.id);
      rig.advance(spec.jobMs / 3);
      await runUntil(job.id, 'succeeded', 3_000, 120_000);
      const done = jobs().model.get(job.id)!.job;
      assert.ok(done.fine_tuned_model, 'the tuned model id');
      const view = await waitFor(() => (panel.view && panel.view.status === 'succeeded' && !panel.view.live ? panel.view : undefined), 'the metrics panel to show the finished job', 30_000);
      if (spec.chart === 'points') {
        assert.ok(view.points.length >= 3, `metrics points: ${JSON.stringify(view.points)}`);
        assert.notEqual(view.source, 'none');
      } else if (spec.chart === 'loss') {
        assert.ok(view.points.length >= 3 && view.points.every((p) => typeof p.trainLoss === 'number'), `loss points: ${JSON.stringify(view.points)}`);
        assert.ok(view.points[0]!.trainLoss! > view.points[view.points.length - 1]!.trainLoss!, 'the loss goes down');
        if (process.env.TUNELINE_TEST_ACK_DIR) await waitFor(async () => (await runnerRequest({ type: 'count', selector: `#chart-loss[data-points="${view.points.length}"]`, webview: true }))?.value === 1, 'the loss chart drawn');
      } else {
        assert.equal(view.source, 'none', 'no loss curve from this service');
      }
      await screenshot(`${testName(this)}-metrics`, 800);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.commands.executeCommand('tuneline.jobs.focus');
      await waitFor(() => jobs().tree.jobNode(job.id), 'the job in the tree');
      await jobs().tree.reveal(jobs().tree.jobNode(job.id)!, true);
      await screenshot(`${spec.service}-jobs-view-succeeded`, 800);

      // The playground: the tuned model answers what it learnt.
      const pair = firstPair();
      rig.deploy(done.fine_tuned_model!);
      await vscode.commands.executeCommand('tuneline.openPlayground', { models: [done.fine_tuned_model!] });
      await waitFor(() => rig.t.playground.session()?.models[0] === done.fine_tuned_model, 'the playground with the tuned model');
      if (process.env.TUNELINE_TEST_ACK_DIR) {
        await waitFor(async () => (await webviewCount('#input')) === 1, 'the playground input');
        await runnerRequest({ type: 'fill', selector: '#input', text: pair.prompt, webview: true });
        await runnerRequest({ type: 'press', keys: ['Enter'] });
        const reply = await waitFor(() => {
          const r = rig.t.playground.session()?.turns[0]?.replies[0];
          return r && r.status !== 'waiting' && r.status !== 'streaming' ? r : undefined;
        }, 'the reply', 30_000);
        assert.equal(reply.status, 'done', `${reply.status}: ${reply.text} ${rig.lines.slice(-4).join('\n')}`);
        const expected = spec.answersFromTraining === false ? reply.text : pair.answer;
        assert.ok(reply.text.length > 0 && reply.text.includes(expected), `the tuned model's answer: ${reply.text}`);
        await waitForWebviewText('.reply[data-turn="0"][data-column="0"] .reply-body', (x) => x.trim().length > 0 && x.includes(expected.trim()), 'the reply on the page');
        await screenshot(`${spec.service}-playground-tuned-model`, 600);
      }
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');

      // Evaluation: live (the Batch API only where the service has one Tuneline uses).
      if (!spec.batch) {
        rig.lines.length = 0;
        await vscode.commands.executeCommand('tuneline.evaluateModel', { models: [done.fine_tuned_model!], file: (spec.evalFile ?? spec.trainingFile)(), batch: true, show: false }).then(
          () => undefined,
          () => undefined,
        );
        // The command wrapper shows (and logs) the refusal, with the reason, before anything is sent.
        assert.ok(rig.lines.some((l) => /Batch API/.test(l) && /evaluation runs live/.test(l)), `refused with the reason: ${rig.lines.slice(-4).join('\n')}`);
        assert.equal(rig.count('POST', '^/batches'), 0, 'no batch sent');
      }
      const r = (await vscode.commands.executeCommand('tuneline.evaluateModel', { models: [done.fine_tuned_model!], file: (spec.evalFile ?? spec.trainingFile)(), show: false, ...(spec.batch ? { batch: false } : {}) })) as { status: string; mode: string; file: string };
      assert.equal(r.status, 'completed');
      assert.equal(r.mode, 'live');
      const rows = fs.readFileSync(r.file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type?: string; error?: unknown; scores?: { f1?: number } });
      const results = rows.filter((x) => x.scores || x.error);
      assert.ok(results.length > 0 && results.every((x) => !x.error), `every example answered: ${JSON.stringify(results.find((x) => x.error))}`);
      fs.rmSync(r.file, { force: true });
    });

    it('a 429 with retry-after is waited for and retried; a 5xx ends in plain words after the retries, without the key', async () => {
      rig.lines.length = 0;
      rig.fault({ method: 'GET', path: spec.listPath, status: 429, retryAfterSeconds: 1, times: 1 });
      const before = rig.count('GET', spec.listPath);
      await jobs().model.refresh();
      await waitFor(() => rig.lines.some((l) => /429; retry 1 of \d+ in \d+ ms \(retry-after\)/.test(l)), 'the retry after the 429');
      await waitFor(() => rig.count('GET', spec.listPath) >= before + 2, 'the list asked again after the 429');
      // Exactly the attempts Tuneline makes (1 + 3 retries), so that nothing is left for the next test.
      rig.fault({ method: 'POST', path: spec.createPath, status: 503, times: 4 });
      const creates = rig.count('POST', spec.createPath);
      const job = await start(spec.trainingFile(), 'storm');
      assert.equal(job, undefined, 'the job did not start');
      assert.equal(rig.count('POST', spec.createPath) - creates, 4, 'retried 3 times, then given up');
      const said = rig.lines.filter((l) => /had a problem of its own \(503\)/.test(l));
      assert.ok(said.length > 0, rig.lines.slice(-6).join('\n'));
      assert.match(said[0]!, /Tuneline tried 4 times/);
      assert.ok(!rig.lines.some((l) => l.includes(rig.key)), 'the key is in no log line');
    });

    it('a failed job whose message names an example is announced with that example\'s line in the dataset', async () => {
      const job = await start(spec.badFile(), 'bad');
      assert.ok(job, rig.lines.slice(-6).join('\n'));
      await runUntil(job.id, 'failed', 1_000);
      await waitFor(() => jobs().notifier.notices.some((n) => n.jobId === job.id), 'the failed notification');
      const n = jobs().notifier.notices.find((x) => x.jobId === job.id)!;
      const rel = vscode.workspace.asRelativePath(spec.badFile()).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      assert.match(n.message, new RegExp(`Example 6\\b.*\\(Example 6 is line 8 of ${rel}\\.\\)`));
      assert.ok(n.actions.includes('Open Line'));
      const where = await jobs().notifier.locate(jobs().model.get(job.id)!.job);
      assert.equal(where?.line, 7);
    });
  });
}

/** The fixture files every service trains on. */
export const GOOD = (): vscode.Uri => fixtureUri('datasets', 'good.jsonl');
export const BAD = (): vscode.Uri => fixtureUri('datasets', 'jobs-bad-example.jsonl');

/**
 * A Bedrock Mantle RFT file (chat `messages` + `reference_answer`, the service's 100-example minimum), and the same
 * with two blank lines before Example 6 and Example 6 missing its `reference_answer` (so Example 6 is line 8).
 */
export function rftFiles(): Array<{ uri: vscode.Uri; text: string }> {
  const line = (i: number, withAnswer = true) =>
    JSON.stringify({ messages: [{ role: 'system', content: 'Answer with the number only.' }, { role: 'user', content: `What is ${i} plus ${i}?` }], ...(withAnswer ? { reference_answer: String(2 * i) } : {}) });
  const good = Array.from({ length: 100 }, (_, i) => line(i + 1));
  const bad = [...good.slice(0, 2), '', ...good.slice(2, 4), '', good[4]!, line(6, false), ...good.slice(6)];
  return [
    { uri: fixtureUri('datasets', 'bedrock-rft.jsonl'), text: `${good.join('\n')}\n` },
    { uri: fixtureUri('datasets', 'bedrock-rft-bad.jsonl'), text: `${bad.join('\n')}\n` },
  ];
}

/** The first training pair of good.jsonl (the tuned models answer it from their training data). */
export function firstPair(): { prompt: string; answer: string } {
  const line = JSON.parse(fs.readFileSync(GOOD().fsPath, 'utf8').split('\n')[0]!) as { messages: Array<{ role: string; content: string }> };
  return { prompt: line.messages.find((m) => m.role === 'user')!.content, answer: line.messages.filter((m) => m.role === 'assistant').pop()!.content };
}
