import type { MeasurementKind } from '../measurements/kinds.js';
import type { MeasurementJob, MeasurementResult } from '../measurements/job.js';
import type { Engine, EngineContext } from './types.js';
import { createDnsEngine } from './dns/engine.js';
import { createProbeEngine } from './probe/engine.js';
import { speedtestEngine } from './speedtest/index.js';
import { createTraceEngine } from './trace/engine.js';

/** One engine per kind; adding an engine is a folder, a schema branch and a line here. */
export const ENGINES = {
  speedtest: speedtestEngine,
  trace: createTraceEngine(),
  probe: createProbeEngine(),
  dns: createDnsEngine(),
} satisfies { [K in MeasurementKind]: Engine<K> | Engine<MeasurementKind> };

/** Runs a job on its engine. Never throws for a measurement that fails: that is a failed result. */
export async function runMeasurement(job: MeasurementJob, ctx: EngineContext): Promise<MeasurementResult> {
  const engine = ENGINES[job.kind] as Engine<MeasurementKind>;
  return engine(job.spec as never, ctx);
}
