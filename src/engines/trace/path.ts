/**
 * Path-change detection. A path is the list of hop addresses by TTL, null where a hop did not
 * answer. A silent hop is unknown, not different: `a > * > c` and `a > b > c` are the same path.
 * Two paths differ when some TTL answered from different addresses in both, or when both end at
 * an answering hop at different depths (the destination moved nearer or further: a new route).
 */

export type Path = readonly (string | null)[];

export function pathOf(hops: readonly { address: string | null }[]): (string | null)[] {
  return hops.map((h) => h.address);
}

/** A stable text form for storage and display: `10.0.0.1 > * > 192.0.2.1`. */
export function pathSignature(hops: readonly { address: string | null }[] | Path): string {
  const path = hops.map((h) => (typeof h === 'object' && h !== null ? h.address : h));
  return path.map((a) => a ?? '*').join(' > ');
}

/** The inverse of pathSignature. */
export function parsePathSignature(signature: string): (string | null)[] {
  if (signature === '') return [];
  return signature.split(' > ').map((a) => (a === '*' ? null : a));
}

export function pathChanged(previous: Path, current: Path): boolean {
  const common = Math.min(previous.length, current.length);
  for (let i = 0; i < common; i++) {
    const a = previous[i];
    const b = current[i];
    if (a != null && b != null && a !== b) return true;
  }
  const lastPrevious = previous[previous.length - 1];
  const lastCurrent = current[current.length - 1];
  return previous.length !== current.length && lastPrevious != null && lastCurrent != null;
}
