// Fault: a worker killed with SIGKILL during a schedule burst. `flux-speed server` + two
// `flux-speed worker` + an agent, on a PostgreSQL and a Redis of the test's own; 30 schedules
// every 3 s probe a local TCP listener through the agent. One worker is killed mid-burst and
// restarted, then the other. Every due slot must fire exactly once (none lost, none doubled) and
// every run must end in exactly one terminal state.
import assert from 'node:assert/strict';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { ownServicesSkip } from '../helpers/own-services.js';
import { until } from '../helpers/wait.js';
import { assertEverySlotOnce, slotOf } from '../schedules/slots.js';
import { startOwnInstallation, type OwnInstallation } from './own-installation.js';
import { report } from './report.js';

const INTERVAL_S = 3;
const SCHEDULES = 30;
const TERMINAL = ['completed', 'failed', 'timed_out', 'canceled', 'skipped_maintenance'];

interface RunRow { id: string; schedule_id: string; status: string; timeline: { status: string; note?: string }[]; created_at: Date }

describe('fault: worker kill -9 during a schedule burst', ownServicesSkip(), () => {
  let install: OwnInstallation | undefined;
  let listener: net.Server;
  let accepted = 0;

  before(async () => {
    listener = net.createServer((socket) => {
      accepted++;
      socket.end();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await install?.destroy();
    listener?.close();
  });

  it('fires every due slot exactly once and ends every run once', async () => {
    install = await startOwnInstallation('worker-kill9', { SCHEDULE_MIN_INTERVAL_S: '1', SCHEDULER_TICK_MS: '200' });
    const { api } = install;
    let workerA = await install.startWorker('worker-a');
    let workerB = await install.startWorker('worker-b');
    await install.startAgent('BURST');
    const { port } = listener.address() as net.AddressInfo;
    const ids: number[] = [];
    for (let i = 0; i < SCHEDULES; i++) {
      const res = await api.post<{ id: number }>('/api/speed/schedules', { name: `burst ${i}`, agent: 'BURST', target: '127.0.0.1', test_type: 'probe', interval_seconds: INTERVAL_S, params: { port, timeout_ms: 2000 } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      ids.push(res.body.id);
    }
    const db = new pg.Client({ connectionString: install.postgres.url });
    await db.connect();
    try {
      const runCount = async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM runs WHERE schedule_id = ANY($1::bigint[])', [ids])).rows[0]!.n);
      await until(async () => (await runCount()) >= SCHEDULES * 2, { timeoutMs: 60_000, what: 'two rounds of the burst' });

      // Mid-burst (and mid-interval): kill A without warning, restart it; then the same for B.
      await sleep(1100);
      await workerA.kill9();
      const killedA = Date.now();
      await sleep(2000);
      workerA = await install.startWorker('worker-a2');
      await sleep(2500);
      await workerB.kill9();
      const killedB = Date.now();
      await sleep(1500);
      workerB = await install.startWorker('worker-b2');
      await sleep(INTERVAL_S * 1000 * 3);
      await workerA.stop();
      await workerB.stop();
      const stoppedAt = Date.now();

      // Let the agent finish what it was given (the workers' timeouts are off now: the probes are 2 s).
      const runs = await until(async () => {
        const rows = (await db.query<RunRow>('SELECT id, schedule_id::text, status, timeline, created_at FROM runs WHERE schedule_id = ANY($1::bigint[])', [ids])).rows;
        return rows.every((r) => TERMINAL.includes(r.status)) ? rows : undefined;
      }, { timeoutMs: 60_000, intervalMs: 500, what: 'every scheduled run terminal' });

      let slots = 0;
      let worstLateMs = 0;
      let lateAfterKillMs = 0;
      for (const id of ids) {
        const mine = runs.filter((r) => Number(r.schedule_id) === id);
        const parsed = mine.map((r) => slotOf(r.timeline[0]!.note!, r.created_at.getTime()));
        slots += assertEverySlotOnce(parsed, INTERVAL_S, `schedule ${id}`);
        assert.deepEqual(parsed.filter((r) => r.missed > 0), [], `schedule ${id}: a slot was skipped while a worker was running`);
        // Nothing lost at the end either: the last slot due before the workers stopped fired.
        const lastSlot = Math.max(...parsed.map((r) => r.slotMs));
        assert.ok(lastSlot >= stoppedAt - 2 * INTERVAL_S * 1000, `schedule ${id}: last slot ${new Date(lastSlot).toISOString()}, workers stopped ${new Date(stoppedAt).toISOString()}`);
        for (const r of parsed) {
          worstLateMs = Math.max(worstLateMs, r.createdMs - r.slotMs);
          if ((r.slotMs >= killedA && r.slotMs < killedA + INTERVAL_S * 1000) || (r.slotMs >= killedB && r.slotMs < killedB + INTERVAL_S * 1000)) lateAfterKillMs = Math.max(lateAfterKillMs, r.createdMs - r.slotMs);
        }
      }
      for (const run of runs) assert.equal(run.timeline.filter((s) => TERMINAL.includes(s.status)).length, 1, `run ${run.id} ended exactly once: ${JSON.stringify(run.timeline)}`);
      const byStatus: Record<string, number> = {};
      for (const run of runs) byStatus[run.status] = (byStatus[run.status] ?? 0) + 1;
      assert.equal(byStatus.completed, runs.length, `every probe of the listener completed: ${JSON.stringify(byStatus)}`);
      assert.equal(install.server.child.exitCode, null, 'the server never crashed');

      report('worker kill -9 during a schedule burst', {
        done: `${SCHEDULES} schedules every ${INTERVAL_S} s (TCP probes by one agent, ${accepted} connections), two workers; worker A killed with SIGKILL mid-burst and restarted 2 s later, then worker B (restarted 1.5 s later); ${runs.length} runs over ${((stoppedAt - runs.reduce((m, r) => Math.min(m, r.created_at.getTime()), Infinity)) / 1000).toFixed(1)} s`,
        lost: `0 slots lost or doubled (${slots} due slots, ${runs.length} runs, each fired once); every run ended exactly once (${JSON.stringify(byStatus)})`,
        recovery: `slots due right after a kill fired at most ${lateAfterKillMs} ms late (worst over the burst: ${worstLateMs} ms)`,
      });
    } finally {
      await db.end();
    }
  });
});
