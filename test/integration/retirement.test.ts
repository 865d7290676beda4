// Retirement in the real VS Code (issue 18), against the local API: the jobs view's "My fine-tuned models" lists every
// fine-tuned model of the account — also those of jobs made before (and outside) this session, seeded straight on the
// local API, more than the jobs view's first page — with days left counted from the clock the test drives; a model
// inside 30 days is marked with the warning colour, a retired one with the error colour. Both trust modes.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { JobsApi } from '../../src/jobs/register';
// types only: the extension's classes are not the test bundle's (instanceof would not match)
import type { JobsNode } from '../../src/jobs/nodes';
import { connect, type Connected } from './apiFixture';
import { fixtureUri, runnerRequest, screenshot, sleep, testName, waitFor, waitForJobsView, webviewText } from './helpers';

const MINI = 'gpt-4o-mini-2024-07-18';
const NANO = 'gpt-4.1-nano-2025-04-14';
/** More than the jobs view's first page (20): the list must read every page. */
const SEEDED_MINI = 22;

async function seedJobs(c: Connected): Promise<string[]> {
  const auth = { authorization: `Bearer ${c.api.key}` };
  const bytes = await vscode.workspace.fs.readFile(fixtureUri('datasets', 'good.jsonl'));
  const form = new FormData();
  form.append('purpose', 'fine-tune');
  form.append('file', new Blob([bytes]), 'seed.jsonl');
  const file = (await (await fetch(`${c.api.baseURL}/files`, { method: 'POST', headers: auth, body: form })).json()) as { id: string };
  assert.ok(file.id, 'the seed file was uploaded');
  const ids: string[] = [];
  for (const [model, n] of [[MINI, SEEDED_MINI], [NANO, 1]] as const) {
    for (let i = 0; i < n; i++) {
      const r = await fetch(`${c.api.baseURL}/fine_tuning/jobs`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ model, training_file: file.id, suffix: `seed${i}`, hyperparameters: { n_epochs: 2 } }),
      });
      const job = (await r.json()) as { id?: string };
      assert.equal(r.status, 200, `job ${model} #${i} created`);
      ids.push(job.id!);
    }
  }
  c.api.clock.runAll();
  return ids;
}

interface Look {
  readonly label: string;
  readonly description: string;
  readonly icon?: string;
  readonly color?: string;
  readonly contextValue?: string;
}

function look(node: JobsNode): Look {
  const item = node.treeItem();
  const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath : undefined;
  return {
    label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
    description: String(item.description ?? ''),
    ...(icon ? { icon: icon.id } : {}),
    ...(icon?.color ? { color: icon.color.id } : {}),
    ...(item.contextValue ? { contextValue: item.contextValue } : {}),
  };
}

describe('Retirement: my fine-tuned models and days left', function () {
  this.timeout(180_000);
  let c: Connected;
  let jobs: JobsApi;

  before(async function () {
    c = await connect('openai', { provider: 'openai' });
    jobs = c.t.jobs;
    await seedJobs(c);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('tuneline.jobs.focus');
    // a fresh load after the seeding (one that began while the jobs were being made would keep those beyond page 1)
    jobs.model.reset();
    await jobs.model.ensureLoaded();
  });

  after(async function () {
    jobs?.retirements.clock.set(undefined);
    await c?.close();
  });

  async function modelNodes(): Promise<JobsNode[]> {
    const group = await waitFor(() => jobs.tree.fineTunedNode(), 'the "My fine-tuned models" node');
    await jobs.tree.reveal(group, true);
    return group.children();
  }

  it('lists every fine-tuned model of the account (seeded before, more than one page) with days left from the driven clock', async function () {
    // 17 days before OpenAI's last day for new jobs: inside 30 days
    jobs.retirements.clock.set(new Date('2026-12-20T12:00:00Z'));
    await jobs.fineTuned.refresh();
    assert.ok(jobs.model.jobs.length <= 20, `the jobs view holds only its first page (${jobs.model.jobs.length})`);
    const models = jobs.fineTuned.models;
    assert.equal(models.length, SEEDED_MINI + 1, 'every seeded job made a model, all listed');
    assert.ok(models.every((m) => m.job?.training_file && m.id.startsWith('ft:')), 'each model knows its job and training file');
    const nodes = await modelNodes();
    assert.equal(nodes.length, SEEDED_MINI + 1);
    const mini = nodes.find((n) => (n as unknown as { baseModel: string }).baseModel === MINI)!;
    const nano = nodes.find((n) => (n as unknown as { baseModel: string }).baseModel === NANO)!;
    const m = look(mini);
    assert.equal(m.description, `17 days left · ${MINI}`);
    assert.match(m.label, /^seed\d+:/, 'the label is the suffix and id (the base is in the description)');
    assert.equal(m.color, 'list.warningForeground', 'inside 30 days: the warning colour');
    assert.match(m.contextValue ?? '', /fineTunedModel/);
    const duck = mini as unknown as { providerId: string; modelId: string; baseModel: string };
    assert.deepEqual([duck.providerId, duck.modelId.startsWith('ft:'), duck.baseModel], ['openai', true, MINI]);
    const tip = (mini.treeItem().tooltip as vscode.MarkdownString).value;
    for (const want of ['Training file', 'n\\_epochs', 'New jobs end', 'Serving ends']) assert.ok(tip.includes(want), `tooltip has ${want}: ${tip}`);
    const n = look(nano);
    assert.equal(n.description, `retired · ${NANO}`);
    assert.equal(n.color, 'list.errorForeground', 'past its date: the error colour');
    // the job nodes carry the mark too
    const jobNode = jobs.tree.jobNode(jobs.model.jobs[0]!.job.id)!;
    assert.match(look(jobNode).description, /days left|retired/);

    await waitForJobsView(/My fine-tuned models/, 'the fine-tuned models node', 'retirement');
    await screenshot(`${testName(this)}-warning`, 800);

    // the clock moves back: 47 days left, no colour
    jobs.retirements.clock.set(new Date('2026-11-20T12:00:00Z'));
    const later = look(mini);
    assert.match(later.description, /^47 days left · /);
    assert.equal(later.color, 'charts.green', 'outside 30 days: the normal colour');
    await screenshot(`${testName(this)}-ok`, 800);
  });

  it('expands a fine-tuned model into its checkpoints, each with the model\'s days left', async function () {
    jobs.retirements.clock.set(new Date('2026-12-20T12:00:00Z'));
    const nodes = await modelNodes();
    const mini = nodes.find((n) => (n as unknown as { baseModel: string }).baseModel === MINI)!;
    await jobs.tree.reveal(mini, true);
    const cps = await mini.children();
    assert.ok(cps.length >= 1, 'the job\'s checkpoints are listed');
    const cp = look(cps[0]!);
    assert.match(cp.description, /^17 days left · ft:.*:ckpt-step-\d+$/);
    assert.equal(cp.color, 'list.warningForeground');
  });

  it('the playground shows the days left next to the chosen model, from the same clock', async function () {
    jobs.retirements.clock.set(new Date('2026-12-20T12:00:00Z'));
    const id = jobs.fineTuned.models.find((m) => m.baseModel === MINI)!.id;
    await vscode.commands.executeCommand('tuneline.openPlayground', { models: [id] });
    const wanted = async () => (await webviewText('.retirement')) ?? '';
    if (process.env.TUNELINE_TEST_ACK_DIR) {
      await waitFor(async () => /17 days left/.test(await wanted()), 'the playground to show "17 days left"');
    }
    await waitFor(() => c.t.playground.session()?.retirement?.[0]?.short === '17 days left', 'the session to carry the badge');
    assert.equal(c.t.playground.session()?.retirement?.[0]?.level, 'warning');
    await screenshot(`${testName(this)}-playground`, 800);
    jobs.retirements.clock.set(new Date('2026-11-20T12:00:00Z'));
    await waitFor(() => c.t.playground.session()?.retirement?.[0]?.short === '47 days left', 'the badge to follow the clock');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('says once what stops when, for the OpenAI fine-tunes listed, with the commands that help', async function () {
    jobs.retirements.clock.set(new Date('2026-12-20T12:00:00Z'));
    await jobs.notice.forget();
    const shown = () => c.lines.filter((l) => /\[warning shown\] Tuneline: OpenAI takes no new fine-tuning jobs/.test(l));
    const before = shown().length;
    await jobs.fineTuned.refresh();
    await waitFor(() => shown().length === before + 1, 'the one-time notice');
    // 22 gpt-4o-mini fine-tunes stop answering on 2027-01-14; the gpt-4.1-nano one has already retired
    assert.match(shown().at(-1)!, /from 2027-01-06, and 22 of your fine-tuned models stop answering from 2027-01-14\. Keep a baseline/);
    if (process.env.TUNELINE_TEST_ACK_DIR) {
      const toast = await runnerRequest({ type: 'text', selector: '.notifications-toasts .notification-list-item:has-text("no new fine-tuning jobs")', timeoutMs: 20_000 });
      assert.match(String(toast?.value), /What Happens When/, 'the walkthrough step is offered');
      await screenshot(`${testName(this)}-notice`, 300);
    }
    // once: listing the models again says nothing more
    await jobs.fineTuned.refresh();
    await sleep(1_000);
    assert.equal(shown().length, before + 1, 'shown once only');
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('the evaluation view shows the days left next to each model, from the same clock', async function () {
    if (!process.env.TUNELINE_TEST_ACK_DIR) this.skip(); // the page is read through the runner
    jobs.retirements.clock.set(new Date('2026-12-20T12:00:00Z'));
    const id = jobs.fineTuned.models.find((m) => m.baseModel === MINI)!.id;
    const r = (await vscode.commands.executeCommand('tuneline.evaluateModel', { models: [id], file: fixtureUri('datasets', 'eval-validation.jsonl'), batch: false })) as { status: string };
    assert.equal(r.status, 'completed');
    await waitFor(async () => (await webviewText('#summary .retirement')) === '17 days left', 'the evaluation view to show "17 days left"');
    await screenshot(`${testName(this)}-evaluation`, 800);
    jobs.retirements.clock.set(new Date('2026-11-20T12:00:00Z'));
    await waitFor(async () => (await webviewText('#summary .retirement')) === '47 days left', 'the badge to follow the clock');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});

describe('Retirement on Azure: the dates Azure Resource Manager gives win over the catalogue', function () {
  this.timeout(180_000);
  let c: Connected;
  let jobs: JobsApi;
  const AZ_MINI = 'gpt-4.1-mini-2025-04-14';

  before(async function () {
    c = await connect('azure');
    jobs = c.t.jobs;
    const arm = c.api.arm!;
    // the ARM endpoint is a user setting only, in both trust modes (a workspace cannot redirect the Azure token)
    await vscode.workspace.getConfiguration('tuneline').update('azure.armEndpoint', arm.endpoint, vscode.ConfigurationTarget.Global);
    jobs.deployments.setCredential({ getToken: async () => ({ token: arm.token, expiresOnTimestamp: Date.now() + 3600_000 }) });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('tuneline.jobs.focus');
    await jobs.model.refresh();
    const job = await vscode.commands.executeCommand<{ id: string } | undefined>('tuneline.startTraining', {
      trainingFile: fixtureUri('datasets', 'good.jsonl'),
      model: AZ_MINI,
      confirm: 'none',
      ifProblems: 'upload',
      suffix: 'armdates',
    });
    assert.ok(job, 'the job started');
    c.api.clock.runAll();
    await waitFor(() => jobs.model.get(job.id)?.job.status === 'succeeded', 'the job to succeed', 30_000);
  });

  after(async function () {
    jobs?.retirements.clock.set(undefined);
    jobs?.deployments.setCredential(undefined);
    await jobs?.deployments.setAccount(undefined);
    await vscode.workspace.getConfiguration('tuneline').update('azure.armEndpoint', undefined, vscode.ConfigurationTarget.Global);
    await c?.close();
  });

  async function miniLook(): Promise<Look> {
    await jobs.fineTuned.refresh();
    const group = await waitFor(() => jobs.tree.fineTunedNode(), 'the "My fine-tuned models" node');
    await jobs.tree.reveal(group, true);
    const node = (await group.children()).find((n) => (n as unknown as { baseModel: string }).baseModel === AZ_MINI);
    assert.ok(node, `a fine-tuned model of ${AZ_MINI} in the list`);
    return look(node);
  }

  it("shows the catalogue's dates until a resource is known, then ARM's model list dates (deprecation.inference)", async function () {
    jobs.retirements.clock.set(new Date('2026-12-20T12:00:00Z'));
    // the catalogue: Azure's gpt-4.x fine-tunes train until no earlier than 2027-04-01 — over 30 days away
    const before = await miniLook();
    assert.doesNotMatch(before.description, /^(1?\d|2\d) days left/, `the catalogue's date is more than 30 days away: ${before.description}`);
    assert.notEqual(before.color, 'list.warningForeground');
    // ARM says this model stops serving on 2027-01-05 (planned): 16 days from the driven clock
    c.api.arm!.setModel({ name: 'gpt-4.1-mini', version: '2025-04-14', fineTunable: true, deprecation: { fineTune: '2027-02-01T00:00:00Z', inference: '2027-01-05T00:00:00Z', deprecationStatus: 'Planned' } });
    const arm = c.api.arm!;
    await jobs.deployments.setAccount({ subscriptionId: arm.subscriptionId, resourceGroup: arm.resourceGroup, account: arm.account });
    await jobs.armDates.settled();
    const after = await waitFor(async () => {
      const l = await miniLook();
      return /^16 days left/.test(l.description) ? l : undefined;
    }, "ARM's date in the tree");
    assert.equal(after.color, 'list.warningForeground', 'inside 30 days: the warning colour');
    await waitForJobsView(/16 days left/, 'ARM\'s days left in the view', 'retirement-arm');
    await screenshot(`${testName(this)}-arm`, 800);
    // another resource that ARM does not know: the catalogue again, and the failure is only logged
    await jobs.deployments.setAccount({ subscriptionId: arm.subscriptionId, resourceGroup: 'rg-elsewhere', account: arm.account });
    await jobs.armDates.settled();
    const back = await miniLook();
    assert.doesNotMatch(back.description, /^16 days left/, `ARM's dates of the first resource are not kept for another: ${back.description}`);
  });
});
