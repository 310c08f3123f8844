import { Type } from 'typebox';
import { NullableTimestamp, Timestamp } from '../http/schemas.js';
import { MetricsBody } from '../measurements/job.js';
import { RUN_STATUSES } from './lifecycle.js';

export const RunSummaryBody = Type.Object({
  id: Type.String({ format: 'uuid' }),
  agent: Type.Object({ id: Type.String(), name: Type.String() }),
  type: Type.String({ description: 'speedtest, trace, probe or dns' }),
  target: Type.String({ description: 'as requested' }),
  measured_target: Type.Union([Type.String(), Type.Null()], { description: 'what was measured (the chosen target for auto)' }),
  status: Type.String({ enum: [...RUN_STATUSES] }),
  status_reason: Type.Union([Type.String(), Type.Null()]),
  schedule_id: Type.Union([Type.Integer(), Type.Null()]),
  created_at: Timestamp,
  dispatched_at: NullableTimestamp,
  started_at: NullableTimestamp,
  finished_at: NullableTimestamp,
  metrics: MetricsBody,
});

export const RunDetailBody = Type.Intersect([
  RunSummaryBody,
  Type.Object({
    spec: Type.Record(Type.String(), Type.Unknown()),
    timeline: Type.Array(Type.Object({ at: Type.String(), status: Type.String(), note: Type.Optional(Type.String()) })),
    deadline_at: Timestamp,
    error: Type.Union([Type.String(), Type.Null()]),
    details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], { description: 'per-interval series, hop table, per-resolver answers' }),
    method: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()], { description: 'engine, streams, duration, warm-up, bytes, elapsed, address, agent version' }),
    progress: Type.Array(Type.Unknown(), { description: 'latest live progress while the run is active' }),
  }),
]);

export const RunAcceptedBody = Type.Object({ run_id: Type.String({ format: 'uuid' }), status: Type.String() });
