// Helpers shared by the integration tests. They run inside VS Code's extension host.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TunelineApi } from '../../src/extension';

export const EXTENSION_ID = 'tuneline.tuneline';

/** How the runner started VS Code: `trusted` (--disable-workspace-trust) or `restricted` (Restricted Mode). */
export function trustMode(): 'trusted' | 'restricted' | 'unknown' {
  const m = process.env.TUNELINE_TEST_TRUST;
  return m === 'trusted' || m === 'restricted' ? m : 'unknown';
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace folder is open');
  return folder.uri;
}

export function fixtureUri(...segments: string[]): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...segments);
}

export async function activateExtension(): Promise<TunelineApi> {
  const ext = vscode.extensions.getExtension<TunelineApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
  return ext.isActive ? ext.exports : await ext.activate();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `probe` until it returns a truthy value (returned) or the time is up (throws with `what`). */
export async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    await sleep(50);
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (last value: ${JSON.stringify(last)})`);
}

/**
 * Request ids must be unique across the whole suite: esbuild bundles this module into every test file, so a module
 * counter would restart at 1 in each file and a later file would read an earlier file's answer. The counter lives on
 * the global object, which all bundles share.
 */
const seq = globalThis as { __tunelineRunnerRequestSeq?: number };

export type RunnerRequest =
  | { type: 'screenshot'; name: string; settleMs?: number }
  | { type: 'press'; keys: string[]; delayMs?: number }
  | { type: 'type'; text: string; delayMs?: number }
  | { type: 'click'; selector: string; webview?: boolean; timeoutMs?: number }
  | { type: 'fill'; selector: string; text: string; webview?: boolean; timeoutMs?: number }
  | { type: 'text'; selector: string; webview?: boolean; timeoutMs?: number }
  | { type: 'count'; selector: string; webview?: boolean };

/**
 * Asks the runner (playwright, outside VS Code) to do something a person would: take a screenshot, press keys,
 * click inside a webview. Resolves with the runner's answer. Outside the offline runner (e.g. under
 * @vscode/test-electron) there is no one to answer: returns `undefined` at once.
 */
export async function runnerRequest(req: RunnerRequest, timeoutMs = 30_000): Promise<{ value?: unknown; file?: string } | undefined> {
  const ackDir = process.env.TUNELINE_TEST_ACK_DIR;
  if (!ackDir) return undefined;
  // Notification toasts from earlier tests (a job that ended, a saved key...) sit over the bottom right of the
  // workbench and would take a click meant for what is under them, as they would a person's: put them away first.
  if (req.type === 'click' || req.type === 'fill') await vscode.commands.executeCommand('notifications.hideToasts');
  const id = `${process.pid}-${(seq.__tunelineRunnerRequestSeq = (seq.__tunelineRunnerRequestSeq ?? 0) + 1)}`;
  console.log(`[[tuneline:request ${id} ${JSON.stringify(req)}]]`);
  const file = path.join(ackDir, `${id}.json`);
  await waitFor(() => fs.existsSync(file), `the runner to do ${req.type}`, timeoutMs);
  const answer = JSON.parse(fs.readFileSync(file, 'utf8')) as { ok: boolean; error?: string; value?: unknown; file?: string };
  if (!answer.ok) throw new Error(`runner could not ${req.type}: ${answer.error}`);
  return answer;
}

/**
 * The text of the notification that contains `hasText`, from its toast, or, where VS Code did not show the toast
 * (after `notifications.hideToasts`, which the runner's clicks use, later toasts have been seen to stay hidden), from
 * the notification centre, opened for it and closed again. Undefined without the runner.
 */
export async function notificationText(hasText: string, timeoutMs = 15_000): Promise<string | undefined> {
  if (!process.env.TUNELINE_TEST_ACK_DIR) return undefined;
  const item = `.notification-list-item:has-text(${JSON.stringify(hasText)})`;
  const toast = await runnerRequest({ type: 'text', selector: `.notifications-toasts ${item}`, timeoutMs }).catch(() => undefined);
  if (toast) return String(toast.value);
  await vscode.commands.executeCommand('notifications.showList');
  try {
    return String((await runnerRequest({ type: 'text', selector: `.notifications-center ${item}`, timeoutMs: 10_000 }))?.value);
  } finally {
    await vscode.commands.executeCommand('notifications.hideList');
  }
}

/** Saves a screenshot of the workbench as the person sees it now, named after the test. */
export async function screenshot(name: string, settleMs?: number): Promise<string | undefined> {
  const r = await runnerRequest({ type: 'screenshot', name, settleMs });
  return r?.file;
}

export function testName(ctx: Mocha.Context): string {
  return (ctx.test?.fullTitle() ?? 'test').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase();
}

/** Text of an element inside the (one) visible webview, or undefined while it is not there. */
export async function webviewText(selector: string): Promise<string | undefined> {
  try {
    const r = await runnerRequest({ type: 'text', selector, webview: true, timeoutMs: 1000 });
    return r === undefined ? undefined : String(r.value);
  } catch {
    return undefined;
  }
}

/** How many elements inside the visible webview match `selector` (0 while it cannot be read). */
export async function webviewCount(selector: string): Promise<number> {
  try {
    const r = await runnerRequest({ type: 'count', selector, webview: true });
    return Number(r?.value ?? 0);
  } catch {
    return 0;
  }
}

/** Waits until `selector`'s text inside the webview satisfies `ok`; returns it. */
export async function waitForWebviewText(selector: string, ok: (text: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
  let last: string | undefined;
  await waitFor(
    async () => {
      last = await webviewText(selector);
      return last !== undefined && ok(last);
    },
    `${what} (last text of ${selector}: ${JSON.stringify(last)})`,
    timeoutMs,
  );
  return last!;
}

/** The jobs view's pane in the workbench. */
export const JOBS_PANE = '.pane:has(.pane-header[aria-label^="Fine-tuning Jobs"])';

/** The text of the jobs view's rows as the person sees them (undefined without the runner, or while unreadable). */
export async function jobsViewText(): Promise<string | undefined> {
  try {
    const r = await runnerRequest({ type: 'text', selector: `${JOBS_PANE} .pane-body`, timeoutMs: 2000 });
    return r === undefined ? undefined : String(r.value);
  } catch {
    return undefined;
  }
}

/**
 * Waits for the jobs view to show `re` and returns its text; without the runner it returns undefined at once (the
 * model checks still run). On a timeout it takes a screenshot (`<prefix>-failed-<what>`) and fails with the last text.
 */
export async function waitForJobsView(re: RegExp, what: string, prefix: string, timeoutMs = 20_000): Promise<string | undefined> {
  if (!process.env.TUNELINE_TEST_ACK_DIR) return undefined;
  let last: string | undefined;
  try {
    await waitFor(
      async () => {
        last = await jobsViewText();
        return last !== undefined && re.test(last);
      },
      what,
      timeoutMs,
    );
    return last;
  } catch (e) {
    await screenshot(`${prefix}-failed-${what.replace(/[^A-Za-z0-9]+/g, '-')}`);
    throw new Error(`${(e as Error).message} (view text: ${JSON.stringify(last)})`);
  }
}
