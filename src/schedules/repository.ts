import type { Queryable } from '../db/port.js';
import type { TestType } from './jobs.js';

export interface Schedule {
  id: number;
  name: string;
  agent_id: string;
  agent_name: string;
  test_type: TestType;
  target: string;
  params: Record<string, unknown>;
  interval_seconds: number;
  offset_seconds: number;
  thresholds: Record<string, number>;
  consecutive_failures: number;
  alert_on_breach: boolean;
  severity: string | null;
  notify_contact_list: string | null;
  paused: boolean;
  next_run_at: Date;
  last_run_at: Date | null;
  last_run_id: string | null;
  last_run_status: string | null;
  last_run_reason: string | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
}

const SELECT = `SELECT s.id, s.name, s.agent_id, a.name AS agent_name, s.test_type, s.target, s.params, s.interval_seconds, s.offset_seconds,
    s.thresholds, s.consecutive_failures, s.alert_on_breach, s.severity, s.notify_contact_list, s.paused, s.next_run_at,
    s.last_run_at, s.last_run_id, r.status AS last_run_status, r.status_reason AS last_run_reason, s.last_error, s.created_at, s.updated_at
  FROM schedules s JOIN agents a ON a.id = s.agent_id LEFT JOIN runs r ON r.id = s.last_run_id`;

export async function findSchedule(db: Queryable, id: number): Promise<Schedule | undefined> {
  const [row] = await db.query<Schedule>(`${SELECT} WHERE s.id = $1 AND s.deleted_at IS NULL`, [id]);
  return row;
}

export function listSchedules(db: Queryable, filter: { agentId?: string } = {}): Promise<Schedule[]> {
  return filter.agentId
    ? db.query<Schedule>(`${SELECT} WHERE s.deleted_at IS NULL AND s.agent_id = $1 ORDER BY lower(s.name), s.id`, [filter.agentId])
    : db.query<Schedule>(`${SELECT} WHERE s.deleted_at IS NULL ORDER BY lower(s.name), s.id`);
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The API shape of a schedule. */
export function presentSchedule(s: Schedule) {
  return {
    id: s.id,
    name: s.name,
    agent: { id: s.agent_id, name: s.agent_name },
    target: s.target,
    test_type: s.test_type,
    params: s.params,
    interval_seconds: s.interval_seconds,
    offset_seconds: s.offset_seconds,
    thresholds: s.thresholds,
    alert_on_breach: s.alert_on_breach,
    notify_contact_list: s.notify_contact_list,
    consecutive_failures: s.consecutive_failures,
    severity: s.severity,
    paused: s.paused,
    next_run_at: s.paused ? null : iso(s.next_run_at),
    last_run_at: iso(s.last_run_at),
    last_run: s.last_run_id ? { id: s.last_run_id, status: s.last_run_status ?? 'unknown', status_reason: s.last_run_reason } : null,
    last_error: s.last_error,
    created_at: s.created_at.toISOString(),
    updated_at: s.updated_at.toISOString(),
  };
}
