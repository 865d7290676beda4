import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, trustMode } from './helpers';

// The fixture workspace's .vscode/settings.json tries to point Tuneline at another host. Those settings are declared
// as restricted configurations in package.json, so VS Code must ignore the workspace values in Restricted Mode.
describe('Workspace trust and restricted settings', () => {
  it('takes provider and base URL from the workspace only when it is trusted', () => {
    const config = vscode.workspace.getConfiguration('tuneline');
    const baseUrl = config.inspect<string>('baseUrl');
    if (trustMode() === 'restricted') {
      assert.equal(config.get('baseUrl'), '', 'Restricted Mode ignores the workspace base URL');
      assert.equal(config.get('provider'), 'openai', 'Restricted Mode ignores the workspace provider');
      assert.equal(baseUrl?.workspaceValue, undefined);
    } else {
      assert.equal(config.get('baseUrl'), 'http://127.0.0.1:9/workspace-chosen/v1');
      assert.equal(config.get('provider'), 'custom');
    }
    // Unrestricted settings apply in both modes.
    assert.equal(config.get('model'), 'gpt-4o-mini-2024-07-18');
  });

  it("a workspace's tuneline.endpoints (another provider's address, issue 16) counts only when the workspace is trusted", async () => {
    const api = await activateExtension();
    const config = () => vscode.workspace.getConfiguration('tuneline');
    const before = config().inspect('endpoints')?.workspaceValue;
    const chosen = 'http://127.0.0.1:9/workspace-chosen-together/v1';
    await config().update('endpoints', { together: chosen }, vscode.ConfigurationTarget.Workspace);
    try {
      const endpoint = api.connection.provider.currentEndpoint('together');
      if (trustMode() === 'restricted') {
        assert.notEqual(endpoint.baseURL.replace(/\/$/, ''), chosen, 'Restricted Mode ignores the workspace endpoint');
        assert.match(endpoint.baseURL, /^https:\/\/api\.together\.(xyz|ai)\//, `Together's own endpoint (${endpoint.baseURL})`);
      } else {
        assert.equal(endpoint.baseURL.replace(/\/$/, ''), chosen);
        assert.equal(endpoint.settingOrigin, 'workspace', 'known as chosen by the workspace (its key is sent only after asking)');
      }
    } finally {
      await config().update('endpoints', before, vscode.ConfigurationTarget.Workspace);
    }
  });
});
