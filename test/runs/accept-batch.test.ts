// Results stored in batches (one transaction for many agents' results) give each result the same
// outcome as storing it alone, and leave the same rows behind.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { acceptResults, type IncomingResult } from '../../src/runs/accept-batch.js';
import { createRun, cancelRun, acceptResult } from '../../src/runs/service.js';
import { transitionRun } from '../../src/runs/repository.js';
import type { MeasurementResult } from '../../src/measurements/job.js';
import { ResultBatcher } from '../../src/agents/result-batcher.js';
import type { ResultHook } from '../../src/runs/service.js';
import { evaluateAlerts } from '../../src/alerts/hook.js';
import { markRollupDirty } from '../../src/history/rollups.js';
import { appBackends, registerTestAgent } from '../helpers/app.js';
import { speedtestJob } from '../helpers/upload-result.js';

const probe = { kind: 'probe', spec: { target: '127.0.0.1', port: 9, protocol: 'tcp', timeout_ms: 100 } } as const;
const result = (connectMs: number, status: 'completed' | 'failed' = 'completed'): MeasurementResult => {
  const now = new Date().toISOString();
  return { kind: 'probe', status, started_at: now, finished_at: now, target: '127.0.0.1:9/tcp', metrics: { connect_ms: connectMs }, details: {}, method: { engine: 'test' }, ...(status === 'failed' ? { error: 'refused' } : {}) } as MeasurementResult;
};

for (const backend of appBackends()) {
  describe(`storing results in batches (${backend.name})`, () => {
    it('gives each result its own outcome, stores each once, and runs the hooks in the transaction', async () => {
      const t = await backend.open();
      try {
        const a = await registerTestAgent(t.ctx, 'BATCH-A');
        const b = await registerTestAgent(t.ctx, 'BATCH-B');
        const newRun = async (agentId: string, status?: 'dispatched' | 'running') => {
          const run = await createRun(t.ctx, { agentId, job: probe, target: '127.0.0.1:9/tcp', requestedBy: null, note: 'test' });
          if (status) await transitionRun(t.ctx.db, run.id, 'dispatched', { dispatchedAt: new Date() });
          if (status === 'running') await transitionRun(t.ctx.db, run.id, 'running', { startedAt: new Date() });
          return run.id;
        };
        const running = await newRun(a.agentId, 'running');
        const failing = await newRun(b.agentId, 'dispatched');
        const late = await newRun(a.agentId, 'running');
        await transitionRun(t.ctx.db, late, 'timed_out', { reason: 'test', finishedAt: new Date() });
        const canceled = await newRun(a.agentId, 'running');
        await cancelRun(t.ctx, canceled, 'test');
        const queued = await newRun(a.agentId); // never dispatched: acceptResult's own rules apply
        const already = await newRun(b.agentId, 'running');
        assert.equal((await acceptResult(t.ctx, b.agentId, already, result(7))).outcome, 'stored');

        const hooked: string[] = [];
        const hook: ResultHook = async (tx, batch) => {
          for (const { run, result: stored } of batch) {
            const [row] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM results WHERE run_id = $1', [run.id]);
            assert.equal(row!.n, 1, 'the hook sees its result inside the transaction');
            hooked.push(`${run.id}:${run.status}:${stored.metrics.connect_ms}`);
          }
        };
        const items: IncomingResult[] = [
          { agentId: a.agentId, runId: running, result: result(1.5), clockOffsetMs: 0 },
          { agentId: a.agentId, runId: running, result: result(9), clockOffsetMs: 0 }, // resent in the same batch
          { agentId: b.agentId, runId: failing, result: result(2, 'failed'), clockOffsetMs: 0 },
          { agentId: a.agentId, runId: late, result: result(3), clockOffsetMs: 0 },
          { agentId: a.agentId, runId: canceled, result: result(4), clockOffsetMs: 0 },
          { agentId: b.agentId, runId: running, result: result(5), clockOffsetMs: 0 }, // not b's run
          { agentId: a.agentId, runId: '00000000-0000-4000-8000-000000000000', result: result(6), clockOffsetMs: 0 },
          { agentId: b.agentId, runId: already, result: result(7), clockOffsetMs: 0 },
          { agentId: a.agentId, runId: queued, result: { ...result(8), kind: 'dns' } as MeasurementResult, clockOffsetMs: 0 },
        ];
        const outcomes = await acceptResults(t.ctx, items, [hook]);
        assert.deepEqual(outcomes, [
          { outcome: 'stored' },
          { outcome: 'duplicate' },
          { outcome: 'stored' },
          { outcome: 'stored' },
          { outcome: 'rejected', reason: 'the run was canceled' },
          { outcome: 'rejected', reason: 'the run belongs to another agent' },
          { outcome: 'rejected', reason: 'unknown run' },
          { outcome: 'duplicate' },
          { outcome: 'rejected', reason: 'result kind dns does not match the run (probe)' },
        ]);
        assert.deepEqual(hooked.sort(), [`${running}:completed:1.5`, `${failing}:failed:2`, `${late}:completed:3`].sort());
        const runs = await t.ctx.db.query<{ id: string; status: string; status_reason: string | null; timeline: { status: string; note?: string }[]; measured_at: Date | null; finished_at: Date | null }>(
          'SELECT id, status, status_reason, timeline, measured_at, finished_at FROM runs WHERE id = ANY($1::uuid[])', [[running, failing, late]],
        );
        const byId = new Map(runs.map((r) => [r.id, r]));
        assert.equal(byId.get(running)!.status, 'completed');
        assert.ok(byId.get(running)!.measured_at && byId.get(running)!.finished_at);
        assert.equal(byId.get(failing)!.status, 'failed');
        assert.equal(byId.get(failing)!.status_reason, 'refused');
        assert.equal(byId.get(late)!.status, 'completed');
        assert.match(byId.get(late)!.timeline.at(-1)!.note ?? '', /late upload/);
        const stored = await t.ctx.db.query<{ run_id: string; connect_ms: number; status: string }>('SELECT run_id, connect_ms, status FROM results ORDER BY connect_ms');
        assert.deepEqual(stored.map((r) => [r.run_id, r.connect_ms, r.status]), [[running, 1.5, 'completed'], [failing, 2, 'failed'], [late, 3, 'completed'], [already, 7, 'completed']]);
      } finally {
        await t.close();
      }
    });

    it('the batcher writes results that arrive together in shared transactions, each answered', async () => {
      const t = await backend.open();
      try {
        const a = await registerTestAgent(t.ctx, 'BATCH-C');
        const ids: string[] = [];
        for (let i = 0; i < 40; i++) {
          const run = await createRun(t.ctx, { agentId: a.agentId, job: probe, target: '127.0.0.1:9/tcp', requestedBy: null, note: 'test' });
          await transitionRun(t.ctx.db, run.id, 'dispatched', { dispatchedAt: new Date() });
          ids.push(run.id);
        }
        let transactions = 0;
        const counting = { ...t.ctx, db: { ...t.ctx.db, transaction: <T>(fn: Parameters<typeof t.ctx.db.transaction<T>>[0]) => { transactions++; return t.ctx.db.transaction(fn); } } };
        const batcher = new ResultBatcher(counting, [], { maxBatch: 200, maxConcurrent: 1 });
        const outcomes = await Promise.all(ids.map((id, i) => batcher.submit({ agentId: a.agentId, runId: id, result: result(i), clockOffsetMs: 0 })));
        assert.ok(outcomes.every((o) => o.outcome === 'stored'));
        assert.equal(transactions, 2, 'the first result alone, the 39 that queued behind it together');
        const [{ n } = { n: 0 }] = await t.ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM runs WHERE status = 'completed'");
        assert.equal(n, 40);
      } finally {
        await t.close();
      }
    });

    it('the hooks judge a batch as they would each result alone: streaks, alerts, maintenance, rollup marks', async () => {
      const t = await backend.open();
      try {
        const a = await registerTestAgent(t.ctx, 'BATCH-E');
        const b = await registerTestAgent(t.ctx, 'BATCH-F');
        const rule = await t.app.inject({ method: 'POST', url: '/api/speed/alert-rules', headers: t.as('admin'), payload: { name: 'Jitter', target: 'edge-b', metric: 'jitter_ms', threshold: 10, consecutive_failures: 2 } });
        assert.equal(rule.statusCode, 201, rule.body);
        const now = Date.now();
        const window = await t.app.inject({ method: 'POST', url: '/api/speed/maintenance', headers: t.as('admin'), payload: { name: 'Fibre works', agent: 'BATCH-F', starts_at: new Date(now - 3_600_000).toISOString(), ends_at: new Date(now + 3_600_000).toISOString() } });
        assert.equal(window.statusCode, 201, window.body);
        const speedtest = async (agentId: string, jitterMs: number): Promise<IncomingResult> => {
          const run = await createRun(t.ctx, { agentId, job: speedtestJob('edge-b'), target: 'edge-b', requestedBy: null, note: 'test' });
          await transitionRun(t.ctx.db, run.id, 'dispatched', { dispatchedAt: new Date() });
          const at = new Date().toISOString();
          return { agentId, runId: run.id, clockOffsetMs: 0, result: { kind: 'speedtest', status: 'completed', started_at: at, finished_at: at, target: 'edge-b', metrics: { download_mbps: 500, jitter_ms: jitterMs }, details: {}, method: {} } as MeasurementResult };
        };
        const hooks = [markRollupDirty, evaluateAlerts];
        const open = () => t.ctx.db.query<{ title: string; dedup_key: string }>("SELECT title, dedup_key FROM alerts WHERE state = 'open' AND kind = 'threshold'");

        // One batch: two breaches in a row from E (the second opens the alert), two from F inside its window.
        const first = [await speedtest(a.agentId, 30), await speedtest(b.agentId, 40), await speedtest(a.agentId, 31), await speedtest(b.agentId, 41)];
        assert.ok((await acceptResults(t.ctx, first, hooks)).every((o) => o.outcome === 'stored'));
        const alerts = await open();
        assert.equal(alerts.length, 1, JSON.stringify(alerts));
        assert.match(alerts[0]!.title, /^BATCH-E → edge-b: .*31.* \(2 in a row\)$/);
        const breaches = await t.ctx.db.query<{ agent_id: string; value: number }>('SELECT agent_id, value FROM breaches WHERE rule_id = $1 ORDER BY value', [rule.json().id]);
        assert.deepEqual(breaches.map((x) => [x.agent_id, x.value]), [[a.agentId, 30], [a.agentId, 31]], 'results inside a maintenance window are not breaches');
        const flagged = await t.ctx.db.query<{ agent_id: string; in_maintenance: boolean }>('SELECT agent_id, bool_and(in_maintenance) AS in_maintenance FROM results GROUP BY agent_id ORDER BY agent_id');
        assert.deepEqual(new Map(flagged.map((f) => [f.agent_id, f.in_maintenance])), new Map([[a.agentId, false], [b.agentId, true]]));
        const dirty = await t.ctx.db.query<{ agent_id: string }>("SELECT agent_id FROM rollup_dirty WHERE target = 'edge-b' AND kind = 'speedtest'");
        assert.deepEqual(dirty.map((d) => d.agent_id).sort(), [a.agentId, b.agentId].sort(), 'each agent\'s hour marked once');

        // The next batch: a pass resolves the alert and ends the streak; a breach after it starts a new one.
        assert.ok((await acceptResults(t.ctx, [await speedtest(a.agentId, 4), await speedtest(a.agentId, 35)], hooks)).every((o) => o.outcome === 'stored'));
        assert.equal((await open()).length, 0);
        const [resolved] = await t.ctx.db.query<{ state: string }>('SELECT state FROM alerts WHERE dedup_key = $1', [alerts[0]!.dedup_key]);
        assert.equal(resolved!.state, 'resolved');
        const streaks = await t.ctx.db.query<{ dedup_key: string; breaches: number }>('SELECT dedup_key, breaches FROM alert_streaks');
        assert.deepEqual(streaks.map((s) => [s.dedup_key, s.breaches]), [[alerts[0]!.dedup_key, 1]]);
      } finally {
        await t.close();
      }
    });
  });
}
