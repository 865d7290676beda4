import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES, ruleByCode, ruleById } from '../../../src/core/rules';
import { RULES_DOC_PATH, renderRulesDoc } from '../../../scripts/gen-rules-doc';
import { analyze, rangeText } from './helpers';

const REFERENCE = path.join(__dirname, '..', '..', '..', '..', 'shared', 'reference', 'openai-format-rules.md');

describe('rule catalogue', () => {
  it('has unique ids and stable kebab-case codes, and complete entries', () => {
    const ids = new Set<string>();
    const codes = new Set<string>();
    for (const r of RULES) {
      assert.ok(!ids.has(r.id), `duplicate id ${r.id}`);
      assert.ok(!codes.has(r.code), `duplicate code ${r.code}`);
      ids.add(r.id);
      codes.add(r.code);
      assert.match(r.code, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.match(r.id, /^(FILE|SFT|TOOL|IMG|DPO|RFT|GRD|LEG|TOK|JOB|TL)-\d\d$/);
      assert.ok(['error', 'warning', 'info'].includes(r.severity));
      for (const k of ['title', 'description', 'bad', 'good', 'source', 'referenceSeverity'] as const) assert.ok(r[k].length > 0, `${r.id}.${k}`);
      assert.ok(!r.description.includes('\n\n'), `${r.id}: one paragraph`);
      assert.ok(r.appliesTo.length > 0);
      assert.equal(ruleByCode(r.code), r);
      assert.equal(ruleById(r.id), r);
      if (r.referenceSeverity.startsWith('error?')) assert.ok(r.notes && r.notes.length > 0, `${r.id}: error? needs its evidence written down`);
    }
    assert.equal(ruleByCode('nope'), undefined);
  });

  it('covers every rule of the reference with the reference\'s severity (error? -> error)', function () {
    if (!fs.existsSync(REFERENCE)) this.skip();
    const text = fs.readFileSync(REFERENCE, 'utf8');
    const rows = [...text.matchAll(/^\| ((?:FILE|SFT|TOOL|IMG|DPO|RFT|GRD|LEG|TOK|JOB)-\d\d) \|([^\n]*)$/gm)];
    assert.ok(rows.length >= 70, `parsed ${rows.length} reference rows`);
    for (const m of rows) {
      const id = m[1]!;
      const cells = m[2]!.split(/(?<!\\)\|/).map((c) => c.trim());
      // cells: applies to, condition, severity, source, ''
      const sevCell = cells[2]!.replace(/`/g, '');
      const first = /^(error\??|warning|info)/.exec(sevCell)?.[1];
      assert.ok(first, `${id}: cannot read severity ${sevCell}`);
      const rule = ruleById(id);
      assert.ok(rule, `${id} missing from the catalogue`);
      assert.equal(rule.severity, first.replace('?', ''), `${id} severity`);
      assert.ok(sevCell.startsWith(rule.referenceSeverity.split(' (')[0]!.split(' [')[0]!), `${id}: referenceSeverity ${rule.referenceSeverity} vs ${sevCell}`);
    }
  });

  it('every code the rule modules report is in the catalogue', () => {
    const dir = path.join(__dirname, '..', '..', '..', 'src', 'core', 'rules');
    for (const f of ['check.ts', 'grader.ts']) {
      const src = fs.readFileSync(path.join(dir, f), 'utf8');
      const used = [...src.matchAll(/(?:L|this)\.add\(\s*'([a-z0-9-]+)'/g), ...src.matchAll(/(?:: |code: |\? )'([a-z]+(?:-[a-z0-9]+)+)'/g)].map((m) => m[1]!);
      assert.ok(used.length > 10, f);
      for (const code of used) {
        if (/^(missing|invalid|weight|image|unknown|rft|special|wrong|line|no|last|empty|all|deprecated|parallel|arguments|unmatched|undeclared|too|old|identical|preference|string|text|python|score|label|multi|utf8)-/.test(code)) {
          assert.ok(ruleByCode(code), `${f} reports unknown code ${code}`);
        }
      }
    }
  });

  describe('catalogue examples: bad triggers the rule, fixed passes', () => {
    const GRADER = { type: 'string_check', name: 'x', input: '{{ sample.output_text }}', reference: '{{ item.reference_answer }}', operation: 'eq' };
    for (const r of RULES) {
      if (r.scope !== 'line') continue;
      it(`${r.id} ${r.code}`, () => {
        const method = r.id === 'FILE-08' ? 'supervised' : r.appliesTo[0]!;
        const ctx = r.id === 'RFT-05' ? { grader: GRADER } : {};
        const bad = r.id === 'TL-01' ? '\uFEFF' + r.good : r.bad.split('   (')[0]!;
        const good = r.good.split('   (')[0]!;
        const badPs = analyze(bad, method, ctx).problems;
        const hit = badPs.find((p) => p.code === r.code);
        assert.ok(hit, `${r.id} bad example does not trigger ${r.code}: ${badPs.map((p) => p.code).join(', ')}`);
        assert.equal(hit.severity, r.id === 'FILE-09' ? 'error' : r.severity);
        assert.ok(rangeText(bad, hit).length > 0);
        const goodPs = analyze(good, method, ctx).problems;
        assert.deepEqual(goodPs.filter((p) => p.code === r.code || p.severity === 'error').map((p) => p.message), []);
      });
    }
  });

  it('docs/rules.md is up to date with the catalogue (run: npx tsx scripts/gen-rules-doc.ts)', () => {
    const doc = fs.readFileSync(RULES_DOC_PATH, 'utf8');
    assert.equal(doc, renderRulesDoc());
    for (const r of RULES) assert.ok(doc.includes(`\n## ${r.code}\n`), r.code);
  });
});
