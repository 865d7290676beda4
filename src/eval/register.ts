/**
 * Registers evaluation (issue 11): `tuneline.evaluateModel`, the results view, and the lazy resume of batch
 * evaluations left running when the window closed (a few seconds after activation, never blocking it).
 *
 * Also: `tuneline.evaluateModel.cancel` (stop running evaluations; the results view's Stop button does the same),
 * `tuneline.evaluateModel.resumeBatches` (follow saved batches now, what activation does by itself),
 * `tuneline.evaluateModel.suspendBatches` (stop following batches in this window without touching them, as closing
 * the window does; the tests use it to simulate a restart).
 */
import * as vscode from 'vscode';
import type { KeyStore } from '../api/keys';
import type { ProviderService } from '../api/provider';
import { registerCommand } from '../common/commands';
import { describeError, type Logger } from '../common/logger';
import { evaluateModel } from '../commands/evaluateModel';
import { EvalService } from './service';

export const RESUME_DELAY_MS = 5_000;

export function registerEvaluation(context: vscode.ExtensionContext, log: Logger, keys: KeyStore, provider: ProviderService): vscode.Disposable[] {
  const service = new EvalService(context.extensionUri, log, provider, keys, context.workspaceState);
  const resume = (ms?: unknown) => service.resumeBatches(typeof ms === 'number' ? ms : undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (service.pending().length > 0) {
    timer = setTimeout(() => {
      timer = undefined;
      resume().catch((e: unknown) => log.warn(`Evaluation: resuming batches failed: ${describeError(e)}`));
    }, RESUME_DELAY_MS);
  }
  return [
    service,
    { dispose: () => timer && clearTimeout(timer) },
    registerCommand('tuneline.evaluateModel', (args?: unknown) => evaluateModel(service, args), log),
    registerCommand('tuneline.evaluateModel.cancel', (file?: unknown) => service.cancel(typeof file === 'string' ? file : undefined), log),
    registerCommand('tuneline.evaluateModel.resumeBatches', (args?: unknown) => resume((args as { pollIntervalMs?: unknown } | undefined)?.pollIntervalMs), log),
    registerCommand('tuneline.evaluateModel.suspendBatches', () => service.suspendBatches(), log),
  ];
}
