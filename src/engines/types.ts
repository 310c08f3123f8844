import type { Logger } from 'pino';
import type { MeasurementKind } from '../measurements/kinds.js';
import type { MeasurementJob, MeasurementResult, Progress } from '../measurements/job.js';

/** What an engine gets besides its spec. The caller owns the deadline through `signal`. */
export interface EngineContext {
  signal: AbortSignal;
  log: Logger;
  /** Live progress (per-interval throughput, hops as they resolve); best effort, never blocks. */
  onProgress(progress: Progress): void;
  agentVersion: string;
}

/**
 * An engine measures and returns a result. A failed measurement is a result with
 * `status: 'failed'` and a reason, never a thrown error. Engines never touch storage.
 */
export type Engine<K extends MeasurementKind> = (spec: Extract<MeasurementJob, { kind: K }>['spec'], ctx: EngineContext) => Promise<MeasurementResult>;
