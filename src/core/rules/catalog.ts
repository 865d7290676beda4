/**
 * The rule catalogue: the single source of truth for every rule of the fine-tuning format catalogue Tuneline was
 * built from (compiled 2026-11-24 from OpenAI's documentation, spec and observed API errors; that catalogue is not
 * part of this repository: each rule's `source` and `notes` here say where it comes from), plus a few Tuneline rules
 * (`TL-*`) for gaps the catalogue names but does not settle. The human-readable form is `docs/rules.md`, generated
 * from this file. Line rules are implemented in `./check.ts`, grader rules in `./grader.ts`;
 * file-level, token and job rules are implemented elsewhere but are described here so that diagnostics, the CLI's
 * SARIF output and `docs/rules.md` all read one table.
 *
 * Severity policy: the reference's `error?` ("invalid under the schema or guide, no API error message found") is
 * reported as `error` unless evidence says otherwise; each such entry's `notes` records the decision and its basis.
 */
import type { Method, Severity } from '../types';
import { openaiWindDownSteps } from '../retirement';
import { PROFILE_RULES } from './catalog-profiles';

/** Who checks a rule. */
export type RuleScope =
  /** Per line, in `checkLine`. */
  | 'line'
  /** Across the file (counts, sizes, duplicates, mixed formats): the file pipeline. */
  | 'file'
  /** On the RFT grader (`checkGrader`). */
  | 'grader'
  /** Depends on the target model (catalogue of models). */
  | 'model'
  /** Token counting, limits and cost. */
  | 'tokens'
  /** The job-creation request, not the training file. */
  | 'job'
  /** A fact that cannot be checked locally; documentation only. */
  | 'info'
  /** Under a provider's dataset profile only (`../profiles/apply.ts`). */
  | 'profile'
  /** Data quality, per line after the format rules (`./quality.ts`). */
  | 'quality';

export interface RuleInfo {
  /** Reference id, e.g. `SFT-11` (`TL-*` = Tuneline's own rule, not in the reference). */
  readonly id: string;
  /** Stable kebab-case code; the `code` of every problem this rule reports, and the anchor in `docs/rules.md`. */
  readonly code: string;
  /** The severity reported. */
  readonly severity: Severity;
  /** The severity as the reference writes it (`error?` etc.), for the record. */
  readonly referenceSeverity: string;
  readonly title: string;
  /** One paragraph. */
  readonly description: string;
  /** A bad JSONL line (or, for file/job rules, a description of the bad situation). */
  readonly bad: string;
  /** The fixed line / situation. */
  readonly good: string;
  readonly appliesTo: readonly Method[];
  readonly scope: RuleScope;
  /** The reference's source keys (S1, S2, ...). */
  readonly source: string;
  /** Evidence for the severity decision (`error?` rules) and other implementation notes. */
  readonly notes?: string;
}

const ALL: readonly Method[] = ['supervised', 'dpo', 'reinforcement', 'completion'];
const CHAT: readonly Method[] = ['supervised', 'dpo', 'reinforcement'];
const SFT: readonly Method[] = ['supervised'];
const SFT_DPO: readonly Method[] = ['supervised', 'dpo'];
const DPO: readonly Method[] = ['dpo'];
const RFT: readonly Method[] = ['reinforcement'];
const LEG: readonly Method[] = ['completion'];

const NO_API_MESSAGE =
  'Reference severity `error?`: no OpenAI API error message was found for this case, and no source says the API ' +
  'accepts it. Tuneline reports it as an error';

// Reusable example fragments (kept as JSON text so the examples stay exact).
const SYS = '{"role":"system","content":"You are a terse assistant."}';
const USR = '{"role":"user","content":"What is the capital of France?"}';
const AST = '{"role":"assistant","content":"Paris."}';
const GOOD_SFT = `{"messages":[${SYS},${USR},${AST}]}`;
const TOOLS =
  '"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]';
const CALL = '{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}';
const TOOL_REPLY = '{"role":"tool","tool_call_id":"call_1","content":"18 C, sunny"}';
const WEATHER_Q = '{"role":"user","content":"Weather in Paris?"}';
const DEV = '{"role":"developer","content":"Answer with the city only."}';
const DPO_IN = `"input":{"messages":[${USR}]}`;
const DPO_GOOD = `{${DPO_IN},"preferred_output":[{"role":"assistant","content":"Paris."}],"non_preferred_output":[{"role":"assistant","content":"I think it might be Lyon."}]}`;
const RFT_GOOD = `{"messages":[${DEV},${USR}],"reference_answer":"Paris"}`;
const IMG = (url: string) => `{"type":"image_url","image_url":{"url":"${url}"}}`;
const IMG_USER = (parts: string) => `{"role":"user","content":[{"type":"text","text":"What is in this picture?"},${parts}]}`;

const R: RuleInfo[] = [
  // ---------------------------------------------------------------- FILE
  {
    id: 'FILE-01',
    code: 'invalid-json',
    severity: 'error',
    referenceSeverity: 'error',
    title: 'Line is not valid JSON',
    description:
      'Every line of a JSONL training file must hold one complete JSON value. OpenAI rejects a file with a line that does not parse ("Invalid file format. Example 1273 cannot be parsed. Error: line contains invalid json: ..."). Trailing commas, comments, single quotes, unescaped control characters and two objects on one line are all invalid. The problem points at the position where parsing fails.',
    bad: `{"messages":[${USR},${AST},]}`,
    good: GOOD_SFT,
    appliesTo: ALL,
    scope: 'line',
    source: 'S1, S4a, S11',
  },
  {
    id: 'FILE-02',
    code: 'line-not-object',
    severity: 'error',
    referenceSeverity: 'error',
    title: 'Line is not a JSON object',
    description:
      'Each line must be a JSON object ("Expected file to have JSONL format, where every line is a JSON dictionary"); an array, string, number or null is rejected even though it is valid JSON.',
    bad: `[${USR},${AST}]`,
    good: GOOD_SFT,
    appliesTo: ALL,
    scope: 'line',
    source: 'S6, S11',
  },
  {
    id: 'FILE-03',
    code: 'not-jsonl-file',
    severity: 'error',
    referenceSeverity: 'error',
    title: 'Training file is not a .jsonl file uploaded for fine-tuning',
    description:
      'Training and validation files are uploaded with `purpose = "fine-tune"` and must be `.jsonl` files ("The Fine-tuning API only supports `.jsonl` files").',
    bad: 'train.json uploaded with purpose "assistants"',
    good: 'train.jsonl uploaded with purpose "fine-tune"',
    appliesTo: ALL,
    scope: 'file',
    source: 'S1',
  },
  {
    id: 'FILE-04',
    code: 'too-few-examples',
    severity: 'error',
    referenceSeverity: 'error',
    title: 'Fewer than 10 examples',
    description:
      'A training file needs at least 10 examples; the job fails with `invalid_n_examples`: "Training file has N example(s), but must have at least 10 examples".',
    bad: 'A training file with 3 example lines.',
    good: 'A training file with at least 10 example lines (50 or more recommended).',
    appliesTo: ALL,
    scope: 'file',
    source: 'S4a, S5, S11',
  },
  {
    id: 'FILE-05',
    code: 'few-examples',
    severity: 'warning',
    referenceSeverity: 'warning',
    title: 'Fewer than 50 examples',
    description:
      'The guides say improvements come from 50 to 100 well-crafted examples and recommend starting with 50. A file with 10 to 49 examples is accepted but likely too small.',
    bad: 'A training file with 20 examples.',
    good: 'A training file with 50 or more examples.',
    appliesTo: SFT_DPO,
    scope: 'file',
    source: 'S4a, S5',
  },
  {
    id: 'FILE-06',
    code: 'file-too-large',
    severity: 'error',
    referenceSeverity: 'error',
    title: 'File over 512 MB (Files API limit)',
    description:
      'The Files API accepts a single file of at most 512 MB. Bigger files must go through the Uploads API (up to 8 GB, see `upload-too-large`).',
    bad: 'A 700 MB train.jsonl uploaded with POST /files.',
    good: 'The same file uploaded through the Uploads API in 64 MB parts, or split below 512 MB.',
    appliesTo: ALL,
    scope: 'file',
    source: 'S1, S5',
  },
  {
    id: 'FILE-07',
    code: 'upload-too-large',
    severity: 'error',
    referenceSeverity: 'error',
    title: 'File over 8 GB (Uploads API limit)',
    description:
      'The Uploads API takes at most 8 GB per Upload, in Parts of at most 64 MB, and an Upload expires one hour after it is created. The uploaded byte count must equal the declared `bytes`.',
    bad: 'A 9 GB train.jsonl.',
    good: 'A file under 8 GB, uploaded in 64 MB parts within one hour.',
    appliesTo: ALL,
    scope: 'file',
    source: 'S1, S5, S9',
  },
  {
    id: 'FILE-08',
    code: 'wrong-format',
    severity: 'error',
    referenceSeverity: 'error',
    title: "Line does not match the file's format",
    description:
      'Every line must use the one format that matches the fine-tuning method: chat `messages` (supervised), `input`/`preferred_output`/`non_preferred_output` (DPO), `messages` plus grader fields (reinforcement), or `prompt`/`completion` (legacy). A line in another format is one error on that line (the file is not re-judged), and formats must not be mixed in one file.',
    bad: `{${DPO_IN},"preferred_output":[${AST}],"non_preferred_output":[{"role":"assistant","content":"Lyon."}]}   (in a supervised file)`,
    good: `${GOOD_SFT}   (in a supervised file)`,
    appliesTo: ALL,
    scope: 'line',
    source: 'S1, S11',
    notes: 'The line rule fires when a line has another format\'s keys. A line with none of the format keys is reported by the method\'s own "missing key" rule (`missing-messages`, `missing-preference-key`, `rft-missing-messages`, `invalid-completion-example`).',
  },
  {
    id: 'FILE-09',
    code: 'special-token',
    severity: 'error',
    referenceSeverity: 'error (that token); warning (the others)',
    title: 'Text contains a tokenizer special token',
    description:
      'A string in the example contains a tokenizer special token. OpenAI rejected `<|fim_suffix|>` ("Example 6174 message contains an invalid token: <|fim_suffix|>."), which is an error; the other special tokens of cl100k_base and o200k_base (`<|endoftext|>`, `<|fim_prefix|>`, `<|fim_middle|>`, `<|endofprompt|>`) are warnings because no rejection was observed for them. Remove the token or break it up (e.g. `< |endoftext| >`).',
    bad: `{"messages":[${SYS},{"role":"user","content":"Complete: <|fim_suffix|>"},${AST}]}`,
    good: `{"messages":[${SYS},{"role":"user","content":"Complete: [suffix]"},${AST}]}`,
    appliesTo: ALL,
    scope: 'line',
    source: 'S11, S8',
    notes: 'Severity is per token: `error` for `<|fim_suffix|>`, `warning` for the others. The range is the token itself inside the string.',
  },
  {
    id: 'FILE-10',
    code: 'validation-overlap',
    severity: 'warning',
    referenceSeverity: 'warning (overlap); other checks as for training',
    title: 'Example appears in both the training and validation files',
    description:
      'The validation file follows the training file\'s format rules; "the same data should not be present in both train and validation files". Each validation example that also appears in the training file is flagged.',
    bad: 'valid.jsonl line 4 is identical to train.jsonl line 120.',
    good: 'Validation examples held out from the training file.',
    appliesTo: ALL,
    scope: 'file',
    source: 'S1',
  },
  {
    id: 'FILE-11',
    code: 'rft-file-requirements',
    severity: 'error',
    referenceSeverity: 'error?',
    title: 'RFT needs a training file (at most 50,000 examples) and a validation file (at most 1,000)',
    description:
      'Reinforcement fine-tuning needs both a training file and a validation ("test") file; the training file holds at most 50,000 examples and the test file at most 1,000.',
    bad: 'An RFT job with only a training file, or a training file of 60,000 examples.',
    good: 'An RFT job with a training file of 5,000 examples and a validation file of 500.',
    appliesTo: RFT,
    scope: 'file',
    source: 'S4d, S12',
    notes: `${NO_API_MESSAGE}; both the OpenAI guide and Azure state the requirement.`,
  },
  {
    id: 'FILE-12',
    code: 'too-many-image-examples',
    severity: 'error',
    referenceSeverity: 'error?',
    title: 'More than 50,000 examples with images',
    description:
      'A vision training file holds at most 50,000 examples that contain images (text-only examples are not counted).',
    bad: 'A training file with 60,000 examples that each contain an image.',
    good: 'At most 50,000 image examples per file.',
    appliesTo: SFT,
    scope: 'file',
    source: 'S4b, S5',
    notes: `${NO_API_MESSAGE}; the limit is stated by the vision guide.`,
  },
  // ---------------------------------------------------------------- SFT
  {
    id: 'SFT-01',
    code: 'missing-messages',
    severity: 'error',
    referenceSeverity: 'error',
    title: '`messages` is missing, not an array, or empty',
    description:
      'A supervised example needs a `messages` array with at least one message ("Example X is missing key \'messages\'"; cookbook `missing_messages_list`).',
    bad: '{"messages":[]}',
    good: GOOD_SFT,
    appliesTo: SFT,
    scope: 'line',
    source: 'S2, S6, S11',
  },
  {
    id: 'SFT-02',
    code: 'unknown-top-level-key',
    severity: 'error',
    referenceSeverity: 'error',
    title: 'Unknown top-level key',
    description:
      'A supervised example may only have the top-level keys `messages`, `tools`, `parallel_tool_calls` and `functions`. Any other key is rejected ("Example 1 contains an extra \\"weight\\"."). `weight` belongs on assistant messages.',
    bad: `{"messages":[${SYS},${USR},${AST}],"weight":1}`,
    good: `{"messages":[${SYS},${USR},{"role":"assistant","content":"Paris.","weight":1}]}`,
    appliesTo: SFT,
    scope: 'line',
    source: 'S2, S11',
  },
  {
    id: 'SFT-03',
    code: 'invalid-role',
    severity: 'error',
    referenceSeverity: 'error (role missing); error? (role outside the list)',
    title: 'Message role is missing or not allowed',
    description:
      'Every message needs a `role` ("Example 100, message 2 Discriminator \'role\' is missing in value"). In supervised and DPO data the role is one of `system`, `user`, `assistant`, `tool` or `function`; `developer` is allowed only in reinforcement data (use `system`). A near-miss such as `Assistant` or `asistant` gets a quick fix.',
    bad: `{"messages":[${SYS},${USR},{"role":"asistant","content":"Paris."}]}`,
    good: GOOD_SFT,
    appliesTo: CHAT,
    scope: 'line',
    source: 'S2, S11, S6',
    notes: `Role missing: observed API error. Role outside the list: ${NO_API_MESSAGE} (the schema's discriminator has no other value). Also reported for a message that is not a JSON object. In reinforcement data an unknown role is reported as \`rft-invalid-role\` instead.`,
  },
  {
    id: 'SFT-04',
    code: 'missing-message-key',
    severity: 'error',
    referenceSeverity: 'error? (role missing: error)',
    title: 'Message lacks a key its role requires, or a key has the wrong type',
    description:
      'Required keys by role: `system`, `developer` and `user` need `content`; `tool` needs `content` and `tool_call_id`; the deprecated `function` role needs `content` (string or null) and `name`; `assistant` needs `content` unless it has `tool_calls` or `function_call`. `name` (where allowed), `tool_call_id` and `refusal` are strings, and `audio` is `{ "id": string }`.',
    bad: `{"messages":[${SYS},{"role":"user"},${AST}]}`,
    good: GOOD_SFT,
    appliesTo: CHAT,
    scope: 'line',
    source: 'S1',
    notes: `${NO_API_MESSAGE}; the requirements are the \`required\` lists of the S1 message schemas. Applied to RFT messages too, which use the same message schemas (S2).`,
  },
  {
    id: 'SFT-05',
    code: 'invalid-content',
    severity: 'error',
    referenceSeverity: 'error?',
    title: 'Message content has the wrong type or part',
    description:
      '`content` is a string or a non-empty array of content parts. System, developer and tool messages take `text` parts only; user messages take `text` and `image_url` parts (`input_audio` and `file` parts are "not currently supported for fine-tuning"); assistant messages take `text` parts or exactly one `refusal` part. A `text` part needs a string `text`; an `image_url` part needs `image_url.url`.',
    bad: `{"messages":[${SYS},{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"UklGR...","format":"wav"}}]},${AST}]}`,
    good: GOOD_SFT,
    appliesTo: CHAT,
    scope: 'line',
    source: 'S2, S1',
    notes: `${NO_API_MESSAGE}; the S2 schema description says audio and file parts are not supported for fine-tuning. Images outside user messages are reported as \`image-not-in-user-message\`.`,
  },
  {
    id: 'SFT-06',
    code: 'unknown-message-key',
    severity: 'error',
    referenceSeverity: 'error?',
    title: 'Message has a key its role does not define',
    description:
      "Assistant messages may have `role`, `content`, `refusal`, `name`, `audio`, `tool_calls`, `function_call` and `weight`; system, developer and user messages `role`, `content`, `name`; tool messages `role`, `content`, `tool_call_id`; function messages `role`, `content`, `name`. Any other key is not in the spec. (The cookbook's older allow-list wrongly rejects `tool_calls` and `refusal`; Tuneline follows the spec.)",
    bad: `{"messages":[${SYS},${USR},{"role":"assistant","content":"Paris.","confidence":0.9}]}`,
    good: GOOD_SFT,
    appliesTo: CHAT,
    scope: 'line',
    source: 'S1, S6, S14',
    notes: `${NO_API_MESSAGE}. The reference states the list for assistant messages; Tuneline applies the same S1 schemas to the other roles. \`weight\` on a non-assistant message is reported as \`weight-not-on-assistant\`, and in DPO data as \`weight-in-preference\`.`,
  },
  {
    id: 'SFT-07',
    code: 'no-assistant-message',
    severity: 'error',
    referenceSeverity: 'error?',
    title: 'Example has no assistant message',
    description:
      'A supervised example trains on its assistant messages, so it needs at least one (cookbook `example_missing_assistant_message`).',
    bad: `{"messages":[${SYS},${USR}]}`,
    good: GOOD_SFT,
    appliesTo: SFT,
    scope: 'line',
    source: 'S6',
    notes: `${NO_API_MESSAGE}; the cookbook's data check treats it as a format error. When it fires, \`last-message-not-assistant\` is not also reported.`,
  },
  {
    id: 'SFT-08',
    code: 'last-message-not-assistant',
    severity: 'warning',
    referenceSeverity: 'warning',
    title: 'Last message is not from the assistant',
    description:
      'Training is on assistant messages, so turns after the last assistant message teach nothing; Azure states that the final SFT message is the assistant\'s. End the example on the assistant reply (or drop the trailing turns).',
    bad: `{"messages":[${SYS},${USR},${AST},{"role":"user","content":"Thanks!"}]}`,
    good: GOOD_SFT,
    appliesTo: SFT,
    scope: 'line',
    source: 'S5, S12',
  },
  {
    id: 'SFT-09',
    code: 'missing-system-or-user',
    severity: 'warning',
    referenceSeverity: 'warning',
    title: 'No system message, or no user message',
    description:
      'The cookbook warns about examples without a `system` message or without a `user` message: the model is trained without the instructions or the request it will see at inference time.',
    bad: `{"messages":[${USR},${AST}]}`,
    good: GOOD_SFT,
    appliesTo: SFT,
    scope: 'line',
    source: 'S6',
  },
  {
    id: 'SFT-10',
    code: 'empty-content',
    severity: 'warning',
    referenceSeverity: 'warning',
    title: 'Message content is empty',
    description:
      'A message that needs content has `""` (or only whitespace), or a text part with empty `text`. The cookbook counts this as `missing_content`; whether the API accepts it is not documented. An assistant message with `tool_calls` may have empty content.',
    bad: `{"messages":[${SYS},{"role":"user","content":""},${AST}]}`,
    good: GOOD_SFT,
    appliesTo: SFT,
    scope: 'line',
    source: 'S6',
    notes: 'Tuneline also treats whitespace-only content as empty.',
  },
  {
    id: 'SFT-11',
    code: 'weight-not-binary',
    severity: 'error',
    referenceSeverity: 'error?',
    title: '`weight` is not the integer 0 or 1',
    description:
      '`weight` on an assistant message controls whether that message is trained on; the schema says `type: integer, enum: [0, 1]`. `0.5`, `true` and `"1"` are invalid. A boolean or numeric string gets a quick fix to the matching integer.',
    bad: `{"messages":[${SYS},${USR},{"role":"assistant","content":"Paris.","weight":0.5}]}`,
    good: `{"messages":[${SYS},${USR},{"role":"assistant","content":"Paris.","weight":1}]}`,
    appliesTo: ['supervised', 'reinforcement'],
    scope: 'line',
    source: 'S1, S4e, S5',
    notes: `${NO_API_MESSAGE}; the schema's enum is [0, 1], and openai/openai-cookbook issue #1270 (2024-07) reads the documentation the same way ("value in [0,1], which is all that is supported now"). No report of the API accepting other values was found.`,
  },
  {
    id: 'SFT-12',
    code: 'weight-not-on-assistant',
    severity: 'error',
    referenceSeverity: 'error?',
    title: '`weight` on a message that is not from the assistant',
    description:
      '`weight` is defined only for assistant messages ("disable fine-tuning on specific assistant messages"). System, user and tool messages have no `weight`; remove it.',
    bad: `{"messages":[${SYS},{"role":"user","content":"What is the capital of France?","weight":0},${AST}]}`,
    good: GOOD_SFT,
    appliesTo: ['supervised', 'reinforcement'],
    scope: 'line',
    source: 'S1, S4e',
    notes: `${NO_API_MESSAGE}; a top-level \`weight\` is observed rejected (SFT-02), which supports treating misplaced weights as errors.`,
  },
  {
    id: 'SFT-13',
    code: 'all-weights-zero',
    severity: 'warning',
    referenceSeverity: 'warning [inferred]',
    title: 'Every assistant message has weight 0',
    description:
      'With `weight: 0` on every assistant message nothing in the example is trained on; the example only costs tokens.',
    bad: `{"messages":[${SYS},${USR},{"role":"assistant","content":"Paris.","weight":0}]}`,
    good: `{"messages":[${SYS},${USR},{"role":"assistant","content":"Paris.","weight":1}]}`,
    appliesTo: SFT,
    scope: 'line',
    source: 'S5',
  },
  {
    id: 'SFT-14',
    code: 'deprecated-functions',
    severity: 'warning',
    referenceSeverity: 'warning',
    title: 'Deprecated `functions`, `function_call` or `function` role',
    description:
      '"function_call and functions have been deprecated in favor of tools". Use `tools`, assistant `tool_calls` and `tool` messages instead.',
    bad: `{"functions":[{"name":"get_weather","parameters":{"type":"object","properties":{}}}],"messages":[${SYS},${WEATHER_Q},{"role":"assistant","content":null,"function_call":{"name":"get_weather","arguments":"{}"}}]}`,
    good: `{${TOOLS},"messages":[${SYS},${WEATHER_Q},{"role":"assistant","content":null,"tool_calls":[${CALL}]}]}`,
    appliesTo: SFT,
    scope: 'line',
    source: 'S5, S1',
    notes: 'Reported once per example, at the first deprecated construct.',
  },
  // ---------------------------------------------------------------- TOOL
  {
    id: 'TOOL-01',
    code: 'invalid-tool-definition',
    severity: 'error',
    referenceSeverity: 'error?',
    title: 'Malformed tool definition',
    description:
      '`tools` is an array of `{"type": "function", "function": {"name", "description"?, "parameters"?, "strict"?}}`. `type` must be `"function"`, `function.name` is required, `parameters` is a JSON Schema object and `strict` is a boolean or null.',
    bad: `{"tools":[{"type":"function","name":"get_weather"}],"messages":[${SYS},${USR},${AST}]}`,
    good: `{${TOOLS},"messages":[${SYS},${USR},${AST}]}`,
    appliesTo: CHAT,
    scope: 'line',
    source: 'S1, S2',
    notes: `${NO_API_MESSAGE}; the shape is the S1 \`ChatCompletionTool\` schema.`,
  },
  {
    id: 'TOOL-02',
    code: 'invalid-function-name',
    severity: 'error',
    referenceSeverity: 'error?',
    title: 'Function name has invalid characters or is too long',
    description:
      'Function names (in `tools`, `functions`, `tool_calls` and `function_call`) contain only a-z, A-Z, 0-9, `_` and `-`, and are 1 to 64 characters long (`^[A-Za-z0-9_-]{1,64}$`).',
    bad: `{"tools":[{"type":"function","function":{"name":"get weather"}}],"messages":[${SYS},${USR},${AST}]}`,
    good: `{"tools":[{"type":"function","function":{"name":"get_weather"}}],"messages":[${SYS},${USR},${AST}]}`,
    appliesTo: CHAT,
    scope: 'line',
    source: 'S1',
    notes: `${NO_API_MESSAGE}; the pattern is in the schema and the chat API rejects such names at inference time.`,
  },
  {
    id: 'TOOL-03',
    code: 'invalid-functions-list',
    severity: 'error',
    referenceSeverity: 'error?',
    title: 'Deprecated `functions` list is malformed',
    description:
      'The deprecated top-level `functions` is an array of 1 to 128 items, each `{"name", "description"?, "parameters"?}` with a required `name`.',
    bad: `{"functions":[],"messages":[${SYS},${USR},${AST}]}`,
    good: `{"functions":[{"name":"get_weather"}],"messages":[${SYS},${USR},${AST}]}`,
    appliesTo: SFT,
    scope: 'line',
    source: 'S2',
    notes: `${NO_API_MESSAGE}; minItems 1 and maxItems 128 are in the S2 schema. (The good example still gets the \`deprecated-functions\` warning.)`,
  },
  {
    id: 'TOOL-04',
    code: 'parallel-tool-calls-not-boolean',
    severity: 'error',
    referenceSeverity: 'error? (not boolean)',
    title: '`parallel_tool_calls` is not a boolean',
    description:
      '`parallel_tool_calls` is `true` (the default) or `false`; "Parallel function calling ... can be disabled by using `parallel_tool_calls: false` in the training example."',
    bad: `{"parallel_tool_calls":"false","messages":[${SYS},${USR},${AST}]}`,
    good: `{"parallel_tool_calls":false,"messages":[${SYS},${USR},${AST}]}`,
    appliesTo: SFT_DPO,
    scope: 'line',
    source: 'S1, S5',
    notes: `${NO_API_MESSAGE}; the schema type is boolean.`,
  },
  {
    id: 'TOOL-05',
    code: 'invalid-tool-call',
    severity: 'error',
    referenceSeverity: 'error?',
    title: 'Malformed tool call',
    description:
      'Each item of an assistant\'s `tool_calls` has `id` (string), `type: "function"` and `function: {"name": string, "arguments": string}`. `arguments` is a string holding JSON, not a JSON object. The same shape applies to the deprecated `function_call`.',
    bad: `{${TOOLS},"messages":[${SYS},${WEATHER_Q},{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":{"city":"Paris"}}}]}]}`,
    good: `{${TOOLS},"messages":[${SYS},${WEATHER_Q},{"role":"assistant","tool_calls":[${CALL}]}]}`,
    appliesTo: CHAT,
    scope: 'line',
    source: 'S1, S4a',
    notes: `${NO_API_MESSAGE}; the S1 \`ChatCompletionMessageToolCall\` schema requires all three keys. \`type: "custom"\` calls are flagged because fine-tuning tools declare only function tools.`,
  },
  {
    id: 'TOOL-06',
    code: 'arguments-not-json',
    severity: 'warning',
    referenceSeverity: 'warning',
    title: 'Tool call arguments are not valid JSON',
    description:
      '`function.arguments` (or `function_call.arguments`) should be a JSON string; the spec says arguments are "in JSON format" and every guide example uses JSON. No source says OpenAI rejects invalid JSON here, but the model learns to emit broken arguments.',
    bad: `{${TOOLS},"messages":[${SYS},${WEATHER_Q},{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{city: Paris}"}}]}]}`,
    good: `{${TOOLS},"messages":[${SYS},${WEATHER_Q},{"role":"assistant","tool_calls":[${CALL}]}]}`,
    appliesTo: CHAT,
    scope: 'line',
    source: 'S1, S4a, S5',
  },
  {
    id: 'TOOL-07',
    code: 'unmatched-tool-call',
    severity: 'warning',
    referenceSeverity: 'warning [inferred]',
    title: 'Tool reply and tool call do not match',
    description:
      'A `tool` message\'s `tool_call_id` should match a `tool_calls[].id` of a preceding assistant message, and every tool call should get a `tool` reply before the next assistant turn. (A final assistant message whose tool calls are not answered is normal: it trains the call itself.)',
    bad: `{${TOOLS},"messages":[${SYS},${WEATHER_Q},{"role":"assistant","tool_calls":[${CALL}]},{"role":"tool","tool_call_id":"call_9","content":"18 C, sunny"},{"role":"assistant","content":"18 C and sunny."}]}`,
    good: `{${TOOLS},"messages":[${SYS},${WEATHER_Q},{"role":"assistant","tool_calls":[${CALL}]},${TOOL_REPLY},{"role":"assistant","content":"18 C and sunny."}]}`,
    appliesTo: CHAT,
    scope: 'line',
    source: 'S1, S5',
  },
  {
    id: 'TOOL-08',
    code: 'undeclared-function',
    severity: 'warning',
    referenceSeverity: 'warning',
    title: 'Assistant calls a function the example does not declare',
    description:
      'The example declares `tools` (or `functions`) but an assistant calls a name that is not among them. Omitting all definitions is allowed (a token-saving technique), so examples without any declarations are not flagged, but "we recommend using the same tool definitions for both training and querying".',
    bad: `{${TOOLS},"messages":[${SYS},${WEATHER_Q},{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_forecast","arguments":"{}"}}]}]}`,
    good: `{${TOOLS},"messages":[${SYS},${WEATHER_Q},{"role":"assistant","tool_calls":[${CALL}]}]}`,
    appliesTo: SFT_DPO,
    scope: 'line',
    source: 'S5',
  },
  {
    id: 'TOOL-09',
    code: 'parallel-calls-disabled',
    severity: 'warning',
    referenceSeverity: 'warning [inferred]',
    title: 'Several tool calls although `parallel_tool_calls` is false',
    description:
      'With `parallel_tool_calls: false` the model is told to make one call at a time, yet an assistant message holds more than one tool call.',
    bad: `{"parallel_tool_calls":false,${TOOLS},"messages":[${SYS},{"role":"user","content":"Weather in Paris and Rome?"},{"role":"assistant","tool_calls":[${CALL},{"id":"call_2","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Rome\\"}"}}]}]}`,
    good: `{"parallel_tool_calls":true,${TOOLS},"messages":[${SYS},{"role":"user","content":"Weather in Paris and Rome?"},{"role":"assistant","tool_calls":[${CALL},{"id":"call_2","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Rome\\"}"}}]}]}`,
    appliesTo: SFT_DPO,
    scope: 'line',
    source: 'S1, S5',
  },
  // ---------------------------------------------------------------- IMG
  {
    id: 'IMG-01',
    code: 'image-not-in-user-message',
    severity: 'error',
    referenceSeverity: 'error',
    title: 'Image outside a user message',
    description:
      'Images (`image_url` parts) may appear only in `user` messages: "You cannot include images as output from messages with the `assistant` role"; system, developer and tool content is text only.',
    bad: `{"messages":[${SYS},${USR},{"role":"assistant","content":[${IMG('https://example.com/paris.png')}]}]}`,
    good: `{"messages":[${SYS},${IMG_USER(IMG('https://example.com/paris.png'))},${AST}]}`,
    appliesTo: CHAT,
    scope: 'line',
    source: 'S4b, S5, S1',
  },
  {
    id: 'IMG-02',
    code: 'invalid-image-url',
    severity: 'error',
    referenceSeverity: 'error?',
    title: 'Image URL or detail is invalid',
    description:
      '`image_url.url` is required and is an `http(s)://` URL or a `data:image/...;base64,...` data URL. `image_url.detail`, if present, is `auto`, `low` or `high`.',
    bad: `{"messages":[${SYS},${IMG_USER(IMG('file:///home/me/paris.png'))},${AST}]}`,
    good: `{"messages":[${SYS},${IMG_USER(IMG('https://example.com/paris.png'))},${AST}]}`,
    appliesTo: CHAT,
    scope: 'line',
    source: 'S4b, S1',
    notes: `${NO_API_MESSAGE}; the vision guide names only URLs and base64 data URLs.`,
  },
  {
    id: 'IMG-03',
    code: 'too-many-images',
    severity: 'error',
    referenceSeverity: 'error?',
    title: 'More than 10 images in one example',
    description:
      'An example holds at most 10 images (Azure documents 64; OpenAI\'s guide says 10). The problem points at the 11th image.',
    bad: `{"messages":[${SYS},${IMG_USER(Array.from({ length: 11 }, (_, i) => IMG(`https://example.com/${i}.png`)).join(','))},${AST}]}`,
    good: `{"messages":[${SYS},${IMG_USER(Array.from({ length: 10 }, (_, i) => IMG(`https://example.com/${i}.png`)).join(','))},${AST}]}`,
    appliesTo: CHAT,
    scope: 'line',
    source: 'S4b, S5',
    notes: `${NO_API_MESSAGE}; OpenAI's guide (the primary source) gives 10.`,
  },
  {
    id: 'IMG-04',
    code: 'image-format-or-size',
    severity: 'warning',
    referenceSeverity: 'warning',
    title: 'Image is too large or not JPEG, PNG or WEBP',
    description:
      'Each image must be at most 10 MB, JPEG, PNG or WEBP, in RGB or RGBA mode; other images are skipped from training ("image too large", "invalid image format"). Tuneline checks what it can see locally: the media type and decoded size of `data:` URLs, and a URL path ending in another image extension.',
    bad: `{"messages":[${SYS},${IMG_USER(IMG('data:image/gif;base64,R0lGODlhAQABAAAAACw='))},${AST}]}`,
    good: `{"messages":[${SYS},${IMG_USER(IMG('data:image/png;base64,iVBORw0KGgo='))},${AST}]}`,
    appliesTo: CHAT,
    scope: 'line',
    source: 'S4b',
  },
  {
    id: 'IMG-05',
    code: 'image-url-unreachable',
    severity: 'warning',
    referenceSeverity: 'warning',
    title: 'Image URL is not publicly reachable',
    description:
      'Images behind URLs that OpenAI cannot fetch are skipped ("inaccessible URL"). Tuneline flags URLs that are certainly private: `localhost`, loopback and private-network addresses, and `.local`/`.internal` hosts.',
    bad: `{"messages":[${SYS},${IMG_USER(IMG('http://localhost:8000/paris.png'))},${AST}]}`,
    good: `{"messages":[${SYS},${IMG_USER(IMG('https://example.com/paris.png'))},${AST}]}`,
    appliesTo: CHAT,
    scope: 'line',
    source: 'S4b',
  },
  {
    id: 'IMG-06',
    code: 'image-moderation',
    severity: 'info',
    referenceSeverity: 'info',
    title: 'Images of people, faces, children or CAPTCHAs are excluded',
    description:
      'Images containing people, faces, children or CAPTCHAs are removed by moderation after upload. A local validator cannot check this; it is documented for reference.',
    bad: 'An example whose image is a photo of a person.',
    good: 'Images without people, faces, children or CAPTCHAs.',
    appliesTo: SFT,
    scope: 'info',
    source: 'S4b, S5',
  },
  {
    id: 'IMG-07',
    code: 'vision-model',
    severity: 'warning',
    referenceSeverity: 'warning',
    title: 'Images with a model not listed for vision fine-tuning',
    description:
      "The file has images but the target model is not `gpt-4o-2024-08-06`, the only model OpenAI's guide lists for vision fine-tuning (Azure also lists gpt-4.1-2025-04-14).",
    bad: 'A file with image examples, target model gpt-4.1-mini-2025-04-14.',
    good: 'The same file with target model gpt-4o-2024-08-06.',
    appliesTo: SFT,
    scope: 'model',
    source: 'S4b, S12',
  },
  {
    id: 'IMG-08',
    code: 'image-token-cost',
    severity: 'info',
    referenceSeverity: 'info',
    title: 'Image token cost depends on `detail`',
    description:
      '`detail: "low"` resizes an image to 512x512 and counts 85 tokens; `detail` also sets the tokens per image during training.',
    bad: 'Thousands of images at `detail: "high"` where low detail would do.',
    good: '`"image_url": {"url": "...", "detail": "low"}` where fine detail is not needed.',
    appliesTo: SFT,
    scope: 'info',
    source: 'S4b, S5',
  },
  // ---------------------------------------------------------------- DPO
  {
    id: 'DPO-01',
    code: 'missing-preference-key',
    severity: 'error',
    referenceSeverity: 'error',
    title: 'Preference example lacks `input`, `preferred_output` or `non_preferred_output`, or has another key',
    description:
      'A DPO example has exactly the top-level keys `input`, `preferred_output` and `non_preferred_output` ("Example 1 is missing key \'input\'"). Other top-level keys are not defined.',
    bad: `{"input":{"messages":[${USR}]},"preferred_output":[${AST}]}`,
    good: DPO_GOOD,
    appliesTo: DPO,
    scope: 'line',
    source: 'S2, S4c, S11',
    notes: 'Missing keys: observed API error. Extra keys: the reference says they are "not defined"; reported as errors like extra supervised keys (SFT-02, observed rejected).',
  },
  {
    id: 'DPO-02',
    code: 'invalid-preference-input',
    severity: 'error',
    referenceSeverity: 'error?',
    title: '`input` is not an object with a non-empty `messages` array',
    description:
      '`input` is an object with a non-empty `messages` array (messages follow the supervised role, key and content rules) and optional `tools` and `parallel_tool_calls`; no other keys.',
    bad: `{"input":[${USR}],"preferred_output":[${AST}],"non_preferred_output":[{"role":"assistant","content":"Lyon."}]}`,
    good: DPO_GOOD,
    appliesTo: DPO,
    scope: 'line',
    source: 'S2',
    notes: `${NO_API_MESSAGE}; the structure is the S2 \`FineTunePreferenceRequestInput\` schema.`,
  },
  {
    id: 'DPO-03',
    code: 'invalid-preference-output',
    severity: 'error',
    referenceSeverity: 'error?',
    title: 'Output is not an array of exactly one assistant message',
    description:
      '`preferred_output` and `non_preferred_output` are each an array holding exactly one assistant message (`maxItems: 1`; "A preferred output (an ideal assistant response)").',
    bad: `{${DPO_IN},"preferred_output":{"role":"assistant","content":"Paris."},"non_preferred_output":[{"role":"assistant","content":"Lyon."}]}`,
    good: DPO_GOOD,
    appliesTo: DPO,
    scope: 'line',
    source: 'S2, S4c',
    notes: `${NO_API_MESSAGE}; the S2 schema and the guide agree.`,
  },
  {
    id: 'DPO-04',
    code: 'weight-in-preference',
    severity: 'error',
    referenceSeverity: 'error?',
    title: '`weight` in a preference example',
    description:
      'Preference outputs use the plain assistant message schema, which has no `weight`; the input messages have none either. Remove `weight`.',
    bad: `{${DPO_IN},"preferred_output":[{"role":"assistant","content":"Paris.","weight":1}],"non_preferred_output":[{"role":"assistant","content":"Lyon."}]}`,
    good: DPO_GOOD,
    appliesTo: DPO,
    scope: 'line',
    source: 'S2',
    notes: `${NO_API_MESSAGE}. Also applied to \`input.messages\`, whose schema (ChatCompletionRequestMessage) has no \`weight\` either.`,
  },
  {
    id: 'DPO-05',
    code: 'preference-not-single-turn',
    severity: 'warning',
    referenceSeverity: 'warning',
    title: 'Preference input already has assistant turns',
    description:
      '"Currently, we only train on one-turn conversations for each example, where the preferred and non-preferred messages need to be the last assistant message." An `input.messages` that contains assistant turns, or ends with one, is flagged.',
    bad: `{"input":{"messages":[${USR},${AST},{"role":"user","content":"And of Italy?"}]},"preferred_output":[{"role":"assistant","content":"Rome."}],"non_preferred_output":[{"role":"assistant","content":"Milan."}]}`,
    good: DPO_GOOD,
    appliesTo: DPO,
    scope: 'line',
    source: 'S4c, S5',
  },
  {
    id: 'DPO-06',
    code: 'old-preference-key-names',
    severity: 'error',
    referenceSeverity: 'error?',
    title: 'Old key names `preferred_completion` / `non_preferred_completion`',
    description:
      'The spec briefly (2024-12 to 2025-05) named the outputs `preferred_completion` and `non_preferred_completion`; the guides always, and the spec since 2025-07, say `preferred_output` and `non_preferred_output`. Rename the keys.',
    bad: `{${DPO_IN},"preferred_completion":[${AST}],"non_preferred_completion":[{"role":"assistant","content":"Lyon."}]}`,
    good: DPO_GOOD,
    appliesTo: DPO,
    scope: 'line',
    source: 'S3, S2, S4c',
    notes: `${NO_API_MESSAGE}; no guide or current schema accepts the old names.`,
  },
  {
    id: 'DPO-07',
    code: 'image-in-preference',
    severity: 'warning',
    referenceSeverity: 'warning (conflicting sources)',
    title: 'Image in a preference example',
    description:
      'The DPO guide says "DPO is currently only supported for text inputs and outputs", while the schema allows images. Images are flagged once per example.',
    bad: `{"input":{"messages":[${IMG_USER(IMG('https://example.com/paris.png'))}]},"preferred_output":[${AST}],"non_preferred_output":[{"role":"assistant","content":"Lyon."}]}`,
    good: DPO_GOOD,
    appliesTo: DPO,
    scope: 'line',
    source: 'S4c, S5, S2',
  },
  {
    id: 'DPO-08',
    code: 'identical-preference-outputs',
    severity: 'warning',
    referenceSeverity: 'warning [inferred]',
    title: 'Preferred and non-preferred outputs are identical',
    description: 'When both outputs are the same the pair carries no preference signal.',
    bad: `{${DPO_IN},"preferred_output":[${AST}],"non_preferred_output":[${AST}]}`,
    good: DPO_GOOD,
    appliesTo: DPO,
    scope: 'line',
    source: 'S4c',
  },
  // ---------------------------------------------------------------- RFT
  {
    id: 'RFT-01',
    code: 'rft-missing-messages',
    severity: 'error',
    referenceSeverity: 'error',
    title: 'RFT example lacks a non-empty `messages` array',
    description: 'A reinforcement example needs `messages` (required by the schema) with at least one message.',
    bad: '{"messages":[],"reference_answer":"Paris"}',
    good: RFT_GOOD,
    appliesTo: RFT,
    scope: 'line',
    source: 'S2',
  },
  {
    id: 'RFT-02',
    code: 'rft-invalid-role',
    severity: 'error',
    referenceSeverity: 'error?',
    title: 'RFT message role is not developer, user, assistant or tool',
    description:
      'Reinforcement messages use the roles `developer`, `user`, `assistant` and `tool` only. `system` is not allowed (use `developer`).',
    bad: `{"messages":[{"role":"system","content":"Answer with the city only."},${USR}],"reference_answer":"Paris"}`,
    good: RFT_GOOD,
    appliesTo: RFT,
    scope: 'line',
    source: 'S2, S12',
    notes: `${NO_API_MESSAGE}; the S2 schema lists four roles and Azure says "System messages aren't supported".`,
  },
  {
    id: 'RFT-03',
    code: 'rft-last-message-not-user',
    severity: 'error',
    referenceSeverity: 'error? (Azure doc)',
    title: 'RFT example does not end with a user message',
    description:
      'In reinforcement data the final message is from the user, "not the assistant (as is the case for SFT)": the model generates the answer that the grader scores.',
    bad: `{"messages":[${DEV},${USR},${AST}],"reference_answer":"Paris"}`,
    good: RFT_GOOD,
    appliesTo: RFT,
    scope: 'line',
    source: 'S12, S4d',
    notes: `${NO_API_MESSAGE}; Azure states it and every OpenAI RFT example ends with a user message.`,
  },
  {
    id: 'RFT-04',
    code: 'rft-grader-fields',
    severity: 'info',
    referenceSeverity: 'info',
    title: 'Extra top-level keys are grader data',
    description:
      'In reinforcement data `messages` and `tools` are the only reserved keys; any other key (e.g. `reference_answer`) is passed to graders as `{{ item.<key> }}`. Tuneline never flags them as unknown keys.',
    bad: '(nothing to flag)',
    good: RFT_GOOD,
    appliesTo: RFT,
    scope: 'info',
    source: 'S2',
  },
  {
    id: 'RFT-05',
    code: 'rft-unresolved-item-variable',
    severity: 'warning',
    referenceSeverity: 'warning',
    title: "Grader's `{{ item.X }}` does not resolve in this example",
    description:
      'Every `{{ item.X }}` path the grader uses must exist in every example; otherwise grading logs `invalid_variable_error` during training (the job is not rejected up front). Checked when a grader is configured.',
    bad: `{"messages":[${DEV},${USR}],"answer":"Paris"}   (grader reference "{{ item.reference_answer }}")`,
    good: `${RFT_GOOD}   (grader reference "{{ item.reference_answer }}")`,
    appliesTo: RFT,
    scope: 'line',
    source: 'S4d, S4f',
  },
  {
    id: 'RFT-06',
    code: 'image-in-rft',
    severity: 'warning',
    referenceSeverity: 'warning (conflicting sources)',
    title: 'Image in a reinforcement example',
    description:
      'The schema allows images in RFT input, but Azure says "Images / multimodal data aren\'t supported". Images are flagged once per example.',
    bad: `{"messages":[${DEV},${IMG_USER(IMG('https://example.com/paris.png'))}],"reference_answer":"Paris"}`,
    good: RFT_GOOD,
    appliesTo: RFT,
    scope: 'line',
    source: 'S2, S12',
  },
  {
    id: 'RFT-07',
    code: 'rft-model',
    severity: 'error',
    referenceSeverity: 'error?',
    title: 'RFT base model is not o4-mini',
    description:
      'Reinforcement fine-tuning is "supported on o-series reasoning models only, and currently only for o4-mini" (`o4-mini-2025-04-16`).',
    bad: 'An RFT job with model gpt-4.1-mini-2025-04-14.',
    good: 'An RFT job with model o4-mini-2025-04-16.',
    appliesTo: RFT,
    scope: 'model',
    source: 'S4d',
    notes: `${NO_API_MESSAGE}; the RFT guide names o4-mini as the only model.`,
  },
  {
    id: 'RFT-08',
    code: 'invalid-rft-grader',
    severity: 'error',
    referenceSeverity: 'error',
    title: 'RFT grader is missing or of an unsupported type',
    description:
      '`method.reinforcement.grader` is required and is one of `string_check`, `text_similarity`, `python`, `score_model` or `multi`; `label_model` is allowed only inside `multi`.',
    bad: '{"type":"label_model","name":"g","model":"gpt-4o-2024-08-06","input":[],"labels":["a"],"passing_labels":["a"]}',
    good: '{"type":"string_check","name":"exact","input":"{{ sample.output_text }}","reference":"{{ item.reference_answer }}","operation":"eq"}',
    appliesTo: RFT,
    scope: 'grader',
    source: 'S1',
  },
  {
    id: 'GRD-01',
    code: 'string-check-grader',
    severity: 'error',
    referenceSeverity: 'error?',
    title: 'Invalid `string_check` grader',
    description:
      '`string_check` needs `type`, `name`, `input`, `reference` and `operation`; `operation` is `eq`, `ne`, `like` or `ilike` (the guide\'s `neq` is not in the spec).',
    bad: '{"type":"string_check","name":"exact","input":"{{ sample.output_text }}","reference":"{{ item.reference_answer }}","operation":"neq"}',
    good: '{"type":"string_check","name":"exact","input":"{{ sample.output_text }}","reference":"{{ item.reference_answer }}","operation":"ne"}',
    appliesTo: RFT,
    scope: 'grader',
    source: 'S1, S4f',
    notes: `${NO_API_MESSAGE}; the spec's enum is authoritative over the guide's prose.`,
  },
  {
    id: 'GRD-02',
    code: 'text-similarity-grader',
    severity: 'error',
    referenceSeverity: 'error?',
    title: 'Invalid `text_similarity` grader',
    description:
      '`text_similarity` needs `type`, `name`, `input`, `reference` and `evaluation_metric` (`fuzzy_match`, `bleu`, `gleu`, `meteor`, `rouge_1` to `rouge_5`, `rouge_l`). `cosine` is "only available for evals", so it is flagged for RFT.',
    bad: '{"type":"text_similarity","name":"sim","input":"{{ sample.output_text }}","reference":"{{ item.reference_answer }}","evaluation_metric":"cosine"}',
    good: '{"type":"text_similarity","name":"sim","input":"{{ sample.output_text }}","reference":"{{ item.reference_answer }}","evaluation_metric":"fuzzy_match"}',
    appliesTo: RFT,
    scope: 'grader',
    source: 'S1, S4f',
    notes: NO_API_MESSAGE,
  },
  {
    id: 'GRD-03',
    code: 'python-grader',
    severity: 'error',
    referenceSeverity: 'error? (size); info (runtime)',
    title: 'Invalid `python` grader',
    description:
      '`python` needs `type`, `name` and `source` (`image_tag` optional); the source defines `grade(sample, item) -> float` and is under 256 kB. It runs without network access, for at most 2 minutes, with 2 GB memory, 1 GB disk and 2 CPU cores.',
    bad: '{"type":"python","name":"py","source":"def score(sample, item):\\n    return 1.0"}',
    good: '{"type":"python","name":"py","source":"def grade(sample, item):\\n    return 1.0"}',
    appliesTo: RFT,
    scope: 'grader',
    source: 'S1, S4f',
    notes: `${NO_API_MESSAGE}. The size limit is taken as 256 KiB of UTF-8. A source without \`def grade(\` is an error: the guide requires that entry point. The runtime limits are information only.`,
  },
  {
    id: 'GRD-04',
    code: 'score-model-grader',
    severity: 'error',
    referenceSeverity: 'error?',
    title: 'Invalid `score_model` grader',
    description:
      '`score_model` needs `type`, `name`, `input` and `model`; `range` defaults to `[0, 1]`. The model is one of gpt-4o-2024-08-06, gpt-4o-mini-2024-07-18, gpt-4.1-2025-04-14, gpt-4.1-mini-2025-04-14, gpt-4.1-nano-2025-04-14, o1-2024-12-17, o3-mini-2025-01-31, o3-2025-04-16 and o4-mini-2025-04-16. `temperature` is not supported for reasoning (o-series) models, nor `reasoning_effort` for the others.',
    bad: '{"type":"score_model","name":"judge","model":"o3-mini-2025-01-31","input":[{"role":"user","content":"Score {{ sample.output_text }}"}],"sampling_params":{"temperature":0.2}}',
    good: '{"type":"score_model","name":"judge","model":"o3-mini-2025-01-31","input":[{"role":"user","content":"Score {{ sample.output_text }}"}],"sampling_params":{"reasoning_effort":"low"}}',
    appliesTo: RFT,
    scope: 'grader',
    source: 'S1, S4f',
    notes: NO_API_MESSAGE,
  },
  {
    id: 'GRD-05',
    code: 'label-model-grader',
    severity: 'error',
    referenceSeverity: 'error?',
    title: 'Invalid `label_model` grader',
    description:
      '`label_model` (only inside `multi`) needs `type`, `name`, `model`, `input`, `labels` and `passing_labels`; `passing_labels` "must be a subset of labels", and the model "must support structured outputs".',
    bad: '{"type":"multi","name":"m","graders":{"lbl":{"type":"label_model","name":"lbl","model":"gpt-4o-2024-08-06","input":[{"role":"user","content":"{{ sample.output_text }}"}],"labels":["good","bad"],"passing_labels":["great"]}},"calculate_output":"lbl"}',
    good: '{"type":"multi","name":"m","graders":{"lbl":{"type":"label_model","name":"lbl","model":"gpt-4o-2024-08-06","input":[{"role":"user","content":"{{ sample.output_text }}"}],"labels":["good","bad"],"passing_labels":["good"]}},"calculate_output":"lbl"}',
    appliesTo: RFT,
    scope: 'grader',
    source: 'S1',
    notes: NO_API_MESSAGE,
  },
  {
    id: 'GRD-06',
    code: 'multi-grader',
    severity: 'error',
    referenceSeverity: 'error?',
    title: 'Invalid `multi` grader',
    description:
      '`multi` needs `name`, `type`, `graders` and `calculate_output`. `graders` is a map of name to grader (the guides\' form; a list or a single grader, as the spec types it, is also accepted), and `calculate_output` may use only those names, numbers, `+ - * / ^`, parentheses and `min max abs floor ceil exp sqrt log`.',
    bad: '{"type":"multi","name":"m","graders":{"exact":{"type":"string_check","name":"exact","input":"{{ sample.output_text }}","reference":"{{ item.answer }}","operation":"eq"}},"calculate_output":"0.5 * exactness"}',
    good: '{"type":"multi","name":"m","graders":{"exact":{"type":"string_check","name":"exact","input":"{{ sample.output_text }}","reference":"{{ item.answer }}","operation":"eq"}},"calculate_output":"0.5 * exact"}',
    appliesTo: RFT,
    scope: 'grader',
    source: 'S1, S4d, S4f, S12',
    notes: `${NO_API_MESSAGE}. The function list comes from Azure (S12).`,
  },
  {
    id: 'GRD-07',
    code: 'invalid-grader-template',
    severity: 'error',
    referenceSeverity: 'error?',
    title: 'Template variable outside the `item` and `sample` namespaces',
    description:
      'Grader templates have the form `{{ namespace.variable }}` and "the only supported namespaces are `item` and `sample`"; `sample` offers `output_text`, `output_json`, `output_tools` and `choices`.',
    bad: '{"type":"string_check","name":"exact","input":"{{ output.text }}","reference":"{{ item.answer }}","operation":"eq"}',
    good: '{"type":"string_check","name":"exact","input":"{{ sample.output_text }}","reference":"{{ item.answer }}","operation":"eq"}',
    appliesTo: RFT,
    scope: 'grader',
    source: 'S4f',
    notes: NO_API_MESSAGE,
  },
  // ---------------------------------------------------------------- LEGACY
  {
    id: 'LEG-01',
    code: 'invalid-completion-example',
    severity: 'error',
    referenceSeverity: 'error? (wrong keys or types)',
    title: 'Legacy example is not `{"prompt": string, "completion": string}`',
    description:
      'The legacy format for `babbage-002` / `davinci-002` is exactly `{"prompt": string, "completion": string}`: both keys, both strings, nothing else.',
    bad: '{"prompt":"Capital of France?","answer":"Paris"}',
    good: '{"prompt":"Capital of France?","completion":" Paris"}',
    appliesTo: LEG,
    scope: 'line',
    source: 'S3, S1',
    notes: `${NO_API_MESSAGE}; the S3 schema is the last definition of the format.`,
  },
  {
    id: 'LEG-02',
    code: 'legacy-format-deprecated',
    severity: 'warning',
    referenceSeverity: 'warning (file); error (new job)',
    title: 'Legacy prompt/completion training has ended',
    description:
      '"New fine-tuning training runs on these models [babbage-002, davinci-002] will no longer be supported starting October 28, 2024." A legacy-format file is flagged once; convert it to chat format for `gpt-4o-mini` or newer.',
    bad: 'A file of {"prompt": ..., "completion": ...} lines.',
    good: 'The same data as {"messages": [user, assistant]} lines.',
    appliesTo: LEG,
    scope: 'file',
    source: 'S4g',
  },
  // ---------------------------------------------------------------- TOK
  {
    id: 'TOK-01',
    code: 'example-too-long',
    severity: 'warning',
    referenceSeverity: 'warning',
    title: "Example exceeds the model's training-example token limit",
    description:
      "An example longer than the model's training-example limit (65,536 tokens for the gpt-4.1 and gpt-4o families, 16,385 for gpt-3.5-turbo-0125/1106, 4,096 for gpt-3.5-turbo-0613) is truncated from the end, not rejected.",
    bad: 'A 70,000-token example for gpt-4.1-mini-2025-04-14.',
    good: 'The example split into shorter ones under 65,536 tokens.',
    appliesTo: SFT_DPO,
    scope: 'tokens',
    source: 'S4e, S5, S6',
  },
  {
    id: 'TOK-02',
    code: 'token-estimate',
    severity: 'info',
    referenceSeverity: 'info',
    title: 'How tokens are counted',
    description:
      "Per message 3 tokens plus the encoded length of every string value, plus 1 when `name` is present, then 3 for the reply primer; tools add the cookbook's function overhead. Counts use the model's encoding and are estimates.",
    bad: '(information)',
    good: '(information)',
    appliesTo: SFT_DPO,
    scope: 'tokens',
    source: 'S6, S7',
  },
  {
    id: 'TOK-03',
    code: 'billing-estimate',
    severity: 'info',
    referenceSeverity: 'info',
    title: 'How training cost is estimated',
    description:
      'Billed tokens = sum over examples of min(limit, tokens) x epochs, with the default-epoch heuristic (3 epochs, raised toward 100 example-passes up to 25, lowered to stay under 25,000 passes, at least 1). Cost = price per 1M tokens / 1M x billed tokens. Validation tokens are free.',
    bad: '(information)',
    good: '(information)',
    appliesTo: ['supervised'],
    scope: 'tokens',
    source: 'S6, S5',
  },
  // ---------------------------------------------------------------- JOB
  {
    id: 'JOB-01',
    code: 'invalid-job-parameter',
    severity: 'error',
    referenceSeverity: 'error',
    title: 'Invalid job-creation parameter',
    description:
      '`model` and `training_file` are required; `suffix` is 1 to 64 characters; `seed` is an integer 0 to 2147483647; `metadata` has at most 16 pairs (keys up to 64, values up to 512 characters); integrations are `wandb` with a `project`, at most 5.',
    bad: 'A job with suffix of 80 characters.',
    good: 'A job with suffix "support-bot-v2".',
    appliesTo: ALL,
    scope: 'job',
    source: 'S1, S5',
  },
  {
    id: 'JOB-02',
    code: 'invalid-job-method',
    severity: 'error',
    referenceSeverity: 'error',
    title: 'Invalid fine-tuning method or hyperparameters',
    description:
      '`method.type` is `supervised`, `dpo` or `reinforcement`; hyperparameters go in `method.<type>.hyperparameters` (top-level `hyperparameters` is deprecated). `batch_size` 1 to 256, `learning_rate_multiplier` > 0, `n_epochs` 1 to 50 (each or `"auto"`); DPO `beta` in (0, 2]; RFT `reasoning_effort`, `compute_multiplier`, `eval_interval` and `eval_samples` within their ranges.',
    bad: 'method {"type":"dpo","dpo":{"hyperparameters":{"beta":3}}}',
    good: 'method {"type":"dpo","dpo":{"hyperparameters":{"beta":0.1}}}',
    appliesTo: ALL,
    scope: 'job',
    source: 'S1, S5, S12',
  },
  {
    id: 'JOB-03',
    code: 'fine-tuning-wind-down',
    severity: 'warning',
    referenceSeverity: 'warning',
    title: 'OpenAI is winding down self-serve fine-tuning',
    description:
      `"OpenAI is winding down the fine-tuning platform." Secondary reports give the steps: ${openaiWindDownSteps()}.`,
    bad: 'Creating a new job on an organisation without fine-tuning history.',
    good: 'Check eligibility before preparing a large dataset.',
    appliesTo: ALL,
    scope: 'job',
    source: 'S10, S13',
  },
  // ---------------------------------------------------------------- Tuneline's own rules (gaps in the reference)
  {
    id: 'TL-01',
    code: 'utf8-bom',
    severity: 'warning',
    referenceSeverity: '(not in the reference)',
    title: 'File starts with a UTF-8 byte-order mark',
    description:
      'The first line starts with a UTF-8 byte-order mark (U+FEFF), as some Windows editors write. Tuneline skips it, but strict JSON readers do not: Python\'s `json.loads` fails with "Unexpected UTF-8 BOM". Save the file as UTF-8 without BOM.',
    bad: `\\uFEFF${GOOD_SFT}   (the first bytes of the file are EF BB BF)`,
    good: GOOD_SFT,
    appliesTo: ALL,
    scope: 'line',
    source: 'Tuneline (reference section 12: file encoding and BOM handling are a gap with no source)',
    notes: 'A warning rather than an error because OpenAI\'s handling is unknown; the risk comes from Python\'s JSON reader, which rejects a BOM unless the file is decoded as utf-8-sig.',
  },
  {
    id: 'TL-02',
    code: 'blank-line',
    severity: 'warning',
    referenceSeverity: '(not in the reference)',
    title: 'Blank line in the file',
    description:
      'A blank (empty or whitespace-only) line between examples is not a JSON value. Many readers skip it, but a strict JSON Lines reader rejects it. A single line break at the end of the file is fine.',
    bad: 'Line 12 of the file is empty.',
    good: 'No blank lines between examples.',
    appliesTo: ALL,
    scope: 'file',
    source: 'Tuneline (reference section 12: blank or trailing lines are a gap with no source)',
  },
  {
    id: 'TL-03',
    code: 'duplicate-example',
    severity: 'warning',
    referenceSeverity: '(not in the reference)',
    title: 'Exact duplicate of an earlier example',
    description:
      'The example is identical to an earlier line (reported on each later copy, naming the first). Duplicates weight that example more heavily and cost tokens.',
    bad: 'Line 40 is identical to line 7.',
    good: 'Each example appears once.',
    appliesTo: ALL,
    scope: 'file',
    source: 'Tuneline (issue 4 requirement)',
  },
];

R.push(...PROFILE_RULES);

export const RULES: readonly RuleInfo[] = R;

const BY_CODE = new Map<string, RuleInfo>();
const BY_ID = new Map<string, RuleInfo>();
for (const r of R) {
  BY_CODE.set(r.code, r);
  BY_ID.set(r.id, r);
}

export function ruleByCode(code: string): RuleInfo | undefined {
  return BY_CODE.get(code);
}

export function ruleById(id: string): RuleInfo | undefined {
  return BY_ID.get(id);
}
