// Small figures helpers shared by the scenarios.

/** The q-quantile (0..1) of the values, nearest-rank; NaN when there are none. */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** A number for a table: a fixed number of digits, "–" when not measured. */
export function fmt(value: number | undefined, digits = 1): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A run id the bench can compute on both sides: agent number and run number in the UUID. */
export function benchRunId(agentIndex: number, runIndex: number): string {
  return `${agentIndex.toString(16).padStart(8, '0')}-0000-4000-8000-${runIndex.toString(16).padStart(12, '0')}`;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
