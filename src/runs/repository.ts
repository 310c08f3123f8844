import type { Queryable } from '../db/port.js';
import type { MeasurementJob } from '../measurements/job.js';
import type { MeasurementKind } from '../measurements/kinds.js';
import { ALLOWED_FROM, type RunStatus } from './lifecycle.js';

export interface TimelineEntry {
  at: string;
  status: RunStatus;
  note?: string;
}

export interface Run {
  id: string;
  agent_id: string;
  kind: MeasurementKind;
  target: string;
  spec: MeasurementJob['spec'];
  exclusive: boolean;
  status: RunStatus;
  status_reason: string | null;
  timeline: TimelineEntry[];
  requested_by: number | null;
  schedule_id: number | null;
  created_at: Date;
  dispatched_at: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
  deadline_at: Date;
  measured_at: Date | null;
}

export const RUN_COLUMNS = `id, agent_id, kind, target, spec, exclusive, status, status_reason, timeline, requested_by, schedule_id,
  created_at, dispatched_at, started_at, finished_at, deadline_at, measured_at`;

export async function insertRun(
  db: Queryable,
  run: { agentId: string; job: MeasurementJob; target: string; exclusive: boolean; requestedBy: number | null; scheduleId: number | null; deadlineAt: Date; note: string; at: Date },
): Promise<Run> {
  const [row] = await db.query<Run>(
    `INSERT INTO runs (agent_id, kind, target, spec, exclusive, requested_by, schedule_id, deadline_at, created_at, timeline)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, jsonb_build_array(jsonb_build_object('at', $10::text, 'status', 'queued', 'note', $11::text)))
     RETURNING ${RUN_COLUMNS}`,
    [run.agentId, run.job.kind, run.target, JSON.stringify(run.job.spec), run.exclusive, run.requestedBy, run.scheduleId, run.deadlineAt, run.at, run.at.toISOString(), run.note],
  );
  return row!;
}

export async function findRun(db: Queryable, id: string, options: { forUpdate?: boolean } = {}): Promise<Run | undefined> {
  const [row] = await db.query<Run>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = $1 ${options.forUpdate ? 'FOR UPDATE' : ''}`, [id]);
  return row;
}

export interface TransitionOptions {
  at?: Date;
  note?: string;
  /** Stored as the run's status_reason (why it failed, timed out, was skipped…). */
  reason?: string;
  dispatchedAt?: Date;
  startedAt?: Date;
  finishedAt?: Date;
  deadlineAt?: Date;
  measuredAt?: Date;
}

/**
 * Moves a run to `to` if its current status allows it (lifecycle.ts), appending to its timeline.
 * Returns the updated run, or undefined when the run was not in a state that allows the move.
 */
export async function transitionRun(db: Queryable, id: string, to: RunStatus, options: TransitionOptions = {}): Promise<Run | undefined> {
  const at = options.at ?? new Date();
  const [row] = await db.query<Run>(
    `UPDATE runs SET
        status = $2,
        status_reason = COALESCE($4, status_reason),
        timeline = timeline || jsonb_build_array(jsonb_strip_nulls(jsonb_build_object('at', $5::text, 'status', $2::text, 'note', $6::text))),
        dispatched_at = COALESCE($7, dispatched_at),
        started_at = COALESCE($8, started_at),
        finished_at = COALESCE($9, finished_at),
        deadline_at = COALESCE($10, deadline_at),
        measured_at = COALESCE($11, measured_at)
      WHERE id = $1 AND status = ANY($3::text[])
      RETURNING ${RUN_COLUMNS}`,
    [id, to, ALLOWED_FROM[to], options.reason ?? null, at.toISOString(), options.note ?? null, options.dispatchedAt ?? null, options.startedAt ?? null, options.finishedAt ?? null, options.deadlineAt ?? null, options.measuredAt ?? null],
  );
  return row;
}

/** Queued runs of an agent, oldest first, locked for dispatch (other dispatchers skip them). */
export function lockQueuedRuns(db: Queryable, agentId: string, statuses: RunStatus[] = ['queued'], limit = 100): Promise<Run[]> {
  return db.query<Run>(
    `SELECT ${RUN_COLUMNS} FROM runs WHERE agent_id = $1 AND status = ANY($2::text[]) ORDER BY created_at, id LIMIT $3 FOR UPDATE SKIP LOCKED`,
    [agentId, statuses, limit],
  );
}

/** Active runs whose deadline has passed. */
export function overdueRuns(db: Queryable, now: Date, limit = 500): Promise<Pick<Run, 'id' | 'agent_id' | 'status' | 'deadline_at'>[]> {
  return db.query(
    `SELECT id, agent_id, status, deadline_at FROM runs WHERE status IN ('queued', 'dispatched', 'running') AND deadline_at < $1 ORDER BY deadline_at LIMIT $2`,
    [now, limit],
  );
}
