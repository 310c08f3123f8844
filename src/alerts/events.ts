import type { Queryable } from '../db/port.js';

export interface OpenAlertInput {
  kind: 'threshold' | 'baseline' | 'agent_offline';
  dedupKey: string;
  agentId: string | null;
  target: string | null;
  metric: string | null;
  value: number | null;
  threshold: number | null;
  severity: string;
  title: string;
  at: Date;
  details?: Record<string, unknown>;
}

/**
 * Opens an alert unless one is already open for the key (one open alert per key, enforced by a
 * unique index). Returns the new alert's id, or null when one was already open.
 */
export async function openAlert(db: Queryable, input: OpenAlertInput): Promise<number | null> {
  const rows = await db.query<{ id: number }>(
    `INSERT INTO alerts (kind, dedup_key, agent_id, target, metric, value, threshold, severity, title, opened_at, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     ON CONFLICT (dedup_key) WHERE state = 'open' DO NOTHING RETURNING id`,
    [input.kind, input.dedupKey, input.agentId, input.target, input.metric, input.value, input.threshold, input.severity, input.title, input.at, JSON.stringify(input.details ?? {})],
  );
  return rows[0]?.id ?? null;
}

/** Resolves the open alert for the key, if any. Returns its id. */
export async function resolveAlert(db: Queryable, dedupKey: string, at: Date, details: Record<string, unknown> = {}): Promise<number | null> {
  const rows = await db.query<{ id: number }>(
    `UPDATE alerts SET state = 'resolved', resolved_at = $2, details = details || $3::jsonb
      WHERE dedup_key = $1 AND state = 'open' RETURNING id`,
    [dedupKey, at, JSON.stringify({ resolution: details })],
  );
  return rows[0]?.id ?? null;
}

export const agentOfflineKey = (agentId: string) => `agent_offline:${agentId}`;
