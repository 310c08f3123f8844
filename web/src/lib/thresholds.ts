// Colour of a figure on the wall screen. Configured thresholds (a schedule's or a rule's) win;
// without them, the brief's guidance: latency under 10 ms excellent (LAN), under 50 ms acceptable
// (WAN); jitter above 10 ms degrades real-time traffic; any loss above 0.1 % is worth a look.
import type { DnsRating, Thresholds } from '../api/types.js';

export type Level = 'good' | 'warn' | 'bad' | 'neutral';

export function classify(name: string, value: number | null | undefined, thresholds?: Thresholds | null): Level {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'neutral';
  switch (name) {
    case 'download_mbps':
    case 'upload_mbps': {
      const min = name === 'download_mbps' ? thresholds?.download_min_mbps : thresholds?.upload_min_mbps;
      if (min === undefined) return 'neutral';
      return value < min ? 'bad' : value < min * 1.1 ? 'warn' : 'good';
    }
    case 'latency_ms':
    case 'loaded_latency_ms': {
      const max = thresholds?.latency_max_ms;
      if (max !== undefined) return value > max ? 'bad' : value > max * 0.8 ? 'warn' : 'good';
      return value < 10 ? 'good' : value < 50 ? 'warn' : 'bad';
    }
    case 'jitter_ms': {
      const max = thresholds?.jitter_max_ms ?? 10;
      return value > max ? 'bad' : value > max * 0.5 ? 'warn' : 'good';
    }
    case 'loss_pct': {
      const max = thresholds?.packet_loss_max_pct;
      if (max !== undefined) return value > max ? 'bad' : value > 0.1 ? 'warn' : 'good';
      return value > 0.5 ? 'bad' : value > 0.1 ? 'warn' : 'good';
    }
    case 'resolve_ms':
      return ratingLevel(rateDns(value));
    case 'connect_ms':
      return value < 50 ? 'good' : value < 200 ? 'warn' : 'bad';
    default:
      return 'neutral';
  }
}

/** The brief's DNS table: EXCELLENT < 5 ms ≤ GOOD < 20 ms ≤ SLOW ≤ 100 ms < CRITICAL. */
export function rateDns(ms: number): DnsRating {
  if (ms < 5) return 'EXCELLENT';
  if (ms < 20) return 'GOOD';
  if (ms <= 100) return 'SLOW';
  return 'CRITICAL';
}

export function ratingLevel(rating: string): Level {
  return rating === 'EXCELLENT' || rating === 'GOOD' ? 'good' : rating === 'SLOW' ? 'warn' : rating === 'CRITICAL' ? 'bad' : 'neutral';
}

/** Which threshold key limits which metric (src/alerts/evaluate.ts LIMITS). */
export const THRESHOLD_KEYS: Record<string, { key: keyof Thresholds; bound: 'min' | 'max' }> = {
  download_mbps: { key: 'download_min_mbps', bound: 'min' },
  upload_mbps: { key: 'upload_min_mbps', bound: 'min' },
  latency_ms: { key: 'latency_max_ms', bound: 'max' },
  jitter_ms: { key: 'jitter_max_ms', bound: 'max' },
  loss_pct: { key: 'packet_loss_max_pct', bound: 'max' },
};
/** A deviation rule without its own percentage fires 30 % below the baseline (DEFAULT_DEVIATION_PCT). */
export const DEFAULT_DEVIATION_PCT = 30;

interface ScheduleLike { agent: { id: string; name: string }; target: string; test_type: string; thresholds: Thresholds; paused?: boolean }
interface RuleLike { kind: string; agent: string | null; target: string | null; metric: string | null; threshold: number | null; deviation_pct: number | null; enabled: boolean }

/**
 * The thresholds in force for one agent + target (+ test type): a matching schedule's, then the
 * enabled alert rules for that agent (or every agent) and that target (or every target), the
 * strictest limit winning.
 */
export function thresholdsInForce(
  schedules: ScheduleLike[], rules: RuleLike[], at: { agent: { id: string; name: string }; target?: string; type?: string },
): Thresholds {
  const out: Thresholds = {};
  const tighten = (key: keyof Thresholds, value: number, bound: 'min' | 'max') => {
    const current = out[key];
    if (current === undefined) out[key] = value;
    else out[key] = bound === 'min' ? Math.max(current, value) : Math.min(current, value);
  };
  for (const s of schedules) {
    if (s.agent.id !== at.agent.id || (at.target !== undefined && s.target !== at.target) || (at.type && s.test_type !== at.type)) continue;
    for (const { key, bound } of Object.values(THRESHOLD_KEYS)) {
      const v = s.thresholds[key];
      if (v !== undefined) tighten(key, v, bound);
    }
    if (s.thresholds.baseline_deviation_pct !== undefined) tighten('baseline_deviation_pct', s.thresholds.baseline_deviation_pct, 'max');
  }
  for (const r of rules) {
    if (!r.enabled || r.kind !== 'threshold' || !r.metric) continue;
    if (r.agent !== null && r.agent !== at.agent.id) continue;
    if (r.target !== null && at.target !== undefined && r.target !== at.target) continue;
    if (r.metric === 'baseline_deviation') tighten('baseline_deviation_pct', r.deviation_pct ?? DEFAULT_DEVIATION_PCT, 'max');
    const limit = THRESHOLD_KEYS[r.metric];
    if (limit && r.threshold !== null) tighten(limit.key, r.threshold, limit.bound);
  }
  return out;
}
