// The jobs view asks the provider's adapter (issue 16): which actions a job node offers (operations), how a
// service's own status reads (tunelineStatus), which result-file columns the chart reads (Azure's names differ), and
// the pure parts of Deploy (types per model, words, default names, state and Developer expiry).
import * as assert from 'node:assert/strict';
import { AZURE, FIREWORKS, OPENAI, TOGETHER, NEBIUS } from '../../src/api/providers';
import type { FineTuningJob } from '../../src/api/types';
import { defaultDeploymentName, deploymentDescription, deploymentNameProblem, deploymentTypeDescription, deploymentTypesFor } from '../../src/jobs/deployPlan';
import { fieldsFromColumns, pointsFromCsv } from '../../src/jobs/metrics';
import { jobContextValue, modelContextValue, normalStatus, statusLook } from '../../src/jobs/status';

const job = (status: string, extra: Partial<FineTuningJob> = {}) => ({ status, fine_tuned_model: null, result_files: [], ...extra }) as unknown as FineTuningJob;

describe('jobs view: provider capabilities', () => {
  it('offers pause and resume only where the provider has them', () => {
    assert.equal(jobContextValue(job('running'), OPENAI.capabilities), 'job:running:canCancel:canPause:hasMetrics');
    assert.equal(jobContextValue(job('running'), AZURE.capabilities), 'job:running:canCancel:canPause:hasMetrics');
    assert.equal(NEBIUS.capabilities.operations.pause.supported, false);
    assert.equal(jobContextValue(job('running'), NEBIUS.capabilities), 'job:running:canCancel:hasMetrics');
    assert.equal(jobContextValue(job('paused'), NEBIUS.capabilities), 'job:paused:canCancel:hasMetrics');
  });

  it("maps a service's own statuses through its adapter (look and actions)", () => {
    const svc = TOGETHER.capabilities.statuses?.find((s) => s.tuneline === 'running');
    assert.ok(svc, 'Together has a status for running');
    assert.equal(normalStatus(svc.service, TOGETHER.capabilities), 'running');
    assert.equal(statusLook(svc.service, TOGETHER.capabilities).label, 'Running');
    assert.match(jobContextValue(job(svc.service), TOGETHER.capabilities), /^job:running:canCancel:hasMetrics$/);
    const fw = FIREWORKS.capabilities.statuses?.find((s) => s.tuneline === 'succeeded');
    assert.ok(fw);
    assert.equal(statusLook(fw.service, FIREWORKS.capabilities).label, 'Succeeded');
    assert.equal(statusLook('something_new', FIREWORKS.capabilities).icon, 'question');
  });

  it('offers Deploy on model and checkpoint nodes only where serving needs a deployment', () => {
    assert.equal(modelContextValue('modelId', AZURE.capabilities), 'modelId:canDeploy');
    assert.equal(modelContextValue('checkpoint', AZURE.capabilities), 'checkpoint:canDeploy');
    assert.equal(modelContextValue('modelId', OPENAI.capabilities), 'modelId');
    assert.equal(modelContextValue('checkpoint', OPENAI.capabilities), 'checkpoint');
  });

  it("reads Azure's result-file columns (validation_mean_token_accuracy), per-step before full_", () => {
    const cols = AZURE.capabilities.results.resultFile.columns;
    const f = fieldsFromColumns(cols);
    assert.equal(f.validAccuracy[0], 'validation_mean_token_accuracy');
    assert.equal(f.validLoss[0], 'valid_loss');
    assert.equal(f.trainAccuracy[0], 'train_mean_token_accuracy');
    const csv = `${cols!.join(',')}\n1,1.5,0.5,1.7,0.42,,\n2,1.2,0.6,,,1.4,0.55\n`;
    const points = pointsFromCsv(csv, cols);
    assert.deepEqual(points, [
      { step: 1, trainLoss: 1.5, trainAccuracy: 0.5, validLoss: 1.7, validAccuracy: 0.42 },
      { step: 2, trainLoss: 1.2, trainAccuracy: 0.6, validLoss: 1.4, validAccuracy: 0.55 },
    ]);
    // without the provider's names the Azure validation accuracy column is not recognised as such
    assert.equal(pointsFromCsv(csv)[0]!.validAccuracy, undefined);
  });
});

describe('jobs view: Deploy (Azure)', () => {
  it('the deployment types a fine-tune may use come from the adapter (Developer only for gpt-4.1 family)', () => {
    const mini = deploymentTypesFor(AZURE, 'gpt-4.1-mini-2025-04-14.ft-0123456789abcdef0123456789abcdef', 'gpt-4.1-mini-2025-04-14').map((t) => t.skuName);
    assert.deepEqual(mini, ['Standard', 'GlobalStandard', 'developertier']);
    const fourO = deploymentTypesFor(AZURE, 'ftchkpt-abc', 'gpt-4o-2024-08-06').map((t) => t.skuName);
    assert.deepEqual(fourO, ['Standard', 'GlobalStandard', 'ProvisionedManaged']);
    assert.deepEqual(deploymentTypesFor(OPENAI, 'ft:gpt-4o-mini:org::abc', 'gpt-4o-mini-2024-07-18'), []);
  });

  it('says Developer expires after 24 h with no hosting fee', () => {
    const dev = AZURE.capabilities.serving.deploymentTypes.find((t) => t.skuName === 'developertier')!;
    assert.equal(deploymentTypeDescription(dev), 'expires after 24 h, no hosting fee, no SLA');
    const std = AZURE.capabilities.serving.deploymentTypes.find((t) => t.skuName === 'Standard')!;
    assert.equal(deploymentTypeDescription(std), 'hourly hosting fee');
  });

  it('derives a valid default deployment name from the model', () => {
    assert.equal(defaultDeploymentName('gpt-4.1-mini-2025-04-14.ft-0123456789abcdef0123456789abcdef', 'gpt-4.1-mini-2025-04-14'), 'gpt-4.1-mini-ft-abcdef');
    assert.equal(defaultDeploymentName('ftchkpt-0123456789abcdef'), 'ckpt-6789abcdef');
    for (const m of ['gpt-4.1-mini-2025-04-14.ft-abc', 'ftchkpt-x_y', 'ft:gpt-4o-mini:org:suf:abc123', '**', 'Qwen-32B.ft-1f2e']) {
      assert.equal(deploymentNameProblem(defaultDeploymentName(m)), undefined, `${m} → ${defaultDeploymentName(m)}`);
    }
    assert.ok(deploymentNameProblem('-bad'));
    assert.ok(deploymentNameProblem('x'));
  });

  it('shows state, type and the Developer expiry', () => {
    const types = AZURE.capabilities.serving.deploymentTypes;
    const now = Date.UTC(2026, 11, 3, 8);
    assert.equal(deploymentDescription({ name: 'd', state: 'Creating', skuName: 'developertier', expiresAt: now + 24 * 3600_000 }, types, now), 'Creating · Developer · expires in 24 h');
    assert.equal(deploymentDescription({ name: 'd', state: 'Succeeded', skuName: 'developertier', expiresAt: now + 90 * 60_000 }, types, now), 'Succeeded · Developer · expires in 2 h');
    assert.equal(deploymentDescription({ name: 'd', state: 'Succeeded', skuName: 'Standard' }, types, now), 'Succeeded · Standard');
    assert.equal(deploymentDescription({ name: 'd', state: 'Succeeded', skuName: 'developertier', expiresAt: now - 1 }, types, now), 'Succeeded · Developer · expired');
  });
});
