import type { Progress } from '../../measurements/job.js';
import { sleep } from './abort.js';
import { PhaseError } from './http-errors.js';
import { runHttpPhase, type Direction, type HttpEndpoints } from './http-phase.js';
import { startLoadedProbes, type ProbeRoute } from './latency.js';
import type { SpeedtestEngineOptions } from './options.js';
import { httpDirection, loadedLatency, type DirectionDetails } from './result.js';

export interface PhaseRequest {
  /** One phase per entry; an entry with both directions is full duplex. */
  phases: Direction[][];
  streams: number;
  warmupMs: number;
  durationMs: number;
  loadedRoute: ProbeRoute | undefined;
}

const mbpsOf = (bytes: number, ms: number) => (ms > 0 ? (bytes * 8) / (ms * 1000) : 0);

/**
 * The HTTP engine's bandwidth phases, one after another with a pause between (so neither
 * direction's queues pollute the next), with loaded-latency probes running through each.
 */
export async function runHttpPhases(endpoints: HttpEndpoints, request: PhaseRequest, options: SpeedtestEngineOptions, signal: AbortSignal, onProgress: (p: Progress) => void, runStart: number): Promise<Partial<Record<Direction, DirectionDetails>>> {
  const out: Partial<Record<Direction, DirectionDetails>> = {};
  for (const [index, directions] of request.phases.entries()) {
    if (index > 0) await sleep(options.phaseGapMs, signal);
    const phaseStart = performance.now();
    const probes = request.loadedRoute ? startLoadedProbes(request.loadedRoute, options.loadedProbeIntervalMs, options.idleProbes.timeoutMs, phaseStart) : undefined;
    let last = { tMs: 0, bytes: { download: 0, upload: 0 } };
    let run;
    let loaded;
    try {
      run = await runHttpPhase(endpoints, {
        directions,
        streams: request.streams,
        warmupMs: request.warmupMs,
        durationMs: request.durationMs,
        sampleIntervalMs: options.sampleIntervalMs,
        downloadRequestBytes: options.downloadRequestBytes,
        uploadRequestBytes: options.uploadRequestBytes,
        drainTimeoutMs: options.drainTimeoutMs,
      }, signal, (tMs, bytes) => {
        for (const d of directions) onProgress({ phase: d, elapsed_ms: Math.round(performance.now() - runStart), mbps: Math.round(mbpsOf(bytes[d] - last.bytes[d], tMs - last.tMs) * 1000) / 1000 });
        last = { tMs, bytes };
      });
    } finally {
      loaded = await probes?.stop();
    }
    for (const d of directions) {
      const details = httpDirection(run.samples[d], run.totalBytes[d], request.warmupMs);
      if (!details) throw new PhaseError(`the ${d} phase ended before its warm-up did`);
      if (details.window_bytes === 0) throw new PhaseError(`no ${d} bytes moved after the warm-up: the target accepted the connection but sent or took nothing`);
      const window = { from: request.warmupMs, to: request.warmupMs + request.durationMs };
      details.loaded_latency = loadedLatency(loaded, window.from, window.to);
      if (d === 'upload' && run.serverConfirmedUploadBytes !== undefined) details.server_confirmed_bytes = run.serverConfirmedUploadBytes;
      if (d === 'upload' && run.uploadCountedAt) details.interval_source = run.uploadCountedAt;
      out[d] = details;
    }
  }
  return out;
}
