// The speedtest engine's iPerf3 side against a real `iperf3 -s` on loopback.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { ResolvedTarget } from '../../measurements/job.js';
import { requires } from '../../../test/helpers/tools.js';
import { startSpeedListener, type SpeedListener } from '../../speed-server/listener.js';
import { createSpeedtestEngine } from './index.js';
import type { DirectionDetails } from './result.js';
import { FAST, testContext } from './test-support.js';

const exec = promisify(execFile);
const engine = createSpeedtestEngine(FAST);
const spec = (candidates: ResolvedTarget[], more: Partial<Parameters<typeof engine>[0]> = {}) => ({ target: candidates[0]!.name, protocol: 'tcp' as const, direction: 'download' as const, duration: 1, streams: 2, simultaneous: false, candidates, ...more });

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** iperf3 clients of this test still running (matched by our port, never by a broad name). */
async function clientsOf(port: number): Promise<number> {
  const { stdout } = await exec('pgrep', ['-f', `iperf3 -c 127.0.0.1 -p ${port} `]).catch(() => ({ stdout: '' }));
  return stdout.trim().split('\n').filter(Boolean).length;
}

describe('speedtest engine over iPerf3 (loopback)', requires('iperf3'), () => {
  let listener: SpeedListener;
  let target: ResolvedTarget;
  before(async () => {
    listener = await startSpeedListener({ host: '127.0.0.1', port: 0, iperf3Port: await freePort() });
    target = { name: 'lab', engine: 'iperf3', host: '127.0.0.1', port: listener.iperf3!.port, reflector_port: listener.reflectorPort };
  });
  after(() => listener.close());

  it('TCP bidirectional: receiver figures per direction, retransmits and the sender’s RTT, loss from the reflector', async () => {
    const ctx = testContext();
    const result = await engine(spec([target], { direction: 'bidirectional' }), ctx);
    assert.equal(result.status, 'completed', result.error);
    assert.ok(result.metrics.download_mbps! > 100 && result.metrics.upload_mbps! > 100, JSON.stringify(result.metrics));
    assert.equal(result.metrics.loss_pct, 0);
    const d = result.details as unknown as { download: DirectionDetails; upload: DirectionDetails };
    for (const direction of ['download', 'upload'] as const) {
      assert.equal(typeof d[direction].retransmits, 'number', direction);
      assert.ok(d[direction].tcp_rtt_ms!.mean > 0, `${direction} rtt`);
      assert.ok(d[direction].intervals.length >= 8, `${direction} ${d[direction].intervals.length} intervals`);
      assert.ok(d[direction].window_ms >= 950 && d[direction].window_ms <= 1500, `${direction} window ${d[direction].window_ms}`);
    }
    const runs = (result.method.iperf3 as { args: string[][] }).args;
    assert.deepEqual(runs.map((a) => a.includes('-R')), [true, false]);
    assert.ok(runs.every((a) => a.includes('-J') && a[a.indexOf('-O') + 1] === '1' && a[a.indexOf('-P') + 1] === '2'));
    assert.ok(ctx.progress.some((p) => p.phase === 'download' && typeof p.mbps === 'number'));
  });

  it('TCP full duplex runs one iperf3 with --bidir', async () => {
    const result = await engine(spec([target], { direction: 'bidirectional', simultaneous: true }), testContext());
    assert.equal(result.status, 'completed', result.error);
    assert.ok(result.metrics.download_mbps! > 50 && result.metrics.upload_mbps! > 50);
    assert.deepEqual((result.method.iperf3 as { args: string[][] }).args.map((a) => a.includes('--bidir')), [true]);
  });

  it('UDP: the offered rate arrives, with the receiver’s jitter and loss', async () => {
    const result = await engine(spec([target], { protocol: 'udp', direction: 'upload', udp_bandwidth_mbps: 20 }), testContext());
    assert.equal(result.status, 'completed', result.error);
    assert.ok(Math.abs(result.metrics.upload_mbps! - 20) < 2, `upload ${result.metrics.upload_mbps}`);
    const udp = (result.details.upload as DirectionDetails).udp!;
    assert.equal(typeof udp.jitter_ms, 'number');
    assert.ok(udp.packets > 0);
    assert.equal((result.method.iperf3 as { udp_offered_mbps: number }).udp_offered_mbps, 20);
  });

  it('an iPerf3 server without a reflector: ICMP idle and loaded latency, loss not measured, no extra connections to the server', requires('ping'), async () => {
    const bare: ResolvedTarget = { name: 'bare', engine: 'iperf3', host: '127.0.0.1', port: target.port! };
    const result = await engine(spec([bare], { direction: 'upload' }), testContext());
    assert.equal(result.status, 'completed', result.error);
    assert.equal((result.details.latency as { method: string; also: unknown[] }).method, 'icmp');
    assert.deepEqual((result.details.latency as { also: unknown[] }).also, []);
    assert.equal((result.method.loaded_latency as { method: string }).method, 'icmp');
    assert.ok((result.details.upload as DirectionDetails).loaded_latency!.answered >= 3);
    assert.equal(result.metrics.loss_pct, undefined);
    assert.match(String((result.method.loss as { reason: string }).reason), /no UDP reflector/);
  });

  it('a missing iperf3 binary is a failed result with the reason', async () => {
    const result = await createSpeedtestEngine({ ...FAST, iperf3Path: '/nonexistent/iperf3' })(spec([target]), testContext());
    assert.equal(result.status, 'failed');
    assert.equal(result.error, 'iperf3 is not installed on this agent');
  });

  it('an unreachable server is a failed result with iperf3’s reason, not a hang', async () => {
    const nowhere = { ...target, port: await freePort() };
    const started = Date.now();
    const result = await createSpeedtestEngine({ ...FAST, icmpPing: false })(spec([nowhere]), testContext());
    assert.equal(result.status, 'failed');
    assert.match(result.error!, /did not answer|unable to connect|refused/);
    assert.ok(Date.now() - started < 10_000);
  });

  it('abort: kills the iperf3 client and returns canceled', async () => {
    const controller = new AbortController();
    const ctx = testContext(controller.signal);
    const running = engine(spec([target], { duration: 30 }), ctx);
    while (!ctx.progress.some((p) => p.phase === 'download')) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await clientsOf(target.port!), 1);
    const started = Date.now();
    controller.abort();
    const result = await running;
    assert.equal(result.error, 'canceled');
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    assert.equal(await clientsOf(target.port!), 0);
  });
});
