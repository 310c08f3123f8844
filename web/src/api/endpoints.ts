// Every API call the UI makes, in one place, typed. Pages import `api` and nothing lower.
import { call, del, get, patch, post, type Query } from './client.js';
import type { Baseline, Delivery, FluxNotifySettings, Webhook } from './types.js';
import type {
  Agent, AgentDetail, Alert, AlertRule, ApiToken, AuditEntry, LoginAnswer, MaintenanceWindow, Me, NewApiToken,
  NewRegistrationToken, PathChange, SpeedTarget, SpeedTargetInput, RegistrationToken, ResultPage, RunAccepted, RunDetail, RunSummary, Schedule, TestKind,
  TestRequest, Trend, User,
} from './types.js';

const enc = encodeURIComponent;

export interface ResultFilters { agent?: string; type?: string; status?: string; target?: string; from?: string; to?: string; cursor?: string; limit?: number; schedule_id?: number }

export const api = {
  auth: {
    login: (username: string, password: string) => post<LoginAnswer>('/api/auth/login', { username, password }),
    me: () => get<Me>('/api/auth/me'),
    changePassword: (current_password: string, new_password: string) => post<void>('/api/auth/password', { current_password, new_password }),
  },
  tokens: {
    list: () => get<ApiToken[]>('/api/auth/tokens'),
    create: (name: string, expires_in_days?: number) => post<NewApiToken>('/api/auth/tokens', { name, ...(expires_in_days ? { expires_in_days } : {}) }),
    revoke: (id: number) => del(`/api/auth/tokens/${id}`),
  },
  users: {
    list: () => get<User[]>('/api/users'),
    create: (username: string, password: string, role: string) => post<User>('/api/users', { username, password, role }),
    update: (id: number, change: { role?: string; disabled?: boolean; password?: string }) => patch<User>(`/api/users/${id}`, change),
  },
  audit: (query: Query) => get<{ entries: AuditEntry[]; next_before_id: number | null }>('/api/audit', query),
  nodes: {
    list: (includeRetired = false) => get<Agent[]>('/api/speed/nodes', includeRetired ? { include_retired: true } : undefined),
    get: (id: string) => get<AgentDetail>(`/api/speed/nodes/${enc(id)}`),
    setMaintenance: (id: string, maintenance: boolean, maintenance_reason?: string) =>
      patch<Agent>(`/api/speed/nodes/${enc(id)}`, { maintenance, ...(maintenance_reason ? { maintenance_reason } : {}) }),
    retire: (id: string) => del(`/api/speed/nodes/${enc(id)}`),
  },
  agentTokens: {
    list: () => get<RegistrationToken[]>('/api/speed/agent-tokens'),
    create: (name: string, expires_in_days?: number) => post<NewRegistrationToken>('/api/speed/agent-tokens', { name, ...(expires_in_days ? { expires_in_days } : {}) }),
    revoke: (id: number) => del(`/api/speed/agent-tokens/${id}`),
  },
  targets: {
    list: () => get<SpeedTarget[]>('/api/speed/targets'),
    create: (body: SpeedTargetInput) => post<SpeedTarget>('/api/speed/targets', body),
    replace: (id: number, body: SpeedTargetInput) => call<SpeedTarget>('PUT', `/api/speed/targets/${id}`, { body }),
    remove: (id: number) => del(`/api/speed/targets/${id}`),
  },
  results: {
    list: (filters: ResultFilters, signal?: AbortSignal) => get<ResultPage>('/api/speed/results', { ...filters }, signal),
    get: (id: string) => get<RunDetail>(`/api/speed/results/${enc(id)}`),
    cancel: (id: string) => post<RunSummary>(`/api/speed/results/${enc(id)}/cancel`),
    eventsUrl: (id: string) => `/api/speed/results/${enc(id)}/events`,
  },
  /** Starts a test; answers 202 with the run id (the live page follows it over SSE). */
  run: <K extends TestKind>(kind: K, body: TestRequest[K]) => post<RunAccepted>(kind === 'speedtest' ? '/api/speed/test' : `/api/speed/${kind}`, body),
  alerts: {
    list: (query: { state?: 'open' | 'resolved'; kind?: string; agent?: string; metric?: string; since?: string; limit?: number; before_id?: number }) => get<Alert[]>('/api/speed/alerts', query),
    ack: (id: number) => post<Alert>(`/api/speed/alerts/${id}/ack`),
  },
  pathChanges: (query: { agent?: string; target?: string; limit?: number }) => get<PathChange[]>('/api/speed/path-changes', query),
  schedules: {
    list: () => get<Schedule[] | { schedules: Schedule[] }>('/api/speed/schedules').then((a) => (Array.isArray(a) ? a : a.schedules)),
    create: (body: Record<string, unknown>) => post<Schedule>('/api/speed/schedules', body),
    update: (id: number, body: Record<string, unknown>) => patch<Schedule>(`/api/speed/schedules/${id}`, body),
    remove: (id: number) => del(`/api/speed/schedules/${id}`),
    pause: (id: number) => post<Schedule>(`/api/speed/schedules/${id}/pause`),
    resume: (id: number) => post<Schedule>(`/api/speed/schedules/${id}/resume`),
    runNow: (id: number) => post<RunAccepted>(`/api/speed/schedules/${id}/run`),
  },
  alertRules: {
    list: () => get<AlertRule[]>('/api/speed/alert-rules'),
    create: (body: Record<string, unknown>) => post<AlertRule>('/api/speed/alert-rules', body),
    update: (id: number, body: Record<string, unknown>) => patch<AlertRule>(`/api/speed/alert-rules/${id}`, body),
    remove: (id: number) => del(`/api/speed/alert-rules/${id}`),
  },
  maintenance: {
    list: () => get<MaintenanceWindow[] | { windows: MaintenanceWindow[] }>('/api/speed/maintenance').then((a) => (Array.isArray(a) ? a : a.windows)),
    create: (body: Record<string, unknown>) => post<MaintenanceWindow>('/api/speed/maintenance', body),
    remove: (id: number) => del(`/api/speed/maintenance/${id}`),
    update: (id: number, body: Record<string, unknown>) => patch<MaintenanceWindow>(`/api/speed/maintenance/${id}`, body),
  },
  integrations: {
    list: () => get<Webhook[]>('/api/speed/integrations'),
    create: (body: Record<string, unknown>) => post<Webhook>('/api/speed/integrations', body),
    update: (id: number, body: Record<string, unknown>) => patch<Webhook>(`/api/speed/integrations/${id}`, body),
    remove: (id: number) => del(`/api/speed/integrations/${id}`),
    test: (id: number) => post<{ delivery_id: number }>(`/api/speed/integrations/${id}/test`),
    settings: () => get<{ flux_notify: FluxNotifySettings }>('/api/settings/integrations').then((a) => a.flux_notify),
    saveSettings: (body: Record<string, unknown>) => call<{ flux_notify: FluxNotifySettings }>('PUT', '/api/settings/integrations', { body }).then((a) => a.flux_notify),
    deliveries: (query: { state?: string; limit?: number } = {}) => get<Delivery[]>('/api/settings/integrations/deliveries', query),
  },
  baselines: {
    list: (query: { agent?: string; target?: string; metric?: string } = {}) => get<Baseline[]>('/api/speed/baselines', query),
    recompute: () => post<{ baselines: number; reliable: number }>('/api/speed/baselines/recompute'),
  },
  trends: (query: { agent: string; target?: string; metric: string; window: string }, signal?: AbortSignal) => get<Trend>('/api/speed/trends', query, signal),
  reportUrl: '/api/speed/report',
};
