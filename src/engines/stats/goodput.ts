import { percentile } from './percentile.js';

/** Cumulative payload bytes observed at a moment, `tMs` from the start of the phase. */
export interface ByteSample {
  tMs: number;
  bytes: number;
}

/** Throughput of one sampling interval, ending at `tMs`. */
export interface IntervalRate {
  tMs: number;
  mbps: number;
}

const mbps = (bytes: number, ms: number) => (bytes * 8) / (ms * 1000);

/**
 * Per-interval throughput from cumulative byte samples. Each interval uses its real length
 * (timers drift), and a non-advancing clock yields no interval rather than a division by zero.
 */
export function intervalRates(samples: readonly ByteSample[]): IntervalRate[] {
  const rates: IntervalRate[] = [];
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    const dt = b.tMs - a.tMs;
    if (dt > 0) rates.push({ tMs: b.tMs, mbps: mbps(b.bytes - a.bytes, dt) });
  }
  return rates;
}

export interface SteadyWindow {
  /** Goodput over the steady window: bytes moved after the warm-up divided by the time it took. */
  mbps: number;
  bytes: number;
  startMs: number;
  endMs: number;
  /** p90 of the interval rates inside the window (what a burst-friendly link can peak to). */
  p90Mbps: number | undefined;
  intervals: number;
}

/**
 * Goodput over the steady window: from the first sample at or after `warmupMs` to the last
 * sample. Bytes delivered during TCP slow start are discarded with the time they took, so the
 * figure is what the path sustains, not an average dragged down by the ramp-up.
 * Undefined when the window holds no time (the test ended inside the warm-up).
 */
export function steadyWindow(samples: readonly ByteSample[], warmupMs: number): SteadyWindow | undefined {
  const startIndex = samples.findIndex((s) => s.tMs >= warmupMs);
  if (startIndex < 0) return undefined;
  const window = samples.slice(startIndex);
  const first = window[0]!;
  const last = window[window.length - 1]!;
  const elapsedMs = last.tMs - first.tMs;
  if (elapsedMs <= 0) return undefined;
  const rates = intervalRates(window);
  return {
    mbps: mbps(last.bytes - first.bytes, elapsedMs),
    bytes: last.bytes - first.bytes,
    startMs: first.tMs,
    endMs: last.tMs,
    p90Mbps: percentile(rates.map((r) => r.mbps), 90),
    intervals: rates.length,
  };
}
