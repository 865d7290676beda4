// Several providers at once (issue 16): where each provider's endpoint comes from (`endpointSettingsFor`), and that
// the client config built from it names that provider's endpoint.
import * as assert from 'node:assert/strict';
import { clientConfig, endpointFromSettings, endpointSettingsFor, type EndpointSettings } from '../../src/api/endpoint';
import { modelRef, parseModelRef } from '../../src/api/modelRef';

const base: EndpointSettings = {
  provider: 'openai',
  baseUrl: '',
  azureEndpoint: '',
  azureDeployments: {},
  endpointOrigin: 'default',
  endpoints: {},
  endpointsOrigin: {},
  azureEndpointOrigin: 'default',
};

describe('Several providers: endpoint per provider (endpointSettingsFor)', () => {
  it('the current provider without any endpoint setting keeps its default', () => {
    const e = endpointFromSettings(endpointSettingsFor(base));
    assert.equal(e.provider, 'openai');
    assert.equal(e.baseURL, 'https://api.openai.com/v1');
    assert.equal(e.settingOrigin, 'default');
  });

  it('a non-current provider takes its base URL from tuneline.endpoints, with that entry\'s origin', () => {
    const s: EndpointSettings = { ...base, endpoints: { together: 'http://127.0.0.1:7001/v1' }, endpointsOrigin: { together: 'workspace' } };
    const e = endpointFromSettings(endpointSettingsFor(s, 'together'));
    assert.equal(e.provider, 'together');
    assert.equal(e.baseURL, 'http://127.0.0.1:7001/v1');
    assert.equal(e.origin, 'http://127.0.0.1:7001');
    assert.equal(e.settingOrigin, 'workspace', 'a workspace-chosen host is confirmed before the key goes there');
    // Not in tuneline.endpoints: the adapter's public endpoint, whatever tuneline.baseUrl says (it is the current provider's).
    const n = endpointFromSettings(endpointSettingsFor({ ...s, baseUrl: 'http://127.0.0.1:9/openai-proxy/v1', endpointOrigin: 'user' }, 'nebius'));
    assert.equal(n.provider, 'nebius');
    assert.doesNotMatch(n.baseURL, /127\.0\.0\.1/);
    assert.equal(n.settingOrigin, 'default');
  });

  it('tuneline.baseUrl still applies to the current provider first, then its tuneline.endpoints entry', () => {
    const s: EndpointSettings = { ...base, provider: 'custom', baseUrl: 'http://127.0.0.1:1/a/v1', endpointOrigin: 'workspace', endpoints: { custom: 'http://127.0.0.1:2/b/v1' }, endpointsOrigin: { custom: 'user' } };
    const first = endpointFromSettings(endpointSettingsFor(s));
    assert.equal(first.baseURL, 'http://127.0.0.1:1/a/v1');
    assert.equal(first.settingOrigin, 'workspace');
    const second = endpointFromSettings(endpointSettingsFor({ ...s, baseUrl: '', endpointOrigin: 'default' }));
    assert.equal(second.baseURL, 'http://127.0.0.1:2/b/v1');
    assert.equal(second.settingOrigin, 'user');
    // The current provider's baseUrl never leaks to another provider.
    assert.throws(() => endpointFromSettings(endpointSettingsFor({ ...s, provider: 'openai', endpoints: {} }, 'custom')), /needs the base URL/);
  });

  it('Azure: tuneline.azure.endpoint applies whether or not Azure is current, then tuneline.endpoints.azure', () => {
    const own: EndpointSettings = { ...base, azureEndpoint: 'https://mine.openai.azure.com', azureEndpointOrigin: 'user', endpoints: { azure: 'https://other.openai.azure.com' }, endpointsOrigin: { azure: 'workspace' } };
    const a = endpointFromSettings(endpointSettingsFor(own, 'azure'));
    assert.equal(a.baseURL, 'https://mine.openai.azure.com/openai/v1/');
    assert.equal(a.settingOrigin, 'user');
    const mapped = endpointFromSettings(endpointSettingsFor({ ...own, azureEndpoint: '', azureEndpointOrigin: 'default' }, 'azure'));
    assert.equal(mapped.baseURL, 'https://other.openai.azure.com/openai/v1/');
    assert.equal(mapped.settingOrigin, 'workspace');
    // Azure current: the origin of azure.endpoint is endpointOrigin (as before).
    const current = endpointFromSettings(endpointSettingsFor({ ...own, provider: 'azure', endpointOrigin: 'workspace' }));
    assert.equal(current.settingOrigin, 'workspace');
    // No Azure endpoint anywhere: the error names the setting.
    assert.throws(() => endpointFromSettings(endpointSettingsFor(base, 'azure')), /tuneline\.azure\.endpoint/);
  });

  it('the client config (label, account key) is that of the provider asked for', () => {
    const s: EndpointSettings = { ...base, endpoints: { azure: 'https://res.openai.azure.com' } };
    const openai = clientConfig(endpointSettingsFor(s), 'sk-a');
    const azure = clientConfig(endpointSettingsFor(s, 'azure'), 'sk-a');
    assert.equal(openai.label, 'OpenAI');
    assert.equal(azure.label, 'Azure OpenAI (res.openai.azure.com)');
    assert.notEqual(openai.accountKey, azure.accountKey, 'file-id caches are kept apart per provider');
  });
});

describe('Several providers: model references (@provider/id)', () => {
  it('a model of the current provider stays its plain id; another provider\'s is @provider/id, and parses back', () => {
    assert.equal(modelRef('openai', 'ft:gpt-4o-mini-2024-07-18:org::abc', 'openai'), 'ft:gpt-4o-mini-2024-07-18:org::abc');
    const ref = modelRef('azure', 'gpt-4.1-mini-2025-04-14.ft-abc', 'openai');
    assert.equal(ref, '@azure/gpt-4.1-mini-2025-04-14.ft-abc');
    assert.deepEqual(parseModelRef(ref, 'openai'), { provider: 'azure', model: 'gpt-4.1-mini-2025-04-14.ft-abc' });
    assert.deepEqual(parseModelRef('meta-llama/Llama-3.3-70B', 'together'), { provider: 'together', model: 'meta-llama/Llama-3.3-70B' });
    assert.deepEqual(parseModelRef('@together/meta-llama/Llama-3.3-70B', 'openai'), { provider: 'together', model: 'meta-llama/Llama-3.3-70B' });
    // an unknown "provider" is not a reference: the id is the current provider's, untouched
    assert.deepEqual(parseModelRef('@someone/model', 'openai'), { provider: 'openai', model: '@someone/model' });
  });
});
