import type { IntervalRate } from '../stats/index.js';
import { percentile } from '../stats/index.js';
import type { Direction } from './http-phase.js';

/** What one direction of an iperf3 run measured, from the receiver's side. */
export interface Iperf3Direction {
  mbps: number;
  bytes: number;
  seconds: number;
  /** Per-interval rates of the measured (not omitted) intervals, and where they were counted. */
  intervals: IntervalRate[];
  intervalSource: 'receiver' | 'sender';
  p90Mbps: number | undefined;
  /** TCP: the sender's retransmitted segments. */
  retransmits?: number;
  /** TCP: the sender's smoothed RTT over its streams (kernel figures). */
  rttMs?: { min: number; mean: number; max: number };
  /** UDP: the receiver's RFC 3550 jitter and loss at the offered rate. */
  udp?: { jitterMs: number; lostPackets: number; packets: number; lostPct: number };
}

interface Sum {
  bytes?: number;
  seconds?: number;
  bits_per_second?: number;
  retransmits?: number;
  jitter_ms?: number;
  lost_packets?: number;
  packets?: number;
  lost_percent?: number;
  sender?: boolean;
  omitted?: boolean;
  end?: number;
}
interface Stream {
  sender?: Sum & { min_rtt?: number; mean_rtt?: number; max_rtt?: number };
  receiver?: Sum;
  udp?: Sum;
}
interface Report {
  error?: string;
  start?: { test_start?: { protocol?: string; omit?: number } };
  intervals?: { sum?: Sum; sum_bidir_reverse?: Sum }[];
  end?: {
    streams?: Stream[];
    sum_sent?: Sum;
    sum_received?: Sum;
    sum_sent_bidir_reverse?: Sum;
    sum_received_bidir_reverse?: Sum;
  };
  server_output_json?: Report;
}

export class Iperf3ReportError extends Error {
  override name = 'Iperf3ReportError';
}

/** Parses iperf3's JSON; a report carrying `error` becomes an Iperf3ReportError with iperf3's words. */
export function parseIperf3Report(stdout: string): Report {
  let report: Report;
  try {
    report = JSON.parse(stdout) as Report;
  } catch {
    throw new Iperf3ReportError(`iperf3 printed no JSON report${stdout.trim() ? `: ${stdout.trim().slice(0, 200)}` : ''}`);
  }
  if (report.error) throw new Iperf3ReportError(`iperf3: ${report.error}`);
  if (!report.end?.sum_received) throw new Iperf3ReportError('iperf3 report has no receiver summary (end.sum_received)');
  return report;
}

const mbps = (bps: number | undefined) => (bps ?? 0) / 1e6;

function rttOf(streams: Stream[] | undefined, senderFlag: boolean | undefined): Iperf3Direction['rttMs'] {
  const senders = (streams ?? []).map((s) => s.sender).filter((s) => s && (senderFlag === undefined || s.sender === senderFlag) && (s.mean_rtt ?? 0) > 0);
  if (senders.length === 0) return undefined;
  const us = (f: 'min_rtt' | 'mean_rtt' | 'max_rtt') => senders.map((s) => s![f] ?? 0);
  return { min: Math.min(...us('min_rtt')) / 1000, mean: us('mean_rtt').reduce((a, b) => a + b, 0) / senders.length / 1000, max: Math.max(...us('max_rtt')) / 1000 };
}

function seriesOf(report: Report | undefined, reverse: boolean): IntervalRate[] {
  const series: IntervalRate[] = [];
  for (const interval of report?.intervals ?? []) {
    const sum = reverse ? interval.sum_bidir_reverse : interval.sum;
    if (!sum || sum.omitted) continue;
    series.push({ tMs: (sum.end ?? 0) * 1000, mbps: mbps(sum.bits_per_second) });
  }
  return series;
}

/**
 * One direction's figures from a report. `mode` is how iperf3 ran (download = -R, both =
 * --bidir); the receiver's summary is the figure, as iperf3's own documentation advises: the
 * sender's count includes what was still in its buffers and lost.
 */
export function iperf3Direction(report: Report, mode: 'download' | 'upload' | 'both', direction: Direction): Iperf3Direction {
  const end = report.end!;
  const server = report.server_output_json;
  // In --bidir the forward streams are ours (upload) and the reverse ones the server's.
  const reverse = mode === 'both' && direction === 'download';
  const received = (reverse ? end.sum_received_bidir_reverse : end.sum_received) ?? {};
  const sent = (reverse ? end.sum_sent_bidir_reverse : end.sum_sent) ?? {};
  const udp = report.start?.test_start?.protocol === 'UDP';
  // Who counted the intervals: we receive in a download; in an upload the server does, if it told us.
  const weReceive = direction === 'download';
  const localIntervals = seriesOf(report, reverse);
  const serverIntervals = server?.intervals?.length ? seriesOf(server, false) : [];
  // The server reports at its own interval (often 1 s): its series is used only when as fine as ours.
  const useServer = !weReceive && serverIntervals.length > 0 && serverIntervals.length >= 0.8 * localIntervals.length;
  const intervals = weReceive || !useServer ? localIntervals : serverIntervals;
  const figures: Iperf3Direction = {
    mbps: mbps(received.bits_per_second),
    bytes: received.bytes ?? 0,
    seconds: received.seconds ?? 0,
    intervals,
    intervalSource: weReceive || useServer ? 'receiver' : 'sender',
    p90Mbps: percentile(intervals.map((i) => i.mbps), 90),
  };
  if (udp) {
    figures.udp = { jitterMs: received.jitter_ms ?? 0, lostPackets: received.lost_packets ?? 0, packets: received.packets ?? 0, lostPct: received.lost_percent ?? 0 };
  } else {
    if (sent.retransmits !== undefined) figures.retransmits = sent.retransmits;
    // The sender's kernel knows the RTT: ours when we send, the server's (if it reported JSON) when it sends.
    const rtt = direction === 'upload' ? rttOf(end.streams, mode === 'both' ? true : undefined) : rttOf(server?.end?.streams, mode === 'both' ? true : undefined) ?? rttOf(mode === 'both' ? end.streams : undefined, false);
    if (rtt) figures.rttMs = rtt;
  }
  return figures;
}
