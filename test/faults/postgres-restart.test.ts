// Fault: PostgreSQL restarted while agents are delivering results to a distributed installation
// (`flux-speed server` + `flux-speed worker` + two agents, on a PostgreSQL and a Redis of the
// test's own). Nothing may be lost or stored twice; /readyz reports the outage while it lasts;
// the server and worker recover by themselves without a restart.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { ownServicesSkip } from '../helpers/own-services.js';
import { until } from '../helpers/wait.js';
import { startOwnInstallation, type OwnInstallation } from './own-installation.js';
import { report } from './report.js';

interface RunDetail { id: string; status: string; details: { state?: string }; timeline: { status: string; note?: string }[] }

describe('fault: PostgreSQL restarted during steady ingest', ownServicesSkip(), () => {
  let install: OwnInstallation | undefined;
  let silent: dgram.Socket;

  before(async () => {
    silent = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await install?.destroy();
    silent?.close();
  });

  it('loses and duplicates nothing, reports the outage on /readyz, and recovers by itself', async () => {
    install = await startOwnInstallation('pg-fault');
    const { api, baseUrl, postgres, server } = install;
    const worker = await install.startWorker('worker');
    const agents = ['PG-FAULT-A', 'PG-FAULT-B'];
    for (const name of agents) await install.startAgent(name);

    // Steady ingest: UDP probes to a port that never answers, with timeouts spread over 2-14 s,
    // so each agent delivers a result every half second, before, during and after the outage.
    const { port: silentPort } = silent.address();
    const runIds: string[] = [];
    for (let i = 0; i < 25; i++) {
      for (const agent of agents) {
        const res = await api.post<{ run_id: string }>('/api/speed/probe', { agent, target: '127.0.0.1', port: silentPort, protocol: 'udp', timeout_ms: 2000 + i * 500 });
        assert.equal(res.status, 202, JSON.stringify(res.body));
        runIds.push(res.body.run_id);
      }
    }
    const started = Date.now();
    await new Promise((r) => setTimeout(r, 3000));

    await postgres.stop();
    const stoppedAt = Date.now();
    const readyDuringOutage = await until(async () => {
      const response = await fetch(`${baseUrl}/readyz`);
      return response.status === 503 ? ((await response.json()) as { checks: Record<string, string> }) : undefined;
    }, { timeoutMs: 10_000, what: '/readyz to report the outage' });
    assert.match(readyDuringOutage.checks.database!, /^error/);
    assert.equal(readyDuringOutage.checks.redis, 'ok');
    const apiDuringOutage = await api.get(`/api/speed/results/${runIds[0]}`);
    assert.equal(apiDuringOutage.status, 503, 'the API says the storage is unavailable, not a bare 500');
    assert.equal((await fetch(`${baseUrl}/healthz`)).status, 200, 'the process stays alive');
    await new Promise((r) => setTimeout(r, Math.max(0, 5000 - (Date.now() - stoppedAt))));

    await postgres.start();
    const restartedAt = Date.now();
    await until(async () => (await fetch(`${baseUrl}/readyz`)).status === 200, { timeoutMs: 30_000, what: '/readyz back to 200' });
    const readyAfterMs = Date.now() - restartedAt;

    const runs = await until(async () => {
      const all = await Promise.all(runIds.map(async (id) => (await api.get<RunDetail>(`/api/speed/results/${id}`)).body));
      return all.every((r) => r.status === 'completed') ? all : undefined;
    }, { timeoutMs: 90_000, intervalMs: 500, what: 'every run completed' });
    const allStoredAfterMs = Date.now() - restartedAt;
    for (const run of runs) assert.equal(run.details.state, 'open|filtered');

    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    const { rows } = await client.query<{ run_id: string; n: string }>('SELECT run_id, count(*) AS n FROM results WHERE run_id = ANY($1::uuid[]) GROUP BY run_id', [runIds]);
    await client.end();
    assert.equal(rows.length, runIds.length, 'every run has a stored result');
    assert.ok(rows.every((r) => Number(r.n) === 1), 'no result stored twice');
    assert.equal(server.child.exitCode, null, 'the server never crashed');
    assert.equal(worker.child.exitCode, null, 'the worker never crashed');
    assert.match(server.output(), /result not stored; agent told to retry/, 'results did arrive during the outage');

    // A new test after the outage works end to end.
    const fresh = await api.post<{ run_id: string }>('/api/speed/probe', { agent: agents[0], target: '127.0.0.1', port: silentPort, protocol: 'udp', timeout_ms: 500 });
    assert.equal(fresh.status, 202);
    await until(async () => (await api.get<RunDetail>(`/api/speed/results/${fresh.body.run_id}`)).body.status === 'completed', { timeoutMs: 20_000, what: 'a fresh run after recovery' });

    report('PostgreSQL restarted during steady ingest', {
      done: `2 agents delivering ${runIds.length} results over ${Math.round((Date.now() - started) / 1000)} s; PostgreSQL stopped (fast shutdown) for ${Math.round((restartedAt - stoppedAt) / 1000)} s, then started again`,
      lost: `${runIds.length - rows.length} results lost, ${rows.filter((r) => Number(r.n) > 1).length} stored twice`,
      recovery: `/readyz 200 ${readyAfterMs} ms after PostgreSQL was back; every buffered result stored ${allStoredAfterMs} ms after`,
    });
  });
});
