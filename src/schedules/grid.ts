/**
 * The firing grid of a schedule: slots at `epoch + offset + k × interval` (seconds). Every
 * worker computes the same slots, so a restart neither skips nor repeats one, and the offset,
 * stable per schedule, spreads a fleet of equal intervals across the interval. Pure.
 */

/** A stable offset in [0, interval) from the schedule's id (FNV-1a). */
export function offsetFor(scheduleId: number, intervalS: number): number {
  let hash = 0x811c9dc5;
  for (const char of `schedule:${scheduleId}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % intervalS;
}

/** The first slot strictly after `afterMs`. */
export function nextSlot(afterMs: number, intervalS: number, offsetS: number): Date {
  const k = Math.floor((afterMs / 1000 - offsetS) / intervalS) + 1;
  return new Date((offsetS + k * intervalS) * 1000);
}

/** Slots that came due after `slot` up to `nowMs` (inclusive): the ones a down fleet missed. */
export function missedSlots(slotMs: number, nowMs: number, intervalS: number): number {
  return nowMs <= slotMs ? 0 : Math.floor((nowMs - slotMs) / (intervalS * 1000));
}
