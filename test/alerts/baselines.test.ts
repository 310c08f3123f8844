// Baselines on seeded history: the median of the previous 14 days, outside maintenance windows,
// reliable from 50 results; deviation alerts only against a reliable baseline.
import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import { appBackends, registerTestAgent, type TestApp } from '../helpers/app.js';
import { uploadResult } from '../helpers/upload-result.js';

const DAY_MS = 86_400_000;

/** Inserts a completed (or failed) speedtest run and its result measured at `at`. */
async function seed(t: TestApp, agentId: string, target: string, at: Date, download: number | null, options: { inMaintenance?: boolean; failed?: boolean } = {}) {
  const [run] = await t.ctx.db.query<{ id: string }>(
    `INSERT INTO runs (agent_id, kind, target, spec, exclusive, status, created_at, finished_at, deadline_at, measured_at)
     VALUES ($1, 'speedtest', $2, '{}'::jsonb, true, $3, $4, $4, $4, $4) RETURNING id`,
    [agentId, target, options.failed ? 'failed' : 'completed', at],
  );
  await t.ctx.db.query(
    `INSERT INTO results (run_id, agent_id, kind, target, status, measured_at, finished_at, download_mbps, latency_ms, in_maintenance)
     VALUES ($1, $2, 'speedtest', $3, $4, $5, $5, $6, $7, $8)`,
    [run!.id, agentId, target, options.failed ? 'failed' : 'completed', at, download, 10 + (download ?? 0) / 100, options.inMaintenance ?? false],
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

for (const backend of appBackends()) {
  describe(`baselines: ${backend.name}`, () => {
    let t: TestApp;
    let agent: { agentId: string; credential: string };
    const counted: number[] = [];
    before(async () => {
      t = await backend.open();
      agent = await registerTestAgent(t.ctx, 'HQ-CORE');
      const now = Date.now();
      // 64 results over the last 13 days with a deterministic spread (even count: the median interpolates).
      for (let i = 0; i < 64; i++) {
        const download = 600 + ((i * 37) % 97) * 4.25;
        counted.push(download);
        await seed(t, agent.agentId, 'speedtest.net', new Date(now - (i + 1) * (13 * DAY_MS) / 65), download);
      }
      // Excluded: maintenance-window results, results older than 14 days, failed results.
      for (let i = 0; i < 12; i++) await seed(t, agent.agentId, 'speedtest.net', new Date(now - DAY_MS - i * 60_000), 5, { inMaintenance: true });
      for (let i = 0; i < 12; i++) await seed(t, agent.agentId, 'speedtest.net', new Date(now - 15 * DAY_MS - i * 60_000), 5);
      for (let i = 0; i < 5; i++) await seed(t, agent.agentId, 'speedtest.net', new Date(now - 2 * DAY_MS - i * 60_000), null, { failed: true });
      // A pair with too little history to be reliable.
      for (let i = 0; i < 49; i++) await seed(t, agent.agentId, 'edge-small', new Date(now - (i + 1) * 3_600_000), 900);
    });
    after(() => t.close());

    it('equals the median computed independently, with its sample count, window and reliability', async () => {
      assert.equal((await t.app.inject({ method: 'POST', url: '/api/speed/baselines/recompute', headers: t.as('operator') })).statusCode, 403);
      const recompute = await t.app.inject({ method: 'POST', url: '/api/speed/baselines/recompute', headers: t.as('admin') });
      assert.equal(recompute.statusCode, 200, recompute.body);
      const list = (await t.app.inject({ url: `/api/speed/baselines?agent=${agent.agentId}&target=speedtest.net`, headers: t.as('viewer') })).json() as { metric: string; value: number; sample_count: number; reliable: boolean; window_start: string; window_end: string }[];
      const download = list.find((b) => b.metric === 'download_mbps')!;
      assert.ok(Math.abs(download.value - median(counted)) < 1e-9, `${download.value} vs ${median(counted)}`);
      assert.equal(download.sample_count, 64);
      assert.equal(download.reliable, true);
      assert.equal(Date.parse(download.window_end) - Date.parse(download.window_start), 14 * DAY_MS);
      const latency = list.find((b) => b.metric === 'latency_ms')!;
      assert.ok(Math.abs(latency.value - median(counted.map((d) => 10 + d / 100))) < 1e-9);
      const small = (await t.app.inject({ url: `/api/speed/baselines?agent=${agent.agentId}&target=edge-small&metric=download_mbps`, headers: t.as('viewer') })).json();
      assert.deepEqual([small[0].value, small[0].sample_count, small[0].reliable], [900, 49, false]);
    });

    it('a deviation rule fires below baseline × 0.7, and never against an unreliable baseline', async () => {
      const rule = await t.app.inject({ method: 'POST', url: '/api/speed/alert-rules', headers: t.as('operator'), payload: { name: 'Below baseline', agent: 'HQ-CORE', metric: 'baseline_deviation', deviation_pct: 30 } });
      assert.equal(rule.statusCode, 201, rule.body);
      const base = median(counted);
      await uploadResult(t, agent, 'speedtest.net', { download_mbps: base * 0.71 });
      await uploadResult(t, agent, 'edge-small', { download_mbps: 1 });
      const none = (await t.app.inject({ url: '/api/speed/alerts?state=open', headers: t.as('viewer') })).json();
      assert.equal(none.length, 0);
      await uploadResult(t, agent, 'speedtest.net', { download_mbps: base * 0.69 });
      const open = (await t.app.inject({ url: '/api/speed/alerts?state=open&kind=baseline', headers: t.as('viewer') })).json();
      assert.equal(open.length, 1);
      assert.equal(open[0].metric, 'download_mbps');
      assert.equal(open[0].target, 'speedtest.net');
      assert.ok(Math.abs(open[0].threshold - base * 0.7) < 1e-6);
      assert.match(open[0].title, /below baseline/);
    });
  });
}
