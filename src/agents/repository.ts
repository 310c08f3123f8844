import type { Queryable } from '../db/port.js';
import type { AgentCapabilities, AgentHealth, AgentListen } from './protocol.js';
import type { AgentState } from './state.js';

export interface Agent {
  id: string;
  name: string;
  location: string;
  version: string | null;
  capabilities: AgentCapabilities;
  listen: AgentListen;
  remote_address: string | null;
  state: AgentState;
  state_reason: string | null;
  state_changed_at: Date;
  maintenance: boolean;
  maintenance_reason: string | null;
  /** The maintenance window open for the agent now (kept by the worker). */
  maintenance_window: string | null;
  health: AgentHealth;
  connected_at: Date | null;
  last_seen_at: Date | null;
  builtin: boolean;
  created_at: Date;
  retired_at: Date | null;
  credential_revoked_at: Date | null;
}

export const AGENT_COLUMNS = `id, name, location, version, capabilities, listen, remote_address, state, state_reason, state_changed_at,
  maintenance, maintenance_reason, maintenance_window, health, connected_at, last_seen_at, builtin, created_at, retired_at, credential_revoked_at`;

export async function findAgent(db: Queryable, id: string): Promise<Agent | undefined> {
  const [row] = await db.query<Agent>(`SELECT ${AGENT_COLUMNS} FROM agents WHERE id = $1`, [id]);
  return row;
}

/** A live (not retired) agent by name, case-insensitive. */
export async function findAgentByName(db: Queryable, name: string): Promise<Agent | undefined> {
  const [row] = await db.query<Agent>(`SELECT ${AGENT_COLUMNS} FROM agents WHERE lower(name) = lower($1) AND retired_at IS NULL`, [name]);
  return row;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `/nodes/{id}` accepts the agent's id or its name. */
export async function findAgentByIdOrName(db: Queryable, key: string): Promise<Agent | undefined> {
  if (UUID.test(key)) {
    const agent = await findAgent(db, key);
    if (agent) return agent;
  }
  return findAgentByName(db, key);
}

export async function findAgentByCredential(db: Queryable, credentialHash: string): Promise<Agent | undefined> {
  const [row] = await db.query<Agent>(`SELECT ${AGENT_COLUMNS} FROM agents WHERE credential_hash = $1`, [credentialHash]);
  return row;
}

export function listAgents(db: Queryable, options: { includeRetired?: boolean } = {}): Promise<Agent[]> {
  return db.query<Agent>(`SELECT ${AGENT_COLUMNS} FROM agents ${options.includeRetired ? '' : 'WHERE retired_at IS NULL'} ORDER BY lower(name)`);
}

export interface StateChange {
  at: Date;
  from_state: string | null;
  to_state: string;
  reason: string;
}

export function listStateChanges(db: Queryable, agentId: string, limit = 50): Promise<StateChange[]> {
  return db.query<StateChange>('SELECT at, from_state, to_state, reason FROM agent_state_changes WHERE agent_id = $1 ORDER BY at DESC, id DESC LIMIT $2', [agentId, limit]);
}

/** The API shape of an agent. */
export function publicAgent(agent: Agent) {
  return {
    id: agent.id,
    name: agent.name,
    location: agent.location,
    state: agent.state,
    reason: agent.state_reason,
    state_changed_at: agent.state_changed_at.toISOString(),
    last_seen_at: agent.last_seen_at?.toISOString() ?? null,
    connected_at: agent.connected_at?.toISOString() ?? null,
    version: agent.version,
    capabilities: agent.capabilities,
    listen: agent.listen,
    address: agent.remote_address,
    maintenance: agent.maintenance,
    maintenance_reason: agent.maintenance_reason,
    maintenance_window: agent.maintenance_window,
    health: agent.health,
    builtin: agent.builtin,
    created_at: agent.created_at.toISOString(),
    retired_at: agent.retired_at?.toISOString() ?? null,
  };
}
