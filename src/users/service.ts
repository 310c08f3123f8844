import type { Database } from '../db/port.js';
import { audit, type AuditActor } from '../audit/log.js';
import { hashPassword } from '../auth/passwords.js';
import { conflict, notFound } from '../http/errors.js';
import { countActiveAdmins, findUser, insertUser, updateUser, type User } from './repository.js';
import type { UserRole } from './roles.js';

export async function createUser(db: Database, actor: AuditActor, input: { username: string; password: string; role: UserRole }): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const user = await insertUser(tx, { username: input.username, passwordHash, role: input.role });
    await audit(tx, actor, { action: 'user.create', targetType: 'user', targetId: user.id, details: { username: user.username, role: user.role } });
    return user;
  });
}

/**
 * Changes a user's role, enabled state or password. Refuses to leave the system without an
 * active admin (demoting or disabling the last one).
 */
export async function changeUser(
  db: Database,
  actor: AuditActor,
  id: number,
  changes: { role?: UserRole; disabled?: boolean; password?: string },
): Promise<User> {
  const passwordHash = changes.password ? await hashPassword(changes.password) : undefined;
  return db.transaction(async (tx) => {
    // Serialise admin changes so two concurrent demotions cannot both pass the last-admin check.
    await tx.query('SELECT pg_advisory_xact_lock(4040001)');
    const before = await findUser(tx, id);
    if (!before) throw notFound(`user ${id}`);
    const after = await updateUser(tx, id, { role: changes.role, disabled: changes.disabled, passwordHash });
    if (before.role === 'admin' && before.disabled_at === null && (after!.role !== 'admin' || after!.disabled_at !== null)) {
      if ((await countActiveAdmins(tx)) === 0) throw conflict('this is the last active admin; create or enable another admin first');
    }
    const details: Record<string, unknown> = {};
    if (changes.role !== undefined && changes.role !== before.role) details.role = { from: before.role, to: changes.role };
    if (changes.disabled !== undefined) details.disabled = changes.disabled;
    if (changes.password !== undefined) details.password = 'changed';
    await audit(tx, actor, { action: 'user.update', targetType: 'user', targetId: id, details });
    return after!;
  });
}
