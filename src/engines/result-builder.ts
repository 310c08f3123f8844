import type { MeasurementKind } from '../measurements/kinds.js';
import type { MeasurementResult } from '../measurements/job.js';
import type { Metrics } from '../measurements/metrics.js';
import type { Engine } from './types.js';

/** Starts the clock of a measurement and builds its result, completed or failed, with both timestamps. */
export function startResult(kind: MeasurementKind, target: string) {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const finish = (status: MeasurementResult['status'], error: string | undefined, metrics: Metrics, details: Record<string, unknown>, method: Record<string, unknown>): MeasurementResult => ({
    kind,
    status,
    ...(error !== undefined ? { error } : {}),
    started_at: startedAt,
    finished_at: new Date().toISOString(),
    target,
    metrics,
    details,
    method,
  });
  return {
    elapsedMs: () => performance.now() - t0,
    completed: (metrics: Metrics, details: Record<string, unknown>, method: Record<string, unknown>) => finish('completed', undefined, metrics, details, method),
    /** A measurement that could not be made or found the service down: the reason says which. */
    failed: (error: string, details: Record<string, unknown> = {}, method: Record<string, unknown> = {}, metrics: Metrics = {}) => finish('failed', error, metrics, details, method),
  };
}

/** Milliseconds rounded to microseconds: enough precision, no float noise on the wire. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/**
 * Last line of defence for the contract "a failed measurement is a result": an unexpected
 * exception (a bug) becomes a failed result naming the engine, instead of a lost job.
 */
export function neverThrows<K extends MeasurementKind>(kind: K, targetOf: (spec: Parameters<Engine<K>>[0]) => string, engine: Engine<K>): Engine<K> {
  return async (spec, ctx) => {
    try {
      return await engine(spec, ctx);
    } catch (error) {
      ctx.log.error({ err: error, engine: kind }, 'engine threw');
      return startResult(kind, targetOf(spec)).failed(`the ${kind} engine failed unexpectedly: ${(error as Error).message}`);
    }
  };
}
