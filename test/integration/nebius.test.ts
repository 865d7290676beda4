// Nebius Token Factory in the editor (issue 20): OpenAI-shaped (SdkClient), on the shared suite of openServices.ts
// against the local API's nebius flavour.
import { BAD, GOOD, describeService } from './openServices';

describeService({
  service: 'nebius',
  label: 'Nebius Token Factory',
  model: 'meta-llama/Meta-Llama-3.1-8B-Instruct',
  method: 'supervised',
  trainingFile: GOOD,
  badFile: BAD,
  chart: 'loss',
  batch: true,
  listPath: '^/fine_tuning/jobs$',
  createPath: '^/fine_tuning/jobs$',
  jobMs: 60_000,
});
