/**
 * Moving off a retiring fine-tune (issue 18): `tuneline.keepBaseline` (record a model's replies on a validation
 * file before it is gone), `tuneline.compareWithBaseline` (run a new model on the baseline's prompts and show both
 * side by side; or two results files offline) and `tuneline.moveFineTune` (re-create the job on another provider and
 * base model, then compare). Returns the small surface the tests read.
 */
import { feature, registerCommands, type Feature } from '../common/feature';
import type { ConnectedContext } from '../connection';
import { ComparePanels } from './comparePanel';
import { compareWithBaseline } from './compareWithBaseline';
import { keepBaseline } from './keepBaseline';

export interface MigrateApi {
  /** The open comparison views (tests read `lastView`). */
  readonly panels: ComparePanels;
}

export function register(ctx: ConnectedContext): Feature<MigrateApi> {
  const { log, provider } = ctx;
  const panels = new ComparePanels(ctx.extension.extensionUri, log);
  const commands = registerCommands(
    {
      'tuneline.keepBaseline': (model?: unknown, file?: unknown) => keepBaseline(provider, log, model, file),
      'tuneline.compareWithBaseline': (baseline?: unknown, target?: unknown) => compareWithBaseline(provider, panels, log, baseline, target),
    },
    log,
  );
  return feature([commands, panels], { panels });
}
