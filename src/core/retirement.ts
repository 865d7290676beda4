/**
 * The one place of the retirement dates Tuneline knows (issue 18): the OpenAI adapter (src/api/providers/openai.ts),
 * the Azure adapter (azure.ts), the dataset profiles (profiles/catalog.ts) and the rule texts read them from here, so
 * that no date is written twice. Pure data: the sources and the "days left" arithmetic stay with the adapters
 * (src/api/providers/retirement.ts).
 *
 * Sources (read 2026-12-03):
 * - OpenAI: https://developers.openai.com/api/docs/deprecations — the self-serve fine-tuning wind-down (also
 *   reference/openai-format-rules.md S10/S13 and issues 16/18).
 * - Azure: https://learn.microsoft.com/azure/ai-foundry/openai/concepts/model-retirements — "Fine-tuned models retire
 *   in two phases: training and deployment"; the gpt-4.x fine-tunes of existing customers train until no earlier than
 *   April 2027 and serve until no earlier than October 2027 (month precision: the 1st of the month).
 */

/** OpenAI's wind-down steps (ISO dates, 00:00 UTC). */
export const OPENAI_DATES = {
  /** Organisations that never fine-tuned were refused new jobs from this date. */
  neverFineTunedRefused: '2026-05-07',
  /** Organisations without fine-tuned-model inference in the past 60 days were refused from this date. */
  inactiveRefused: '2026-07-02',
  /** No new fine-tuning jobs for anyone. */
  noNewJobs: '2027-01-06',
  /** gpt-4o, gpt-4o-mini, gpt-4.1, gpt-4.1-mini and every fine-tune on them stop serving. */
  gpt4oAnd41Serving: '2027-01-14',
  /** gpt-4.1-nano, o4-mini and their fine-tunes stopped serving (and training). */
  nanoAndO4MiniServing: '2026-10-23',
} as const;

/** Catalogue ids (src/core/models.ts) that stop serving on `OPENAI_DATES.gpt4oAnd41Serving`. */
export const OPENAI_SERVING_2027_01 = ['gpt-4o-2024-08-06', 'gpt-4o-mini-2024-07-18', 'gpt-4.1-2025-04-14', 'gpt-4.1-mini-2025-04-14'] as const;
/** Catalogue ids that stopped on `OPENAI_DATES.nanoAndO4MiniServing`. */
export const OPENAI_STOPPED_2026_10 = ['gpt-4.1-nano-2025-04-14', 'o4-mini-2025-04-16'] as const;

/** The two dates of a model; `serving` undefined: no serving date announced. */
export interface RetirementDates {
  readonly training: string;
  readonly serving?: string;
}

/** OpenAI's dates for a catalogue id: every model stops training on `noNewJobs`; some have a serving date. */
export function openaiDates(catalogueId: string): RetirementDates {
  const d = OPENAI_DATES;
  if ((OPENAI_STOPPED_2026_10 as readonly string[]).includes(catalogueId)) return { training: d.nanoAndO4MiniServing, serving: d.nanoAndO4MiniServing };
  if ((OPENAI_SERVING_2027_01 as readonly string[]).includes(catalogueId)) return { training: d.noNewJobs, serving: d.gpt4oAnd41Serving };
  return { training: d.noNewJobs };
}

/** Azure's gpt-4.x fine-tunes (existing customers): both dates are "no earlier than" (month precision). */
export const AZURE_GPT4X_FINE_TUNE_DATES = { training: '2027-04-01', serving: '2027-10-01', noEarlierThan: true } as const;

/** "from 2026-05-07 no new jobs for organisations that never fine-tuned, …" (rule texts, notes). */
export function openaiWindDownSteps(): string {
  const d = OPENAI_DATES;
  return `from ${d.neverFineTunedRefused} no new jobs for organisations that never fine-tuned, from ${d.inactiveRefused} none without recent fine-tuned-model use, from ${d.noNewJobs} no new jobs for anyone`;
}
