// Wire shapes. Where the server defines a schema (TypeBox), the type is taken from it so the UI
// and the API cannot drift ("one schema per wire shape"); type-only imports, nothing of the
// server ends up in the bundle. Shapes of APIs still being built follow DESIGN §12 and the brief.
import type { Static } from 'typebox';
import type { AgentBody, RegistrationTokenBody, StateChangeBody } from '../../../src/agents/schemas.js';
import type { Progress as ProgressBody } from '../../../src/measurements/job.js';
import type { DnsRequest, ProbeRequest, SpeedtestRequest, TraceRequest } from '../../../src/measurements/requests.js';
import type { MetricName } from '../../../src/measurements/metrics.js';
import type { RunAcceptedBody, RunDetailBody, RunSummaryBody } from '../../../src/runs/schemas.js';
import type { RunStatus } from '../../../src/runs/lifecycle.js';
import type { AgentState } from '../../../src/agents/state.js';
import type { UserBody } from '../../../src/users/schemas.js';
import type { UserRole } from '../../../src/users/roles.js';
import type { Hop } from '../../../src/engines/trace/mtr-report.js';
import type { DnsRating } from '../../../src/engines/dns/rating.js';

export type { AgentState, DnsRating, Hop, MetricName, RunStatus, UserRole };
export type Agent = Static<typeof AgentBody>;
export type StateChange = Static<typeof StateChangeBody>;
export type AgentDetail = Agent & { state_history: StateChange[]; recent_runs: { id: string; kind: string; target: string; status: string; created_at: string }[] };
export type RegistrationToken = Static<typeof RegistrationTokenBody>;
export type NewRegistrationToken = RegistrationToken & { token: string; docker_run: string };
/** The schema types `role` as a string with an enum; the UI narrows it. */
export type User = Omit<Static<typeof UserBody>, 'role'> & { role: UserRole };
export type Me = User & { via: string };
export type RunSummary = Static<typeof RunSummaryBody>;
export type RunDetail = Static<typeof RunDetailBody>;
export type RunAccepted = Static<typeof RunAcceptedBody>;
export type Progress = Static<typeof ProgressBody>;
export type Metrics = RunSummary['metrics'];
export type TestKind = 'speedtest' | 'trace' | 'probe' | 'dns';
export type TestRequest = { speedtest: SpeedtestRequest; trace: TraceRequest; probe: ProbeRequest; dns: DnsRequest };

export interface ApiErrorBody { error: string; message: string; field?: string; request_id?: string }
export interface LoginAnswer { token: string; expires_at: string; user: User }
export interface ResultPage { results: RunSummary[]; next_cursor: string | null }

export interface SpeedTarget { id: number; name: string; kind: 'http' | 'iperf3'; address: string; location: string; auto: boolean; created_at: string; updated_at: string }
export type SpeedTargetInput = Pick<SpeedTarget, 'name' | 'kind' | 'address'> & { location?: string; auto?: boolean };

export interface ApiToken { id: number; name: string; prefix: string; created_at: string; expires_at: string | null; last_used_at: string | null; revoked: boolean }
export type NewApiToken = ApiToken & { token: string };

export interface Alert {
  id: number;
  kind: string;
  state: string;
  agent: { id: string; name: string } | null;
  target: string | null;
  metric: string | null;
  value: number | null;
  threshold: number | null;
  severity: string;
  title: string;
  opened_at: string;
  resolved_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  details: Record<string, unknown>;
}

export interface PathChange { id: number; agent: { id: string; name: string }; target: string; at: string; run_id: string; previous_run_id: string | null; previous_path: (string | null)[]; current_path: (string | null)[] }

export interface AuditEntry { id: number; at: string; actor_id: number | null; actor_name: string | null; action: string; target_type: string | null; target_id: string | null; details: Record<string, unknown>; ip: string | null }

/** Per-resolver answer of a DNS run (src/engines/dns/engine.ts ResolverOutcome). */
export interface ResolverOutcome { resolver: string; address: string; port: number; rating: DnsRating; response_ms?: number; transport?: string; rcode?: string; answers?: { type?: string; data?: unknown; ttl?: number }[]; reason?: string }

/** One direction of a speedtest (`details.download` / `details.upload`). */
export interface DirectionDetails { mbps: number; p90_mbps?: number; intervals: { t_ms: number; mbps: number; warmup?: true }[]; warmup_ms?: number; total_bytes?: number; loaded_latency?: { median_ms?: number; jitter_ms?: number } }

// ---- APIs of the schedules/alerts and history/reports features (DESIGN §6, §7, §12) ----

export interface Thresholds { download_min_mbps?: number; upload_min_mbps?: number; latency_max_ms?: number; jitter_max_ms?: number; packet_loss_max_pct?: number; baseline_deviation_pct?: number }

export interface Schedule {
  id: number;
  name: string;
  agent: string | { id: string; name: string };
  target: string;
  test_type: TestKind;
  interval_seconds: number;
  thresholds?: Thresholds | null;
  alert_on_breach?: boolean;
  notify_contact_list?: string | null;
  consecutive_failures?: number;
  enabled?: boolean;
  paused?: boolean;
  next_run_at?: string | null;
  last_run_at?: string | null;
  [parameter: string]: unknown;
}

export interface AlertRule {
  id: number;
  name: string;
  agent?: string | null;
  target?: string | null;
  metric: string;
  condition?: string;
  operator?: string;
  threshold?: number;
  deviation_pct?: number;
  consecutive_failures?: number;
  severity?: string;
  notify_contact_list?: string | null;
  enabled?: boolean;
  [field: string]: unknown;
}

export interface MaintenanceWindow { id: number; agent?: string | { id: string; name: string } | null; name?: string; reason?: string | null; starts_at: string; ends_at: string; recurrence?: string | null; [field: string]: unknown }

export interface Integration { id?: number; kind?: string; name?: string; url?: string; enabled?: boolean; [field: string]: unknown }

export interface TrendPoint { t: string; avg: number | null; min?: number | null; max?: number | null; p95?: number | null; count?: number }
export interface Trend {
  granularity?: string;
  points: TrendPoint[];
  baseline?: { median?: number | null; low?: number | null; high?: number | null; reliable?: boolean; count?: number } | null;
  thresholds?: { min?: number | null; max?: number | null } | null;
}
