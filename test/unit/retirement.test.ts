import { strict as assert } from 'node:assert';
import {
  AZURE_MODELS,
  NO_DATE_ANNOUNCED,
  OPENAI_WIND_DOWN,
  PROVIDERS,
  RETIREMENT_WARNING_DAYS,
  daysLeft,
  retirementLine,
  type Retirement,
} from '../../src/api/providers';
import { main, modelRetirementLine, type CliIo } from '../../src/cli/main';

const ISO = /^\d{4}-\d{2}-\d{2}$/;
const at = (iso: string): Date => new Date(`${iso}T12:00:00Z`);
const src = { url: 'https://example.test/deprecations', read: '2026-12-03' };

describe('retirement dates (issue 18)', () => {
  describe('catalogue', () => {
    const entries = PROVIDERS.flatMap((p) => p.capabilities.models.map((m) => ({ p, m })));

    it('covers every tunable model of every adapter', () => {
      assert.ok(entries.length >= 20, `only ${entries.length} entries`);
    });

    for (const { p, m } of entries) {
      it(`${p.id} ${m.id}: both dates or "no date announced", with a source`, () => {
        const r = m.retirement;
        assert.ok(r, 'no retirement entry');
        for (const kind of ['training', 'serving'] as const) {
          const date = r[kind];
          const none = r.noDate?.includes(kind) === true;
          assert.ok(date !== undefined || none, `${kind}: neither a date nor "no date announced"`);
          assert.ok(!(date !== undefined && none), `${kind}: both a date and "no date announced"`);
          if (date !== undefined) assert.match(date, ISO);
        }
        assert.match(r.source.url, /^https:\/\//);
        assert.match(r.source.read, ISO);
      });
    }

    it('has the dates of OpenAI\'s deprecations page', () => {
      const openai = PROVIDERS.find((p) => p.id === 'openai')!;
      for (const id of ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini']) {
        const r = openai.model(id)?.retirement;
        assert.deepEqual([r?.training, r?.serving], ['2027-01-06', '2027-01-14'], id);
      }
      for (const id of ['gpt-4.1-nano', 'o4-mini']) {
        const r = openai.model(id)?.retirement;
        assert.deepEqual([r?.training, r?.serving], ['2026-10-23', '2026-10-23'], id);
      }
      assert.equal(openai.model('ft:gpt-4.1-mini-2025-04-14:org::abc')?.retirement?.serving, OPENAI_WIND_DOWN.gpt4oAnd41Serving);
    });

    it('gives Azure\'s gpt-4.x fine-tunes "no earlier than" dates and its other models none', () => {
      for (const m of AZURE_MODELS) {
        const r = m.retirement!;
        if (/^gpt-4/.test(m.id)) assert.deepEqual([r.training, r.serving, r.noEarlierThan], ['2027-04-01', '2027-10-01', true], m.id);
        else assert.deepEqual(r.noDate, ['training', 'serving'], m.id);
      }
    });
  });

  describe('daysLeft', () => {
    const both: Retirement = { training: '2027-01-06', serving: '2027-01-14', source: src };

    it('is the nearest coming date, then the next once it has passed', () => {
      assert.deepEqual(daysLeft(both, at('2026-12-03')), { kind: 'training', date: '2027-01-06', days: 34, warning: false });
      assert.deepEqual(daysLeft(both, at('2027-01-05')), { kind: 'training', date: '2027-01-06', days: 1, warning: true });
      assert.deepEqual(daysLeft(both, at('2027-01-06')), { kind: 'serving', date: '2027-01-14', days: 8, warning: true });
      assert.equal(daysLeft(both, at('2027-01-14')), undefined);
    });

    it('warns inside 30 days: 30 is inside, 31 is not', () => {
      assert.equal(RETIREMENT_WARNING_DAYS, 30);
      const r: Retirement = { serving: '2027-02-01', noDate: ['training'], source: src };
      assert.deepEqual(daysLeft(r, at('2027-01-01')), { kind: 'serving', date: '2027-02-01', days: 31, warning: false });
      assert.deepEqual(daysLeft(r, at('2027-01-02')), { kind: 'serving', date: '2027-02-01', days: 30, warning: true });
    });

    it('counts UTC days whatever the time of day', () => {
      assert.equal(daysLeft(both, new Date('2026-12-03T00:00:00Z'))?.days, 34);
      assert.equal(daysLeft(both, new Date('2026-12-03T23:59:59Z'))?.days, 34);
    });

    it('picks serving when it comes before training', () => {
      const r: Retirement = { training: '2027-03-01', serving: '2027-02-01', source: src };
      assert.equal(daysLeft(r, at('2027-01-01'))?.kind, 'serving');
    });

    it('is undefined when no date is announced', () => {
      assert.equal(daysLeft({ noDate: ['training', 'serving'], source: src }, at('2026-12-03')), undefined);
      assert.equal(daysLeft(undefined, at('2026-12-03')), undefined);
    });
  });

  describe('the line', () => {
    it('says each date with its days, ended dates, and "no date announced"', () => {
      assert.equal(
        retirementLine('gpt-4.1-mini', 'OpenAI', { training: '2027-01-06', serving: '2027-01-14', source: src }, at('2026-12-03')),
        'gpt-4.1-mini on OpenAI: new jobs until 2027-01-06 (34 days), serving until 2027-01-14 (42 days)',
      );
      assert.equal(
        retirementLine('m', 'X', { training: '2027-01-06', serving: '2027-01-14', source: src }, at('2027-01-13')),
        'm on X: new jobs ended 2027-01-06, serving until 2027-01-14 (1 day, under 30 days)',
      );
      assert.equal(retirementLine('m', 'X', { noDate: ['training', 'serving'], source: src }, at('2027-01-13')), `m on X: new jobs: ${NO_DATE_ANNOUNCED}, serving: ${NO_DATE_ANNOUNCED}`);
      assert.equal(
        retirementLine('gpt-4o', 'Azure', { training: '2027-04-01', serving: '2027-10-01', noEarlierThan: true, source: src }, at('2026-12-03')),
        'gpt-4o on Azure: new jobs until no earlier than 2027-04-01 (119 days), serving until no earlier than 2027-10-01 (302 days)',
      );
    });

    it('names a model outside the table', () => {
      assert.match(modelRetirementLine('openai', 'my-model', at('2026-12-03')), /^my-model on OpenAI: not in Tuneline's model table/);
    });

    it('is printed by `tuneline validate --model` on a driven clock', async () => {
      let out = '';
      let err = '';
      const io: CliIo = {
        stdout: { write: (s: string) => (out += s) },
        stderr: { write: (s: string) => (err += s) },
        cwd: __dirname,
        now: () => at('2026-12-03'),
      };
      await main(['validate', 'no-such-file.jsonl', '--model', 'gpt-4.1-mini', '--no-tokens'], io);
      assert.equal(out.split('\n')[0], 'gpt-4.1-mini on OpenAI: new jobs until 2027-01-06 (34 days), serving until 2027-01-14 (42 days)');
      out = '';
      err = '';
      await main(['validate', 'no-such-file.jsonl', '--provider', 'azure', '--model', 'gpt-4.1-nano', '--format', 'json', '--no-tokens'], io);
      assert.match(err, /^gpt-4\.1-nano on Azure[^:]*: new jobs until no earlier than 2027-04-01 \(119 days\)/);
      assert.doesNotMatch(out, /new jobs/);
    });
  });
});
