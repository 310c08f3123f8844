import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { MtrOutputError, parseMtrReport, splitHost } from './mtr-report.js';

// Real output of mtr 0.95 (`--json -n -o LSRNBAWVJMXI`) captured in the test topology
// client — r1 — r2 — server (test/helpers/netns.ts).
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseMtrReport on captured mtr output', () => {
  test('three hops, all answering', () => {
    const report = parseMtrReport(fixture('mtr-3-hops.json'));
    assert.match(report.destination, /^10\.231\.\d+\.2$/);
    assert.equal(report.cycles, 5);
    assert.equal(report.packetBytes, 64);
    assert.deepEqual(report.hops.map((h) => h.hop), [1, 2, 3]);
    assert.equal(report.hops[2]!.address, report.destination);
    for (const hop of report.hops) {
      assert.equal(hop.loss_pct, 0);
      assert.equal(hop.sent, 5);
      assert.equal(hop.received, 5);
      assert.equal(hop.name, null);
      assert.ok(hop.best_ms! <= hop.avg_ms! && hop.avg_ms! <= hop.worst_ms!);
      assert.ok(hop.stdev_ms! >= 0 && hop.jitter_ms! >= 0 && hop.jitter_max_ms! >= hop.jitter_ms!);
      assert.equal(typeof hop.last_ms, 'number');
    }
  });

  test('loss at hop 2 only (r2 drops half its time-exceeded)', () => {
    const hops = parseMtrReport(fixture('mtr-loss-at-hop-2.json')).hops;
    assert.deepEqual(hops.map((h) => [h.sent, h.received, h.loss_pct]), [[20, 20, 0], [20, 11, 45], [20, 20, 0]]);
  });

  test('a silent hop is null, not 0 ms', () => {
    const hop = parseMtrReport(fixture('mtr-silent-hop-2.json')).hops[1]!;
    assert.deepEqual(hop, { hop: 2, address: null, name: null, loss_pct: 100, sent: 3, received: 0, last_ms: null, avg_ms: null, best_ms: null, worst_ms: null, stdev_ms: null, jitter_ms: null, jitter_max_ms: null });
  });

  test('an unreachable destination ends on a silent hop', () => {
    const report = parseMtrReport(fixture('mtr-unreached.json'));
    assert.match(report.destination, /\.77$/);
    assert.notEqual(report.hops.at(-1)!.address, report.destination);
    assert.equal(report.hops.at(-1)!.address, null);
  });

  test('tcp and udp traces read the same way', () => {
    for (const name of ['mtr-tcp.json', 'mtr-udp.json']) {
      const report = parseMtrReport(fixture(name));
      assert.equal(report.hops.length, 3);
      assert.equal(report.hops[2]!.address, report.destination);
    }
  });

  test('names with -b', () => {
    const hop = parseMtrReport(fixture('mtr-names-localhost.json')).hops[0]!;
    assert.equal(hop.address, '127.0.0.1');
    assert.equal(hop.name, 'localhost');
  });

  test('older mtr prints count as a string', () => {
    const report = parseMtrReport('{"report":{"mtr":{"dst":"x","tests":"1"},"hubs":[{"count":"1","host":"10.0.0.1","Loss%":0,"Snt":1,"Last":1,"Avg":1,"Best":1,"Wrst":1,"StDev":0}]}}');
    assert.equal(report.hops[0]!.hop, 1);
    assert.equal(report.hops[0]!.received, null);
    assert.equal(report.hops[0]!.avg_ms, 1);
    assert.equal(report.hops[0]!.jitter_ms, null);
  });

  test('not JSON, or JSON without hubs, is an MtrOutputError', () => {
    assert.throws(() => parseMtrReport('mtr: oops'), (e) => e instanceof MtrOutputError && e.message === 'mtr did not print JSON: mtr: oops');
    assert.throws(() => parseMtrReport('{}'), MtrOutputError);
  });
});

describe('splitHost', () => {
  const cases: [string, { address: string | null; name: string | null }][] = [
    ['10.0.0.1', { address: '10.0.0.1', name: null }],
    ['2001:db8::1', { address: '2001:db8::1', name: null }],
    ['core1.example.net (10.0.0.1)', { address: '10.0.0.1', name: 'core1.example.net' }],
    ['ae0.r1 (2001:db8::1)', { address: '2001:db8::1', name: 'ae0.r1' }],
    ['???', { address: null, name: null }],
  ];
  for (const [host, expected] of cases) test(host, () => assert.deepEqual(splitHost(host), expected));
});
