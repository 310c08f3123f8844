-- The maintenance window that applies to an agent now (its name), kept by the worker beside the
-- manual `maintenance` flag; either one makes the agent MAINTENANCE.
ALTER TABLE agents ADD COLUMN maintenance_window text;

ALTER TABLE maintenance_windows ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

-- Why the last firing of a schedule could not create a run (its target no longer resolves…).
ALTER TABLE schedules ADD COLUMN last_error text;
