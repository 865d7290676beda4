/**
 * One source for the dataset rules (issue 17): every adapter's `capabilities.dataset` agrees with its provider's
 * dataset profile on each rule both state, and every adapter either has a profile or is named here as having none.
 */
import { strict as assert } from 'node:assert';
import { FILES_API_LIMIT } from '../../../src/core/dataset';
import { PROVIDER_IDS, resolveProfile, type ProviderId } from '../../../src/core/profiles';
import { AZURE, CUSTOM, FIREWORKS, OPENAI, PROVIDERS, TOGETHER, type DatasetRules } from '../../../src/api/providers';

/** Adapters without a dataset profile, and why (adding a profile must remove the id from here). */
const NO_PROFILE: Readonly<Partial<Record<ProviderId, string>>> = {
  custom: 'an OpenAI-compatible endpoint: judged with OpenAI\'s rules',
};

describe('adapter dataset rules and dataset profiles', () => {
  it('every adapter has a profile, or is listed as having none', () => {
    for (const p of PROVIDERS) {
      const profiled = PROVIDER_IDS.includes(p.id);
      assert.notEqual(profiled, NO_PROFILE[p.id] !== undefined, `${p.id}: profiled=${profiled}, listed without profile=${NO_PROFILE[p.id] !== undefined}`);
    }
    for (const id of PROVIDER_IDS) assert.ok(PROVIDERS.some((p) => p.id === id), `profile ${id} has no adapter`);
  });

  for (const id of PROVIDER_IDS) {
    it(`${id}: the adapter's dataset rules are the profile's`, () => {
      const adapter = PROVIDERS.find((p) => p.id === id);
      assert.ok(adapter, `no adapter for ${id}`);
      const d: DatasetRules = adapter.capabilities.dataset;
      const { file, limits, requiredTopLevelKeys, severities } = resolveProfile(id);
      assert.equal(d.utf8Bom === 'accepted', file.bomAccepted, 'BOM');
      // A BOM the service accepts turns TL-01 off; one it does not keeps it.
      assert.equal(severities['utf8-bom'] === 'off', file.bomAccepted, 'utf8-bom severity');
      assert.equal(d.minExamples, file.minExamples, 'minExamples');
      assert.equal(d.maxExamples, file.maxExamples, 'maxExamples');
      assert.equal(d.maxFileBytes, file.maxBytes ?? FILES_API_LIMIT, 'maxFileBytes');
      assert.equal(d.maxFiles, file.maxFiles, 'maxFiles');
      assert.equal(d.maxTotalFileBytes, file.maxTotalBytes, 'maxTotalFileBytes');
      assert.equal(d.maxImagesPerExample, limits.imagesPerExample, 'maxImagesPerExample');
      assert.equal(d.maxImageBytes, limits.imageBytes, 'maxImageBytes');
      assert.equal(d.maxExamplesWithImages, file.maxImageExamples, 'maxExamplesWithImages');
      assert.deepEqual(d.requiredFields ?? [], requiredTopLevelKeys, 'requiredFields');
      assert.ok(d.source.url.length > 0 && /^\d{4}-\d{2}-\d{2}$/.test(d.source.read), 'cited');
    });
  }

  it('custom endpoints state OpenAI\'s dataset rules', () => {
    assert.deepEqual(CUSTOM.capabilities.dataset, OPENAI.capabilities.dataset);
  });

  it('keeps the stricter value where two sources disagree, and cites both', () => {
    const azure = resolveProfile('azure');
    // quotas-limits.md: 50 files (07/11/2025) vs 100 files (02/17/2026).
    assert.equal(AZURE.capabilities.dataset.maxFiles, 50);
    assert.equal(AZURE.capabilities.dataset.maxTotalFileBytes, 1024 ** 3);
    assert.equal(AZURE.capabilities.dataset.maxImagesPerExample, 64);
    assert.equal(AZURE.capabilities.dataset.maxExamplesWithImages, 50_000);
    const quota = azure.sources.find((s) => s.url.includes('quotas-limits'));
    assert.ok(quota && /\b50\b/.test(quota.says) && /\b100\b/.test(quota.says) && quota.says.includes('07/11/2025') && quota.says.includes('02/17/2026'), 'both Azure revisions cited');
    // Together: 100 GB (docs) vs 4.9 GB (SDK check-file).
    assert.equal(TOGETHER.capabilities.dataset.maxFileBytes, Math.floor(4.9 * 1024 ** 3));
    const together = resolveProfile('together').sources.map((s) => s.says).join(' ');
    assert.ok(together.includes('100 GB') && together.includes('4.9'), 'both Together limits cited');
    // Fireworks: at least 3 examples (fine-tuning page) over "none found"; 150 MB per :upload.
    assert.equal(FIREWORKS.capabilities.dataset.minExamples, 3);
    assert.equal(FIREWORKS.capabilities.dataset.maxFileBytes, 150 * 1024 * 1024);
  });
});
