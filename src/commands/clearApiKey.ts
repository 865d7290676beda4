import * as vscode from 'vscode';
import type { KeyStore } from '../api/keys';
import { readSettings, type ProviderKind } from '../common/settings';
import { PROVIDER_LABELS } from './setApiKey';

/** `tuneline.clearApiKey [provider]`: removes the stored key (environment variables are not touched). */
export async function clearApiKey(keys: KeyStore, provider?: unknown): Promise<void> {
  const target: ProviderKind =
    provider === 'openai' || provider === 'azure' || provider === 'custom' ? provider : readSettings().provider;
  await keys.clear(target);
  const env = await keys.get(target);
  void vscode.window.showInformationMessage(
    env
      ? `Tuneline: stored key for ${PROVIDER_LABELS[target]} removed; a key from the environment is still used.`
      : `Tuneline: stored key for ${PROVIDER_LABELS[target]} removed.`,
  );
}
