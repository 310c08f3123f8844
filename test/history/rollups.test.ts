// Partitions, incremental rollups (bucket boundaries, late results) and retention, on PGlite and
// (with TEST_DATABASE_URL) PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../../src/db/port.js';
import { dropExpiredPartitions, ensurePartitions, listPartitions } from '../../src/history/partitions.js';
import { markRangeDirty, pruneRollups, runRollups } from '../../src/history/rollups.js';
import { loadTrend } from '../../src/history/trends.js';
import { migratedDatabaseBackends } from '../helpers/backends.js';
import { close, insertRawResults, stats, type SeedResult } from '../helpers/history.js';

const T = (s: string) => new Date(s);

async function newAgent(db: Database, name: string): Promise<string> {
  const [row] = await db.query<{ id: string }>(`INSERT INTO agents (name) VALUES ($1) RETURNING id`, [name]);
  return row!.id;
}

async function rollup(db: Database, granularity: string, agentId: string, target: string, metric: string, start: string) {
  const [row] = await db.query<Record<string, number | null>>(
    `SELECT tests, failed, maintenance, count, avg, min, max, p50, p95 FROM rollups
      WHERE granularity = $1 AND agent_id = $2 AND target = $3 AND metric = $4 AND bucket_start = $5`,
    [granularity, agentId, target, metric, start],
  );
  return row;
}

function assertStats(row: Record<string, number | null> | undefined, values: number[], what: string) {
  assert.ok(row, `${what}: no rollup row`);
  const want = stats(values);
  assert.equal(Number(row.count), want.count, `${what} count`);
  for (const k of ['avg', 'min', 'max', 'p50', 'p95'] as const) assert.ok(close(row[k], want[k]), `${what} ${k}: got ${row[k]}, want ${want[k]}`);
}

for (const backend of migratedDatabaseBackends()) {
  describe(`history storage (${backend.name})`, () => {
    let db: Database;
    before(async () => {
      db = await backend.open();
    });
    after(() => db.close());

    it('creates monthly partitions ahead, moves rows out of DEFAULT, and is idempotent under two workers', async () => {
      const agent = await newAgent(db, 'P1');
      // Rows land in DEFAULT first (no partition yet): an old month, a month at a year boundary.
      await insertRawResults(db, [
        { agentId: agent, target: 't', at: T('2025-03-10T00:00:00Z'), metrics: { download_mbps: 1 } },
        { agentId: agent, target: 't', at: T('2025-12-31T23:59:59.999Z'), metrics: { download_mbps: 2 } },
        { agentId: agent, target: 't', at: T('2026-01-01T00:00:00Z'), metrics: { download_mbps: 3 } },
      ]);
      const [before] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM results_default`);
      assert.equal(before!.n, 3);
      const now = T('2026-01-15T12:00:00Z');
      const [a, b] = await Promise.all([ensurePartitions(db, now), ensurePartitions(db, now)]);
      assert.deepEqual([...a, ...b].sort(), ['results_p202503', 'results_p202512', 'results_p202601', 'results_p202602', 'results_p202603']);
      assert.deepEqual(await ensurePartitions(db, now), []);
      const [left] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM results_default`);
      assert.equal(left!.n, 0);
      const placed = await db.query<{ part: string; v: number }>(`SELECT tableoid::regclass::text AS part, download_mbps AS v FROM results WHERE agent_id = $1 ORDER BY measured_at`, [agent]);
      assert.deepEqual(placed.map((r) => [r.part.replace(/^.*\./, ''), r.v]), [['results_p202503', 1], ['results_p202512', 2], ['results_p202601', 3]]);
      // New rows route straight into their partition.
      await insertRawResults(db, [{ agentId: agent, target: 't', at: T('2026-02-01T00:00:00Z'), metrics: { download_mbps: 4 } }]);
      const [routed] = await db.query<{ part: string }>(`SELECT tableoid::regclass::text AS part FROM results WHERE agent_id = $1 AND download_mbps = 4`, [agent]);
      assert.equal(routed!.part.replace(/^.*\./, ''), 'results_p202602');
    });

    it('rolls up hourly, daily and ISO-weekly buckets in UTC, exactly at hour, day, week and year boundaries', async () => {
      const agent = await newAgent(db, 'R1');
      const target = 'speed.example.net';
      // Around the turn of 2026→2027: Thursday 31 Dec 2026. ISO week 53 of 2026 runs Mon 28 Dec 2026 → Sun 3 Jan 2027.
      const times = [
        '2026-12-27T23:59:59.999Z', // Sunday: last instant of ISO week 52
        '2026-12-28T00:00:00.000Z', // Monday: first instant of week 53
        '2026-12-31T22:00:00.000Z',
        '2026-12-31T22:59:59.999Z',
        '2026-12-31T23:00:00.000Z',
        '2026-12-31T23:59:59.999Z',
        '2027-01-01T00:00:00.000Z', // new year, same ISO week
        '2027-01-03T23:59:59.999Z', // Sunday: last instant of week 53
        '2027-01-04T00:00:00.000Z', // Monday: week 1 of 2027
      ];
      const rows: SeedResult[] = times.map((t, i) => ({ agentId: agent, target, at: T(t), metrics: { download_mbps: 100 + i * 7.5, latency_ms: 10 + (i % 3), loss_pct: i === 4 ? 2 : 0 } }));
      // A failed test and a test inside maintenance in the 23:00 hour: counted, never averaged.
      rows.push({ agentId: agent, target, at: T('2026-12-31T23:30:00Z'), status: 'failed', metrics: {} });
      rows.push({ agentId: agent, target, at: T('2026-12-31T23:40:00Z'), inMaintenance: true, metrics: { download_mbps: 1, latency_ms: 900, loss_pct: 50 } });
      await ensurePartitions(db, T('2027-01-01T00:00:00Z'));
      await insertRawResults(db, rows);
      await markRangeDirty(db, T('2026-12-01T00:00:00Z'), T('2027-02-01T00:00:00Z'));
      const pass = await runRollups(db);
      assert.ok(pass.hours >= 7);
      const [left] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM rollup_dirty`);
      assert.equal(left!.n, 0);

      const ok = rows.filter((r) => (r.status ?? 'completed') === 'completed' && !r.inMaintenance);
      const values = (from: string, to: string, m: 'download_mbps' | 'latency_ms' | 'loss_pct' = 'download_mbps') =>
        ok.filter((r) => r.at >= T(from) && r.at < T(to)).map((r) => r.metrics![m]!);

      // Hours: 22:00 holds two results, 23:00 holds two plus a failed and a maintenance one.
      assertStats(await rollup(db, 'hour', agent, target, 'download_mbps', '2026-12-31T22:00:00Z'), values('2026-12-31T22:00:00Z', '2026-12-31T23:00:00Z'), 'hour 22');
      const h23 = await rollup(db, 'hour', agent, target, 'download_mbps', '2026-12-31T23:00:00Z');
      assertStats(h23, values('2026-12-31T23:00:00Z', '2027-01-01T00:00:00Z'), 'hour 23');
      assert.equal(Number(h23!.tests), 4);
      assert.equal(Number(h23!.failed), 1);
      assert.equal(Number(h23!.maintenance), 1);
      assertStats(await rollup(db, 'hour', agent, target, 'loss_pct', '2026-12-31T23:00:00Z'), values('2026-12-31T23:00:00Z', '2027-01-01T00:00:00Z', 'loss_pct'), 'loss hour 23');
      // Days in UTC: 31 Dec has four results, 1 Jan one.
      assertStats(await rollup(db, 'day', agent, target, 'download_mbps', '2026-12-31T00:00:00Z'), values('2026-12-31T00:00:00Z', '2027-01-01T00:00:00Z'), 'day 31 Dec');
      assertStats(await rollup(db, 'day', agent, target, 'latency_ms', '2027-01-01T00:00:00Z'), values('2027-01-01T00:00:00Z', '2027-01-02T00:00:00Z', 'latency_ms'), 'day 1 Jan');
      // ISO weeks: Monday 00:00 UTC; week 53 spans the new year.
      assertStats(await rollup(db, 'week', agent, target, 'download_mbps', '2026-12-21T00:00:00Z'), values('2026-12-21T00:00:00Z', '2026-12-28T00:00:00Z'), 'week 52');
      assertStats(await rollup(db, 'week', agent, target, 'download_mbps', '2026-12-28T00:00:00Z'), values('2026-12-28T00:00:00Z', '2027-01-04T00:00:00Z'), 'week 53');
      assertStats(await rollup(db, 'week', agent, target, 'latency_ms', '2026-12-28T00:00:00Z'), values('2026-12-28T00:00:00Z', '2027-01-04T00:00:00Z', 'latency_ms'), 'latency week 53');
      assertStats(await rollup(db, 'week', agent, target, 'download_mbps', '2027-01-04T00:00:00Z'), values('2027-01-04T00:00:00Z', '2027-01-11T00:00:00Z'), 'week 1');
      const weeks = await db.query<{ b: Date }>(`SELECT DISTINCT bucket_start AS b FROM rollups WHERE granularity = 'week' AND agent_id = $1 ORDER BY 1`, [agent]);
      assert.deepEqual(weeks.map((w) => w.b.toISOString()), ['2026-12-21T00:00:00.000Z', '2026-12-28T00:00:00.000Z', '2027-01-04T00:00:00.000Z']);
    });

    it('folds a late result into the bucket of its measurement time, not of its arrival', async () => {
      const agent = await newAgent(db, 'L1');
      const target = 'late.example.net';
      const hour = '2026-06-10T08:00:00Z';
      await ensurePartitions(db, T('2026-06-10T00:00:00Z'));
      const first = [10, 20, 30].map((v, i) => ({ agentId: agent, target, at: T(`2026-06-10T08:${10 + i}:00Z`), metrics: { download_mbps: v } }));
      await insertRawResults(db, [...first, { agentId: agent, target, at: T('2026-06-12T15:00:00Z'), metrics: { download_mbps: 99 } }]);
      await markRangeDirty(db, T('2026-06-01T00:00:00Z'), T('2026-07-01T00:00:00Z'));
      await runRollups(db);
      assertStats(await rollup(db, 'hour', agent, target, 'download_mbps', hour), [10, 20, 30], 'before');
      // The agent comes back after an outage and uploads a buffered result measured at 08:45.
      const { markDirty } = await import('../../src/history/rollups.js');
      await db.transaction(async (tx) => {
        await insertRawResults(tx, [{ agentId: agent, target, at: T('2026-06-10T08:45:00Z'), metrics: { download_mbps: 60 } }]);
        await markDirty(tx, [{ agent_id: agent, target, kind: 'speedtest', measured_at: T('2026-06-10T08:45:00Z') }]);
      });
      const pass = await runRollups(db);
      assert.equal(pass.hours, 1);
      assertStats(await rollup(db, 'hour', agent, target, 'download_mbps', hour), [10, 20, 30, 60], 'hour after');
      assertStats(await rollup(db, 'day', agent, target, 'download_mbps', '2026-06-10T00:00:00Z'), [10, 20, 30, 60], 'day after');
      assertStats(await rollup(db, 'week', agent, target, 'download_mbps', '2026-06-08T00:00:00Z'), [10, 20, 30, 60, 99], 'week after');
      // The other hour was not recomputed and is untouched.
      assertStats(await rollup(db, 'hour', agent, target, 'download_mbps', '2026-06-12T15:00:00Z'), [99], 'other hour');
    });

    it('keeps a mark renewed while the pass ran, so the next pass picks it up', async () => {
      const agent = await newAgent(db, 'M1');
      await insertRawResults(db, [{ agentId: agent, target: 'x', at: T('2026-06-20T10:00:00Z'), metrics: { download_mbps: 5 } }]);
      await markRangeDirty(db, T('2026-06-20T00:00:00Z'), T('2026-06-21T00:00:00Z'));
      const [mark] = await db.query<{ version: number }>(`SELECT version FROM rollup_dirty WHERE agent_id = $1`, [agent]);
      await markRangeDirty(db, T('2026-06-20T00:00:00Z'), T('2026-06-21T00:00:00Z'));
      const [renewed] = await db.query<{ version: number }>(`SELECT version FROM rollup_dirty WHERE agent_id = $1`, [agent]);
      assert.notEqual(Number(renewed!.version), Number(mark!.version));
      await runRollups(db);
      assert.equal((await db.query(`SELECT 1 FROM rollup_dirty WHERE agent_id = $1`, [agent])).length, 0);
    });

    it('two workers folding the same dirty hours at once give the same rollups, without errors', async () => {
      const agent = await newAgent(db, 'W2');
      const values = Array.from({ length: 120 }, (_, i) => 100 + ((i * 37) % 50));
      await insertRawResults(db, values.map((v, i) => ({ agentId: agent, target: 'w', at: new Date(Date.UTC(2026, 5, 22) + i * 600_000), metrics: { download_mbps: v } })));
      await markRangeDirty(db, T('2026-06-22T00:00:00Z'), T('2026-06-23T00:00:00Z'));
      await Promise.all([runRollups(db, { batch: 3 }), runRollups(db, { batch: 3 })]);
      assertStats(await rollup(db, 'day', agent, 'w', 'download_mbps', '2026-06-22T00:00:00Z'), values.slice(0, 144), 'day');
      assertStats(await rollup(db, 'hour', agent, 'w', 'download_mbps', '2026-06-22T05:00:00Z'), values.slice(30, 36), 'hour 05');
      assert.equal((await db.query(`SELECT 1 FROM rollup_dirty WHERE agent_id = $1`, [agent])).length, 0);
    });

    it('a trend over every target of an agent merges their buckets: weighted average, overall min and max', async () => {
      const agent = await newAgent(db, 'MT');
      const now = new Date();
      const hour = new Date(Math.floor((now.getTime() - 3 * 3_600_000) / 3_600_000) * 3_600_000);
      const at = (min: number) => new Date(hour.getTime() + min * 60_000);
      await ensurePartitions(db, now);
      await insertRawResults(db, [
        { agentId: agent, target: 'a', at: at(1), metrics: { latency_ms: 10 } },
        { agentId: agent, target: 'a', at: at(2), metrics: { latency_ms: 20 } },
        { agentId: agent, target: 'b', at: at(3), metrics: { latency_ms: 40 } },
      ]);
      await markRangeDirty(db, hour, now);
      await runRollups(db);
      const trend = await loadTrend(db, { agent: { id: agent, name: 'MT' }, metric: 'latency_ms', window: '7d', now });
      assert.equal(trend.granularity, 'hour');
      assert.equal(trend.points.length, 1);
      const [p] = trend.points;
      assert.ok(close(p!.avg, 70 / 3));
      assert.deepEqual([p!.min, p!.max, p!.count, p!.p95], [10, 40, 3, null]);
      const one = await loadTrend(db, { agent: { id: agent, name: 'MT' }, target: 'a', metric: 'latency_ms', window: '7d', now });
      assert.deepEqual([one.points[0]!.avg, one.points[0]!.p50, one.points[0]!.p95], [15, 15, 19.5]);
    });

    it('marks a range dirty for the named agents only when asked', async () => {
      const [a, b] = [await newAgent(db, 'RA'), await newAgent(db, 'RB')];
      await ensurePartitions(db, T('2026-03-10T00:00:00Z'));
      await insertRawResults(db, [a, b].flatMap((agentId) => ['08:10', '09:20'].map((hm) => ({ agentId, target: 'range', at: T(`2026-03-10T${hm}:00Z`), metrics: { download_mbps: 5 } }))));
      const dirty = async () => (await db.query<{ agent_id: string; h: Date }>(`SELECT agent_id, hour_start AS h FROM rollup_dirty WHERE target = 'range' ORDER BY 2`)).map((r) => [r.agent_id, r.h.toISOString()]);
      await markRangeDirty(db, T('2026-03-10T00:00:00Z'), T('2026-03-11T00:00:00Z'), [a]);
      assert.deepEqual(await dirty(), [[a, '2026-03-10T08:00:00.000Z'], [a, '2026-03-10T09:00:00.000Z']]);
      await markRangeDirty(db, T('2026-03-10T00:00:00Z'), T('2026-03-11T00:00:00Z'));
      assert.equal((await dirty()).filter(([agent]) => agent === b).length, 2);
      await runRollups(db);
    });

    it('retention drops whole partitions older than RAW_RETENTION_DAYS and nothing else', async () => {
      const agent = await newAgent(db, 'X1');
      const now = T('2026-09-15T00:00:00Z');
      await ensurePartitions(db, now);
      const seeded = ['2026-04-30T23:59:59Z', '2026-05-01T00:00:00Z', '2026-07-31T23:00:00Z', '2026-08-01T00:00:00Z', '2026-09-14T00:00:00Z'];
      await insertRawResults(db, seeded.map((t) => ({ agentId: agent, target: 'ret', at: T(t), metrics: { download_mbps: 1 } })));
      await ensurePartitions(db, now);
      await markRangeDirty(db, T('2026-04-01T00:00:00Z'), T('2026-10-01T00:00:00Z'));
      await runRollups(db);
      const beforeParts = (await listPartitions(db)).map((p) => p.name);
      // 45 days before 15 Sep is 1 Aug 00:00: July and older end at or before the cutoff.
      const dropped = await dropExpiredPartitions(db, 45, now);
      assert.ok(dropped.includes('results_p202604') && dropped.includes('results_p202605') && dropped.includes('results_p202607'));
      assert.ok(!dropped.includes('results_p202608') && !dropped.includes('results_p202609'));
      const afterParts = (await listPartitions(db)).map((p) => p.name);
      assert.deepEqual(afterParts, beforeParts.filter((p) => !dropped.includes(p)));
      const left = await db.query<{ t: Date }>(`SELECT measured_at AS t FROM results WHERE agent_id = $1 ORDER BY 1`, [agent]);
      assert.deepEqual(left.map((r) => r.t.toISOString()), ['2026-08-01T00:00:00.000Z', '2026-09-14T00:00:00.000Z']);
      // Rollups of the dropped months stay (the 12-month trend reads them).
      const [kept] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM rollups WHERE agent_id = $1 AND bucket_start < '2026-08-01'`, [agent]);
      assert.ok(kept!.n > 0);
      // Rollup retention: hourly beyond 400 days, daily/weekly beyond 5 years.
      await pruneRollups(db, T('2027-09-01T00:00:00Z'));
      const byGranularity = await db.query<{ g: string; n: number }>(`SELECT granularity AS g, count(DISTINCT bucket_start)::int AS n FROM rollups WHERE agent_id = $1 GROUP BY 1 ORDER BY 1`, [agent]);
      const counts = Object.fromEntries(byGranularity.map((r) => [r.g, r.n]));
      assert.deepEqual(counts, { day: 5, hour: 3, week: 3 }, 'hourly rollups older than 400 days pruned, daily and weekly kept');
    });
  });
}
