/**
 * The line check of a service whose dataset format is not OpenAI's (Bedrock Mantle RFT: chat `messages` plus
 * `reference_answer`, rft-prepare-data-open-weight.html), in the shape `checkTrainingFile` returns: the first bad line
 * is reported as "Example N" (non-blank lines, 1-based).
 */
import type { TrainingFileCheck } from './validation';

export function checkOwnFormat(text: string, requiredFields: readonly string[]): TrainingFileCheck {
  const lines = text.split(/\r?\n/);
  let examples = 0;
  let firstError: TrainingFileCheck['firstError'];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    examples++;
    if (firstError) return;
    let reason: string | undefined;
    let o: Record<string, unknown> | undefined;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch {
      reason = 'the line is not valid JSON';
    }
    if (o) {
      const msgs = o['messages'];
      if (!Array.isArray(msgs) || msgs.length === 0) reason = 'missing "messages"';
      else if (msgs.some((m: { role?: unknown }) => m.role !== 'system' && m.role !== 'user' && m.role !== 'assistant')) reason = 'a message has an unknown role';
      else {
        const missing = requiredFields.find((f) => o[f] === undefined || o[f] === null || o[f] === '');
        if (missing) reason = `missing "${missing}"`;
      }
    }
    if (reason) firstError = { line: i, example: examples, code: 'invalid_example', message: `Example ${examples}: ${reason}` };
  });
  return firstError ? { examples, firstError } : { examples };
}
