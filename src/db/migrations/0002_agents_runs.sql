-- Agents, their registration tokens and state history; runs and their results; alert events.

CREATE TABLE agent_registration_tokens (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name         text NOT NULL,
  token_hash   text NOT NULL UNIQUE,
  token_prefix text NOT NULL,
  -- 'api' (created by an admin), 'env' (AGENT_REGISTRATION_TOKEN), 'builtin' (the LOCAL agent)
  source       text NOT NULL DEFAULT 'api',
  created_by   bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  revoked_at   timestamptz,
  last_used_at timestamptz,
  uses         integer NOT NULL DEFAULT 0
);

CREATE TABLE agents (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name                  text NOT NULL,
  location              text NOT NULL DEFAULT '',
  version               text,
  capabilities          jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- where the agent serves targets for others (AGENT_LISTEN): ports and the address it was seen from
  listen                jsonb NOT NULL DEFAULT '{}'::jsonb,
  remote_address        text,
  credential_hash       text UNIQUE,
  credential_revoked_at timestamptz,
  state                 text NOT NULL DEFAULT 'NEVER_CONNECTED'
                        CHECK (state IN ('NEVER_CONNECTED', 'ONLINE', 'DEGRADED', 'OFFLINE', 'MAINTENANCE')),
  state_reason          text,
  state_changed_at      timestamptz NOT NULL DEFAULT now(),
  -- set by an operator: the agent is in MAINTENANCE whatever its connection
  maintenance           boolean NOT NULL DEFAULT false,
  maintenance_reason    text,
  health                jsonb NOT NULL DEFAULT '{}'::jsonb,
  connected_at          timestamptz,
  last_seen_at          timestamptz,
  registration_token_id bigint REFERENCES agent_registration_tokens (id) ON DELETE SET NULL,
  builtin               boolean NOT NULL DEFAULT false,
  created_at            timestamptz NOT NULL DEFAULT now(),
  retired_at            timestamptz
);
CREATE UNIQUE INDEX agents_name_key ON agents (lower(name)) WHERE retired_at IS NULL;
CREATE INDEX agents_live_state_idx ON agents (state, last_seen_at) WHERE retired_at IS NULL;

CREATE TABLE agent_state_changes (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agent_id   uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  at         timestamptz NOT NULL DEFAULT now(),
  from_state text,
  to_state   text NOT NULL,
  reason     text NOT NULL
);
CREATE INDEX agent_state_changes_agent_idx ON agent_state_changes (agent_id, at DESC);

CREATE TABLE runs (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agent_id      uuid NOT NULL REFERENCES agents (id),
  kind          text NOT NULL CHECK (kind IN ('speedtest', 'trace', 'probe', 'dns')),
  -- the target as requested (a name, address or URL; the hostname for DNS)
  target        text NOT NULL,
  spec          jsonb NOT NULL,
  exclusive     boolean NOT NULL,
  status        text NOT NULL DEFAULT 'queued'
                CHECK (status IN ('queued', 'dispatched', 'running', 'completed', 'failed', 'timed_out', 'canceled', 'skipped_maintenance')),
  status_reason text,
  -- every step with its time: [{at, status, note}]
  timeline      jsonb NOT NULL DEFAULT '[]'::jsonb,
  requested_by  bigint REFERENCES users (id) ON DELETE SET NULL,
  schedule_id   bigint,
  created_at    timestamptz NOT NULL DEFAULT now(),
  dispatched_at timestamptz,
  started_at    timestamptz,
  finished_at   timestamptz,
  -- when a run still not finished is declared timed_out
  deadline_at   timestamptz NOT NULL,
  -- the partition key of its result row, once there is one
  measured_at   timestamptz
);
CREATE INDEX runs_created_idx ON runs (created_at DESC, id DESC);
CREATE INDEX runs_agent_created_idx ON runs (agent_id, created_at DESC);
CREATE INDEX runs_active_idx ON runs (agent_id, created_at) WHERE status IN ('queued', 'dispatched', 'running');
CREATE INDEX runs_deadline_idx ON runs (deadline_at) WHERE status IN ('queued', 'dispatched', 'running');

-- Measured data: one row per run that measured something, partitioned by month of measurement.
CREATE TABLE results (
  run_id            uuid NOT NULL,
  agent_id          uuid NOT NULL,
  kind              text NOT NULL,
  target            text NOT NULL,
  status            text NOT NULL CHECK (status IN ('completed', 'failed')),
  measured_at       timestamptz NOT NULL,
  finished_at       timestamptz NOT NULL,
  received_at       timestamptz NOT NULL DEFAULT now(),
  error             text,
  download_mbps     double precision,
  upload_mbps       double precision,
  latency_ms        double precision,
  jitter_ms         double precision,
  loss_pct          double precision,
  loaded_latency_ms double precision,
  connect_ms        double precision,
  resolve_ms        double precision,
  details           jsonb NOT NULL DEFAULT '{}'::jsonb,
  method            jsonb NOT NULL DEFAULT '{}'::jsonb,
  schedule_id       bigint,
  -- inside a maintenance window: kept, but out of baselines and SLA figures
  in_maintenance    boolean NOT NULL DEFAULT false,
  PRIMARY KEY (run_id, measured_at)
) PARTITION BY RANGE (measured_at);
CREATE INDEX results_agent_target_time_idx ON results (agent_id, target, measured_at);
CREATE INDEX results_time_idx ON results (measured_at);
-- Rows outside every monthly partition land here; the worker keeps monthly partitions ahead.
CREATE TABLE results_default PARTITION OF results DEFAULT;

CREATE TABLE path_changes (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agent_id    uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  target      text NOT NULL,
  run_id      uuid NOT NULL,
  previous_run_id uuid,
  at          timestamptz NOT NULL,
  previous_path jsonb NOT NULL,
  current_path  jsonb NOT NULL
);
CREATE INDEX path_changes_agent_target_idx ON path_changes (agent_id, target, at DESC);

-- Alert events: threshold breaches (schedules and rules) and agent-offline, one open per key.
CREATE TABLE alerts (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('threshold', 'baseline', 'agent_offline')),
  -- what makes an alert the same alert: rule/schedule + agent + target + metric
  dedup_key       text NOT NULL,
  agent_id        uuid REFERENCES agents (id) ON DELETE CASCADE,
  target          text,
  metric          text,
  value           double precision,
  threshold       double precision,
  severity        text NOT NULL DEFAULT 'HIGH',
  title           text NOT NULL,
  state           text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
  opened_at       timestamptz NOT NULL DEFAULT now(),
  resolved_at     timestamptz,
  acknowledged_at timestamptz,
  acknowledged_by bigint REFERENCES users (id) ON DELETE SET NULL,
  details         jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE UNIQUE INDEX alerts_one_open_idx ON alerts (dedup_key) WHERE state = 'open';
CREATE INDEX alerts_opened_idx ON alerts (opened_at DESC);
