// Scale-out: two server replicas and two workers on one PostgreSQL and one Redis. Agents spread
// over both replicas; runs created through either replica reach their agent exactly once;
// progress and results flow through whichever replica the watcher uses; the workers' periodic
// tasks (run timeouts, OFFLINE) act once, not once per worker.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Api, freePort, startFlux, tempDir, waitHealthy, type FluxProcess } from '../helpers/processes.js';
import { requires } from '../helpers/tools.js';
import { readSse } from '../helpers/sse.js';
import { ProtocolClient, registerAgentOverHttp } from '../helpers/protocol-client.js';
import { createInstallation, distributedSkip, type Installation } from '../helpers/distributed.js';
import { until } from '../helpers/wait.js';

const PASSWORD = 'admin-password-1';


interface Agent {
  name: string;
  id: string;
  replica: 'a' | 'b';
  client: ProtocolClient;
}

describe('two server replicas and two workers on one PostgreSQL and one Redis', distributedSkip, () => {
  let install: Installation;
  const procs: FluxProcess[] = [];
  const urls: Record<'a' | 'b', string> = { a: '', b: '' };
  const api: Partial<Record<'a' | 'b', Api>> = {};
  const agents: Agent[] = [];

  before(async () => {
    install = await createInstallation({ AGENT_HEARTBEAT_S: '1', AGENT_OFFLINE_AFTER_S: '3', ADMIN_PASSWORD: PASSWORD, RUN_TIMEOUT_GRACE_S: '1' });
    for (const replica of ['a', 'b'] as const) {
      const port = await freePort();
      urls[replica] = `http://127.0.0.1:${port}`;
      procs.push(startFlux(`scale-server-${replica}`, ['server'], { ...install.env, PORT: String(port), HOST: '127.0.0.1' }));
    }
    procs.push(startFlux('scale-worker-1', ['worker'], install.env), startFlux('scale-worker-2', ['worker'], install.env));
    await waitHealthy(urls.a, procs[0]!);
    await waitHealthy(urls.b, procs[1]!);
    api.a = await Api.login(urls.a, 'admin', PASSWORD);
    api.b = await Api.login(urls.b, 'admin', PASSWORD);
    const token = (await api.a.post<{ token: string }>('/api/speed/agent-tokens', { name: 'scale' })).body.token;
    // Six agents, alternately on A and B, as a load balancer without stickiness would spread them.
    for (let i = 0; i < 6; i++) {
      const replica = i % 2 === 0 ? 'a' : 'b';
      const name = `SCALE-${i}`;
      const reg = await registerAgentOverHttp(urls[replica], token, name);
      assert.equal(reg.status, 201, JSON.stringify(reg.body));
      const client = await ProtocolClient.connect(urls[replica], reg.body.credential);
      await client.hello();
      agents.push({ name, id: reg.body.agent_id, replica, client });
    }
  });

  after(async () => {
    for (const agent of agents) agent.client.close();
    for (const p of procs) await p.stop();
    await install?.drop();
  });

  it('every run created through either replica reaches its agent exactly once and completes', async () => {
    const created: { runId: string; agent: Agent }[] = [];
    // Each agent gets three runs, through A, B, A (or B, A, B): most cross replicas.
    for (let round = 0; round < 3; round++) {
      for (const [i, agent] of agents.entries()) {
        const via = (i + round) % 2 === 0 ? api.a! : api.b!;
        const response = await via.post<{ run_id: string }>('/api/speed/probe', { agent: agent.name, target: '127.0.0.1', port: 9, timeout_ms: 100 });
        assert.equal(response.status, 202, JSON.stringify(response.body));
        created.push({ runId: response.body.run_id, agent });
      }
    }
    // Each agent answers every job it receives.
    for (const { runId, agent } of created) {
      await agent.client.next('job', { where: (m) => m.run_id === runId, timeoutMs: 10_000 });
      const now = new Date().toISOString();
      agent.client.send({ type: 'result', run_id: runId, result: { kind: 'probe', status: 'completed', started_at: now, finished_at: now, target: '127.0.0.1:9/tcp', metrics: { connect_ms: 1.5 }, details: {}, method: {} } });
    }
    for (const { runId, agent } of created) {
      const ack = await agent.client.next('result_ack', { where: (m) => m.run_id === runId });
      assert.equal(ack.outcome, 'stored');
    }
    await new Promise((r) => setTimeout(r, 500)); // a duplicate dispatch would have arrived by now
    const runIds = new Set(created.map((c) => c.runId));
    for (const agent of agents) {
      const jobs = agent.client.received.filter((m) => m.type === 'job' && runIds.has(m.run_id));
      assert.equal(jobs.length, 3, `${agent.name} (on ${agent.replica}) received ${jobs.length} jobs`);
      for (const job of jobs) assert.equal(created.find((c) => c.runId === (job as { run_id: string }).run_id)!.agent, agent, 'a job reached the wrong agent');
    }
    for (const { runId } of created) {
      const run = (await api.b!.get<{ status: string; timeline: { status: string }[] }>(`/api/speed/results/${runId}`)).body;
      assert.equal(run.status, 'completed');
      assert.equal(run.timeline.filter((t) => t.status === 'dispatched').length, 1, `run ${runId} dispatched once: ${JSON.stringify(run.timeline)}`);
    }
  });

  for (const [agentReplica, watchReplica] of [['a', 'b'], ['b', 'a']] as const) {
    it(`progress and the result of an agent on replica ${agentReplica.toUpperCase()} stream through replica ${watchReplica.toUpperCase()}`, async () => {
      const agent = agents.find((a) => a.replica === agentReplica)!;
      const created = await api[watchReplica]!.post<{ run_id: string }>('/api/speed/dns', { agent: agent.name, hostname: 'example.test', resolvers: ['127.0.0.1:5353'] });
      assert.equal(created.status, 202);
      const runId = created.body.run_id;
      await agent.client.next('job', { where: (m) => m.run_id === runId, timeoutMs: 10_000 });
      const login = await fetch(`${urls[watchReplica]}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
      const session = ((await login.json()) as { token: string }).token;
      const streaming = readSse(`${urls[watchReplica]}/api/speed/results/${runId}/events`, session, (events) => events.some((e) => e.event === 'result'));
      await new Promise((r) => setTimeout(r, 300));
      agent.client.send({ type: 'started', run_id: runId, started_at: new Date().toISOString() });
      agent.client.send({ type: 'progress', run_id: runId, progress: { phase: 'dns', elapsed_ms: 5, message: `from ${agent.name}` } });
      const now = new Date().toISOString();
      agent.client.send({ type: 'result', run_id: runId, result: { kind: 'dns', status: 'completed', started_at: now, finished_at: now, target: 'example.test', metrics: { resolve_ms: 2.5 }, details: { resolvers: [] }, method: {} } });
      const events = await streaming;
      const progress = events.find((e) => e.event === 'progress')?.data as { progress?: { message?: string } } | undefined;
      assert.equal(progress?.progress?.message, `from ${agent.name}`, `progress reached replica ${watchReplica}: ${events.map((e) => e.event).join(',')}`);
      const result = events.find((e) => e.event === 'result')!.data as { status: string; metrics: Record<string, number> };
      assert.equal(result.status, 'completed');
      assert.deepEqual(result.metrics, { resolve_ms: 2.5 });
    });
  }

  it('with two workers, a run times out once and a silent agent goes OFFLINE once, with one alert', async () => {
    const agent = agents.find((a) => a.replica === 'b')!;
    const created = await api.a!.post<{ run_id: string }>('/api/speed/probe', { agent: agent.name, target: '127.0.0.1', port: 9, timeout_ms: 100 });
    const runId = created.body.run_id;
    await agent.client.next('job', { where: (m) => m.run_id === runId, timeoutMs: 10_000 });
    await install.ctx.db.query("UPDATE runs SET deadline_at = now() - interval '1 second' WHERE id = $1", [runId]);
    await until(async () => (await api.a!.get<{ status: string }>(`/api/speed/results/${runId}`)).body.status === 'timed_out', { what: 'the run to time out' });
    // The agent has gone silent (it never heartbeats in this test): both workers see it.
    await until(async () => (await api.b!.get<{ state: string }>(`/api/speed/nodes/${agent.id}`)).body.state === 'OFFLINE', { timeoutMs: 15_000, what: 'OFFLINE' });
    await new Promise((r) => setTimeout(r, 2500)); // several more ticks of both workers
    const run = (await api.b!.get<{ timeline: { status: string }[] }>(`/api/speed/results/${runId}`)).body;
    assert.equal(run.timeline.filter((t) => t.status === 'timed_out').length, 1, JSON.stringify(run.timeline));
    const changes = await install.ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM agent_state_changes WHERE agent_id = $1 AND to_state = 'OFFLINE'", [agent.id]);
    assert.equal(changes[0]!.n, 1);
    const alerts = await install.ctx.db.query<{ n: number }>("SELECT count(*)::int AS n FROM alerts WHERE agent_id = $1 AND kind = 'agent_offline'", [agent.id]);
    assert.equal(alerts[0]!.n, 1);
    const cancels = agent.client.received.filter((m) => m.type === 'cancel' && m.run_id === runId);
    assert.equal(cancels.length, 1, 'the agent is told once that its run timed out');
  });
});

describe('behind nginx without sticky sessions: agents and API calls land on any replica', { ...distributedSkip, ...(distributedSkip.skip ? {} : requires('nginx')) }, () => {
  let install: Installation;
  const procs: FluxProcess[] = [];
  let nginx: ChildProcess | undefined;
  let proxy = '';

  before(async () => {
    install = await createInstallation({ AGENT_HEARTBEAT_S: '5', AGENT_OFFLINE_AFTER_S: '60', ADMIN_PASSWORD: PASSWORD });
    const ports = [await freePort(), await freePort()];
    ports.forEach((port, i) => procs.push(startFlux(`nginx-replica-${i}`, ['server'], { ...install.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' })));
    procs.push(startFlux('nginx-worker', ['worker'], install.env));
    for (const [i, port] of ports.entries()) await waitHealthy(`http://127.0.0.1:${port}`, procs[i]!);
    const proxyPort = await freePort();
    const dir = tempDir('nginx');
    // Plain round robin: consecutive connections go to alternate replicas.
    writeFileSync(path.join(dir, 'nginx.conf'), `
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
daemon off;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream flux { server 127.0.0.1:${ports[0]}; server 127.0.0.1:${ports[1]}; }
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  server {
    listen 127.0.0.1:${proxyPort};
    location /api/agent/ws { proxy_pass http://flux; proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade; proxy_read_timeout 120s; }
    location / { proxy_pass http://flux; proxy_http_version 1.1; proxy_buffering off; proxy_read_timeout 60s; }
  }
}`);
    nginx = spawn('nginx', ['-c', path.join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
    proxy = `http://127.0.0.1:${proxyPort}`;
    await until(async () => (await fetch(`${proxy}/healthz`).catch(() => undefined))?.status === 200, { what: 'nginx to proxy' });
  });

  after(async () => {
    nginx?.kill('SIGTERM');
    for (const p of procs) await p.stop();
    await install?.drop();
  });

  it('agents connected through nginx spread over both replicas, and every run reaches its agent once', async () => {
    const api = await Api.login(proxy, 'admin', PASSWORD);
    const token = (await api.post<{ token: string }>('/api/speed/agent-tokens', { name: 'nginx' })).body.token;
    const clients: { name: string; client: ProtocolClient }[] = [];
    const credentials: string[] = [];
    for (let i = 0; i < 6; i++) credentials.push((await registerAgentOverHttp(proxy, token, `LB-${i}`)).body.credential);
    // Consecutive connections: round robin puts them on alternate replicas.
    for (const [i, credential] of credentials.entries()) {
      const client = await ProtocolClient.connect(proxy, credential);
      await client.hello();
      clients.push({ name: `LB-${i}`, client });
    }
    try {
      const perReplica = procs.slice(0, 2).map((p) => (p.output().match(/agent connected/g) ?? []).length);
      assert.ok(perReplica.every((n) => n > 0), `agents on each replica: ${perReplica.join(', ')}`);
      for (const { name, client } of clients) {
        const created = await api.post<{ run_id: string }>('/api/speed/probe', { agent: name, target: '127.0.0.1', port: 9, timeout_ms: 100 });
        assert.equal(created.status, 202);
        await client.next('job', { where: (m) => m.run_id === created.body.run_id, timeoutMs: 10_000 });
        const now = new Date().toISOString();
        client.send({ type: 'result', run_id: created.body.run_id, result: { kind: 'probe', status: 'completed', started_at: now, finished_at: now, target: '127.0.0.1:9/tcp', metrics: { connect_ms: 1 }, details: {}, method: {} } });
        assert.equal((await client.next('result_ack')).outcome, 'stored');
        const run = (await api.get<{ status: string; timeline: { status: string }[] }>(`/api/speed/results/${created.body.run_id}`)).body;
        assert.equal(run.status, 'completed');
        assert.equal(run.timeline.filter((t) => t.status === 'dispatched').length, 1);
      }
      await new Promise((r) => setTimeout(r, 300));
      for (const { client } of clients) assert.equal(client.received.filter((m) => m.type === 'job').length, 1);
    } finally {
      for (const { client } of clients) client.close();
    }
  });
});
