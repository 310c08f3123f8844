import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable, Row } from './port.js';
import { OID, parseInt8, parseNumeric } from './types.js';

/** The embedded adapter: PostgreSQL compiled to WASM, in-process, persisted in a directory. */
export async function openPglite(dataDir: string | 'memory'): Promise<Database> {
  if (dataDir !== 'memory') mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir === 'memory' ? 'memory://' : dataDir, {
    parsers: { [OID.int8]: parseInt8, [OID.numeric]: parseNumeric },
  });
  const wrap = (target: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<R extends object = Row>(text: string, params?: readonly unknown[]) {
      const result = await target.query<R>(text, params as unknown[] | undefined);
      return result.rows;
    },
    async exec(script: string) {
      await target.exec(script);
    },
  });
  let closed = false;
  return {
    kind: 'pglite',
    ...wrap(db),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    async ping() {
      if (closed) throw new Error('database closed');
      await db.query('SELECT 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.close();
    },
  };
}
