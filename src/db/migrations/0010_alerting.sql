-- Alerting: standalone rules, the breach log, consecutive-breach state, notification delivery
-- (Flux Notify and webhooks through an outbox) and baselines. docs/alerts.md.

-- A standalone rule: one metric against a threshold (or the baseline) for an agent (null: every
-- agent) and a target (null: every target); or, kind agent_offline, page when an agent goes OFFLINE.
CREATE TABLE alert_rules (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name                 text NOT NULL,
  kind                 text NOT NULL DEFAULT 'threshold' CHECK (kind IN ('threshold', 'agent_offline')),
  agent_id             uuid REFERENCES agents (id) ON DELETE CASCADE,
  target               text,
  -- download_mbps, upload_mbps, latency_ms, jitter_ms, loss_pct or baseline_deviation
  metric               text,
  threshold            double precision,
  deviation_pct        double precision,
  consecutive_failures integer NOT NULL DEFAULT 1 CHECK (consecutive_failures >= 1),
  -- null: the integration's defaults
  severity             text CHECK (severity IN ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW')),
  notify_contact_list  text,
  enabled              boolean NOT NULL DEFAULT true,
  created_by           bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);

-- Every threshold breach, kept with its values (the reports' breach log reads it).
CREATE TABLE breaches (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id       uuid NOT NULL,
  agent_id     uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  target       text NOT NULL,
  rule_id      bigint REFERENCES alert_rules (id) ON DELETE SET NULL,
  schedule_id  bigint REFERENCES schedules (id) ON DELETE SET NULL,
  -- threshold (a limit) or baseline (a deviation from the baseline)
  kind         text NOT NULL DEFAULT 'threshold' CHECK (kind IN ('threshold', 'baseline')),
  metric       text NOT NULL,
  value        double precision NOT NULL,
  threshold    double precision NOT NULL,
  -- for deviation breaches: the baseline the threshold came from
  baseline     double precision,
  at           timestamptz NOT NULL
);
CREATE INDEX breaches_agent_target_at_idx ON breaches (agent_id, target, at DESC);
CREATE INDEX breaches_at_idx ON breaches (at DESC);

-- Consecutive breaches so far per rule/schedule + agent + target + metric (the alert dedup key).
CREATE TABLE alert_streaks (
  dedup_key  text PRIMARY KEY,
  breaches   integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE alerts ADD COLUMN rule_id bigint REFERENCES alert_rules (id) ON DELETE SET NULL;
ALTER TABLE alerts ADD COLUMN schedule_id bigint REFERENCES schedules (id) ON DELETE SET NULL;
ALTER TABLE alerts ADD COLUMN contact_list text;
-- whether the alert's fire/resolve are sent to Flux Notify and webhooks
ALTER TABLE alerts ADD COLUMN notify boolean NOT NULL DEFAULT false;
-- the incident Flux Notify answered with
ALTER TABLE alerts ADD COLUMN notify_incident_id text;
CREATE INDEX alerts_metric_idx ON alerts (metric, opened_at DESC);

-- Flux Notify settings edited by an Admin; a null column falls back to the environment.
CREATE TABLE notify_settings (
  id                   integer PRIMARY KEY CHECK (id = 1),
  url                  text,
  api_key              text,
  default_severity     text CHECK (default_severity IN ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW')),
  default_contact_list text,
  enabled              boolean NOT NULL DEFAULT true,
  updated_by           bigint REFERENCES users (id) ON DELETE SET NULL,
  updated_at           timestamptz NOT NULL DEFAULT now()
);

-- Generic outgoing webhooks: a JSON POST per alert event, signed when a secret is set.
CREATE TABLE webhooks (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name       text NOT NULL,
  url        text NOT NULL,
  secret     text,
  enabled    boolean NOT NULL DEFAULT true,
  created_by bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per notification to deliver, written in the transaction that opens/resolves the alert.
CREATE TABLE notify_outbox (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- alert.fired, alert.resolved or test
  event           text NOT NULL,
  alert_id        bigint REFERENCES alerts (id) ON DELETE CASCADE,
  -- flux_notify or webhook
  destination     text NOT NULL CHECK (destination IN ('flux_notify', 'webhook')),
  webhook_id      bigint REFERENCES webhooks (id) ON DELETE CASCADE,
  idempotency_key text NOT NULL UNIQUE,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'skipped')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- a worker claims a row until then (several workers never send the same row at once)
  claimed_until   timestamptz,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz
);
CREATE INDEX notify_outbox_pending_idx ON notify_outbox (next_attempt_at, id) WHERE state = 'pending';

CREATE TABLE notify_attempts (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  outbox_id   bigint NOT NULL REFERENCES notify_outbox (id) ON DELETE CASCADE,
  at          timestamptz NOT NULL DEFAULT now(),
  status_code integer,
  error       text,
  duration_ms integer NOT NULL DEFAULT 0
);
CREATE INDEX notify_attempts_at_idx ON notify_attempts (at DESC, id DESC);

-- The median of the previous 14 days per agent/target/metric; reliable from 50 results.
CREATE TABLE baselines (
  agent_id     uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  target       text NOT NULL,
  -- threshold (a limit) or baseline (a deviation from the baseline)
  kind         text NOT NULL DEFAULT 'threshold' CHECK (kind IN ('threshold', 'baseline')),
  metric       text NOT NULL,
  value        double precision NOT NULL,
  sample_count integer NOT NULL,
  window_start timestamptz NOT NULL,
  window_end   timestamptz NOT NULL,
  reliable     boolean NOT NULL,
  computed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (agent_id, target, metric)
);
