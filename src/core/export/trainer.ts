/** What a trainer module is, and the base model its config names. Pure: no `vscode`. */
import { openModel } from '../profiles';
import type { LineContext, SourceLine } from './mapping';
import type { ConfigInput, ConfigModel, ExportKind, ExportPart, TrainerCheck, TrainerConfig, TrainerId } from './types';

export interface Trainer {
  readonly id: TrainerId;
  readonly label: string;
  /** Where its dataset format is documented (shown with the checks). */
  readonly docs: string;
  /** The kinds it trains from a file (MLX-LM's LoRA trainer has no preference training). */
  readonly kinds: readonly ExportKind[];
  /** The data file written for a part, relative to the output folder. */
  dataPath(name: string, part: ExportPart): string;
  /** The line as the trainer reads it; undefined when it is not written (a check says why). */
  convert(src: SourceLine, ctx: LineContext): unknown;
  config(input: ConfigInput): TrainerConfig;
  /** File-level checks once all lines are read (e.g. MLX-LM without a validation file). */
  fileChecks?(input: ConfigInput): TrainerCheck[];
}

/** The placeholder a config names when the model is not an open model Tuneline knows. */
export const MODEL_PLACEHOLDER = 'EDIT-ME/base-model';

/** The model a config names: a known open model's Hugging Face id, else the placeholder (marked for editing). */
export function configModel(asked: string | undefined): ConfigModel {
  const m = asked ? openModel(asked) : undefined;
  if (m) return { id: m.hf, placeholder: false, family: m.family, asked };
  return { id: MODEL_PLACEHOLDER, placeholder: true, asked };
}

/** The comment line above a placeholder model. */
export function placeholderNote(model: ConfigModel, comment: '#' | '//'): string {
  if (!model.placeholder) return '';
  const why = model.asked
    ? `${model.asked} is not an open model Tuneline knows (its weights are not downloadable)`
    : 'no base model was chosen';
  return `${comment} EDIT: ${why}; put the Hugging Face id of the open model to train here.\n`;
}
