// For contributors with internet: `npm run test:electron` runs the same integration suite in desktop VS Code
// through @vscode/test-cli + @vscode/test-electron (they download VS Code). CI uses the offline runner instead
// (test/runner/run.mjs: code-server's VS Code 1.100.3 + Chromium). One suite serves both.
import { defineConfig } from '@vscode/test-cli';

export default defineConfig([
  {
    label: 'trusted',
    version: '1.100.3',
    files: 'out/test/integration/**/*.test.js',
    workspaceFolder: './test/fixtures/workspace',
    env: { TUNELINE_TEST_TRUST: 'trusted' },
    mocha: { ui: 'bdd', timeout: 60000 },
  },
]);
