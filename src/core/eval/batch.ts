/**
 * Batch API input and output (JSON Lines). Input: one request per example and model,
 * `{ custom_id, method: "POST", url: "/v1/chat/completions", body }`. Output: `{ id, custom_id, response: {
 * status_code, request_id, body }, error }` per request, in any order; the error file has the failed ones.
 */
import type { EvalExample } from './examples';
import { jsonObjects } from '../parse';
import { isObj } from '../rules/util';

export interface BatchRequestBody {
  readonly model: string;
  readonly messages: readonly unknown[];
  readonly temperature: number;
  readonly max_completion_tokens?: number;
}

export interface ChatParams {
  readonly temperature: number;
  readonly maxCompletionTokens?: number;
}

/** The custom id of (model index, dataset line): `m0-l12`. */
export function customId(modelIndex: number, line: number): string {
  return `m${modelIndex}-l${line}`;
}

export function parseCustomId(id: string): { modelIndex: number; line: number } | undefined {
  const m = /^m(\d+)-l(\d+)$/.exec(id);
  return m ? { modelIndex: Number(m[1]), line: Number(m[2]) } : undefined;
}

/**
 * The request body for one example: the same request the live run sends (model, messages, temperature; the example's
 * `tools` are not sent, as the live client's chat call takes none, so both modes ask the same question).
 */
export function chatBody(model: string, example: EvalExample, params: ChatParams): BatchRequestBody {
  return {
    model,
    messages: example.messages,
    temperature: params.temperature,
    ...(params.maxCompletionTokens !== undefined ? { max_completion_tokens: params.maxCompletionTokens } : {}),
  };
}

/** The batch input file: every example for every model. `deployment` maps a model to what goes in `body.model`. */
export function buildBatchInput(
  examples: readonly EvalExample[],
  models: readonly string[],
  params: ChatParams,
  deployment: (model: string) => string = (m) => m,
  url = '/v1/chat/completions',
): string {
  let out = '';
  models.forEach((model, mi) => {
    for (const ex of examples) {
      out += `${JSON.stringify({ custom_id: customId(mi, ex.line), method: 'POST', url, body: chatBody(deployment(model), ex, params) })}\n`;
    }
  });
  return out;
}

export interface BatchOutcome {
  readonly customId: string;
  readonly reply?: string;
  readonly usage?: { readonly prompt: number; readonly completion: number };
  readonly finishReason?: string;
  readonly error?: string;
}


function replyText(body: Record<string, unknown>): { reply: string; finish?: string } | undefined {
  const choices = body['choices'];
  if (!Array.isArray(choices) || !isObj(choices[0])) return undefined;
  const msg = choices[0]['message'];
  const finish = typeof choices[0]['finish_reason'] === 'string' ? (choices[0]['finish_reason'] as string) : undefined;
  if (!isObj(msg)) return undefined;
  const c = msg['content'];
  const reply = typeof c === 'string' ? c : c === null || c === undefined ? '' : JSON.stringify(c);
  return { reply, ...(finish ? { finish } : {}) };
}

/** Parses an output or error file. Lines that are not JSON are ignored. */
export function parseBatchOutput(text: string): BatchOutcome[] {
  const out: BatchOutcome[] = [];
  for (const v of jsonObjects(text)) {
    if (typeof v['custom_id'] !== 'string') continue;
    const id = v['custom_id'];
    const response = isObj(v['response']) ? v['response'] : undefined;
    const error = isObj(v['error']) ? v['error'] : undefined;
    const status = typeof response?.['status_code'] === 'number' ? (response['status_code'] as number) : undefined;
    const body = isObj(response?.['body']) ? (response['body'] as Record<string, unknown>) : undefined;
    if (error || !body || (status !== undefined && status >= 400)) {
      const bodyErr = body && isObj(body['error']) ? body['error'] : undefined;
      const msg = (bodyErr && typeof bodyErr['message'] === 'string' ? bodyErr['message'] : undefined) ??
        (error && typeof error['message'] === 'string' ? error['message'] : undefined) ??
        `status ${status ?? 'unknown'}`;
      out.push({ customId: id, error: status ? `${status}: ${msg}` : msg });
      continue;
    }
    const r = replyText(body);
    if (!r) {
      out.push({ customId: id, error: 'the response has no reply' });
      continue;
    }
    const u = isObj(body['usage']) ? body['usage'] : undefined;
    out.push({
      customId: id,
      reply: r.reply,
      ...(r.finish ? { finishReason: r.finish } : {}),
      ...(u ? { usage: { prompt: Number(u['prompt_tokens']) || 0, completion: Number(u['completion_tokens']) || 0 } } : {}),
    });
  }
  return out;
}
