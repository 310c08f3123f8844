// A throw-away Flux Speed installation per scenario: a fresh PostgreSQL schema and Redis key
// prefix, or a fresh embedded DATA_DIR (PGlite). The bench seeds it directly, then starts the
// real `flux-speed` processes on it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Redis } from 'ioredis';
import type { BenchConfig } from '../src/config/bench.js';
import { migrate } from '../src/db/migrate.js';
import { openDatabase } from '../src/db/open.js';
import { openPostgres } from '../src/db/postgres.js';
import type { Database } from '../src/db/port.js';

export type Mode = 'postgres' | 'embedded';

export const ADMIN_PASSWORD = 'bench-admin-password';

export interface Installation {
  mode: Mode;
  /** Environment for `flux-speed server|worker|all` on this installation. */
  env: Record<string, string>;
  /** Opens the database (embedded: only while no flux-speed process has it open). */
  open(): Promise<Database>;
  drop(): Promise<void>;
}

export async function createInstallation(config: BenchConfig, mode: Mode): Promise<Installation> {
  const suffix = randomBytes(5).toString('hex');
  const common = { JWT_SECRET: `bench-${randomBytes(24).toString('hex')}`, ADMIN_PASSWORD, LOG_LEVEL: 'warn', HOST: '127.0.0.1' };
  if (mode === 'embedded') {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flux-bench-'));
    return {
      mode,
      env: { ...common, DATA_DIR: dataDir },
      async open() {
        const db = await openDatabase({ databaseUrl: undefined, dataDir }, 'flux-speed-bench');
        await migrate(db);
        return db;
      },
      async drop() {
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const schema = `bench_${suffix}`;
  const prefix = `bench:${suffix}`;
  const admin = new pg.Client({ connectionString: config.databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(config.databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'flux-bench-'));
  return {
    mode,
    env: { ...common, DATABASE_URL: url.toString(), REDIS_URL: config.redisUrl, REDIS_PREFIX: prefix, DATA_DIR: dataDir },
    async open() {
      const db = await openPostgres({ url: config.databaseUrl, schema, maxConnections: 4, applicationName: 'flux-speed-bench' });
      await migrate(db);
      return db;
    },
    async drop() {
      rmSync(dataDir, { recursive: true, force: true });
      const client = new pg.Client({ connectionString: config.databaseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
      const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}

/** Can the bench reach PostgreSQL and Redis? The reason when not. */
export async function distributedUnavailable(config: BenchConfig): Promise<string | undefined> {
  try {
    const client = new pg.Client({ connectionString: config.databaseUrl, connectionTimeoutMillis: 3000 });
    await client.connect();
    await client.end();
  } catch (error) {
    return `PostgreSQL at ${new URL(config.databaseUrl).host} not reachable: ${(error as Error).message}`;
  }
  const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    return `Redis at ${new URL(config.redisUrl).host} not reachable: ${(error as Error).message}`;
  } finally {
    redis.disconnect();
  }
  return undefined;
}
