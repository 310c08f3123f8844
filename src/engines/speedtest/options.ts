import type { LossPlan } from './loss.js';
import type { ProbePlan } from './latency.js';

/**
 * How the speedtest measures, as typed defaults (tests shorten them; the API never changes
 * them). Every value here is recorded in a result's `method`, so a number can be audited.
 */
export interface SpeedtestEngineOptions {
  /** Byte counters are sampled this often (the interval series and p90 use these intervals). */
  sampleIntervalMs: number;
  /** Fixed warm-up; undefined: chosen from the idle RTT by `warmupFor`. */
  warmupMs: number | undefined;
  /** Idle latency: ≥ 10 probes (DESIGN §5); 20 at 50 ms take a second. */
  idleProbes: ProbePlan;
  /** Idle RTT from the system ping (kernel-timed ICMP) when it can run; see icmp-ping.ts. */
  icmpPing: boolean;
  pingPath: string;
  /** TCP-connect probes open real connections on someone's server: fewer of them. */
  tcpConnectProbes: number;
  loss: LossPlan;
  /** A probe every 200 ms while loaded: ≥ 40 per 10 s direction, light enough not to load the link. */
  loadedProbeIntervalMs: number;
  /** `auto`: quick probes of each candidate. */
  selectionProbes: ProbePlan;
  downloadRequestBytes: number;
  uploadRequestBytes: number;
  drainTimeoutMs: number;
  /** Pause between phases so the previous direction's queues have emptied. */
  phaseGapMs: number;
  iperf3Path: string;
  iperf3ConnectTimeoutMs: number;
  /** UDP iPerf3 offered rate when the job gives none. */
  udpDefaultMbps: number;
}

export const DEFAULT_OPTIONS: SpeedtestEngineOptions = {
  sampleIntervalMs: 100,
  warmupMs: undefined,
  idleProbes: { count: 20, intervalMs: 50, timeoutMs: 1000 },
  icmpPing: true,
  pingPath: 'ping',
  tcpConnectProbes: 10,
  // 2000 packets at 1000/s: ±0.31 points (1 σ) at 2 % loss; see loss.ts.
  loss: { packets: 2000, batchPackets: 10, batchIntervalMs: 10, packetBytes: 64, waitMs: 1000 },
  loadedProbeIntervalMs: 200,
  selectionProbes: { count: 5, intervalMs: 20, timeoutMs: 1000 },
  downloadRequestBytes: 1024 * 1024 * 1024,
  uploadRequestBytes: 32 * 1024 * 1024,
  drainTimeoutMs: 5000,
  phaseGapMs: 250,
  iperf3Path: 'iperf3',
  iperf3ConnectTimeoutMs: 5000,
  udpDefaultMbps: 100,
};

/**
 * The warm-up discarded before the steady window: TCP slow start doubles the window each RTT,
 * so reaching a gigabit across 100 ms takes about 10 RTTs (1 s) and queues need a moment more.
 * 2 s covers any path up to ~130 ms RTT; longer paths get 15 RTTs, capped at 5 s. Whole
 * seconds, because iperf3's --omit takes whole seconds and both engines must discard the same.
 */
export function warmupFor(idleRttMs: number | undefined): number {
  const rtt = idleRttMs ?? 0;
  return Math.ceil(Math.min(5000, Math.max(2000, 15 * rtt)) / 1000) * 1000;
}
