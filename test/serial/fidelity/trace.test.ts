// Trace fidelity: the real mtr, run by the registered engine inside the client namespace of
// client — r1 — r2 — server, must report the hops that are there and loss where it is made.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Hop } from '../../../src/engines/trace/mtr-report.js';
import { pathChanged } from '../../../src/engines/trace/path.js';
import { runEngineIn } from '../../helpers/in-namespace.js';
import { createLineTopology, type LineTopology } from '../../helpers/netns.js';
import { requires } from '../../helpers/tools.js';

describe('trace fidelity', requires('netns', 'mtr', 'nft'), () => {
  let net: LineTopology;
  before(async () => {
    net = await createLineTopology();
  });
  after(async () => net?.destroy());

  const trace = (extra: Record<string, unknown> = {}) =>
    runEngineIn(net.client, { kind: 'trace', spec: { target: net.serverAddress, count: 10, interval_ms: 100, max_hops: 30, protocol: 'icmp', ...extra } as never });

  let cleanPath: (string | null)[] = [];
  for (const protocol of ['icmp', 'udp', 'tcp'] as const) {
    test(`${protocol}: three hops, the right addresses, no loss`, async (t) => {
      const { result } = await trace({ protocol, ...(protocol === 'tcp' ? { port: 22 } : {}) });
      assert.equal(result.status, 'completed', result.error);
      const hops = result.details.hops as Hop[];
      assert.deepEqual(hops.map((h) => h.address), net.hopAddresses);
      assert.equal(result.details.reached, true);
      assert.equal(result.details.hop_count, 3);
      for (const hop of hops) assert.equal(hop.loss_pct, 0, `hop ${hop.hop}`);
      assert.equal(result.metrics.loss_pct, 0);
      assert.ok(result.metrics.latency_ms! > 0 && result.metrics.latency_ms! < 5);
      if (protocol === 'icmp') cleanPath = result.details.path as (string | null)[];
      t.diagnostic(`fidelity trace ${protocol}: hops ${hops.map((h) => `${h.address} avg ${h.avg_ms} ms`).join(', ')}`);
    });
  }

  test('a router that drops 30% of its time-exceeded shows ~30% loss at its hop only', async (t) => {
    await net.dropIcmpOut(net.r2, 'time-exceeded', 30);
    try {
      const { result } = await trace({ count: 200, interval_ms: 20 });
      const hops = result.details.hops as Hop[];
      assert.deepEqual(hops.map((h) => h.address), net.hopAddresses);
      // 200 probes: binomial sd ≈ 3.2 points; ±12 points is about 4 sd.
      assert.ok(Math.abs(hops[1]!.loss_pct - 30) <= 12, `hop 2 loss ${hops[1]!.loss_pct}%`);
      assert.equal(hops[0]!.loss_pct, 0);
      assert.equal(hops[2]!.loss_pct, 0);
      assert.equal(result.metrics.loss_pct, 0, 'the destination saw no loss: control-plane loss only');
      assert.equal(pathChanged(cleanPath, result.details.path as (string | null)[]), false);
      t.diagnostic(`fidelity trace time-exceeded drop 30% at r2: loss by hop ${hops.map((h) => h.loss_pct).join(' / ')}`);
    } finally {
      await net.clearNft(net.r2);
    }
  });

  test('forwarding loss of 30% after r2 shows at the destination and not before', async (t) => {
    await net.dropRandom(net.r2, net.links[2].a.ifname, 30);
    try {
      const { result } = await trace({ count: 200, interval_ms: 20 });
      const hops = result.details.hops as Hop[];
      assert.deepEqual(hops.map((h) => h.address), net.hopAddresses);
      assert.equal(hops[0]!.loss_pct, 0);
      assert.equal(hops[1]!.loss_pct, 0);
      assert.ok(Math.abs(hops[2]!.loss_pct - 30) <= 12, `hop 3 loss ${hops[2]!.loss_pct}%`);
      assert.equal(result.metrics.loss_pct, hops[2]!.loss_pct);
      t.diagnostic(`fidelity trace forward drop 30% r2→server: loss by hop ${hops.map((h) => h.loss_pct).join(' / ')}`);
    } finally {
      await net.clearNft(net.r2);
    }
  });

  test('a silent router is a * hop, and the path has not changed', async () => {
    await net.dropIcmpOut(net.r1, 'time-exceeded', 100);
    try {
      const { result } = await trace({ count: 3 });
      const path = result.details.path as (string | null)[];
      assert.deepEqual(path, [null, net.hopAddresses[1], net.hopAddresses[2]]);
      assert.equal((result.details.hops as Hop[])[0]!.avg_ms, null);
      assert.equal(pathChanged(cleanPath, path), false);
    } finally {
      await net.clearNft(net.r1);
    }
  });

  test('an address behind the server that nobody answers for: not reached, 100% loss', async () => {
    const nowhere = net.serverAddress.replace(/\.2$/, '.77');
    const { result } = await runEngineIn(net.client, { kind: 'trace', spec: { target: nowhere, count: 3, interval_ms: 100, max_hops: 6, protocol: 'icmp' } });
    assert.equal(result.status, 'completed');
    assert.equal(result.details.reached, false);
    assert.equal(result.metrics.loss_pct, 100);
    assert.equal(result.metrics.latency_ms, undefined);
    assert.deepEqual((result.details.path as (string | null)[]).slice(0, 2), net.hopAddresses.slice(0, 2));
  });
});
