/**
 * Retirement dates of a model (issue 18): days left to the nearest coming date and the plain-words line the CLI (and
 * later the views) show. Pure: the clock is a parameter.
 */
import { NO_DATE_ANNOUNCED, type Retirement, type RetirementKind, type Source } from './types';

/** Inside this many days a retirement is a warning (issue 18: "warning colour inside 30 days"). */
export const RETIREMENT_WARNING_DAYS = 30;

const DAY_MS = 86_400_000;

/** An entry whose source announces neither date. */
export function noDateAnnounced(source: Source): Retirement {
  return { noDate: ['training', 'serving'], source };
}

export interface DaysLeft {
  /** The nearest date still to come. */
  readonly kind: RetirementKind;
  readonly date: string;
  /** Whole days from `now`'s UTC day to the date (at least 1: from its own day on, a date is past). */
  readonly days: number;
  /** `days <= RETIREMENT_WARNING_DAYS`. */
  readonly warning: boolean;
}

/** Days from the UTC day of `now` to `iso` (a date at 00:00 UTC). */
function daysTo(iso: string, now: Date): number {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Math.round((Date.parse(`${iso}T00:00:00Z`) - today) / DAY_MS);
}

/**
 * The nearest retirement date still to come (a date is past from its own day on), or `undefined` when none is
 * announced or all have passed. Ties go to training (it comes first in what a user loses).
 */
export function daysLeft(retirement: Retirement | undefined, now: Date): DaysLeft | undefined {
  let best: DaysLeft | undefined;
  for (const kind of ['training', 'serving'] as const) {
    const date = retirement?.[kind];
    if (date === undefined) continue;
    const days = daysTo(date, now);
    if (days <= 0 || (best && best.days <= days)) continue;
    best = { kind, date, days, warning: days <= RETIREMENT_WARNING_DAYS };
  }
  return best;
}

function part(r: Retirement, kind: RetirementKind, now: Date): string {
  const label = kind === 'training' ? 'new jobs' : 'serving';
  const date = r[kind];
  if (date === undefined) return `${label}: ${NO_DATE_ANNOUNCED}`;
  const days = daysTo(date, now);
  const when = r.noEarlierThan ? `no earlier than ${date}` : date;
  if (days <= 0) return kind === 'training' ? `new jobs ended ${when}` : `serving ended ${when}`;
  return `${label} until ${when} (${days} day${days === 1 ? '' : 's'}${days <= RETIREMENT_WARNING_DAYS ? `, under ${RETIREMENT_WARNING_DAYS} days` : ''})`;
}

/** "gpt-4.1-mini on OpenAI: new jobs until <date> (34 days), serving until <date> (42 days)" (the dates: src/core/retirement.ts). */
export function retirementLine(model: string, provider: string, retirement: Retirement | undefined, now: Date): string {
  if (!retirement) return `${model} on ${provider}: retirement ${NO_DATE_ANNOUNCED}`;
  return `${model} on ${provider}: ${part(retirement, 'training', now)}, ${part(retirement, 'serving', now)}`;
}

/** How a view marks a model (issue 18): `warning` inside `RETIREMENT_WARNING_DAYS`, `past` once every date passed. */
export type RetirementLevel = 'none' | 'ok' | 'warning' | 'past';

export interface RetirementMark {
  readonly level: RetirementLevel;
  /** "12 days left" / "retired" / "" (no date announced): the tree's description, the pages' badge. */
  readonly short: string;
  /** "serving ends 2027-01-14 (12 days left)": tooltips, the pages' title. */
  readonly long: string;
}

/** The mark of a model's dates at `now`. */
export function retirementMark(retirement: Retirement | undefined, now: Date): RetirementMark {
  const dates = (['training', 'serving'] as const).filter((k) => retirement?.[k] !== undefined);
  if (!retirement || dates.length === 0) return { level: 'none', short: '', long: `retirement: ${NO_DATE_ANNOUNCED}` };
  const left = daysLeft(retirement, now);
  const soft = retirement.noEarlierThan ? 'no earlier than ' : '';
  if (!left) {
    const last = dates.map((k) => retirement[k]!).sort().at(-1)!;
    const servingPast = retirement.serving !== undefined;
    return { level: 'past', short: servingPast ? 'retired' : 'no new jobs', long: servingPast ? `serving ended ${soft}${retirement.serving}` : `new jobs ended ${soft}${last}` };
  }
  const what = left.kind === 'training' ? 'new jobs end' : 'serving ends';
  const days = `${left.days} day${left.days === 1 ? '' : 's'} left`;
  return { level: left.warning ? 'warning' : 'ok', short: days, long: `${what} ${soft}${left.date} (${days})` };
}
