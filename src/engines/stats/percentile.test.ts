import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { median, percentile } from './percentile.js';

describe('percentile (linear interpolation between closest ranks)', () => {
  const cases: { values: number[]; p: number; expected: number | undefined }[] = [
    { values: [], p: 50, expected: undefined },
    { values: [7], p: 0, expected: 7 },
    { values: [7], p: 90, expected: 7 },
    { values: [1, 2, 3, 4], p: 50, expected: 2.5 },
    { values: [4, 1, 3, 2], p: 50, expected: 2.5 },
    { values: [1, 2, 3, 4, 5], p: 50, expected: 3 },
    { values: [1, 2, 3, 4, 5], p: 0, expected: 1 },
    { values: [1, 2, 3, 4, 5], p: 100, expected: 5 },
    { values: [1, 2, 3, 4, 5], p: 90, expected: 4.6 },
    { values: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100], p: 90, expected: 91 },
    { values: [10, 20], p: 25, expected: 12.5 },
    { values: [3, NaN, 1, Infinity, 2], p: 50, expected: 2 },
  ];
  for (const { values, p, expected } of cases) {
    it(`p${p} of [${values.join(', ')}] = ${expected}`, () => {
      const got = percentile(values, p);
      if (expected === undefined) assert.equal(got, undefined);
      else assert.ok(Math.abs(got! - expected) < 1e-9, `${got} ≠ ${expected}`);
    });
  }

  it('refuses a percentile outside 0..100', () => {
    assert.throws(() => percentile([1], 101), /within 0..100/);
    assert.throws(() => percentile([1], -1), /within 0..100/);
    assert.throws(() => percentile([1], NaN), /within 0..100/);
  });

  it('does not reorder the caller’s array', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    assert.deepEqual(values, [3, 1, 2]);
  });

  const medians: [number[], number | undefined][] = [
    [[], undefined],
    [[5, 1, 9], 5],
    [[10.2, 10.4, 10.3, 55], 10.35],
  ];
  for (const [values, expected] of medians) {
    it(`median of [${values.join(', ')}] = ${expected}`, () => {
      const got = median(values);
      if (expected === undefined) assert.equal(got, undefined);
      else assert.ok(Math.abs(got! - expected) < 1e-9, `${got}`);
    });
  }
});
