import type { ByteSample } from '../stats/index.js';

/**
 * Upload bytes as the receiver counted them. Our /speed/upload streams its count while the
 * body arrives (`{bytes, t_ms}` every 100 ms, t_ms on the server's clock since the request
 * began). Each report reaches us a one-way delay later; the smallest (arrival − t_ms) seen on a
 * stream is the best estimate of that offset (the NTP idea: the fastest report waited least),
 * so every report can be placed on our clock and the count interpolated at any instant.
 */
export class StreamReports {
  /** (our clock, cumulative bytes) over every request of this stream. */
  private points: { tMs: number; bytes: number }[] = [];
  private current: { t_ms: number; bytes: number; arrivalMs: number }[] = [];
  private base = 0;
  private finished: { tMs: number; bytes: number }[] = [];

  /** One report line of the current request. */
  report(serverMs: number, bytes: number, arrivalMs: number): void {
    this.current.push({ t_ms: serverMs, bytes, arrivalMs });
  }

  /** The current request ended (its last report was its final count). */
  endRequest(): void {
    if (this.current.length === 0) return;
    const offset = Math.min(...this.current.map((r) => r.arrivalMs - r.t_ms));
    this.finished.push({ tMs: offset, bytes: this.base });
    for (const r of this.current) this.finished.push({ tMs: r.t_ms + offset, bytes: this.base + r.bytes });
    this.base += this.current[this.current.length - 1]!.bytes;
    this.current = [];
    this.points = this.finished;
  }

  reports(): number {
    return this.points.length;
  }

  /** Bytes the receiver had counted at `tMs` (linear between reports; flat outside them). */
  bytesAt(tMs: number): number {
    const points = this.points;
    if (points.length === 0 || tMs <= points[0]!.tMs) return points[0]?.bytes ?? 0;
    for (let i = 1; i < points.length; i++) {
      const b = points[i]!;
      if (tMs <= b.tMs) {
        const a = points[i - 1]!;
        return b.tMs === a.tMs ? b.bytes : a.bytes + ((b.bytes - a.bytes) * (tMs - a.tMs)) / (b.tMs - a.tMs);
      }
    }
    return points[points.length - 1]!.bytes;
  }
}

/**
 * The receiver's samples at the sender's sampling instants, or undefined when the reports do not
 * cover the phase (a proxy that buffered them): then the sender's count stands, and says so.
 */
export function receiverSamples(streams: StreamReports[], at: readonly ByteSample[], reportIntervalMs: number): ByteSample[] | undefined {
  if (streams.length === 0 || at.length < 2) return undefined;
  const spanMs = at[at.length - 1]!.tMs - at[0]!.tMs;
  const needed = Math.max(2, Math.floor((0.5 * spanMs) / reportIntervalMs));
  if (streams.some((s) => s.reports() < needed)) return undefined;
  return at.map((sample) => ({ tMs: sample.tMs, bytes: streams.reduce((sum, s) => sum + s.bytesAt(sample.tMs), 0) }));
}
