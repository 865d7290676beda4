/** The key commands (`tuneline.setApiKey`, `tuneline.clearApiKey`) and the `hasApiKey` context key. */
import * as vscode from 'vscode';
import { ContextKeys, setContext } from '../common/contextKeys';
import { feature, registerCommands, type Feature } from '../common/feature';
import { onDidChangeSettings, readSettings } from '../common/settings';
import type { ConnectedContext } from './index';
import { clearApiKey, setApiKey } from './keyCommands';

export function register(ctx: ConnectedContext): Feature {
  const { keys, log } = ctx;
  const updateKeyContext = async () => {
    const key = await keys.get(readSettings().provider);
    await setContext(ContextKeys.hasApiKey, !!key);
  };
  const disposables: vscode.Disposable[] = [
    keys.onDidChange(() => void updateKeyContext()),
    onDidChangeSettings(() => void updateKeyContext()),
    registerCommands(
      {
        'tuneline.setApiKey': (key?: unknown, provider?: unknown) => setApiKey(keys, key, provider),
        'tuneline.clearApiKey': (provider?: unknown) => clearApiKey(keys, provider),
      },
      log,
    ),
  ];
  void updateKeyContext();
  return feature(disposables, undefined);
}
