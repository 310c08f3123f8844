import type { Database, Queryable } from '../db/port.js';

/**
 * Monthly partitions of `results` (DESIGN §7). A partition is named `results_pYYYYMM` and holds
 * [first of the month, first of the next month) in UTC. Rows whose month had no partition yet sit
 * in `results_default`; creating the month moves them into it first, since PostgreSQL refuses to
 * attach a partition whose range the DEFAULT partition still holds rows for.
 */

const PARTITION_NAME = /^results_p(\d{4})(\d{2})$/;
/** Serialises partition maintenance between workers (any fixed 64-bit key). */
const LOCK_KEY = 7_302_915_400_116;

export const monthStart = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
export const addMonths = (month: Date, n: number) => new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + n, 1));
export const partitionName = (month: Date) => `results_p${month.getUTCFullYear()}${String(month.getUTCMonth() + 1).padStart(2, '0')}`;

export interface Partition {
  name: string;
  from: Date;
  to: Date;
}

/** The monthly partitions that exist, oldest first. */
export async function listPartitions(db: Queryable): Promise<Partition[]> {
  const rows = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'results'::regclass`,
  );
  const list: Partition[] = [];
  for (const { name } of rows) {
    const m = PARTITION_NAME.exec(name);
    if (!m) continue;
    const from = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
    list.push({ name, from, to: addMonths(from, 1) });
  }
  return list.sort((a, b) => a.from.getTime() - b.from.getTime());
}

/** Creates one month's partition, moving that month's rows out of DEFAULT; no-op if it exists. */
async function createMonth(tx: Queryable, month: Date): Promise<boolean> {
  const name = partitionName(month);
  const [exists] = await tx.query<{ oid: unknown }>(`SELECT to_regclass($1) AS oid`, [name]);
  if (exists?.oid) return false;
  const from = month.toISOString();
  const to = addMonths(month, 1).toISOString();
  await tx.query(`CREATE TABLE ${name} (LIKE results INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
  await tx.query(`INSERT INTO ${name} SELECT * FROM results_default WHERE measured_at >= $1 AND measured_at < $2`, [from, to]);
  await tx.query(`DELETE FROM results_default WHERE measured_at >= $1 AND measured_at < $2`, [from, to]);
  await tx.query(`ALTER TABLE results ATTACH PARTITION ${name} FOR VALUES FROM ('${from}') TO ('${to}')`);
  return true;
}

/**
 * Makes sure the current month and the next `ahead` months have partitions, and that every month
 * with rows in DEFAULT gets its own. Idempotent, and safe with several workers (advisory lock).
 * Returns the partitions it created.
 */
export async function ensurePartitions(db: Database, now = new Date(), ahead = 2): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock($1)`, [LOCK_KEY]);
    const months = new Map<number, Date>();
    const current = monthStart(now);
    for (let i = 0; i <= ahead; i++) months.set(addMonths(current, i).getTime(), addMonths(current, i));
    const strays = await tx.query<{ month: Date }>(`SELECT DISTINCT date_trunc('month', measured_at, 'UTC') AS month FROM results_default`);
    for (const { month } of strays) months.set(month.getTime(), monthStart(month));
    const created: string[] = [];
    for (const month of [...months.values()].sort((a, b) => a.getTime() - b.getTime())) {
      if (await createMonth(tx, month)) created.push(partitionName(month));
    }
    return created;
  });
}

/**
 * Retention: drops whole monthly partitions whose every row is older than `retentionDays`. A
 * partition still holding one row inside the window is kept; rows are never deleted one by one.
 */
export async function dropExpiredPartitions(db: Database, retentionDays: number, now = new Date()): Promise<string[]> {
  const cutoff = now.getTime() - retentionDays * 86_400_000;
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock($1)`, [LOCK_KEY]);
    const dropped: string[] = [];
    for (const p of await listPartitions(tx)) {
      if (p.to.getTime() > cutoff) continue;
      await tx.query(`DROP TABLE ${p.name}`);
      dropped.push(p.name);
    }
    return dropped;
  });
}
