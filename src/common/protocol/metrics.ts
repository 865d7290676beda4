/**
 * The message protocol of the job metrics webview (`tuneline.jobs.showMetrics`): host → page and page → host.
 * Shared by `src/jobs/metricsPanel.ts` (host) and `src/webview/metrics/main.ts` (page).
 */
import { isNonNegativeInteger, isObject, type ReadyMessage } from './base';

/** One training step's metrics; a value the service did not report is absent. */
export interface MetricsPoint {
  readonly step: number;
  readonly trainLoss?: number;
  readonly validLoss?: number;
  readonly trainAccuracy?: number;
  readonly validAccuracy?: number;
}

export interface CheckpointMark {
  readonly step: number;
  readonly id: string;
  /** The checkpoint's model id. */
  readonly model: string;
}

export interface MetricsView {
  readonly jobId: string;
  readonly title: string;
  /** The job's status (`running`, `succeeded`, ...). */
  readonly status: string;
  readonly statusLabel: string;
  /** Sorted by step, one point per step. */
  readonly points: readonly MetricsPoint[];
  readonly checkpoints: readonly CheckpointMark[];
  readonly totalSteps?: number;
  /** Where the points came from. */
  readonly source: 'events' | 'result-file' | 'none';
  /** True while the job runs (the host sends new points as they come). */
  readonly live: boolean;
}

export type HostToMetrics = { readonly type: 'metrics'; readonly view: MetricsView } | { readonly type: 'error'; readonly message: string };

export type MetricsToHost = ReadyMessage | { readonly type: 'refresh' } | { readonly type: 'copyCheckpoint'; readonly step: number };

export function isMetricsToHost(value: unknown): value is MetricsToHost {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'ready':
    case 'refresh':
      return true;
    case 'copyCheckpoint':
      return isNonNegativeInteger(value.step);
    default:
      return false;
  }
}

export function isHostToMetrics(value: unknown): value is HostToMetrics {
  if (!isObject(value)) return false;
  if (value.type === 'metrics') return isObject(value.view) && Array.isArray(value.view.points);
  return value.type === 'error' && typeof value.message === 'string';
}
