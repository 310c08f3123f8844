// A distributed installation for tests: one PostgreSQL schema and one Redis prefix of its own,
// shared by the server and worker processes the test starts.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgres } from '../../src/db/postgres.js';
import { openRedisBus } from '../../src/bus/redis.js';
import { migrate } from '../../src/db/migrate.js';
import { jwtKeys } from '../../src/auth/jwt.js';
import { createLogger } from '../../src/observability/logger.js';
import type { AppContext } from '../../src/app/context.js';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from './backends.js';
import { testConfig } from './app.js';

export const distributedSkip = !TEST_DATABASE_URL || !TEST_REDIS_URL ? { skip: 'needs TEST_DATABASE_URL and TEST_REDIS_URL (real PostgreSQL and Redis)' } : {};

export interface Installation {
  env: Record<string, string>;
  /** A context on the same database and Redis, as another replica would have. */
  ctx: AppContext;
  drop(): Promise<void>;
}

export async function createInstallation(extraEnv: Record<string, string> = {}): Promise<Installation> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const prefix = `test:${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL!);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const env = { DATABASE_URL: url.toString(), REDIS_URL: TEST_REDIS_URL!, REDIS_PREFIX: prefix, JWT_SECRET: 'distributed-test-secret-0123456789-abcdef', ...extraEnv };
  const db = await openPostgres({ url: TEST_DATABASE_URL!, schema });
  await migrate(db);
  const bus = await openRedisBus({ url: TEST_REDIS_URL!, prefix });
  const config = testConfig(env);
  const ctx: AppContext = { config, db, bus, log: createLogger('silent', 'test'), jwt: jwtKeys(config.jwtSecrets, config.jwtTtlS) };
  return {
    env,
    ctx,
    async drop() {
      await bus.close();
      await db.close();
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}
