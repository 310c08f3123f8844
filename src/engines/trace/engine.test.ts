import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { engineContext } from '../../../test/helpers/engine-context.js';
import { unprivilegedMtr } from '../../../test/helpers/unprivileged-mtr.js';
import { requires } from '../../../test/helpers/tools.js';
import { createTraceEngine } from './engine.js';
import type { Hop } from './mtr-report.js';

const spec = (target: string, extra: Record<string, unknown> = {}) => ({ target, count: 3, interval_ms: 100, max_hops: 8, protocol: 'icmp' as const, ...extra });
const trace = createTraceEngine({ graceS: 1 });

describe('trace engine with the real mtr on loopback', requires('mtr'), () => {
  test('one hop to 127.0.0.1: reached, figures from mtr, method recorded', async () => {
    const ctx = engineContext();
    const result = await trace(spec('127.0.0.1'), ctx);
    assert.equal(result.status, 'completed', result.error);
    assert.equal(result.details.reached, true);
    assert.deepEqual(result.details.path, ['127.0.0.1']);
    const hop = (result.details.hops as Hop[])[0]!;
    assert.equal(hop.sent, 3);
    assert.equal(result.metrics.loss_pct, 0);
    assert.equal(result.metrics.latency_ms, hop.avg_ms);
    assert.equal(result.metrics.jitter_ms, hop.jitter_ms);
    assert.match(String(result.method.mtr_version), /^\d+\.\d+/);
    assert.deepEqual((result.method.args as string[]).slice(-2), ['--', '127.0.0.1']);
    assert.ok(ctx.progress.some((p) => p.message === 'reached 127.0.0.1 in 1 hops'));
  });

  test('a name is resolved first and the address traced', async () => {
    const named = createTraceEngine({ graceS: 1, lookup: async () => ({ address: '127.0.0.1', family: 4 }) });
    const result = await named(spec('db-prod-01.internal', { protocol: 'tcp', port: 9 }), engineContext());
    assert.equal(result.target, 'db-prod-01.internal');
    assert.equal(result.details.address, '127.0.0.1');
    assert.equal(result.details.reached, true);
    const failing = createTraceEngine({ lookup: async () => Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' })) });
    assert.equal((await failing(spec('nope.internal'), engineContext())).error, 'nope.internal does not resolve on this agent (ENOTFOUND)');
  });

  test('progress per cycle while mtr runs', async () => {
    const ctx = engineContext();
    await trace(spec('127.0.0.1', { count: 4, interval_ms: 300 }), ctx);
    const cycles = ctx.progress.filter((p) => /cycle \d of 4 sent/.test(p.message ?? '')).map((p) => (p.detail as { cycles_sent: number }).cycles_sent);
    assert.ok(cycles.length >= 2, JSON.stringify(ctx.progress));
    assert.deepEqual(cycles, [...cycles].sort());
  });

  test('abort kills mtr at once', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const t0 = performance.now();
    const result = await trace(spec('127.0.0.93', { count: 100, interval_ms: 1000 }), engineContext(controller.signal));
    assert.ok(performance.now() - t0 < 5000, 'long before the 100 s the trace would take');
    assert.equal(result.error, 'canceled before mtr finished');
    const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
    assert.ok(!processes.includes('127.0.0.93'), 'mtr is gone');
  });

  test('mtr without raw-socket permission fails at once, saying why', requires('netns'), async () => {
    // The real mtr as an unprivileged user with an mtr-packet copy that lacks CAP_NET_RAW.
    const wrapper = unprivilegedMtr();
    const unprivileged = createTraceEngine({ mtrPath: wrapper, uid: 65534 });
    const t0 = performance.now();
    const result = await unprivileged(spec('127.0.0.1', { interval_ms: 1000 }), engineContext());
    assert.ok(performance.now() - t0 < 2500, 'immediately, not after the 3 cycles and grace time a run takes');
    assert.equal(result.status, 'failed');
    assert.match(result.error!, /^mtr cannot open raw sockets on this agent .*setcap cap_net_raw\+ep/);
  });
});

describe('trace engine: failures before mtr runs', () => {
  test('mtr missing', async () => {
    const t0 = performance.now();
    const result = await createTraceEngine({ mtrPath: '/nonexistent/mtr' })(spec('127.0.0.1'), engineContext());
    assert.equal(result.error, 'mtr is not installed on this agent (apt-get install mtr-tiny)');
    assert.ok(performance.now() - t0 < 2000);
  });
  test('sub-second interval on a non-root agent', async () => {
    const result = await createTraceEngine({ uid: 1000 })(spec('127.0.0.1'), engineContext());
    assert.match(result.error!, /^interval_ms 100 is below 1000 and this agent does not run as root/);
  });
  test('an invalid target never reaches mtr', async () => {
    const result = await createTraceEngine({ mtrPath: '/nonexistent/mtr' })(spec('-oProxyCommand=x'), engineContext());
    assert.equal(result.error, "target must not start with '-' (it would be read as a program option)");
  });
});
