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
import type { AlertRuleBody, DeliveryBody, SettingsBody, WebhookBody } from '../../../src/alerts/schemas.js';
import type { BaselineBody } from '../../../src/baselines/schemas.js';
import type { AlertBody } from '../../../src/alerts/routes.js';
import type { ScheduleBody, Thresholds as ThresholdsBody } from '../../../src/schedules/schemas.js';
import type { WindowBody } from '../../../src/maintenance/routes.js';
import type { TrendBody } from '../../../src/history/routes.js';

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

/** GET /api/speed/alerts (src/alerts/routes.ts). */
export type Alert = Static<typeof AlertBody>;

export interface PathChange { id: number; agent: { id: string; name: string }; target: string; at: string; run_id: string; previous_run_id: string | null; previous_path: (string | null)[]; current_path: (string | null)[] }

export interface AuditEntry { id: number; at: string; actor_id: number | null; actor_name: string | null; action: string; target_type: string | null; target_id: string | null; details: Record<string, unknown>; ip: string | null }

/** Per-resolver answer of a DNS run (src/engines/dns/engine.ts ResolverOutcome). */
export interface ResolverOutcome { resolver: string; address: string; port: number; rating: DnsRating; response_ms?: number; transport?: string; rcode?: string; answers?: { type?: string; data?: unknown; ttl?: number }[]; reason?: string }

/** One direction of a speedtest (`details.download` / `details.upload`). */
export interface DirectionDetails { mbps: number; p90_mbps?: number; intervals: { t_ms: number; mbps: number; warmup?: true }[]; warmup_ms?: number; total_bytes?: number; loaded_latency?: { median_ms?: number; jitter_ms?: number } }

// ---- APIs of the schedules/alerts and history/reports features (DESIGN §6, §7, §12) ----

/** A schedule's SLA targets (src/schedules/schemas.ts). */
export type Thresholds = Static<typeof ThresholdsBody>;

/** GET /api/speed/schedules (src/schedules/schemas.ts); `test_type` narrowed to the four kinds. */
export type Schedule = Omit<Static<typeof ScheduleBody>, 'test_type' | 'thresholds'> & { test_type: TestKind; thresholds: Thresholds };

/** Alert rules, Flux Notify settings, webhooks and their delivery log: the server's schemas. */
export type AlertRule = Static<typeof AlertRuleBody>;
export type FluxNotifySettings = Static<typeof SettingsBody>['flux_notify'];
export type Webhook = Static<typeof WebhookBody>;
export type Delivery = Static<typeof DeliveryBody>;
export type Baseline = Static<typeof BaselineBody>;

/** GET /api/speed/maintenance (src/maintenance/routes.ts). */
export type MaintenanceWindow = Static<typeof WindowBody>;


/** GET /api/speed/trends (src/history/routes.ts). */
export type Trend = Static<typeof TrendBody>;
export type TrendPoint = Trend['points'][number];
