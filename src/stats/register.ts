import { feature, registerCommands, type Feature, type FeatureContext } from '../common/feature';
import { showDatasetStats } from './showDatasetStats';
import { StatsPanels } from './statsPanel';

/** The statistics view and `tuneline.showDatasetStats`. One Disposable for all of it. */
export function register(ctx: FeatureContext): Feature {
  const panels = new StatsPanels(ctx.extension.extensionUri, ctx.log);
  const commands = registerCommands({ 'tuneline.showDatasetStats': (uri?: unknown) => showDatasetStats(panels, uri) }, ctx.log);
  return feature([panels, commands], undefined);
}
