import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { SYSTEM_ACTOR, audit } from '../audit/log.js';
import { generatePassword, hashPassword } from '../auth/passwords.js';
import type { Database, Queryable } from '../db/port.js';

/** A value generated once and shared by every process through the settings table. */
export async function sharedGeneratedSetting(db: Queryable, key: string, generate: () => string): Promise<string> {
  await db.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, JSON.stringify(generate())]);
  const [row] = await db.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]);
  return row!.value;
}

/** JWT_SECRET when set, else a secret generated at first boot and kept in the database. */
export async function resolveJwtSecrets(db: Queryable, configured: string[]): Promise<string[]> {
  if (configured.length > 0) return configured;
  return [await sharedGeneratedSetting(db, 'jwt_secret', () => randomBytes(48).toString('base64url'))];
}

/**
 * First boot: create the admin user `admin` with ADMIN_PASSWORD, or a generated password that is
 * printed once and written to DATA_DIR/initial-admin-password. Several processes starting at once
 * create it once. Returns the generated password when this call made one.
 */
export async function ensureFirstAdmin(db: Database, options: { adminPassword?: string | undefined; dataDir: string; log: Logger }): Promise<string | undefined> {
  const [{ n } = { n: 0 }] = await db.query<{ n: number }>('SELECT count(*) AS n FROM users');
  if (n > 0) return undefined;
  const password = options.adminPassword ?? generatePassword();
  const hash = await hashPassword(password);
  const created = await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(4040002)');
    const [{ n: again } = { n: 0 }] = await tx.query<{ n: number }>('SELECT count(*) AS n FROM users');
    if (again > 0) return false;
    await tx.query("INSERT INTO users (username, password_hash, role) VALUES ('admin', $1, 'admin')", [hash]);
    await audit(tx, SYSTEM_ACTOR, { action: 'user.create', targetType: 'user', details: { username: 'admin', role: 'admin', first_boot: true } });
    return true;
  });
  if (!created) return undefined;
  if (options.adminPassword) {
    options.log.info('created the admin user "admin" with ADMIN_PASSWORD');
    return undefined;
  }
  try {
    mkdirSync(options.dataDir, { recursive: true });
    writeFileSync(path.join(options.dataDir, 'initial-admin-password'), `${password}\n`, { mode: 0o600 });
  } catch (error) {
    options.log.warn({ err: error }, 'could not write initial-admin-password');
  }
  // Printed once, on the console, not through the structured log.
  process.stdout.write(
    `\n  Flux Speed first start: created user "admin" with password\n\n      ${password}\n\n  (also saved in ${path.join(options.dataDir, 'initial-admin-password')}; change it after signing in)\n\n`,
  );
  return password;
}
