import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { MeasurementResult, ResolvedTarget } from '../../measurements/job.js';
import type { Engine } from '../types.js';
import { CanceledError } from './abort.js';
import type { Direction } from './http-phase.js';
import { PhaseError } from './http-errors.js';
import { describeRun, measureIdleLatency } from './idle-latency.js';
import { measureLoss, type LossRun } from './loss.js';
import { DEFAULT_OPTIONS, warmupFor, type SpeedtestEngineOptions } from './options.js';
import { failedResult, headlineMetrics, round3, type DirectionDetails } from './result.js';
import { runHttpPhases } from './run-http.js';
import { runIperf3Phases } from './run-iperf3.js';
import { chooseNearest, probeCandidates, type SelectionRow } from './select.js';
import { resolveAddress, routesFor, type TargetRoutes } from './target-routes.js';

type Spec = Parameters<Engine<'speedtest'>>[0];

/** Checks the engine makes itself (the API validated the request; the job may come from anywhere). */
function specProblem(spec: Spec): string | undefined {
  if (!Number.isInteger(spec.streams) || spec.streams < 1 || spec.streams > 8) return `streams must be 1-8 (got ${spec.streams})`;
  if (!(spec.duration > 0 && spec.duration <= 3600)) return `duration must be a positive number of seconds (got ${spec.duration})`;
  if (spec.candidates.length === 0) return 'no target to measure';
  if (spec.protocol === 'udp' && !spec.candidates.some((c) => c.engine === 'iperf3')) return 'UDP throughput needs an iPerf3 target (the HTTP engine runs over TCP)';
  return undefined;
}

function phasesOf(spec: Spec): Direction[][] {
  if (spec.direction !== 'bidirectional') return [[spec.direction]];
  return spec.simultaneous ? [['download', 'upload']] : [['download'], ['upload']];
}

/**
 * The speedtest engine (DESIGN §5): pick the target (nearest for `auto`), measure idle latency
 * and jitter, run a UDP loss train to the reflector, then each direction over HTTP or iPerf3
 * with loaded latency alongside. A failure is a result with the reason, never a throw.
 */
export function createSpeedtestEngine(overrides: Partial<SpeedtestEngineOptions> = {}): Engine<'speedtest'> {
  const options: SpeedtestEngineOptions = { ...DEFAULT_OPTIONS, ...overrides };
  return async (spec, ctx) => {
    const startedAt = new Date();
    const runStart = performance.now();
    const { signal } = ctx;
    const details: Record<string, unknown> = {};
    const method: Record<string, unknown> = { engine: undefined, protocol: spec.protocol, direction: spec.direction, simultaneous: spec.simultaneous, streams: spec.streams, duration_s: spec.duration, agent_version: ctx.agentVersion };
    let targetName = spec.target;
    // How busy the agent itself was: a CPU-starved agent measures low, and the result should say so.
    const loadAtStart = loadavg()[0]!;
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const finish = () => {
      loopDelay.disable();
      method.elapsed_ms = Math.round(performance.now() - runStart);
      method.agent_load = { loadavg_1m_start: round3(loadAtStart), loadavg_1m_end: round3(loadavg()[0]!), cpus: cpus().length, event_loop_delay_p99_ms: round3(loopDelay.percentile(99) / 1e6) };
    };
    try {
      const problem = specProblem(spec);
      if (problem) throw new PhaseError(problem);
      const usable = spec.protocol === 'udp' ? spec.candidates.filter((c) => c.engine === 'iperf3') : spec.candidates;

      // 1. The target: the only candidate, or the nearest one.
      ctx.onProgress({ phase: 'select', elapsed_ms: 0 });
      let target: ResolvedTarget;
      let routes: TargetRoutes;
      if (usable.length === 1) {
        target = usable[0]!;
        routes = routesFor(target, await resolveAddress(target.host), options.downloadRequestBytes);
        method.target_selection = 'given';
      } else {
        const { rows, routes: candidateRoutes } = await probeCandidates(usable, options.selectionProbes, options.tcpConnectProbes, options.downloadRequestBytes, signal);
        const best = chooseNearest(rows);
        details.auto_selection = rows.map((row: SelectionRow, i) => ({ name: row.name, engine: row.engine, host: row.host, address: row.address, method: row.method, rtt_ms: round3(row.rttMs), answered: row.answered, sent: row.sent, error: row.error, chosen: i === best }));
        method.target_selection = 'auto';
        if (best === undefined) throw new PhaseError(`auto: none of the ${rows.length} candidates answered (${rows.map((r) => `${r.name}: ${r.error}`).join('; ')})`);
        target = usable[best]!;
        routes = candidateRoutes[best]!;
      }
      targetName = target.name;
      Object.assign(method, { engine: target.engine, target_name: target.name, target_host: target.host, target_address: routes.address, ...(target.location ? { target_location: target.location } : {}) });
      if (routes.http) Object.assign(method, { download_url: redact(routes.http.downloadUrl), upload_url: redact(routes.http.uploadUrl) });
      if (routes.iperf3) method.iperf3_port = routes.iperf3.port;

      // 2. Idle latency and jitter, before any load.
      ctx.onProgress({ phase: 'latency', elapsed_ms: Math.round(performance.now() - runStart) });
      const { idle, runs, reflectorSilent, loadedRoute, method: latencyMethod } = await measureIdleLatency(routes, options, signal);
      details.latency = { ...describeRun(idle), also: runs.slice(1).map(describeRun) };
      method.latency = latencyMethod;

      // 3. Packet loss from a UDP echo train (only the reflector can tell loss from a slow TCP).
      let loss: LossRun | undefined;
      if (routes.reflector && !reflectorSilent) {
        ctx.onProgress({ phase: 'loss', elapsed_ms: Math.round(performance.now() - runStart) });
        const waitMs = Math.min(3000, options.loss.waitMs + 2 * (idle.medianMs ?? 0));
        loss = await measureLoss(routes.reflector.address, routes.reflector.port, { ...options.loss, waitMs }, signal);
        details.loss = { sent: loss.sent, received: loss.received, loss_pct: round3(loss.lossPct), upstream_loss_pct: round3(loss.upstreamLossPct), downstream_loss_pct: round3(loss.downstreamLossPct), duplicates: loss.duplicates, duration_ms: Math.round(loss.durationMs) };
        method.loss = { method: 'udp-echo-train', packets: options.loss.packets, rate_pps: Math.round((options.loss.batchPackets * 1000) / options.loss.batchIntervalMs), packet_bytes: options.loss.packetBytes, wait_ms: waitMs, measures: 'round-trip loss, split upstream/downstream by the reflector count' };
      } else {
        method.loss = { method: 'none', reason: reflectorSilent ? `the target's UDP reflector (port ${routes.reflector!.port}) did not answer; UDP may be filtered on the path` : 'the target has no UDP reflector (a third-party HTTP or iPerf3 server)' };
      }

      // 4. Bandwidth, one direction after the other (or both at once), loaded latency alongside.
      const warmupMs = options.warmupMs ?? warmupFor(idle.medianMs);
      const durationMs = spec.duration * 1000;
      const request = { phases: phasesOf(spec), streams: spec.streams, warmupMs, durationMs, loadedRoute };
      const loaded = loadedRoute ? { method: loadedRoute.method, interval_ms: options.loadedProbeIntervalMs, window: 'probes sent during the steady window' } : { method: 'none', reason: 'no reflector and no ICMP answers; TCP connects are not opened on an iPerf3 server during a test' };
      Object.assign(method, { warmup_ms: warmupMs, sample_interval_ms: options.sampleIntervalMs, loaded_latency: loaded });
      let directions: Partial<Record<Direction, DirectionDetails>>;
      if (routes.http) {
        method.throughput = 'steady-window goodput: payload bytes after the warm-up divided by the time they took, no overhead factor; counted where they arrive (download: here; upload: our server streams its count, a third-party sink leaves only our own count, see interval_source)';
        directions = await runHttpPhases(routes.http, request, options, signal, ctx.onProgress, runStart);
      } else {
        const udpMbps = spec.udp_bandwidth_mbps ?? options.udpDefaultMbps;
        const run = await runIperf3Phases({ ...request, address: routes.iperf3!.address, port: routes.iperf3!.port, protocol: spec.protocol, udpMbps }, options, signal, ctx.onProgress, runStart);
        directions = run.directions;
        method.throughput = "iperf3 receiver's figure (end.sum_received) over the measured seconds, --omit discarding the warm-up";
        method.iperf3 = { args: run.runs, ...(spec.protocol === 'udp' ? { udp_offered_mbps: udpMbps } : {}) };
      }
      Object.assign(details, directions);
      method.bytes = Object.fromEntries(Object.entries(directions).map(([d, v]) => [d, v.total_bytes]));

      // iPerf3 UDP without a reflector: the UDP stream's own loss is the loss we have, labelled as such.
      let lossPct = loss?.lossPct;
      if (lossPct === undefined && spec.protocol === 'udp') {
        const udp = [directions.download?.udp, directions.upload?.udp].filter((u) => u !== undefined);
        if (udp.length > 0) {
          lossPct = Math.max(...udp.map((u) => u.lost_pct));
          method.loss = { method: 'iperf3-udp', reason: 'no reflector: loss of the iPerf3 UDP stream at the offered rate (loss under load)' };
        }
      }
      finish();
      return { kind: 'speedtest', status: 'completed', started_at: startedAt.toISOString(), finished_at: new Date().toISOString(), target: targetName, metrics: headlineMetrics(directions, idle, lossPct), details, method } satisfies MeasurementResult;
    } catch (error) {
      finish();
      if (error instanceof CanceledError || signal.aborted) return failedResult(targetName, startedAt, 'canceled', details, method);
      if (error instanceof PhaseError) return failedResult(targetName, startedAt, error.message, details, method);
      ctx.log.error({ err: error, engine: 'speedtest' }, 'speedtest engine error');
      return failedResult(targetName, startedAt, `internal error: ${(error as Error).message}`, details, method);
    }
  };
}

/** URLs in the result without their query values (a third-party URL may carry a token). */
function redact(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const parsed = new URL(url);
  for (const key of [...parsed.searchParams.keys()]) if (key !== 'bytes') parsed.searchParams.set(key, '…');
  return parsed.href;
}

export const speedtestEngine: Engine<'speedtest'> = createSpeedtestEngine();
