import type { Logger } from 'pino';
import { jwtKeys } from '../auth/jwt.js';
import { openBus } from '../bus/open.js';
import type { ServerConfig } from '../config/server.js';
import { migrate } from '../db/migrate.js';
import { openDatabase } from '../db/open.js';
import { createLogger } from '../observability/logger.js';
import { resolveJwtSecrets } from './bootstrap.js';
import type { AppContext } from './context.js';

/**
 * Opens what every server-side process needs: the database (migrated), the bus, and the keys.
 * `close` releases them in reverse order.
 */
export async function openRuntime(config: ServerConfig, name: string, log: Logger = createLogger(config.logLevel, name)): Promise<AppContext & { close(): Promise<void> }> {
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }, `flux-speed-${name}`);
  try {
    const applied = await migrate(db);
    if (applied.length > 0) log.info({ applied }, 'database migrated');
    const bus = await openBus(config.redisUrl, config.redisPrefix);
    const secrets = await resolveJwtSecrets(db, config.jwtSecrets);
    return {
      config,
      db,
      bus,
      log,
      jwt: jwtKeys(secrets, config.jwtTtlS),
      async close() {
        await bus.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
