import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mean } from './mean.js';

describe('mean', () => {
  const cases: [number[], number | undefined][] = [
    [[], undefined],
    [[4], 4],
    [[1, 2, 3, 4], 2.5],
    [[-1, 1], 0],
    [[2, NaN, 4], 3],
  ];
  for (const [values, expected] of cases) {
    it(`mean of [${values.join(', ')}] = ${expected}`, () => assert.equal(mean(values), expected));
  }
});
