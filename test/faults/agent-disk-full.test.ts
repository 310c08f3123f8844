// Fault: the agent's result buffer is on a full disk (a 256 KiB tmpfs the test mounts and fills).
// The agent must not crash, must still deliver its results (held in memory), must say so in its
// health, and the server must show it DEGRADED with the reason until the disk has room again.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { appendFileSync, rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Api, freePort, startFlux, tempDir, waitHealthy, type FluxProcess } from '../helpers/processes.js';
import { until } from '../helpers/wait.js';
import { report } from './report.js';

interface Node { name: string; state: string; reason: string }
interface RunDetail { status: string }

function tmpfsSkip(): { skip?: string } {
  if (process.getuid?.() !== 0) return { skip: 'mounting a small tmpfs needs root' };
  const dir = tempDir('tmpfs-check');
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]).status === 0;
  if (mounted) spawnSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
  return mounted ? {} : { skip: 'cannot mount a tmpfs here (no CAP_SYS_ADMIN)' };
}

describe('fault: agent with a full disk buffer', tmpfsSkip(), () => {
  let server: FluxProcess;
  let agent: FluxProcess;
  let api: Api;
  let silent: dgram.Socket;
  let dataDir: string;

  before(async () => {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    server = startFlux('disk-full-server', ['all'], {
      PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tempDir('disk-full'), ADMIN_PASSWORD: 'admin-password-1', AGENT_HEARTBEAT_S: '1', AGENT_OFFLINE_AFTER_S: '60', LOCAL_AGENT: '',
    });
    await waitHealthy(baseUrl, server);
    api = await Api.login(baseUrl, 'admin', 'admin-password-1');
    const token = (await api.post<{ token: string }>('/api/speed/agent-tokens', { name: 'fault' })).body.token;
    dataDir = tempDir('disk-full-agent');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=0700', 'tmpfs', dataDir]);
    agent = startFlux('disk-full-agent', ['agent'], { SPEED_SERVER_URL: baseUrl, AGENT_NAME: 'DISK-FULL', AGENT_TOKEN: token, AGENT_DATA_DIR: dataDir, AGENT_LISTEN: '' });
    silent = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await agent?.stop();
    await server?.stop();
    silent?.close();
    if (dataDir) {
      spawnSync('umount', [dataDir]);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  const node = async () => (await api.get<Node[]>('/api/speed/nodes')).body.find((n) => n.name === 'DISK-FULL');

  it('keeps working, delivers every result, and shows DEGRADED with the reason until there is room', async () => {
    await until(async () => (await node())?.state === 'ONLINE', { timeoutMs: 90_000, what: 'the agent ONLINE' });
    // Fill the disk to the last byte.
    const filler = `${dataDir}/filler`;
    const chunk = Buffer.alloc(4096, 1);
    let filled = 0;
    for (;;) {
      try {
        appendFileSync(filler, chunk);
        filled += chunk.length;
      } catch {
        break;
      }
    }
    for (let size = 2048; size >= 1; size = Math.floor(size / 2)) {
      try {
        appendFileSync(filler, Buffer.alloc(size));
      } catch {
        /* smaller */
      }
    }
    const filledAt = Date.now();

    const runIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await api.post<{ run_id: string }>('/api/speed/probe', { agent: 'DISK-FULL', target: '127.0.0.1', port: silent.address().port, protocol: 'udp', timeout_ms: 300 });
      assert.equal(res.status, 202);
      runIds.push(res.body.run_id);
    }
    await until(async () => {
      for (const id of runIds) if ((await api.get<RunDetail>(`/api/speed/results/${id}`)).body.status !== 'completed') return false;
      return true;
    }, { timeoutMs: 30_000, what: 'every result delivered although the disk is full' });
    const degraded = await until(async () => {
      const n = await node();
      return n?.state === 'DEGRADED' ? n : undefined;
    }, { timeoutMs: 15_000, what: 'the agent DEGRADED' });
    assert.match(degraded.reason, /result buffer: cannot write .*outbox: ENOSPC/);
    const degradedAfterMs = Date.now() - filledAt;
    assert.equal(agent.child.exitCode, null, 'the agent did not crash');

    rmSync(filler);
    const freedAt = Date.now();
    await until(async () => (await node())?.state === 'ONLINE', { timeoutMs: 15_000, what: 'the agent ONLINE again once there is room' });
    const onlineAfterMs = Date.now() - freedAt;
    const history = (await api.get<{ state_history: { to_state: string; reason: string }[] }>('/api/speed/nodes/DISK-FULL')).body.state_history;
    assert.ok(history.some((h) => h.to_state === 'DEGRADED' && /ENOSPC/.test(h.reason)), 'the episode stays in the state history');

    report('agent with a full disk buffer', {
      done: `the agent's AGENT_DATA_DIR on a 256 KiB tmpfs filled to the last byte (${Math.round(filled / 1024)} KiB of filler); 5 tests run meanwhile`,
      lost: '0 of 5 results (held in memory and delivered); the agent kept running',
      recovery: `DEGRADED ("result buffer: cannot write …: ENOSPC") ${degradedAfterMs} ms after the disk filled; ONLINE ${onlineAfterMs} ms after space was freed`,
    });
  });
});
