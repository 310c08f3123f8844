// Reads the slot each scheduled run was made for from its timeline, and checks the firing
// guarantees: no slot fired twice, and every slot from the first to the last either fired or was
// reported as missed by the run that followed it (fired once after an outage).
import assert from 'node:assert/strict';

export interface SlotRun { slotMs: number; missed: number; createdMs: number }

export function slotOf(note: string, createdMs: number): SlotRun {
  const slot = /for (\d{4}-\d\d-\d\dT[\d:.]+Z)/.exec(note);
  assert.ok(slot, `no slot in "${note}"`);
  const missed = /(\d+) later slots? missed/.exec(note);
  return { slotMs: Date.parse(slot[1]!), missed: missed ? Number(missed[1]) : 0, createdMs };
}

/** Asserts exactly-once over the grid; returns the number of slots covered. */
export function assertEverySlotOnce(runs: SlotRun[], intervalS: number, what: string): number {
  const sorted = [...runs].sort((a, b) => a.slotMs - b.slotMs);
  const slots = sorted.map((r) => r.slotMs);
  assert.equal(new Set(slots).size, slots.length, `${what}: a slot fired twice: ${slots.map((s) => new Date(s).toISOString()).join(', ')}`);
  for (let i = 1; i < sorted.length; i++) {
    const expected = sorted[i - 1]!.slotMs + (1 + sorted[i - 1]!.missed) * intervalS * 1000;
    assert.equal(new Date(sorted[i]!.slotMs).toISOString(), new Date(expected).toISOString(), `${what}: slot after ${new Date(sorted[i - 1]!.slotMs).toISOString()} skipped`);
  }
  for (const r of sorted) assert.ok(r.createdMs >= r.slotMs, `${what}: fired before its slot`);
  return sorted.reduce((n, r) => n + 1 + r.missed, 0) - sorted[sorted.length - 1]!.missed;
}
