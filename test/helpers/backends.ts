// The backends a test can run against: always the embedded adapters, plus the real PostgreSQL
// and Redis when TEST_DATABASE_URL / TEST_REDIS_URL are set. Each opened backend is isolated:
// its own PGlite instance or PostgreSQL schema, its own Redis key prefix.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../src/db/port.js';
import { openPglite } from '../../src/db/pglite.js';
import { openPostgres } from '../../src/db/postgres.js';
import { migrate } from '../../src/db/migrate.js';
import type { Bus } from '../../src/bus/port.js';
import { createMemoryBus } from '../../src/bus/memory.js';
import { openRedisBus } from '../../src/bus/redis.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || undefined;

export interface Backend<T> {
  name: string;
  open(): Promise<T>;
}

const suffix = () => randomBytes(6).toString('hex');

/** A fresh PostgreSQL schema; dropped when the returned database closes. */
export async function openPostgresSchema(url = TEST_DATABASE_URL!): Promise<Database & { schema: string; url: string }> {
  const schema = `t_${suffix()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const db = await openPostgres({ url, schema, maxConnections: 5 });
  return {
    ...db,
    schema,
    url,
    async close() {
      await db.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

export function databaseBackends(): Backend<Database>[] {
  const list: Backend<Database>[] = [{ name: 'pglite', open: () => openPglite('memory') }];
  if (TEST_DATABASE_URL) list.push({ name: 'postgres', open: () => openPostgresSchema() });
  return list;
}

export function busBackends(): Backend<Bus>[] {
  const list: Backend<Bus>[] = [{ name: 'memory', open: async () => createMemoryBus() }];
  if (TEST_REDIS_URL) list.push({ name: 'redis', open: () => openRedisBus({ url: TEST_REDIS_URL!, prefix: `test:${suffix()}` }) });
  return list;
}

/** A migrated database on each backend. */
export function migratedDatabaseBackends(): Backend<Database>[] {
  return databaseBackends().map((b) => ({
    name: b.name,
    async open() {
      const db = await b.open();
      await migrate(db);
      return db;
    },
  }));
}

/** A Redis key prefix unique to one test, for opening several buses on the same namespace. */
export const uniquePrefix = () => `test:${suffix()}`;
