import type { Queryable } from '../db/port.js';

/**
 * An SLA target on one metric of an agent/target: a floor (`min`), a ceiling (`max`), or both.
 * A null agent or target (an alert rule for every agent or target) matches any.
 */
export interface SlaTarget {
  agent_id: string | null;
  target: string | null;
  metric: string;
  min: number | null;
  max: number | null;
  /** Where it comes from, e.g. `schedule "HQ hourly"`. */
  source: string;
}

/** Schedule threshold keys → metric and direction. */
export const THRESHOLD_KEYS: Record<string, { metric: string; bound: 'min' | 'max' }> = {
  download_min_mbps: { metric: 'download_mbps', bound: 'min' },
  upload_min_mbps: { metric: 'upload_mbps', bound: 'min' },
  latency_max_ms: { metric: 'latency_ms', bound: 'max' },
  jitter_max_ms: { metric: 'jitter_ms', bound: 'max' },
  packet_loss_max_pct: { metric: 'loss_pct', bound: 'max' },
};

type Scope = { agentId?: string; target?: string };

/** How many of a schedule's latest runs are read for the targets its results carry. */
const RESULT_TARGET_RUNS = 1000;

/**
 * Source 1: the thresholds of the (live) schedules of that agent/target. A schedule's results may
 * carry another target than the schedule names (`auto` stores the target it picked), so the
 * targets of its latest results count as the schedule's too.
 */
async function fromSchedules(db: Queryable, scope: Scope): Promise<SlaTarget[]> {
  const rows = await db.query<{ agent_id: string; target: string; name: string; thresholds: Record<string, unknown> }>(
    `SELECT s.agent_id, t.target, s.name, s.thresholds FROM schedules s
      CROSS JOIN LATERAL (
        SELECT s.target
        UNION
        SELECT r.target FROM (SELECT id FROM runs WHERE schedule_id = s.id ORDER BY created_at DESC LIMIT ${RESULT_TARGET_RUNS}) ru
          JOIN results r ON r.run_id = ru.id
      ) AS t (target)
      WHERE s.deleted_at IS NULL AND ($1::uuid IS NULL OR s.agent_id = $1::uuid) AND ($2::text IS NULL OR t.target = $2::text)
      ORDER BY s.id, t.target`,
    [scope.agentId ?? null, scope.target ?? null],
  );
  const out: SlaTarget[] = [];
  for (const row of rows) {
    for (const [key, value] of Object.entries(row.thresholds ?? {})) {
      const spec = THRESHOLD_KEYS[key];
      if (!spec || typeof value !== 'number' || !Number.isFinite(value)) continue;
      out.push({ agent_id: row.agent_id, target: row.target, metric: spec.metric, min: spec.bound === 'min' ? value : null, max: spec.bound === 'max' ? value : null, source: `schedule "${row.name}"` });
    }
  }
  return out;
}

/** Direction of a metric's limit in an alert rule: throughput has floors, the rest ceilings. */
const RULE_BOUND: Record<string, 'min' | 'max'> = { download_mbps: 'min', upload_mbps: 'min', latency_ms: 'max', jitter_ms: 'max', loss_pct: 'max' };

/** Source 2: enabled threshold alert rules (when the alert rules table exists). */
async function fromAlertRules(db: Queryable, scope: Scope): Promise<SlaTarget[]> {
  const [exists] = await db.query<{ oid: unknown }>(`SELECT to_regclass('alert_rules') AS oid`);
  if (!exists?.oid) return [];
  const rows = await db.query<{ agent_id: string | null; target: string | null; name: string; metric: string; threshold: number }>(
    `SELECT agent_id, target, name, metric, threshold FROM alert_rules
      WHERE enabled AND kind = 'threshold' AND threshold IS NOT NULL
        AND ($1::uuid IS NULL OR agent_id IS NULL OR agent_id = $1::uuid) AND ($2::text IS NULL OR target IS NULL OR target = $2::text)
      ORDER BY id`,
    [scope.agentId ?? null, scope.target ?? null],
  );
  return rows
    .filter((r) => RULE_BOUND[r.metric])
    .map((r) => {
      const bound = RULE_BOUND[r.metric]!;
      const value = Number(r.threshold);
      return { agent_id: r.agent_id, target: r.target, metric: r.metric, min: bound === 'min' ? value : null, max: bound === 'max' ? value : null, source: `alert rule "${r.name}"` };
    });
}

/** Every source of SLA targets. */
const SOURCES: ((db: Queryable, scope: Scope) => Promise<SlaTarget[]>)[] = [fromSchedules, fromAlertRules];

/**
 * The SLA targets in force, one per agent/target/metric: where several sources set the same
 * bound the strictest wins (the highest floor, the lowest ceiling).
 */
export async function slaTargets(db: Queryable, scope: Scope): Promise<SlaTarget[]> {
  const merged = new Map<string, SlaTarget>();
  for (const source of SOURCES) {
    for (const t of await source(db, scope)) {
      const key = `${t.agent_id ?? '*'}\u0000${t.target ?? '*'}\u0000${t.metric}`;
      const prev = merged.get(key);
      if (!prev) {
        merged.set(key, { ...t });
        continue;
      }
      if (t.min !== null && (prev.min === null || t.min > prev.min)) prev.min = t.min;
      if (t.max !== null && (prev.max === null || t.max < prev.max)) prev.max = t.max;
      if (!prev.source.includes(t.source)) prev.source += `, ${t.source}`;
    }
  }
  return [...merged.values()];
}

/** The strictest bounds of one metric among targets (for a chart or a comparison table). */
export function strictest(targets: SlaTarget[], metric: string): { min: number | null; max: number | null; source: string } | null {
  const list = targets.filter((t) => t.metric === metric);
  if (list.length === 0) return null;
  const mins = list.map((t) => t.min).filter((v): v is number => v !== null);
  const maxes = list.map((t) => t.max).filter((v): v is number => v !== null);
  return { min: mins.length ? Math.max(...mins) : null, max: maxes.length ? Math.min(...maxes) : null, source: [...new Set(list.map((t) => t.source))].join(', ') };
}
