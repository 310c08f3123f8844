import type { Queryable } from '../db/port.js';
import { agentOfflineKey, openAlert, resolveAlert } from '../alerts/events.js';
import type { AgentState, StateVerdict } from './state.js';

export interface AppliedChange {
  agentId: string;
  from: AgentState;
  to: AgentState;
  reason: string;
  at: Date;
}

/**
 * Moves an agent to a state (in the caller's transaction): updates the row, records the change
 * with its time and reason, and opens or resolves the agent-offline alert. Returns the change,
 * or null when the agent was already in that state (only the reason is refreshed).
 */
export async function applyAgentState(tx: Queryable, agentId: string, verdict: StateVerdict, options: { severity: string; at?: Date }): Promise<AppliedChange | null> {
  const at = options.at ?? new Date();
  const [current] = await tx.query<{ state: AgentState; name: string }>('SELECT state, name FROM agents WHERE id = $1 FOR UPDATE', [agentId]);
  if (!current) return null;
  if (current.state === verdict.state) {
    await tx.query('UPDATE agents SET state_reason = $2 WHERE id = $1 AND state_reason IS DISTINCT FROM $2', [agentId, verdict.reason]);
    return null;
  }
  await tx.query('UPDATE agents SET state = $2, state_reason = $3, state_changed_at = $4 WHERE id = $1', [agentId, verdict.state, verdict.reason, at]);
  await tx.query('INSERT INTO agent_state_changes (agent_id, at, from_state, to_state, reason) VALUES ($1, $2, $3, $4, $5)', [agentId, at, current.state, verdict.state, verdict.reason]);
  if (verdict.state === 'OFFLINE') {
    await openAlert(tx, {
      kind: 'agent_offline',
      dedupKey: agentOfflineKey(agentId),
      agentId,
      target: null,
      metric: null,
      value: null,
      threshold: null,
      severity: options.severity,
      title: `Agent ${current.name} is OFFLINE: ${verdict.reason}`,
      at,
    });
  } else if (current.state === 'OFFLINE' || verdict.state === 'MAINTENANCE') {
    await resolveAlert(tx, agentOfflineKey(agentId), at, { state: verdict.state, reason: verdict.reason });
  }
  return { agentId, from: current.state, to: verdict.state, reason: verdict.reason, at };
}
