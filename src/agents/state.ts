import type { AgentHealth } from './protocol.js';

/** The brief's agent states, plus NEVER_CONNECTED for a registered agent never seen. */
export const AGENT_STATES = ['NEVER_CONNECTED', 'ONLINE', 'DEGRADED', 'OFFLINE', 'MAINTENANCE'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

export interface StateVerdict {
  state: AgentState;
  reason: string;
}

export interface DegradedLimits {
  /** Heartbeat round trip above which an agent is DEGRADED. */
  heartbeatRttMs: number;
  /** Share of recent runs failed by an engine error above which an agent is DEGRADED… */
  engineErrorRatio: number;
  /** …once it has at least this many recent runs. */
  minRecentRuns: number;
  /** Clock difference to the server above which an agent is DEGRADED (results are corrected). */
  clockOffsetMs: number;
}

export const DEFAULT_DEGRADED_LIMITS: DegradedLimits = { heartbeatRttMs: 500, engineErrorRatio: 0.5, minRecentRuns: 4, clockOffsetMs: 60_000 };

export interface StateInputs {
  maintenance: boolean;
  maintenanceReason: string | null;
  lastSeenAt: Date | null;
  health: AgentHealth;
  nowMs: number;
  offlineAfterMs: number;
  limits?: DegradedLimits;
}

/** The maintenance inputs of an agent: the operator's flag, or a maintenance window open now. */
export function maintenanceInputs(agent: { maintenance: boolean; maintenance_reason: string | null; maintenance_window?: string | null }): Pick<StateInputs, 'maintenance' | 'maintenanceReason'> {
  if (agent.maintenance) return { maintenance: true, maintenanceReason: agent.maintenance_reason };
  if (agent.maintenance_window) return { maintenance: true, maintenanceReason: `window "${agent.maintenance_window}"` };
  return { maintenance: false, maintenanceReason: null };
}

/** What state an agent is in, and why, from what the server knows of it. Pure. */
export function evaluateAgentState(inputs: StateInputs): StateVerdict {
  const limits = inputs.limits ?? DEFAULT_DEGRADED_LIMITS;
  if (inputs.maintenance) return { state: 'MAINTENANCE', reason: inputs.maintenanceReason ? `maintenance: ${inputs.maintenanceReason}` : 'maintenance set by an operator' };
  if (!inputs.lastSeenAt) return { state: 'NEVER_CONNECTED', reason: 'registered, never connected' };
  const silentMs = inputs.nowMs - inputs.lastSeenAt.getTime();
  if (silentMs > inputs.offlineAfterMs) {
    return { state: 'OFFLINE', reason: `no heartbeat for ${Math.round(silentMs / 1000)} s (threshold ${Math.round(inputs.offlineAfterMs / 1000)} s)` };
  }
  const { rtt_ms, recent_runs, recent_engine_errors, clock_offset_ms, buffer_error, dropped_results } = inputs.health;
  if (buffer_error) return { state: 'DEGRADED', reason: `result buffer: ${buffer_error}` };
  if (dropped_results) return { state: 'DEGRADED', reason: `result buffer full: ${dropped_results} results dropped since the agent started` };
  if (rtt_ms !== undefined && rtt_ms > limits.heartbeatRttMs) {
    return { state: 'DEGRADED', reason: `heartbeat RTT ${Math.round(rtt_ms)} ms > ${limits.heartbeatRttMs} ms` };
  }
  if (recent_runs !== undefined && recent_engine_errors !== undefined && recent_runs >= limits.minRecentRuns && recent_engine_errors / recent_runs >= limits.engineErrorRatio) {
    return { state: 'DEGRADED', reason: `engine errors: ${recent_engine_errors} of the last ${recent_runs} runs failed` };
  }
  if (clock_offset_ms !== undefined && Math.abs(clock_offset_ms) > limits.clockOffsetMs) {
    return { state: 'DEGRADED', reason: `agent clock off by ${Math.round(clock_offset_ms / 1000)} s (result times are corrected)` };
  }
  return { state: 'ONLINE', reason: 'heartbeat current' };
}
