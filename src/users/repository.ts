import type { Queryable } from '../db/port.js';
import { isUniqueViolation } from '../db/port.js';
import { conflict } from '../http/errors.js';
import type { UserRole } from './roles.js';

export interface User {
  id: number;
  username: string;
  role: UserRole;
  disabled_at: Date | null;
  created_at: Date;
  updated_at: Date;
  last_login_at: Date | null;
}

export interface UserWithHash extends User {
  password_hash: string;
}

const COLUMNS = 'id, username, role, disabled_at, created_at, updated_at, last_login_at';

export async function insertUser(db: Queryable, user: { username: string; passwordHash: string; role: UserRole }): Promise<User> {
  try {
    const [row] = await db.query<User>(
      `INSERT INTO users (username, password_hash, role) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
      [user.username, user.passwordHash, user.role],
    );
    return row!;
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`username ${user.username} is taken`, 'username');
    throw error;
  }
}

export async function findUserForLogin(db: Queryable, username: string): Promise<UserWithHash | undefined> {
  const [row] = await db.query<UserWithHash>(`SELECT ${COLUMNS}, password_hash FROM users WHERE lower(username) = lower($1)`, [username]);
  return row;
}

export async function findUser(db: Queryable, id: number): Promise<User | undefined> {
  const [row] = await db.query<User>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
  return row;
}

export function listUsers(db: Queryable): Promise<User[]> {
  return db.query<User>(`SELECT ${COLUMNS} FROM users ORDER BY lower(username)`);
}

export async function updateUser(
  db: Queryable,
  id: number,
  changes: { role?: UserRole; disabled?: boolean; passwordHash?: string },
): Promise<User | undefined> {
  const [row] = await db.query<User>(
    `UPDATE users SET
       role = COALESCE($2, role),
       disabled_at = CASE WHEN $3::boolean IS NULL THEN disabled_at WHEN $3 THEN COALESCE(disabled_at, now()) ELSE NULL END,
       password_hash = COALESCE($4, password_hash),
       updated_at = now()
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, changes.role ?? null, changes.disabled ?? null, changes.passwordHash ?? null],
  );
  return row;
}

export async function countActiveAdmins(db: Queryable): Promise<number> {
  const [row] = await db.query<{ n: number }>("SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled_at IS NULL");
  return row?.n ?? 0;
}

export async function recordLogin(db: Queryable, id: number): Promise<void> {
  await db.query('UPDATE users SET last_login_at = now() WHERE id = $1', [id]);
}

/** The API shape of a user. */
export function publicUser(user: User) {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    disabled: user.disabled_at !== null,
    created_at: user.created_at.toISOString(),
    last_login_at: user.last_login_at?.toISOString() ?? null,
  };
}
