// Fault: Redis restarted under a distributed installation (`flux-speed server` + `flux-speed
// worker` + an agent, on a PostgreSQL and a Redis of the test's own). Runs in flight finish,
// a test requested during the outage runs once Redis is back, queued jobs resume, nothing is
// lost or doubled, and the agent stays (or comes back) ONLINE.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { openRedisBus } from '../../src/bus/redis.js';
import type { Bus } from '../../src/bus/port.js';
import { ownServicesSkip } from '../helpers/own-services.js';
import { until } from '../helpers/wait.js';
import { startOwnInstallation, type OwnInstallation } from './own-installation.js';
import { report } from './report.js';

interface RunDetail { id: string; status: string; status_reason?: string | null }

describe('fault: Redis restarted', ownServicesSkip(), () => {
  let install: OwnInstallation | undefined;
  let silent: dgram.Socket;
  let bus: Bus | undefined;

  before(async () => {
    silent = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await bus?.close();
    await install?.destroy();
    silent?.close();
  });

  it('runs and queued jobs resume, none lost or doubled, the agent stays ONLINE', async () => {
    install = await startOwnInstallation('redis-fault');
    const { api, baseUrl, postgres, redis, server } = install;
    const worker = await install.startWorker('worker');
    await install.startAgent('REDIS-FAULT');
    const agentState = async () => (await api.get<{ name: string; state: string }[]>('/api/speed/nodes')).body.find((n) => n.name === 'REDIS-FAULT')?.state;

    // A job queue on the same Redis, as the schedules and alert deliveries use it.
    bus = await openRedisBus({ url: redis.url, prefix: 'fault' });
    const queue = bus.queue<{ n: number }>('fault-jobs');
    const processed = new Map<number, number>();
    await queue.process(async (job) => {
      processed.set(job.data.n, (processed.get(job.data.n) ?? 0) + 1);
    });
    for (let n = 0; n < 10; n++) await queue.add({ n });

    const { port: silentPort } = silent.address();
    const probe = (timeoutMs: number) => api.post<{ run_id: string }>('/api/speed/probe', { agent: 'REDIS-FAULT', target: '127.0.0.1', port: silentPort, protocol: 'udp', timeout_ms: timeoutMs });
    const runIds: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await probe(1000 + i * 1000);
      assert.equal(res.status, 202);
      runIds.push(res.body.run_id);
    }
    await new Promise((r) => setTimeout(r, 1500));

    await redis.stop();
    const stoppedAt = Date.now();
    const during = await until(async () => {
      const response = await fetch(`${baseUrl}/readyz`);
      return response.status === 503 ? ((await response.json()) as { checks: Record<string, string> }) : undefined;
    }, { timeoutMs: 10_000, what: '/readyz to report the outage' });
    assert.match(during.checks.redis!, /^error/);
    assert.equal(during.checks.database, 'ok');
    // Requested while Redis is down: answered once Redis is back (or refused with a 503), never lost.
    const duringOutage = probe(1000);
    const queuedDuringOutage = Promise.all([10, 11, 12, 13, 14].map((n) => queue.add({ n })));
    await new Promise((r) => setTimeout(r, 5000));
    assert.equal((await fetch(`${baseUrl}/healthz`)).status, 200, 'the server stays alive');

    await redis.start();
    const restartedAt = Date.now();
    await until(async () => (await fetch(`${baseUrl}/readyz`)).status === 200, { timeoutMs: 30_000, what: '/readyz back to 200' });
    const readyAfterMs = Date.now() - restartedAt;
    const late = await duringOutage;
    assert.ok(late.status === 202 || late.status === 503, `a request made during the outage: ${late.status} ${JSON.stringify(late.body)}`);
    if (late.status === 202) runIds.push(late.body.run_id);
    await queuedDuringOutage;

    let last: RunDetail[] = [];
    const runs = await until(async () => {
      last = await Promise.all(runIds.map(async (id) => (await api.get<RunDetail>(`/api/speed/results/${id}`)).body));
      return last.every((r) => r.status === 'completed') ? last : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500, what: 'every run completed' }).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(last.map((r) => [r.status, r.status_reason]))}`);
    });
    const allDoneAfterMs = Date.now() - restartedAt;
    await until(() => processed.size === 15, { timeoutMs: 30_000, what: 'every queued job processed' });
    assert.deepEqual([...processed.values()].filter((c) => c !== 1), [], 'each queued job ran exactly once');
    assert.equal(await agentState(), 'ONLINE');

    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM results WHERE run_id = ANY($1::uuid[]) GROUP BY run_id', [runIds]);
    await client.end();
    assert.equal(rows.length, runs.length, 'every run has a stored result');
    assert.ok(rows.every((r) => Number(r.n) === 1), 'no result stored twice');
    assert.equal(server.child.exitCode, null, 'the server never crashed');
    assert.equal(worker.child.exitCode, null, 'the worker never crashed');

    // A new test after the outage works end to end.
    const fresh = await probe(500);
    await until(async () => (await api.get<RunDetail>(`/api/speed/results/${fresh.body.run_id}`)).body.status === 'completed', { timeoutMs: 20_000, what: 'a fresh run after recovery' });

    report('Redis restarted', {
      done: `${runIds.length} runs (one requested during the outage: HTTP ${late.status}) and 15 queued jobs (5 added during the outage); Redis stopped for ${Math.round((restartedAt - stoppedAt) / 1000)} s, then started again`,
      lost: `0 runs lost, 0 results stored twice, ${15 - processed.size} jobs lost, ${[...processed.values()].filter((c) => c > 1).length} run twice`,
      recovery: `/readyz 200 ${readyAfterMs} ms after Redis was back; every run completed ${allDoneAfterMs} ms after`,
    });
  });
});
