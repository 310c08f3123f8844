import { Type } from 'typebox';
import { NullableTimestamp, Timestamp } from '../http/schemas.js';
import { AGENT_STATES } from './state.js';

export const AgentBody = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  location: Type.String(),
  state: Type.String({ enum: [...AGENT_STATES] }),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'why the agent is in its state (which figure made it DEGRADED, how long OFFLINE)' }),
  state_changed_at: Timestamp,
  last_seen_at: NullableTimestamp,
  connected_at: NullableTimestamp,
  version: Type.Union([Type.String(), Type.Null()]),
  capabilities: Type.Record(Type.String(), Type.Unknown()),
  listen: Type.Record(Type.String(), Type.Unknown()),
  address: Type.Union([Type.String(), Type.Null()]),
  maintenance: Type.Boolean(),
  maintenance_reason: Type.Union([Type.String(), Type.Null()]),
  maintenance_window: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'the maintenance window open for the agent now, by name' })),
  health: Type.Record(Type.String(), Type.Unknown()),
  builtin: Type.Boolean(),
  created_at: Timestamp,
  retired_at: NullableTimestamp,
});

export const StateChangeBody = Type.Object({ at: Timestamp, from_state: Type.Union([Type.String(), Type.Null()]), to_state: Type.String(), reason: Type.String() });

export const RegistrationTokenBody = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  prefix: Type.String(),
  source: Type.String({ description: 'api (created here), env (AGENT_REGISTRATION_TOKEN)' }),
  created_at: Timestamp,
  expires_at: NullableTimestamp,
  last_used_at: NullableTimestamp,
  uses: Type.Integer(),
  revoked: Type.Boolean(),
});

export const NodeKeyParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, description: 'agent id or name' }) });
