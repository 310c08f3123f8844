// Table-driven tests of the speedtest engine's pure decisions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePingOutput, pingArgs } from './icmp-ping.js';
import { iperf3Args, type Iperf3Plan } from './iperf3-args.js';
import { lossFigures } from './loss.js';
import { warmupFor } from './options.js';
import { chooseNearest, type SelectionRow } from './select.js';

describe('warm-up from the idle RTT', () => {
  const cases: [number | undefined, number][] = [
    [undefined, 2000],
    [0.08, 2000],
    [40, 2000],
    [133, 2000],
    [140, 3000],
    [250, 4000],
    [600, 5000],
  ];
  for (const [rtt, expected] of cases) it(`RTT ${rtt} ms → ${expected} ms`, () => assert.equal(warmupFor(rtt), expected));
});

describe('auto: the nearest candidate', () => {
  const row = (name: string, rttMs?: number): SelectionRow => ({ name, engine: 'http', host: name, answered: rttMs === undefined ? 0 : 5, sent: 5, ...(rttMs !== undefined ? { rttMs } : {}) });
  const cases: { name: string; rows: SelectionRow[]; expected: number | undefined }[] = [
    { name: 'lowest median RTT wins', rows: [row('a', 12), row('b', 3.5), row('c', 40)], expected: 1 },
    { name: 'a tie goes to the one listed first', rows: [row('a', 5), row('b', 5)], expected: 0 },
    { name: 'unreachable candidates never win', rows: [row('a'), row('b', 80)], expected: 1 },
    { name: 'nothing reachable: no choice', rows: [row('a'), row('b')], expected: undefined },
    { name: 'no candidates', rows: [], expected: undefined },
  ];
  for (const c of cases) it(c.name, () => assert.equal(chooseNearest(c.rows), c.expected));
});

describe('loss figures from an echo train', () => {
  const answered = (n: number, lost: number[]) => Array.from({ length: n }, (_, i) => !lost.includes(i));
  const cases: { name: string; args: Parameters<typeof lossFigures>; loss: number; up?: number; down?: number }[] = [
    { name: 'nothing lost', args: [100, 100, { count: 100, seq: 99 }, answered(100, []), 0, 1000], loss: 0, up: 0, down: 0 },
    { name: 'lost on the way there: the reflector counted fewer', args: [100, 98, { count: 98, seq: 99 }, answered(100, [10, 20]), 0, 1000], loss: 2, up: 2, down: 0 },
    { name: 'lost on the way back: the reflector counted them all', args: [100, 97, { count: 100, seq: 99 }, answered(100, [5, 6, 7]), 0, 1000], loss: 3, up: 0, down: 3 },
    { name: 'both ways', args: [100, 96, { count: 98, seq: 99 }, answered(100, [1, 2, 3, 4]), 0, 1000], loss: 4, up: 2, down: (2 / 98) * 100 },
    { name: 'nothing came back: no split', args: [100, 0, { count: 0, seq: -1 }, answered(100, Array.from({ length: 100 }, (_, i) => i)), 0, 1000], loss: 100 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = lossFigures(...c.args);
      assert.ok(Math.abs(got.lossPct - c.loss) < 1e-9, `loss ${got.lossPct}`);
      if (c.up === undefined) assert.equal(got.upstreamLossPct, undefined);
      else assert.ok(Math.abs(got.upstreamLossPct! - c.up) < 1e-9, `up ${got.upstreamLossPct}`);
      if (c.down !== undefined) assert.ok(Math.abs(got.downstreamLossPct! - c.down) < 1e-9, `down ${got.downstreamLossPct}`);
    });
  }
});

describe('iperf3 arguments', () => {
  const base: Iperf3Plan = { host: '10.0.0.5', port: 5201, protocol: 'tcp', mode: 'upload', streams: 4, durationS: 10, warmupS: 2, udpMbps: 100, connectTimeoutMs: 5000, intervalS: 0.1 };
  const common = ['-c', '10.0.0.5', '-p', '5201', '-J', '-t', '10', '-O', '2', '-P', '4', '-i', '0.1', '--connect-timeout', '5000', '--get-server-output'];
  const cases: { name: string; plan: Partial<Iperf3Plan>; tail: string[] }[] = [
    { name: 'TCP upload: we send', plan: {}, tail: [] },
    { name: 'TCP download: the server sends (-R)', plan: { mode: 'download' }, tail: ['-R'] },
    { name: 'full duplex (--bidir)', plan: { mode: 'both' }, tail: ['--bidir'] },
    { name: 'UDP: -b is per stream, so the total is split', plan: { protocol: 'udp', udpMbps: 100 }, tail: ['-u', '-b', '25000000'] },
    { name: 'UDP download', plan: { protocol: 'udp', mode: 'download', udpMbps: 50, streams: 1 }, tail: ['-R', '-u', '-b', '50000000'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = { ...base, ...c.plan };
      const expected = [...common];
      expected[10] = String(plan.streams);
      assert.deepEqual(iperf3Args(plan), [...expected, ...c.tail]);
    });
  }
  it('refuses a host that would read as an option', () => assert.throws(() => iperf3Args({ ...base, host: '-V' }), /never starts with -/));
});

describe('ping output', () => {
  const output = [
    'PING 10.0.0.5 (10.0.0.5) 56(84) bytes of data.',
    '64 bytes from 10.0.0.5: icmp_seq=1 ttl=62 time=0.085 ms',
    '64 bytes from 10.0.0.5: icmp_seq=3 ttl=62 time=12.4 ms',
    '64 bytes from 10.0.0.5: icmp_seq=3 ttl=62 time=12.9 ms (DUP!)',
    '64 bytes from 10.0.0.5: icmp_seq=4 ttl=62 time=130 ms',
    '',
    '--- 10.0.0.5 ping statistics ---',
    '5 packets transmitted, 3 received, +1 duplicates, 40% packet loss, time 4005ms',
  ].join('\n');
  it('one entry per request, lost ones undefined, duplicates ignored', () => assert.deepEqual(parsePingOutput(output, 5), [0.085, undefined, 12.4, 130, undefined]));
  it('nothing answered', () => assert.deepEqual(parsePingOutput('PING x\n', 2), [undefined, undefined]));
  it('arguments: family, count, interval in seconds, whole-second wait, the address last', () => {
    assert.deepEqual(pingArgs('10.0.0.5', { count: 20, intervalMs: 50, timeoutMs: 1000 }), ['-4', '-n', '-c', '20', '-i', '0.05', '-W', '1', '10.0.0.5']);
    assert.deepEqual(pingArgs('2001:db8::1', { count: 10, intervalMs: 200, timeoutMs: 1500 }), ['-6', '-n', '-c', '10', '-i', '0.2', '-W', '2', '2001:db8::1']);
    assert.throws(() => pingArgs('-f', { count: 1, intervalMs: 1, timeoutMs: 1 }), /never starts with -/);
  });
});
