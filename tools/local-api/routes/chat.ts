/** `POST /chat/completions`, with and without `stream: true`. */
import { genericReply, nearest, promptOf, roughTokens, streamPieces, contentText } from '../chat';
import type { ServerContext } from '../context';
import { badRequest, json, notFound, parseJsonObject, type Reply } from '../http';
import { resolveBaseModel } from '../models';
import type { Router } from '../router';
import type { FineTunedModel } from '../state';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Target {
  /** What the response's `model` says. */
  readonly model: string;
  readonly fineTuned?: FineTunedModel;
}

/** Resolves the request's `model` (OpenAI: a model id; Azure: a deployment name) to what answers. */
function resolveTarget(server: ServerContext, name: string): Target {
  const { state, flavour } = server;
  let modelId = name;
  if (flavour.needsDeployment) {
    const dep = state.deployments.get(name);
    if (dep) modelId = dep.model;
    else if (!resolveBaseModel(name)) {
      // Azure: base models are taken as deployed under their own names; anything else needs a deployment
      throw notFound(
        `The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again. (No deployment named '${name}'; fine-tuned models must be deployed before you can chat with them.)`,
        'model',
        'DeploymentNotFound',
      );
    }
  }
  const base = resolveBaseModel(modelId);
  if (base) return { model: base.id };
  // a fine-tuned model, or one of its checkpoints (`...:ckpt-step-N`)
  const ftId = state.fineTunedModels.has(modelId) ? modelId : modelId.replace(/:ckpt-step-\d+$/, '');
  const ft = state.fineTunedModels.get(ftId);
  const isCheckpoint = ftId !== modelId && ft !== undefined &&
    [...state.jobs.values()].some((j) => j.checkpoints.some((c) => c.fine_tuned_model_checkpoint === modelId));
  if (ft && !state.deletedModels.has(ftId) && (ftId === modelId || isCheckpoint)) return { model: modelId, fineTuned: ft };
  throw notFound(`The model \`${modelId}\` does not exist or you do not have access to it.`, 'model', 'model_not_found');
}

export function registerChatRoutes(router: Router): void {
  router.post('/chat/completions', ({ body, server }): Reply => {
    const req = parseJsonObject(body);
    const modelName = req['model'];
    if (typeof modelName !== 'string' || modelName === '') {
      throw badRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter');
    }
    const messages = req['messages'];
    if (!Array.isArray(messages)) throw badRequest("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
    if (messages.length === 0) {
      throw badRequest("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages', 'empty_array');
    }
    messages.forEach((m, i) => {
      if (!isObj(m) || typeof m['role'] !== 'string') {
        throw badRequest(`Invalid type for 'messages[${i}]': expected an object with a 'role'.`, `messages[${i}]`, 'invalid_type');
      }
      if (!['system', 'developer', 'user', 'assistant', 'tool', 'function'].includes(m['role'] as string)) {
        throw badRequest(
          `Invalid value: '${String(m['role'])}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
          `messages[${i}].role`,
          'invalid_value',
        );
      }
    });
    const n = req['n'] ?? 1;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 128) {
      throw badRequest(`Invalid 'n': expected an integer between 1 and 128, got ${JSON.stringify(n)}.`, 'n', 'integer_out_of_range');
    }
    const maxTokensIn = req['max_completion_tokens'] ?? req['max_tokens'];
    if (maxTokensIn !== undefined && maxTokensIn !== null && (typeof maxTokensIn !== 'number' || !Number.isInteger(maxTokensIn) || maxTokensIn < 1)) {
      throw badRequest(`Invalid 'max_completion_tokens': expected a positive integer, got ${JSON.stringify(maxTokensIn)}.`, req['max_completion_tokens'] !== undefined ? 'max_completion_tokens' : 'max_tokens', 'invalid_value');
    }
    const stream = req['stream'] === true;
    const streamOptions = req['stream_options'];
    if (streamOptions !== undefined && streamOptions !== null && !stream) {
      throw badRequest('The \'stream_options\' parameter is only allowed when \'stream\' is enabled.', 'stream_options', 'invalid_value');
    }
    const includeUsage = stream && isObj(streamOptions) && streamOptions['include_usage'] === true;

    const target = resolveTarget(server, modelName);
    const prompt = promptOf(messages);
    let reply = target.fineTuned
      ? (nearest(target.fineTuned.examples, prompt)?.reply ?? genericReply(target.model, prompt))
      : genericReply(target.model, prompt);
    let finish: 'stop' | 'length' = 'stop';
    if (typeof maxTokensIn === 'number') {
      const pieces = streamPieces(reply);
      let text = '';
      for (const p of pieces) {
        if (roughTokens(text + p) > maxTokensIn) {
          finish = 'length';
          break;
        }
        text += p;
      }
      if (finish === 'length') reply = text.trimEnd();
    }
    const promptTokens = messages.reduce<number>((sum, m) => sum + 4 + roughTokens(contentText((m as Record<string, unknown>)['content'])), 3);
    const completionTokens = roughTokens(reply) * n;
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    };
    const id = server.flavour.newId('chatcmpl');
    const created = server.clock.seconds();
    const choices = Array.from({ length: n }, (_, index) => index);

    if (!stream) {
      return json({
        id,
        object: 'chat.completion',
        created,
        model: target.model,
        choices: choices.map((index) => ({
          index,
          message: { role: 'assistant', content: reply, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: finish,
        })),
        usage,
        service_tier: 'default',
        system_fingerprint: 'fp_local',
      });
    }

    const chunk = (choiceList: unknown[], extra: Record<string, unknown> = {}): string =>
      JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model: target.model,
        service_tier: 'default',
        system_fingerprint: 'fp_local',
        choices: choiceList,
        ...(includeUsage ? { usage: null } : {}),
        ...extra,
      });
    const events: string[] = [];
    for (const index of choices) {
      events.push(chunk([{ index, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }]));
      for (const piece of streamPieces(reply)) {
        events.push(chunk([{ index, delta: { content: piece }, logprobs: null, finish_reason: null }]));
      }
      events.push(chunk([{ index, delta: {}, logprobs: null, finish_reason: finish }]));
    }
    if (includeUsage) events.push(chunk([], { usage }));
    events.push('[DONE]');
    return { kind: 'sse', status: 200, events };
  });
}
