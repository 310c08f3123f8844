// A schedule whose results carry another target than the schedule names (target `auto` stores
// the target it picked) still gives those results its thresholds as SLA targets: in the report's
// SLA comparison and on the trend.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openPglite } from '../../src/db/pglite.js';
import { migrate } from '../../src/db/migrate.js';
import { slaTargets } from '../../src/history/sla.js';
import { loadReport } from '../../src/history/report-data.js';

describe('SLA targets of a schedule whose results name the target picked', () => {
  it('apply to the results of target `auto`, and not to another agent', async () => {
    const db = await openPglite('memory');
    try {
      await migrate(db);
      const [agent] = await db.query<{ id: string }>("INSERT INTO agents (name, location) VALUES ('HQ-CORE', 'HQ') RETURNING id");
      const [other] = await db.query<{ id: string }>("INSERT INTO agents (name, location) VALUES ('OTHER', 'HQ') RETURNING id");
      const [schedule] = await db.query<{ id: number }>(
        `INSERT INTO schedules (name, agent_id, test_type, target, interval_seconds, thresholds, next_run_at)
         VALUES ('HQ Uplink — Hourly', $1, 'speedtest', 'auto', 3600, '{"download_min_mbps": 800, "latency_max_ms": 20}', now()) RETURNING id`,
        [agent!.id],
      );
      const at = new Date(Date.now() - 3_600_000);
      for (const [agentId, scheduleId, download] of [[agent!.id, schedule!.id, 900], [agent!.id, schedule!.id, 700], [other!.id, null, 100]] as const) {
        const [run] = await db.query<{ id: string }>(
          `INSERT INTO runs (agent_id, kind, target, spec, exclusive, status, created_at, deadline_at, measured_at, schedule_id) VALUES ($1, 'speedtest', 'auto', '{}', true, 'completed', $2, $2, $2, $3) RETURNING id`,
          [agentId, at, scheduleId],
        );
        await db.query(
          `INSERT INTO results (run_id, agent_id, kind, target, status, measured_at, finished_at, download_mbps, latency_ms, details, method, schedule_id)
           VALUES ($1, $2, 'speedtest', 'dallas-1', 'completed', $3, $3, $4, 5, '{}', '{}', $5)`,
          [run!.id, agentId, at, download, scheduleId],
        );
      }
      const targets = await slaTargets(db, { agentId: agent!.id, target: 'dallas-1' });
      assert.deepEqual(targets.map((t) => [t.target, t.metric, t.min, t.max]).sort(), [['dallas-1', 'download_mbps', 800, null], ['dallas-1', 'latency_ms', null, 20]]);
      assert.deepEqual(await slaTargets(db, { agentId: other!.id, target: 'dallas-1' }), []);

      const report = await loadReport(db, { agent: { id: agent!.id, name: 'HQ-CORE' }, target: 'dallas-1', start: new Date(at.getTime() - 60_000), end: new Date() });
      const download = report.summary.metrics.find((m) => m.metric === 'download_mbps')!;
      assert.deepEqual([download.sla_min, download.sla_tests, download.sla_met], [800, 2, 1]);
      assert.deepEqual([report.summary.sla_tests, report.summary.sla_within], [2, 1]);
    } finally {
      await db.close();
    }
  });
});
