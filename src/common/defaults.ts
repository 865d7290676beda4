/**
 * The default of every Tuneline setting, by its key in package.json. No `vscode` here, so the manifest unit test
 * (test/unit/manifest.test.ts) checks these against the `default` of each setting package.json declares.
 */
import { DEFAULT_MODEL } from '../core/models';

export const SETTING_DEFAULTS = {
  'tuneline.method': 'auto',
  'tuneline.model': DEFAULT_MODEL,
  'tuneline.validate.include': [],
  'tuneline.provider': 'openai',
  'tuneline.baseUrl': '',
  'tuneline.azure.endpoint': '',
  'tuneline.endpoints': {},
  'tuneline.fireworks.account': '',
  'tuneline.bedrock.region': 'us-east-1',
  'tuneline.azure.deployments': {},
  'tuneline.azure.armEndpoint': '',
  'tuneline.jobs.notifications': true,
  'tuneline.playground.codeLens': true,
  'tuneline.eval.batchThreshold': 2000,
  'tuneline.eval.concurrency': 4,
  'tuneline.nearDuplicateThreshold': 0.8,
} as const;
