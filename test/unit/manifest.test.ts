// Checks of package.json as a manifest: every user-facing string is localised in package.nls.json, every command and
// setting is complete (with the default the code uses), every contributed command is registered by the code (and the
// other way round), and the commands that need a tree item are not in the command palette.
import { PROVIDERS } from '../../src/api/providers';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SETTING_DEFAULTS } from '../../src/common/defaults';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const nls: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8'));
const c = pkg.contributes;

function sources(dir: string): string {
  let out = '';
  for (const f of fs.readdirSync(dir, { recursive: true }).map(String)) {
    if (f.endsWith('.ts')) out += fs.readFileSync(path.join(dir, f), 'utf8');
  }
  return out;
}

function localized(value: unknown, where: string): void {
  assert.equal(typeof value, 'string', `${where} is a string`);
  const m = /^%(.+)%$/.exec(value as string);
  assert.ok(m, `${where} is localised (%key%), got ${JSON.stringify(value)}`);
  assert.ok(nls[m[1]!]?.trim(), `${where}: package.nls.json has "${m[1]}"`);
}

describe('package.json manifest', () => {
  it('names, engines and entry points', () => {
    assert.equal(pkg.name, 'tuneline');
    assert.equal(pkg.displayName, 'Tuneline');
    assert.equal(pkg.engines.vscode, '^1.100.0');
    assert.equal(pkg.devDependencies['@types/vscode'], '~1.100.0');
    assert.equal(pkg.main, './dist/extension.js');
    assert.equal(pkg.bin.tuneline, './dist/cli.js');
    assert.ok(pkg.activationEvents.includes('onLanguage:jsonl'));
    localized(pkg.description, 'description');
  });

  it('every %key% used anywhere in package.json exists in package.nls.json, and none is unused', () => {
    const text = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
    const used = new Set([...text.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]!));
    for (const key of used) assert.ok(nls[key], `package.nls.json lacks "${key}"`);
    for (const key of Object.keys(nls)) assert.ok(used.has(key), `package.nls.json has unused "${key}"`);
  });

  it('every command has a localised title and the Tuneline category, and the code registers it', () => {
    const code = sources(path.join(root, 'src'));
    for (const cmd of c.commands) {
      localized(cmd.title, `command ${cmd.command} title`);
      assert.equal(cmd.category, 'Tuneline', `command ${cmd.command} category`);
      assert.ok(code.includes(`'${cmd.command}'`) || code.includes(`"${cmd.command}"`), `${cmd.command} is registered in src/`);
    }
    const contributed = new Set(c.commands.map((x: { command: string }) => x.command));
    for (const m of code.matchAll(/registerCommand\(\s*['"](tuneline\.[\w.]+)['"]/g)) {
      assert.ok(contributed.has(m[1]), `${m[1]} is registered but not contributed in package.json`);
    }
  });

  it('every setting has a type, a default, a localised description and a scope', () => {
    for (const [key, prop] of Object.entries<Record<string, unknown>>(c.configuration.properties)) {
      assert.ok(key.startsWith('tuneline.'), key);
      assert.ok(prop.type, `${key} type`);
      assert.ok('default' in prop, `${key} default`);
      localized(prop.description ?? prop.markdownDescription, `${key} description`);
      assert.ok(prop.scope, `${key} scope`);
      if (Array.isArray(prop.enumDescriptions)) {
        assert.equal(prop.enumDescriptions.length, (prop.enum as unknown[]).length, `${key} enumDescriptions`);
        (prop.enumDescriptions as unknown[]).forEach((d, i) => localized(d, `${key} enumDescriptions[${i}]`));
      }
    }
  });

  it('views, containers, welcome content and walkthrough steps are localised', () => {
    for (const v of c.viewsContainers.activitybar) localized(v.title, `container ${v.id}`);
    for (const [, views] of Object.entries<Array<Record<string, string>>>(c.views)) {
      for (const v of views) localized(v.name, `view ${v.id}`);
    }
    for (const w of c.viewsWelcome) localized(w.contents, `welcome of ${w.view}`);
    for (const w of c.walkthroughs ?? []) {
      localized(w.title, `walkthrough ${w.id}`);
      localized(w.description, `walkthrough ${w.id} description`);
      for (const s of w.steps) {
        localized(s.title, `step ${s.id} title`);
        localized(s.description, `step ${s.id} description`);
        if (s.media?.image) {
          assert.ok(fs.existsSync(path.join(root, s.media.image)), `step ${s.id} picture ${s.media.image} exists`);
          localized(s.media.altText, `step ${s.id} altText`);
        }
      }
    }
  });

  it('tuneline.provider offers every provider adapter, each with a description', () => {
    const p = pkg.contributes.configuration.properties['tuneline.provider'];
    assert.deepEqual([...p.enum].sort(), PROVIDERS.map((x: { id: string }) => x.id).sort());
    assert.equal(p.enumDescriptions.length, p.enum.length);
  });

  it('settings that choose where requests and keys go are restricted in untrusted workspaces', () => {
    const restricted: string[] = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
    for (const key of ['tuneline.provider', 'tuneline.baseUrl', 'tuneline.azure.endpoint', 'tuneline.endpoints', 'tuneline.azure.armEndpoint', 'tuneline.fireworks.account', 'tuneline.bedrock.region']) {
      assert.ok(restricted.includes(key), `${key} is a restricted configuration`);
      assert.ok(c.configuration.properties[key], `${key} is declared`);
    }
  });

  it("every setting's default in package.json is the one the code uses (src/common/defaults.ts)", () => {
    const props = c.configuration.properties as Record<string, { default?: unknown }>;
    assert.deepEqual(Object.keys(props).sort(), Object.keys(SETTING_DEFAULTS).sort());
    for (const [key, value] of Object.entries(SETTING_DEFAULTS)) assert.deepEqual(props[key]?.default, value, `${key} default`);
  });

  it('commands that need a job from the jobs view are hidden from the command palette', () => {
    const palette = new Map<string, string | undefined>((c.menus.commandPalette as Array<{ command: string; when?: string }>).map((m) => [m.command, m.when]));
    for (const id of ['tuneline.jobs.cancel', 'tuneline.jobs.pause', 'tuneline.jobs.resume', 'tuneline.jobs.copyModelId', 'tuneline.jobs.loadMore', 'tuneline.jobs.openResultFile']) {
      assert.equal(palette.get(id), 'false', `${id} is hidden from the command palette`);
    }
  });

  it('menus only reference contributed commands and carry when clauses', () => {
    const contributed = new Set(c.commands.map((x: { command: string }) => x.command));
    for (const [menu, items] of Object.entries<Array<{ command?: string; when?: string }>>(c.menus ?? {})) {
      for (const item of items) {
        if (!item.command) continue;
        assert.ok(contributed.has(item.command), `${menu}: ${item.command} is contributed`);
        if (menu !== 'commandPalette') assert.ok(item.when, `${menu}: ${item.command} has a when clause`);
      }
    }
  });
});
