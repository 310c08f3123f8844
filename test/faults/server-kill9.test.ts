// Fault: the server (embedded: server + worker) killed with SIGKILL while tests are running on two
// agents; one agent also dies while the server is down. Every run must end in a terminal state
// exactly once: the surviving agent's results arrive after the restart, the dead agent's runs
// time out with a reason.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { Api, freePort, startFlux, tempDir, waitHealthy, type FluxProcess } from '../helpers/processes.js';
import { until } from '../helpers/wait.js';
import { report } from './report.js';

interface RunDetail { id: string; status: string; status_reason: string | null; timeline: { status: string; note?: string }[] }
const TERMINAL = ['completed', 'failed', 'timed_out', 'canceled', 'skipped_maintenance'];

describe('fault: server kill -9 during running tests', () => {
  const procs: FluxProcess[] = [];
  let silent: dgram.Socket;

  before(async () => {
    silent = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  });
  after(async () => {
    for (const p of procs.reverse()) await p.stop();
    silent?.close();
  });

  it('every run ends in a terminal state exactly once', async () => {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tempDir('server-kill9'), ADMIN_PASSWORD: 'admin-password-1', AGENT_HEARTBEAT_S: '1', AGENT_OFFLINE_AFTER_S: '60', RUN_TIMEOUT_GRACE_S: '2', LOCAL_AGENT: '' };
    let server = startFlux('kill9-server', ['all'], env);
    procs.push(server);
    await waitHealthy(baseUrl, server);
    let api = await Api.login(baseUrl, 'admin', 'admin-password-1');
    const token = (await api.post<{ token: string }>('/api/speed/agent-tokens', { name: 'fault' })).body.token;
    const agents: Record<string, FluxProcess> = {};
    for (const name of ['SURVIVOR', 'CASUALTY']) {
      agents[name] = startFlux(`kill9-${name}`, ['agent'], { SPEED_SERVER_URL: baseUrl, AGENT_NAME: name, AGENT_TOKEN: token, AGENT_DATA_DIR: tempDir('kill9-agent'), AGENT_LISTEN: '' });
      procs.push(agents[name]!);
    }
    await until(async () => (await api.get<{ state: string }[]>('/api/speed/nodes')).body.filter((n) => n.state === 'ONLINE').length === 2, { timeoutMs: 90_000, what: 'both agents online' });

    const runs: Record<string, string[]> = { SURVIVOR: [], CASUALTY: [] };
    for (let i = 0; i < 4; i++) {
      for (const agent of ['SURVIVOR', 'CASUALTY']) {
        const res = await api.post<{ run_id: string }>('/api/speed/probe', { agent, target: '127.0.0.1', port: silent.address().port, protocol: 'udp', timeout_ms: 3000 + i * 1000 });
        assert.equal(res.status, 202);
        runs[agent]!.push(res.body.run_id);
      }
    }
    const all = [...runs.SURVIVOR!, ...runs.CASUALTY!];
    await until(async () => {
      for (const id of all) if ((await api.get<RunDetail>(`/api/speed/results/${id}`)).body.status !== 'running') return false;
      return true;
    }, { what: 'every run running' });

    await server.kill9();
    const killedAt = Date.now();
    await new Promise((r) => setTimeout(r, 1000));
    await agents.CASUALTY!.kill9();
    await new Promise((r) => setTimeout(r, 6000));

    server = startFlux('kill9-server-2', ['all'], env);
    procs.push(server);
    await waitHealthy(baseUrl, server);
    const restartedAt = Date.now();
    api = await Api.login(baseUrl, 'admin', 'admin-password-1');
    const done = await until(async () => {
      const details = await Promise.all(all.map(async (id) => (await api.get<RunDetail>(`/api/speed/results/${id}`)).body));
      return details.every((r) => TERMINAL.includes(r.status)) ? details : undefined;
    }, { timeoutMs: 150_000, intervalMs: 300, what: 'every run terminal' });
    const allTerminalAfterMs = Date.now() - restartedAt;

    const byId = new Map(done.map((r) => [r.id, r]));
    for (const id of runs.SURVIVOR!) assert.equal(byId.get(id)!.status, 'completed', 'the surviving agent delivered its buffered results');
    for (const id of runs.CASUALTY!) {
      const run = byId.get(id)!;
      assert.equal(run.status, 'timed_out');
      assert.match(run.status_reason!, /the agent went away during the test/);
    }
    for (const run of done) assert.equal(run.timeline.filter((s) => TERMINAL.includes(s.status)).length, 1, `run ${run.id} ended exactly once`);
    // Later: nothing changes any more (no second ending).
    await new Promise((r) => setTimeout(r, 3000));
    for (const run of done) assert.equal((await api.get<RunDetail>(`/api/speed/results/${run.id}`)).body.status, run.status);

    report('server kill -9 during running tests', {
      done: `8 UDP probes (3-6 s) running on 2 agents; the server (embedded, with its worker) killed with SIGKILL, one agent killed 1 s later; server restarted after ${Math.round((restartedAt - killedAt) / 1000)} s`,
      lost: '0 results of the surviving agent (4/4 completed from its buffer); the dead agent\'s 4 measurements died with it and their runs ended timed_out with the reason; every run ended exactly once',
      recovery: `every run terminal ${allTerminalAfterMs} ms after the server was healthy again`,
    });
  });
});
