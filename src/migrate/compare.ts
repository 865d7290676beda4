/**
 * The comparison of a new model with a kept baseline (issue 18), pure: both runs' rows paired by dataset line, each
 * example judged better, worse or the same for the new model, the mean scores side by side (the scorers of
 * src/core/eval), and notes where the runs differ in more than the model (settings, examples one side lacks).
 */
import { messageText, type EvalMessage, type EvalRow } from '../core/eval';
import type { CompareExampleView, CompareReplyView, CompareSideView, CompareVerdict, CompareView } from '../common/protocol/compare';
import type { ParsedBaseline } from './baseline';
import { baselineExamples } from './baseline';

/** The text of the last user turn (what the example asks). */
export function promptOf(messages: readonly EvalMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'user') return messageText(messages[i]!.content);
  return '';
}

/** Differences below this are the same score (float noise). */
const EPS = 1e-9;

/**
 * better / worse / same for the candidate: a normalised match gained or lost decides; otherwise the token F1
 * (then the JSON keys share, when the reference is JSON); an error counts as a score of 0.
 */
export function verdict(before: EvalRow | undefined, after: EvalRow | undefined): CompareVerdict {
  if (!before || !after) return 'missing';
  const score = (r: EvalRow) => (r.error !== undefined ? { n: 0, f1: 0, json: 0 } : { n: r.scores.normalized, f1: r.scores.f1, json: r.scores.jsonKeys ?? 0 });
  const a = score(before);
  const b = score(after);
  for (const k of ['n', 'f1', 'json'] as const) {
    const d = b[k] - a[k];
    if (d > EPS) return 'better';
    if (d < -EPS) return 'worse';
  }
  return 'same';
}

function reply(r: EvalRow | undefined): CompareReplyView | null {
  if (!r) return null;
  return { reply: r.reply, scores: r.scores, ...(r.error !== undefined ? { error: r.error } : {}) };
}

function side(b: ParsedBaseline, file: string): CompareSideView {
  const model = b.info.model;
  const m = b.summary.models.find((x) => x.model === model);
  return {
    model,
    provider: b.info.provider,
    recordedAt: b.info.recordedAt,
    temperature: b.info.settings.temperature,
    file,
    scored: m?.scored ?? 0,
    errors: m?.errors ?? 0,
    means: m?.means ?? {},
  };
}

/** Rows of one model by dataset line (the first row per line). */
function byLine(b: ParsedBaseline): Map<number, EvalRow> {
  const out = new Map<number, EvalRow>();
  for (const r of b.rows) if (r.model === b.info.model && !out.has(r.line)) out.set(r.line, r);
  return out;
}

/** The comparison view of a candidate run against a baseline (both results files, parsed). Linear in the rows. */
export function compareRuns(baseline: ParsedBaseline, candidate: ParsedBaseline, files: { baseline: string; candidate: string }): CompareView {
  const before = byLine(baseline);
  const after = byLine(candidate);
  const prompts = new Map(baselineExamples(baseline).map((e) => [e.line, promptOf(e.messages)]));
  const lines = [...new Set([...before.keys(), ...after.keys()])].sort((a, b) => a - b);
  const counts: Record<CompareVerdict, number> = { better: 0, worse: 0, same: 0, missing: 0 };
  const notes: string[] = [];
  let changedReference = 0;
  const examples: CompareExampleView[] = lines.map((line) => {
    const a = before.get(line);
    const b = after.get(line);
    if (a && b && a.reference !== b.reference) changedReference++;
    const v = verdict(a, b);
    counts[v]++;
    const deltaF1 = a && b ? (b.error !== undefined ? 0 : b.scores.f1) - (a.error !== undefined ? 0 : a.scores.f1) : undefined;
    return {
      line,
      example: (a ?? b)!.example,
      prompt: prompts.get(line) ?? '',
      reference: (a ?? b)!.reference,
      baseline: reply(a),
      candidate: reply(b),
      ...(deltaF1 !== undefined ? { deltaF1 } : {}),
      verdict: v,
    };
  });
  const bs = side(baseline, files.baseline);
  const cs = side(candidate, files.candidate);
  if (bs.temperature !== cs.temperature) notes.push(`The runs used different temperatures (baseline ${bs.temperature}, new model ${cs.temperature}).`);
  if (counts.missing) notes.push(`${counts.missing} example(s) have a reply from only one of the two models; they are not judged.`);
  if (changedReference) notes.push(`${changedReference} example(s) have a different reference answer in the two files: they were not run on the same data.`);
  return {
    title: `${cs.model} vs baseline ${bs.model}`,
    baseline: bs,
    candidate: cs,
    counts,
    examples,
    notes,
  };
}
