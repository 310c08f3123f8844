/**
 * Order statistics. Linear interpolation between closest ranks (the "R-7" rule used by
 * numpy's default, Excel's PERCENTILE.INC and Cloudflare's speedtest), so p50 of an even-sized
 * sample is the midpoint of the two middle values.
 */

/** The p-th percentile (0 ≤ p ≤ 100) of `values`; undefined for an empty sample. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100 (got ${p})`);
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return undefined;
  const sorted = [...finite].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low]!;
  return lowValue + (sorted[high]! - lowValue) * (rank - low);
}

/** The median: robust to the odd slow probe, which is why latency uses it rather than the mean. */
export function median(values: readonly number[]): number | undefined {
  return percentile(values, 50);
}
