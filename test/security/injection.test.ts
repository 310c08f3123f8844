// Hostile targets and names (shell metacharacters, option injection, path traversal, control
// characters) through every test type and the targets API: each is refused with a 400 naming the
// field and creates nothing. Below the API, the engines refuse the same values in a job that
// skipped it, never run a program with them, and the argument builders keep targets where they
// cannot be read as options. A canary file proves no shell ever ran.
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { after, before, describe, it } from 'node:test';
import { runMeasurement } from '../../src/engines/registry.js';
import { iperf3Args } from '../../src/engines/speedtest/iperf3-args.js';
import { mtrArgs } from '../../src/engines/trace/mtr-args.js';
import type { MeasurementJob } from '../../src/measurements/job.js';
import { appBackends, registerTestAgent, type TestApp } from '../helpers/app.js';

const CANARY = path.join(os.tmpdir(), `flux-injection-canary-${process.pid}`);

/** Values that would do harm in a shell, as an option, or as a path. */
const HOSTILE = [
  `127.0.0.1; touch ${CANARY}`,
  `$(touch ${CANARY})`,
  `\`touch ${CANARY}\``,
  `example.com|touch ${CANARY}`,
  `example.com&&touch`,
  '-oProxyCommand=touch',
  '--help',
  '-c1',
  '../../etc/passwd',
  '/etc/passwd',
  '..',
  'host name',
  'host\nname',
  'host\u0000name',
  "example.com'",
  'example.com>out',
];

interface Case {
  route: string;
  field: RegExp;
  body: (agent: string, value: string) => Record<string, unknown>;
}

const CASES: Case[] = [
  { route: '/api/speed/test', field: /^target$/, body: (agent, value) => ({ agent, target: value }) },
  { route: '/api/speed/trace', field: /^target$/, body: (agent, value) => ({ agent, target: value }) },
  { route: '/api/speed/probe', field: /^target$/, body: (agent, value) => ({ agent, target: value, port: 443, protocol: 'tcp' }) },
  { route: '/api/speed/dns', field: /^hostname$/, body: (agent, value) => ({ agent, hostname: value }) },
  { route: '/api/speed/dns', field: /^resolvers/, body: (agent, value) => ({ agent, hostname: 'example.com', resolvers: [value] }) },
  { route: '/api/speed/test', field: /^agent$/, body: (_agent, value) => ({ agent: value, target: '127.0.0.1' }) },
];

for (const backend of appBackends()) {
  describe(`hostile targets and names are refused: ${backend.name}`, () => {
    let t: TestApp;
    before(async () => {
      rmSync(CANARY, { force: true });
      t = await backend.open();
      await registerTestAgent(t.ctx, 'INJECT-01');
    });
    after(() => t?.close());

    const runCount = async () => Number((await t.ctx.db.query<{ n: number }>('SELECT count(*) AS n FROM runs'))[0]!.n);

    for (const c of CASES) {
      it(`${c.route}: every hostile ${c.field.source.replace(/[\^$]/g, '')} is a 400 naming the field, and no run`, async () => {
        const before = await runCount();
        for (const value of HOSTILE) {
          const res = await t.app.inject({ method: 'POST', url: c.route, headers: t.as('operator'), payload: c.body('INJECT-01', value) });
          assert.equal(res.statusCode, 400, `${JSON.stringify(value)}: ${res.body}`);
          assert.match(res.json().field ?? '', c.field, `${JSON.stringify(value)} names the field: ${res.body}`);
        }
        assert.equal(await runCount(), before, 'nothing was queued');
      });
    }

    it('targets API: hostile names and addresses are a 400 naming the field, and nothing is stored', async () => {
      for (const value of HOSTILE) {
        const byName = await t.app.inject({ method: 'POST', url: '/api/speed/targets', headers: t.as('admin'), payload: { name: value, kind: 'iperf3', address: '127.0.0.1' } });
        assert.equal(byName.statusCode, 400, `${JSON.stringify(value)}: ${byName.body}`);
        assert.equal(byName.json().field, 'name');
        for (const kind of ['iperf3', 'http']) {
          const address = kind === 'http' ? `http://${value}/` : value;
          const byAddress = await t.app.inject({ method: 'POST', url: '/api/speed/targets', headers: t.as('admin'), payload: { name: 'X1', kind, address } });
          assert.equal(byAddress.statusCode, 400, `${kind} ${JSON.stringify(address)}: ${byAddress.body}`);
          assert.equal(byAddress.json().field, 'address');
        }
      }
      assert.deepEqual((await t.app.inject({ url: '/api/speed/targets', headers: t.as('viewer') })).json(), []);
    });

    // Schedules carry the same targets into runs created later: where the route exists, it refuses
    // them the same way (for each test type), and stores no schedule.
    it('schedules API (where present): hostile targets and resolvers are a 400 naming the field', async (ctx) => {
      if (!t.app.hasRoute({ method: 'POST', url: '/api/speed/schedules' })) return ctx.diagnostic('no schedules route in this build');
      const create = (body: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/speed/schedules', headers: t.as('operator'), payload: { name: 'hostile', agent: 'INJECT-01', interval_seconds: 3600, ...body } });
      for (const value of HOSTILE) {
        for (const testType of ['speedtest', 'trace', 'probe', 'dns']) {
          const res = await create({ test_type: testType, target: value, ...(testType === 'probe' ? { params: { port: 443 } } : {}) });
          assert.equal(res.statusCode, 400, `${testType} ${JSON.stringify(value)}: ${res.body}`);
          assert.match(res.json().field ?? '', /^target$/, `${testType} ${JSON.stringify(value)}: ${res.body}`);
        }
        const resolvers = await create({ test_type: 'dns', target: 'example.com', params: { resolvers: [value] } });
        assert.equal(resolvers.statusCode, 400, `resolver ${JSON.stringify(value)}: ${resolvers.body}`);
        assert.match(resolvers.json().field ?? '', /^params\.resolvers/);
      }
      assert.equal(Number((await t.ctx.db.query<{ n: number }>('SELECT count(*) AS n FROM schedules'))[0]!.n), 0, 'no schedule stored');
    });

    it('the canary was never created', () => {
      assert.equal(existsSync(CANARY), false);
    });
  });
}

describe('engines refuse hostile jobs that skipped the API', () => {
  const ctx = { signal: new AbortController().signal, log: pino({ level: 'silent' }), onProgress: () => {}, agentVersion: 'test' };
  const jobs = (value: string): MeasurementJob[] => [
    { kind: 'trace', spec: { target: value, count: 1, interval_ms: 1000, protocol: 'icmp', max_hops: 2, reverse_dns: false } } as MeasurementJob,
    { kind: 'probe', spec: { target: value, port: 9, protocol: 'tcp', timeout_ms: 200 } } as MeasurementJob,
    { kind: 'dns', spec: { hostname: value, resolvers: ['127.0.0.1:9'], record_type: 'A', timeout_ms: 200 } } as MeasurementJob,
  ];

  it('trace, probe and dns end failed with the reason, before any program or socket sees the value', async () => {
    rmSync(CANARY, { force: true });
    for (const value of HOSTILE) {
      for (const job of jobs(value)) {
        const result = await runMeasurement(job, ctx);
        assert.equal(result.status, 'failed', `${job.kind} ${JSON.stringify(value)}`);
        assert.match(result.error ?? '', /must|invalid|not/i, `${job.kind} ${JSON.stringify(value)}: ${result.error}`);
      }
    }
    assert.equal(existsSync(CANARY), false, 'no shell ran');
  });

  it('mtr gets the target after `--`, iperf3 refuses a host that reads as an option', () => {
    const spec = { target: 'x', count: 3, interval_ms: 1000, protocol: 'icmp', max_hops: 30, reverse_dns: false } as Parameters<typeof mtrArgs>[0];
    const args = mtrArgs(spec, '-oProxyCommand=touch', 1);
    assert.deepEqual(args.slice(-2), ['--', '-oProxyCommand=touch'], 'after --, mtr reads it as a host name, never an option');
    assert.equal(args.indexOf('-oProxyCommand=touch'), args.length - 1);
    const plan = { host: '-oProxyCommand=touch', port: 5201, protocol: 'tcp' as const, mode: 'download' as const, streams: 1, durationS: 1, warmupS: 0, udpMbps: 0, connectTimeoutMs: 1000, intervalS: 1 };
    assert.throws(() => iperf3Args(plan), /never starts with -/);
    const safe = iperf3Args({ ...plan, host: '127.0.0.1' });
    assert.equal(safe[safe.indexOf('-c') + 1], '127.0.0.1', 'the host is the value of -c, not an argument of its own');
  });
});
