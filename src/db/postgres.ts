import pg from 'pg';
import type { Database, Queryable, Row } from './port.js';
import { OID, parseInt8, parseNumeric } from './types.js';

export interface PostgresOptions {
  url: string;
  /** Search path for every connection (tests isolate themselves in a schema). */
  schema?: string;
  maxConnections?: number;
  applicationName?: string;
}

const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === OID.int8) return parseInt8;
    if (oid === OID.numeric) return parseNumeric;
    return pg.types.getTypeParser(oid, format);
  },
} as unknown as pg.CustomTypesConfig;

function queryable(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R extends object = Row>(text: string, params?: readonly unknown[]) {
      const result = await client.query({ text, values: params as unknown[] | undefined, types: typeParsers });
      return result.rows as R[];
    },
    async exec(script: string) {
      await client.query(script);
    },
  };
}

/** The PostgreSQL adapter: a connection pool. */
export async function openPostgres(options: PostgresOptions): Promise<Database> {
  if (options.schema && !/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error(`invalid schema name ${options.schema}`);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName ?? 'flux-speed',
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
    // Kernel keepalive so a dead server is noticed on idle connections.
    keepAlive: true,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const base = queryable(pool);
  return {
    kind: 'postgres',
    ...base,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(queryable(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
}
