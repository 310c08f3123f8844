// Threshold evaluation: a pure function of (thresholds, result, streaks so far, baselines).
import type { Metrics } from '../measurements/metrics.js';

/** A schedule's `thresholds` (brief "Scheduled jobs"); a standalone rule converts to one key. */
export interface Thresholds {
  download_min_mbps?: number;
  upload_min_mbps?: number;
  latency_max_ms?: number;
  jitter_max_ms?: number;
  packet_loss_max_pct?: number;
  /** Fires when download or upload is below baseline × (1 − pct/100). */
  baseline_deviation_pct?: number;
}

export const DEFAULT_DEVIATION_PCT = 30;

type LimitKey = Exclude<keyof Thresholds, 'baseline_deviation_pct'>;

/** Each limit: the metric it reads and which side of the line is bad. */
export const LIMITS: { key: LimitKey; metric: 'download_mbps' | 'upload_mbps' | 'latency_ms' | 'jitter_ms' | 'loss_pct'; bound: 'min' | 'max' }[] = [
  { key: 'download_min_mbps', metric: 'download_mbps', bound: 'min' },
  { key: 'upload_min_mbps', metric: 'upload_mbps', bound: 'min' },
  { key: 'latency_max_ms', metric: 'latency_ms', bound: 'max' },
  { key: 'jitter_max_ms', metric: 'jitter_ms', bound: 'max' },
  { key: 'packet_loss_max_pct', metric: 'loss_pct', bound: 'max' },
];

/** The speeds a baseline deviation applies to ("speed < baseline × 0.7"). */
export const DEVIATION_METRICS = ['download_mbps', 'upload_mbps'] as const;

/** Every check key a verdict can have (`Verdict.key`). */
export const VERDICT_KEYS: readonly string[] = [...LIMITS.map((l) => l.metric), ...DEVIATION_METRICS.map((m) => `baseline:${m}`)];

export interface BaselineValue {
  value: number;
  reliable: boolean;
}

export interface EvaluationInput {
  thresholds: Thresholds;
  /** The stored result's figures; a failed result has none that count. */
  status: 'completed' | 'failed';
  metrics: Metrics;
  /** Consecutive breaches so far, by check key (absent: 0). */
  streaks: Record<string, number>;
  baselines: Partial<Record<string, BaselineValue>>;
  consecutiveFailures: number;
}

export type Outcome = 'pass' | 'breach' | 'not_applicable';

export interface Verdict {
  /** `download_mbps`, … or `baseline:download_mbps`: what the streak and the alert are per. */
  key: string;
  kind: 'threshold' | 'baseline';
  metric: string;
  outcome: Outcome;
  value: number | null;
  /** The limit applied (for deviations: baseline × (1 − pct)). */
  threshold: number | null;
  baseline: number | null;
  /** Consecutive breaches including this result (unchanged when not applicable). */
  streak: number;
  /** Open the alert (streak reached N). */
  fire: boolean;
  /** Resolve an open alert (this result passed). */
  recover: boolean;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function verdict(input: EvaluationInput, key: string, kind: Verdict['kind'], metric: string, outcome: Outcome, value: number | null, threshold: number | null, baseline: number | null): Verdict {
  const before = input.streaks[key] ?? 0;
  const streak = outcome === 'breach' ? before + 1 : outcome === 'pass' ? 0 : before;
  return { key, kind, metric, outcome, value, threshold, baseline, streak, fire: outcome === 'breach' && streak >= Math.max(1, input.consecutiveFailures), recover: outcome === 'pass' };
}

/**
 * One verdict per configured check. A limit is not applicable when the result failed or lacks the
 * metric; a deviation also when the baseline is missing or not reliable. Equal to the limit passes
 * (the brief's conditions are strict: "below minimum", "exceeds maximum").
 */
export function evaluate(input: EvaluationInput): Verdict[] {
  const out: Verdict[] = [];
  const completed = input.status === 'completed';
  for (const limit of LIMITS) {
    const threshold = input.thresholds[limit.key];
    if (!finite(threshold)) continue;
    const value = input.metrics[limit.metric];
    if (!completed || !finite(value)) {
      out.push(verdict(input, limit.metric, 'threshold', limit.metric, 'not_applicable', finite(value) ? value : null, threshold, null));
      continue;
    }
    const bad = limit.bound === 'min' ? value < threshold : value > threshold;
    out.push(verdict(input, limit.metric, 'threshold', limit.metric, bad ? 'breach' : 'pass', value, threshold, null));
  }
  const pct = input.thresholds.baseline_deviation_pct;
  if (finite(pct)) {
    for (const metric of DEVIATION_METRICS) {
      const key = `baseline:${metric}`;
      const value = input.metrics[metric];
      const base = input.baselines[metric];
      if (!completed || !finite(value) || !base || !base.reliable) {
        // Only report speeds the result measured (a latency-only probe has no download to judge).
        if (finite(value)) out.push(verdict(input, key, 'baseline', metric, 'not_applicable', value, null, base?.value ?? null));
        continue;
      }
      const threshold = base.value * (1 - pct / 100);
      out.push(verdict(input, key, 'baseline', metric, value < threshold ? 'breach' : 'pass', value, threshold, base.value));
    }
  }
  return out;
}

/** A standalone rule's single metric + threshold as a thresholds object. */
export function ruleThresholds(rule: { metric: string | null; threshold: number | null; deviation_pct: number | null }): Thresholds {
  if (rule.metric === 'baseline_deviation') return { baseline_deviation_pct: rule.deviation_pct ?? DEFAULT_DEVIATION_PCT };
  const limit = LIMITS.find((l) => l.metric === rule.metric);
  return limit && rule.threshold !== null ? { [limit.key]: rule.threshold } : {};
}
