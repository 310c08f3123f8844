import { jitter, median } from '../stats/index.js';

/** How round trips are measured to a target, best first. */
export type LatencyMethod = 'icmp' | 'udp-echo' | 'http-ping' | 'tcp-connect';

/** Where and how to probe: the address already resolved, so every probe hits the same host. */
export type ProbeRoute =
  | { method: 'udp-echo'; address: string; port: number }
  | { method: 'http-ping'; baseUrl: string; authorization?: string }
  | { method: 'tcp-connect'; address: string; port: number }
  | { method: 'icmp'; address: string; pingPath: string };

export interface LatencyRun {
  method: LatencyMethod;
  /** One entry per probe in send order; undefined = no answer in time. */
  samplesMs: (number | undefined)[];
  /** When each probe left, ms from the start of the run (loaded probes are matched to windows). */
  sentAtMs: number[];
  medianMs: number | undefined;
  jitterMs: number | undefined;
  answered: number;
}

export interface ProbePlan {
  count: number;
  intervalMs: number;
  timeoutMs: number;
}

export function summarise(method: LatencyMethod, samplesMs: (number | undefined)[], sentAtMs: number[]): LatencyRun {
  const answered = samplesMs.filter((s): s is number => s !== undefined);
  return { method, samplesMs, sentAtMs, medianMs: median(answered), jitterMs: jitter(samplesMs), answered: answered.length };
}
