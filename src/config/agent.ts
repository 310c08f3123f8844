import path from 'node:path';
import { Type, type Static } from 'typebox';
import { ConfigError, parseEnvironment } from './env.js';

/** The agent's variables: the brief's four plus where it keeps its buffer and serves targets. */
export const AgentEnvironment = Type.Object({
  SPEED_SERVER_URL: Type.String({ pattern: '^https?://[^\\s]+$', description: 'the server, e.g. http://flux-speed:4040' }),
  AGENT_NAME: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description: 'letters, digits, . _ - (at most 64)' }),
  AGENT_LOCATION: Type.String({ default: '', maxLength: 200 }),
  AGENT_TOKEN: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  AGENT_DATA_DIR: Type.String({ default: './agent-data', minLength: 1 }),
  AGENT_LISTEN: Type.String({ default: '0.0.0.0:4045', allowEmpty: true, pattern: '^(([^\\s:]+|\\[[0-9a-fA-F:]+\\]):\\d{1,5})?$', description: 'host:port, or empty to serve nothing' }),
  AGENT_BUFFER_MAX: Type.Integer({ minimum: 10, maximum: 1_000_000, default: 10_000 }),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((v) => Type.Literal(v)), { default: 'info' }),
});
type AgentEnvironment = Static<typeof AgentEnvironment>;

export interface AgentConfig {
  serverUrl: string;
  name: string;
  location: string;
  registrationToken: string | undefined;
  dataDir: string;
  listen: { host: string; port: number } | undefined;
  bufferMax: number;
  logLevel: string;
}

export function parseListen(value: string): { host: string; port: number } | undefined {
  if (!value) return undefined;
  const match = /^(.*):(\d{1,5})$/.exec(value);
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535) throw new ConfigError(`invalid configuration:\n  AGENT_LISTEN: must be host:port with a port 1-65535 (got ${JSON.stringify(value)})`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

export function loadAgentConfig(env: Record<string, string | undefined>): AgentConfig {
  const e = parseEnvironment(AgentEnvironment, env) as AgentEnvironment;
  return {
    serverUrl: e.SPEED_SERVER_URL.replace(/\/+$/, ''),
    name: e.AGENT_NAME,
    location: e.AGENT_LOCATION,
    registrationToken: e.AGENT_TOKEN,
    dataDir: path.resolve(e.AGENT_DATA_DIR),
    listen: parseListen(e.AGENT_LISTEN),
    bufferMax: e.AGENT_BUFFER_MAX,
    logLevel: e.LOG_LEVEL,
  };
}
