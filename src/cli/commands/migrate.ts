import type { ServerConfig } from '../../config/server.js';
import { migrate } from '../../db/migrate.js';
import { openDatabase } from '../../db/open.js';

export async function runMigrate(config: ServerConfig): Promise<number> {
  const db = await openDatabase(config, 'flux-speed-migrate');
  try {
    const applied = await migrate(db);
    process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
    return 0;
  } finally {
    await db.close();
  }
}
