import type { ResolvedTarget } from './job.js';
import { parseHostPort, parseHttpUrl, urlHost, urlPort } from './target-host.js';

/**
 * Resolving a speedtest request's `target` into what an agent measures (DESIGN §12). Pure: the
 * caller passes everything known (the server's endpoints, agents' AGENT_LISTEN endpoints, the
 * admin-managed targets list), so every rule has a table-driven test.
 */

export type SpeedEngine = 'http' | 'iperf3';

/** DESIGN §12: the port of a managed iperf3 server, and iperf3's own default. */
export const IPERF3_DEFAULT_PORT = 5201;

/** An entry of the admin-managed targets list. */
export interface KnownTarget {
  name: string;
  kind: SpeedEngine;
  /** http: an http(s) URL; iperf3: `host`, `host:port` or `[v6]:port`. */
  address: string;
  location?: string;
}

/** An agent's AGENT_LISTEN endpoints, as others reach them. */
export interface AgentEndpoint {
  name: string;
  /** Address other agents reach it at; undefined when AGENT_LISTEN is empty. */
  host?: string;
  /** HTTP speed endpoints on TCP, the reflector on UDP, same number. */
  port?: number;
  /** It runs a managed iperf3 server (on 5201). */
  iperf3?: boolean;
  location?: string;
}

/** This server's own `/speed/*` endpoints. */
export interface ServerEndpoint {
  base_url: string;
  reflector_port?: number;
  /** Filled in by the agent (its own credential), never by the server. */
  authorization?: string;
}

export interface TargetOptions {
  /** An explicit engine overrides the one the target's form implies. */
  engine?: SpeedEngine;
  upload_url?: string;
  server?: ServerEndpoint;
  agents?: AgentEndpoint[];
  targets?: KnownTarget[];
  /** The agent that runs the test: `auto` never picks it as its own target. */
  self_agent?: string;
}

/** A target that cannot be resolved, naming the request field at fault. */
export class TargetError extends Error {
  override name = 'TargetError';
  constructor(
    readonly field: 'target' | 'upload_url' | 'engine',
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const AGENT_PREFIX = 'agent:';

export function resolveSpeedtestTarget(target: string, options: TargetOptions = {}): ResolvedTarget[] | TargetError {
  try {
    if (target.length === 0) throw new TargetError('target', 'is required');
    let uploadUrl: string | undefined;
    if (options.upload_url !== undefined) {
      const url = parseHttpUrl(options.upload_url);
      if (!(url instanceof URL)) throw new TargetError('upload_url', url.problem);
      uploadUrl = url.href;
    }
    const resolved = resolve(target, options);
    if (uploadUrl !== undefined) {
      if (resolved.length !== 1 || resolved[0]!.engine !== 'http') throw new TargetError('upload_url', 'applies only to a single HTTP target');
      resolved[0]!.upload_url = uploadUrl;
    }
    return resolved;
  } catch (error) {
    if (error instanceof TargetError) return error;
    throw error;
  }
}

function resolve(target: string, options: TargetOptions): ResolvedTarget[] {
  if (target === 'auto') return autoCandidates(options);
  if (target === 'server') return [fromServer(options, options.engine)];
  if (target.startsWith(AGENT_PREFIX)) return [fromAgent(findAgent(target.slice(AGENT_PREFIX.length), options), options.engine)];
  // A known target's name resolves before the target is read as a URL or a host.
  const known = findByName(options.targets ?? [], target);
  if (known) return [fromKnown(known, options.engine)];
  if (/^https?:\/\//i.test(target)) return [fromUrl(target, target, 'target', options.engine)];
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) throw new TargetError('target', 'only http:// and https:// URLs are measured (or host[:port] for iPerf3)');
  return [fromHostPort(target, target, 'target', options.engine)];
}

/** Every known candidate that can run on the requested engine; the engine picks the nearest. */
function autoCandidates(options: TargetOptions): ResolvedTarget[] {
  const engine = options.engine;
  const candidates: ResolvedTarget[] = [];
  if (options.server && engine !== 'iperf3') candidates.push(fromServer(options, engine));
  for (const agent of options.agents ?? []) {
    if (agent.name === options.self_agent || !agent.host || !agent.port) continue;
    if (engine === 'iperf3' && !agent.iperf3) continue;
    candidates.push(fromAgent(agent, engine));
  }
  for (const known of options.targets ?? []) {
    if (engine !== undefined && known.kind !== engine) continue;
    candidates.push(fromKnown(known, undefined));
  }
  if (candidates.length === 0) {
    throw new TargetError('target', `auto: no known target${engine ? ` for the ${engine} engine` : ''} (add a target, give an agent AGENT_LISTEN, or name one)`);
  }
  return candidates;
}

function fromServer(options: TargetOptions, engine: SpeedEngine | undefined): ResolvedTarget {
  const server = options.server;
  if (!server) throw new TargetError('target', 'server: this server does not serve speed endpoints');
  const url = parseHttpUrl(server.base_url);
  if (!(url instanceof URL)) throw new TargetError('target', `server: its base URL ${url.problem}`);
  const host = urlHost(url);
  const reflector = server.reflector_port !== undefined ? { reflector_port: server.reflector_port } : {};
  if (engine === 'iperf3') return { name: 'server', engine: 'iperf3', host, port: IPERF3_DEFAULT_PORT, ...reflector };
  return { name: 'server', engine: 'http', host, base_url: url.origin, ...reflector, ...(server.authorization ? { authorization: server.authorization } : {}) };
}

function findAgent(name: string, options: TargetOptions): AgentEndpoint {
  const agents = options.agents ?? [];
  const agent = agents.find((a) => a.name === name) ?? agents.find((a) => a.name.toLowerCase() === name.toLowerCase());
  if (!agent) throw new TargetError('target', `agent:${name}: no such agent`);
  if (agent.name === options.self_agent) throw new TargetError('target', `agent:${name} is the agent running the test; pick another target`);
  return agent;
}

function fromAgent(agent: AgentEndpoint, engine: SpeedEngine | undefined): ResolvedTarget {
  if (!agent.host || !agent.port) throw new TargetError('target', `agent:${agent.name} serves no speed endpoints (its AGENT_LISTEN is empty)`);
  const parsed = parseHostPort(agent.host);
  if ('problem' in parsed) throw new TargetError('target', `agent:${agent.name}: its address ${parsed.problem}`);
  const name = `${AGENT_PREFIX}${agent.name}`;
  const location = agent.location ? { location: agent.location } : {};
  if (engine === 'iperf3') {
    if (!agent.iperf3) throw new TargetError('engine', `agent:${agent.name} runs no iperf3 server (iperf3 is not installed there)`);
    return { name, engine: 'iperf3', host: parsed.host, port: IPERF3_DEFAULT_PORT, reflector_port: agent.port, ...location };
  }
  return { name, engine: 'http', host: parsed.host, base_url: `http://${bracket(parsed.host)}:${agent.port}`, reflector_port: agent.port, ...location };
}

function findByName(targets: KnownTarget[], name: string): KnownTarget | undefined {
  return targets.find((t) => t.name === name) ?? targets.find((t) => t.name.toLowerCase() === name.toLowerCase());
}

function fromKnown(known: KnownTarget, engine: SpeedEngine | undefined): ResolvedTarget {
  const resolved = known.kind === 'http' ? fromUrl(known.address, known.name, 'target', engine) : fromHostPort(known.address, known.name, 'target', engine);
  return known.location ? { ...resolved, location: known.location } : resolved;
}

/**
 * An http(s) URL: with an empty path, that host's Flux Speed endpoints (and its reflector on the
 * same port number); with any other path, a third-party file to download.
 */
function fromUrl(value: string, name: string, field: 'target', engine: SpeedEngine | undefined): ResolvedTarget {
  const url = parseHttpUrl(value);
  if (!(url instanceof URL)) throw new TargetError(field, url.problem);
  const host = urlHost(url);
  if (engine === 'iperf3') return { name, engine: 'iperf3', host, port: IPERF3_DEFAULT_PORT };
  const endpointSet = (url.pathname === '/' || url.pathname === '') && url.search === '';
  if (endpointSet) return { name, engine: 'http', host, base_url: url.origin, reflector_port: urlPort(url) };
  return { name, engine: 'http', host, download_url: url.href };
}

/** `host` or `host:port`: an iPerf3 server (5201 by default), or with engine http its Flux Speed endpoints. */
function fromHostPort(value: string, name: string, field: 'target', engine: SpeedEngine | undefined): ResolvedTarget {
  const parsed = parseHostPort(value);
  if ('problem' in parsed) throw new TargetError(field, `${parsed.problem} (expected auto, server, agent:NAME, a target name, an http(s) URL, or host[:port])`);
  if (engine === 'http') {
    const port = parsed.port ?? 80;
    return { name, engine: 'http', host: parsed.host, base_url: `http://${bracket(parsed.host)}${port === 80 ? '' : `:${port}`}`, reflector_port: port };
  }
  return { name, engine: 'iperf3', host: parsed.host, port: parsed.port ?? IPERF3_DEFAULT_PORT };
}

const bracket = (host: string) => (host.includes(':') ? `[${host}]` : host);
