import type { FastifyInstance } from 'fastify';
import { ensureFirstAdmin } from '../../app/bootstrap.js';
import { ensureRegistrationToken } from '../../agents/registration.js';
import { seedDemo } from '../../demo/seed.js';
import { openRuntime } from '../../app/runtime.js';
import { startServer } from '../../app/server.js';
import { startLocalAgent } from '../../app/local-agent.js';
import type { RunningAgent } from '../../agent/agent.js';
import type { ServerConfig } from '../../config/server.js';
import { startWorker } from '../../worker/worker.js';

/**
 * Runs `all`, `server` or `worker` until SIGINT/SIGTERM, then shuts down in order.
 * Returns -1: the process stays up until a signal.
 */
export async function runServerProcess(config: ServerConfig, role: 'all' | 'server' | 'worker'): Promise<number> {
  const runtime = await openRuntime(config, role);
  const { log } = runtime;
  let app: FastifyInstance | undefined;
  let stopWorker: (() => Promise<void>) | undefined;
  let localAgent: RunningAgent | undefined;
  try {
    if (role !== 'worker') {
      await ensureFirstAdmin(runtime.db, { adminPassword: config.adminPassword, dataDir: config.dataDir, log });
      // AGENT_REGISTRATION_TOKEN: a pre-shared registration token (the Docker stack's .env sets one).
      if (config.agentRegistrationToken) await ensureRegistrationToken(runtime.db, config.agentRegistrationToken, 'AGENT_REGISTRATION_TOKEN', 'env');
      if (config.seedDemo) await seedDemo(runtime.db, log);
      app = await startServer(runtime);
    }
    if (role !== 'server') stopWorker = await startWorker(runtime);
    if (role === 'all') localAgent = await startLocalAgent(config, runtime.db, log);
  } catch (error) {
    await app?.close();
    await runtime.close();
    throw error;
  }
  log.info({ role, port: role === 'worker' ? undefined : config.port, database: runtime.db.kind, bus: runtime.bus.kind }, 'flux-speed started');
  if (app) process.stdout.write(`Flux Speed ${role === 'all' ? '(embedded) ' : ''}listening on http://localhost:${config.port}\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      log.warn('second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    try {
      await localAgent?.stop();
      await app?.close();
      await stopWorker?.();
      await runtime.close();
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, 'unclean shutdown');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  return -1;
}
