import { Type, type Static } from 'typebox';
import { METRIC_NAMES } from './metrics.js';

/**
 * The wire shapes of a measurement, defined once: the job the server sends an agent, the progress
 * it streams back and the result it returns. snake_case on the wire, as the API.
 */

/** A speedtest target after the server resolved the request's `target` (DESIGN §12). */
export const ResolvedTarget = Type.Object({
  /** What the user asked for or the known target's name, e.g. `server`, `agent:HQ`, `iperf-lab`. */
  name: Type.String(),
  engine: Type.Union([Type.Literal('http'), Type.Literal('iperf3')]),
  /** Hostname or address to measure (HTTP: the URL's host). */
  host: Type.String(),
  /** http: base URL of a Flux Speed endpoint set (`/speed/*`), when the target is one. */
  base_url: Type.Optional(Type.String()),
  /** http: a third-party download URL / upload URL. */
  download_url: Type.Optional(Type.String()),
  upload_url: Type.Optional(Type.String()),
  /** iperf3: server port (5201 by default). */
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  /** UDP echo reflector for idle latency/jitter/loss, when the target has one. */
  reflector_port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  /** Header sent with HTTP requests to a Flux Speed server (agent credential). */
  authorization: Type.Optional(Type.String()),
  /** Where the target is (a known target's or agent's location), shown with the auto choice. */
  location: Type.Optional(Type.String()),
});
export type ResolvedTarget = Static<typeof ResolvedTarget>;

export const SpeedtestJobSpec = Type.Object({
  target: Type.String(),
  protocol: Type.Union([Type.Literal('tcp'), Type.Literal('udp')]),
  direction: Type.Union([Type.Literal('download'), Type.Literal('upload'), Type.Literal('bidirectional')]),
  duration: Type.Integer({ description: 'seconds per direction' }),
  streams: Type.Integer({ minimum: 1, maximum: 8 }),
  simultaneous: Type.Boolean(),
  /** One target, or several candidates for `auto` (the nearest by median RTT wins). */
  candidates: Type.Array(ResolvedTarget, { minItems: 1 }),
  udp_bandwidth_mbps: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
});

export const TraceJobSpec = Type.Object({
  target: Type.String(),
  count: Type.Integer({ minimum: 1, maximum: 1000 }),
  interval_ms: Type.Integer({ minimum: 10, maximum: 60000 }),
  max_hops: Type.Integer({ minimum: 1, maximum: 64 }),
  protocol: Type.Union([Type.Literal('icmp'), Type.Literal('udp'), Type.Literal('tcp')]),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  /** Show each hop's reverse DNS name beside its address (mtr -b). Off unless set: a PTR query per hop goes to the agent's resolver. */
  reverse_dns: Type.Optional(Type.Boolean()),
});

export const ProbeJobSpec = Type.Object({
  target: Type.String(),
  port: Type.Integer({ minimum: 1, maximum: 65535 }),
  protocol: Type.Union([Type.Literal('tcp'), Type.Literal('udp')]),
  timeout_ms: Type.Integer({ minimum: 1, maximum: 60000 }),
});

export const DnsJobSpec = Type.Object({
  hostname: Type.String(),
  /** `ip` or `ip:port` (`[v6]:port`); empty: the agent's configured resolvers. */
  resolvers: Type.Array(Type.String()),
  record_type: Type.String(),
  timeout_ms: Type.Integer({ minimum: 1, maximum: 60000 }),
});

export const MeasurementJob = Type.Union([
  Type.Object({ kind: Type.Literal('speedtest'), spec: SpeedtestJobSpec }),
  Type.Object({ kind: Type.Literal('trace'), spec: TraceJobSpec }),
  Type.Object({ kind: Type.Literal('probe'), spec: ProbeJobSpec }),
  Type.Object({ kind: Type.Literal('dns'), spec: DnsJobSpec }),
]);
export type MeasurementJob = Static<typeof MeasurementJob>;

export const MetricsBody = Type.Object(Object.fromEntries(METRIC_NAMES.map((name) => [name, Type.Optional(Type.Number())])));

/** Live progress streamed while a measurement runs. */
export const Progress = Type.Object({
  phase: Type.String({ description: 'e.g. latency, download, upload, trace, probe, dns' }),
  elapsed_ms: Type.Number(),
  /** Throughput of the last sampling interval. */
  mbps: Type.Optional(Type.Number()),
  message: Type.Optional(Type.String()),
  /** Kind-specific detail (a hop as it resolves, a resolver's answer). */
  detail: Type.Optional(Type.Unknown()),
});
export type Progress = Static<typeof Progress>;

export const MeasurementResult = Type.Object({
  kind: Type.Union([Type.Literal('speedtest'), Type.Literal('trace'), Type.Literal('probe'), Type.Literal('dns')]),
  status: Type.Union([Type.Literal('completed'), Type.Literal('failed')]),
  /** Why it failed, in words a NOC engineer can act on. */
  error: Type.Optional(Type.String()),
  started_at: Type.String({ format: 'date-time' }),
  finished_at: Type.String({ format: 'date-time' }),
  /** The target actually measured (the chosen one for `auto`). */
  target: Type.String(),
  /** Headline figures, named with units; what alerts, rollups and reports read. */
  metrics: MetricsBody,
  /** Everything else the run measured: interval series, hop table, per-resolver answers. */
  details: Type.Record(Type.String(), Type.Unknown()),
  /** How it was measured: engine, streams, duration, warm-up, bytes, elapsed, address, agent version. */
  method: Type.Record(Type.String(), Type.Unknown()),
});
export type MeasurementResult = Static<typeof MeasurementResult>;
