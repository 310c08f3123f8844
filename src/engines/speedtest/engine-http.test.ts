// The speedtest engine's HTTP side against our real speed endpoints on loopback.
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { ResolvedTarget } from '../../measurements/job.js';
import { createTestApp, registerTestAgent, type TestApp } from '../../../test/helpers/app.js';
import { startSpeedListener, type SpeedListener } from '../../speed-server/listener.js';
import { createSpeedtestEngine } from './index.js';
import type { DirectionDetails } from './result.js';
import { FAST, testContext } from './test-support.js';

type Details = { download: DirectionDetails; upload: DirectionDetails; loss: { sent: number }; latency: { probes: number } };

const engine = createSpeedtestEngine(FAST);
const spec = (candidates: ResolvedTarget[], more: Partial<Parameters<typeof engine>[0]> = {}) => ({ target: candidates[0]!.name, protocol: 'tcp' as const, direction: 'download' as const, duration: 1, streams: 2, simultaneous: false, candidates, ...more });

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('speedtest engine over HTTP (loopback)', () => {
  let listener: SpeedListener;
  let ours: ResolvedTarget;
  before(async () => {
    listener = await startSpeedListener({ host: '127.0.0.1', port: 0 });
    ours = { name: 'agent:LOOP', engine: 'http', host: '127.0.0.1', base_url: listener.baseUrl, reflector_port: listener.reflectorPort };
  });
  after(() => listener.close());

  it('bidirectional: download then upload, each with its steady window, series, p90 and loaded latency; idle latency, jitter and loss', async () => {
    const ctx = testContext();
    const result = await engine(spec([ours], { direction: 'bidirectional' }), ctx);
    assert.equal(result.status, 'completed', result.error);
    assert.equal(result.target, 'agent:LOOP');
    const m = result.metrics;
    for (const name of ['download_mbps', 'upload_mbps', 'latency_ms', 'jitter_ms', 'loss_pct'] as const) assert.equal(typeof m[name], 'number', name);
    assert.ok(m.download_mbps! > 50 && m.upload_mbps! > 50, JSON.stringify(m));
    assert.equal(m.loss_pct, 0);
    const d = result.details as unknown as Details;
    for (const direction of ['download', 'upload'] as const) {
      const details = d[direction];
      assert.equal(details.warmup_ms, 1000);
      // Loopback in one process saturates the event loop: timers run late, so bounds are loose here
      // (the namespace fidelity suite holds the real bar).
      assert.ok(details.window_ms >= 900 && details.window_ms <= 2500, `window ${details.window_ms}`);
      assert.ok(details.intervals.length >= 5, `${details.intervals.length} intervals`);
      assert.ok(details.intervals.some((i) => i.warmup) && details.intervals.some((i) => !i.warmup));
      assert.ok(details.p90_mbps! >= details.mbps * 0.5);
      // Probes ran under load. How many land in the window depends on how starved this
      // one-process loopback leaves the event loop; the namespace suite checks their figures.
      assert.ok(['icmp', 'udp-echo'].includes(details.loaded_latency!.method));
      if (details.loaded_latency!.answered > 0) assert.equal(typeof m.loaded_latency_ms, 'number');
    }
    // The server counted every byte the client sent: nothing invented, nothing lost.
    assert.equal(d.upload.server_confirmed_bytes, d.upload.total_bytes);
    // Upload to our endpoint is counted where it arrives.
    assert.equal(d.upload.interval_source, 'receiver');
    assert.equal(d.loss.sent, 200);
    assert.ok(d.latency.probes >= 10);
    assert.equal(result.method.engine, 'http');
    assert.equal(result.method.target_address, '127.0.0.1');
    assert.equal(result.method.warmup_ms, 1000);
    assert.equal(result.method.streams, 2);
    assert.equal(result.method.agent_version, 'test-0');
    assert.deepEqual(Object.keys(result.method.bytes as object).sort(), ['download', 'upload']);
    // Progress every interval of each phase, with a rate.
    const phases = new Set(ctx.progress.map((p) => p.phase));
    for (const phase of ['select', 'latency', 'loss', 'download', 'upload']) assert.ok(phases.has(phase), phase);
    assert.ok(ctx.progress.filter((p) => p.phase === 'download' && typeof p.mbps === 'number').length >= 5);
  });

  it('full duplex (simultaneous): both directions in one phase', async () => {
    const ctx = testContext();
    const result = await engine(spec([ours], { direction: 'bidirectional', simultaneous: true }), ctx);
    assert.equal(result.status, 'completed', result.error);
    assert.ok(result.metrics.download_mbps! > 10 && result.metrics.upload_mbps! > 10);
    // One phase: both series cover the same time span.
    const d = result.details as unknown as Details;
    assert.ok(Math.abs(d.download.intervals.length - d.upload.intervals.length) <= 2);
  });

  it('third-party endpoints: a plain download URL and an upload URL, with TCP-connect latency and no loss figure', async () => {
    const thirdParty: ResolvedTarget = { name: 'mirror', engine: 'http', host: '127.0.0.1', download_url: `${listener.baseUrl}/speed/download?bytes=5000000`, upload_url: `${listener.baseUrl}/speed/upload` };
    const result = await engine(spec([thirdParty], { direction: 'bidirectional' }), testContext());
    assert.equal(result.status, 'completed', result.error);
    assert.ok(result.metrics.download_mbps! > 10 && result.metrics.upload_mbps! > 10);
    assert.equal(result.metrics.loss_pct, undefined);
    assert.match(String((result.method.loss as { reason: string }).reason), /no UDP reflector/);
    // A third-party sink tells us nothing: the sender's count, labelled as such.
    assert.equal((result.details.upload as DirectionDetails).interval_source, 'sender');
  });

  it('a third-party download answered chunked: measured through node:http instead, nothing lost', async () => {
    const block = Buffer.alloc(64 * 1024, 7);
    let served = 0;
    const mirror = createHttpServer((_req, res) => {
      // No Content-Length: a chunked body of 4 MB, the way many dynamic mirrors answer.
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      let left = 64;
      const pump = () => {
        while (left > 0) {
          left--;
          served += block.length;
          if (!res.write(block)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
    try {
      const port = (mirror.address() as { port: number }).port;
      const thirdParty: ResolvedTarget = { name: 'mirror', engine: 'http', host: '127.0.0.1', download_url: `http://127.0.0.1:${port}/4MB.bin` };
      const result = await engine(spec([thirdParty]), testContext());
      assert.equal(result.status, 'completed', result.error);
      const details = result.details.download as DirectionDetails;
      assert.ok(result.metrics.download_mbps! > 10, JSON.stringify(result.metrics));
      // Every byte counted was served (the sender may have more in flight when the phase is cut).
      assert.ok(details.total_bytes > 4 * 1024 * 1024 && details.total_bytes <= served, `${details.total_bytes} of ${served}`);
    } finally {
      mirror.closeAllConnections();
      mirror.close();
    }
  });

  it('a silent reflector: latency over HTTP and loss "not measured" with the reason, never a fake 100 %', async () => {
    const silent = { ...ours, reflector_port: await closedPort() };
    const result = await createSpeedtestEngine({ ...FAST, icmpPing: false })(spec([silent]), testContext());
    assert.equal(result.status, 'completed', result.error);
    assert.equal(result.metrics.loss_pct, undefined);
    assert.equal((result.details.latency as { method: string }).method, 'http-ping');
    assert.match(String((result.method.loss as { reason: string }).reason), /did not answer/);
  });

  it('auto: probes every candidate, picks the one that answers, and records the table', async () => {
    const dead: ResolvedTarget = { name: 'agent:GONE', engine: 'http', host: '127.0.0.1', base_url: `http://127.0.0.1:${await closedPort()}`, reflector_port: await closedPort() };
    const result = await createSpeedtestEngine({ ...FAST, icmpPing: false })(spec([dead, ours], { target: 'auto' }), testContext());
    assert.equal(result.status, 'completed', result.error);
    assert.equal(result.target, 'agent:LOOP');
    assert.equal(result.method.target_selection, 'auto');
    const table = result.details.auto_selection as { name: string; chosen: boolean; rtt_ms?: number }[];
    assert.deepEqual(table.map((r) => [r.name, r.chosen]), [['agent:GONE', false], ['agent:LOOP', true]]);
    assert.equal(typeof table[1]!.rtt_ms, 'number');
  });

  it('a closed port is a failed result naming the target and the error', async () => {
    const port = await closedPort();
    const result = await createSpeedtestEngine({ ...FAST, icmpPing: false })(spec([{ name: 'nowhere', engine: 'http', host: '127.0.0.1', base_url: `http://127.0.0.1:${port}` }]), testContext());
    assert.equal(result.status, 'failed');
    assert.match(result.error!, /did not answer any of 10 http-ping probes/);
    assert.deepEqual(result.metrics, {});
  });

  it('abort: stops promptly mid-download with a canceled result', async () => {
    const controller = new AbortController();
    const ctx = testContext(controller.signal);
    const started = Date.now();
    const running = createSpeedtestEngine({ ...FAST, warmupMs: 2000 })(spec([ours], { duration: 20 }), ctx);
    const timer = setInterval(() => {
      if (ctx.progress.some((p) => p.phase === 'download')) {
        clearInterval(timer);
        controller.abort();
      }
    }, 20);
    const result = await running;
    assert.equal(result.status, 'failed');
    assert.equal(result.error, 'canceled');
    assert.ok(Date.now() - started < 8000, `took ${Date.now() - started} ms`);
  });

  it('UDP throughput over HTTP is refused with the reason', async () => {
    const result = await engine(spec([ours], { protocol: 'udp' }), testContext());
    assert.equal(result.status, 'failed');
    assert.match(result.error!, /UDP throughput needs an iPerf3 target/);
  });
});

describe('speedtest engine to the main server (agent credential)', () => {
  let t: TestApp;
  let baseUrl: string;
  let CREDENTIAL = '';
  before(async () => {
    t = await createTestApp();
    CREDENTIAL = (await registerTestAgent(t.ctx, 'LOOP')).credential;
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
  });
  after(() => t.close());

  it('measures with the credential in the resolved target', async () => {
    const result = await createSpeedtestEngine({ ...FAST, icmpPing: false })(spec([{ name: 'server', engine: 'http', host: '127.0.0.1', base_url: baseUrl, authorization: `Bearer ${CREDENTIAL}` }], { direction: 'bidirectional' }), testContext());
    assert.equal(result.status, 'completed', result.error);
    assert.ok(result.metrics.download_mbps! > 10 && result.metrics.upload_mbps! > 10);
    assert.equal((result.details.latency as { method: string }).method, 'http-ping');
    // The credential never lands in the stored result.
    assert.ok(!JSON.stringify(result).includes(CREDENTIAL));
  });

  it('without it: a failed result saying the credential was refused', async () => {
    const result = await createSpeedtestEngine({ ...FAST, icmpPing: false })(spec([{ name: 'server', engine: 'http', host: '127.0.0.1', base_url: baseUrl }]), testContext());
    assert.equal(result.status, 'failed');
    assert.match(result.error!, /\/speed\/ping answered 401: the agent's credential was refused/);
  });
});
