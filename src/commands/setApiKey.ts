import * as vscode from 'vscode';
import type { KeyStore } from '../api/keys';
import { readSettings, type ProviderKind } from '../common/settings';

export const PROVIDER_LABELS: Readonly<Record<ProviderKind, string>> = {
  openai: 'OpenAI',
  azure: 'Azure OpenAI',
  custom: 'the custom endpoint',
};

/**
 * `tuneline.setApiKey [key] [provider]`: stores the key for the provider (the configured one by default) in
 * SecretStorage. Without a key argument it asks with a password box; the key is never echoed or logged.
 */
export async function setApiKey(keys: KeyStore, key?: unknown, provider?: unknown): Promise<boolean> {
  const target: ProviderKind =
    provider === 'openai' || provider === 'azure' || provider === 'custom' ? provider : readSettings().provider;
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
