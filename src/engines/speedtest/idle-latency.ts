import { PhaseError } from './http-errors.js';
import { icmpPing } from './icmp-ping.js';
import { probeRoundTrips, summarise, type LatencyRun, type ProbeRoute } from './latency.js';
import type { SpeedtestEngineOptions } from './options.js';
import { round3 } from './result.js';
import type { TargetRoutes } from './target-routes.js';

export interface IdleLatency {
  /** The headline run: ICMP when most of it was answered, else the best other method. */
  idle: LatencyRun;
  runs: LatencyRun[];
  /** The target has a reflector, but it answered nothing (UDP filtered on the path). */
  reflectorSilent: boolean;
  /** What probes the path while it is loaded; undefined when nothing suitable is left. */
  loadedRoute: ProbeRoute | undefined;
  method: Record<string, unknown>;
}

const usable = (run: LatencyRun | undefined): run is LatencyRun => run !== undefined && run.answered >= Math.ceil(run.samplesMs.length / 2);

/**
 * Idle RTT before any load, by ICMP (kernel-timed; see icmp-ping.ts) and by the target's best
 * other method, side by side. A target reached only by TCP connects (a third-party or iPerf3
 * server) gets those connections only when ICMP cannot do the job: they land on someone's server.
 */
export async function measureIdleLatency(routes: TargetRoutes, options: SpeedtestEngineOptions, signal: AbortSignal): Promise<IdleLatency> {
  const plan = (route: ProbeRoute) => (route.method === 'tcp-connect' ? { ...options.idleProbes, count: options.tcpConnectProbes } : options.idleProbes);
  const runIcmp = async () => {
    if (!options.icmpPing) return undefined;
    const rtts = await icmpPing(routes.address, options.idleProbes, signal, options.pingPath);
    return rtts && summarise('icmp', rtts, rtts.map((_, i) => i * options.idleProbes.intervalMs));
  };
  let icmp: LatencyRun | undefined;
  let other: LatencyRun | undefined;
  let reflectorSilent = false;
  if (routes.latency.method === 'tcp-connect') {
    icmp = await runIcmp();
    if (!usable(icmp)) other = await probeRoundTrips(routes.latency, plan(routes.latency), signal);
  } else {
    [icmp, other] = await Promise.all([runIcmp(), probeRoundTrips(routes.latency, plan(routes.latency), signal)]);
    if (other.answered === 0 && routes.fallback) {
      reflectorSilent = routes.latency.method === 'udp-echo';
      other = await probeRoundTrips(routes.fallback, plan(routes.fallback), signal);
    }
  }
  const idle = usable(icmp) ? icmp : other ?? icmp;
  if (!idle || idle.answered === 0) throw new PhaseError(`the target ${routes.address} did not answer any ${[icmp, other].filter(Boolean).map((r) => `of ${r!.samplesMs.length} ${r!.method}`).join(' or ')} probes`);

  // Under load, ICMP first: the `ping` process and the target's kernel time it, so neither end's
  // busy event loop (counting hundreds of Mbit/s of data) adds to the queueing delay we are
  // after. Then the reflector if it answers, our HTTP ping, and TCP connects only to a web server.
  let loadedRoute: ProbeRoute | undefined;
  if (usable(icmp)) loadedRoute = { method: 'icmp', address: routes.address, pingPath: options.pingPath };
  else if (routes.latency.method === 'udp-echo' && !reflectorSilent) loadedRoute = routes.latency;
  else if (routes.fallback?.method === 'http-ping') loadedRoute = routes.fallback;
  else if (routes.latency.method === 'http-ping') loadedRoute = routes.latency;
  else if (routes.http) loadedRoute = routes.fallback ?? routes.latency;

  const runs = [idle, ...[icmp, other].filter((r): r is LatencyRun => r !== undefined && r !== idle)];
  const method: Record<string, unknown> = {
    method: idle.method,
    probes: idle.samplesMs.length,
    interval_ms: options.idleProbes.intervalMs,
    timeout_ms: options.idleProbes.timeoutMs,
    reducer: 'median; jitter = mean |Δ| of consecutive RTTs',
  };
  if (idle.method !== 'icmp') method.why_not_icmp = !options.icmpPing ? 'disabled' : icmp ? 'ICMP mostly unanswered (filtered or rate-limited)' : 'ping could not run on this agent';
  return { idle, runs, reflectorSilent, loadedRoute, method };
}

export function describeRun(run: LatencyRun) {
  return { method: run.method, median_ms: round3(run.medianMs), jitter_ms: round3(run.jitterMs), probes: run.samplesMs.length, answered: run.answered, samples_ms: run.samplesMs.map((s) => (s === undefined ? null : round3(s))) };
}
