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
    } finally {
      await db.close();
    }
  });
});
