import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { intervalRates, steadyWindow, type ByteSample } from './goodput.js';

/** 100 ms samples of a flow at `mbps`, optionally with a slow first second. */
function flow(mbps: number, seconds: number, slowStartMbps?: number): ByteSample[] {
  const samples: ByteSample[] = [{ tMs: 0, bytes: 0 }];
  let bytes = 0;
  for (let t = 100; t <= seconds * 1000; t += 100) {
    const rate = slowStartMbps !== undefined && t <= 1000 ? slowStartMbps : mbps;
    bytes += (rate * 1e6 * 0.1) / 8;
    samples.push({ tMs: t, bytes });
  }
  return samples;
}

const close = (a: number | undefined, b: number, what: string) => assert.ok(a !== undefined && Math.abs(a - b) < 1e-6, `${what}: ${a} ≠ ${b}`);

describe('interval rates', () => {
  it('turns cumulative bytes into Mbit/s per interval using each interval’s real length', () => {
    const rates = intervalRates([
      { tMs: 0, bytes: 0 },
      { tMs: 100, bytes: 125_000 }, // 1 Mbit in 100 ms → 10 Mbit/s
      { tMs: 300, bytes: 375_000 }, // 2 Mbit in 200 ms → 10 Mbit/s (a late timer)
      { tMs: 300, bytes: 400_000 }, // a clock that did not move: no interval
    ]);
    assert.equal(rates.length, 2);
    close(rates[0]!.mbps, 10, 'first');
    close(rates[1]!.mbps, 10, 'second');
    assert.equal(rates[1]!.tMs, 300);
  });
});

describe('steady-window goodput', () => {
  const cases: { name: string; samples: ByteSample[]; warmupMs: number; mbps: number | undefined; p90?: number }[] = [
    { name: 'a constant flow', samples: flow(100, 5), warmupMs: 1000, mbps: 100, p90: 100 },
    { name: 'slow start is discarded', samples: flow(100, 5, 10), warmupMs: 1000, mbps: 100, p90: 100 },
    { name: 'without warm-up, slow start drags the mean down', samples: flow(100, 5, 10), warmupMs: 0, mbps: (10 * 1 + 100 * 4) / 5 },
    { name: 'a test that ended inside the warm-up', samples: flow(100, 1), warmupMs: 2000, mbps: undefined },
    { name: 'no samples', samples: [], warmupMs: 0, mbps: undefined },
    { name: 'one sample holds no time', samples: [{ tMs: 0, bytes: 0 }], warmupMs: 0, mbps: undefined },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.mbps ?? 'none'}`, () => {
      const got = steadyWindow(c.samples, c.warmupMs);
      if (c.mbps === undefined) return assert.equal(got, undefined);
      close(got?.mbps, c.mbps, 'goodput');
      if (c.p90 !== undefined) close(got?.p90Mbps, c.p90, 'p90');
    });
  }

  it('starts the window at the first sample at or after the warm-up and reports its bounds', () => {
    const got = steadyWindow(flow(80, 3), 950)!;
    assert.equal(got.startMs, 1000);
    assert.equal(got.endMs, 3000);
    assert.equal(got.intervals, 20);
    close(got.bytes, (80e6 * 2) / 8, 'bytes');
  });

  it('p90 of the intervals sees bursts the mean smooths over', () => {
    // Nine intervals at 50 Mbit/s and one at 150: mean 60, p90 of ten values interpolates to 60.
    const samples: ByteSample[] = [{ tMs: 0, bytes: 0 }];
    let bytes = 0;
    for (let i = 1; i <= 10; i++) {
      bytes += ((i === 10 ? 150 : 50) * 1e6 * 0.1) / 8;
      samples.push({ tMs: i * 100, bytes });
    }
    const got = steadyWindow(samples, 0)!;
    close(got.mbps, 60, 'mean');
    close(got.p90Mbps, 60, 'p90');
  });
});
