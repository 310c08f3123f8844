import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { receiverSamples, StreamReports } from './receiver-counts.js';

/** A stream whose reports arrive `delayMs` after the server counted, except the ones in `late`. */
function stream(startMs: number, mbps: number, untilMs: number, delayMs: number, late: Record<number, number> = {}): StreamReports {
  const reports = new StreamReports();
  const bytesPerMs = (mbps * 1e6) / 8 / 1000;
  for (let t = 100, i = 0; t <= untilMs; t += 100, i++) reports.report(t, t * bytesPerMs, startMs + t + delayMs + (late[i] ?? 0));
  reports.endRequest();
  return reports;
}

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-6 * Math.max(1, Math.abs(b)), `${what}: ${a} ≠ ${b}`);

describe('receiver counts placed on our clock', () => {
  it('interpolates between reports, shifted by the smallest delay seen (late reports do not move it)', () => {
    // 8 Mbit/s = 1000 bytes/ms, reports delayed 5 ms, two of them held up by 40 ms.
    const s = stream(1000, 8, 1000, 5, { 2: 40, 6: 40 });
    close(s.bytesAt(1000 + 5 + 250), 250_000, 'mid-interval');
    close(s.bytesAt(1000 + 5 + 1000), 1_000_000, 'last report');
    close(s.bytesAt(5000), 1_000_000, 'after the last report: flat');
    close(s.bytesAt(0), 0, 'before the request: its base');
  });

  it('keeps counting across requests on one stream', () => {
    const s = new StreamReports();
    s.report(100, 1000, 110);
    s.report(200, 2000, 210);
    s.endRequest();
    s.report(100, 500, 410);
    s.endRequest();
    close(s.bytesAt(210), 2000, 'end of the first request');
    close(s.bytesAt(410), 2500, 'second request adds to the first');
  });

  it('sums the streams at the sender’s sampling instants', () => {
    const streams = [stream(0, 8, 2000, 3), stream(0, 16, 2000, 3)];
    const at = [0, 500, 1000, 1500, 2000].map((tMs) => ({ tMs: tMs + 3, bytes: -1 }));
    const got = receiverSamples(streams, at, 100)!;
    assert.deepEqual(got.map((s) => Math.round(s.bytes)), [0, 1_500_000, 3_000_000, 4_500_000, 6_000_000]);
  });

  it('falls back to the sender when the reports do not cover the phase (a buffering proxy)', () => {
    const sparse = new StreamReports();
    sparse.report(2000, 5_000_000, 2010);
    sparse.endRequest();
    const at = Array.from({ length: 21 }, (_, i) => ({ tMs: i * 100, bytes: 0 }));
    assert.equal(receiverSamples([sparse], at, 100), undefined);
    assert.equal(receiverSamples([], at, 100), undefined);
  });
});
