// A real agent process, configured exactly as the brief's `docker run` line, against a real
// server process: it registers, shows ONLINE, goes OFFLINE with an alert when it dies, and comes
// back with its stored credential.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, it, before, after } from 'node:test';
import { Api, freePort, startFlux, tempDir, waitHealthy, type FluxProcess } from '../helpers/processes.js';
import { until } from '../helpers/wait.js';

interface Node { id: string; name: string; state: string; reason: string; location: string; builtin: boolean; version: string }
interface Alert { id: number; kind: string; state: string; agent: { name: string } | null; title: string }

describe('agent process against an embedded server', () => {
  let server: FluxProcess;
  let api: Api;
  let baseUrl: string;
  const agents: FluxProcess[] = [];

  before(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = startFlux('server-all', ['all'], {
      PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tempDir('all'), ADMIN_PASSWORD: 'admin-password-1',
      AGENT_HEARTBEAT_S: '1', AGENT_OFFLINE_AFTER_S: '3',
    });
    await waitHealthy(baseUrl, server);
    api = await Api.login(baseUrl, 'admin', 'admin-password-1');
  });
  after(async () => {
    for (const agent of agents) await agent.stop();
    await server.stop();
  });

  const node = async (name: string) => (await api.get<Node[]>('/api/speed/nodes')).body.find((n) => n.name === name);

  it('the built-in LOCAL agent is ONLINE from the start', async () => {
    const local = await until(async () => {
      const n = await node('LOCAL');
      return n?.state === 'ONLINE' ? n : undefined;
    }, { timeoutMs: 20_000, what: 'LOCAL online' });
    assert.equal(local.builtin, true);
    assert.match(local.version, /^\d+\.\d+\.\d+/);
  });

  it('registers with the brief’s four variables, goes OFFLINE with an alert when killed, and comes back with its credential', async () => {
    const created = await api.post<{ token: string }>('/api/speed/agent-tokens', { name: 'branch offices' });
    assert.equal(created.status, 201);
    const dataDir = tempDir('agent');
    const env = { SPEED_SERVER_URL: baseUrl, AGENT_NAME: 'BRANCH-OFFICE-01', AGENT_LOCATION: 'Dallas, TX', AGENT_TOKEN: created.body.token, AGENT_DATA_DIR: dataDir, AGENT_LISTEN: '' };
    const first = startFlux('agent-branch', ['agent'], env);
    agents.push(first);
    const online = await until(async () => {
      const n = await node('BRANCH-OFFICE-01');
      return n?.state === 'ONLINE' ? n : undefined;
    }, { timeoutMs: 20_000, what: 'the agent ONLINE' });
    assert.equal(online.location, 'Dallas, TX');
    assert.equal(statSync(path.join(dataDir, 'credential.json')).mode & 0o777, 0o600, 'the credential is readable by the agent only');

    await first.kill9();
    const offline = await until(async () => {
      const n = await node('BRANCH-OFFICE-01');
      return n?.state === 'OFFLINE' ? n : undefined;
    }, { timeoutMs: 15_000, what: 'the agent OFFLINE' });
    assert.match(offline.reason, /no heartbeat for \d+ s \(threshold 3 s\)/);
    const alerts = (await api.get<Alert[]>('/api/speed/alerts?kind=agent_offline')).body.filter((a) => a.agent?.name === 'BRANCH-OFFICE-01');
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.state, 'open');
    assert.match(alerts[0]!.title, /BRANCH-OFFICE-01 is OFFLINE/);

    // Restarted without AGENT_TOKEN: the stored credential is enough.
    const { AGENT_TOKEN: _unused, ...withoutToken } = env;
    const second = startFlux('agent-branch-2', ['agent'], withoutToken);
    agents.push(second);
    await until(async () => (await node('BRANCH-OFFICE-01'))?.state === 'ONLINE', { timeoutMs: 20_000, what: 'the agent back ONLINE' });
    const after = (await api.get<Alert[]>('/api/speed/alerts?kind=agent_offline')).body.find((a) => a.id === alerts[0]!.id);
    assert.equal(after?.state, 'resolved', 'coming back resolves the offline alert');
    const tokens = (await api.get<{ uses: number; name: string }[]>('/api/speed/agent-tokens')).body.find((t) => t.name === 'branch offices');
    assert.equal(tokens?.uses, 1, 'the agent registered once');
    const detail = (await api.get<{ state_history: { to_state: string }[] }>('/api/speed/nodes/BRANCH-OFFICE-01')).body;
    assert.deepEqual(detail.state_history.map((h) => h.to_state).reverse(), ['ONLINE', 'OFFLINE', 'ONLINE']);
  });

  it('an agent with a bad token says why and keeps trying, without harming the server', async () => {
    const bad = startFlux('agent-bad', ['agent'], { SPEED_SERVER_URL: baseUrl, AGENT_NAME: 'INTRUDER', AGENT_TOKEN: 'wrong-token', AGENT_DATA_DIR: tempDir('bad'), AGENT_LISTEN: '' });
    agents.push(bad);
    await until(() => /registration refused/.test(bad.output()) && /registration token not recognised/.test(bad.output()), { timeoutMs: 15_000, what: 'the refusal in the log' });
    assert.equal(bad.child.exitCode, null, 'the agent keeps running (it may be given a token later)');
    assert.equal(await node('INTRUDER'), undefined);
  });

  it('a bad configuration stops the agent with a message naming the variable', async () => {
    const bad = startFlux('agent-badconfig', ['agent'], { SPEED_SERVER_URL: 'ftp://nope', AGENT_NAME: 'X', AGENT_DATA_DIR: tempDir('x') });
    assert.equal(await bad.exited, 2);
    assert.match(bad.output(), /SPEED_SERVER_URL/);
  });
});
