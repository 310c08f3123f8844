import { SYSTEM_ACTOR } from '../../audit/log.js';
import { generatePassword } from '../../auth/passwords.js';
import type { ServerConfig } from '../../config/server.js';
import { migrate } from '../../db/migrate.js';
import { openDatabase } from '../../db/open.js';
import { findUserForLogin } from '../../users/repository.js';
import { parseRole } from '../../users/roles.js';
import { changeUser, createUser } from '../../users/service.js';

const CLI_ACTOR = { ...SYSTEM_ACTOR, name: 'cli' };

export async function runUser(config: ServerConfig, args: string[], options: Record<string, string | true>): Promise<number> {
  const [action, username] = args;
  if ((action !== 'add' && action !== 'passwd') || !username) {
    process.stderr.write('usage: flux-speed user add NAME [--role admin|operator|viewer] [--password P]\n       flux-speed user passwd NAME [--password P]\n');
    return 2;
  }
  const role = parseRole(typeof options.role === 'string' ? options.role : 'viewer');
  if (!role) {
    process.stderr.write('--role must be admin, operator or viewer\n');
    return 2;
  }
  const given = typeof options.password === 'string' ? options.password : undefined;
  if (given !== undefined && given.length < 8) {
    process.stderr.write('--password must be at least 8 characters\n');
    return 2;
  }
  const password = given ?? generatePassword();
  const db = await openDatabase(config, 'flux-speed-cli');
  try {
    await migrate(db);
    if (action === 'add') {
      const user = await createUser(db, CLI_ACTOR, { username, password, role });
      process.stdout.write(`created ${user.role} "${user.username}"${given ? '' : ` with password ${password}`}\n`);
    } else {
      const user = await findUserForLogin(db, username);
      if (!user) {
        process.stderr.write(`no user "${username}"\n`);
        return 1;
      }
      await changeUser(db, CLI_ACTOR, user.id, { password });
      process.stdout.write(`password of "${user.username}" changed${given ? '' : ` to ${password}`}\n`);
    }
    return 0;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 1;
  } finally {
    await db.close();
  }
}
