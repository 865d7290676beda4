import type { EncodingName } from '../models';

interface Base {
  readonly id: number;
  readonly encoding: EncodingName;
  readonly funcInit: number;
}

export type WorkerRequest =
  | (Base & { readonly kind: 'lines'; readonly lines: readonly string[] })
  | (Base & { readonly kind: 'range'; readonly path: string; readonly start: number; readonly end: number });

export type WorkerResponse =
  | { readonly id: number; readonly counts: Uint32Array; readonly lines: number; readonly error?: undefined }
  | { readonly id: number; readonly error: string; readonly counts?: undefined; readonly lines?: undefined };
