/**
 * The iperf3 client's argument array (never a shell string). Pure, for tests. iperf3 takes
 * whole seconds for -t and -O, so the warm-up is rounded up to a whole second.
 */
export interface Iperf3Plan {
  host: string;
  port: number;
  protocol: 'tcp' | 'udp';
  /** download = the server sends (-R); upload = we send; both = --bidir (full duplex). */
  mode: 'download' | 'upload' | 'both';
  streams: number;
  durationS: number;
  warmupS: number;
  /** UDP: total target rate across all streams (iperf3's -b is per stream). */
  udpMbps: number;
  connectTimeoutMs: number;
  intervalS: number;
}

export function iperf3Args(plan: Iperf3Plan): string[] {
  if (plan.host.startsWith('-')) throw new Error('an iperf3 host never starts with -');
  const args = ['-c', plan.host, '-p', String(plan.port), '-J', '-t', String(plan.durationS), '-O', String(plan.warmupS), '-P', String(plan.streams), '-i', String(plan.intervalS), '--connect-timeout', String(plan.connectTimeoutMs), '--get-server-output'];
  if (plan.mode === 'download') args.push('-R');
  if (plan.mode === 'both') args.push('--bidir');
  if (plan.protocol === 'udp') {
    const perStreamBps = Math.max(1, Math.round((plan.udpMbps * 1e6) / plan.streams));
    args.push('-u', '-b', String(perStreamBps));
  }
  return args;
}
