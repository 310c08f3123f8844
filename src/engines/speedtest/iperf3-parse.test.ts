// iperf3's JSON, shaped as iperf 3.12 prints it (fields trimmed to those we read).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { iperf3Direction, parseIperf3Report } from './iperf3-parse.js';

const interval = (end: number, mbps: number, omitted = false) => ({ sum: { start: end - 0.1, end, seconds: 0.1, bytes: (mbps * 1e6 * 0.1) / 8, bits_per_second: mbps * 1e6, omitted, sender: false } });

const tcpDownload = {
  start: { test_start: { protocol: 'TCP', omit: 2 } },
  intervals: [interval(0.1, 10, true), interval(0.1, 47), interval(0.2, 48), interval(0.3, 47.5)],
  end: {
    streams: [{ sender: { bytes: 1, bits_per_second: 1, retransmits: 7, max_rtt: 0, min_rtt: 0, mean_rtt: 0, sender: false }, receiver: { bytes: 1, sender: false } }],
    sum_sent: { bytes: 60_000_000, seconds: 10, bits_per_second: 48.1e6, retransmits: 7, sender: false },
    sum_received: { bytes: 59_700_000, seconds: 10, bits_per_second: 47.76e6, sender: false },
  },
  server_output_json: {
    intervals: [],
    end: { streams: [{ sender: { min_rtt: 900, mean_rtt: 10_500, max_rtt: 21_000, sender: true } }, { sender: { min_rtt: 1100, mean_rtt: 11_500, max_rtt: 19_000, sender: true } }] },
  },
};

const tcpBidir = {
  start: { test_start: { protocol: 'TCP' } },
  intervals: [{ ...interval(0.1, 40), sum_bidir_reverse: interval(0.1, 45).sum }],
  end: {
    streams: [{ sender: { min_rtt: 500, mean_rtt: 2000, max_rtt: 4000, sender: true } }, { sender: { mean_rtt: 0, sender: false } }],
    sum_sent: { bits_per_second: 41e6, retransmits: 3 },
    sum_received: { bytes: 50_000_000, seconds: 10, bits_per_second: 40e6 },
    sum_sent_bidir_reverse: { bits_per_second: 46e6, retransmits: 9 },
    sum_received_bidir_reverse: { bytes: 56_250_000, seconds: 10, bits_per_second: 45e6 },
  },
};

const udpUpload = {
  start: { test_start: { protocol: 'UDP' } },
  intervals: [interval(0.1, 20)],
  end: {
    sum_sent: { bits_per_second: 20e6, jitter_ms: 0, lost_packets: 0, packets: 1700, lost_percent: 0 },
    sum_received: { bytes: 24_500_000, seconds: 10, bits_per_second: 19.6e6, jitter_ms: 0.042, lost_packets: 34, packets: 1700, lost_percent: 2 },
  },
};

describe('iperf3 report', () => {
  it('download (-R): the receiver’s summary, measured intervals only, RTT from the server’s sender streams', () => {
    const got = iperf3Direction(parseIperf3Report(JSON.stringify(tcpDownload)), 'download', 'download');
    assert.equal(got.mbps, 47.76);
    assert.equal(got.bytes, 59_700_000);
    assert.equal(got.intervalSource, 'receiver');
    assert.deepEqual(got.intervals.map((i) => i.mbps), [47, 48, 47.5]);
    assert.equal(got.retransmits, 7);
    assert.deepEqual(got.rttMs, { min: 0.9, mean: 11, max: 21 });
  });

  it('full duplex: forward = upload, reverse = download, each from its receiver', () => {
    const report = parseIperf3Report(JSON.stringify(tcpBidir));
    const up = iperf3Direction(report, 'both', 'upload');
    const down = iperf3Direction(report, 'both', 'download');
    assert.equal(up.mbps, 40);
    assert.equal(down.mbps, 45);
    assert.equal(up.retransmits, 3);
    assert.equal(down.retransmits, 9);
    assert.deepEqual(up.rttMs, { min: 0.5, mean: 2, max: 4 });
    assert.deepEqual(down.intervals.map((i) => i.mbps), [45]);
  });

  it('UDP: the receiver’s rate, jitter and loss at the offered rate; no TCP figures', () => {
    const got = iperf3Direction(parseIperf3Report(JSON.stringify(udpUpload)), 'upload', 'upload');
    assert.equal(got.mbps, 19.6);
    assert.deepEqual(got.udp, { jitterMs: 0.042, lostPackets: 34, packets: 1700, lostPct: 2 });
    assert.equal(got.retransmits, undefined);
    assert.equal(got.intervalSource, 'sender');
  });

  const failures: [string, string, RegExp][] = [
    ['iperf3’s own error', JSON.stringify({ start: {}, intervals: [], end: {}, error: 'unable to connect to server: Connection refused' }), /iperf3: unable to connect to server: Connection refused$/],
    ['a busy server', JSON.stringify({ error: 'the server is busy running a test. try again later' }), /busy/],
    ['not JSON', 'iperf3: error - something', /printed no JSON report: iperf3: error - something/],
    ['no receiver summary', JSON.stringify({ end: {} }), /no receiver summary/],
  ];
  for (const [name, stdout, message] of failures) it(`refuses ${name}`, () => assert.throws(() => parseIperf3Report(stdout), message));
});
