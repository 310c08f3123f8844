import type { AppContext } from '../app/context.js';
import { applyAgentState } from './state-service.js';
import type { AgentConnection } from './connection.js';
import type { AgentHealth, AgentMessage } from './protocol.js';
import { AGENT_COLUMNS, type Agent } from './repository.js';
import { evaluateAgentState, maintenanceInputs, type AgentState } from './state.js';

/** Records a hello (version, capabilities, where it listens) and moves the agent to its state. */
export async function recordHello(ctx: AppContext, conn: AgentConnection, hello: Extract<AgentMessage, { type: 'hello' }>): Promise<Agent | undefined> {
  const now = new Date();
  const [agent] = await ctx.db.query<Agent>(
    `UPDATE agents SET version = $2, location = COALESCE($3, location), capabilities = $4, listen = $5, remote_address = $6,
            connected_at = $7, last_seen_at = $7, health = '{}'::jsonb
      WHERE id = $1 AND retired_at IS NULL AND credential_revoked_at IS NULL RETURNING ${AGENT_COLUMNS}`,
    [conn.agentId, hello.version, hello.location ?? null, JSON.stringify(hello.capabilities), JSON.stringify(hello.listen ?? {}), conn.remoteAddress, now],
  );
  if (!agent) return undefined;
  await updateState(ctx, agent, {});
  return agent;
}

async function updateState(ctx: AppContext, agent: Pick<Agent, 'id' | 'state' | 'maintenance' | 'maintenance_reason' | 'maintenance_window' | 'last_seen_at'>, health: AgentHealth) {
  const verdict = evaluateAgentState({
    ...maintenanceInputs(agent),
    lastSeenAt: agent.last_seen_at,
    health,
    nowMs: Date.now(),
    offlineAfterMs: ctx.config.agentOfflineAfterS * 1000,
  });
  if (verdict.state === agent.state) return;
  const change = await ctx.db.transaction((tx) => applyAgentState(tx, agent.id, verdict, { severity: ctx.config.fluxNotify.defaultSeverity }));
  if (change) ctx.log.info({ agent: agent.id, from: change.from, to: change.to, reason: change.reason }, 'agent state changed');
}

/**
 * Writes a batch of heartbeats in one statement and re-evaluates each agent's state from what
 * the database holds (maintenance set elsewhere, OFFLINE set by a worker during a long pause).
 */
export async function flushHeartbeats(ctx: AppContext, batch: [string, { at: Date; health: AgentHealth }][]): Promise<void> {
  const rows = await ctx.db.query<{ id: string; state: AgentState; maintenance: boolean; maintenance_reason: string | null; maintenance_window: string | null; last_seen_at: Date; health: AgentHealth }>(
    `UPDATE agents a SET last_seen_at = GREATEST(a.last_seen_at, v.seen), health = v.health
       FROM (SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::jsonb[]) AS t(id, seen, health)) v
      WHERE a.id = v.id AND a.retired_at IS NULL
      RETURNING a.id, a.state, a.maintenance, a.maintenance_reason, a.maintenance_window, a.last_seen_at, a.health`,
    [batch.map(([id]) => id), batch.map(([, v]) => v.at), batch.map(([, v]) => JSON.stringify(v.health))],
  );
  for (const row of rows) await updateState(ctx, row, row.health);
}
