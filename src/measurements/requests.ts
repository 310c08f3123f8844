import { Type, type Static } from 'typebox';
import { badRequest } from '../http/errors.js';
import type { DnsJobSpec, ProbeJobSpec, SpeedtestJobSpec, TraceJobSpec } from './job.js';
import { hostnameError, isIpAddress, resolverError, speedtestTargetError, targetError, urlError } from './validators.js';

/**
 * The API request bodies of the brief (`POST /api/speed/test|trace|probe|dns`) and their
 * conversion into job specs. Defaults live in the schemas (Fastify's Ajv fills them in) and again
 * in the converters, so a body that skipped the schema (a schedule) gets the same job.
 * Enumerations accept any case ("TCP", "Download"): the converters lower-case them and reject
 * the rest with a message naming the values, clearer than a regular-expression mismatch.
 */

export const SPEED_PROTOCOLS = ['tcp', 'udp'] as const;
export const DIRECTIONS = ['bidirectional', 'download', 'upload'] as const;
export const DURATIONS_S = [10, 20, 30, 60] as const;
export const SPEED_ENGINES = ['http', 'iperf3'] as const;
export const TRACE_PROTOCOLS = ['icmp', 'udp', 'tcp'] as const;
export const PROBE_PROTOCOLS = ['tcp', 'udp'] as const;
export const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SOA', 'PTR', 'SRV'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

const Agent = Type.String({ minLength: 1, maxLength: 64, description: 'name of the agent that measures' });
const Target = Type.String({ minLength: 1, maxLength: 253, description: 'hostname or IP address' });
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const choice = (values: readonly string[], byDefault?: string) =>
  Type.String({ minLength: 1, maxLength: 16, description: `${values.join(' | ')} (any case)`, ...(byDefault ? { default: byDefault } : {}) });

export const SpeedtestRequest = Type.Object({
  agent: Agent,
  target: Type.Optional(Type.String({ minLength: 1, maxLength: 2048, default: 'auto', description: 'auto, server, agent:NAME, a target name, an http(s) URL, or host[:port] (iPerf3)' })),
  protocol: Type.Optional(choice(SPEED_PROTOCOLS, 'tcp')),
  direction: Type.Optional(choice(DIRECTIONS, 'bidirectional')),
  duration: Type.Optional(Type.Integer({ enum: [...DURATIONS_S], default: 20, description: 'seconds per direction: 10, 20, 30 or 60' })),
  streams: Type.Optional(Type.Integer({ minimum: 1, maximum: 8, default: 4 })),
  simultaneous: Type.Optional(Type.Boolean({ default: false, description: 'bidirectional in full duplex instead of one direction after the other' })),
  engine: Type.Optional(choice(SPEED_ENGINES)),
  upload_url: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
  udp_bandwidth_mbps: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100_000 })),
}, { additionalProperties: false });
export type SpeedtestRequest = Static<typeof SpeedtestRequest>;

export const TraceRequest = Type.Object({
  agent: Agent,
  target: Target,
  count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 10, description: 'probes per hop' })),
  interval_ms: Type.Optional(Type.Integer({ minimum: 100, maximum: 60_000, default: 1000, description: 'between cycles; below 1000 the agent must run as root' })),
  max_hops: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, default: 30 })),
  protocol: Type.Optional(choice(TRACE_PROTOCOLS, 'icmp')),
  port: Type.Optional(Port),
}, { additionalProperties: false });
export type TraceRequest = Static<typeof TraceRequest>;

export const ProbeRequest = Type.Object({
  agent: Agent,
  target: Target,
  port: Port,
  protocol: Type.Optional(choice(PROBE_PROTOCOLS, 'tcp')),
  timeout_ms: Type.Optional(Type.Integer({ minimum: 1, maximum: 60_000, default: 2000 })),
}, { additionalProperties: false });
export type ProbeRequest = Static<typeof ProbeRequest>;

export const DnsRequest = Type.Object({
  agent: Agent,
  hostname: Type.String({ minLength: 1, maxLength: 254, description: 'name to resolve (an IP address for PTR)' }),
  resolvers: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 16, default: [], description: "ip, ip:port or [ipv6]:port; empty: the agent's system resolvers" })),
  record_type: Type.Optional(choice(RECORD_TYPES, 'A')),
  timeout_ms: Type.Optional(Type.Integer({ minimum: 1, maximum: 60_000, default: 2000 })),
}, { additionalProperties: false });
export type DnsRequest = Static<typeof DnsRequest>;

/** Lower-cases (or upper-cases) an enumeration value and checks it; throws a 400 naming the field. */
export function pick<T extends string>(field: string, value: string | undefined, values: readonly T[], byDefault: T, upper = false): T {
  if (value === undefined) return byDefault;
  const normalised = upper ? value.toUpperCase() : value.toLowerCase();
  if ((values as readonly string[]).includes(normalised)) return normalised as T;
  throw badRequest(field, `must be one of ${values.join(', ')}`);
}

function check(field: string, problem: string | undefined): void {
  if (problem) throw badRequest(field, problem);
}

function range(field: string, value: number | undefined, min: number, max: number, byDefault: number): number {
  if (value === undefined) return byDefault;
  if (!Number.isInteger(value) || value < min || value > max) throw badRequest(field, `must be an integer from ${min} to ${max}`);
  return value;
}

/** The speedtest job without `candidates`: the server adds them when it resolves the target. */
export function speedtestJobBase(request: SpeedtestRequest): Omit<Static<typeof SpeedtestJobSpec>, 'candidates'> {
  const target = request.target ?? 'auto';
  check('target', speedtestTargetError(target));
  if (request.upload_url !== undefined) check('upload_url', urlError(request.upload_url));
  if (request.engine !== undefined) pick('engine', request.engine, SPEED_ENGINES, 'http');
  const duration = request.duration ?? 20;
  if (!(DURATIONS_S as readonly number[]).includes(duration)) throw badRequest('duration', 'must be one of 10, 20, 30, 60');
  const protocol = pick('protocol', request.protocol, SPEED_PROTOCOLS, 'tcp');
  if (request.udp_bandwidth_mbps !== undefined && protocol !== 'udp') throw badRequest('udp_bandwidth_mbps', 'applies only to protocol udp');
  return {
    target,
    protocol,
    direction: pick('direction', request.direction, DIRECTIONS, 'bidirectional'),
    duration,
    streams: range('streams', request.streams, 1, 8, 4),
    simultaneous: request.simultaneous ?? false,
    ...(request.udp_bandwidth_mbps !== undefined ? { udp_bandwidth_mbps: request.udp_bandwidth_mbps } : {}),
  };
}

export function traceJobSpec(request: TraceRequest): Static<typeof TraceJobSpec> {
  check('target', targetError(request.target));
  const protocol = pick('protocol', request.protocol, TRACE_PROTOCOLS, 'icmp');
  if (request.port !== undefined && protocol === 'icmp') throw badRequest('port', 'applies only to tcp and udp traces');
  return {
    target: request.target,
    count: range('count', request.count, 1, 1000, 10),
    interval_ms: range('interval_ms', request.interval_ms, 100, 60_000, 1000),
    max_hops: range('max_hops', request.max_hops, 1, 64, 30),
    protocol,
    ...(request.port !== undefined ? { port: range('port', request.port, 1, 65535, 0) } : {}),
  };
}

export function probeJobSpec(request: ProbeRequest): Static<typeof ProbeJobSpec> {
  check('target', targetError(request.target));
  return {
    target: request.target,
    port: range('port', request.port, 1, 65535, 0),
    protocol: pick('protocol', request.protocol, PROBE_PROTOCOLS, 'tcp'),
    timeout_ms: range('timeout_ms', request.timeout_ms, 1, 60_000, 2000),
  };
}

export function dnsJobSpec(request: DnsRequest): Static<typeof DnsJobSpec> {
  const recordType = pick('record_type', request.record_type, RECORD_TYPES, 'A', true);
  // PTR accepts the address itself (the agent builds the in-addr.arpa / ip6.arpa name).
  if (!(recordType === 'PTR' && isIpAddress(request.hostname))) check('hostname', hostnameError(request.hostname));
  const resolvers = request.resolvers ?? [];
  resolvers.forEach((resolver, i) => check(`resolvers.${i}`, resolverError(resolver)));
  return { hostname: request.hostname, resolvers: [...resolvers], record_type: recordType, timeout_ms: range('timeout_ms', request.timeout_ms, 1, 60_000, 2000) };
}
