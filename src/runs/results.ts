import type { Queryable } from '../db/port.js';
import type { MeasurementResult } from '../measurements/job.js';
import { METRIC_NAMES, type Metrics } from '../measurements/metrics.js';
import type { Run } from './repository.js';

export interface StoredResult {
  run_id: string;
  agent_id: string;
  kind: string;
  target: string;
  status: 'completed' | 'failed';
  measured_at: Date;
  finished_at: Date;
  error: string | null;
  metrics: Metrics;
  details: Record<string, unknown>;
  method: Record<string, unknown>;
}

function parseTime(value: string, fallback: Date): Date {
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms) : fallback;
}

/**
 * Inserts the result row. Agent timestamps are moved onto the server's clock with the offset the
 * agent's heartbeats measured, then kept within [queued, now] so a wrong clock cannot put a
 * result into another month or the future.
 */
export async function insertResult(tx: Queryable, run: Run, result: MeasurementResult, clockOffsetMs: number): Promise<StoredResult> {
  const now = Date.now();
  const clamp = (ms: number) => new Date(Math.min(now, Math.max(run.created_at.getTime(), ms)));
  const started = clamp(parseTime(result.started_at, run.created_at).getTime() + clockOffsetMs);
  const finished = new Date(Math.max(started.getTime(), clamp(parseTime(result.finished_at, new Date(now)).getTime() + clockOffsetMs).getTime()));
  const metrics: Metrics = {};
  for (const name of METRIC_NAMES) {
    const value = result.metrics[name];
    if (typeof value === 'number' && Number.isFinite(value)) metrics[name] = value;
  }
  const target = result.target || run.target;
  const method = { ...result.method, ...(clockOffsetMs ? { clock_correction_ms: clockOffsetMs } : {}) };
  await tx.query(
    `INSERT INTO results (run_id, agent_id, kind, target, status, measured_at, finished_at, error, ${METRIC_NAMES.join(', ')}, details, method, schedule_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, ${METRIC_NAMES.map((_, i) => `$${9 + i}`).join(', ')}, $${9 + METRIC_NAMES.length}, $${10 + METRIC_NAMES.length}, $${11 + METRIC_NAMES.length})`,
    [run.id, run.agent_id, run.kind, target, result.status, started, finished, result.error ?? null, ...METRIC_NAMES.map((n) => metrics[n] ?? null), JSON.stringify(result.details), JSON.stringify(method), run.schedule_id],
  );
  return { run_id: run.id, agent_id: run.agent_id, kind: run.kind, target, status: result.status, measured_at: started, finished_at: finished, error: result.error ?? null, metrics, details: result.details, method };
}
