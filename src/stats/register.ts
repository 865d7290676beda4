import { feature, registerCommands, type Feature, type FeatureContext } from '../common/feature';
import type { DocumentModels } from '../documents';
import { showDatasetStats } from './showDatasetStats';
import { StatsPanels } from './statsPanel';

/** The statistics view (it reads the per-document models) and `tuneline.showDatasetStats`. One Disposable for all of it. */
export function register(ctx: FeatureContext & { readonly documents: DocumentModels }): Feature {
  const panels = new StatsPanels(ctx.extension.extensionUri, ctx.log, ctx.documents);
  const commands = registerCommands({ 'tuneline.showDatasetStats': (uri?: unknown) => showDatasetStats(panels, uri) }, ctx.log);
  return feature([panels, commands], undefined);
}
