/**
 * Azure deployments of tuned models, on the VS Code side (issue 16): the resource they live on (subscription,
 * resource group, resource — picked once, remembered in globalState), the deployments Tuneline created or found
 * (in memory and globalState, per resource, shown under their model in the jobs tree), and the `AzureDeployer` that
 * talks to Azure Resource Manager with the user's Microsoft sign-in.
 *
 * The playground and evaluation reach a deployment through the chat client's model → deployment mapping
 * (`deploymentFor`, consulted before `tuneline.azure.deployments`, which stays the manual fallback).
 *
 * Where requests go: `tuneline.azure.armEndpoint` is read from the user (global) settings only — a workspace cannot
 * send the user's Azure token elsewhere, trusted or not (it is also a restricted configuration).
 */
import type { TokenCredential } from '@azure/core-auth';
import * as vscode from 'vscode';
import { ARM_ENDPOINT, AzureDeployer, type AzureAccountRef, type DeploymentInfo } from '../api/azureDeploy';
import type { Retirement } from '../api/providers/types';
import { microsoftSignInCredential } from '../connection/azureSignIn';
import { CancelledError, UserFacingError } from '../common/commands';
import { Disposable } from '../common/dispose';
import type { Logger } from '../common/logger';
import { deploymentNameProblem } from './deployPlan';

const ACCOUNT_KEY = 'tuneline.azure.account';
const KNOWN_KEY = 'tuneline.azure.knownDeployments';

/** A deployment the tree shows (what ARM said last, and when). */
export interface KnownDeployment {
  readonly name: string;
  readonly model: string;
  readonly skuName: string;
  readonly state: string;
  /** Unix ms. */
  readonly createdAt?: number;
  readonly expiresAt?: number;
  /** Why it failed, in plain words. */
  readonly error?: string;
}

const accountId = (a: AzureAccountRef): string => `${a.subscriptionId}/${a.resourceGroup}/${a.account}`.toLowerCase();

function known(info: DeploymentInfo): KnownDeployment {
  return {
    name: info.name,
    model: info.model,
    skuName: info.skuName,
    state: String(info.state),
    ...(info.createdAt ? { createdAt: info.createdAt.getTime() } : {}),
    ...(info.expiresAt ? { expiresAt: info.expiresAt.getTime() } : {}),
  };
}

/** Asks whether to delete a deployment (modal); tests answer without UI. */
export type DeleteConfirmation = (name: string, model: string) => Promise<boolean>;

export async function confirmDelete(name: string, model: string): Promise<boolean> {
  const DELETE = 'Delete Deployment';
  const choice = await vscode.window.showWarningMessage(
    `Delete the Azure deployment "${name}"?`,
    { modal: true, detail: `The fine-tuned model ${model} stays; only this deployment (and its hosting) is removed. Chats and evaluations through it stop working.` },
    DELETE,
  );
  return choice === DELETE;
}

export class Deployments extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private credential: TokenCredential | undefined;
  /** Between polls of a deployment being created (tests: shorter). */
  pollIntervalMs = 5_000;
  /** Called between polls (tests: advance the local API's clock). */
  onPoll: (() => void) | undefined;
  confirm: DeleteConfirmation = confirmDelete;

  constructor(
    private readonly state: vscode.Memento,
    private readonly log: Logger,
  ) {
    super();
  }

  /** Tests: a fixed credential instead of the Microsoft sign-in; `undefined` restores it. */
  setCredential(credential: TokenCredential | undefined): void {
    this.credential = credential;
  }

  /** The remembered resource, if any. */
  account(): AzureAccountRef | undefined {
    return this.state.get<AzureAccountRef>(ACCOUNT_KEY);
  }

  async setAccount(account: AzureAccountRef | undefined): Promise<void> {
    await this.state.update(ACCOUNT_KEY, account);
    if (account) this.log.info(`Azure: deployments go to resource ${account.account} (resource group ${account.resourceGroup})`);
    this.changed.fire();
  }

  /**
   * The resource to deploy to: the remembered one, else (or with `change`) asked for — subscription id, resource
   * group, resource name — and remembered. `given` (tests, scripts) skips the questions.
   */
  async pickAccount(change = false, given?: Partial<AzureAccountRef>): Promise<AzureAccountRef> {
    const current = this.account();
    if (given?.subscriptionId && given.resourceGroup && given.account) {
      const a = { subscriptionId: given.subscriptionId, resourceGroup: given.resourceGroup, account: given.account };
      if (!current || accountId(current) !== accountId(a)) await this.setAccount(a);
      return a;
    }
    if (current && !change) return current;
    const ask = async (step: number, title: string, prompt: string, value: string | undefined, check: (v: string) => string | undefined): Promise<string> => {
      const v = await vscode.window.showInputBox({
        title: `Tuneline: Azure resource for deployments (${step}/3)`,
        prompt,
        placeHolder: title,
        value: value ?? '',
        ignoreFocusOut: true,
        validateInput: (x) => check(x.trim()),
      });
      if (v === undefined) throw new CancelledError();
      return v.trim();
    };
    const nonEmpty = (what: string) => (v: string) => (v ? undefined : `Enter the ${what}.`);
    const subscriptionId = await ask(1, 'Subscription id', 'The Azure subscription id of your Azure OpenAI / Foundry resource (a GUID)', current?.subscriptionId, (v) =>
      /^[0-9a-fA-F-]{8,}$/.test(v) ? undefined : 'Enter the subscription id (a GUID, as the Azure portal shows it).',
    );
    const resourceGroup = await ask(2, 'Resource group', 'The resource group of the resource', current?.resourceGroup, nonEmpty('resource group'));
    const account = await ask(3, 'Resource name', 'The Azure OpenAI / Foundry resource name (NAME in https://NAME.openai.azure.com)', current?.account, nonEmpty('resource name'));
    const a = { subscriptionId, resourceGroup, account };
    await this.setAccount(a);
    return a;
  }

  /** ARM's base URL: `tuneline.azure.armEndpoint` from the user settings only, else management.azure.com. */
  armEndpoint(): string {
    const v = vscode.workspace.getConfiguration('tuneline').inspect<string>('azure.armEndpoint')?.globalValue;
    return typeof v === 'string' && v.trim() ? v.trim().replace(/\/+$/, '') : ARM_ENDPOINT;
  }

  deployer(account: AzureAccountRef, opts: { readonly silent?: boolean } = {}): AzureDeployer {
    return new AzureDeployer(account, { credential: this.credential ?? microsoftSignInCredential(opts), endpoint: this.armEndpoint() });
  }

  /**
   * ARM's retirement dates of the remembered resource's models (issue 18: "on Azure, read the dates from Azure
   * Resource Manager's model list where the user is signed in"), without asking anyone to sign in: undefined when no
   * resource is remembered; rejects when ARM cannot be read (not signed in, no access).
   */
  async modelDates(signal?: AbortSignal): Promise<Map<string, Retirement> | undefined> {
    const account = this.account();
    if (!account) return undefined;
    return this.deployer(account, { silent: true }).modelDates(signal ? { signal } : {});
  }

  // ------------------------------------------------------------------------------------------------ known deployments

  private all(): Record<string, KnownDeployment[]> {
    return this.state.get<Record<string, KnownDeployment[]>>(KNOWN_KEY, {});
  }

  /** The deployments known on the remembered resource. */
  list(): readonly KnownDeployment[] {
    const a = this.account();
    return a ? (this.all()[accountId(a)] ?? []) : [];
  }

  /** The deployments of one model (fine-tuned id or checkpoint id) on the remembered resource. */
  forModel(model: string): readonly KnownDeployment[] {
    return this.list().filter((d) => d.model === model);
  }

  /** The deployment to chat with `model` through: a succeeded one on the remembered resource. */
  deploymentFor(model: string): string | undefined {
    return this.list().find((d) => d.model === model && d.state === 'Succeeded')?.name;
  }

  private async put(account: AzureAccountRef, d: KnownDeployment | { readonly name: string; readonly removed: true }): Promise<void> {
    const all = this.all();
    const id = accountId(account);
    const rest = (all[id] ?? []).filter((x) => x.name !== d.name);
    all[id] = 'removed' in d ? rest : [...rest, d];
    await this.state.update(KNOWN_KEY, all);
    this.changed.fire();
  }

  /** Replaces what is known about the resource with ARM's list (fine-tuned models and checkpoints). */
  async refresh(account: AzureAccountRef, signal?: AbortSignal): Promise<readonly KnownDeployment[]> {
    const list = await this.deployer(account).list(signal ? { signal } : {});
    const all = this.all();
    all[accountId(account)] = list.filter((d) => /\.ft-|^ft:|^ftchkpt-/.test(d.model)).map(known);
    await this.state.update(KNOWN_KEY, all);
    this.changed.fire();
    return all[accountId(account)]!;
  }

  // ------------------------------------------------------------------------------------------------ actions

  /**
   * Creates a deployment and follows it to `Succeeded` (each state shown in the tree), with progress and a Cancel
   * button (cancelling stops following; the deployment goes on in Azure and the tree keeps its last state).
   */
  async deploy(account: AzureAccountRef, name: string, model: string, skuName: string, capacity: number): Promise<KnownDeployment> {
    const problem = deploymentNameProblem(name);
    if (problem) throw new UserFacingError(`"${name}" is not a valid deployment name. ${problem}`);
    const deployer = this.deployer(account);
    this.log.info(`Azure: deploying ${model} as "${name}" (${skuName}, capacity ${capacity}) on ${account.account}…`);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Deploying ${name}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          progress.report({ message: 'asking Azure Resource Manager…' });
          const first = await deployer.create(name, { model, skuName, capacity }, { signal: abort.signal });
          await this.put(account, known(first));
          // ARM is read on every poll; the tree (and its open reveals) re-render only when what it shows changed
          let shown = JSON.stringify(known(first));
          const done = await deployer.waitUntilDone(name, {
            signal: abort.signal,
            intervalMs: this.pollIntervalMs,
            sleep: (ms, signal) =>
              new Promise<void>((resolve, reject) => {
                this.onPoll?.();
                const onAbort = (): void => {
                  clearTimeout(t);
                  reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
                };
                const t = setTimeout(() => {
                  signal?.removeEventListener('abort', onAbort);
                  resolve();
                }, ms);
                signal?.addEventListener('abort', onAbort, { once: true });
              }),
            onState: (info) => {
              progress.report({ message: String(info.state) });
              const now = known(info);
              const text = JSON.stringify(now);
              if (text === shown) return;
              shown = text;
              void this.put(account, now);
            },
          });
          this.log.info(`Azure: deployment "${name}" of ${model} is ${done.state}`);
          const k = known(done);
          await this.put(account, k);
          return k;
        } catch (e) {
          if (abort.signal.aborted) {
            this.log.info(`Azure: stopped following the deployment "${name}" (it goes on in Azure)`);
            throw new CancelledError();
          }
          const last = this.list().find((d) => d.name === name);
          const message = e instanceof Error ? e.message : String(e);
          if (last) await this.put(account, { ...last, state: last.state === 'Succeeded' ? last.state : 'Failed', error: message });
          throw e;
        } finally {
          sub.dispose();
        }
      },
    );
  }

  /** Deletes a deployment (after the modal confirmation unless `confirm` is false); false when the user said no. */
  async delete(name: string, model: string, confirm = true): Promise<boolean> {
    const account = this.account();
    if (!account) throw new UserFacingError('Tuneline does not know which Azure resource this deployment is on. Pick it with "Tuneline: Change Azure Resource for Deployments".');
    if (confirm && !(await this.confirm(name, model))) return false;
    const deployer = this.deployer(account);
    const last = this.list().find((d) => d.name === name);
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deleting deployment ${name}` }, async () => {
      if (last) await this.put(account, { ...last, state: 'Deleting' });
      try {
        await deployer.delete(name);
      } catch (e) {
        if (last) await this.put(account, last);
        throw e;
      }
    });
    await this.put(account, { name, removed: true });
    this.log.info(`Azure: deleted the deployment "${name}" of ${model}`);
    return true;
  }
}
