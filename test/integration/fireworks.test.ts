// Fireworks AI in the editor (issue 20), on the shared suite of openServices.ts against the local Fireworks flavour
// (no loss curve: Fireworks reports progress only; the tuned model is deployed by Tuneline on the first chat).
import { BAD, GOOD, describeService } from './openServices';

describeService({
  service: 'fireworks',
  label: 'Fireworks AI',
  model: 'accounts/fireworks/models/llama-v3p1-8b-instruct',
  method: 'supervised',
  trainingFile: GOOD,
  badFile: BAD,
  chart: 'none',
  batch: false,
  listPath: '^/supervisedFineTuningJobs$',
  createPath: '^/supervisedFineTuningJobs$',
  jobMs: 51_000,
});
