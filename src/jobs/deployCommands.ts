/**
 * The deployment commands of the jobs view (Azure, issue 16): Deploy… on a fine-tuned model or checkpoint node,
 * Delete Deployment on a deployment node, and Change Azure Resource for Deployments. Each takes a tree node (or, for
 * tests and scripts, a model id / deployment name and an options object that answers the questions).
 */
import * as vscode from 'vscode';
import type { AzureAccountRef } from '../api/azureDeploy';
import type { DeploymentType } from '../api/providers/types';
import { CancelledError, UserFacingError } from '../common/commands';
import { describeError, type Logger } from '../common/logger';
import { defaultDeploymentName, deploymentNameProblem, deploymentTypeDescription, deploymentTypesFor } from './deployPlan';
import type { Deployments, KnownDeployment } from './deployments';
import type { JobsModel } from './model';
import { CheckpointNode, DeploymentNode, FineTunedCheckpointNode, FineTunedModelNode, ModelIdNode } from './nodes';

export interface DeployOptions {
  /** ARM `sku.name` (`developertier`, `Standard`, ...), or the type's label. */
  readonly skuName?: string;
  readonly name?: string;
  readonly capacity?: number;
  /** The base model (which types apply), when the argument is a bare model id. */
  readonly baseModel?: string;
  readonly account?: Partial<AzureAccountRef>;
}

export interface DeployCommandDeps {
  readonly model: JobsModel;
  readonly deployments: Deployments;
  readonly log: Logger;
}

async function target(model: JobsModel, arg: unknown, options: DeployOptions): Promise<{ model: string; base?: string }> {
  if (arg instanceof ModelIdNode && arg.modelId) return { model: arg.modelId, ...(arg.baseModel ? { base: arg.baseModel } : {}) };
  if (arg instanceof CheckpointNode) return { model: arg.modelId, ...(arg.baseModel ? { base: arg.baseModel } : {}) };
  if (arg instanceof FineTunedModelNode || arg instanceof FineTunedCheckpointNode) return { model: arg.modelId, base: arg.baseModel };
  if (typeof arg === 'string' && arg.trim()) return { model: arg.trim(), ...(options.baseModel ? { base: options.baseModel } : {}) };
  await model.ensureLoaded();
  const items = model.jobs
    .filter((e) => e.job.fine_tuned_model)
    .map((e) => ({ label: e.job.fine_tuned_model!, description: e.job.model, base: e.job.model }));
  if (!items.length) throw new UserFacingError('There is no fine-tuned model to deploy yet: a job must succeed first.');
  const pick = await vscode.window.showQuickPick(items, { title: 'Tuneline: Deploy', placeHolder: 'Pick a fine-tuned model' });
  if (!pick) throw new CancelledError();
  return { model: pick.label, base: pick.base };
}

async function pickType(types: readonly DeploymentType[], options: DeployOptions, model: string): Promise<DeploymentType> {
  if (options.skuName) {
    const want = options.skuName.toLowerCase();
    const t = types.find((x) => x.skuName.toLowerCase() === want || x.label.toLowerCase() === want);
    if (!t) throw new UserFacingError(`${model} cannot be deployed as "${options.skuName}" on Azure: the types allowed for it are ${types.map((x) => x.label).join(', ')}.`);
    return t;
  }
  const pick = await vscode.window.showQuickPick(
    types.map((t) => ({ label: t.label, description: deploymentTypeDescription(t), detail: `sku ${t.skuName}`, type: t })),
    { title: `Tuneline: Deploy ${model} (1/2)`, placeHolder: 'Deployment type' },
  );
  if (!pick) throw new CancelledError();
  return pick.type;
}

function deploymentArg(deployments: Deployments, arg: unknown): KnownDeployment {
  if (arg instanceof DeploymentNode) return arg.deployment;
  const name = typeof arg === 'string' ? arg : arg && typeof arg === 'object' ? (arg as { name?: unknown }).name : undefined;
  const found = typeof name === 'string' ? deployments.list().find((d) => d.name === name) : undefined;
  if (!found) throw new UserFacingError(`Tuneline knows no deployment ${typeof name === 'string' ? `"${name}" ` : ''}on the Azure resource it deploys to.`);
  return found;
}

export function deployCommandHandlers(deps: DeployCommandDeps): Record<string, (...args: any[]) => unknown> {
  const { model, deployments } = deps;
  return {
    'tuneline.jobs.deploy': async (arg?: unknown, opts?: DeployOptions) => {
      const options = opts ?? {};
      const provider = model.adapter();
      const serving = provider.capabilities.serving;
      if (serving.kind !== 'deployment') {
        throw new UserFacingError(`${provider.label} serves tuned models directly: chat with the model id, no deployment needed.`);
      }
      const t = await target(model, arg, options);
      if (/^ftchkpt-/.test(t.model) && !serving.checkpoints.supported) throw new UserFacingError(`${provider.label} cannot deploy checkpoints: ${serving.checkpoints.reason}`);
      let types = deploymentTypesFor(provider, t.model, t.base);
      if (!types.length) types = serving.deploymentTypes; // not in the table: offer every type, Azure decides
      const type = await pickType(types, options, t.model);
      let name = options.name;
      if (name === undefined) {
        name = await vscode.window.showInputBox({
          title: `Tuneline: Deploy ${t.model} (2/2)`,
          prompt: `Deployment name (${type.label}${type.lifetimeHours ? `, removed after ${type.lifetimeHours} h` : ''}); chats and evaluations use it`,
          value: defaultDeploymentName(t.model, t.base),
          ignoreFocusOut: true,
          validateInput: (v) => deploymentNameProblem(v.trim()),
        });
        if (name === undefined) throw new CancelledError();
        name = name.trim();
      }
      const account = await deployments.pickAccount(false, options.account);
      const done = await deployments.deploy(account, name, t.model, type.skuName, options.capacity ?? type.defaultCapacity);
      void vscode.window.showInformationMessage(`Deployed ${t.model} as "${done.name}" (${type.label}${type.lifetimeHours ? `, removed after ${type.lifetimeHours} h` : ''}). The playground and evaluation use it for this model.`);
      return done;
    },
    'tuneline.jobs.deleteDeployment': async (arg?: unknown, opts?: { confirm?: boolean }) => {
      const d = deploymentArg(deployments, arg);
      return deployments.delete(d.name, d.model, opts?.confirm !== false);
    },
    'tuneline.azure.changeResource': async (given?: Partial<AzureAccountRef>) => {
      const a = await deployments.pickAccount(true, given);
      // what is deployed there already shows under its model (and chats go through it)
      try {
        const found = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Listing the deployments of ${a.account}…` }, () => deployments.refresh(a));
        deps.log.info(`Azure: ${found.length} deployment(s) of fine-tuned models on ${a.account}`);
      } catch (e) {
        deps.log.warn(`Azure: could not list the deployments of ${a.account}: ${describeError(e)}`);
        void vscode.window.showWarningMessage(`Tuneline will deploy to ${a.account}, but could not list its deployments: ${describeError(e)}`);
      }
      void vscode.window.setStatusBarMessage(`Tuneline deploys to ${a.account} (${a.resourceGroup})`, 4000);
      return a;
    },
  };
}
