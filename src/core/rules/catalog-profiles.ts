/**
 * Catalogue entries of the rules added with dataset profiles (`../profiles/`) and the data-quality checks
 * (`./quality.ts`, `./system-prompt.ts`). Kept apart from `catalog.ts` (OpenAI's reference) and appended to it.
 */
import type { Method } from '../types';
import type { RuleInfo } from './catalog';

const ALL: readonly Method[] = ['supervised', 'dpo', 'reinforcement', 'completion'];
const CHAT: readonly Method[] = ['supervised', 'dpo', 'reinforcement'];
const SFT_DPO: readonly Method[] = ['supervised', 'dpo'];
const RFT: readonly Method[] = ['reinforcement'];

const TOOLS =
  '"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]';
const Q = '{"role":"user","content":"Weather in Paris?"}';
const CALL = (args: string) => `{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":${args}}}]}`;
const REPLY = '{"role":"tool","tool_call_id":"call_1","content":"18 C"}';

export const PROFILE_RULES: readonly RuleInfo[] = [
  {
    id: 'TL-04',
    code: 'ambiguous-line-format',
    severity: 'error',
    referenceSeverity: '(not in the reference)',
    title: 'A line matches two formats',
    description:
      'The line has the keys of two formats (for example both `text` and `messages`). Together AI rejects such a file ("If the same file has two possible formats (for example both text and messages), the server rejects it"). Checked under profiles that say so.',
    bad: '{"text":"Paris is the capital of France.","messages":[{"role":"user","content":"Capital of France?"},{"role":"assistant","content":"Paris."}]}',
    good: '{"messages":[{"role":"user","content":"Capital of France?"},{"role":"assistant","content":"Paris."}]}',
    appliesTo: ALL,
    scope: 'profile',
    source: 'https://docs.together.ai/docs/fine-tuning/data-preparation (read 2026-12-03)',
  },
  {
    id: 'TL-05',
    code: 'image-not-base64',
    severity: 'error',
    referenceSeverity: '(not in the reference)',
    title: 'Image given as a URL where only base64 is accepted',
    description:
      'The service takes images only as base64 data URLs with a MIME type prefix (`data:image/jpeg;base64,...`); an http(s) URL must be downloaded and embedded first. Checked under profiles that say so (Together AI).',
    bad: '{"messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]},{"role":"assistant","content":"A cat."}]}',
    good: '{"messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]},{"role":"assistant","content":"A cat."}]}',
    appliesTo: CHAT,
    scope: 'profile',
    source: 'https://docs.together.ai/docs/fine-tuning/vision (read 2026-12-03)',
  },
  {
    id: 'TL-06',
    code: 'missing-required-field',
    severity: 'error',
    referenceSeverity: '(not in the reference)',
    title: 'A field the service requires on every example is missing',
    description:
      'The profile requires a top-level field on every example, such as Amazon Bedrock\'s `reference_answer` for reinforcement fine-tuning ("Each training example contains: messages ... reference_answer").',
    bad: '{"messages":[{"role":"user","content":"Solve 2x + 5 = 13"}]}',
    good: '{"messages":[{"role":"user","content":"Solve 2x + 5 = 13"}],"reference_answer":"x = 4"}',
    appliesTo: RFT,
    scope: 'profile',
    source: 'https://docs.aws.amazon.com/bedrock/latest/userguide/rft-prepare-data-open-weight.html (read 2026-12-03)',
  },
  {
    id: 'TL-07',
    code: 'too-many-examples',
    severity: 'error',
    referenceSeverity: '(not in the reference)',
    title: 'More examples than the service takes',
    description:
      'The file has more examples than the service accepts in one training file (Amazon Bedrock reinforcement fine-tuning: 20,000; Fireworks: 3 million).',
    bad: 'A Bedrock Mantle reinforcement file with 25,000 examples.',
    good: 'At most 20,000 examples.',
    appliesTo: ALL,
    scope: 'profile',
    source: 'https://docs.aws.amazon.com/bedrock/latest/userguide/rft-prepare-data-open-weight.html, https://docs.fireworks.ai/fine-tuning/fine-tuning-models (read 2026-12-03)',
  },
  {
    id: 'TL-08',
    code: 'inconsistent-system-prompt',
    severity: 'warning',
    referenceSeverity: '(not in the reference)',
    title: 'The system prompt is inconsistent across the file',
    description:
      'Some examples have a system prompt and others do not (the smaller side is warned), or a few examples have a near-identical variant (85% or more similar by character bigrams) of the prompt most examples share. The model is trained for the prompt it will be called with: give every example the same one, or none to all. A file where no example has a system prompt gets one information (`no-system-prompt`), not a warning per line.',
    bad: 'Lines 1-40 start with the system prompt "You are a terse assistant."; line 41 has none, line 42 says "You are a terse asistant."',
    good: 'Every example starts with the same system prompt (or none does).',
    appliesTo: CHAT,
    scope: 'file',
    source: 'Tuneline (issue 17); Azure troubleshooting: "you\'ll want to provide that same system message when you use the fine-tuned model" (learn.microsoft.com/azure/ai-services/openai/how-to/fine-tuning-troubleshoot, read 2026-12-03)',
    notes: 'Replaces the per-line warning of SFT-09 (missing-system-or-user) when only the system prompt is missing; a missing user message is still reported per line.',
  },
  {
    id: 'TL-09',
    code: 'no-system-prompt',
    severity: 'info',
    referenceSeverity: '(not in the reference)',
    title: 'No example has a system prompt',
    description:
      'No example of the file has a system (or developer) message. That is a consistent choice: the model learns to answer without one, so call it without a system message too.',
    bad: 'Every example is only user and assistant turns.',
    good: 'The same, deliberately; or the same system prompt on every example.',
    appliesTo: CHAT,
    scope: 'file',
    source: 'Tuneline (issue 17)',
  },
  {
    id: 'TL-10',
    code: 'arguments-double-encoded',
    severity: 'warning',
    referenceSeverity: '(not in the reference)',
    title: 'Tool-call arguments are JSON encoded twice',
    description:
      'The `arguments` string parses to a string that itself holds JSON, so the model learns to emit quoted JSON that callers cannot parse as arguments. The problem carries the fix (`data.fix`: the arguments encoded once).',
    bad: `{${TOOLS},"messages":[${Q},${CALL('"\\"{\\\\\\"city\\\\\\":\\\\\\"Paris\\\\\\"}\\""')},${REPLY},{"role":"assistant","content":"18 C in Paris."}]}`,
    good: `{${TOOLS},"messages":[${Q},${CALL('"{\\"city\\":\\"Paris\\"}"')},${REPLY},{"role":"assistant","content":"18 C in Paris."}]}`,
    appliesTo: SFT_DPO,
    scope: 'quality',
    source: 'Tuneline (issue 17: a real dataset from the OpenAI Cookbook has such lines)',
  },
  {
    id: 'TL-11',
    code: 'arguments-schema-mismatch',
    severity: 'warning',
    referenceSeverity: '(not in the reference)',
    title: 'Tool-call arguments do not match the tool\'s parameters schema',
    description:
      'The arguments of a call parse to JSON that the called tool\'s `parameters` schema (declared in the same example) rejects: a required property is missing, a property has the wrong type or is outside its `enum`, or an undeclared property where `additionalProperties` is false. Keywords other than type, enum, required, properties, additionalProperties and items are not checked.',
    bad: `{${TOOLS},"messages":[${Q},${CALL('"{\\"town\\":\\"Paris\\"}"')},${REPLY},{"role":"assistant","content":"18 C in Paris."}]}`,
    good: `{${TOOLS},"messages":[${Q},${CALL('"{\\"city\\":\\"Paris\\"}"')},${REPLY},{"role":"assistant","content":"18 C in Paris."}]}`,
    appliesTo: SFT_DPO,
    scope: 'quality',
    source: 'Tuneline (issue 17)',
  },
  {
    id: 'TL-12',
    code: 'invalid-utf8',
    severity: 'error',
    referenceSeverity: '(not in the reference)',
    title: 'A line holds bytes that are not UTF-8',
    description:
      'The line has bytes that do not decode as UTF-8. Readers replace them with U+FFFD (the model then trains on "�"), or reject the file. Reported per line when a few lines have such bytes; many such lines are one file-level `file-not-utf8` error instead. Checked on files read from disk (the editor shows the text its own decoding made).',
    bad: 'A line with the byte E9 (é in Latin-1) inside a string: {"messages":[{"role":"user","content":"caf\\xE9"}, ...]}',
    good: 'The same text saved as UTF-8 (C3 A9 for é).',
    appliesTo: ALL,
    scope: 'file',
    source: 'Tuneline (issue 17); services require UTF-8 JSONL (docs.together.ai/docs/fine-tuning/data-preparation; Azure and OpenAI: JSONL in UTF-8)',
  },
  {
    id: 'TL-13',
    code: 'file-not-utf8',
    severity: 'error',
    referenceSeverity: '(not in the reference)',
    title: 'The file is not UTF-8',
    description:
      'The file is UTF-16 or UTF-32 (a byte-order mark, or NUL bytes in its first 4 KB), or more than 10 of its lines hold bytes that are not UTF-8 (another 8-bit encoding such as Latin-1). One file-level error, not one per line: save the file as UTF-8 and check again.',
    bad: 'A file saved as "Unicode" (UTF-16 LE) by a Windows editor.',
    good: 'The same file saved as UTF-8.',
    appliesTo: ALL,
    scope: 'file',
    source: 'Tuneline (issue 17)',
  },
  {
    id: 'TL-20',
    code: 'format-not-accepted',
    severity: 'error',
    referenceSeverity: '(not in the reference)',
    title: 'The line\'s format is not one the chosen service accepts',
    description:
      'The line uses a format (for example prompt/completion) that the service and model Tuneline judges the file for (`tuneline.provider`, `tuneline.model`, or the CLI\'s `--provider` / `--model`) do not accept. The message names that profile. The line is not judged silently as another method: convert it (a prompt/completion line converts to chat messages with a quick fix) or choose the provider that takes this format.',
    bad: 'Under Azure AI Foundry: {"prompt":"Capital of France?","completion":"Paris."}',
    good: '{"messages":[{"role":"user","content":"Capital of France?"},{"role":"assistant","content":"Paris."}]}',
    appliesTo: ALL,
    scope: 'profile',
    source: 'The formats each service lists: https://learn.microsoft.com/azure/ai-services/openai/how-to/fine-tuning (chat and preference), https://docs.together.ai/docs/fine-tuning/data-preparation, https://docs.tokenfactory.nebius.com/post-training/datasets, https://docs.fireworks.ai/fine-tuning/fine-tuning-models (read 2026-12-03)',
  },
  {
    id: 'TL-21',
    code: 'conflicting-answers',
    severity: 'warning',
    referenceSeverity: '(not in the reference)',
    title: 'The same user turn has different answers',
    description:
      'Two or more examples have the same conversation up to their last user message (roles and contents compared word by word and punctuation mark by punctuation mark after lower-casing, white space only separating them; the system prompt included) but different answers after it. The model is taught contradicting answers to one question. Reported on the answer of each involved example, naming the other lines. A file where most user turns have several answers (several answers per prompt by design: at least 20 examples and more than half of them) gets one file-level information instead.',
    bad: 'Line 3: user "What is the capital of Australia?", assistant "Canberra."; line 40: the same user turn, assistant "Sydney."',
    good: 'One answer per user turn (or user turns that differ).',
    appliesTo: SFT_DPO,
    scope: 'file',
    source: 'Tuneline (issue 17)',
    notes: 'No automatic fix: which answer is right is the user\'s call. Cost: one pass with a map from prompt key to its first answer.',
  },
  {
    id: 'TL-22',
    code: 'near-duplicate',
    severity: 'info',
    referenceSeverity: '(not in the reference)',
    title: 'Near-duplicate of an earlier example',
    description:
      'The example\'s words are at least `tuneline.nearDuplicateThreshold` (default 0.8) similar to an earlier example: the estimated Jaccard similarity of their word pairs (MinHash over word bigrams of the user, assistant and tool turns; the system prompt is left out). Exact copies are `duplicate-example`. Reported on the later example, naming the earlier one. A file where more than 30% of the examples (and at least 20) are near-duplicates is taken as templated by design: one file-level information. Set the threshold to 0 to turn the rule off (CLI: `--near-duplicates 0`).',
    bad: 'Line 12: "How do I reset my password on the website?"; line 57: "How do I reset my password on the web site?", with the same answer.',
    good: 'Each example adds something the others do not.',
    appliesTo: ALL,
    scope: 'file',
    source: 'Tuneline (issue 17)',
    notes: 'Found by LSH banding (16 bands of 4 bins), each example compared with at most 3 earlier ones per band: linear in the file. The similarity is an estimate (64 bins: about ±5% at 0.8).',
  },
  {
    id: 'TL-23',
    code: 'train-validation-overlap',
    severity: 'warning',
    referenceSeverity: '(not in the reference)',
    title: 'A validation example is also in the training file',
    description:
      'An example of the validation file has the same conversation (system prompt aside) as an example of the training file, or is a near-duplicate of one (at the near-duplicate threshold). The model is validated on what it trained on, so the validation loss looks better than it is. Reported on the validation file\'s line, naming the training line. Checked when both files are known: the CLI\'s `--validation FILE`, and in the editor for a validation file whose training file is next to it (`val.jsonl`, `validation.jsonl`, `valid.jsonl` beside `train.jsonl`; `NAME_val.jsonl`, `NAME_validation.jsonl`, `NAME-val.jsonl`... beside `NAME_train.jsonl` or `NAME.jsonl`).',
    bad: 'Line 5 of val.jsonl is line 812 of train.jsonl.',
    good: 'No example is in both files.',
    appliesTo: ALL,
    scope: 'file',
    source: 'Tuneline (issue 17)',
  },
];
