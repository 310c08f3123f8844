// Two `flux-speed worker` processes on the same PostgreSQL and Redis fire every due slot of every
// schedule exactly once, and a worker killed with SIGKILL and restarted mid-interval neither
// skips nor doubles one.
import assert from 'node:assert/strict';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { registerTestAgent } from '../helpers/app.js';
import { createInstallation, distributedSkip, type Installation } from '../helpers/distributed.js';
import { Api, freePort, startFlux, tempDir, waitHealthy, type FluxProcess } from '../helpers/processes.js';
import { until } from '../helpers/wait.js';
import { assertEverySlotOnce, slotOf } from './slots.js';

const INTERVAL_S = 2;

describe('scheduler: two workers on PostgreSQL + Redis', distributedSkip, () => {
  let install: Installation;
  const procs: FluxProcess[] = [];
  let api: Api;
  let baseUrl: string;

  const startWorker = async (name: string) => {
    const worker = startFlux(name, ['worker'], install.env);
    procs.push(worker);
    await until(() => worker.output().includes('worker started'), { timeoutMs: 60_000, what: `${name} to start` });
    return worker;
  };

  before(async () => {
    install = await createInstallation({ ADMIN_PASSWORD: 'admin-password-1', LOCAL_AGENT: '', SCHEDULE_MIN_INTERVAL_S: '1', SCHEDULER_TICK_MS: '200' });
    const port = await freePort();
    const server = startFlux('sched-server', ['server'], { ...install.env, PORT: String(port), HOST: '127.0.0.1' });
    procs.push(server);
    baseUrl = `http://127.0.0.1:${port}`;
    await waitHealthy(baseUrl, server);
    api = await Api.login(baseUrl, 'admin', 'admin-password-1');
    // The runs only need to be created: an agent that never connects is enough.
    await registerTestAgent(install.ctx, 'EDGE-1');
  });
  after(async () => {
    for (const p of procs) await p.stop();
    await install?.drop();
  });

  it('fires every slot exactly once through worker crashes and restarts', async () => {
    let workerA = await startWorker('sched-worker-a');
    let workerB = await startWorker('sched-worker-b');
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await api.post<{ id: number }>('/api/speed/schedules', { name: `probe ${i}`, agent: 'EDGE-1', target: '127.0.0.1', test_type: 'probe', interval_seconds: INTERVAL_S, params: { port: 9, timeout_ms: 100 } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      ids.push(res.body.id);
    }
    const startedAt = Date.now();
    const runCount = async () => (await install.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM runs WHERE schedule_id = ANY($1::bigint[])', [ids]))[0]!.n;
    await until(async () => (await runCount()) >= 8, { timeoutMs: 30_000, what: 'two rounds of runs' });
    await sleep(INTERVAL_S * 1000 * 2);

    // Mid-interval: kill A without warning, restart it; then the same for B.
    await sleep(700);
    await workerA.kill9();
    await sleep(1500);
    workerA = await startWorker('sched-worker-a2');
    await sleep(2300);
    await workerB.kill9();
    await sleep(1200);
    workerB = await startWorker('sched-worker-b2');
    await sleep(INTERVAL_S * 1000 * 3);
    await workerA.stop();
    await workerB.stop();
    const stoppedAt = Date.now();

    let slots = 0;
    for (const id of ids) {
      const runs = await install.ctx.db.query<{ timeline: { note?: string }[]; created_at: Date }>('SELECT timeline, created_at FROM runs WHERE schedule_id = $1', [id]);
      const parsed = runs.map((r) => slotOf(r.timeline[0]!.note!, r.created_at.getTime()));
      slots += assertEverySlotOnce(parsed, INTERVAL_S, `schedule ${id}`);
      // One worker was always running: nothing was ever missed, every run came within a tick or two.
      assert.deepEqual(parsed.filter((r) => r.missed > 0), [], `schedule ${id}: missed slots while a worker ran`);
      for (const r of parsed) assert.ok(r.createdMs - r.slotMs < 1500, `schedule ${id}: slot ${new Date(r.slotMs).toISOString()} fired ${r.createdMs - r.slotMs} ms late`);
      const expected = Math.floor((stoppedAt - startedAt) / 1000 / INTERVAL_S);
      assert.ok(parsed.length >= expected - 1 && parsed.length <= expected + 1, `schedule ${id}: ${parsed.length} runs in ${stoppedAt - startedAt} ms`);
    }
    console.log(`# ${ids.length} schedules, ${slots} slots over ${((stoppedAt - startedAt) / 1000).toFixed(1)} s, two workers with two SIGKILL restarts: each slot fired once`);
  });

  it('scheduled runs reach a connected agent through Redis and complete', async () => {
    const listener = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const openPort = (listener.address() as net.AddressInfo).port;
    try {
      const token = (await api.post<{ token: string }>('/api/speed/agent-tokens', { name: 'edge 2' })).body.token;
      procs.push(startFlux('sched-agent', ['agent'], { SPEED_SERVER_URL: baseUrl, AGENT_NAME: 'EDGE-2', AGENT_LOCATION: 'Lab', AGENT_TOKEN: token, AGENT_DATA_DIR: tempDir('sched-agent') }));
      await until(async () => (await api.get<{ name: string; state: string }[]>('/api/speed/nodes')).body.some((n) => n.name === 'EDGE-2' && n.state === 'ONLINE'), { timeoutMs: 30_000, what: 'EDGE-2 online' });
      await startWorker('sched-worker-c');
      const res = await api.post<{ id: number }>('/api/speed/schedules', { name: 'edge-2 port', agent: 'EDGE-2', target: '127.0.0.1', test_type: 'probe', interval_seconds: INTERVAL_S, params: { port: openPort, timeout_ms: 1000 } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const done = await until(async () => {
        const runs = (await api.get<{ results: { status: string; schedule_id: number; metrics: Record<string, number> }[] }>(`/api/speed/results?schedule_id=${res.body.id}`)).body.results;
        const completed = runs.filter((r) => r.status === 'completed');
        return completed.length >= 3 ? completed : undefined;
      }, { timeoutMs: 30_000, what: 'three completed scheduled runs on EDGE-2' });
      for (const run of done) {
        assert.equal(run.schedule_id, res.body.id);
        assert.ok(run.metrics.connect_ms !== undefined);
      }
    } finally {
      listener.close();
    }
  });
});
