/**
 * Registers evaluation (issue 11): `tuneline.evaluateModel`, the results view, and the lazy resume of batch
 * evaluations left running when the window closed (a few seconds after activation, never blocking it).
 *
 * Also: `tuneline.evaluateModel.cancel` (stop running evaluations; the results view's Stop button does the same),
 * `tuneline.evaluateModel.resumeBatches` (follow saved batches now, what activation does by itself),
 * `tuneline.evaluateModel.suspendBatches` (stop following batches in this window without touching them, as closing
 * the window does; the tests use it to simulate a restart).
 */
import { feature, registerCommands, type Feature } from '../common/feature';
import { describeError } from '../common/logger';
import type { ConnectedContext } from '../connection';
import { evaluateModel } from './evaluateModel';
import { EvalService } from './service';

export const RESUME_DELAY_MS = 5_000;

export function register(ctx: ConnectedContext): Feature {
  const { log } = ctx;
  const service = new EvalService(ctx.extension.extensionUri, log, ctx.provider, ctx.extension.workspaceState, ctx.retirements);
  const resume = (ms?: unknown) => service.resumeBatches(typeof ms === 'number' ? ms : undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (service.pending().length > 0) {
    timer = setTimeout(() => {
      timer = undefined;
      resume().catch((e: unknown) => log.warn(`Evaluation: resuming batches failed: ${describeError(e)}`));
    }, RESUME_DELAY_MS);
  }
  const commands = registerCommands(
    {
      'tuneline.evaluateModel': (args?: unknown) => evaluateModel(service, args),
      'tuneline.evaluateModel.cancel': (file?: unknown) => service.cancel(typeof file === 'string' ? file : undefined),
      'tuneline.evaluateModel.resumeBatches': (args?: unknown) => resume((args as { pollIntervalMs?: unknown } | undefined)?.pollIntervalMs),
      'tuneline.evaluateModel.suspendBatches': () => service.suspendBatches(),
    },
    log,
  );
  return feature([service, { dispose: () => timer && clearTimeout(timer) }, commands], undefined);
}
