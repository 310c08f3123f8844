/**
 * Reads mtr's JSON report (`mtr --json -o LSRNBAWVJMXI`) into the hop table. mtr prints `???` and
 * zeros for a hop that never answered; those zeros are not 0 ms, so such a hop gets nulls.
 */

export interface Hop {
  /** 1-based TTL. */
  hop: number;
  /** null: no reply at this TTL (a router that does not send time-exceeded, or loss). */
  address: string | null;
  /** Reverse DNS name when names were resolved (`-b`) and one exists. */
  name: string | null;
  loss_pct: number;
  sent: number;
  received: number | null;
  last_ms: number | null;
  avg_ms: number | null;
  best_ms: number | null;
  worst_ms: number | null;
  stdev_ms: number | null;
  /** mtr's mean jitter (mean absolute difference of consecutive RTTs) and worst jitter. */
  jitter_ms: number | null;
  jitter_max_ms: number | null;
}

export interface MtrReport {
  destination: string;
  cycles: number;
  packetBytes: number | null;
  hops: Hop[];
}

export class MtrOutputError extends Error {}

const num = (value: unknown): number | null => {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
};

/** `name (address)` with -b, a bare address with -n or when no name exists, `???` when silent. */
export function splitHost(host: string): { address: string | null; name: string | null } {
  if (host === '???' || host === '') return { address: null, name: null };
  const both = /^(.+) \(([0-9A-Fa-f:.%]+)\)$/.exec(host);
  if (both) return { address: both[2]!, name: both[1]! };
  return { address: host, name: null };
}

export function parseMtrReport(text: string): MtrReport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new MtrOutputError(`mtr did not print JSON: ${text.slice(0, 200).trim() || '(nothing)'}`);
  }
  const report = (json as { report?: { mtr?: Record<string, unknown>; hubs?: unknown[] } }).report;
  if (!report || !Array.isArray(report.hubs)) throw new MtrOutputError('mtr JSON has no report.hubs');
  const hops = report.hubs.map((raw, i): Hop => {
    const hub = raw as Record<string, unknown>;
    const { address, name } = splitHost(String(hub.host ?? ''));
    const sent = num(hub.Snt) ?? 0;
    const received = num(hub.Rcv);
    const answered = address !== null && (received === null ? num(hub['Loss%']) !== 100 : received > 0);
    const rtt = (key: string) => (answered ? num(hub[key]) : null);
    return {
      hop: num(hub.count) ?? i + 1,
      address,
      name,
      loss_pct: num(hub['Loss%']) ?? 100,
      sent,
      received,
      last_ms: rtt('Last'),
      avg_ms: rtt('Avg'),
      best_ms: rtt('Best'),
      worst_ms: rtt('Wrst'),
      stdev_ms: rtt('StDev'),
      jitter_ms: rtt('Javg'),
      jitter_max_ms: rtt('Jmax'),
    };
  });
  const mtr = report.mtr ?? {};
  return { destination: String(mtr.dst ?? ''), cycles: num(mtr.tests) ?? 0, packetBytes: num(mtr.psize), hops };
}
