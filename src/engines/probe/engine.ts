import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { targetError } from '../../measurements/validators.js';
import { neverThrows, roundMs, startResult } from '../result-builder.js';
import type { Engine } from '../types.js';
import { warmSocketPaths } from '../warm-up.js';
import type { ProbeOutcome } from './outcome.js';
import { udpPayload } from './payloads.js';
import { tcpProbe } from './tcp.js';
import { udpProbe } from './udp.js';

export type Lookup = (hostname: string) => Promise<{ address: string; family: number }>;

export interface ProbeEngineOptions {
  /** Name → address; the host's resolver by default (tests inject one: no query leaves the box). */
  lookup?: Lookup;
}

const systemLookup: Lookup = (hostname) => dnsLookup(hostname);

type Resolved = { address: string; family: 4 | 6 } | { outcome: ProbeOutcome };

/** Resolves within the deadline; a name that does not resolve is a finding, not a crash. */
async function resolve(target: string, lookup: Lookup, deadline: number, timeoutMs: number): Promise<Resolved> {
  const literal = isIP(target.split('%')[0]!);
  if (literal) return { address: target, family: literal as 4 | 6 };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Resolved>((done) => {
    timer = setTimeout(() => done({ outcome: { state: 'unresolved', reason: `the name lookup did not finish within ${timeoutMs} ms` } }), Math.max(0, deadline - performance.now()));
  });
  const looked = lookup(target).then(
    ({ address, family }): Resolved => ({ address, family: family === 6 ? 6 : 4 }),
    (error: NodeJS.ErrnoException): Resolved => ({
      outcome: { state: 'unresolved', reason: error.code === 'ENOTFOUND' || error.code === 'ENODATA' ? `${target} does not resolve (${error.code}): no such name or no address` : `name lookup failed (${error.code ?? error.message})` },
    }),
  );
  try {
    return await Promise.race([looked, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Port probe: TCP connect time, or UDP reachability. `timeout_ms` bounds the whole probe (name
 * lookup included), to the millisecond.
 */
export function createProbeEngine(options: ProbeEngineOptions = {}): Engine<'probe'> {
  const lookup = options.lookup ?? systemLookup;
  return neverThrows('probe', (spec) => spec.target, async (spec, ctx) => {
    const result = startResult('probe', spec.target);
    const invalid = targetError(spec.target);
    if (invalid) return result.failed(`target ${invalid}`);
    const deadline = performance.now() + spec.timeout_ms;
    const where = `${spec.protocol}/${spec.port} on ${spec.target}`;
    const method: Record<string, unknown> = { engine: 'probe', protocol: spec.protocol, timeout_ms: spec.timeout_ms, agent_version: ctx.agentVersion };
    ctx.onProgress({ phase: 'probe', elapsed_ms: 0, message: `probing ${where}` });

    await warmSocketPaths();
    const resolved = await resolve(spec.target, lookup, deadline, spec.timeout_ms);
    let outcome: ProbeOutcome;
    let address: string | undefined;
    if ('outcome' in resolved) outcome = resolved.outcome;
    else {
      address = resolved.address;
      method.address = address;
      if (spec.protocol === 'tcp') outcome = await tcpProbe(address, spec.port, deadline, spec.timeout_ms, ctx.signal);
      else {
        const { payload, kind } = udpPayload(spec.port);
        method.udp_payload = kind;
        outcome = await udpProbe(address, resolved.family, spec.port, payload, deadline, spec.timeout_ms, ctx.signal);
      }
    }
    const elapsedMs = roundMs(result.elapsedMs());
    const details = {
      state: outcome.state,
      reachable: outcome.state === 'open' ? true : outcome.state === 'open|filtered' ? null : false,
      protocol: spec.protocol,
      port: spec.port,
      address: address ?? null,
      reason: outcome.reason,
      elapsed_ms: elapsedMs,
      timeout_ms: spec.timeout_ms,
      ...(outcome.connectMs !== undefined ? { connect_ms: roundMs(outcome.connectMs) } : {}),
      ...(outcome.replyMs !== undefined ? { reply_ms: roundMs(outcome.replyMs) } : {}),
    };
    ctx.onProgress({ phase: 'probe', elapsed_ms: elapsedMs, message: `${where}: ${outcome.state}`, detail: details });
    if (outcome.canceled) return result.failed('canceled before the probe finished', details, method);
    if (outcome.state === 'open') return result.completed(outcome.connectMs !== undefined ? { connect_ms: roundMs(outcome.connectMs) } : {}, details, method);
    // Silence on UDP proves nothing either way: the probe itself worked, the state says what it saw.
    if (outcome.state === 'open|filtered') return result.completed({}, details, method);
    const at = address && address !== spec.target ? ` (${address})` : '';
    return result.failed(`${where}${at} is ${outcome.state}: ${outcome.reason}`, details, method);
  });
}
