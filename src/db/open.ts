import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/env.js';
import type { Database } from './port.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

export interface DatabaseTarget {
  databaseUrl: string | undefined;
  dataDir: string;
}

/** PostgreSQL when a URL is configured, else PGlite in DATA_DIR/pglite (one process at a time). */
export async function openDatabase(target: DatabaseTarget, applicationName = 'flux-speed'): Promise<Database> {
  if (target.databaseUrl) return openPostgres({ url: target.databaseUrl, applicationName });
  const dir = path.join(target.dataDir, 'pglite');
  const release = lockDataDir(target.dataDir);
  try {
    const db = await openPglite(dir);
    return {
      ...db,
      async close() {
        await db.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** PGlite's files must only be opened by one process: refuse clearly instead of corrupting them. */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, 'flux-speed.pid');
  if (existsSync(lockFile)) {
    const pid = Number(readFileSync(lockFile, 'utf8').trim());
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) {
      throw new ConfigError(`DATA_DIR: ${dataDir} is in use by process ${pid} (embedded storage is for one process); stop it or choose another DATA_DIR`);
    }
  }
  writeFileSync(lockFile, String(process.pid));
  return () => rmSync(lockFile, { force: true });
}
