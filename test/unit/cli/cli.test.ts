import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { main, type CliIo } from '../../../src/cli/main';
import { RULES } from '../../../src/core';
import { chat, comp } from '../dataset/fixtures';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tuneline-cli-'));
function file(name: string, lines: readonly string[]): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

async function run(argv: string[], tty = false): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s), isTTY: tty, columns: 80 },
    cwd: dir,
  };
  const code = await main(argv, io);
  return { code, out, err };
}

const good = Array.from({ length: 60 }, (_, i) => chat(i));
const bad = [...Array.from({ length: 12 }, (_, i) => chat(i)), '{"messages": [', comp(1), chat(0)];

describe('tuneline CLI', () => {
  before(() => {
    file('good.jsonl', good);
    file('bad.jsonl', bad);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('exit 0 and a summary for a clean file', async () => {
    const r = await run(['validate', 'good.jsonl', '--no-tokens']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^good\.jsonl: 60 examples; method supervised \(inferred\); model gpt-4\.1-mini-2025-04-14; 0 errors, 0 warnings, 0 info; ~[\d,]+ tokens/m);
    assert.match(r.out, /estimated cost \$[\d.]+ \(prices of 2025-11-30\)/);
    assert.equal(r.err, '');
  });

  it('exit 1 with file:line:col: severity code message lines (1-based)', async () => {
    const r = await run(['validate', 'bad.jsonl', '--no-tokens']);
    assert.equal(r.code, 1);
    const lines = r.out.trim().split('\n');
    assert.ok(lines.some((l) => /^bad\.jsonl:13:\d+: error invalid-json Example 13 cannot be parsed/.test(l)), r.out);
    assert.ok(lines.some((l) => /^bad\.jsonl:14:2: error wrong-format Example 14\b/.test(l)), r.out);
    assert.ok(lines.some((l) => /^bad\.jsonl:15:1: warning duplicate-example .*line 1\b/.test(l)), r.out);
    assert.ok(lines.some((l) => /^bad\.jsonl: error wrong-format /.test(l)), 'file-level problem has no line');
    assert.match(lines[lines.length - 1]!, /^bad\.jsonl: 15 examples; .*; \d+ errors, \d+ warnings/);
  });

  it('json output has the documented shape, 1-based, file-level problems without line', async () => {
    const r = await run(['validate', 'bad.jsonl', 'good.jsonl', '--format', 'json', '--no-tokens']);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.out) as { files: Array<Record<string, unknown>> };
    assert.equal(j.files.length, 2);
    const f = j.files[0]!;
    assert.deepEqual(Object.keys(f).sort(), ['estimatedCost', 'examples', 'method', 'model', 'path', 'problems', 'tokens']);
    assert.equal(f.path, 'bad.jsonl');
    assert.equal(f.examples, 15);
    const ps = f.problems as Array<Record<string, unknown>>;
    for (const p of ps) {
      assert.ok(['error', 'warning', 'info'].includes(p.severity as string));
      if (p.line === undefined) {
        assert.deepEqual(Object.keys(p).sort(), ['code', 'message', 'severity']);
      } else {
        assert.deepEqual(Object.keys(p).sort(), ['code', 'column', 'endColumn', 'endLine', 'line', 'message', 'severity']);
        assert.ok((p.line as number) >= 1 && (p.column as number) >= 1 && (p.endColumn as number) >= (p.column as number));
      }
    }
    const dup = ps.find((p) => p.code === 'duplicate-example')!;
    assert.equal(dup.line, 15);
    assert.equal(dup.column, 1);
  });

  it('sarif output passes the SARIF 2.1.0 schema check and carries rule help', async () => {
    const r = await run(['validate', 'bad.jsonl', '--format', 'sarif', '--no-tokens']);
    assert.equal(r.code, 1);
    const log: any = JSON.parse(r.out);
    const schema = JSON.parse(fs.readFileSync(path.join(__dirname, 'sarif-2.1.0.subset.json'), 'utf8'));
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const valid: boolean = validate(structuredClone(log));
    assert.ok(valid, JSON.stringify(validate.errors, null, 1));
    const run0 = log.runs[0];
    const rules = run0.tool.driver.rules as Array<{ id: string; help: { text: string }; helpUri: string }>;
    for (const rule of rules) {
      assert.ok(rule.help.text.length > 20);
      assert.equal(rule.helpUri, `https://github.com/tuneline/tuneline/blob/main/docs/rules.md#${rule.id}`);
    }
    assert.ok(rules.length >= RULES.filter((x) => x.scope === 'line').length);
    assert.ok(run0.results.length > 0);
    for (const res of run0.results) {
      assert.equal(rules[res.ruleIndex]!.id, res.ruleId);
      assert.equal(res.locations[0].physicalLocation.artifactLocation.uri, 'bad.jsonl');
      assert.ok(res.locations[0].physicalLocation.region.startLine >= 1);
    }
    // A broken log must fail the same check (the schema is not vacuous).
    const broken: any = structuredClone(log);
    broken.runs[0].results[0].level = 'fatal';
    assert.equal(validate(structuredClone(broken)), false);
    delete broken.runs[0].results[0].level;
    broken.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    assert.equal(validate(structuredClone(broken)), false);
  });

  it('exit 2 with a one-line message, never a stack trace, for a missing file', async () => {
    const r = await run(['validate', 'missing.jsonl']);
    assert.equal(r.code, 2);
    assert.equal(r.err, 'tuneline: cannot read missing.jsonl: no such file\n');
    assert.doesNotMatch(r.err, /\n\s+at /);
    const both = await run(['validate', 'good.jsonl', 'missing.jsonl', '--no-tokens']);
    assert.equal(both.code, 2);
    assert.match(both.out, /^good\.jsonl: 60 examples/m);
  });

  it('exit 2 on bad usage', async () => {
    for (const argv of [[], ['validate'], ['validate', 'x', '--method', 'foo'], ['validate', 'x', '--format', 'xml'], ['validate', 'x', '--bogus'], ['frobnicate'], ['validate', 'x', '--max-problems', '-1']]) {
      const r = await run(argv);
      assert.equal(r.code, 2, argv.join(' '));
      if (argv.length) assert.match(r.err, /^tuneline: .+\nRun "tuneline --help" for usage\.\n$/);
    }
  });

  it('--help and --version', async () => {
    const h = await run(['--help']);
    assert.equal(h.code, 0);
    assert.match(h.out, /Usage: tuneline validate FILE\.\.\./);
    const v = await run(['--version']);
    assert.equal(v.code, 0);
    assert.match(v.out, /^\d+\.\d+\.\d+\n$/);
  });

  it('--max-problems, --method and --model', async () => {
    const r = await run(['validate', 'bad.jsonl', '--no-tokens', '--max-problems', '2', '--format', 'json']);
    assert.equal(JSON.parse(r.out).files[0].problems.length, 2);
    const m = await run(['validate', 'good.jsonl', '--no-tokens', '--method', 'dpo', '--model', 'gpt-4o-mini', '--format', 'json']);
    const f = JSON.parse(m.out).files[0];
    assert.equal(f.method, 'dpo');
    assert.equal(f.model, 'gpt-4o-mini-2024-07-18');
    assert.equal(m.code, 1);
  });

  it('--provider judges the file by that service\'s profile and says so; a bad name is a usage error', async () => {
    const five = file('five.jsonl', good.slice(0, 5));
    const o = await run(['validate', five, '--no-tokens']);
    assert.equal(o.code, 1);
    assert.match(o.out, /error too-few-examples .*at least 10/);
    assert.doesNotMatch(o.out, /checked against/);
    const f = await run(['validate', five, '--no-tokens', '--provider', 'fireworks', '--model', 'accounts/fireworks/models/qwen3-8b']);
    assert.equal(f.code, 0, f.out);
    assert.match(f.out, /; checked against Fireworks AI · accounts\/fireworks\/models\/qwen3-8b \(token counts are estimates\);/);
    const j = await run(['validate', five, '--no-tokens', '--provider', 'azure', '--format', 'json']);
    assert.equal(JSON.parse(j.out).files[0].profile.label, 'Azure AI Foundry · gpt-4.1-mini-2025-04-14');
    const bad = await run(['validate', five, '--provider', 'nope']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--provider must be one of openai, azure, together, fireworks, nebius, bedrock-mantle/);
  });

  it('progress goes to stderr only on a TTY', async () => {
    const big = file('big.jsonl', Array.from({ length: 30000 }, (_, i) => chat(i)));
    const plain = await run(['validate', big, '--no-tokens']);
    assert.equal(plain.err, '');
    const tty = await run(['validate', big, '--no-tokens'], true);
    assert.doesNotMatch(tty.out, /\r|\[#/);
    assert.equal(tty.code, 0);
  });

  it('exact tokens by default (workers)', async function () {
    this.timeout(60000);
    const r = await run(['validate', 'good.jsonl', '--format', 'json']);
    assert.equal(r.code, 0, r.err);
    const t = JSON.parse(r.out).files[0].tokens;
    assert.equal(t.exact, true);
    assert.ok(t.total > 60 * 10);
  });

  it('the reference examples give the severities the reference states', async () => {
    // Bad examples from the catalogue (which quotes the reference), each embedded in an otherwise valid file of 60 lines.
    const cases: Array<[string, string, string]> = [
      ['{"messages": [', 'invalid-json', 'error'],
      ['[1,2,3]', 'line-not-object', 'error'],
      [JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Yo' }], weight: 1 }), 'unknown-top-level-key', 'error'],
      [JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Yo', weight: 0.5 }] }), 'weight-not-binary', 'error'],
      [JSON.stringify({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Yo' }, { role: 'user', content: 'More?' }] }), 'last-message-not-assistant', 'warning'],
    ];
    for (const [line, code, severity] of cases) {
      const rule = RULES.find((r) => r.code === code);
      assert.ok(rule, `${code} is in the catalogue`);
      assert.equal(rule.severity, severity, `catalogue severity of ${code}`);
      const f = file(`ref-${code}.jsonl`, [...good, line]);
      const r = await run(['validate', f, '--no-tokens', '--format', 'json']);
      const ps = JSON.parse(r.out).files[0].problems as Array<{ code: string; severity: string; line?: number }>;
      const hit = ps.find((p) => p.code === code && p.line === 61);
      assert.ok(hit, `${code} on line 61: ${JSON.stringify(ps)}`);
      assert.equal(hit.severity, severity, code);
      assert.equal(r.code, severity === 'error' ? 1 : 0);
    }
    // File-level: fewer than 10 examples is an error, fewer than 50 a warning.
    const few = await run(['validate', file('few.jsonl', good.slice(0, 3)), '--no-tokens', '--format', 'json']);
    assert.deepEqual(JSON.parse(few.out).files[0].problems.map((p: { code: string; severity: string }) => [p.code, p.severity]), [['too-few-examples', 'error']]);
    const some = await run(['validate', file('some.jsonl', good.slice(0, 20)), '--no-tokens', '--format', 'json']);
    assert.deepEqual(JSON.parse(some.out).files[0].problems.map((p: { code: string; severity: string }) => [p.code, p.severity]), [['few-examples', 'warning']]);
    assert.equal(some.code, 0);
  });
});
