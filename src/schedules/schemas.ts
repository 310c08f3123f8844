import { Type } from 'typebox';
import { NullableTimestamp, Timestamp } from '../http/schemas.js';

export const TEST_TYPES = ['speedtest', 'trace', 'probe', 'dns'] as const;
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;

const Threshold = (description: string, maximum = 1_000_000) => Type.Optional(Type.Number({ minimum: 0, maximum, description }));

/** The SLA targets of a schedule (brief "Threshold alerts"); every key optional. */
export const Thresholds = Type.Object({
  download_min_mbps: Threshold('alert when download is below this'),
  upload_min_mbps: Threshold('alert when upload is below this'),
  latency_max_ms: Threshold('alert when latency is above this'),
  jitter_max_ms: Threshold('alert when jitter is above this'),
  packet_loss_max_pct: Threshold('alert when packet loss is above this', 100),
  baseline_deviation_pct: Threshold('alert when a result is this % below the baseline', 100),
}, { additionalProperties: false });

const fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  agent: Type.String({ minLength: 1, maxLength: 64, description: 'the agent that measures: its name or id' }),
  target: Type.String({ minLength: 1, maxLength: 2048, description: 'as in the on-demand test: a speedtest target, the host to trace or probe, the hostname to resolve' }),
  test_type: Type.String({ enum: [...TEST_TYPES] }),
  interval_seconds: Type.Integer({ minimum: 1, maximum: 31 * 86400, description: 'at least SCHEDULE_MIN_INTERVAL_S' }),
  params: Type.Record(Type.String(), Type.Unknown(), { description: "the test's own parameters, as in POST /api/speed/test|trace|probe|dns (without agent and target)" }),
  thresholds: Thresholds,
  alert_on_breach: Type.Boolean(),
  notify_contact_list: Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()], { description: 'Flux Notify contact list; null: DEFAULT_CONTACT_LIST' }),
  consecutive_failures: Type.Integer({ minimum: 1, maximum: 100 }),
  severity: Type.Union([Type.String({ enum: [...SEVERITIES] }), Type.Null()], { description: 'null: DEFAULT_SEVERITY' }),
  paused: Type.Boolean(),
};

export const ScheduleInput = Type.Object({
  name: fields.name,
  agent: fields.agent,
  target: fields.target,
  test_type: fields.test_type,
  interval_seconds: fields.interval_seconds,
  params: Type.Optional(fields.params),
  thresholds: Type.Optional(fields.thresholds),
  alert_on_breach: Type.Optional(fields.alert_on_breach),
  notify_contact_list: Type.Optional(fields.notify_contact_list),
  consecutive_failures: Type.Optional(fields.consecutive_failures),
  severity: Type.Optional(fields.severity),
  paused: Type.Optional(fields.paused),
}, { additionalProperties: false });

export const SchedulePatch = Type.Partial(Type.Object(fields), { additionalProperties: false });

export const ScheduleBody = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  agent: Type.Object({ id: Type.String(), name: Type.String() }),
  target: Type.String(),
  test_type: Type.String(),
  params: Type.Record(Type.String(), Type.Unknown()),
  interval_seconds: Type.Integer(),
  offset_seconds: Type.Integer({ description: 'the schedule fires at epoch + offset + k × interval' }),
  thresholds: Type.Record(Type.String(), Type.Number()),
  alert_on_breach: Type.Boolean(),
  notify_contact_list: Type.Union([Type.String(), Type.Null()]),
  consecutive_failures: Type.Integer(),
  severity: Type.Union([Type.String(), Type.Null()]),
  paused: Type.Boolean(),
  next_run_at: NullableTimestamp,
  last_run_at: NullableTimestamp,
  last_run: Type.Union([Type.Object({ id: Type.String(), status: Type.String(), status_reason: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
  last_error: Type.Union([Type.String(), Type.Null()], { description: 'why the last firing could not create a run' }),
  created_at: Timestamp,
  updated_at: Timestamp,
});
