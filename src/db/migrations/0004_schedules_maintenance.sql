-- Scheduled jobs (brief "Scheduled jobs") and maintenance windows (DESIGN §6).

-- A recurring test. Its thresholds are the SLA targets the alert evaluation and reports apply to
-- its results; `next_run_at` is the single source of truth for when it fires next.
CREATE TABLE schedules (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name                 text NOT NULL,
  agent_id             uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  test_type            text NOT NULL CHECK (test_type IN ('speedtest', 'trace', 'probe', 'dns')),
  -- the target as requested (a name, address or URL; the hostname for DNS)
  target               text NOT NULL,
  -- the test's own parameters (duration, streams, port, protocol, resolvers, record type...)
  params               jsonb NOT NULL DEFAULT '{}'::jsonb,
  interval_seconds     integer NOT NULL CHECK (interval_seconds > 0),
  -- a stable spread inside the interval so a fleet does not fire on the same second
  offset_seconds       integer NOT NULL DEFAULT 0 CHECK (offset_seconds >= 0),
  -- {download_min_mbps, upload_min_mbps, latency_max_ms, jitter_max_ms, packet_loss_max_pct,
  --  baseline_deviation_pct}; every key optional
  thresholds           jsonb NOT NULL DEFAULT '{}'::jsonb,
  consecutive_failures integer NOT NULL DEFAULT 1 CHECK (consecutive_failures >= 1),
  alert_on_breach      boolean NOT NULL DEFAULT true,
  -- null: the integration's defaults (DEFAULT_SEVERITY, DEFAULT_CONTACT_LIST)
  severity             text CHECK (severity IN ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW')),
  notify_contact_list  text,
  paused               boolean NOT NULL DEFAULT false,
  next_run_at          timestamptz NOT NULL,
  last_run_at          timestamptz,
  last_run_id          uuid,
  created_by           bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  -- deleted schedules are kept so the runs and reports that name them still resolve
  deleted_at           timestamptz
);
CREATE INDEX schedules_due_idx ON schedules (next_run_at) WHERE NOT paused AND deleted_at IS NULL;
CREATE INDEX schedules_agent_idx ON schedules (agent_id) WHERE deleted_at IS NULL;

ALTER TABLE runs ADD CONSTRAINT runs_schedule_fk FOREIGN KEY (schedule_id) REFERENCES schedules (id) ON DELETE SET NULL;
CREATE INDEX runs_schedule_idx ON runs (schedule_id, created_at DESC) WHERE schedule_id IS NOT NULL;

-- A maintenance window: global (agent_id null) or for one agent; one-off (starts_at..ends_at) or
-- recurring (a cron expression in `timezone` opening a window of `duration_seconds`).
CREATE TABLE maintenance_windows (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name             text NOT NULL,
  agent_id         uuid REFERENCES agents (id) ON DELETE CASCADE,
  starts_at        timestamptz,
  ends_at          timestamptz,
  cron             text,
  duration_seconds integer CHECK (duration_seconds > 0),
  timezone         text NOT NULL DEFAULT 'UTC',
  reason           text NOT NULL DEFAULT '',
  created_by       bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  deleted_at       timestamptz,
  CHECK ((cron IS NULL AND starts_at IS NOT NULL AND ends_at IS NOT NULL AND ends_at > starts_at)
      OR (cron IS NOT NULL AND duration_seconds IS NOT NULL))
);
CREATE INDEX maintenance_windows_agent_idx ON maintenance_windows (agent_id) WHERE deleted_at IS NULL;
