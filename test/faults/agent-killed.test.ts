// Fault: an agent killed (SIGKILL) in the middle of a test. The run must end, once, with a reason
// that says the agent went away: timed_out when the agent stays away, failed as soon as it comes
// back without the measurement. The agent comes back ONLINE with its stored credential.
// (Results an agent had buffered before dying are resent after its restart: see
// test/agents/durability.test.ts.)
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { Api, freePort, startFlux, tempDir, waitHealthy, type FluxProcess } from '../helpers/processes.js';
import { until } from '../helpers/wait.js';
import { report } from './report.js';

interface RunDetail { id: string; status: string; status_reason: string | null; timeline: { status: string }[] }

describe('fault: agent killed mid-test', () => {
  let server: FluxProcess;
  let api: Api;
  let baseUrl: string;
  let silent: dgram.Socket;
  const agents: FluxProcess[] = [];
  let agentEnv: Record<string, string>;

  before(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = startFlux('agent-killed-server', ['all'], {
      PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tempDir('agent-killed'), ADMIN_PASSWORD: 'admin-password-1',
      AGENT_HEARTBEAT_S: '1', AGENT_OFFLINE_AFTER_S: '30', RUN_TIMEOUT_GRACE_S: '2', LOCAL_AGENT: '',
    });
    await waitHealthy(baseUrl, server);
    api = await Api.login(baseUrl, 'admin', 'admin-password-1');
    const token = (await api.post<{ token: string }>('/api/speed/agent-tokens', { name: 'fault' })).body.token;
    agentEnv = { SPEED_SERVER_URL: baseUrl, AGENT_NAME: 'KILLED-01', AGENT_TOKEN: token, AGENT_DATA_DIR: tempDir('agent-killed-agent'), AGENT_LISTEN: '' };
    silent = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  });
  after(async () => {
    for (const a of agents) await a.stop();
    await server?.stop();
    silent?.close();
  });

  const state = async () => (await api.get<{ name: string; state: string }[]>('/api/speed/nodes')).body.find((n) => n.name === 'KILLED-01')?.state;
  const startAgent = async (label: string) => {
    const agent = startFlux(label, ['agent'], agentEnv);
    agents.push(agent);
    await until(() => /connected to the server/.test(agent.output()), { timeoutMs: 60_000, what: 'the agent connected' });
    await until(async () => (await state()) === 'ONLINE', { timeoutMs: 90_000, what: 'the agent ONLINE' });
    return agent;
  };
  const longProbe = async () => {
    const res = await api.post<{ run_id: string }>('/api/speed/probe', { agent: 'KILLED-01', target: '127.0.0.1', port: silent.address().port, protocol: 'udp', timeout_ms: 6000 });
    assert.equal(res.status, 202);
    await until(async () => (await api.get<RunDetail>(`/api/speed/results/${res.body.run_id}`)).body.status === 'running', { what: 'the run running' });
    return res.body.run_id;
  };
  const terminal = (runId: string, timeoutMs: number) =>
    until(async () => {
      const run = (await api.get<RunDetail>(`/api/speed/results/${runId}`)).body;
      return ['completed', 'failed', 'timed_out', 'canceled'].includes(run.status) ? run : undefined;
    }, { timeoutMs, intervalMs: 200, what: 'the run to end' });

  it('agent stays away: the run times out with a reason naming the agent’s absence', async () => {
    const agent = await startAgent('agent-killed-1');
    const runId = await longProbe();
    await agent.kill9();
    const killedAt = Date.now();
    const run = await terminal(runId, 90_000);
    const endedAfterMs = Date.now() - killedAt;
    assert.equal(run.status, 'timed_out');
    assert.match(run.status_reason!, /the agent went away during the test \(no heartbeat since .*\) and returned no result/);
    assert.equal(run.timeline.filter((s) => ['completed', 'failed', 'timed_out'].includes(s.status)).length, 1, 'one terminal state');
    report('agent killed mid-test, not restarted', {
      done: 'a 6 s UDP probe running on the agent; the agent killed with SIGKILL 0-1 s into it',
      lost: 'the measurement (the agent died with it); the run ended timed_out, once, with the reason',
      recovery: `run terminal ${endedAfterMs} ms after the kill (its deadline, expected duration + RUN_TIMEOUT_GRACE_S, and the agent OFFLINE after AGENT_OFFLINE_AFTER_S = 30 s)`,
    });
  });

  it('agent restarted at once: the lost run fails as soon as it is back, and new tests run', async () => {
    const agent = await startAgent('agent-killed-2');
    const runId = await longProbe();
    await agent.kill9();
    const killedAt = Date.now();
    await startAgent('agent-killed-3');
    const backAt = Date.now();
    const run = await terminal(runId, 10_000);
    const endedAfterMs = Date.now() - killedAt;
    assert.equal(run.status, 'failed', 'failed at once, not left to time out');
    assert.match(run.status_reason!, /the agent went away during the test \(it restarted and the measurement was lost\)/);
    const afterBackMs = Date.now() - backAt;
    const fresh = await api.post<{ run_id: string }>('/api/speed/probe', { agent: 'KILLED-01', target: '127.0.0.1', port: silent.address().port, protocol: 'udp', timeout_ms: 300 });
    assert.equal((await terminal(fresh.body.run_id, 15_000)).status, 'completed');
    report('agent killed mid-test and restarted', {
      done: 'a 6 s UDP probe running; the agent killed with SIGKILL and started again at once',
      lost: 'the measurement in progress (the run ended failed, once, with the reason); nothing else',
      recovery: `run terminal ${endedAfterMs} ms after the kill, ${afterBackMs} ms after the agent was back (its hello lists the runs it still has); the next test completed`,
    });
  });
});
