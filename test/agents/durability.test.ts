// Never lose a result: runs finish while the server is down (killed with SIGKILL); the agent keeps
// the results on disk, survives its own restart, and delivers each exactly once when the server
// is back — on the embedded storage and on PostgreSQL + Redis.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it, before, after } from 'node:test';
import { Api, freePort, startFlux, tempDir, waitHealthy, type FluxProcess } from '../helpers/processes.js';
import { createInstallation, distributedSkip, type Installation } from '../helpers/distributed.js';
import { until } from '../helpers/wait.js';

interface RunDetail { id: string; status: string; metrics: Record<string, number>; details: { state?: string }; timeline: { status: string; note?: string }[] }

const outboxFiles = (dataDir: string) => {
  try {
    return readdirSync(path.join(dataDir, 'outbox')).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
};

async function scenario(options: { serverArgs: string[]; serverEnv: Record<string, string>; restartAgent: boolean; countResults?: (runIds: string[]) => Promise<number> }) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = { PORT: String(port), HOST: '127.0.0.1', ADMIN_PASSWORD: 'admin-password-1', AGENT_HEARTBEAT_S: '1', AGENT_OFFLINE_AFTER_S: '60', LOCAL_AGENT: '', ...options.serverEnv };
  const silent = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  const silentPort = silent.address().port;
  const procs: FluxProcess[] = [];
  try {
    let server = startFlux('durable-server', options.serverArgs, env);
    procs.push(server);
    await waitHealthy(baseUrl, server);
    const api = await Api.login(baseUrl, 'admin', 'admin-password-1');
    const token = (await api.post<{ token: string }>('/api/speed/agent-tokens', { name: 'durable' })).body.token;
    const agentDir = tempDir('durable-agent');
    const agentEnv = { SPEED_SERVER_URL: baseUrl, AGENT_NAME: 'DURABLE-01', AGENT_TOKEN: token, AGENT_DATA_DIR: agentDir, AGENT_LISTEN: '' };
    let agent = startFlux('durable-agent', ['agent'], agentEnv);
    procs.push(agent);
    await until(async () => (await api.get<{ name: string; state: string }[]>('/api/speed/nodes')).body.some((n) => n.name === 'DURABLE-01' && n.state === 'ONLINE'), { timeoutMs: 30_000, what: 'agent online' });

    // Three UDP probes to a port that never answers: each takes its full 4 s timeout.
    const runIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await api.post<{ run_id: string }>('/api/speed/probe', { agent: 'DURABLE-01', target: '127.0.0.1', port: silentPort, protocol: 'udp', timeout_ms: 4000 });
      assert.equal(res.status, 202);
      runIds.push(res.body.run_id);
    }
    await until(async () => {
      for (const id of runIds) if ((await api.get<RunDetail>(`/api/speed/results/${id}`)).body.status !== 'running') return false;
      return true;
    }, { what: 'all three runs running' });

    await server.kill9();
    await until(() => outboxFiles(agentDir).length === 3, { timeoutMs: 20_000, what: 'three results buffered on the agent' });
    if (options.restartAgent) {
      await agent.kill9();
      agent = startFlux('durable-agent-2', ['agent'], agentEnv);
      procs.push(agent);
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(outboxFiles(agentDir).length, 3, 'the buffer survived the agent restart');
    }

    server = startFlux('durable-server-2', options.serverArgs, env);
    procs.push(server);
    await waitHealthy(baseUrl, server);
    const api2 = await Api.login(baseUrl, 'admin', 'admin-password-1');
    const done = await until(async () => {
      const runs = await Promise.all(runIds.map(async (id) => (await api2.get<RunDetail>(`/api/speed/results/${id}`)).body));
      return runs.every((r) => r.status === 'completed') ? runs : undefined;
    }, { timeoutMs: 60_000, what: 'every buffered result delivered' });
    for (const run of done) assert.equal(run.details.state, 'open|filtered');
    await until(() => outboxFiles(agentDir).length === 0, { what: 'the agent buffer emptied' });
    if (options.countResults) assert.equal(await options.countResults(runIds), 3, 'exactly one stored result per run');
  } finally {
    for (const p of procs.reverse()) await p.stop();
    silent.close();
  }
}

describe('results are never lost', () => {
  it('embedded: server killed mid-run, agent buffers, results arrive once the server is back', async () => {
    await scenario({ serverArgs: ['all'], serverEnv: { DATA_DIR: tempDir('durable-all') }, restartAgent: false });
  });

  describe('PostgreSQL + Redis', distributedSkip, () => {
    let install: Installation;
    before(async () => {
      install = await createInstallation();
    });
    after(() => install?.drop());

    it('server killed mid-run and the agent restarted while it is down: every result exactly once', async () => {
      await scenario({
        serverArgs: ['all'],
        serverEnv: install.env,
        restartAgent: true,
        countResults: async (runIds) => (await install.ctx.db.query<{ n: number }>('SELECT count(*) AS n FROM results WHERE run_id = ANY($1::uuid[])', [runIds]))[0]!.n,
      });
    });
  });
});
