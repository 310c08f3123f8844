import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClockEstimator } from './clock.js';

describe('ClockEstimator', () => {
  it('uses the sample with the smallest round trip', () => {
    const clock = new ClockEstimator();
    // Server is 300 s ahead. A slow, asymmetric sample suggests a wrong offset; the fast one wins.
    clock.add(1_000, 1_900, 1_000 + 300_000 + 800);
    clock.add(5_000, 5_010, 5_000 + 300_000 + 5);
    assert.equal(clock.offsetMs, 300_000);
    assert.equal(clock.lastRttMs, 10);
  });

  it('starts from a seed until a round trip is measured', () => {
    const clock = new ClockEstimator();
    assert.equal(clock.offsetMs, 0);
    clock.seed(-42_000);
    assert.equal(clock.offsetMs, -42_000);
    clock.add(0, 20, 10 - 41_000);
    assert.equal(clock.offsetMs, -41_000);
  });
});
