import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Logger } from 'pino';
import { startAgent, type RunningAgent } from '../agent/agent.js';
import { detectCapabilities } from '../agent/capabilities.js';
import { ensureRegistrationToken } from '../agents/registration.js';
import type { ServerConfig } from '../config/server.js';
import type { Database } from '../db/port.js';
import { sharedGeneratedSetting } from './bootstrap.js';

/**
 * The built-in agent of the embedded mode (`LOCAL_AGENT`, default LOCAL): the same agent code,
 * speaking the same protocol over a real socket to this server, so tests can run from the UI at once.
 */
export async function startLocalAgent(config: ServerConfig, db: Database, log: Logger): Promise<RunningAgent | undefined> {
  if (!config.localAgentName) return undefined;
  const token = await sharedGeneratedSetting(db, 'builtin_agent_token', () => randomBytes(24).toString('base64url'));
  await ensureRegistrationToken(db, token, 'built-in agent', 'builtin');
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const agent = startAgent({
    config: {
      serverUrl: `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`,
      name: config.localAgentName,
      location: 'built-in (this server)',
      registrationToken: token,
      dataDir: path.join(config.dataDir, 'local-agent'),
      listen: undefined,
      bufferMax: 10_000,
      logLevel: config.logLevel,
    },
    log: log.child({ agent: config.localAgentName }),
    capabilities: await detectCapabilities(),
  });
  return agent;
}
