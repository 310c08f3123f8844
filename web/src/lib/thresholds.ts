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
