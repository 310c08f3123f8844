// Wire shapes of the alert-rule and integration APIs (the web UI takes its types from here).
import { Type } from 'typebox';
import { NullableTimestamp, Timestamp } from '../http/schemas.js';

export const AlertRuleBody = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  agent: Type.Union([Type.String(), Type.Null()]),
  agent_name: Type.Union([Type.String(), Type.Null()]),
  target: Type.Union([Type.String(), Type.Null()]),
  metric: Type.Union([Type.String(), Type.Null()]),
  threshold: Type.Union([Type.Number(), Type.Null()]),
  deviation_pct: Type.Union([Type.Number(), Type.Null()]),
  consecutive_failures: Type.Integer(),
  severity: Type.Union([Type.String(), Type.Null()]),
  notify_contact_list: Type.Union([Type.String(), Type.Null()]),
  enabled: Type.Boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const FluxNotifyBody = Type.Object({
  url: Type.Union([Type.String(), Type.Null()]),
  url_source: Type.String({ description: 'settings (stored by an Admin), environment (FLUX_NOTIFY_URL) or none' }),
  api_key_set: Type.Boolean({ description: 'the key itself is never returned' }),
  default_severity: Type.String(),
  default_contact_list: Type.String(),
  enabled: Type.Boolean(),
  updated_at: NullableTimestamp,
});
export const SettingsBody = Type.Object({ flux_notify: FluxNotifyBody });

export const WebhookBody = Type.Object({
  id: Type.Integer(),
  kind: Type.Literal('webhook'),
  name: Type.String(),
  url: Type.String(),
  secret_set: Type.Boolean({ description: 'a secret signs each body (X-Flux-Speed-Signature); never returned' }),
  enabled: Type.Boolean(),
  created_at: Timestamp,
});

export const DeliveryBody = Type.Object({
  id: Type.Integer(),
  event: Type.String(),
  destination: Type.String(),
  webhook: Type.Union([Type.Object({ id: Type.Integer(), name: Type.String() }), Type.Null()]),
  alert_id: Type.Union([Type.Integer(), Type.Null()]),
  idempotency_key: Type.String(),
  state: Type.String({ description: 'pending, delivered or skipped' }),
  attempts: Type.Integer(),
  next_attempt_at: NullableTimestamp,
  last_error: Type.Union([Type.String(), Type.Null()]),
  created_at: Timestamp,
  delivered_at: NullableTimestamp,
  history: Type.Array(Type.Object({ at: Timestamp, status_code: Type.Union([Type.Integer(), Type.Null()]), error: Type.Union([Type.String(), Type.Null()]), duration_ms: Type.Integer() })),
});

export const BreachBody = Type.Object({
  id: Type.Integer(),
  run_id: Type.String(),
  agent: Type.Object({ id: Type.String(), name: Type.String() }),
  target: Type.String(),
  source: Type.Object({ rule_id: Type.Optional(Type.Integer()), schedule_id: Type.Optional(Type.Integer()) }, { description: 'the rule or schedule whose threshold was breached (empty once deleted)' }),
  kind: Type.String({ description: 'threshold or baseline (a deviation)' }),
  metric: Type.String(),
  value: Type.Number(),
  threshold: Type.Number(),
  baseline: Type.Union([Type.Number(), Type.Null()]),
  at: Timestamp,
});
