// Amazon Bedrock (Mantle) in the editor (issue 20): OpenAI-shaped (SdkClient), reinforcement fine-tuning only, on the
// shared suite of openServices.ts against the local API's bedrock-mantle flavour (100-example RFT files written for
// the suite; the evaluation runs on the chat file good.jsonl, RFT lines having no reference reply to compare with).
import { fixtureUri } from './helpers';
import { GOOD, describeService, rftFiles } from './openServices';

describeService({
  service: 'bedrock-mantle',
  label: 'Amazon Bedrock (Mantle)',
  model: 'openai.gpt-oss-20b',
  method: 'reinforcement',
  trainingFile: () => fixtureUri('datasets', 'bedrock-rft.jsonl'),
  badFile: () => fixtureUri('datasets', 'bedrock-rft-bad.jsonl'),
  evalFile: GOOD,
  answersFromTraining: false,
  files: rftFiles,
  extraArgs: { grader: fixtureUri('graders', 'exact-answer.json') },
  chart: 'points',
  batch: true,
  listPath: '^/fine_tuning/jobs$',
  createPath: '^/fine_tuning/jobs$',
  jobMs: 120_000,
});
