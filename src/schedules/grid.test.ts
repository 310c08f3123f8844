import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { missedSlots, nextSlot, offsetFor } from './grid.js';

describe('schedule grid', () => {
  it('gives each schedule a stable offset inside its interval, spread across a fleet', () => {
    assert.equal(offsetFor(42, 3600), offsetFor(42, 3600));
    const offsets = Array.from({ length: 200 }, (_, i) => offsetFor(i + 1, 3600));
    assert.ok(offsets.every((o) => o >= 0 && o < 3600));
    assert.ok(new Set(offsets).size > 150, 'offsets spread, not all on the same second');
  });

  const cases: [string, number, number, number, string][] = [
    ['just before a slot', Date.parse('2026-01-01T00:00:09Z'), 60, 10, '2026-01-01T00:00:10.000Z'],
    ['exactly at a slot: the following one', Date.parse('2026-01-01T00:00:10Z'), 60, 10, '2026-01-01T00:01:10.000Z'],
    ['mid-interval', Date.parse('2026-01-01T00:00:40Z'), 60, 10, '2026-01-01T00:01:10.000Z'],
    ['hourly with offset 1234 s', Date.parse('2026-01-01T05:00:00Z'), 3600, 1234, '2026-01-01T05:20:34.000Z'],
  ];
  for (const [name, after, interval, offset, expected] of cases) {
    it(`next slot: ${name}`, () => assert.equal(nextSlot(after, interval, offset).toISOString(), expected));
  }

  it('counts the slots a down fleet missed', () => {
    const slot = Date.parse('2026-01-01T00:00:10Z');
    assert.equal(missedSlots(slot, slot + 500, 60), 0);
    assert.equal(missedSlots(slot, slot + 60_000, 60), 1);
    assert.equal(missedSlots(slot, slot + 10 * 60_000 + 5, 60), 10);
  });
});
