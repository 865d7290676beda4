// Entry of the integration suite, loaded by VS Code's test host (extensionTestsPath) in both runners: the offline
// code-server runner (test/runner/run.mjs) and @vscode/test-electron (.vscode-test.mjs uses its own entry but the
// same *.test.js files). Exports run(), as VS Code expects.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function run(): Promise<void> {
  // mocha 11 is CommonJS; it is resolved from the extension's node_modules (external in the bundle).
  const Mocha = require('mocha');
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, slow: 5_000, reporter: 'spec' });
  const grep = process.env.TUNELINE_TEST_GREP;
  if (grep) mocha.grep(grep);
  const files = fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures: number) => {
      const stats = runner.stats ?? { passes: 0, failures, pending: 0 };
      console.log(`[[tuneline:summary ${JSON.stringify({ passed: stats.passes, failed: stats.failures, pending: stats.pending })}]]`);
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed.`));
      else resolve();
    });
  });
}
