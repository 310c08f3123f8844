// The Database port contract: every adapter must behave the same for the code above it.
import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import { databaseBackends } from '../helpers/backends.js';
import { isUniqueViolation, type Database } from '../../src/db/port.js';
import { migrate, loadMigrations } from '../../src/db/migrate.js';

for (const backend of databaseBackends()) {
  describe(`Database contract: ${backend.name}`, () => {
    let db: Database;
    before(async () => {
      db = await backend.open();
      await db.exec(`CREATE TABLE things (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name text UNIQUE NOT NULL,
        size numeric, at timestamptz, meta jsonb, tags text[], big bigint)`);
    });
    after(() => db.close());

    it('returns int8 and numeric as numbers, timestamptz as Date, jsonb parsed, arrays as arrays', async () => {
      const at = new Date('2026-03-01T12:34:56.789Z');
      await db.query('INSERT INTO things (name, size, at, meta, tags, big) VALUES ($1, $2, $3, $4, $5, $6)', [
        'a', 12.5, at, JSON.stringify({ k: [1, 2] }), ['x', 'y'], 9007199254740991,
      ]);
      const [row] = await db.query<{ id: number; size: number; at: Date; meta: unknown; tags: string[]; big: number; n: number }>(
        'SELECT id, size, at, meta, tags, big, (SELECT count(*) FROM things) AS n FROM things WHERE name = $1', ['a']);
      assert.ok(row);
      assert.equal(typeof row.id, 'number');
      assert.equal(row.size, 12.5);
      assert.ok(row.at instanceof Date);
      assert.equal(row.at.toISOString(), at.toISOString());
      assert.deepEqual(row.meta, { k: [1, 2] });
      assert.deepEqual(row.tags, ['x', 'y']);
      assert.equal(row.big, 9007199254740991);
      assert.equal(row.n, 1);
    });

    it('reports a unique violation by its SQLSTATE', async () => {
      await db.query('INSERT INTO things (name) VALUES ($1)', ['dup']);
      await assert.rejects(db.query('INSERT INTO things (name) VALUES ($1)', ['dup']), (error) => isUniqueViolation(error));
    });

    it('commits a transaction that resolves and rolls back one that throws', async () => {
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO things (name) VALUES ($1)', ['committed']);
      });
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO things (name) VALUES ($1)', ['rolled-back']);
          throw new Error('boom');
        }),
        /boom/,
      );
      const names = (await db.query<{ name: string }>("SELECT name FROM things WHERE name IN ('committed', 'rolled-back')")).map((r) => r.name);
      assert.deepEqual(names, ['committed']);
    });

    it('rolls back every statement when one in the transaction fails (no partial write)', async () => {
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO things (name) VALUES ($1)', ['partial-1']);
          await tx.query('INSERT INTO things (name) VALUES ($1)', ['dup']);
        }),
        (error) => isUniqueViolation(error),
      );
      assert.equal((await db.query("SELECT 1 FROM things WHERE name = 'partial-1'")).length, 0);
    });

    it('runs queries issued concurrently with a transaction without mixing them into it', async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const tx = db.transaction(async (t) => {
        await t.query('INSERT INTO things (name) VALUES ($1)', ['in-tx']);
        await gate;
        throw new Error('abort');
      });
      const outside = db.query('INSERT INTO things (name) VALUES ($1)', ['outside']);
      release();
      await assert.rejects(tx, /abort/);
      await outside;
      const names = (await db.query<{ name: string }>("SELECT name FROM things WHERE name IN ('in-tx', 'outside') ORDER BY name")).map((r) => r.name);
      assert.deepEqual(names, ['outside']);
    });

    it('runs a multi-statement script with exec', async () => {
      await db.exec('CREATE TABLE s1 (x int); INSERT INTO s1 VALUES (1), (2);');
      const [row] = await db.query<{ total: number }>('SELECT sum(x)::int AS total FROM s1');
      assert.equal(row?.total, 3);
    });

    it('supports the features later migrations use: partitioned tables and advisory locks', async () => {
      await db.exec(`CREATE TABLE p (at timestamptz NOT NULL, v int) PARTITION BY RANGE (at);
        CREATE TABLE p_2026_01 PARTITION OF p FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');`);
      await db.query('INSERT INTO p VALUES ($1, 1)', [new Date('2026-01-15T00:00:00Z')]);
      await assert.rejects(db.query('INSERT INTO p VALUES ($1, 1)', [new Date('2026-03-15T00:00:00Z')]));
      const [lock] = await db.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(42) AS ok');
      assert.equal(lock?.ok, true);
      await db.query('SELECT pg_advisory_unlock(42)');
    });

    it('answers ping while open', async () => {
      await db.ping();
    });
  });

  describe(`migrations: ${backend.name}`, () => {
    it('apply once, in order, and a second run applies nothing', async () => {
      const db = await backend.open();
      try {
        const first = await migrate(db);
        assert.deepEqual(first, loadMigrations().map((m) => m.version));
        assert.deepEqual(await migrate(db), []);
        const rows = await db.query<{ version: string }>('SELECT version FROM schema_migrations ORDER BY version');
        assert.deepEqual(rows.map((r) => r.version), first);
      } finally {
        await db.close();
      }
    });

    it('a failing migration leaves nothing behind and is retried next time', async () => {
      const db = await backend.open();
      try {
        const bad = [{ version: '9998_good', sql: 'CREATE TABLE good_one (x int);' }, { version: '9999_bad', sql: 'CREATE TABLE half (x int); SELECT no_such_function();' }];
        await assert.rejects(migrate(db, bad));
        assert.equal((await db.query("SELECT 1 FROM schema_migrations WHERE version = '9999_bad'")).length, 0);
        assert.equal((await db.query("SELECT to_regclass('half') AS t"))[0]?.t, null);
        assert.equal((await db.query("SELECT 1 FROM schema_migrations WHERE version = '9998_good'")).length, 1);
      } finally {
        await db.close();
      }
    });
  });
}
