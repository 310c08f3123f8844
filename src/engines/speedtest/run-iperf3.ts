import type { Progress } from '../../measurements/job.js';
import { sleep } from './abort.js';
import type { Direction } from './http-phase.js';
import { PhaseError } from './http-errors.js';
import { iperf3Args } from './iperf3-args.js';
import { iperf3Direction, parseIperf3Report, Iperf3ReportError } from './iperf3-parse.js';
import { runIperf3 } from './iperf3-run.js';
import { startLoadedProbes } from './latency.js';
import type { SpeedtestEngineOptions } from './options.js';
import { iperf3DirectionDetails, loadedLatency, type DirectionDetails } from './result.js';
import type { PhaseRequest } from './run-http.js';

export interface Iperf3Request extends PhaseRequest {
  address: string;
  port: number;
  protocol: 'tcp' | 'udp';
  udpMbps: number;
}

/** How often a busy server is asked again, and how long to wait in between. */
const BUSY_RETRIES = 2;
const BUSY_WAIT_MS = 3000;

/**
 * The iPerf3 engine's phases: one `iperf3 -c` run per phase (-R for download, --bidir for full
 * duplex), figures read from the receiver's side. iperf3 3.12 prints its JSON only at the end,
 * so progress during a run carries the elapsed time and no rate.
 */
export async function runIperf3Phases(request: Iperf3Request, options: SpeedtestEngineOptions, signal: AbortSignal, onProgress: (p: Progress) => void, runStart: number): Promise<{ directions: Partial<Record<Direction, DirectionDetails>>; runs: string[][] }> {
  const out: Partial<Record<Direction, DirectionDetails>> = {};
  const runs: string[][] = [];
  const warmupS = Math.ceil(request.warmupMs / 1000);
  const durationS = Math.max(1, Math.round(request.durationMs / 1000));
  for (const [index, directions] of request.phases.entries()) {
    if (index > 0) await sleep(options.phaseGapMs, signal);
    const mode = directions.length === 2 ? 'both' : directions[0]!;
    const args = iperf3Args({ host: request.address, port: request.port, protocol: request.protocol, mode, streams: request.streams, durationS, warmupS, udpMbps: request.udpMbps, connectTimeoutMs: options.iperf3ConnectTimeoutMs, intervalS: options.sampleIntervalMs / 1000 });
    runs.push(args);
    const timeoutMs = (warmupS + durationS) * 1000 + options.iperf3ConnectTimeoutMs + 15_000;
    let report;
    let loaded;
    for (let attempt = 0; ; attempt++) {
      const phaseStart = performance.now();
      const probes = request.loadedRoute ? startLoadedProbes(request.loadedRoute, options.loadedProbeIntervalMs, options.idleProbes.timeoutMs, phaseStart) : undefined;
      const ticker = setInterval(() => {
        for (const d of directions) onProgress({ phase: d, elapsed_ms: Math.round(performance.now() - runStart), message: 'iperf3 running (it reports its figures at the end)' });
      }, 1000);
      try {
        report = parseIperf3Report(await runIperf3(options.iperf3Path, args, timeoutMs, signal));
        break;
      } catch (error) {
        // "the server is busy running a test": another test holds it; wait our turn a little.
        if (!(error instanceof Iperf3ReportError && /busy/i.test(error.message) && attempt < BUSY_RETRIES)) throw error instanceof Iperf3ReportError ? new PhaseError(error.message) : error;
      } finally {
        clearInterval(ticker);
        loaded = await probes?.stop();
      }
      await sleep(BUSY_WAIT_MS, signal);
    }
    for (const d of directions) {
      const details = iperf3DirectionDetails(iperf3Direction(report, mode, d), warmupS * 1000);
      details.loaded_latency = loadedLatency(loaded, warmupS * 1000, (warmupS + durationS) * 1000);
      out[d] = details;
      onProgress({ phase: d, elapsed_ms: Math.round(performance.now() - runStart), mbps: details.mbps });
    }
  }
  return { directions: out, runs };
}
