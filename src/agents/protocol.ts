import { Type, type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { MeasurementJob, MeasurementResult, Progress } from '../measurements/job.js';

/**
 * The agent protocol (WebSocket `/api/agent/ws`), one JSON object per message with a `type`.
 * Version 1. Both sides validate every message against these schemas.
 */
export const AGENT_PROTOCOL_VERSION = 1;
/** Larger messages are refused and the connection closed (a result with a long trace fits easily). */
export const MAX_AGENT_MESSAGE_BYTES = 4 * 1024 * 1024;
/** An agent holding more runs than this leaves `active_runs` out of its hello (it must fit in a message). */
export const MAX_ACTIVE_RUNS_IN_HELLO = 50_000;

/**
 * What the agent's host can measure, found by trying (see src/engines/capabilities.ts):
 * `mtr` {present, version, raw_sockets, subsecond_interval, reason}, `ipv6` {loopback, global,
 * addresses}, `iperf3` {present, version}. Open-ended so newer agents may report more.
 */
export const AgentCapabilities = Type.Record(Type.String({ maxLength: 64 }), Type.Unknown());
export type AgentCapabilities = Static<typeof AgentCapabilities>;

export const AgentListen = Type.Object({
  http_port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  reflector_port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  iperf3_port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  /** Addresses the agent listens on, when it knows better than the address the server sees. */
  addresses: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 16 })),
});
export type AgentListen = Static<typeof AgentListen>;

export const AgentHealth = Type.Object({
  load1: Type.Optional(Type.Number()),
  mem_free_mb: Type.Optional(Type.Number()),
  running_jobs: Type.Optional(Type.Integer({ minimum: 0 })),
  queued_jobs: Type.Optional(Type.Integer({ minimum: 0 })),
  /** Runs finished and failed by an engine error among the last ones (for DEGRADED). */
  recent_runs: Type.Optional(Type.Integer({ minimum: 0 })),
  recent_engine_errors: Type.Optional(Type.Integer({ minimum: 0 })),
  /** Round trip of the previous heartbeat, measured by the agent. */
  rtt_ms: Type.Optional(Type.Number({ minimum: 0 })),
  /** server clock − agent clock, estimated from heartbeats. */
  clock_offset_ms: Type.Optional(Type.Number()),
  buffered_results: Type.Optional(Type.Integer({ minimum: 0 })),
  dropped_results: Type.Optional(Type.Integer({ minimum: 0 })),
  /** Why the on-disk result buffer cannot be written (disk full…), while results are held in memory. */
  buffer_error: Type.Optional(Type.String({ maxLength: 500 })),
});
export type AgentHealth = Static<typeof AgentHealth>;

const RunId = Type.String({ format: 'uuid' });

export const AgentMessage = Type.Union([
  Type.Object({
    type: Type.Literal('hello'),
    protocol: Type.Integer(),
    version: Type.String({ maxLength: 64 }),
    location: Type.Optional(Type.String({ maxLength: 200 })),
    capabilities: AgentCapabilities,
    listen: Type.Optional(AgentListen),
    sent_at: Type.String({ format: 'date-time' }),
    /**
     * Runs the agent is measuring or holds a result for. When present, a run the server thinks is
     * running on this agent but is not listed was lost (the agent restarted mid-test).
     */
    active_runs: Type.Optional(Type.Array(RunId, { maxItems: MAX_ACTIVE_RUNS_IN_HELLO })),
  }),
  Type.Object({ type: Type.Literal('heartbeat'), seq: Type.Integer({ minimum: 0 }), sent_at: Type.String({ format: 'date-time' }), health: AgentHealth }),
  Type.Object({ type: Type.Literal('ack'), run_id: RunId }),
  Type.Object({ type: Type.Literal('started'), run_id: RunId, started_at: Type.String({ format: 'date-time' }) }),
  Type.Object({ type: Type.Literal('progress'), run_id: RunId, progress: Progress }),
  Type.Object({ type: Type.Literal('result'), run_id: RunId, result: MeasurementResult }),
  Type.Object({ type: Type.Literal('reject'), run_id: RunId, reason: Type.String({ maxLength: 1000 }) }),
]);
export type AgentMessage = Static<typeof AgentMessage>;

export const ServerMessage = Type.Union([
  Type.Object({ type: Type.Literal('welcome'), agent_id: Type.String(), name: Type.String(), heartbeat_s: Type.Integer(), server_time: Type.String() }),
  Type.Object({ type: Type.Literal('heartbeat_ack'), seq: Type.Integer(), server_time: Type.String() }),
  Type.Object({ type: Type.Literal('job'), run_id: RunId, job: MeasurementJob, exclusive: Type.Boolean(), deadline_at: Type.String() }),
  Type.Object({ type: Type.Literal('cancel'), run_id: RunId, reason: Type.String() }),
  Type.Object({
    type: Type.Literal('result_ack'),
    run_id: RunId,
    /**
     * stored: kept; duplicate: already had it; rejected: will never be accepted (drop it);
     * retry: the server could not store it now (its database is unreachable): keep it, send it again later.
     */
    outcome: Type.Union([Type.Literal('stored'), Type.Literal('duplicate'), Type.Literal('rejected'), Type.Literal('retry')]),
    reason: Type.Optional(Type.String()),
  }),
  Type.Object({ type: Type.Literal('error'), code: Type.String(), message: Type.String() }),
]);
export type ServerMessage = Static<typeof ServerMessage>;

export interface Decoded<T> {
  ok: boolean;
  message?: T;
  error?: string;
}

function decoder<T>(union: TSchema & { anyOf: TSchema[] }) {
  // Pick the branch by `type` first, so an error names the field of that message, not of another.
  const branches = new Map<string, ReturnType<typeof Compile>>();
  for (const branch of union.anyOf) {
    const literal = (branch as unknown as { properties: { type: { const: string } } }).properties.type.const;
    branches.set(literal, Compile(branch));
  }
  return (raw: string): Decoded<T> => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return { ok: false, error: 'not JSON' };
    }
    const type = (parsed as { type?: unknown } | null)?.type;
    const check = typeof type === 'string' ? branches.get(type) : undefined;
    if (!check) return { ok: false, error: `unknown message type ${JSON.stringify(type ?? null).slice(0, 40)}` };
    if (!check.Check(parsed)) {
      const first = check.Errors(parsed)[0];
      return { ok: false, error: `invalid ${type}: ${first ? `${first.instancePath || '/'} ${first.message}` : 'does not match the protocol'}` };
    }
    return { ok: true, message: parsed as T };
  };
}

export const decodeAgentMessage = decoder<AgentMessage>(AgentMessage as unknown as TSchema & { anyOf: TSchema[] });
export const decodeServerMessage = decoder<ServerMessage>(ServerMessage as unknown as TSchema & { anyOf: TSchema[] });
