import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startLocalApi, type LocalApi } from '../../tools/local-api';
import { apiError, connect, randomKey, rejection, restoreSettings, setSettings, type Connected } from './apiFixture';
import { activateExtension, fixtureUri, trustMode } from './helpers';

// The fixture workspace's .vscode/settings.json points Tuneline at http://127.0.0.1:9/workspace-chosen/v1.
describe('Provider endpoint and workspace trust', function () {
  this.timeout(60_000);
  const extra: LocalApi[] = [];
  afterEach(async () => {
    const t = await activateExtension();
    t.connection.provider.setHostPrompt(undefined);
    await vscode.commands.executeCommand('tuneline.clearApiKey', 'custom');
    await restoreSettings();
    await Promise.all(extra.splice(0).map((a) => a.close()));
  });

  it('Restricted Mode: the workspace base URL is never used; requests go to the user-setting endpoint', async function () {
    if (trustMode() !== 'restricted') this.skip();
    const t = await activateExtension();
    // Nothing set by the user: the workspace's "custom" provider and base URL are ignored, OpenAI's default stays.
    const dflt = t.connection.provider.currentEndpoint();
    assert.equal(dflt.provider, 'openai');
    assert.equal(dflt.baseURL, 'https://api.openai.com/v1');
    assert.notEqual(dflt.settingOrigin, 'workspace');

    const api = await startLocalApi({ key: randomKey() });
    extra.push(api);
    const prompts: string[] = [];
    t.connection.provider.setHostPrompt(async (o) => {
      prompts.push(o);
      return true;
    });
    await setSettings({ provider: 'custom', baseUrl: api.baseURL }, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('tuneline.setApiKey', api.key, 'custom');
    const client = await t.connection.provider.getClient();
    assert.equal(client.endpoint.baseURL, api.baseURL, 'the user setting');
    assert.equal(client.endpoint.settingOrigin, 'user');
    await client.listModels();
    assert.ok(api.requests.count({}) >= 1, 'requests reach the user-chosen endpoint');
    assert.deepEqual(prompts, [], 'a user-chosen endpoint needs no confirmation');
    const inspect = vscode.workspace.getConfiguration('tuneline').inspect<string>('baseUrl');
    assert.equal(inspect?.workspaceValue, undefined, 'VS Code hides the workspace value');
  });

  it('trusted workspace: the key goes to a workspace-chosen host only after the user confirms it, once per host and key', async function () {
    if (trustMode() !== 'trusted') this.skip();
    const t = await activateExtension();
    await t.connection.provider.forgetConfirmedHosts();
    const ep = t.connection.provider.currentEndpoint();
    assert.equal(ep.baseURL, 'http://127.0.0.1:9/workspace-chosen/v1', 'the workspace chose this endpoint');
    assert.equal(ep.settingOrigin, 'workspace');

    const api = await startLocalApi({ key: randomKey() });
    extra.push(api);
    await vscode.commands.executeCommand('tuneline.setApiKey', api.key, 'custom');
    let answer = false;
    const prompts: string[] = [];
    t.connection.provider.setHostPrompt(async (o) => {
      prompts.push(o);
      return answer;
    });
    // The fixture's own host: declined, so nothing is sent.
    const e1 = apiError(await rejection(() => t.connection.provider.getClient()));
    assert.equal(e1.kind, 'config');
    assert.match(e1.message, /did not send your API key to http:\/\/127\.0\.0\.1:9/);
    assert.deepEqual(prompts, ['http://127.0.0.1:9']);

    // A workspace-chosen host we can watch: declined → not one request; via the command too.
    await setSettings({ baseUrl: api.baseURL }, vscode.ConfigurationTarget.Workspace);
    await rejection(() => t.connection.provider.getClient());
    const viaCommand = await vscode.commands.executeCommand('tuneline.uploadFile', fixtureUri('datasets', 'good.jsonl'), { ifProblems: 'stop' });
    assert.equal(viaCommand, undefined);
    assert.equal(api.requests.count({}), 0, 'the key was not sent');
    assert.equal(prompts.length, 3);
    assert.equal(prompts[2], api.url);

    // Allowed: requests go there; remembered for this host and key.
    answer = true;
    const client = await t.connection.provider.getClient();
    await client.listModels();
    assert.equal(api.requests.count({ status: 200 }), 1);
    await t.connection.provider.getClient();
    await setSettings({ model: 'gpt-4.1-mini-2025-04-14' }, vscode.ConfigurationTarget.Global); // any change rebuilds
    await t.connection.provider.getClient();
    await setSettings({ model: undefined }, vscode.ConfigurationTarget.Global);
    assert.equal(prompts.length, 4, 'asked once for this host and key');

    // Another key for the same host: asked again.
    await vscode.commands.executeCommand('tuneline.setApiKey', randomKey(), 'custom');
    answer = false;
    await rejection(() => t.connection.provider.getClient());
    assert.equal(prompts.length, 5);
  });

  it('a user-chosen endpoint is used without a question in a trusted workspace too', async function () {
    if (trustMode() !== 'trusted') this.skip();
    const t = await activateExtension();
    const api = await startLocalApi({ key: randomKey() });
    extra.push(api);
    // Remove the workspace values: the user's setting decides.
    await setSettings({ provider: undefined, baseUrl: undefined }, vscode.ConfigurationTarget.Workspace);
    await setSettings({ provider: 'custom', baseUrl: api.baseURL }, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('tuneline.setApiKey', api.key, 'custom');
    const prompts: string[] = [];
    t.connection.provider.setHostPrompt(async (o) => {
      prompts.push(o);
      return false;
    });
    const client = await t.connection.provider.getClient();
    assert.equal(client.endpoint.settingOrigin, 'user');
    await client.listModels();
    assert.deepEqual(prompts, []);
  });
});

describe('Keys', function () {
  this.timeout(60_000);
  let c: Connected;
  afterEach(async () => {
    delete process.env['OPENAI_API_KEY'];
    await c?.close();
  });

  it('sets and clears the key by command argument; falls back to OPENAI_API_KEY', async () => {
    c = await connect('openai');
    const client = await c.t.connection.provider.getClient();
    await client.listModels();
    await vscode.commands.executeCommand('tuneline.clearApiKey', 'custom');
    const e = apiError(await rejection(() => c.t.connection.provider.getClient()));
    assert.equal(e.kind, 'config');
    assert.match(e.message, /no API key for the custom endpoint/);
    process.env['OPENAI_API_KEY'] = c.api.key;
    const fromEnv = await c.t.connection.provider.getClient();
    await fromEnv.listModels();
    assert.ok(c.lines.some((l) => /key from environment/.test(l)));
  });

  it('the key appears in no log line and no notification through a whole upload-and-train flow with faults', async () => {
    c = await connect('openai', { provider: 'openai' });
    await c.t.connection.training.resetWindDownNotice();
    const key = c.api.key;
    // Faults on the way: 429, 500, a dropped part, a wrong key.
    c.t.connection.setUploadTuning({ multipartThreshold: 4096, partSize: 4096, concurrency: 2 });
    c.api.faults.add({ kind: 'rate-limit', path: '^/uploads$', retryAfterMs: 50, count: 1 });
    c.api.faults.add({ kind: 'error', status: 500, path: '^/fine_tuning/jobs$', method: 'POST', count: 1 });
    c.api.faults.add({ kind: 'drop-body', path: '^/uploads/[^/]+/parts$', count: 1 });
    const job = await vscode.commands.executeCommand<{ id: string }>('tuneline.startTraining', {
      trainingFile: fixtureUri('datasets', 'good.jsonl'),
      model: 'gpt-4o-mini-2024-07-18',
      ifProblems: 'stop',
    });
    assert.ok(job, c.lines.slice(-5).join('\n'));
    c.api.clock.advance(120_000);
    const client = await c.t.connection.provider.getClient();
    const done = await client.retrieveJob(job.id);
    assert.equal(done.status, 'succeeded');
    await client.listJobEvents(job.id, { limit: 50 });
    await client.listJobCheckpoints(job.id);
    const chunks: string[] = [];
    for await (const ch of client.streamChat({ model: done.fine_tuned_model!, messages: [{ role: 'user', content: 'How do I reset my password?' }] })) {
      chunks.push(ch.choices[0]?.delta?.content ?? '');
    }
    assert.ok(chunks.join('').length > 0, 'the fine-tuned model answers');
    // A wrong key on the way out.
    await vscode.commands.executeCommand('tuneline.setApiKey', `${key}-wrong`, 'openai');
    assert.equal(await vscode.commands.executeCommand('tuneline.uploadFile', fixtureUri('datasets', 'dpo.jsonl'), { ifProblems: 'stop' }), undefined);

    const notes = c.t.connection.notifications();
    assert.ok(notes.some((m) => /winding down self-serve fine-tuning/.test(m)), 'the OpenAI notice was shown');
    assert.equal(notes.filter((m) => /winding down/.test(m)).length, 1, 'once');
    assert.ok(c.lines.length > 20, `the log was recorded (${c.lines.length} lines)`);
    assert.ok(c.lines.some((l) => /rejected the API key \(401\)/.test(l)), 'the 401 is in the log');
    const leaks = [...c.lines, ...notes].filter((l) => l.includes(key) || l.includes(`${key}-wrong`));
    assert.deepEqual(leaks, [], 'no key anywhere');
  });
});
