import { feature, registerCommands, type Feature, type FeatureContext } from '../common/feature';
import type { DocumentModels } from '../documents';
import { convertDataset } from './convert';
import { DatasetView } from './datasetView';
import { removeDuplicates } from './removeDuplicates';
import { splitDataset } from './split';
import { createStarterDataset } from './starter';

/**
 * The Dataset view (it reads the per-document models) and the dataset chores: `tuneline.splitDataset`,
 * `tuneline.convertDataset`, `tuneline.removeDuplicates`, `tuneline.createStarterDataset`.
 */
export function register(ctx: FeatureContext & { readonly documents: DocumentModels }): Feature {
  const { log } = ctx;
  const view = new DatasetView(ctx.documents);
  const commands = registerCommands(
    {
      'tuneline.splitDataset': (uri?: unknown, ratio?: unknown, seed?: unknown) => splitDataset(log, uri, ratio, seed),
      'tuneline.convertDataset': (uri?: unknown) => convertDataset(log, uri),
      'tuneline.removeDuplicates': (uri?: unknown) => removeDuplicates(log, uri),
      'tuneline.createStarterDataset': (folder?: unknown) => createStarterDataset(folder),
    },
    log,
  );
  return feature([view, commands], undefined);
}
