/**
 * Dataset profiles: the rules of the service and model a dataset will train on. Pure data (no `vscode`, no I/O), so
 * that a profile can be named by its id across threads (the engine worker re-resolves it from `provider` + `model`).
 *
 * A profile says how the engine's OpenAI rules differ for one (provider, model): which formats the service accepts,
 * which per-line rule codes change severity (or are off), the file rules (size, count, encoding, BOM), the limits
 * (tokens per example, images per example and their size and encoding), the tokenizer and chat template, prices with
 * their date, and the retirement date with its source. The OpenAI profile changes nothing: it is today's behaviour.
 */
import type { Method, Severity } from '../types';

/**
 * Every service Tuneline has an adapter for (`src/api/providers/` re-exports this type: core owns it, since api may
 * import core but not the reverse). Not every one has a dataset profile: `PROVIDER_IDS` lists those that do.
 */
export type ProviderId = 'openai' | 'azure' | 'custom' | 'together' | 'fireworks' | 'nebius' | 'bedrock-mantle';

/** A line format, by its top-level keys. `text` = `{"text": "..."}` (generic text, continued pre-training). */
export type LineFormat = 'messages' | 'preference' | 'completion' | 'text';

/** Where a fact comes from: a page, and the day it was read. */
export interface Source {
  readonly url: string;
  /** ISO date the page was read (YYYY-MM-DD). */
  readonly read: string;
  /** What the page says, in a few words. */
  readonly says: string;
}

/** How the tokens of an example are counted for this model. */
export interface TokenizerInfo {
  /**
   * The tokenizer: an OpenAI encoding (`o200k_base`, `cl100k_base`), or an open model's Hugging Face tokenizer id
   * (e.g. `meta-llama/Llama-3.3-70B-Instruct`).
   */
  readonly id: string;
  /** The chat template the trainer renders the messages with (a Hugging Face model id, or `openai` for TOK-02). */
  readonly chatTemplate: string;
  /** True when Tuneline counts with this exact tokenizer; false: an estimate, explained by `estimate`. */
  readonly exact: boolean;
  /** How the count is estimated when it is not exact. */
  readonly estimate?: string;
}

export interface PriceInfo {
  /** USD per 1M training tokens (or per hour when `unit` says so). */
  readonly usd: number;
  readonly unit: 'per-1m-training-tokens' | 'per-hour';
  /** The date the price was read. */
  readonly date: string;
  readonly source: string;
}

export interface RetirementInfo {
  /** ISO date when new training on the model ends, or undefined: no date announced. */
  readonly trainingEnds?: string;
  /** ISO date when the model (and its fine-tunes) stop serving, or undefined. */
  readonly servingEnds?: string;
  /** "no date announced" or what the source says. */
  readonly note: string;
  readonly source: string;
}

/** File-level rules. */
export interface FileRules {
  /** Fewer examples are an error (FILE-04 and its equivalents). */
  readonly minExamples: number;
  /** More examples are an error (undefined: no documented maximum). */
  readonly maxExamples?: number;
  /** Below this (but at least `minExamples`) an information or warning recommends more (FILE-05); undefined: none. */
  readonly recommendedExamples?: number;
  /** Largest file the service takes in one upload, in bytes (undefined: the engine's OpenAI limits, FILE-06/07). */
  readonly maxBytes?: number;
  /** Quota of files per resource, and their total size in bytes (informational: the engine does not check it). */
  readonly maxFiles?: number;
  readonly maxTotalBytes?: number;
  /** A UTF-8 byte-order mark at the start of the file is accepted by the service (TL-01 is then off). */
  readonly bomAccepted: boolean;
  /** The only encoding accepted. */
  readonly encoding: 'utf-8';
  /** Most examples with images a training file may have (Azure: 50,000); undefined: no documented maximum. */
  readonly maxImageExamples?: number;
}

/** Per-example limits. */
export interface Limits {
  /** Tokens per training example: longer examples are truncated (TOK-01). */
  readonly tokensPerExample: number;
  /** The model's context length (informational; for open models the trainer's maximum sequence length). */
  readonly contextLength: number;
  /** Images per example (IMG-03). */
  readonly imagesPerExample: number;
  /** Bytes per image (IMG-04: a decoded `data:` image larger than this). */
  readonly imageBytes: number;
  /** How images may be given: a public URL or a base64 data URL, or base64 data URLs only. */
  readonly imageEncoding: 'url-or-base64' | 'base64';
}

export interface Profile {
  /** `provider:model`, e.g. `azure:gpt-4.1-mini-2025-04-14`. */
  readonly id: string;
  readonly provider: ProviderId;
  /** E.g. `Azure AI Foundry`. */
  readonly providerLabel: string;
  /** The model id as the service names it. */
  readonly model: string;
  /** `providerLabel · model`, what the Problems panel and the CLI say judged the file. */
  readonly label: string;
  /** The model is in the provider's table (false: the provider's defaults were used). */
  readonly modelKnown: boolean;
  /** Methods the service trains this model with. */
  readonly methods: readonly Method[];
  /** Line formats accepted. */
  readonly formats: readonly LineFormat[];
  /** A line whose top-level keys match two formats (e.g. `text` and `messages`) is an error. */
  readonly oneFormatPerLine: boolean;
  /**
   * Per-line rule codes whose severity differs from the catalogue's (OpenAI's), or `off`. Only codes whose meaning is
   * the same with another severity belong here; a different rule gets its own code.
   */
  readonly severities: Readonly<Record<string, Severity | 'off'>>;
  /** Top-level keys the service accepts (or ignores) that OpenAI's supervised schema rejects. `*`: any key. */
  readonly extraTopLevelKeys: readonly string[];
  /** Top-level keys every line must have (e.g. Bedrock Mantle's `reference_answer`). */
  readonly requiredTopLevelKeys: readonly string[];
  /** Roles the service accepts that OpenAI's rules reject for the method (Bedrock Mantle: `system` in reinforcement data). */
  readonly extraRoles: readonly string[];
  /** `weight` is allowed on every message, not only on assistant messages. */
  readonly weightOnAnyMessage: boolean;
  readonly file: FileRules;
  readonly limits: Limits;
  /** Models the service lists for vision fine-tuning (IMG-07); undefined: the rule does not apply. */
  readonly visionModels?: readonly string[];
  readonly tokenizer: TokenizerInfo;
  readonly price?: PriceInfo;
  /** Why there is no `price`: what the provider's pricing page showed, and when it was read ("no published price"). */
  readonly priceMissing?: string;
  readonly retirement: RetirementInfo;
  /** Where each difference from OpenAI's rules comes from. */
  readonly sources: readonly Source[];
}
