/** Rollup buckets, all in UTC: an hour, a day, an ISO week (Monday 00:00 to the next Monday). */
export type Granularity = 'hour' | 'day' | 'week';
export const GRANULARITIES: readonly Granularity[] = ['hour', 'day', 'week'];

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export function bucketStart(granularity: Granularity, at: Date): Date {
  const t = at.getTime();
  if (granularity === 'hour') return new Date(Math.floor(t / HOUR_MS) * HOUR_MS);
  const day = Math.floor(t / DAY_MS) * DAY_MS;
  if (granularity === 'day') return new Date(day);
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday = 0
  return new Date(day - weekday * DAY_MS);
}

export function bucketEnd(granularity: Granularity, start: Date): Date {
  const size = granularity === 'hour' ? HOUR_MS : granularity === 'day' ? DAY_MS : 7 * DAY_MS;
  return new Date(start.getTime() + size);
}
