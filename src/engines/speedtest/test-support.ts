// Shared by the engine's tests: a context that records progress, and short test timings.
import type { Progress } from '../../measurements/job.js';
import { createLogger } from '../../observability/logger.js';
import type { EngineContext } from '../types.js';
import type { SpeedtestEngineOptions } from './options.js';

export function testContext(signal = new AbortController().signal): EngineContext & { progress: Progress[] } {
  const progress: Progress[] = [];
  return { signal, log: createLogger('silent', 'test'), onProgress: (p) => progress.push(p), agentVersion: 'test-0', progress };
}

/** Whole-second warm-up (iperf3's --omit), fewer probes, a shorter loss train: seconds per test, not minutes. */
export const FAST: Partial<SpeedtestEngineOptions> = {
  warmupMs: 1000,
  idleProbes: { count: 10, intervalMs: 20, timeoutMs: 500 },
  selectionProbes: { count: 3, intervalMs: 10, timeoutMs: 300 },
  loss: { packets: 200, batchPackets: 10, batchIntervalMs: 10, packetBytes: 64, waitMs: 300 },
  phaseGapMs: 100,
  drainTimeoutMs: 2000,
};
