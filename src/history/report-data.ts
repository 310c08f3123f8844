import type { Queryable } from '../db/port.js';
import { METRIC_NAMES } from '../measurements/metrics.js';
import { slaTargets, strictest, type SlaTarget } from './sla.js';

/**
 * The figures of a report (DESIGN §7, §12). Every statistic covers completed results outside
 * maintenance windows; failed results and results in maintenance are counted. Percentiles are
 * continuous (percentile_cont: linear interpolation between the closest ranks). A test is within
 * SLA when it completed and none of its metrics with a target broke it; the share is over the
 * tests outside maintenance of the agent/targets that have SLA targets (failed tests count as
 * outside SLA).
 */

export interface ReportQuery {
  agent: { id: string; name: string } | null;
  target: string | null;
  start: Date;
  end: Date;
}

export interface MetricSummary {
  metric: string;
  count: number;
  avg: number | null;
  min: number | null;
  p50: number | null;
  p95: number | null;
  max: number | null;
  /** SLA comparison: the target in force and how many tests (with a value) met it. */
  sla_min: number | null;
  sla_max: number | null;
  sla_tests: number;
  sla_met: number;
}

export interface ReportSummary {
  tests: number;
  completed: number;
  failed: number;
  in_maintenance: number;
  /** Completed tests outside maintenance that lost any packet (loss_pct > 0). */
  tests_with_loss: number;
  sla_tests: number;
  sla_within: number;
  /** Percent of sla_tests within SLA; null without SLA targets. */
  sla_within_pct: number | null;
  metrics: MetricSummary[];
}

export interface Breach {
  opened_at: Date;
  resolved_at: Date | null;
  agent: string;
  target: string | null;
  metric: string | null;
  value: number | null;
  threshold: number | null;
  kind: string;
  /** Seconds open, up to the end of the report period when still open then. */
  duration_s: number;
}

export interface ReportRow {
  measured_at: Date;
  agent: string;
  target: string;
  kind: string;
  status: string;
  in_maintenance: boolean;
  metrics: (number | null)[];
  error: string | null;
  run_id: string;
  engine: string | null;
}

function scope(q: ReportQuery, first: number): { sql: string; params: unknown[] } {
  return {
    sql: `r.measured_at >= $${first} AND r.measured_at < $${first + 1} AND ($${first + 2}::uuid IS NULL OR r.agent_id = $${first + 2}::uuid) AND ($${first + 3}::text IS NULL OR r.target = $${first + 3}::text)`,
    params: [q.start.toISOString(), q.end.toISOString(), q.agent?.id ?? null, q.target],
  };
}

const slaValue = () => `CASE s.metric ${METRIC_NAMES.map((m) => `WHEN '${m}' THEN r.${m}`).join(' ')} END`;
const slaJson = (targets: SlaTarget[]) => JSON.stringify(targets.map((t) => ({ agent_id: t.agent_id, target: t.target, metric: t.metric, min: t.min, max: t.max })));
const SLA_CTE = `sla AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS s(agent_id uuid, target text, metric text, min double precision, max double precision))`;
/** An SLA row applies to a result row: same agent and target, or a rule for any. */
const MATCH = `(s.agent_id IS NULL OR s.agent_id = r.agent_id) AND (s.target IS NULL OR s.target = r.target)`;
const breaks = (v: string) => `((s.min IS NOT NULL AND ${v} < s.min) OR (s.max IS NOT NULL AND ${v} > s.max))`;

const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export async function loadSummary(db: Queryable, q: ReportQuery, targets: SlaTarget[]): Promise<ReportSummary> {
  const s = scope(q, 2);
  const [counts] = await db.query<Record<string, number>>(
    `WITH ${SLA_CTE},
     judged AS (
       SELECT r.status, r.in_maintenance, r.loss_pct,
              EXISTS (SELECT 1 FROM sla s WHERE ${MATCH}) AS has_sla,
              r.status = 'completed' AND NOT EXISTS (SELECT 1 FROM sla s WHERE ${MATCH} AND ${breaks(slaValue())}) AS within
         FROM results r WHERE ${s.sql})
     SELECT count(*)::int AS tests, count(*) FILTER (WHERE status = 'completed')::int AS completed, count(*) FILTER (WHERE status = 'failed')::int AS failed,
            count(*) FILTER (WHERE in_maintenance)::int AS in_maintenance,
            count(*) FILTER (WHERE status = 'completed' AND NOT in_maintenance AND loss_pct > 0)::int AS tests_with_loss,
            count(*) FILTER (WHERE has_sla AND NOT in_maintenance)::int AS sla_tests,
            count(*) FILTER (WHERE has_sla AND NOT in_maintenance AND within)::int AS sla_within
       FROM judged`,
    [slaJson(targets), ...s.params],
  );
  const ok = `r.status = 'completed' AND NOT r.in_maintenance AND m.value IS NOT NULL`;
  const rows = await db.query<Record<string, unknown>>(
    `WITH ${SLA_CTE}
     SELECT m.metric, count(m.value) FILTER (WHERE ${ok})::int AS count, avg(m.value) FILTER (WHERE ${ok}) AS avg,
            min(m.value) FILTER (WHERE ${ok}) AS min, max(m.value) FILTER (WHERE ${ok}) AS max,
            percentile_cont(ARRAY[0.5, 0.95]::double precision[]) WITHIN GROUP (ORDER BY m.value) FILTER (WHERE ${ok}) AS pc,
            count(*) FILTER (WHERE ${ok} AND EXISTS (SELECT 1 FROM sla s WHERE ${MATCH} AND s.metric = m.metric))::int AS sla_tests,
            count(*) FILTER (WHERE ${ok} AND EXISTS (SELECT 1 FROM sla s WHERE ${MATCH} AND s.metric = m.metric)
                                  AND NOT EXISTS (SELECT 1 FROM sla s WHERE ${MATCH} AND s.metric = m.metric AND ${breaks('m.value')}))::int AS sla_met
       FROM results r
       CROSS JOIN LATERAL (VALUES ${METRIC_NAMES.map((m) => `('${m}', r.${m})`).join(', ')}) AS m(metric, value)
      WHERE ${s.sql}
      GROUP BY m.metric`,
    [slaJson(targets), ...s.params],
  );
  const byMetric = new Map(rows.map((r) => [String(r.metric), r]));
  const metrics: MetricSummary[] = [];
  for (const metric of METRIC_NAMES) {
    const r = byMetric.get(metric);
    const bounds = strictest(targets, metric);
    if (!r || (Number(r.count) === 0 && !bounds)) continue;
    metrics.push({
      metric,
      count: Number(r.count),
      avg: n(r.avg),
      min: n(r.min),
      p50: n((r.pc as number[] | null)?.[0]),
      p95: n((r.pc as number[] | null)?.[1]),
      max: n(r.max),
      sla_min: bounds?.min ?? null,
      sla_max: bounds?.max ?? null,
      sla_tests: Number(r.sla_tests),
      sla_met: Number(r.sla_met),
    });
  }
  const c = counts ?? {};
  const slaTests = Number(c.sla_tests ?? 0);
  const slaWithin = Number(c.sla_within ?? 0);
  return {
    tests: Number(c.tests ?? 0),
    completed: Number(c.completed ?? 0),
    failed: Number(c.failed ?? 0),
    in_maintenance: Number(c.in_maintenance ?? 0),
    tests_with_loss: Number(c.tests_with_loss ?? 0),
    sla_tests: slaTests,
    sla_within: slaWithin,
    sla_within_pct: targets.length > 0 && slaTests > 0 ? (100 * slaWithin) / slaTests : null,
    metrics,
  };
}

/** Threshold and baseline alerts that overlap the period, oldest first. */
export async function loadBreaches(db: Queryable, q: ReportQuery): Promise<Breach[]> {
  const rows = await db.query<{ opened_at: Date; resolved_at: Date | null; agent: string | null; target: string | null; metric: string | null; value: number | null; threshold: number | null; kind: string }>(
    `SELECT al.opened_at, al.resolved_at, ag.name AS agent, al.target, al.metric, al.value, al.threshold, al.kind
       FROM alerts al LEFT JOIN agents ag ON ag.id = al.agent_id
      WHERE al.kind IN ('threshold', 'baseline') AND al.opened_at < $2 AND (al.resolved_at IS NULL OR al.resolved_at >= $1)
        AND ($3::uuid IS NULL OR al.agent_id = $3::uuid) AND ($4::text IS NULL OR al.target = $4::text)
      ORDER BY al.opened_at, al.id`,
    [q.start.toISOString(), q.end.toISOString(), q.agent?.id ?? null, q.target],
  );
  return rows.map((r) => {
    const until = r.resolved_at && r.resolved_at.getTime() < q.end.getTime() ? r.resolved_at : q.end;
    return { ...r, agent: r.agent ?? '', value: n(r.value), threshold: n(r.threshold), duration_s: Math.max(0, Math.round((until.getTime() - r.opened_at.getTime()) / 1000)) };
  });
}

/**
 * Every raw result of the period in time order, in batches (keyset pagination on measured_at,
 * run_id) so a year of results never sits in memory at once.
 */
export async function* streamRows(db: Queryable, q: ReportQuery, batch = 2000): AsyncGenerator<ReportRow[]> {
  const s = scope(q, 1);
  let after: [string, string] | null = null;
  for (;;) {
    const cursor: string = after ? `AND (r.measured_at, r.run_id) > ($5::timestamptz, $6::uuid)` : '';
    const rows: Record<string, unknown>[] = await db.query<Record<string, unknown>>(
      `SELECT r.measured_at, ag.name AS agent, r.target, r.kind, r.status, r.in_maintenance, ${METRIC_NAMES.map((m) => `r.${m}`).join(', ')},
              r.error, r.run_id, r.method->>'engine' AS engine, r.measured_at::text AS cursor_at
         FROM results r LEFT JOIN agents ag ON ag.id = r.agent_id
        WHERE ${s.sql} ${cursor}
        ORDER BY r.measured_at, r.run_id LIMIT ${batch}`,
      after ? [...s.params, ...after] : s.params,
    );
    if (rows.length === 0) return;
    yield rows.map((r) => ({
      measured_at: r.measured_at as Date,
      agent: String(r.agent ?? ''),
      target: String(r.target),
      kind: String(r.kind),
      status: String(r.status),
      in_maintenance: Boolean(r.in_maintenance),
      metrics: METRIC_NAMES.map((m) => n(r[m])),
      error: (r.error as string | null) ?? null,
      run_id: String(r.run_id),
      engine: (r.engine as string | null) ?? null,
    }));
    if (rows.length < batch) return;
    const last = rows[rows.length - 1]!;
    after = [String(last.cursor_at), String(last.run_id)];
  }
}

export async function loadReport(db: Queryable, q: ReportQuery) {
  const targets = await slaTargets(db, { agentId: q.agent?.id, target: q.target ?? undefined });
  const [summary, breaches] = await Promise.all([loadSummary(db, q, targets), loadBreaches(db, q)]);
  return { targets, summary, breaches };
}
export type ReportData = Awaited<ReturnType<typeof loadReport>>;
