-- The Admin-managed list of speedtest targets (DESIGN §12): a name resolves before any other rule.
CREATE TABLE speed_targets (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name       text NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('http', 'iperf3')),
  address    text NOT NULL,
  location   text NOT NULL DEFAULT '',
  -- a candidate when a test asks for target "auto"
  auto       boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX speed_targets_name_key ON speed_targets (lower(name));
