// Shared by the api/upload/training/provider integration tests: a local OpenAI-shaped API, Tuneline pointed at it
// (user settings in Restricted Mode; workspace settings, which win there, in a trusted workspace, with the host
// confirmation answered by the test), and a record of every log line Tuneline writes.
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { startLocalApi, type FlavourName, type LocalApi, type LocalApiOptions } from '../../tools/local-api';
import type { TunelineApi } from '../../src/extension';
import { activateExtension, trustMode } from './helpers';

export interface Connected {
  readonly api: LocalApi;
  readonly t: TunelineApi;
  /** Every log line Tuneline wrote since `connect` (redacted, as written). */
  readonly lines: string[];
  /** Questions asked about workspace-chosen hosts. */
  readonly prompts: string[];
  readonly target: vscode.ConfigurationTarget;
  close(): Promise<void>;
}

const WORKSPACE_ORIGINAL = { provider: 'custom', baseUrl: 'http://127.0.0.1:9/workspace-chosen/v1' } as const;

/** The settings target that decides in this mode (workspace values win in a trusted workspace). */
export function deciding(): vscode.ConfigurationTarget {
  return trustMode() === 'trusted' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
}

export async function setSettings(values: Record<string, unknown>, target: vscode.ConfigurationTarget): Promise<void> {
  const c = vscode.workspace.getConfiguration('tuneline');
  for (const [k, v] of Object.entries(values)) await c.update(k, v, target);
}

/** Puts the fixture workspace's own settings back (trusted mode writes to them). */
export async function restoreSettings(): Promise<void> {
  const c = vscode.workspace.getConfiguration('tuneline');
  for (const k of ['provider', 'baseUrl', 'azure.endpoint', 'azure.deployments']) await c.update(k, undefined, vscode.ConfigurationTarget.Global);
  if (trustMode() === 'trusted') {
    await c.update('provider', WORKSPACE_ORIGINAL.provider, vscode.ConfigurationTarget.Workspace);
    await c.update('baseUrl', WORKSPACE_ORIGINAL.baseUrl, vscode.ConfigurationTarget.Workspace);
    await c.update('azure.endpoint', undefined, vscode.ConfigurationTarget.Workspace);
  }
}

export function randomKey(): string {
  return `sk-tuneline-test-${crypto.randomBytes(12).toString('hex')}`;
}

/**
 * Starts a local API of `flavour` and points Tuneline at it with a fresh key. `provider` (openai flavour only):
 * `custom` (default) or `openai` (OpenAI with a base URL, e.g. for the wind-down notice).
 */
export async function connect(
  flavour: FlavourName,
  options: { provider?: 'openai' | 'custom' | 'nebius' | 'bedrock-mantle'; allowHost?: boolean; api?: Omit<LocalApiOptions, 'flavour' | 'key'> } = {},
): Promise<Connected> {
  const t = await activateExtension();
  const key = randomKey();
  const api = await startLocalApi({ ...options.api, flavour, key });
  const lines: string[] = [];
  const tap = t.log.tap((_level, line) => lines.push(line));
  const prompts: string[] = [];
  await t.connection.provider.forgetConfirmedHosts();
  // the one-time retirement notice only where a test asks for it (retirement.test.ts)
  await t.jobs.notice.markShown();
  t.connection.provider.setHostPrompt(async (origin) => {
    prompts.push(origin);
    return options.allowHost ?? true;
  });
  const target = deciding();
  const provider = flavour === 'azure' ? 'azure' : (options.provider ?? 'custom');
  if (flavour === 'azure') await setSettings({ provider, 'azure.endpoint': api.url, baseUrl: '' }, target);
  else await setSettings({ provider, baseUrl: api.baseURL }, target);
  const set = await vscode.commands.executeCommand('tuneline.setApiKey', key, provider);
  assert.equal(set, true, 'the key is stored');
  if (target === vscode.ConfigurationTarget.Workspace && (options.allowHost ?? true)) {
    // A trusted workspace chose the endpoint: the user answers the host question once, as in real use (background
    // work such as the jobs view's polling never asks; it waits for that answer).
    await t.connection.provider.getClient();
  }
  return {
    api,
    t,
    lines,
    prompts,
    target,
    close: async () => {
      tap.dispose();
      t.connection.provider.setHostPrompt(undefined);
      t.connection.setUploadTuning(undefined);
      await vscode.commands.executeCommand('tuneline.clearApiKey', provider);
      await restoreSettings();
      await api.close();
    },
  };
}

/** Calls `fn` and returns what it threw (fails when it did not throw). */
export async function rejection(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (e) {
    return e as Error;
  }
  assert.fail('expected a rejection');
}

/** The extension's ApiError (another bundle: checked by name, not instanceof). */
export function apiError(e: Error): Error & { kind: string; status?: number; code?: string; actions: Record<string, unknown> } {
  assert.equal(e.name, 'ApiError', `an ApiError (${e.name}: ${e.message})`);
  return e as Error & { kind: string; status?: number; code?: string; actions: Record<string, unknown> };
}
