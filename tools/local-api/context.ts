/** What every route handler can reach: the state, the clock, the flavour, faults and options. */
import type { Clock } from './clock';
import type { Faults } from './faults';
import type { Flavour } from './flavours';
import type { State } from './state';
import type { JobEngine } from './jobs';

export interface ServerContext {
  readonly state: State;
  readonly clock: Clock;
  readonly flavour: Flavour;
  readonly faults: Faults;
  readonly jobs: JobEngine;
  /** Organization id used in fine-tuned model names and `organization_id`. */
  readonly organization: string;
  /** How the result file's content is encoded: plain CSV, or base64 of the CSV as the real service does. */
  readonly resultFileEncoding: 'csv' | 'base64';
}
