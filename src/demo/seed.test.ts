import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openPglite } from '../db/pglite.js';
import { migrate } from '../db/migrate.js';
import { createLogger } from '../observability/logger.js';
import { seedDemo } from './seed.js';

describe('seedDemo', () => {
  it('seeds two agents with two weeks of hourly results, once', async () => {
    const db = await openPglite('memory');
    try {
      await migrate(db);
      const now = Date.parse('2026-11-21T12:00:00Z');
      const count = await seedDemo(db, createLogger('silent', 'test'), { now });
      assert.equal(count, 2 * 14 * 24);
      assert.equal(await seedDemo(db, createLogger('silent', 'test'), { now }), 0, 'a second boot seeds nothing');
      const agents = await db.query<{ name: string; state: string }>('SELECT name, state FROM agents ORDER BY name');
      assert.deepEqual(agents.map((a) => a.name), ['DEMO-BRANCH-01', 'DEMO-HQ-CORE']);
      const [stats] = await db.query<{ n: number; min: Date; max: Date; runs: number }>(
        "SELECT count(*) AS n, min(measured_at) AS min, max(measured_at) AS max, (SELECT count(*) FROM runs WHERE status = 'completed') AS runs FROM results");
      assert.equal(stats!.n, stats!.runs);
      assert.ok(stats!.max.getTime() <= now && stats!.min.getTime() >= now - 15 * 86_400_000);
      const [dip] = await db.query<{ worst: number }>("SELECT min(download_mbps) AS worst FROM results r JOIN agents a ON a.id = r.agent_id WHERE a.name = 'DEMO-BRANCH-01'");
      assert.ok(dip!.worst < 480 * 0.5, 'the demo incident is visible');
      // Each agent has a paused schedule whose thresholds the report uses as SLA targets; every
      // seeded run belongs to it.
      const schedules = await db.query<{ name: string; paused: boolean; runs: number; thresholds: Record<string, number> }>(
        'SELECT s.name, s.paused, s.thresholds, (SELECT count(*)::int FROM runs WHERE schedule_id = s.id) AS runs FROM schedules s ORDER BY s.name');
      assert.deepEqual(schedules.map((s) => [s.paused, s.runs]), [[true, 14 * 24], [true, 14 * 24]]);
      assert.equal(schedules[1]!.thresholds.download_min_mbps, 700);
      // The bad afternoon breaches the branch's thresholds: five results in a row, so one alert per
      // metric opened at the third and resolved by the first good result after it.
      const alerts = await db.query<{ agent: string; metric: string; state: string; opened_at: Date; resolved_at: Date | null; streak: number }>(
        `SELECT a.name AS agent, al.metric, al.state, al.opened_at, al.resolved_at, (al.details->>'consecutive_breaches')::int AS streak
           FROM alerts al JOIN agents a ON a.id = al.agent_id ORDER BY al.metric`);
      assert.deepEqual(alerts.map((a) => [a.agent, a.metric, a.state, a.streak]), [
        ['DEMO-BRANCH-01', 'download_mbps', 'resolved', 3],
        ['DEMO-BRANCH-01', 'latency_ms', 'resolved', 3],
        ['DEMO-BRANCH-01', 'loss_pct', 'resolved', 3],
        ['DEMO-BRANCH-01', 'upload_mbps', 'resolved', 3],
      ]);
      for (const a of alerts) {
        const hours = (a.resolved_at!.getTime() - a.opened_at.getTime()) / 3_600_000;
        assert.ok(hours > 2 && hours < 4, `${a.metric} open ${hours} h`);
      }
      const [breaches] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM breaches WHERE metric = 'download_mbps'");
      assert.equal(breaches!.n, 5);
    } finally {
      await db.close();
    }
  });
});
