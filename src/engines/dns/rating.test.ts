import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isResolvingRcode, median, rateResolution, type DnsRating } from './rating.js';

describe('rateResolution: the brief’s table, boundaries included', () => {
  const cases: [number | undefined, DnsRating][] = [
    [0, 'EXCELLENT'],
    [0.3, 'EXCELLENT'],
    [4.999, 'EXCELLENT'],
    [5, 'GOOD'],
    [5.001, 'GOOD'],
    [19.999, 'GOOD'],
    [20, 'SLOW'],
    [50, 'SLOW'],
    [100, 'SLOW'],
    [100.001, 'CRITICAL'],
    [150, 'CRITICAL'],
    [5000, 'CRITICAL'],
    [undefined, 'CRITICAL'],
    [Number.NaN, 'CRITICAL'],
    [-1, 'CRITICAL'],
    [Number.POSITIVE_INFINITY, 'CRITICAL'],
  ];
  for (const [ms, rating] of cases) test(`${ms} ms → ${rating}`, () => assert.equal(rateResolution(ms), rating));
});

describe('isResolvingRcode', () => {
  const cases: [string, boolean][] = [
    ['NOERROR', true],
    ['NXDOMAIN', true],
    ['SERVFAIL', false],
    ['REFUSED', false],
    ['NOTIMP', false],
    ['FORMERR', false],
  ];
  for (const [rcode, expected] of cases) test(`${rcode} → ${expected}`, () => assert.equal(isResolvingRcode(rcode), expected));
});

describe('median', () => {
  const cases: [number[], number | undefined][] = [
    [[], undefined],
    [[7], 7],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
  ];
  for (const [values, expected] of cases) test(`${JSON.stringify(values)} → ${expected}`, () => assert.equal(median(values), expected));
});
