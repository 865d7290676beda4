/**
 * The local Fireworks flavour, driven by Tuneline's FireworksClient and the Fireworks adapter: dataset + upload,
 * a supervised job run to JOB_STATE_COMPLETED with its progress, paging, deploy then chat with the output model, and
 * the faults (429 with retry-after, 5xx, a failed job whose status.message names an example mapped to its line).
 * Responses are checked against the shapes the Fireworks docs document (no OpenAPI document is used here: the
 * Gateway OpenAPI is only published in pieces per page): the fields of Dataset and SupervisedFineTuningJob, and
 * `state` within the gatewayJobState enum (the adapter's status table).
 */
import assert from 'node:assert/strict';
import { FIREWORKS, FIREWORKS_STATUSES, tunelineStatus, type TrainingPlan } from '../../src/api/providers';
import { FireworksClient, resourceId, type FireworksJob } from '../../src/api/providers/fireworks/client';
import { exampleLine, ProviderHttpError } from '../../src/api/providers/retry';
import { startLocalFireworks, type LocalFireworks } from '../../tools/local-api/fireworks';
import { GOOD_JSONL, TOPICS } from './helpers';

const FAST = { baseDelayMs: 5, maxDelayMs: 20, maxWaitMs: 2_000 };

/** get-supervised-fine-tuning-job (docs): the fields Tuneline reads, with their types. */
function assertJobShape(j: FireworksJob): void {
  assert.match(j.name, /^accounts\/[^/]+\/supervisedFineTuningJobs\/[^/]+$/);
  assert.ok(FIREWORKS_STATUSES.some((s) => s.service === j.state), `state ${j.state} in gatewayJobState`);
  assert.match(j.dataset, /^accounts\/[^/]+\/datasets\/[^/]+$/);
  assert.equal(typeof j.createTime, 'string');
  assert.ok(!Number.isNaN(Date.parse(j.createTime!)));
  assert.equal(typeof j.status?.code, 'string');
  assert.equal(typeof j.jobProgress?.percent, 'number');
  for (const k of ['epochs', 'learningRate', 'loraRank'] as const) assert.equal(typeof j[k], 'number', k);
  if (j.outputModel !== undefined) assert.match(j.outputModel, /^accounts\/[^/]+\/models\/[^/]+$/);
}

describe('local API, Fireworks flavour (FireworksClient on fetch)', function () {
  this.timeout(30_000);
  let api: LocalFireworks;
  let client: FireworksClient;
  beforeEach(async () => {
    api = await startLocalFireworks();
    client = new FireworksClient({ apiKey: api.key, account: api.account, baseURL: api.baseURL, retry: FAST });
  });
  afterEach(() => api.close());
  const advance = (ms: number): void => {
    for (let t = 0; t < ms; t += 1000) api.clock.advance(1000);
  };
  const lines = (t: string): number => t.split('\n').filter((l) => l.trim()).length;

  it('creates and uploads a dataset, trains to JOB_STATE_COMPLETED with progress, deploys and chats', async () => {
    const ds = await client.uploadDataset('support-v1', { name: 'train.jsonl', data: Buffer.from(GOOD_JSONL) }, lines(GOOD_JSONL));
    assert.equal(ds.state, 'READY');
    assert.equal(ds.exampleCount, '12');
    assert.equal(ds.name, `accounts/${api.account}/datasets/support-v1`);
    const plan: TrainingPlan = { model: 'llama-v3p1-8b-instruct', method: 'supervised', trainingFile: ds.name, hyperparameters: { epochs: 2, loraRank: 16, learningRate: 0.0002 } };
    assert.deepEqual(FIREWORKS.check(plan), []);
    const body = FIREWORKS.jobRequest({ ...plan, model: FIREWORKS.model(plan.model)!.id });
    assert.deepEqual(body, { dataset: ds.name, baseModel: 'accounts/fireworks/models/llama-v3p1-8b-instruct', epochs: 2, loraRank: 16, learningRate: 0.0002 });
    const job = await client.createJob(body, 'sft-one');
    assertJobShape(job);
    assert.equal(tunelineStatus(FIREWORKS.capabilities, job.state)?.tuneline, 'validating_files');
    advance(20_000);
    const mid = await client.getJob(resourceId(job.name));
    assertJobShape(mid);
    assert.equal(tunelineStatus(FIREWORKS.capabilities, mid.state)?.tuneline, 'running');
    assert.ok(mid.jobProgress!.percent! > 0 && mid.jobProgress!.percent! < 100);
    advance(35_000);
    const done = await client.getJob(job.name);
    assertJobShape(done);
    assert.equal(done.state, 'JOB_STATE_COMPLETED');
    assert.equal(tunelineStatus(FIREWORKS.capabilities, done.state)?.final, true);
    assert.equal(done.jobProgress?.percent, 100);
    const model = done.outputModel!;
    await assert.rejects(client.chat(model, [{ role: 'user', content: TOPICS[3][0] }]), (e: ProviderHttpError) => e.status === 404 && /not deployed/.test(e.message));
    await client.deployModel(model);
    const reply = await client.chat(model, [{ role: 'user', content: TOPICS[3][0] }]);
    assert.match(reply.choices[0]!.message.content, /eight legs/);
  });

  it('pages the job list with pageSize / nextPageToken, and stops a job by deleting it', async () => {
    const ds = await client.uploadDataset('d', { name: 'd.jsonl', data: Buffer.from(GOOD_JSONL) }, 12);
    for (let i = 0; i < 3; i++) await client.createJob(FIREWORKS.jobRequest({ model: 'accounts/fireworks/models/llama-v3-8b-instruct', method: 'supervised', trainingFile: ds.name }), `j${i}`);
    const p1 = await client.listJobs({ pageSize: 2 });
    assert.equal(p1.jobs.length, 2);
    assert.equal(p1.totalSize, 3);
    const p2 = await client.listJobs({ pageSize: 2, pageToken: p1.nextPageToken! });
    assert.equal(p2.jobs.length, 1);
    assert.equal(p2.nextPageToken, undefined);
    assert.deepEqual([...p1.jobs, ...p2.jobs].map((j) => resourceId(j.name)).sort(), ['j0', 'j1', 'j2']);
    await client.cancelJob('j1');
    await assert.rejects(client.getJob('j1'), (e: ProviderHttpError) => e.status === 404);
  });

  it('429 with retry-after is waited for and retried; 5xx are retried; a long retry-after fails at once', async () => {
    const ds = await client.uploadDataset('d', { name: 'd.jsonl', data: Buffer.from(GOOD_JSONL) }, 12);
    await client.createJob(FIREWORKS.jobRequest({ model: 'accounts/fireworks/models/llama-v3-8b-instruct', method: 'supervised', trainingFile: ds.name }), 'r');
    api.faults.push({ method: 'GET', path: '/supervisedFineTuningJobs/r$', status: 429, retryAfterSeconds: 0.2, times: 1 });
    const t0 = Date.now();
    assertJobShape(await client.getJob('r'));
    assert.ok(Date.now() - t0 >= 190);
    api.faults.push({ method: 'GET', path: '/supervisedFineTuningJobs/r$', status: 503, times: 2 });
    assertJobShape(await client.getJob('r'));
    assert.equal(api.requests.filter((r) => r.path.endsWith('/supervisedFineTuningJobs/r')).length, 5);
    api.faults.push({ method: 'GET', path: '/supervisedFineTuningJobs/r$', status: 429, retryAfterSeconds: 600, times: 1 });
    await assert.rejects(client.getJob('r'), (e: ProviderHttpError) => e.status === 429 && e.retries === 0 && /rate limit/.test(e.message) && !e.message.includes(api.key));
    // A create is retried after a 5xx (the service answered: nothing was created), not after a dropped connection.
    api.faults.push({ method: 'POST', path: '/supervisedFineTuningJobs$', status: 500, times: 10 });
    await assert.rejects(client.createJob({ dataset: ds.name, baseModel: 'accounts/fireworks/models/llama-v3-8b-instruct' }), (e: ProviderHttpError) => e.status === 500 && e.retries === 3 && /start the fine-tuning job/.test(e.message));
  });

  it('a job failing on bad data names the example in status.message, mapped to its dataset line', async () => {
    const good = GOOD_JSONL.trim().split('\n');
    const text = `${good[0]}\n${good[1]}\n\n\n{"messages": [{"role": "robot", "content": "beep"}]}\n`;
    const ds = await client.uploadDataset('bad', { name: 'bad.jsonl', data: Buffer.from(text) }, 3);
    const job = await client.createJob(FIREWORKS.jobRequest({ model: 'accounts/fireworks/models/llama-v3-8b-instruct', method: 'supervised', trainingFile: ds.name }));
    advance(2_000);
    const failed = await client.getJob(job.name);
    assertJobShape(failed);
    assert.equal(tunelineStatus(FIREWORKS.capabilities, failed.state)?.tuneline, 'failed');
    assert.match(failed.status?.message ?? '', /Example 3: unknown role "robot"/);
    assert.equal(exampleLine(failed.status?.message, text), 4);
  });
});
