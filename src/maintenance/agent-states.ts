import type { AppContext } from '../app/context.js';
import { applyAgentState } from '../agents/state-service.js';
import { evaluateAgentState, maintenanceInputs, type AgentState } from '../agents/state.js';
import type { AgentHealth } from '../agents/protocol.js';
import { listWindows, windowForAgent } from './repository.js';
import type { PeriodicTask } from '../worker/periodic.js';

interface AgentRow {
  id: string;
  state: AgentState;
  maintenance: boolean;
  maintenance_reason: string | null;
  maintenance_window: string | null;
  last_seen_at: Date | null;
  health: AgentHealth;
}

/**
 * Keeps each agent's `maintenance_window` in step with the windows open now: an agent entering
 * one becomes MAINTENANCE (the window's name in the reason), one leaving it returns to the state
 * its heartbeats give (ONLINE, OFFLINE…), unless an operator set maintenance by hand.
 * Returns the number of agents whose window changed.
 */
export async function syncMaintenanceWindows(ctx: AppContext, now = new Date()): Promise<number> {
  const windows = await listWindows(ctx.db);
  const agents = await ctx.db.query<AgentRow>(
    `SELECT id, state, maintenance, maintenance_reason, maintenance_window, last_seen_at, health FROM agents
      WHERE retired_at IS NULL AND (maintenance_window IS NOT NULL OR $1)`,
    [windows.length > 0],
  );
  let changed = 0;
  for (const agent of agents) {
    const open = windowForAgent(windows, agent.id, now);
    const name = open?.window.name ?? null;
    if (name === agent.maintenance_window) continue;
    const verdict = evaluateAgentState({
      ...maintenanceInputs({ ...agent, maintenance_window: name }),
      lastSeenAt: agent.last_seen_at,
      health: agent.health,
      nowMs: now.getTime(),
      offlineAfterMs: ctx.config.agentOfflineAfterS * 1000,
    });
    const reason = open && !agent.maintenance ? `${verdict.reason} until ${open.end.toISOString()}` : name === null && !agent.maintenance ? `maintenance window "${agent.maintenance_window}" ended; ${verdict.reason}` : verdict.reason;
    await ctx.db.transaction(async (tx) => {
      await tx.query('UPDATE agents SET maintenance_window = $2 WHERE id = $1', [agent.id, name]);
      await applyAgentState(tx, agent.id, { state: verdict.state, reason }, { severity: ctx.config.fluxNotify.defaultSeverity, at: now });
    });
    changed++;
    ctx.log.info({ agent: agent.id, window: name, state: verdict.state }, name ? 'maintenance window opened' : 'maintenance window closed');
  }
  return changed;
}

/** The worker task that opens and closes maintenance windows on agents, every SCHEDULER_TICK_MS. */
export function maintenanceTask(ctx: AppContext): PeriodicTask {
  return {
    name: 'maintenance.windows',
    everyMs: ctx.config.schedulerTickMs,
    run: async () => {
      await syncMaintenanceWindows(ctx);
    },
  };
}
