import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jitter } from './jitter.js';

describe('jitter (mean absolute difference of consecutive RTTs)', () => {
  const cases: { name: string; rtts: (number | undefined)[]; expected: number | undefined }[] = [
    { name: 'no samples', rtts: [], expected: undefined },
    { name: 'one sample has no pair', rtts: [10], expected: undefined },
    { name: 'constant RTT', rtts: [10, 10, 10, 10], expected: 0 },
    { name: 'alternating', rtts: [10, 12, 10, 12], expected: 2 },
    { name: 'order matters, not spread', rtts: [10, 11, 12, 13], expected: 1 },
    { name: 'same values, other order', rtts: [10, 13, 11, 12], expected: (3 + 2 + 1) / 3 },
    { name: 'a lost probe breaks the pair', rtts: [10, undefined, 20, 22], expected: 2 },
    { name: 'only lost probes between answers', rtts: [10, undefined, 20], expected: undefined },
  ];
  for (const { name, rtts, expected } of cases) {
    it(`${name}: ${expected}`, () => {
      const got = jitter(rtts);
      if (expected === undefined) assert.equal(got, undefined);
      else assert.ok(Math.abs(got! - expected) < 1e-9, `${got}`);
    });
  }
});
