import path from 'node:path';
import { Type, type Static } from 'typebox';
import { ConfigError, parseEnvironment } from './env.js';

const severity = Type.Union(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'].map((v) => Type.Literal(v)));
const logLevel = Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((v) => Type.Literal(v)));

/** Every variable the server, worker and embedded mode read. DESIGN §3. */
export const ServerEnvironment = Type.Object({
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 4040 }),
  HOST: Type.String({ default: '0.0.0.0' }),
  DATA_DIR: Type.String({ default: './data', minLength: 1 }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://', description: 'a postgres:// URL' })),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://', description: 'a redis:// URL' })),
  REDIS_PREFIX: Type.String({ default: 'flux', pattern: '^[A-Za-z0-9:_-]{1,64}$', description: 'letters, digits, : _ -' }),
  JWT_SECRET: Type.Optional(Type.String({ pattern: '^[^,]{32,}(,[^,]{32,})*$', description: 'at least 32 characters; a comma-separated list rotates (the first signs, all verify)' })),
  JWT_TTL_S: Type.Integer({ minimum: 60, maximum: 30 * 86400, default: 12 * 3600 }),
  ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 8, description: 'at least 8 characters' })),
  AGENT_REGISTRATION_TOKEN: Type.Optional(Type.String({ minLength: 16, description: 'at least 16 characters' })),
  SEED_DEMO: Type.Boolean({ default: false }),
  LOCAL_AGENT: Type.String({ default: 'LOCAL', pattern: '^([A-Za-z0-9][A-Za-z0-9._-]{0,63})?$', allowEmpty: true, description: 'an agent name (letters, digits, . _ -) or empty to disable' }),
  AGENT_HEARTBEAT_S: Type.Integer({ minimum: 1, maximum: 300, default: 15 }),
  AGENT_OFFLINE_AFTER_S: Type.Integer({ minimum: 2, maximum: 86400, default: 120 }),
  RUN_TIMEOUT_GRACE_S: Type.Integer({ minimum: 1, maximum: 3600, default: 30 }),
  RUN_QUEUE_TIMEOUT_S: Type.Integer({ minimum: 1, maximum: 86400, default: 120 }),
  FLUX_NOTIFY_URL: Type.Optional(Type.String({ pattern: '^https?://', description: 'an http(s):// URL' })),
  FLUX_NOTIFY_API_KEY: Type.Optional(Type.String()),
  DEFAULT_SEVERITY: Type.Union(severity.anyOf, { default: 'HIGH' }),
  DEFAULT_CONTACT_LIST: Type.String({ default: 'NOC Team', minLength: 1 }),
  NOTIFY_DELIVERY_INTERVAL_MS: Type.Integer({ minimum: 50, maximum: 600_000, default: 2000 }),
  NOTIFY_RETRY_BASE_MS: Type.Integer({ minimum: 10, maximum: 600_000, default: 2000 }),
  NOTIFY_RETRY_MAX_S: Type.Integer({ minimum: 1, maximum: 86400, default: 600 }),
  NOTIFY_TIMEOUT_S: Type.Integer({ minimum: 1, maximum: 300, default: 10 }),
  BASELINE_RECOMPUTE_HOUR_UTC: Type.Integer({ minimum: 0, maximum: 23, default: 2 }),
  RAW_RETENTION_DAYS: Type.Integer({ minimum: 15, maximum: 3650, default: 90 }),
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://', description: 'an http(s):// URL' })),
  TRUSTED_PROXIES: Type.Optional(Type.String()),
  CORS_ORIGINS: Type.Optional(Type.String()),
  LOG_LEVEL: Type.Union(logLevel.anyOf, { default: 'info' }),
  SCHEDULE_MIN_INTERVAL_S: Type.Integer({ minimum: 1, maximum: 86400, default: 60 }),
  SCHEDULER_TICK_MS: Type.Integer({ minimum: 50, maximum: 60_000, default: 1000 }),
});
type ServerEnvironment = Static<typeof ServerEnvironment>;

export type Role = 'all' | 'server' | 'worker' | 'migrate' | 'tool';

export interface ServerConfig {
  role: Role;
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** Namespaces every Redis key, channel and queue (several installations can share one Redis). */
  redisPrefix: string;
  jwtSecrets: string[];
  jwtTtlS: number;
  adminPassword: string | undefined;
  agentRegistrationToken: string | undefined;
  seedDemo: boolean;
  localAgentName: string;
  agentHeartbeatS: number;
  agentOfflineAfterS: number;
  runTimeoutGraceS: number;
  /** How long a run may wait for its agent to take it before it times out. */
  runQueueTimeoutS: number;
  fluxNotify: { url: string | undefined; apiKey: string | undefined; defaultSeverity: string; defaultContactList: string };
  /** Notification delivery (Flux Notify and webhooks): worker tick, retry backoff, request timeout. */
  notifyDelivery: { intervalMs: number; retryBaseMs: number; retryMaxS: number; timeoutS: number };
  /** The hour (UTC) the worker recomputes baselines each night. */
  baselineRecomputeHourUtc: number;
  rawRetentionDays: number;
  publicUrl: string;
  trustedProxies: string[];
  corsOrigins: string[];
  logLevel: string;
  /** The shortest interval a schedule may have. */
  scheduleMinIntervalS: number;
  /** How often the worker looks for due schedules and maintenance windows opening or closing. */
  schedulerTickMs: number;
}

const list = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** Parse and cross-check the server configuration for one process role. */
export function loadServerConfig(env: Record<string, string | undefined>, role: Role): ServerConfig {
  const e = parseEnvironment(ServerEnvironment, env) as ServerEnvironment;
  if (e.AGENT_OFFLINE_AFTER_S < 2 * e.AGENT_HEARTBEAT_S) {
    throw new ConfigError(`invalid configuration:\n  AGENT_OFFLINE_AFTER_S: must be at least twice AGENT_HEARTBEAT_S (${2 * e.AGENT_HEARTBEAT_S}) (got ${e.AGENT_OFFLINE_AFTER_S})`);
  }
  if (role === 'server' || role === 'worker') {
    // Separate processes share state only through PostgreSQL and Redis; the embedded mode is `all`.
    for (const name of ['DATABASE_URL', 'REDIS_URL'] as const) {
      if (!e[name]) throw new ConfigError(`invalid configuration:\n  ${name}: required by \`flux-speed ${role}\` (separate processes share PostgreSQL and Redis; for one process use \`flux-speed all\`)`);
    }
  }
  return {
    role,
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    jwtSecrets: list(e.JWT_SECRET),
    jwtTtlS: e.JWT_TTL_S,
    adminPassword: e.ADMIN_PASSWORD,
    agentRegistrationToken: e.AGENT_REGISTRATION_TOKEN,
    seedDemo: e.SEED_DEMO,
    localAgentName: e.LOCAL_AGENT,
    agentHeartbeatS: e.AGENT_HEARTBEAT_S,
    agentOfflineAfterS: e.AGENT_OFFLINE_AFTER_S,
    runTimeoutGraceS: e.RUN_TIMEOUT_GRACE_S,
    runQueueTimeoutS: e.RUN_QUEUE_TIMEOUT_S,
    fluxNotify: {
      url: e.FLUX_NOTIFY_URL,
      apiKey: e.FLUX_NOTIFY_API_KEY,
      defaultSeverity: e.DEFAULT_SEVERITY,
      defaultContactList: e.DEFAULT_CONTACT_LIST,
    },
    notifyDelivery: { intervalMs: e.NOTIFY_DELIVERY_INTERVAL_MS, retryBaseMs: e.NOTIFY_RETRY_BASE_MS, retryMaxS: e.NOTIFY_RETRY_MAX_S, timeoutS: e.NOTIFY_TIMEOUT_S },
    baselineRecomputeHourUtc: e.BASELINE_RECOMPUTE_HOUR_UTC,
    rawRetentionDays: e.RAW_RETENTION_DAYS,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    trustedProxies: list(e.TRUSTED_PROXIES),
    corsOrigins: list(e.CORS_ORIGINS),
    logLevel: e.LOG_LEVEL,
    scheduleMinIntervalS: e.SCHEDULE_MIN_INTERVAL_S,
    schedulerTickMs: e.SCHEDULER_TICK_MS,
  };
}
