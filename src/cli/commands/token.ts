import { audit } from '../../audit/log.js';
import { createRegistrationToken } from '../../agents/registration.js';
import { dockerRunLine } from '../../agents/routes.js';
import type { ServerConfig } from '../../config/server.js';
import { migrate } from '../../db/migrate.js';
import { openDatabase } from '../../db/open.js';

/** `flux-speed token create [--name N] [--expires-in-days D]`: an agent registration token. */
export async function runToken(config: ServerConfig, args: string[], options: Record<string, string | true>): Promise<number> {
  if (args[0] !== 'create') {
    process.stderr.write('usage: flux-speed token create [--name NAME] [--expires-in-days DAYS]\n');
    return 2;
  }
  const name = typeof options.name === 'string' ? options.name : 'created on the command line';
  const days = typeof options['expires-in-days'] === 'string' ? Number(options['expires-in-days']) : undefined;
  if (days !== undefined && (!Number.isInteger(days) || days < 1)) {
    process.stderr.write('--expires-in-days must be a whole number of days ≥ 1\n');
    return 2;
  }
  const db = await openDatabase(config, 'flux-speed-cli');
  try {
    await migrate(db);
    const { token, secret } = await db.transaction(async (tx) => {
      const created = await createRegistrationToken(tx, { name, createdBy: null, expiresAt: days ? new Date(Date.now() + days * 86_400_000) : null });
      await audit(tx, { id: null, name: 'cli' }, { action: 'agent_token.create', targetType: 'agent_token', targetId: created.token.id, details: { name } });
      return created;
    });
    process.stdout.write(`registration token ${token.id} (${name}):\n\n  ${secret}\n\nDeploy an agent with:\n\n${dockerRunLine(config.publicUrl, secret)}\n`);
    return 0;
  } finally {
    await db.close();
  }
}
