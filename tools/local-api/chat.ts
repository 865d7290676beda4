/**
 * Chat completions: base models give a generic reply; a fine-tuned model answers with the assistant reply of the
 * training example whose prompt is nearest to the conversation (token-overlap similarity), so a demo visibly
 * "learned" its data.
 */
import { messageText } from '../../src/core/eval/examples';
import { jsonObjects } from '../../src/core/parse';
import { isObj } from '../../src/core/rules/util';
import type { TrainingPair } from './state';


/** The text of a message's `content` (a string, or the text parts of an array): the engine's own reading. */
export const contentText = messageText;

/** The prompt a conversation ends on: its last user message, else everything it says. */
export function promptOf(messages: readonly unknown[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (isObj(m) && m['role'] === 'user') return contentText(m['content']);
  }
  return messages.map((m) => (isObj(m) ? contentText(m['content']) : '')).join('\n');
}

/** Prompt → reply pairs of a JSONL training file (chat, DPO preferred output, or prompt/completion). Bad lines skipped. */
export function trainingPairs(text: string): TrainingPair[] {
  const pairs: TrainingPair[] = [];
  for (const v of jsonObjects(text)) {
    if (Array.isArray(v['messages'])) {
      const msgs = v['messages'] as unknown[];
      let last = -1;
      for (let i = msgs.length - 1; i >= 0; i--) {
        const m = msgs[i];
        if (isObj(m) && m['role'] === 'assistant' && contentText(m['content']) !== '') {
          last = i;
          break;
        }
      }
      if (last < 0) continue;
      pairs.push({ prompt: promptOf(msgs.slice(0, last)), reply: contentText((msgs[last] as Record<string, unknown>)['content']) });
    } else if (isObj(v['input']) && Array.isArray(v['input']['messages']) && Array.isArray(v['preferred_output'])) {
      const out = (v['preferred_output'] as unknown[]).find((m) => isObj(m) && m['role'] === 'assistant');
      const reply = isObj(out) ? contentText(out['content']) : '';
      if (reply) pairs.push({ prompt: promptOf(v['input']['messages'] as unknown[]), reply });
    } else if (typeof v['prompt'] === 'string' && typeof v['completion'] === 'string') {
      pairs.push({ prompt: v['prompt'], reply: v['completion'].trim() });
    }
  }
  return pairs;
}

export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Jaccard overlap of the two texts' word sets, in [0, 1]. */
export function similarity(a: string, b: string): number {
  const A = new Set(tokenize(a));
  const B = new Set(tokenize(b));
  if (A.size === 0 || B.size === 0) return 0;
  let common = 0;
  for (const t of A) if (B.has(t)) common++;
  return common / (A.size + B.size - common);
}

/** The pair whose prompt is nearest to `prompt` (the first one on ties), or undefined when there are none. */
export function nearest(pairs: readonly TrainingPair[], prompt: string): TrainingPair | undefined {
  let best: TrainingPair | undefined;
  let bestScore = -1;
  for (const p of pairs) {
    const s = similarity(p.prompt, prompt);
    if (s > bestScore) {
      best = p;
      bestScore = s;
    }
  }
  return best;
}

export function genericReply(model: string, prompt: string): string {
  const said = prompt.length > 80 ? `${prompt.slice(0, 77)}...` : prompt;
  return (
    `Hello! This is ${model} on Tuneline's local stand-in API, which does not run a real model. ` +
    `Fine-tune a model on your dataset and chat with it to see answers that come from your training data.` +
    (said ? ` (You said: "${said}")` : '')
  );
}

/** A rough token count (about 4 characters a token), at least 1 for non-empty text. */
export function roughTokens(text: string): number {
  return text === '' ? 0 : Math.max(1, Math.ceil(text.length / 4));
}

/** Splits a reply into stream deltas: words with their following whitespace. */
export function streamPieces(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}
