/**
 * Azure deployments through Azure Resource Manager (issue 16): `src/api/azureDeploy.ts` on the official
 * `@azure/arm-cognitiveservices` SDK against the local API's ARM routes. A fine-tuned model is deployed, followed from
 * Creating to Succeeded, chatted with through its deployment, listed and deleted; a Developer deployment shows its
 * expiry and goes after 24 hours; ARM errors come back in plain words without the token. The raw ARM responses are
 * checked against the SDK's own model mappers.
 */
import assert from 'node:assert/strict';
import type OpenAI from 'openai';
import type { APIError } from 'openai';
import { AZURE_DEPLOYMENT_TYPES } from '../../src/api/providers';
import { AzureDeployer, AzureDeployError, DEVELOPER_LIFETIME_MS, armRetirements, staticTokenCredential, toDeployError, type AzureAccountRef } from '../../src/api/azureDeploy';
import { ARM_TIMING, type LocalApi } from '../../tools/local-api';
import { armShapeProblems } from './armShape';
import { GOOD_JSONL, driveUntil, uploadText, useLocalApi } from './helpers';

/** A token that looks like an Entra ID JWT, to check it never reaches a message. */
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0dW5lbGluZS10ZXN0In0.c2lnbmF0dXJlLXNlY3JldA';

function accountOf(api: LocalApi): AzureAccountRef {
  const arm = api.arm!;
  return { subscriptionId: arm.subscriptionId, resourceGroup: arm.resourceGroup, account: arm.account };
}

function deployer(api: LocalApi, account: Partial<AzureAccountRef> = {}, token = TOKEN): AzureDeployer {
  return new AzureDeployer({ ...accountOf(api), ...account }, { credential: staticTokenCredential(token), endpoint: api.arm!.endpoint, maxRetries: 0 });
}

/** Waits by moving the local API's clock instead of real time. */
const clockSleep = (api: LocalApi) => async (ms: number): Promise<void> => {
  api.clock.advance(ms);
};

async function trainedModel(api: LocalApi, c: OpenAI, model = 'gpt-4.1-mini'): Promise<OpenAI.FineTuning.FineTuningJob> {
  const file = await uploadText(c, GOOD_JSONL);
  const job = await c.fineTuning.jobs.create({ model, training_file: file.id });
  const end = await driveUntil(api, c, job.id, ['succeeded', 'failed']);
  assert.equal(end.status, 'succeeded');
  return end;
}

function deploymentsUrl(api: LocalApi, name?: string, apiVersion: string | null = '2025-09-01'): string {
  const a = accountOf(api);
  const base = `${api.arm!.endpoint}/subscriptions/${a.subscriptionId}/resourceGroups/${a.resourceGroup}/providers/Microsoft.CognitiveServices/accounts/${a.account}/deployments${name ? `/${name}` : ''}`;
  return apiVersion ? `${base}?api-version=${apiVersion}` : base;
}

describe('Azure deployments through ARM (azureDeploy + local ARM routes)', () => {
  const ctx = useLocalApi('azure', { arm: { token: TOKEN } });

  it('deploys a fine-tuned model: Creating → Succeeded, chat through the deployment, list, delete', async () => {
    const api = ctx.api();
    const c = ctx.client();
    const job = await trainedModel(api, c);
    const model = job.fine_tuned_model!;
    const d = deployer(api);

    // not deployed yet: the data plane refuses it
    await assert.rejects(c.chat.completions.create({ model: 'my-ft', messages: [{ role: 'user', content: 'hi' }] }), (e: APIError) => e.status === 404 && e.code === 'DeploymentNotFound');

    const created = await d.create('my-ft', { model, skuName: 'GlobalStandard' });
    assert.equal(created.state, 'Creating');
    assert.equal(created.done, false);
    assert.equal(created.model, model);
    assert.equal(created.skuName, 'GlobalStandard');
    assert.equal(created.expiresAt, undefined, 'only Developer deployments expire');

    const seen: string[] = [];
    const done = await d.waitUntilDone('my-ft', { intervalMs: 1000, sleep: clockSleep(api), onState: (i) => seen.push(String(i.state)) });
    assert.equal(done.state, 'Succeeded');
    assert.equal(seen[0], 'Creating');
    assert.equal(seen[seen.length - 1], 'Succeeded');
    assert.ok(seen.length >= ARM_TIMING.provisionMs / 1000, `polled ${seen.length} times`);

    const reply = await c.chat.completions.create({ model: 'my-ft', messages: [{ role: 'user', content: 'What is the capital of Australia?' }] });
    assert.equal(reply.model, model);
    assert.match(reply.choices[0]!.message.content ?? '', /Canberra/);

    const listed = await d.list();
    assert.deepEqual(listed.map((x) => [x.name, x.state]), [['my-ft', 'Succeeded']]);

    await d.delete('my-ft');
    assert.equal(await d.get('my-ft'), undefined);
    assert.deepEqual(await d.list(), []);
    await assert.rejects(c.chat.completions.create({ model: 'my-ft', messages: [{ role: 'user', content: 'hi' }] }), (e: APIError) => e.status === 404);
  });

  it('deploys a checkpoint by its id', async () => {
    const api = ctx.api();
    const c = ctx.client();
    const job = await trainedModel(api, c);
    const ckpt = (await c.fineTuning.jobs.checkpoints.list(job.id)).data[1]!;
    const d = deployer(api);
    await d.create('ckpt', { model: ckpt.id, skuName: 'Standard' });
    await d.waitUntilDone('ckpt', { intervalMs: 1000, sleep: clockSleep(api) });
    const reply = await c.chat.completions.create({ model: 'ckpt', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(reply.model, ckpt.fine_tuned_model_checkpoint);
  });

  it('a Developer deployment shows its expiry and is gone 24 hours after it was created', async () => {
    const api = ctx.api();
    const c = ctx.client();
    const job = await trainedModel(api, c, 'gpt-4.1-nano');
    const dev = AZURE_DEPLOYMENT_TYPES.find((t) => t.label === 'Developer')!;
    const d = deployer(api);
    const t0 = api.clock.now();
    const created = await d.create('candidate', { model: job.fine_tuned_model!, skuName: dev.skuName, capacity: dev.defaultCapacity });
    assert.ok(created.createdAt && created.expiresAt);
    assert.equal(created.expiresAt.getTime() - created.createdAt.getTime(), DEVELOPER_LIFETIME_MS);
    assert.ok(Math.abs(created.createdAt.getTime() - t0) < 1000, 'created at the (local API) clock time');
    const done = await d.waitUntilDone('candidate', { intervalMs: 1000, sleep: clockSleep(api) });
    assert.equal(done.expiresAt?.getTime(), created.expiresAt.getTime());
    api.clock.advance(DEVELOPER_LIFETIME_MS - ARM_TIMING.provisionMs - 60_000);
    assert.equal((await d.get('candidate'))?.state, 'Succeeded', 'still there a minute before');
    api.clock.advance(120_000);
    assert.equal(await d.get('candidate'), undefined, 'gone after 24 hours');
  });

  it('ARM errors come back in plain words with ARM\'s code, and never with the token', async () => {
    const api = ctx.api();
    const c = ctx.client();
    const job = await trainedModel(api, c, 'gpt-4o');
    const expectError = async (p: Promise<unknown>, kind: string, code: string, text: RegExp): Promise<AzureDeployError> => {
      let caught: unknown;
      await p.catch((e: unknown) => {
        caught = e;
      });
      assert.ok(caught instanceof AzureDeployError, `expected an AzureDeployError, got ${String(caught)}`);
      assert.equal(caught.kind, kind, caught.message);
      assert.equal(caught.code, code, caught.message);
      assert.match(caught.message, text);
      assert.ok(!caught.message.includes(TOKEN) && !caught.message.includes('c2lnbmF0dXJl'), 'no token in the message');
      return caught;
    };
    // a wrong token (the 401 echoes nothing of it)
    await expectError(deployer(api, {}, 'eyJhbGciOiJub25lIn0.d3JvbmctdG9rZW4.eA').list(), 'auth', 'InvalidAuthenticationToken', /did not accept your sign-in \(401\)/);
    // the resource picked does not exist
    await expectError(deployer(api, { account: 'someone-else' }).list(), 'not-found', 'ResourceNotFound', /does not know the Azure resource "someone-else"/);
    // get(): a missing deployment is `undefined`, a missing resource is an error
    assert.equal(await deployer(api).get('never-made'), undefined);
    await expectError(deployer(api, { account: 'someone-else' }).get('x'), 'not-found', 'ResourceNotFound', /does not know the Azure resource/);
    await expectError(deployer(api, { resourceGroup: 'rg-other' }).get('x'), 'not-found', 'ResourceGroupNotFound', /Check the subscription, resource group and resource/);
    // Developer deployments take only gpt-4.1-family fine-tunes
    await expectError(deployer(api).create('dev-4o', { model: job.fine_tuned_model!, skuName: 'developertier' }), 'bad-request', 'InvalidResourceProperties', /refused the deployment \(400 InvalidResourceProperties\).*Azure said: "The SKU 'developertier' is not supported for fine-tuned models of 'gpt-4o-2024-08-06'/);
    // an unknown model
    await expectError(deployer(api).create('nope', { model: 'gpt-4o-2024-08-06.ft-00000000000000000000000000000000', skuName: 'Standard' }), 'bad-request', 'DeploymentModelNotSupported', /not supported on this account/);
    // a second PUT while the first is still Creating
    await deployer(api).create('busy', { model: job.fine_tuned_model!, skuName: 'Standard' });
    await expectError(deployer(api).create('busy', { model: job.fine_tuned_model!, skuName: 'Standard' }), 'conflict', 'RequestConflict', /another operation is running/);
    // ARM's own failure
    api.faults.add({ kind: 'error', status: 503, path: '/deployments' });
    await expectError(deployer(api).list(), 'server', 'InternalServerError', /had a problem of its own \(503\)/);
    // the scrubber cuts JWT-looking strings out of ARM's words too
    const e = toDeployError({ name: 'RestError', statusCode: 400, code: 'X', message: `bad token ${TOKEN}` }, 'deploy', accountOf(api));
    assert.ok(!e.message.includes(TOKEN));
  });

  it('refuses to send a token over plain http except to this machine', () => {
    assert.throws(() => new AzureDeployer(accountOf(ctx.api()), { credential: staticTokenCredential(TOKEN), endpoint: 'http://management.example.com' }), (e: AzureDeployError) => e.kind === 'config' && /https only/.test(e.message));
    assert.ok(new AzureDeployer(accountOf(ctx.api()), { credential: staticTokenCredential(TOKEN), endpoint: 'https://management.azure.com' }));
  });

  it('answers in the shapes of the SDK\'s models (Deployment, DeploymentListResult, ErrorResponse)', async () => {
    const api = ctx.api();
    const c = ctx.client();
    const job = await trainedModel(api, c);
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const body = JSON.stringify({ sku: { name: 'standard', capacity: 1 }, properties: { model: { format: 'OpenAI', name: job.fine_tuned_model, version: '1' } } });

    const put = await fetch(deploymentsUrl(api, 'shape'), { method: 'PUT', headers, body });
    assert.equal(put.status, 201);
    const created = (await put.json()) as { properties: { provisioningState: string }; sku: { name: string } };
    assert.deepEqual(armShapeProblems(created, 'Deployment'), []);
    assert.equal(created.properties.provisioningState, 'Creating');
    assert.equal(created.sku.name, 'Standard');

    api.clock.advance(ARM_TIMING.provisionMs);
    const got = await (await fetch(deploymentsUrl(api, 'shape'), { headers })).json();
    assert.deepEqual(armShapeProblems(got, 'Deployment'), []);
    const list = await (await fetch(deploymentsUrl(api), { headers })).json();
    assert.deepEqual(armShapeProblems(list, 'DeploymentListResult'), []);
    assert.equal((list as { value: unknown[] }).value.length, 1);

    const errors: [string, RequestInit, number, string][] = [
      [deploymentsUrl(api, 'x', null), { headers }, 400, 'MissingApiVersionParameter'],
      [deploymentsUrl(api, 'x'), {}, 401, 'AuthenticationFailed'],
      [deploymentsUrl(api, 'missing'), { headers }, 404, 'DeploymentNotFound'],
      [deploymentsUrl(api, 'bad'), { method: 'PUT', headers, body: '{' }, 400, 'InvalidRequestContent'],
      [deploymentsUrl(api, 'bad'), { method: 'PUT', headers, body: JSON.stringify({ sku: { name: 'Gold' }, properties: { model: { name: 'x' } } }) }, 400, 'InvalidSkuName'],
    ];
    for (const [url, init, status, code] of errors) {
      const r = await fetch(url, init);
      assert.equal(r.status, status, code);
      const e = await r.json();
      assert.deepEqual(armShapeProblems(e, 'ErrorResponse'), [], code);
      assert.equal((e as { error: { code: string } }).error.code, code);
    }
    // the shape check itself fails on what the SDK does not know
    assert.notDeepEqual(armShapeProblems({ ...created, extra: 1 }, 'Deployment'), []);
    assert.notDeepEqual(armShapeProblems({ properties: { provisioningState: 3 } }, 'Deployment'), []);

    const del = await fetch(deploymentsUrl(api, 'shape'), { method: 'DELETE', headers });
    assert.equal(del.status, 200);
    assert.equal((await fetch(deploymentsUrl(api, 'shape'), { method: 'DELETE', headers })).status, 204);
  });

  it("reads retirement dates from the account's model list (Accounts_ListModels): ARM's shape, by name-version and name", async () => {
    const api = ctx.api();
    const a = accountOf(api);
    const url = `${api.arm!.endpoint}/subscriptions/${a.subscriptionId}/resourceGroups/${a.resourceGroup}/providers/Microsoft.CognitiveServices/accounts/${a.account}/models?api-version=2025-09-01`;
    const list = await (await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
    assert.deepEqual(armShapeProblems(list, 'AccountModelListResult'), []);
    api.arm!.setModel({ name: 'gpt-4.1-mini', version: '2025-04-14', fineTunable: true, deprecation: { fineTune: '2027-02-01T00:00:00Z', inference: '2027-03-15T12:00:00Z', deprecationStatus: 'Planned' } });
    const dates = await deployer(api).modelDates();
    const mini = dates.get('gpt-4.1-mini-2025-04-14');
    assert.equal(mini?.training, '2027-02-01');
    assert.equal(mini?.serving, '2027-03-15');
    assert.equal(mini?.noEarlierThan, undefined, 'a Planned date is exact');
    assert.deepEqual(dates.get('gpt-4.1-mini'), mini, 'the name alone: its (default) version');
    const tentative = dates.get('gpt-4o-2024-08-06');
    assert.equal(tentative?.serving, '2027-10-01');
    assert.equal(tentative?.noEarlierThan, true, 'Tentative reads as "no earlier than"');
    assert.equal(dates.has('gpt-oss-20b'), false, 'a model without deprecation gives no dates');
    assert.match(mini!.source.note ?? '', /Azure Resource Manager/);
    // the wrong resource group: ARM's error in plain words, no token
    await assert.rejects(deployer(api, { resourceGroup: 'rg-other' }).modelDates(), (e: AzureDeployError) => /rg-other/.test(e.message) && !e.message.includes(TOKEN));
  });

  it('armRetirements: one date only, unparsable dates, several versions of one name', () => {
    const m = armRetirements(
      [
        { name: 'x', version: '1', deprecation: { inference: '2027-05-01T00:00:00Z' } },
        { name: 'x', version: '2', isDefaultVersion: true, deprecation: { fineTune: '2027-06-01', inference: '2027-09-30T23:00:00Z' } },
        { name: 'y', version: '1', deprecation: { fineTune: 'soon' } },
        { name: 'z', version: '1' },
      ],
      '2026-12-03',
      'acct',
    );
    assert.deepEqual(m.get('x-1')?.noDate, ['training']);
    assert.equal(m.get('x-1')?.serving, '2027-05-01');
    assert.equal(m.get('x')?.training, '2027-06-01', 'the default version wins the bare name');
    assert.equal(m.get('x')?.serving, '2027-09-30');
    assert.equal(m.has('y-1'), false);
    assert.equal(m.has('z'), false);
  });
});
