/**
 * Export to open-source trainers (issue 17): the shared types. Pure: no `vscode`.
 *
 * A trainer module turns Tuneline's (OpenAI-shaped) lines into the lines that trainer reads, one line at a time, and
 * writes a ready config for it; what the trainer would fail on (or silently lose) is reported as `TrainerCheck`s with
 * the source line.
 */

export type TrainerId = 'axolotl' | 'trl' | 'llama-factory' | 'mlx-lm';

export const TRAINER_IDS: readonly TrainerId[] = ['axolotl', 'trl', 'llama-factory', 'mlx-lm'];

/** Which input file a line comes from. */
export type ExportPart = 'train' | 'validation';

/** What the export trains: supervised chat (SFT) or preference pairs (DPO). Decided by the first data line. */
export type ExportKind = 'sft' | 'dpo';

export type CheckSeverity = 'error' | 'warning' | 'info';

/**
 * Something the trainer would fail on (error: the line is not written, since the trainer would stop on it or drop it),
 * lose without a word (warning: the line is written, what is lost is said), or a mapping the user should know (info).
 */
export interface TrainerCheck {
  readonly code: string;
  readonly severity: CheckSeverity;
  /** 0-based line of the source file; undefined for a file-level check. */
  readonly line?: number;
  readonly part: ExportPart;
  readonly message: string;
}

/** A file the export writes, relative to the output folder (POSIX separators). */
export interface ExportFile {
  readonly path: string;
  readonly text: string;
}

export interface ExportOptions {
  /** Base name of the dataset (file name without `.jsonl`), used in the output file names. */
  readonly name: string;
  /** The base model id (`tuneline.model` or the profile's); an open model Tuneline knows fills the config. */
  readonly model?: string;
  /** True when a validation file is exported too. */
  readonly validation?: boolean;
}

/** The model a config names: the Hugging Face id of a known open model, else a placeholder to edit. */
export interface ConfigModel {
  readonly id: string;
  /** True: `id` is a placeholder the user must edit (the model is not an open model Tuneline knows). */
  readonly placeholder: boolean;
  /** The chat-template family when known (LLaMA-Factory's `template` needs it). */
  readonly family?: 'llama3' | 'qwen3' | 'qwen2.5' | 'gpt-oss' | 'gemma3' | 'other';
  /** What the user asked for (for the placeholder's comment). */
  readonly asked?: string;
}

/** What a trainer's config is built from. */
export interface ConfigInput {
  readonly name: string;
  readonly kind: ExportKind;
  readonly model: ConfigModel;
  /** Output data files, relative to the output folder. */
  readonly train: string;
  readonly validation?: string;
  /** Lines written per part. */
  readonly written: Readonly<Record<ExportPart, number>>;
  /** True when any written line has tools (configs mention it). */
  readonly tools: boolean;
  /** True when any written line carries per-message training flags (Axolotl's `train`). */
  readonly perMessageTraining: boolean;
}

export interface TrainerConfig {
  /** The config files (YAML, JSON, scripts). The first is the one to open. */
  readonly files: readonly ExportFile[];
  /** The command that starts training, as a user types it in the output folder. */
  readonly command: string;
}
