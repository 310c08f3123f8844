import type { MeasurementResult } from '../../measurements/job.js';
import type { Metrics } from '../../measurements/metrics.js';
import { median, jitter, steadyWindow, intervalRates, type ByteSample, type IntervalRate } from '../stats/index.js';
import type { Direction } from './http-phase.js';
import type { Iperf3Direction } from './iperf3-parse.js';
import type { LatencyRun } from './latency.js';

/** Figures rounded for the wire: µs for times, kbit/s for rates, enough for any dispute. */
export const round3 = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? undefined : Math.round(value * 1000) / 1000);

/** One direction of a run, as stored in `details[direction]`. */
export interface DirectionDetails {
  mbps: number;
  p90_mbps: number | undefined;
  window_bytes: number;
  window_ms: number;
  total_bytes: number;
  warmup_ms: number;
  /** Every interval from the first byte, warm-up included (flagged), for the speed chart. */
  intervals: { t_ms: number; mbps: number; warmup?: true }[];
  interval_source: 'receiver' | 'sender';
  loaded_latency?: { median_ms: number | undefined; jitter_ms: number | undefined; probes: number; answered: number; method: string; samples_ms: (number | null)[] };
  retransmits?: number;
  tcp_rtt_ms?: { min: number; mean: number; max: number };
  udp?: { jitter_ms: number; lost_packets: number; packets: number; lost_pct: number };
  server_confirmed_bytes?: number;
}

function series(rates: IntervalRate[], warmupMs: number): DirectionDetails['intervals'] {
  return rates.map((r) => ({ t_ms: Math.round(r.tMs), mbps: round3(r.mbps)!, ...(r.tMs <= warmupMs ? { warmup: true as const } : {}) }));
}

/** Loaded latency: only probes sent inside the steady window count (the load is steady then). */
export function loadedLatency(run: LatencyRun | undefined, fromMs: number, toMs: number): DirectionDetails['loaded_latency'] {
  if (!run) return undefined;
  const inWindow = run.samplesMs.filter((_, i) => run.sentAtMs[i]! >= fromMs && run.sentAtMs[i]! <= toMs);
  const answered = inWindow.filter((s): s is number => s !== undefined);
  return {
    median_ms: round3(median(answered)),
    jitter_ms: round3(jitter(inWindow)),
    probes: inWindow.length,
    answered: answered.length,
    method: run.method,
    samples_ms: inWindow.map((s) => (s === undefined ? null : round3(s)!)),
  };
}

/** An HTTP direction from its byte samples. Undefined when the run ended inside the warm-up. */
export function httpDirection(samples: ByteSample[], totalBytes: number, warmupMs: number): DirectionDetails | undefined {
  const window = steadyWindow(samples, warmupMs);
  if (!window) return undefined;
  return {
    mbps: round3(window.mbps)!,
    p90_mbps: round3(window.p90Mbps),
    window_bytes: Math.round(window.bytes),
    window_ms: Math.round(window.endMs - window.startMs),
    total_bytes: totalBytes,
    warmup_ms: warmupMs,
    intervals: series(intervalRates(samples), warmupMs),
    interval_source: 'receiver',
  };
}

export function iperf3DirectionDetails(figures: Iperf3Direction, warmupMs: number): DirectionDetails {
  return {
    mbps: round3(figures.mbps)!,
    p90_mbps: round3(figures.p90Mbps),
    window_bytes: figures.bytes,
    window_ms: Math.round(figures.seconds * 1000),
    total_bytes: figures.bytes,
    warmup_ms: warmupMs,
    intervals: series(figures.intervals.map((i) => ({ tMs: i.tMs + warmupMs, mbps: i.mbps })), warmupMs - 1),
    interval_source: figures.intervalSource,
    ...(figures.retransmits !== undefined ? { retransmits: figures.retransmits } : {}),
    ...(figures.rttMs ? { tcp_rtt_ms: { min: round3(figures.rttMs.min)!, mean: round3(figures.rttMs.mean)!, max: round3(figures.rttMs.max)! } } : {}),
    ...(figures.udp ? { udp: { jitter_ms: round3(figures.udp.jitterMs)!, lost_packets: figures.udp.lostPackets, packets: figures.udp.packets, lost_pct: round3(figures.udp.lostPct)! } } : {}),
  };
}

/** The headline metrics from what was measured; a figure that was not measured is absent, never 0. */
export function headlineMetrics(directions: Partial<Record<Direction, DirectionDetails>>, idle: LatencyRun | undefined, lossPct: number | undefined): Metrics {
  const metrics: Metrics = {};
  if (directions.download) metrics.download_mbps = directions.download.mbps;
  if (directions.upload) metrics.upload_mbps = directions.upload.mbps;
  if (idle?.medianMs !== undefined) metrics.latency_ms = round3(idle.medianMs)!;
  if (idle?.jitterMs !== undefined) metrics.jitter_ms = round3(idle.jitterMs)!;
  if (lossPct !== undefined) metrics.loss_pct = round3(lossPct)!;
  // The worse direction: bufferbloat hurts whichever way the load goes.
  const loaded = [directions.download, directions.upload].map((d) => d?.loaded_latency?.median_ms).filter((v): v is number => v !== undefined);
  if (loaded.length > 0) metrics.loaded_latency_ms = Math.max(...loaded);
  return metrics;
}

export function failedResult(target: string, startedAt: Date, error: string, details: Record<string, unknown>, method: Record<string, unknown>): MeasurementResult {
  return { kind: 'speedtest', status: 'failed', error, started_at: startedAt.toISOString(), finished_at: new Date().toISOString(), target, metrics: {}, details, method };
}
