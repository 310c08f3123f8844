import type { MeasurementKind } from '../measurements/kinds.js';
import type { MeasurementJob, MeasurementResult } from '../measurements/job.js';
import { speedtestEngine } from './speedtest/index.js';
import type { Engine, EngineContext } from './types.js';

function notYetAvailable(kind: MeasurementKind): Engine<MeasurementKind> {
  return async (spec) => {
    const now = new Date().toISOString();
    return { kind, status: 'failed', error: `the ${kind} engine is not available in this build`, started_at: now, finished_at: now, target: 'target' in spec ? String(spec.target) : String((spec as { hostname: string }).hostname), metrics: {}, details: {}, method: {} };
  };
}

/** One engine per kind; adding an engine is a folder, a schema branch and a line here. */
export const ENGINES = {
  speedtest: speedtestEngine,
  trace: notYetAvailable('trace'),
  probe: notYetAvailable('probe'),
  dns: notYetAvailable('dns'),
} satisfies { [K in MeasurementKind]: Engine<K> | Engine<MeasurementKind> };

/** Runs a job on its engine. Never throws for a measurement that fails: that is a failed result. */
export async function runMeasurement(job: MeasurementJob, ctx: EngineContext): Promise<MeasurementResult> {
  const engine = ENGINES[job.kind] as Engine<MeasurementKind>;
  return engine(job.spec as never, ctx);
}
