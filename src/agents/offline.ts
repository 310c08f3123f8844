import type { AppContext } from '../app/context.js';
import type { PeriodicTask } from '../worker/periodic.js';
import { agentChannel, type AgentChannelMessage } from '../runs/service.js';
import { applyAgentState } from './state-service.js';

/** Marks agents OFFLINE whose last heartbeat is older than AGENT_OFFLINE_AFTER_S. */
export async function markSilentAgentsOffline(ctx: AppContext, now = new Date()): Promise<number> {
  const offlineAfterMs = ctx.config.agentOfflineAfterS * 1000;
  const silent = await ctx.db.query<{ id: string; last_seen_at: Date }>(
    `SELECT id, last_seen_at FROM agents
      WHERE retired_at IS NULL AND NOT maintenance AND maintenance_window IS NULL AND state IN ('ONLINE', 'DEGRADED') AND last_seen_at < $1`,
    [new Date(now.getTime() - offlineAfterMs)],
  );
  let changed = 0;
  for (const agent of silent) {
    const reason = `no heartbeat for ${Math.round((now.getTime() - agent.last_seen_at.getTime()) / 1000)} s (threshold ${ctx.config.agentOfflineAfterS} s)`;
    const change = await ctx.db.transaction((tx) => applyAgentState(tx, agent.id, { state: 'OFFLINE', reason }, { severity: ctx.config.fluxNotify.defaultSeverity, at: now }));
    if (change) {
      changed++;
      ctx.log.warn({ agent: agent.id, reason }, 'agent offline');
      await ctx.bus.publish(agentChannel(agent.id), { type: 'refresh' } satisfies AgentChannelMessage);
    }
  }
  return changed;
}

export function offlineTask(ctx: AppContext): PeriodicTask {
  return {
    name: 'agents.offline',
    // Check often enough that OFFLINE comes within a few seconds of the threshold.
    everyMs: Math.min(5_000, Math.max(250, (ctx.config.agentOfflineAfterS * 1000) / 8)),
    run: async () => {
      await markSilentAgentsOffline(ctx);
    },
  };
}
