import * as vscode from 'vscode';
import { Disposable } from '../common/dispose';
import type { Logger } from '../common/logger';
import { KEY_ENV } from '../api/endpoint';
import { PROVIDERS } from '../api/providers';
import type { ProviderKind } from '../api/types';

/** The one key of early builds (before keys per provider): an OpenAI key, moved to `tuneline.apiKey.openai`. */
const LEGACY_KEY = 'tuneline.apiKey';
const PREFIX = 'tuneline.apiKey.';

/**
 * API keys, one per provider, in VS Code's SecretStorage (the OS keychain on desktop); the environment
 * (`OPENAI_API_KEY`, `AZURE_OPENAI_API_KEY`) is the fallback. Keys never go to settings, and every key this store
 * hands out is registered with the logger so it is redacted from every log line.
 */
export class KeyStore extends Disposable {
  private readonly changed = this._register(new vscode.EventEmitter<ProviderKind>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: Logger,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    super();
    this._register(
      secrets.onDidChange((e) => {
        const provider = e.key.startsWith(PREFIX) ? e.key.slice(PREFIX.length) : '';
        const known = PROVIDERS.find((p) => p.id === provider);
        if (known) this.changed.fire(known.id);
      }),
    );
  }

  /** The SecretStorage name of a provider's key: one per provider id (`tuneline.apiKey.azure`, `...together`). */
  static secretKey(provider: ProviderKind): string {
    return `${PREFIX}${provider}`;
  }

  /** Moves the single key of early builds to the OpenAI slot (once; a key already there wins). */
  private async migrateLegacy(): Promise<void> {
    const legacy = await this.secrets.get(LEGACY_KEY);
    if (!legacy) return;
    if (!(await this.secrets.get(KeyStore.secretKey('openai')))) await this.secrets.store(KeyStore.secretKey('openai'), legacy);
    await this.secrets.delete(LEGACY_KEY);
    this.log.info('Moved the stored API key to the OpenAI key (keys are now kept per provider)');
  }

  async get(provider: ProviderKind): Promise<{ key: string; source: 'secret-storage' | 'environment' } | undefined> {
    if (provider === 'openai') await this.migrateLegacy();
    const stored = await this.secrets.get(KeyStore.secretKey(provider));
    if (stored) {
      this.log.addSecret(stored);
      return { key: stored, source: 'secret-storage' };
    }
    for (const name of KEY_ENV[provider]) {
      const value = this.env[name]?.trim();
      if (value) {
        this.log.addSecret(value);
        return { key: value, source: 'environment' };
      }
    }
    return undefined;
  }

  async set(provider: ProviderKind, key: string): Promise<void> {
    this.log.addSecret(key);
    await this.secrets.store(KeyStore.secretKey(provider), key);
  }

  async clear(provider: ProviderKind): Promise<void> {
    await this.secrets.delete(KeyStore.secretKey(provider));
  }
}
