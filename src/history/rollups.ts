import type { Database, Queryable } from '../db/port.js';
import { METRIC_NAMES } from '../measurements/metrics.js';
import type { ResultHook } from '../runs/service.js';
import { bucketEnd, bucketStart, GRANULARITIES, type Granularity } from './buckets.js';

/**
 * Incremental rollups (DESIGN §7). Storing a result marks its hour dirty in the same transaction
 * (the ResultHook below); the worker then recomputes exactly the dirty hours, their days and their
 * ISO weeks from raw rows. A result uploaded late (after an outage) marks an old hour, so it lands
 * in the bucket of its measurement time, not of its arrival.
 *
 * Statistics cover completed results outside maintenance windows; failed results and results in
 * maintenance are counted (`failed`, `maintenance`, `tests`) but never averaged.
 */

/** The metrics each kind of test measures: a rollup row exists for them even when every test failed. */
export const KIND_METRICS: Record<string, readonly string[]> = {
  speedtest: ['download_mbps', 'upload_mbps', 'latency_ms', 'jitter_ms', 'loss_pct', 'loaded_latency_ms'],
  trace: ['latency_ms', 'jitter_ms', 'loss_pct'],
  probe: ['connect_ms'],
  dns: ['resolve_ms'],
};

const MARK = `INSERT INTO rollup_dirty (agent_id, target, kind, hour_start)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[])
  ON CONFLICT (agent_id, target, kind, hour_start) DO UPDATE SET version = nextval('rollup_dirty_version_seq'), marked_at = clock_timestamp()`;

/**
 * Marks the hour of each result dirty, in one statement. Each hour is named once (a statement may
 * not update a row twice) and in a fixed order, so two batches marking the same hours at once
 * wait for each other instead of deadlocking.
 */
export async function markDirty(tx: Queryable, results: readonly { agent_id: string; target: string; kind: string; measured_at: Date }[]): Promise<void> {
  const hours = new Map<string, [string, string, string, string]>();
  for (const r of results) {
    const hour = bucketStart('hour', r.measured_at).toISOString();
    hours.set(JSON.stringify([r.agent_id, r.target, r.kind, hour]), [r.agent_id, r.target, r.kind, hour]);
  }
  if (hours.size === 0) return;
  const rows = [...hours.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
  await tx.query(MARK, [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])]);
}

/** The ResultHook: runs in the transaction that stores the results. */
export const markRollupDirty: ResultHook = async (tx, stored) => markDirty(tx, stored.map((s) => s.result));

/**
 * Marks every hour with raw rows in [from, to) dirty: after a bulk import or to rebuild rollups.
 * `agentIds` limits it to those agents (all when absent).
 */
export async function markRangeDirty(db: Queryable, from: Date, to: Date, agentIds?: readonly string[]): Promise<void> {
  await db.query(
    `INSERT INTO rollup_dirty (agent_id, target, kind, hour_start)
     SELECT DISTINCT agent_id, target, kind, date_trunc('hour', measured_at, 'UTC') FROM results
      WHERE measured_at >= $1 AND measured_at < $2 AND ($3::uuid[] IS NULL OR agent_id = ANY($3::uuid[]))
     ON CONFLICT (agent_id, target, kind, hour_start) DO UPDATE SET version = nextval('rollup_dirty_version_seq'), marked_at = clock_timestamp()`,
    [from.toISOString(), to.toISOString(), agentIds ? [...agentIds] : null],
  );
}

const metricValues = METRIC_NAMES.map((m) => `('${m}', r.${m})`).join(', ');
const kindMetricList = (kind: string) => (KIND_METRICS[kind] ?? []).map((m) => `'${m}'`).join(', ') || `''`;

/** Recomputes the given buckets (all of one granularity) of one agent/target/kind from raw rows. */
async function recomputeBuckets(tx: Queryable, key: GroupKey, granularity: Granularity, starts: Date[]): Promise<void> {
  const list = starts.map((d) => d.toISOString()).join(',');
  const from = starts[0]!;
  const to = bucketEnd(granularity, starts[starts.length - 1]!);
  await tx.query(
    `DELETE FROM rollups WHERE granularity = $1 AND agent_id = $2 AND target = $3 AND kind = $4
       AND bucket_start IN (SELECT unnest(string_to_array($5, ','))::timestamptz)`,
    [granularity, key.agent_id, key.target, key.kind, list],
  );
  const ok = `r.status = 'completed' AND NOT r.in_maintenance`;
  await tx.query(
    `INSERT INTO rollups (granularity, agent_id, target, metric, bucket_start, kind, tests, failed, maintenance, count, sum, avg, min, max, p50, p95)
     SELECT $1, $2, $3, metric, bucket_start, $4, tests, failed, maintenance, count, sum, avg, min, max, pc[1], pc[2]
     FROM (
       SELECT m.metric, r.bucket_start,
         count(*) AS tests, count(*) FILTER (WHERE r.status = 'failed') AS failed, count(*) FILTER (WHERE r.in_maintenance) AS maintenance,
         count(m.value) FILTER (WHERE ${ok}) AS count, sum(m.value) FILTER (WHERE ${ok}) AS sum, avg(m.value) FILTER (WHERE ${ok}) AS avg,
         min(m.value) FILTER (WHERE ${ok}) AS min, max(m.value) FILTER (WHERE ${ok}) AS max,
         percentile_cont(ARRAY[0.5, 0.95]::double precision[]) WITHIN GROUP (ORDER BY m.value) FILTER (WHERE ${ok}) AS pc
       FROM (SELECT date_trunc($1, measured_at, 'UTC') AS bucket_start, * FROM results
             WHERE agent_id = $2 AND target = $3 AND kind = $4 AND measured_at >= $6 AND measured_at < $7) r
       CROSS JOIN LATERAL (VALUES ${metricValues}) AS m(metric, value)
       WHERE r.bucket_start IN (SELECT unnest(string_to_array($5, ','))::timestamptz)
         AND (m.value IS NOT NULL OR m.metric IN (${kindMetricList(key.kind)}))
       GROUP BY r.bucket_start, m.metric
       HAVING count(m.value) > 0 OR m.metric IN (${kindMetricList(key.kind)})
     ) agg`,
    [granularity, key.agent_id, key.target, key.kind, list, from.toISOString(), to.toISOString()],
  );
}

interface GroupKey {
  agent_id: string;
  target: string;
  kind: string;
}

/** Splits sorted bucket starts into clusters so one query never scans long stretches between them. */
function clusters(granularity: Granularity, starts: Date[]): Date[][] {
  const gapMs = { hour: 86_400_000, day: 7 * 86_400_000, week: 28 * 86_400_000 }[granularity];
  const spanMs = 93 * 86_400_000;
  const out: Date[][] = [];
  for (const s of starts) {
    const last = out[out.length - 1];
    if (last && s.getTime() - last[last.length - 1]!.getTime() <= gapMs && s.getTime() - last[0]!.getTime() <= spanMs) last.push(s);
    else out.push([s]);
  }
  return out;
}

export interface RollupPass {
  /** Dirty hours processed. */
  hours: number;
  /** Buckets recomputed, all granularities. */
  buckets: number;
}

/**
 * One pass of the rollup job: takes up to `batch` dirty hours, recomputes their hour, day and week
 * buckets, and clears the marks it consumed (a mark renewed meanwhile stays for the next pass).
 * Loops until nothing is dirty, `signal` aborts or `budgetMs` is spent (the rest waits for the next pass).
 */
export async function runRollups(db: Database, options: { batch?: number; signal?: AbortSignal; budgetMs?: number } = {}): Promise<RollupPass> {
  const batch = options.batch ?? 2000;
  const total: RollupPass = { hours: 0, buckets: 0 };
  const deadline = options.budgetMs === undefined ? Infinity : Date.now() + options.budgetMs;
  for (;;) {
    if (options.signal?.aborted || Date.now() > deadline) return total;
    const dirty = await db.query<GroupKey & { hour_start: Date; version: number }>(
      `SELECT agent_id, target, kind, hour_start, version FROM rollup_dirty ORDER BY version LIMIT $1`,
      [batch],
    );
    if (dirty.length === 0) return total;
    const groups = new Map<string, { key: GroupKey; hours: Date[]; versions: number[] }>();
    for (const row of dirty) {
      const id = `${row.agent_id}\u0000${row.target}\u0000${row.kind}`;
      const group = groups.get(id) ?? { key: { agent_id: row.agent_id, target: row.target, kind: row.kind }, hours: [], versions: [] };
      group.hours.push(row.hour_start);
      group.versions.push(Number(row.version));
      groups.set(id, group);
    }
    for (const { key, hours, versions } of groups.values()) {
      await db.transaction(async (tx) => {
        // Two workers never recompute the same agent/target/kind at once (a lease that expired mid-pass).
        await tx.query(`SELECT pg_advisory_xact_lock(73029154, hashtext($1))`, [`${key.agent_id}/${key.target}/${key.kind}`]);
        for (const granularity of GRANULARITIES) {
          const starts = [...new Map(hours.map((h) => bucketStart(granularity, h)).map((d) => [d.getTime(), d])).values()].sort((a, b) => a.getTime() - b.getTime());
          for (const cluster of clusters(granularity, starts)) await recomputeBuckets(tx, key, granularity, cluster);
          total.buckets += starts.length;
        }
        await tx.query(`DELETE FROM rollup_dirty WHERE version IN (SELECT unnest(string_to_array($1, ','))::bigint)`, [versions.join(',')]);
      });
      total.hours += hours.length;
    }
  }
}

/**
 * Rollup retention: hourly buckets older than `hourlyDays`, daily and weekly ones older than
 * `longDays`, are deleted. Defaults keep hourly 400 days (over 13 months) and the rest 5 years.
 */
export async function pruneRollups(db: Queryable, now = new Date(), hourlyDays = 400, longDays = 1830): Promise<number> {
  const ms = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
  const deleted = await db.query<{ n: number }>(
    `WITH d AS (DELETE FROM rollups WHERE (granularity = 'hour' AND bucket_start < $1) OR (granularity <> 'hour' AND bucket_start < $2) RETURNING 1)
     SELECT count(*)::int AS n FROM d`,
    [ms(hourlyDays), ms(longDays)],
  );
  return deleted[0]?.n ?? 0;
}
