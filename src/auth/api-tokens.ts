import type { Queryable } from '../db/port.js';
import type { UserRole } from '../users/roles.js';
import { newSecret, sha256Hex } from './secrets.js';

export interface ApiToken {
  id: number;
  user_id: number;
  name: string;
  token_prefix: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = 'id, user_id, name, token_prefix, created_at, expires_at, last_used_at, revoked_at';
export const API_TOKEN_PREFIX = 'fst';

/** Creates a token; the secret is returned once and only its digest is stored. */
export async function createApiToken(db: Queryable, input: { userId: number; name: string; expiresAt: Date | null }) {
  const secret = newSecret(API_TOKEN_PREFIX);
  const [row] = await db.query<ApiToken>(
    `INSERT INTO api_tokens (user_id, name, token_hash, token_prefix, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
    [input.userId, input.name, sha256Hex(secret), secret.slice(0, 10), input.expiresAt],
  );
  return { token: row!, secret };
}

export function listApiTokens(db: Queryable, userId: number): Promise<ApiToken[]> {
  return db.query<ApiToken>(`SELECT ${COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id DESC`, [userId]);
}

export async function findApiToken(db: Queryable, id: number): Promise<ApiToken | undefined> {
  const [row] = await db.query<ApiToken>(`SELECT ${COLUMNS} FROM api_tokens WHERE id = $1`, [id]);
  return row;
}

export async function revokeApiToken(db: Queryable, id: number): Promise<void> {
  await db.query('UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1', [id]);
}

export interface TokenOwner {
  tokenId: number;
  userId: number;
  username: string;
  role: UserRole;
}

/** The owner of a live token (not revoked, not expired, owner enabled), else undefined. */
export async function authenticateApiToken(db: Queryable, secret: string): Promise<TokenOwner | undefined> {
  const [row] = await db.query<TokenOwner & { last_used_at: Date | null }>(
    `SELECT t.id AS "tokenId", u.id AS "userId", u.username, u.role, t.last_used_at
       FROM api_tokens t JOIN users u ON u.id = t.user_id
      WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()) AND u.disabled_at IS NULL`,
    [sha256Hex(secret)],
  );
  if (!row) return undefined;
  // Record use at most once a minute: a busy token does not write on every request.
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await db.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [row.tokenId]);
  }
  return { tokenId: row.tokenId, userId: row.userId, username: row.username, role: row.role };
}

export function publicApiToken(token: ApiToken) {
  return {
    id: token.id,
    name: token.name,
    prefix: token.token_prefix,
    created_at: token.created_at.toISOString(),
    expires_at: token.expires_at?.toISOString() ?? null,
    last_used_at: token.last_used_at?.toISOString() ?? null,
    revoked: token.revoked_at !== null,
  };
}
