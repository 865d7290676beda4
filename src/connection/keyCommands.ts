import * as vscode from 'vscode';
import { PROVIDER_LABELS } from '../api/endpoint';
import { PROVIDERS } from '../api/providers';
import type { ProviderKind } from '../api/types';
import { readSettings } from '../common/settings';
import type { KeyStore } from './keys';

function targetOf(provider: unknown): ProviderKind {
  return PROVIDERS.find((p) => p.id === provider)?.id ?? readSettings().provider;
}

/**
 * `tuneline.setApiKey [key] [provider]`: stores the key for the provider (the configured one by default) in
 * SecretStorage. Without a key argument it asks with a password box; the key is never echoed or logged.
 */
export async function setApiKey(keys: KeyStore, key?: unknown, provider?: unknown): Promise<boolean> {
  const target = targetOf(provider);
  let value = typeof key === 'string' ? key : undefined;
  if (value === undefined) {
    value = await vscode.window.showInputBox({
      title: `Tuneline: API key for ${PROVIDER_LABELS[target]}`,
      prompt: 'Stored in VS Code\'s secret storage (the OS keychain), never in settings or logs.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim().length < 8 ? 'That does not look like an API key.' : undefined),
    });
  }
  if (!value?.trim()) return false;
  await keys.set(target, value.trim());
  void vscode.window.showInformationMessage(`Tuneline: API key for ${PROVIDER_LABELS[target]} saved.`);
  return true;
}

/** `tuneline.clearApiKey [provider]`: removes the stored key (environment variables are not touched). */
export async function clearApiKey(keys: KeyStore, provider?: unknown): Promise<void> {
  const target = targetOf(provider);
  await keys.clear(target);
  const env = await keys.get(target);
  void vscode.window.showInformationMessage(
    env
      ? `Tuneline: stored key for ${PROVIDER_LABELS[target]} removed; a key from the environment is still used.`
      : `Tuneline: stored key for ${PROVIDER_LABELS[target]} removed.`,
  );
}
