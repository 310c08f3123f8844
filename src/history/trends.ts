import type { Queryable } from '../db/port.js';
import { bucketStart, type Granularity } from './buckets.js';
import { slaTargets, strictest } from './sla.js';

/** The brief's table: raw for 6 h and 24 h, hourly for 7 d, daily for 30 d, weekly for 12 months. */
export const TREND_WINDOWS = {
  '6h': { ms: 6 * 3_600_000, granularity: 'raw' },
  '24h': { ms: 86_400_000, granularity: 'raw' },
  '7d': { ms: 7 * 86_400_000, granularity: 'hour' },
  '30d': { ms: 30 * 86_400_000, granularity: 'day' },
  '12m': { ms: 365 * 86_400_000, granularity: 'week' },
} as const satisfies Record<string, { ms: number; granularity: 'raw' | Granularity }>;
export type TrendWindow = keyof typeof TREND_WINDOWS;

export interface TrendPoint {
  t: string;
  avg: number | null;
  min: number | null;
  max: number | null;
  p50: number | null;
  p95: number | null;
  count: number;
  failed: number;
}

export interface Trend {
  agent: { id: string; name: string };
  target: string | null;
  metric: string;
  window: TrendWindow;
  granularity: 'raw' | Granularity;
  from: string;
  to: string;
  points: TrendPoint[];
  baseline: { value: number; sample_count: number; reliable: boolean } | null;
  thresholds: { min: number | null; max: number | null; source: string } | null;
}

/** Whether a table exists in the current schema (the baselines table belongs to another feature). */
async function tableExists(db: Queryable, name: string): Promise<boolean> {
  const [row] = await db.query<{ oid: unknown }>(`SELECT to_regclass($1) AS oid`, [name]);
  return Boolean(row?.oid);
}

async function baselineOf(db: Queryable, agentId: string, target: string | null, metric: string): Promise<Trend['baseline']> {
  if (target === null || !(await tableExists(db, 'baselines'))) return null;
  const [row] = await db.query<{ value: number; sample_count: number; reliable: boolean }>(
    `SELECT value, sample_count, reliable FROM baselines WHERE agent_id = $1 AND target = $2 AND metric = $3 LIMIT 1`,
    [agentId, target, metric],
  );
  return row ? { value: Number(row.value), sample_count: Number(row.sample_count), reliable: Boolean(row.reliable) } : null;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/**
 * A trend for one agent (and target, or all its targets) and metric. Raw windows read result rows;
 * 7 days and more read rollups only. With no target, buckets of several targets are merged:
 * weighted average, overall min and max; percentiles only when one bucket row stands alone.
 */
export async function loadTrend(db: Queryable, q: { agent: { id: string; name: string }; target?: string; metric: string; window: TrendWindow; now?: Date }): Promise<Trend> {
  const spec = TREND_WINDOWS[q.window];
  const now = q.now ?? new Date();
  let from = new Date(now.getTime() - spec.ms);
  const target = q.target ?? null;
  let points: TrendPoint[];
  if (spec.granularity === 'raw') {
    const rows = await db.query<{ t: Date; v: number | null; status: string }>(
      `SELECT measured_at AS t, ${q.metric} AS v, status FROM results
        WHERE agent_id = $1 AND measured_at >= $2 AND measured_at <= $3 AND ($4::text IS NULL OR target = $4::text)
          AND NOT in_maintenance AND (${q.metric} IS NOT NULL OR status = 'failed')
        ORDER BY measured_at`,
      [q.agent.id, from.toISOString(), now.toISOString(), target],
    );
    points = rows.map((r) => {
      const v = r.status === 'completed' ? num(r.v) : null;
      return { t: r.t.toISOString(), avg: v, min: v, max: v, p50: v, p95: v, count: v === null ? 0 : 1, failed: r.status === 'failed' ? 1 : 0 };
    });
  } else {
    from = bucketStart(spec.granularity, from);
    const rows = await db.query<{ t: Date; n: number; sum: number | null; min: number | null; max: number | null; p50: number | null; p95: number | null; failed: number }>(
      `SELECT bucket_start AS t, sum(count)::int AS n, sum(sum) AS sum, min(min) AS min, max(max) AS max,
              CASE WHEN count(*) = 1 THEN max(p50) END AS p50, CASE WHEN count(*) = 1 THEN max(p95) END AS p95, sum(failed)::int AS failed
         FROM rollups
        WHERE granularity = $1 AND agent_id = $2 AND metric = $3 AND bucket_start >= $4 AND bucket_start <= $5 AND ($6::text IS NULL OR target = $6::text)
        GROUP BY bucket_start ORDER BY bucket_start`,
      [spec.granularity, q.agent.id, q.metric, from.toISOString(), now.toISOString(), target],
    );
    points = rows.map((r) => {
      const n = Number(r.n);
      return { t: r.t.toISOString(), avg: n > 0 && r.sum !== null ? Number(r.sum) / n : null, min: num(r.min), max: num(r.max), p50: num(r.p50), p95: num(r.p95), count: n, failed: Number(r.failed) };
    });
  }
  let thresholds: Trend['thresholds'] = null;
  if (target !== null) {
    thresholds = strictest(await slaTargets(db, { agentId: q.agent.id, target }), q.metric);
  }
  return {
    agent: q.agent,
    target,
    metric: q.metric,
    window: q.window,
    granularity: spec.granularity,
    from: from.toISOString(),
    to: now.toISOString(),
    points,
    baseline: await baselineOf(db, q.agent.id, target, q.metric),
    thresholds,
  };
}
