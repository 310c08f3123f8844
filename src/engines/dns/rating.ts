/**
 * The brief's DNS rating table, boundaries as DESIGN §5 fixes them:
 * EXCELLENT < 5 ms ≤ GOOD < 20 ms ≤ SLOW ≤ 100 ms < CRITICAL; no answer is CRITICAL.
 */
export const DNS_RATINGS = ['EXCELLENT', 'GOOD', 'SLOW', 'CRITICAL'] as const;
export type DnsRating = (typeof DNS_RATINGS)[number];

/** `undefined` (timeout, refused, unusable answer) is CRITICAL. */
export function rateResolution(responseMs: number | undefined): DnsRating {
  if (responseMs === undefined || !Number.isFinite(responseMs) || responseMs < 0) return 'CRITICAL';
  if (responseMs < 5) return 'EXCELLENT';
  if (responseMs < 20) return 'GOOD';
  if (responseMs <= 100) return 'SLOW';
  return 'CRITICAL';
}

/**
 * Which answers count as resolving: NOERROR (with or without data) and NXDOMAIN are real answers
 * about the name. SERVFAIL, REFUSED, NOTIMP… mean the resolver did not resolve, however fast it
 * said so, so they are CRITICAL rather than EXCELLENT.
 */
export function isResolvingRcode(rcode: string): boolean {
  return rcode === 'NOERROR' || rcode === 'NXDOMAIN';
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
