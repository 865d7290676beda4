import type { EncodingName } from '../models';
import type { RangeResult } from '../scan';
import type { Method } from '../types';

interface Base {
  readonly id: number;
  readonly encoding: EncodingName;
  readonly funcInit: number;
  /**
   * Count with an open model's own tokenizer and chat template (`open/tokenizer.ts`) instead of `encoding`, when its
   * files are on this machine: the Hugging Face id, and extra directories to look in.
   */
  readonly openTokenizer?: { readonly hf: string; readonly dirs: readonly string[] };
}

export type WorkerRequest =
  | (Base & { readonly kind: 'lines'; readonly lines: readonly string[] })
  | (Base & { readonly kind: 'range'; readonly path: string; readonly start: number; readonly end: number })
  | {
      /** Validate the byte range [start, end) of a file (`scanFileRange`); `start` is a line start. */
      readonly kind: 'validate';
      readonly id: number;
      readonly path: string;
      readonly start: number;
      readonly end: number;
      /** The requested model id. */
      readonly model: string;
      /** The provider whose dataset profile judges the file (absent: OpenAI). */
      readonly provider?: string;
      readonly fixed?: Method;
      /** Problems kept per bucket (Infinity: all). */
      readonly keep: number;
      readonly grader?: unknown;
      /** Exact tokens are counted by token workers: leave long lines' TOK-01 checks to their counts. */
      readonly deferTokens?: boolean;
    };

export type WorkerResponse =
  | {
      readonly id: number;
      readonly counts: Uint32Array;
      readonly lines: number;
      /** With `openTokenizer`: true when the model's own tokenizer counted (false: its files were not found). */
      readonly open?: boolean;
      readonly error?: undefined;
    }
  | { readonly id: number; readonly error: string; readonly counts?: undefined; readonly lines?: undefined };

/** What the engine worker posts for a `validate` request: progress (bytes read since the last message), then the result or an error. */
export interface ValidateWorkerMessage {
  readonly id: number;
  readonly progress?: number;
  readonly result?: RangeResult;
  readonly error?: string;
}
