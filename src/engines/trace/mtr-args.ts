import type { Static } from 'typebox';
import type { TraceJobSpec } from '../../measurements/job.js';

type Spec = Static<typeof TraceJobSpec>;

/** Report fields: loss, sent, received, last, best, avg, worst, stdev, jitter (cur, mean, max, interarrival). */
export const MTR_FIELDS = 'LSRNBAWVJMXI';

/**
 * mtr's arguments for a job; the target is the address already resolved, after `--` so nothing
 * can be read as an option. `-i` is in seconds; `-G` is how long mtr waits for late replies after
 * the last cycle (a reply later than that counts as lost).
 */
export function mtrArgs(spec: Spec, address: string, graceS: number): string[] {
  const args = ['--json', spec.reverse_dns ? '-b' : '-n', '-c', String(spec.count), '-i', String(spec.interval_ms / 1000), '-G', String(graceS), '-m', String(spec.max_hops), '-o', MTR_FIELDS];
  if (spec.protocol === 'tcp') args.push('--tcp');
  if (spec.protocol === 'udp') args.push('--udp');
  if (spec.port !== undefined && spec.protocol !== 'icmp') args.push('-P', String(spec.port));
  args.push('--', address);
  return args;
}

/** mtr's complaints, in words a NOC engineer can act on. */
export function explainMtrFailure(stderr: string, exitCode: number | null): string {
  const text = stderr.trim();
  if (/Failure to (open|start).*(sockets|mtr-packet)|Permission denied|Operation not permitted/i.test(text)) {
    return `mtr cannot open raw sockets on this agent (${lastLine(text)}): give mtr-packet the capability (setcap cap_net_raw+ep $(command -v mtr-packet)) or run the agent as root`;
  }
  if (/non-root users cannot request an interval/i.test(text)) return 'mtr refuses an interval below 1 s for a non-root user: use interval_ms ≥ 1000 or run the agent as root';
  if (/Failed to resolve host/i.test(text)) return `mtr could not resolve the target: ${lastLine(text)}`;
  if (/unknown|invalid|unrecognized option/i.test(text)) return `this mtr does not accept the arguments used (${lastLine(text)}): mtr 0.92 or later is needed`;
  return `mtr exited with ${exitCode === null ? 'a signal' : `code ${exitCode}`}${text ? `: ${lastLine(text)}` : ' and no message'}`;
}

function lastLine(text: string): string {
  return text.split('\n').filter(Boolean).slice(-2).join('; ');
}
