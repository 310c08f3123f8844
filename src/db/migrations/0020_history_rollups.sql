-- History: rollups of the raw results (hourly, daily, ISO-weekly buckets in UTC) and the list of
-- buckets a stored result made stale. DESIGN §7.

-- One row per (agent, target, kind, hour) that received a result since the last rollup pass. The
-- worker recomputes that hour, its day and its ISO week from raw rows, then deletes the row if it
-- was not marked again meanwhile (each mark takes a new `version`).
CREATE SEQUENCE rollup_dirty_version_seq;
CREATE TABLE rollup_dirty (
  agent_id   uuid NOT NULL,
  target     text NOT NULL,
  kind       text NOT NULL,
  hour_start timestamptz NOT NULL,
  version    bigint NOT NULL DEFAULT nextval('rollup_dirty_version_seq'),
  marked_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (agent_id, target, kind, hour_start)
);

-- Statistics of one metric over one bucket. `tests` counts every result of the kind in the bucket,
-- `failed` the failed ones and `maintenance` those inside a maintenance window; the statistics
-- (count, sum, avg, min, max, p50, p95) cover completed results outside maintenance only.
-- Percentiles are continuous (linear interpolation between closest ranks, percentile_cont).
CREATE TABLE rollups (
  granularity  text NOT NULL CHECK (granularity IN ('hour', 'day', 'week')),
  agent_id     uuid NOT NULL,
  target       text NOT NULL,
  metric       text NOT NULL,
  bucket_start timestamptz NOT NULL,
  kind         text NOT NULL,
  tests        integer NOT NULL,
  failed       integer NOT NULL,
  maintenance  integer NOT NULL,
  count        integer NOT NULL,
  sum          double precision,
  avg          double precision,
  min          double precision,
  max          double precision,
  p50          double precision,
  p95          double precision,
  computed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (granularity, agent_id, target, metric, bucket_start, kind)
);
CREATE INDEX rollups_agent_metric_idx ON rollups (granularity, agent_id, metric, bucket_start);
CREATE INDEX rollups_age_idx ON rollups (granularity, bucket_start);
