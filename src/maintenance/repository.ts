import type { Queryable } from '../db/port.js';
import { activeWindows, appliesTo, type MaintenanceWindow, type WindowOccurrence } from './windows.js';

export const WINDOW_COLUMNS = 'id, name, agent_id, starts_at, ends_at, cron, duration_seconds, timezone, reason';

/** Live windows (not deleted): every global one and, when given, one agent's. */
export function listWindows(db: Queryable, agentId?: string): Promise<MaintenanceWindow[]> {
  return agentId
    ? db.query<MaintenanceWindow>(`SELECT ${WINDOW_COLUMNS} FROM maintenance_windows WHERE deleted_at IS NULL AND (agent_id IS NULL OR agent_id = $1) ORDER BY id`, [agentId])
    : db.query<MaintenanceWindow>(`SELECT ${WINDOW_COLUMNS} FROM maintenance_windows WHERE deleted_at IS NULL ORDER BY id`);
}

/** Live windows that apply to any of the given agents (global ones included), in one statement. */
export function windowsForAgents(db: Queryable, agentIds: readonly string[]): Promise<MaintenanceWindow[]> {
  return db.query<MaintenanceWindow>(
    `SELECT ${WINDOW_COLUMNS} FROM maintenance_windows WHERE deleted_at IS NULL AND (agent_id IS NULL OR agent_id = ANY($1::uuid[])) ORDER BY id`,
    [agentIds],
  );
}

export interface MaintenanceMatch {
  /** Why the agent is in maintenance, e.g. `maintenance window "Fibre works"`. */
  reason: string;
  /** The window, or null for the manual maintenance flag set on the agent. */
  window: WindowOccurrence | null;
}

/**
 * Whether an agent is in maintenance at `at`: inside one of its (or a global) maintenance
 * windows, or flagged by an operator (the flag is current state: it counts for any `at`).
 * Returns why, or null. Usable inside a transaction (`db` may be the transaction).
 */
export async function isInMaintenance(db: Queryable, agentId: string, at: Date = new Date()): Promise<MaintenanceMatch | null> {
  const open = activeWindows(await listWindows(db, agentId), at);
  if (open[0]) return { reason: `maintenance window "${open[0].window.name}"`, window: open[0] };
  const [agent] = await db.query<{ maintenance: boolean; maintenance_reason: string | null }>('SELECT maintenance, maintenance_reason FROM agents WHERE id = $1', [agentId]);
  if (agent?.maintenance) return { reason: agent.maintenance_reason ? `maintenance: ${agent.maintenance_reason}` : 'maintenance set by an operator', window: null };
  return null;
}

/** The window open for each agent at `at` (the first by id), from one list of windows. */
export function windowForAgent(windows: readonly MaintenanceWindow[], agentId: string, at: Date): WindowOccurrence | undefined {
  return activeWindows(windows.filter((w) => appliesTo(w, agentId)), at)[0];
}
