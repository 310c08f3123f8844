/**
 * Estimates (server clock − agent clock) from heartbeat round trips, NTP-style: of the recent
 * samples, trust the one with the smallest round trip (least queueing, least asymmetry).
 */
export class ClockEstimator {
  private samples: { rttMs: number; offsetMs: number }[] = [];
  lastRttMs: number | undefined;

  add(sentAtMs: number, receivedAtMs: number, serverTimeMs: number): void {
    const rttMs = Math.max(0, receivedAtMs - sentAtMs);
    this.lastRttMs = rttMs;
    this.samples.push({ rttMs, offsetMs: serverTimeMs - (sentAtMs + rttMs / 2) });
    if (this.samples.length > 8) this.samples.shift();
  }

  /** Initial estimate from one server timestamp (the welcome), before any round trip. */
  seed(offsetMs: number): void {
    if (this.samples.length === 0) this.samples.push({ rttMs: Number.MAX_SAFE_INTEGER, offsetMs });
  }

  get offsetMs(): number {
    if (this.samples.length === 0) return 0;
    return this.samples.reduce((best, s) => (s.rttMs < best.rttMs ? s : best)).offsetMs;
  }
}
