/**
 * Builds the `TunelineClient` from the settings and the key store, rebuilds it when either changes, and guards where
 * the key goes: before a key is first sent to an endpoint that a (trusted) workspace's settings chose, the user
 * confirms that host, once per host and key (remembered in globalState as host + a short hash of the key, never the
 * key). In Restricted Mode VS Code ignores workspace values of the endpoint settings (restricted configurations), so
 * the endpoint there always comes from the user.
 */
import * as vscode from 'vscode';
import { clientConfig, endpointFromSettings, endpointSettingsFor, KEY_ENV, keyFingerprint, PROVIDER_LABELS, sdkClientFactory, type ClientFactory } from '../api/endpoint';
import { ApiError, setKeyAction } from '../api/errors';
import { PROVIDERS } from '../api/providers';
import type { RetryPolicy } from '../api/sdkClient';
import type { Endpoint, ProviderKind, TunelineClient } from '../api/types';
import { Disposable } from '../common/dispose';
import type { Logger } from '../common/logger';
import { onDidChangeSettings, readSettings } from '../common/settings';
import type { KeyStore } from './keys';

const CONFIRMED_HOSTS = 'tuneline.confirmedEndpoints';

/** Asks whether the key may go to `origin` (chosen by the workspace). Resolves true to allow. */
export type HostPrompt = (origin: string, provider: ProviderKind) => Promise<boolean>;

export interface ProviderServiceOptions {
  readonly prompt?: HostPrompt;
  readonly factory?: ClientFactory;
  readonly retry?: Partial<RetryPolicy>;
}

/** What changed (`ProviderService.onDidChange`): `key`, one provider's key; none, the settings. */
export interface ProviderChange {
  readonly key?: ProviderKind;
}

export class ProviderService extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<ProviderChange>());
  /**
   * Fires when the settings or a key change (the next `getClient` builds a new client): `key` names the provider
   * whose key changed; without it, the settings changed (any provider's endpoint may have).
   */
  readonly onDidChange = this.changed.event;
  /** One client per provider, rebuilt when its endpoint, key or (Azure) deployments change. */
  private readonly cached = new Map<ProviderKind, { id: string; client: TunelineClient }>();
  private prompt: HostPrompt;
  private factory: ClientFactory;
  /** Azure: the deployments the jobs view knows (model → deployment name), for chat; set by the jobs feature. */
  private deploymentLookup: ((model: string) => string | undefined) | undefined;
  private readonly lookup = (model: string): string | undefined => this.deploymentLookup?.(model);

  constructor(
    private readonly keys: KeyStore,
    private readonly log: Logger,
    private readonly state: vscode.Memento,
    private readonly options: ProviderServiceOptions = {},
  ) {
    super();
    this.prompt = options.prompt ?? defaultPrompt;
    this.factory = options.factory ?? sdkClientFactory(options.retry, this.lookup);
    this._register(
      onDidChangeSettings(() => {
        this.cached.clear();
        this.changed.fire({});
      }),
    );
    this._register(
      keys.onDidChange((key) => {
        this.cached.delete(key);
        this.changed.fire({ key });
      }),
    );
  }

  /** Tests: answer the host confirmation without UI; `undefined` restores the modal dialog. */
  setHostPrompt(prompt: HostPrompt | undefined): void {
    this.prompt = prompt ?? defaultPrompt;
  }

  /** Tests (and other providers): build clients differently; `undefined` restores the SDK client. */
  setFactory(factory: ClientFactory | undefined): void {
    this.factory = factory ?? sdkClientFactory(this.options.retry, this.lookup);
    this.cached.clear();
  }

  /** The deployments Tuneline knows (jobs view), consulted by the chat client before `tuneline.azure.deployments`. */
  setDeploymentLookup(lookup: ((model: string) => string | undefined) | undefined): void {
    this.deploymentLookup = lookup;
  }

  /** Azure: the deployment Tuneline knows for `model` (created or found by the jobs view), if any. */
  deploymentFor(model: string): string | undefined {
    return this.deploymentLookup?.(model);
  }

  /** Forgets every confirmed workspace endpoint. */
  async forgetConfirmedHosts(): Promise<void> {
    await this.state.update(CONFIRMED_HOSTS, undefined);
  }

  /** The provider `tuneline.provider` chooses. */
  currentProvider(): ProviderKind {
    return readSettings().provider;
  }

  /** The endpoint the settings point `provider` (default: the current one) to; no key needed. */
  currentEndpoint(provider?: ProviderKind): Endpoint {
    return endpointFromSettings(endpointSettingsFor(readSettings(), provider));
  }

  /**
   * The providers Tuneline can talk to at once: each with a key (SecretStorage or its environment variable), the
   * current provider first, then in the adapters' order. The custom endpoint counts only with a base URL of its own
   * (its key falls back to `OPENAI_API_KEY`, which alone does not make a second provider).
   */
  async configuredProviders(): Promise<ProviderKind[]> {
    const settings = readSettings();
    const order = [settings.provider, ...PROVIDERS.map((p) => p.id).filter((p) => p !== settings.provider)];
    const found = await Promise.all(order.map(async (p) => ((await this.keys.get(p)) ? p : undefined)));
    return found.filter((p): p is ProviderKind => {
      if (!p) return false;
      if (p !== 'custom' || p === settings.provider) return true;
      return endpointSettingsFor(settings, 'custom').baseUrl !== '';
    });
  }

  /**
   * The client of `provider` (default: the current one) for the current settings and its key, cached per provider.
   * Throws `ApiError` (kind `config`) when no key is set or the user did not allow a workspace-chosen host,
   * `CancelledError` when they dismissed the question.
   */
  async getClient(options: { readonly provider?: ProviderKind | undefined; readonly interactive?: boolean } = {}): Promise<TunelineClient> {
    const all = readSettings();
    const settings = endpointSettingsFor(all, options.provider ?? all.provider);
    const provider = settings.provider;
    const endpoint = endpointFromSettings(settings);
    const found = await this.keys.get(provider);
    if (!found) {
      throw new ApiError(
        `Tuneline has no API key for ${PROVIDER_LABELS[provider]}. Set one with "Tuneline: Set API Key" (or the ${KEY_ENV[provider].join(' / ')} environment variable).`,
        'config',
        undefined,
        undefined,
        undefined,
        undefined,
        setKeyAction,
      );
    }
    const fp = keyFingerprint(found.key);
    if (endpoint.settingOrigin === 'workspace') await this.confirmHost(endpoint, fp, options.interactive !== false);
    const deployments = provider === 'azure' ? JSON.stringify(settings.azureDeployments) : '';
    const id = `${endpoint.provider}|${endpoint.baseURL}|${fp}|${deployments}`;
    const cached = this.cached.get(provider);
    if (cached?.id === id) return cached.client;
    const config = clientConfig(settings, found.key);
    const client = this.factory(config, this.log);
    this.log.info(`Provider: ${config.label} at ${endpoint.baseURL} (endpoint from ${endpoint.settingOrigin} settings, key from ${found.source})`);
    this.cached.set(provider, { id, client });
    return client;
  }

  /** Questions on screen, per host + key: concurrent callers share one question instead of stacking modals. */
  private readonly asking = new Map<string, Promise<boolean>>();

  private async confirmHost(endpoint: Endpoint, fp: string, interactive: boolean): Promise<void> {
    const entry = `${endpoint.origin}#${fp}`;
    const confirmed = this.state.get<string[]>(CONFIRMED_HOSTS, []);
    if (confirmed.includes(entry)) return;
    if (!interactive) {
      // Background work (polling the jobs list, resuming batches) never puts a modal question on screen.
      throw new ApiError(
        `This workspace's settings point Tuneline at ${endpoint.origin}, and you have not allowed sending your API key there yet. Run a Tuneline command (for example "Refresh Jobs") to answer.`,
        'config',
      );
    }
    let question = this.asking.get(entry);
    if (!question) {
      this.log.info(`The workspace settings point Tuneline at ${endpoint.origin}; asking before the key is sent there`);
      question = Promise.resolve(this.prompt(endpoint.origin, endpoint.provider)).finally(() => this.asking.delete(entry));
      this.asking.set(entry, question);
    }
    const ok = await question;
    if (!ok) {
      this.log.warn(`Not sending the key to ${endpoint.origin}: not confirmed`);
      throw new ApiError(
        `Tuneline did not send your API key to ${endpoint.origin}: this workspace's settings chose that endpoint and you did not allow it. Remove "tuneline.baseUrl" / "tuneline.azure.endpoint" / "tuneline.endpoints" from the workspace settings, or run the command again and allow it.`,
        'config',
        undefined,
        undefined,
        undefined,
        undefined,
        { 'Open workspace settings': { command: 'workbench.action.openWorkspaceSettingsFile' } },
      );
    }
    await this.state.update(CONFIRMED_HOSTS, [...confirmed.filter((e) => e !== entry), entry].slice(-50));
  }
}

const ALLOW = 'Send key to this host';

async function defaultPrompt(origin: string, provider: ProviderKind): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(
    `This workspace's settings point Tuneline at ${origin}.`,
    {
      modal: true,
      detail: `Tuneline would send your ${PROVIDER_LABELS[provider]} API key to ${origin} with every request. Allow it only if you trust this workspace and that host. Tuneline remembers the answer for this host and key.`,
    },
    ALLOW,
  );
  return choice === ALLOW;
}
