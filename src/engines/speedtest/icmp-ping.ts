import { execFile, spawn } from 'node:child_process';
import { isIPv6 } from 'node:net';
import { CanceledError } from './abort.js';
import { summarise, type LatencyRun, type ProbePlan } from './latency-run.js';

/**
 * Idle RTT from the system `ping` (ICMP echo, answered by the target's kernel and timed with
 * kernel timestamps). Why besides the UDP reflector: the reflector's answer waits for a Node
 * event loop to wake on both hosts, which on a small VM adds 0.3-0.5 ms (measured: see
 * docs/measurements-bandwidth.md); ping's figure is the network's alone and is the one a NOC
 * compares against. When ping is missing, not permitted, or ICMP is filtered, the reflector's
 * figure is used and the result says so.
 */

/** One entry per echo request in order: the RTT in ms, or undefined for no reply. Pure. */
export function parsePingOutput(output: string, count: number): (number | undefined)[] {
  const rtts: (number | undefined)[] = Array.from({ length: count }, () => undefined);
  for (const match of output.matchAll(/icmp_seq=(\d+)\b.*?\btime[=<]([\d.]+) ?ms/g)) {
    const seq = Number(match[1]);
    // iputils numbers from 1; a late duplicate of an answered request is not a new sample.
    if (seq >= 1 && seq <= count && rtts[seq - 1] === undefined) rtts[seq - 1] = Number(match[2]);
  }
  return rtts;
}

export function pingArgs(address: string, plan: ProbePlan): string[] {
  if (address.startsWith('-')) throw new Error('a ping address never starts with -');
  const intervalS = Math.max(0.002, plan.intervalMs / 1000);
  return [...(isIPv6(address) ? ['-6'] : ['-4']), '-n', '-c', String(plan.count), '-i', String(intervalS), '-W', String(Math.max(1, Math.ceil(plan.timeoutMs / 1000))), address];
}

/** Runs ping; resolves undefined when it cannot run here (missing, not permitted), so the caller falls back. */
export function icmpPing(address: string, plan: ProbePlan, signal: AbortSignal, pingPath = 'ping'): Promise<(number | undefined)[] | undefined> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new CanceledError());
    const timeoutMs = plan.count * plan.intervalMs + plan.timeoutMs + 2000;
    const child = execFile(pingPath, pingArgs(address, plan), { timeout: timeoutMs, signal }, (error, stdout) => {
      if (signal.aborted) return reject(new CanceledError());
      const rtts = parsePingOutput(stdout, plan.count);
      // Exit 1 = some requests unanswered (still a measurement); anything else without a reply = cannot ping.
      if (error && rtts.every((r) => r === undefined)) return resolve(undefined);
      resolve(rtts);
    });
    child.on('error', () => {});
  });
}

/**
 * ping running through a loaded phase (for targets whose only other probe would open TCP
 * connections on someone's iPerf3 server). `stop()` interrupts it and returns every request
 * it sent, timed from `t0`.
 */
export function startLoadedPing(address: string, intervalMs: number, t0: number, pingPath = 'ping'): { stop(): Promise<LatencyRun> } {
  const spawnedAt = performance.now() - t0;
  const args = pingArgs(address, { count: 100_000, intervalMs, timeoutMs: 1000 });
  const child = spawn(pingPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.on('error', () => {});
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    async stop() {
      // SIGINT: ping prints its summary (with the count it sent) and exits.
      child.kill('SIGINT');
      const force = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(force);
      const transmitted = Number(/(\d+) packets transmitted/.exec(output)?.[1] ?? 0);
      const seen = [...output.matchAll(/icmp_seq=(\d+)/g)].map((m) => Number(m[1]));
      const count = Math.max(transmitted, ...seen, 0);
      const rtts = parsePingOutput(output, count);
      return summarise('icmp', rtts, rtts.map((_, i) => spawnedAt + i * intervalMs));
    },
  };
}
