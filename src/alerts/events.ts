import type { Queryable } from '../db/port.js';
import { enqueueAlertEvent } from './outbox.js';

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
  ruleId?: number | null;
  scheduleId?: number | null;
  contactList?: string | null;
  /** Send the fire (and later the resolve) to Flux Notify and the webhooks. */
  notify?: boolean;
}

/**
 * Opens an alert unless one is already open for the key (one open alert per key, enforced by a
 * unique index). Returns the new alert's id, or null when one was already open.
 */
export async function openAlert(db: Queryable, input: OpenAlertInput): Promise<number | null> {
  const rows = await db.query<{ id: number }>(
    `INSERT INTO alerts (kind, dedup_key, agent_id, target, metric, value, threshold, severity, title, opened_at, details, rule_id, schedule_id, contact_list, notify)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     ON CONFLICT (dedup_key) WHERE state = 'open' DO NOTHING RETURNING id`,
    [input.kind, input.dedupKey, input.agentId, input.target, input.metric, input.value, input.threshold, input.severity, input.title, input.at, JSON.stringify(input.details ?? {}),
      input.ruleId ?? null, input.scheduleId ?? null, input.contactList ?? null, input.notify ?? false],
  );
  const id = rows[0]?.id ?? null;
  if (id === null) return null;
  if (input.kind === 'agent_offline' && input.agentId) await applyOfflineRule(db, id, input.agentId);
  else if (input.notify) await enqueueAlertEvent(db, id, 'alert.fired');
  return id;
}

/** Resolves the open alert for the key, if any. Returns its id. */
export async function resolveAlert(db: Queryable, dedupKey: string, at: Date, details: Record<string, unknown> = {}): Promise<number | null> {
  const rows = await db.query<{ id: number; notify: boolean }>(
    `UPDATE alerts SET state = 'resolved', resolved_at = $2, details = details || $3::jsonb
      WHERE dedup_key = $1 AND state = 'open' RETURNING id, notify`,
    [dedupKey, at, JSON.stringify({ resolution: details })],
  );
  const id = rows[0]?.id ?? null;
  if (id !== null && rows[0]!.notify) await enqueueAlertEvent(db, id, 'alert.resolved');
  return id;
}

/** An enabled agent-offline rule for the agent (or every agent) makes its offline alert page. */
async function applyOfflineRule(db: Queryable, alertId: number, agentId: string): Promise<void> {
  const [rule] = await db.query<{ id: number; severity: string | null; notify_contact_list: string | null }>(
    `SELECT id, severity, notify_contact_list FROM alert_rules WHERE kind = 'agent_offline' AND enabled AND (agent_id IS NULL OR agent_id = $1)
      ORDER BY agent_id IS NULL, id LIMIT 1`,
    [agentId],
  );
  if (!rule) return;
  await db.query('UPDATE alerts SET notify = true, rule_id = $2, severity = COALESCE($3, severity), contact_list = $4 WHERE id = $1', [alertId, rule.id, rule.severity, rule.notify_contact_list]);
  await enqueueAlertEvent(db, alertId, 'alert.fired');
}

export const agentOfflineKey = (agentId: string) => `agent_offline:${agentId}`;
