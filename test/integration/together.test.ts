// Together AI in the editor (issue 20), on the shared suite of openServices.ts against the local Together flavour.
import { BAD, GOOD, describeService } from './openServices';

describeService({
  service: 'together',
  label: 'Together AI',
  model: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Reference',
  method: 'supervised',
  trainingFile: GOOD,
  badFile: BAD,
  chart: 'loss',
  batch: false,
  listPath: '^/fine-tunes$',
  createPath: '^/fine-tunes$',
  jobMs: 56_000,
});
