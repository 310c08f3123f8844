import type { Queryable } from '../db/port.js';
import { METRIC_NAMES, type Metrics } from '../measurements/metrics.js';
import type { RunStatus } from './lifecycle.js';
import { RUN_COLUMNS, type Run } from './repository.js';

export interface ResultFilters {
  agentId?: string;
  target?: string;
  kind?: string;
  status?: RunStatus;
  from?: Date;
  to?: Date;
  scheduleId?: number;
  cursor?: { createdAt: Date; id: string };
  limit: number;
}

export interface RunWithResult extends Run {
  agent_name: string;
  result_target: string | null;
  result_status: string | null;
  error: string | null;
  metrics: Metrics;
}

const METRIC_SELECT = METRIC_NAMES.map((m) => `res.${m}`).join(', ');

function withMetrics(row: Record<string, unknown>): RunWithResult {
  const metrics: Metrics = {};
  for (const name of METRIC_NAMES) {
    const value = row[name];
    if (typeof value === 'number') metrics[name] = value;
    delete row[name];
  }
  return { ...(row as unknown as RunWithResult), metrics };
}

/** Runs newest first with their headline figures; keyset pagination on (created_at, id). */
export async function listRunsWithResults(db: Queryable, f: ResultFilters): Promise<RunWithResult[]> {
  const rows = await db.query<Record<string, unknown>>(
    `SELECT ${RUN_COLUMNS.split(',').map((c) => `r.${c.trim()}`).join(', ')}, a.name AS agent_name,
            res.target AS result_target, res.status AS result_status, res.error, ${METRIC_SELECT}
       FROM runs r
       JOIN agents a ON a.id = r.agent_id
       LEFT JOIN results res ON res.run_id = r.id AND res.measured_at = r.measured_at
      WHERE ($1::uuid IS NULL OR r.agent_id = $1)
        AND ($2::text IS NULL OR r.target = $2 OR res.target = $2)
        AND ($3::text IS NULL OR r.kind = $3)
        AND ($4::text IS NULL OR r.status = $4)
        AND ($5::timestamptz IS NULL OR r.created_at >= $5)
        AND ($6::timestamptz IS NULL OR r.created_at < $6)
        AND ($7::bigint IS NULL OR r.schedule_id = $7)
        AND ($8::timestamptz IS NULL OR (r.created_at, r.id) < ($8, $9::uuid))
      ORDER BY r.created_at DESC, r.id DESC
      LIMIT $10`,
    [f.agentId ?? null, f.target ?? null, f.kind ?? null, f.status ?? null, f.from ?? null, f.to ?? null, f.scheduleId ?? null, f.cursor?.createdAt ?? null, f.cursor?.id ?? null, f.limit],
  );
  return rows.map(withMetrics);
}

export interface RunDetail extends RunWithResult {
  details: Record<string, unknown> | null;
  method: Record<string, unknown> | null;
  result_finished_at: Date | null;
}

export async function findRunDetail(db: Queryable, id: string): Promise<RunDetail | undefined> {
  const [row] = await db.query<Record<string, unknown>>(
    `SELECT ${RUN_COLUMNS.split(',').map((c) => `r.${c.trim()}`).join(', ')}, a.name AS agent_name,
            res.target AS result_target, res.status AS result_status, res.error, ${METRIC_SELECT},
            res.details, res.method, res.finished_at AS result_finished_at
       FROM runs r JOIN agents a ON a.id = r.agent_id
       LEFT JOIN results res ON res.run_id = r.id AND res.measured_at = r.measured_at
      WHERE r.id = $1`,
    [id],
  );
  return row ? (withMetrics(row) as RunDetail) : undefined;
}

export const encodeCursor = (run: Pick<Run, 'created_at' | 'id'>) => Buffer.from(`${run.created_at.toISOString()}|${run.id}`).toString('base64url');

export function decodeCursor(cursor: string): { createdAt: Date; id: string } | undefined {
  const [time, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(time ?? '');
  if (Number.isNaN(createdAt.getTime()) || !id || !/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  return { createdAt, id };
}
