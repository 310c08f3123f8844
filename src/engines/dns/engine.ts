import { isIP } from 'node:net';
import { RECORD_TYPES } from '../../measurements/requests.js';
import { hostnameError, isIpAddress, parseResolver } from '../../measurements/validators.js';
import { neverThrows, roundMs, startResult } from '../result-builder.js';
import type { Engine } from '../types.js';
import { warmSocketPaths } from '../warm-up.js';
import { rcodeName, type DnsRecord } from './codec.js';
import { encodeRdata } from './records.js';
import { isResolvingRcode, median, rateResolution, type DnsRating } from './rating.js';
import { readSystemResolvers } from './resolv-conf.js';
import { exchange } from './transport.js';

export interface DnsEngineOptions {
  /** Where the system resolvers are read from when a job lists none. */
  resolvConfPath?: string;
}

export interface ResolverOutcome {
  resolver: string;
  address: string;
  port: number;
  rating: DnsRating;
  /** Time to a usable answer (over TCP too when UDP came back truncated); absent without one. */
  response_ms?: number;
  transport?: 'udp' | 'tcp';
  udp_ms?: number;
  rcode?: string;
  authoritative?: boolean;
  recursion_available?: boolean;
  answers?: DnsRecord[];
  /** Why it rated CRITICAL when it did not answer usefully. */
  reason?: string;
}

/** `10.0.0.1` → `1.0.0.10.in-addr.arpa`; IPv6 → nibbles under ip6.arpa (a PTR job may give the address). */
export function reverseName(address: string): string {
  if (isIP(address) === 4) return `${address.split('.').reverse().join('.')}.in-addr.arpa`;
  const hex = encodeRdata('AAAA', address.split('%')[0]!).toString('hex');
  return `${[...hex].reverse().join('.')}.ip6.arpa`;
}

async function askOne(resolver: string, name: string, type: string, timeoutMs: number, signal: AbortSignal): Promise<ResolverOutcome> {
  const parsed = parseResolver(resolver);
  if (!parsed) return { resolver, address: resolver, port: 0, rating: 'CRITICAL', reason: 'not an IP address, ip:port or [ipv6]:port' };
  const base = { resolver, address: parsed.address, port: parsed.port };
  const result = await exchange(parsed.address, parsed.port, { name, type }, timeoutMs, signal);
  if (!result.ok) return { ...base, rating: 'CRITICAL', reason: result.reason };
  const rcode = rcodeName(result.message.rcode);
  const resolving = isResolvingRcode(rcode);
  return {
    ...base,
    rating: resolving ? rateResolution(result.responseMs) : 'CRITICAL',
    response_ms: roundMs(result.responseMs),
    transport: result.transport,
    ...(result.udpMs !== undefined ? { udp_ms: roundMs(result.udpMs) } : {}),
    rcode,
    authoritative: result.message.aa,
    recursion_available: result.message.ra,
    answers: result.message.answers,
    ...(resolving ? {} : { reason: `answered ${rcode}: the resolver did not resolve the name` }),
  };
}

/**
 * DNS timing: the same question to every resolver at once, each on its own deadline, rated by the
 * brief's table. Headline `resolve_ms` is the median of the resolvers that resolved.
 */
export function createDnsEngine(options: DnsEngineOptions = {}): Engine<'dns'> {
  const resolvConfPath = options.resolvConfPath ?? '/etc/resolv.conf';
  return neverThrows('dns', (spec) => spec.hostname, async (spec, ctx) => {
    const result = startResult('dns', spec.hostname);
    const type = spec.record_type.toUpperCase();
    // Jobs are validated at the API; a schedule or a hand-made job is checked again here.
    if (!(RECORD_TYPES as readonly string[]).includes(type)) return result.failed(`record_type ${spec.record_type} is not one of ${RECORD_TYPES.join(', ')}`);
    const ptrOfAddress = type === 'PTR' && isIpAddress(spec.hostname);
    const invalid = ptrOfAddress ? undefined : hostnameError(spec.hostname);
    if (invalid) return result.failed(`hostname ${invalid}`);
    const name = ptrOfAddress ? reverseName(spec.hostname) : spec.hostname;
    let resolvers = spec.resolvers;
    let source = 'request';
    if (resolvers.length === 0) {
      source = resolvConfPath;
      try {
        resolvers = await readSystemResolvers(resolvConfPath);
      } catch (error) {
        return result.failed(`no resolvers were given and ${resolvConfPath} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      if (resolvers.length === 0) return result.failed(`no resolvers were given and ${resolvConfPath} lists no nameserver`);
    }
    await warmSocketPaths();
    const method = { engine: 'dns', query_name: name, record_type: type, transport: 'udp, tcp when truncated', edns_udp_payload_bytes: 1232, recursion_desired: true, timeout_ms: spec.timeout_ms, resolvers_from: source, agent_version: ctx.agentVersion };

    const outcomes = await Promise.all(
      resolvers.map(async (resolver) => {
        const outcome = await askOne(resolver, name, type, spec.timeout_ms, ctx.signal);
        ctx.onProgress({ phase: 'dns', elapsed_ms: roundMs(result.elapsedMs()), message: `${resolver}: ${outcome.rating}${outcome.response_ms !== undefined ? ` ${outcome.response_ms} ms` : ''}`, detail: outcome });
        return outcome;
      }),
    );
    if (ctx.signal.aborted) return result.failed('canceled before every resolver answered', { resolvers: outcomes }, method);

    const answering = outcomes.filter((o) => o.response_ms !== undefined && o.reason === undefined);
    const resolveMs = median(answering.map((o) => o.response_ms!));
    const ratings = Object.fromEntries((['EXCELLENT', 'GOOD', 'SLOW', 'CRITICAL'] as const).map((r) => [r, outcomes.filter((o) => o.rating === r).length]));
    const details = { hostname: spec.hostname, query_name: name, record_type: type, resolvers: outcomes, answered: answering.length, ratings };
    if (resolveMs === undefined) {
      return result.failed(`no resolver resolved ${name}: ${outcomes.map((o) => `${o.resolver} ${o.reason ?? 'no answer'}`).join('; ')}`, details, method);
    }
    return result.completed({ resolve_ms: roundMs(resolveMs) }, details, method);
  });
}
