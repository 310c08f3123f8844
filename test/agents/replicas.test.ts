// Two server processes and a worker on one PostgreSQL and one Redis: a run created through one
// replica reaches an agent connected to the other, and its progress flows back through either.
import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import { createRun } from '../../src/runs/service.js';
import { Api, freePort, startFlux, waitHealthy, type FluxProcess } from '../helpers/processes.js';
import { ProtocolClient, registerAgentOverHttp } from '../helpers/protocol-client.js';
import { createInstallation, distributedSkip, type Installation } from '../helpers/distributed.js';
import { until } from '../helpers/wait.js';
import { readSse } from '../helpers/sse.js';


describe('two server replicas and a worker on PostgreSQL and Redis', distributedSkip, () => {
  let install: Installation;
  const procs: FluxProcess[] = [];
  let a: string;
  let b: string;

  before(async () => {
    install = await createInstallation({ AGENT_HEARTBEAT_S: '1', AGENT_OFFLINE_AFTER_S: '3', ADMIN_PASSWORD: 'admin-password-1' });
    const [portA, portB] = [await freePort(), await freePort()];
    a = `http://127.0.0.1:${portA}`;
    b = `http://127.0.0.1:${portB}`;
    procs.push(startFlux('replica-a', ['server'], { ...install.env, PORT: String(portA), HOST: '127.0.0.1' }));
    procs.push(startFlux('replica-b', ['server'], { ...install.env, PORT: String(portB), HOST: '127.0.0.1' }));
    procs.push(startFlux('worker', ['worker'], install.env));
    await waitHealthy(a, procs[0]!);
    await waitHealthy(b, procs[1]!);
  });
  after(async () => {
    for (const p of procs) await p.stop();
    await install?.drop();
  });

  it('both replicas report the database and Redis ready', async () => {
    for (const url of [a, b]) {
      const ready = await (await fetch(`${url}/readyz`)).json();
      assert.deepEqual(ready, { status: 'ready', checks: { database: 'ok', redis: 'ok' } });
    }
  });

  it('a run created beside replica B reaches the agent on replica A; progress and result flow back through B', async () => {
    const apiA = await Api.login(a, 'admin', 'admin-password-1');
    const apiB = await Api.login(b, 'admin', 'admin-password-1');
    const token = (await apiA.post<{ token: string }>('/api/speed/agent-tokens', { name: 'replicas' })).body.token;
    const reg = await registerAgentOverHttp(a, token, 'EDGE-01');
    const agent = await ProtocolClient.connect(a, reg.body.credential);
    await agent.hello();
    await until(async () => (await apiB.get<{ name: string; state: string }[]>('/api/speed/nodes')).body.some((n) => n.name === 'EDGE-01' && n.state === 'ONLINE'), { what: 'ONLINE seen through B' });

    const run = await createRun(install.ctx, { agentId: reg.body.agent_id, job: { kind: 'dns', spec: { hostname: 'example.test', resolvers: ['127.0.0.1:5353'], record_type: 'A', timeout_ms: 1000 } }, target: 'example.test', requestedBy: null, note: 'replica test' });
    const job = await agent.next('job', { where: (m) => m.run_id === run.id, timeoutMs: 10_000 });
    assert.equal(job.job.kind, 'dns');

    const loginB = await fetch(`${b}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'admin-password-1' }) });
    const sessionB = ((await loginB.json()) as { token: string }).token;
    const streaming = readSse(`${b}/api/speed/results/${run.id}/events`, sessionB, (events) => events.some((e) => e.event === 'result'));
    await new Promise((r) => setTimeout(r, 300));
    agent.send({ type: 'started', run_id: run.id, started_at: new Date().toISOString() });
    agent.send({ type: 'progress', run_id: run.id, progress: { phase: 'dns', elapsed_ms: 12, message: 'resolver 127.0.0.1:5353 answered', detail: { resolver: '127.0.0.1:5353', ms: 3.1 } } });
    const now = new Date().toISOString();
    agent.send({ type: 'result', run_id: run.id, result: { kind: 'dns', status: 'completed', started_at: now, finished_at: now, target: 'example.test', metrics: { resolve_ms: 3.1 }, details: { resolvers: [] }, method: { engine: 'dns' } } });
    assert.equal((await agent.next('result_ack')).outcome, 'stored');
    const events = await streaming;
    const kinds = events.map((e) => e.event);
    assert.equal(kinds[0], 'snapshot');
    assert.ok(kinds.includes('progress'), `progress reached replica B: ${kinds.join(',')}`);
    assert.ok(kinds.includes('status'));
    const final = events.find((e) => e.event === 'result')!.data as { status: string; metrics: Record<string, number> };
    assert.equal(final.status, 'completed');
    assert.deepEqual(final.metrics, { resolve_ms: 3.1 });
    agent.close();
  });

  it('the worker times out a run whose agent never answers, and marks the silent agent OFFLINE', async () => {
    const apiB = await Api.login(b, 'admin', 'admin-password-1');
    const token = (await apiB.post<{ token: string }>('/api/speed/agent-tokens', { name: 'silent' })).body.token;
    const reg = await registerAgentOverHttp(b, token, 'SILENT-01');
    const agent = await ProtocolClient.connect(b, reg.body.credential);
    await agent.hello();
    const run = await createRun(install.ctx, { agentId: reg.body.agent_id, job: { kind: 'probe', spec: { target: '127.0.0.1', port: 9, protocol: 'tcp', timeout_ms: 100 } }, target: '127.0.0.1', requestedBy: null, note: 'never answered' });
    await agent.next('job');
    // Pretend the agent hangs: no heartbeat, no result. Shorten the deadline instead of waiting it out.
    await install.ctx.db.query("UPDATE runs SET deadline_at = now() - interval '1 second' WHERE id = $1", [run.id]);
    const timedOut = await until(async () => {
      const r = (await apiB.get<{ status: string; status_reason: string }>(`/api/speed/results/${run.id}`)).body;
      return r.status === 'timed_out' ? r : undefined;
    }, { what: 'the run to time out' });
    assert.match(timedOut.status_reason, /did not return a result in time|did not start the run in time|the agent went away during the test/);
    await until(async () => (await apiB.get<{ name: string; state: string }[]>('/api/speed/nodes')).body.some((n) => n.name === 'SILENT-01' && n.state === 'OFFLINE'), { timeoutMs: 15_000, what: 'OFFLINE' });
    // A late result still completes the run: measured data wins.
    const now = new Date().toISOString();
    agent.send({ type: 'heartbeat', seq: 1, sent_at: now, health: {} });
    agent.send({ type: 'result', run_id: run.id, result: { kind: 'probe', status: 'completed', started_at: now, finished_at: now, target: '127.0.0.1', metrics: { connect_ms: 1 }, details: {}, method: {} } });
    assert.equal((await agent.next('result_ack')).outcome, 'stored');
    const late = (await apiB.get<{ status: string; timeline: { status: string; note?: string }[] }>(`/api/speed/results/${run.id}`)).body;
    assert.equal(late.status, 'completed');
    assert.match(late.timeline.at(-1)!.note ?? '', /late/);
    agent.close();
  });
});
