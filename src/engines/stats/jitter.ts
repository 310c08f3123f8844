/**
 * Jitter as the mean absolute difference of consecutive RTTs (Cloudflare's definition, and the
 * one `ping`'s "mdev" is often mistaken for). Probes that got no answer are `undefined` in the
 * sequence: a pair is only formed by two answered probes in a row, so a lost probe never
 * invents a difference between samples that were not consecutive.
 */
export function jitter(rttsMs: readonly (number | undefined)[]): number | undefined {
  let sum = 0;
  let pairs = 0;
  for (let i = 1; i < rttsMs.length; i++) {
    const previous = rttsMs[i - 1];
    const current = rttsMs[i];
    if (previous === undefined || current === undefined || !Number.isFinite(previous) || !Number.isFinite(current)) continue;
    sum += Math.abs(current - previous);
    pairs++;
  }
  return pairs === 0 ? undefined : sum / pairs;
}
