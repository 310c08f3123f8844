// A real `iperf3 -s` managed by us: it serves tests, comes back when it dies, and goes on close.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { requires } from '../../test/helpers/tools.js';
import { startIperf3Server } from './iperf3-server.js';
import { startSpeedListener } from './listener.js';

const exec = promisify(execFile);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function clientRun(port: number): Promise<{ error?: string; end: { sum_received?: { bits_per_second: number } } }> {
  const { stdout } = await exec('iperf3', ['-c', '127.0.0.1', '-p', String(port), '-t', '1', '-J', '--connect-timeout', '2000'], { timeout: 15_000 }).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
  return JSON.parse(stdout);
}

describe('managed iperf3 server', requires('iperf3'), () => {
  it('serves a client test, restarts after its child dies, and stops on close', async () => {
    const port = await freePort();
    const server = (await startIperf3Server({ port }))!;
    try {
      assert.match(server.version, /^3\./);
      const first = await clientRun(port);
      assert.equal(first.error, undefined);
      assert.ok(first.end.sum_received!.bits_per_second > 1e6);

      // Kill the child behind the manager's back: it must come back by itself.
      const { stdout } = await exec('pgrep', ['-f', `iperf3 -s -p ${port} `]);
      process.kill(Number(stdout.trim().split('\n')[0]), 'SIGKILL');
      const deadline = Date.now() + 5000;
      while (server.restarts() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.equal(server.restarts(), 1);
      let again = await clientRun(port);
      for (let i = 0; again.error && i < 20; i++) {
        await new Promise((r) => setTimeout(r, 100));
        again = await clientRun(port);
      }
      assert.equal(again.error, undefined);
    } finally {
      await server.close();
    }
    const after = await clientRun(port);
    assert.match(after.error ?? '', /connect|refused/i);
  });

  it('refuses to start on a port another program holds, instead of pretending', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await assert.rejects(startIperf3Server({ port, readyTimeoutMs: 3000 }), /exited at start|did not listen/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('an agent listener whose iperf3 port is taken still serves HTTP and UDP, without iperf3', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    const port = (blocker.address() as { port: number }).port;
    const listener = await startSpeedListener({ host: '127.0.0.1', port: 0, iperf3Port: port });
    try {
      assert.equal(listener.iperf3, undefined);
      assert.ok(listener.reflectorPort > 0);
      assert.equal((await fetch(`${listener.baseUrl}/speed/ping`)).status, 204);
    } finally {
      await listener.close();
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('resolves undefined when iperf3 is not installed', async () => {
    assert.equal(await startIperf3Server({ port: 1, iperf3Path: '/nonexistent/iperf3' }), undefined);
  });
});
