import type { Queryable } from '../db/port.js';
import type { MeasurementResult } from '../measurements/job.js';
import { METRIC_NAMES, type Metrics } from '../measurements/metrics.js';
import { windowForAgent, windowsForAgents } from '../maintenance/repository.js';
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
  /** Measured inside a maintenance window: kept out of alerts, baselines and SLA. */
  in_maintenance?: boolean;
}

function parseTime(value: string, fallback: Date): Date {
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms) : fallback;
}

/**
 * The result row for a run. Agent timestamps are moved onto the server's clock with the offset
 * the agent's heartbeats measured, then kept within [queued, now] so a wrong clock cannot put a
 * result into another month or the future.
 */
export function resultRow(run: Run, result: MeasurementResult, clockOffsetMs: number): StoredResult {
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
  return { run_id: run.id, agent_id: run.agent_id, kind: run.kind, target, status: result.status, measured_at: started, finished_at: finished, error: result.error ?? null, metrics, details: result.details, method };
}

/**
 * Flags each row measured inside a maintenance window of its agent, or while an operator had the
 * agent in maintenance (kept out of alerts, baselines and SLA). Two statements however many rows.
 */
export async function markMaintenance(tx: Queryable, rows: StoredResult[]): Promise<void> {
  if (rows.length === 0) return;
  const agentIds = [...new Set(rows.map((r) => r.agent_id))];
  const windows = await windowsForAgents(tx, agentIds);
  const flagged = new Set(
    (await tx.query<{ id: string }>('SELECT id FROM agents WHERE id = ANY($1::uuid[]) AND maintenance', [agentIds])).map((a) => a.id),
  );
  for (const row of rows) row.in_maintenance = flagged.has(row.agent_id) || windowForAgent(windows, row.agent_id, row.measured_at) !== undefined;
}

/** Inserts result rows in one statement (however many: one round trip). */
export async function insertResults(tx: Queryable, rows: { row: StoredResult; scheduleId: number | null }[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = ['run_id', 'agent_id', 'kind', 'target', 'status', 'measured_at', 'finished_at', 'error', ...METRIC_NAMES, 'details', 'method', 'schedule_id', 'in_maintenance'];
  const types = ['uuid', 'uuid', 'text', 'text', 'text', 'timestamptz', 'timestamptz', 'text', ...METRIC_NAMES.map(() => 'float8'), 'jsonb', 'jsonb', 'int8', 'bool'];
  const values: unknown[][] = [
    rows.map((r) => r.row.run_id), rows.map((r) => r.row.agent_id), rows.map((r) => r.row.kind), rows.map((r) => r.row.target), rows.map((r) => r.row.status),
    rows.map((r) => r.row.measured_at), rows.map((r) => r.row.finished_at), rows.map((r) => r.row.error),
    ...METRIC_NAMES.map((n) => rows.map((r) => r.row.metrics[n] ?? null)),
    rows.map((r) => JSON.stringify(r.row.details)), rows.map((r) => JSON.stringify(r.row.method)), rows.map((r) => r.scheduleId), rows.map((r) => r.row.in_maintenance ?? false),
  ];
  await tx.query(
    `INSERT INTO results (${columns.join(', ')}) SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`,
    values,
  );
}

/** Inserts the result row of one run (see resultRow for the timestamps). */
export async function insertResult(tx: Queryable, run: Run, result: MeasurementResult, clockOffsetMs: number): Promise<StoredResult> {
  const row = resultRow(run, result, clockOffsetMs);
  await markMaintenance(tx, [row]);
  await insertResults(tx, [{ row, scheduleId: run.schedule_id }]);
  return row;
}
