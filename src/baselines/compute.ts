// Baselines: per agent/target/metric, the median of the previous 14 days of completed results
// outside maintenance windows; reliable from 50 results. Brief "Baselines".
import type { AppContext } from '../app/context.js';
import { SYSTEM_ACTOR, audit } from '../audit/log.js';
import type { Queryable } from '../db/port.js';
import type { PeriodicTask } from '../worker/periodic.js';

import { BASELINE_METRICS, BASELINE_MIN_SAMPLES, BASELINE_WINDOW_DAYS } from './constants.js';

export { BASELINE_METRICS, BASELINE_MIN_SAMPLES, BASELINE_WINDOW_DAYS };

export interface RecomputeReport { baselines: number; reliable: number; windowStart: Date; windowEnd: Date }

/** Replaces every baseline with the medians of [now − 14 days, now), in one transaction. */
export async function recomputeBaselines(db: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> }, now = new Date()): Promise<RecomputeReport> {
  const windowEnd = now;
  const windowStart = new Date(now.getTime() - BASELINE_WINDOW_DAYS * 86_400_000);
  const values = BASELINE_METRICS.map((m) => `('${m}', r.${m})`).join(', ');
  return db.transaction(async (tx) => {
    await tx.query('DELETE FROM baselines');
    const rows = await tx.query<{ n: number; reliable: number }>(
      `WITH computed AS (
         INSERT INTO baselines (agent_id, target, metric, value, sample_count, window_start, window_end, reliable, computed_at)
         SELECT r.agent_id, ru.target, m.metric, percentile_cont(0.5) WITHIN GROUP (ORDER BY m.value), count(*), $1, $2, count(*) >= $3, $2
           FROM results r JOIN runs ru ON ru.id = r.run_id
           CROSS JOIN LATERAL (VALUES ${values}) AS m (metric, value)
          WHERE r.status = 'completed' AND NOT r.in_maintenance AND r.measured_at >= $1 AND r.measured_at < $2 AND m.value IS NOT NULL
          GROUP BY r.agent_id, ru.target, m.metric
         RETURNING reliable)
       SELECT count(*)::int AS n, count(*) FILTER (WHERE reliable)::int AS reliable FROM computed`,
      [windowStart, windowEnd, BASELINE_MIN_SAMPLES],
    );
    return { baselines: rows[0]?.n ?? 0, reliable: rows[0]?.reliable ?? 0, windowStart, windowEnd };
  });
}

/** The last nightly slot at or before `now` (today's hour if passed, else yesterday's). */
export function lastNightlySlot(now: Date, hourUtc: number): Date {
  const slot = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hourUtc));
  return slot.getTime() <= now.getTime() ? slot : new Date(slot.getTime() - 86_400_000);
}

/** Worker task: recomputes once per night (after BASELINE_RECOMPUTE_HOUR_UTC), catching up after downtime. */
export function baselineTask(ctx: AppContext): PeriodicTask {
  return {
    name: 'baselines.nightly',
    everyMs: 5 * 60_000,
    run: async () => {
      const now = new Date();
      const [last] = await ctx.db.query<{ at: Date | null }>('SELECT max(computed_at) AS at FROM baselines');
      const [seen] = await ctx.db.query<{ at: Date | null }>(`SELECT max(at) AS at FROM audit_log WHERE action = 'baselines.recompute'`);
      const previous = Math.max(last?.at?.getTime() ?? 0, seen?.at?.getTime() ?? 0);
      if (previous >= lastNightlySlot(now, ctx.config.baselineRecomputeHourUtc).getTime()) return;
      const report = await recomputeBaselines(ctx.db, now);
      await audit(ctx.db, SYSTEM_ACTOR, { action: 'baselines.recompute', targetType: 'baselines', details: { baselines: report.baselines, reliable: report.reliable, nightly: true } });
      ctx.log.info({ baselines: report.baselines, reliable: report.reliable }, 'baselines recomputed');
    },
  };
}
