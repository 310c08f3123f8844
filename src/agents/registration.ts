import type { Database, Queryable } from '../db/port.js';
import { audit, type AuditActor } from '../audit/log.js';
import { AGENT_CREDENTIAL_PREFIX } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import { newSecret, sha256Hex } from '../auth/secrets.js';
import { HttpError } from '../http/errors.js';
import { AGENT_COLUMNS, type Agent } from './repository.js';

export interface RegistrationToken {
  id: number;
  name: string;
  token_prefix: string;
  source: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  uses: number;
}

const TOKEN_COLUMNS = 'id, name, token_prefix, source, created_at, expires_at, revoked_at, last_used_at, uses';
export const REGISTRATION_TOKEN_PREFIX = 'fsr';

export async function createRegistrationToken(db: Queryable, input: { name: string; createdBy: number | null; expiresAt: Date | null; source?: string }) {
  const secret = newSecret(REGISTRATION_TOKEN_PREFIX);
  const [row] = await db.query<RegistrationToken>(
    `INSERT INTO agent_registration_tokens (name, token_hash, token_prefix, source, created_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${TOKEN_COLUMNS}`,
    [input.name, sha256Hex(secret), secret.slice(0, 10), input.source ?? 'api', input.createdBy, input.expiresAt],
  );
  return { token: row!, secret };
}

/** Makes a given secret (AGENT_REGISTRATION_TOKEN, the built-in agent's) a valid registration token. */
export async function ensureRegistrationToken(db: Queryable, secret: string, name: string, source: 'env' | 'builtin'): Promise<void> {
  await db.query(
    `INSERT INTO agent_registration_tokens (name, token_hash, token_prefix, source) VALUES ($1, $2, $3, $4) ON CONFLICT (token_hash) DO NOTHING`,
    [name, sha256Hex(secret), `${secret.slice(0, 4)}…`, source],
  );
}

export function listRegistrationTokens(db: Queryable): Promise<RegistrationToken[]> {
  return db.query<RegistrationToken>(`SELECT ${TOKEN_COLUMNS} FROM agent_registration_tokens WHERE source <> 'builtin' ORDER BY created_at DESC, id DESC`);
}

export async function revokeRegistrationToken(db: Queryable, id: number): Promise<boolean> {
  const rows = await db.query("UPDATE agent_registration_tokens SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 AND source <> 'builtin' RETURNING id", [id]);
  return rows.length > 0;
}

export function publicRegistrationToken(token: RegistrationToken) {
  return {
    id: token.id,
    name: token.name,
    prefix: token.token_prefix,
    source: token.source,
    created_at: token.created_at.toISOString(),
    expires_at: token.expires_at?.toISOString() ?? null,
    last_used_at: token.last_used_at?.toISOString() ?? null,
    uses: token.uses,
    revoked: token.revoked_at !== null,
  };
}

export const AGENT_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
const AGENT_NAME = new RegExp(AGENT_NAME_PATTERN);

/**
 * Trades a registration token for a per-agent credential. A name already registered is taken
 * over (a replaced box keeps its history) and its previous credential stops working.
 */
export async function registerAgent(db: Database, input: { token: string; name: string; location: string; address: string }): Promise<{ agent: Agent; credential: string; takenOver: boolean }> {
  if (!AGENT_NAME.test(input.name)) throw new HttpError(400, 'bad_request', 'name: letters, digits, . _ - (at most 64, starting with a letter or digit)', 'name');
  const credential = newSecret(AGENT_CREDENTIAL_PREFIX.slice(0, -1));
  return db.transaction(async (tx) => {
    const [token] = await tx.query<{ id: number; source: string; revoked_at: Date | null; expires_at: Date | null }>(
      'SELECT id, source, revoked_at, expires_at FROM agent_registration_tokens WHERE token_hash = $1 FOR UPDATE',
      [sha256Hex(input.token)],
    );
    if (!token) throw new HttpError(401, 'unauthorized', 'registration token not recognised');
    if (token.revoked_at) throw new HttpError(401, 'unauthorized', 'registration token has been revoked');
    if (token.expires_at && token.expires_at.getTime() <= Date.now()) throw new HttpError(401, 'unauthorized', 'registration token has expired');
    await tx.query('UPDATE agent_registration_tokens SET uses = uses + 1, last_used_at = now() WHERE id = $1', [token.id]);
    const [existing] = await tx.query<{ id: string }>('SELECT id FROM agents WHERE lower(name) = lower($1) AND retired_at IS NULL FOR UPDATE', [input.name]);
    // The built-in agent is marked in the same write that makes it exist, so no one ever sees LOCAL
    // listed as an ordinary agent.
    const builtin = token.source === 'builtin';
    let agent: Agent;
    if (existing) {
      [agent] = (await tx.query<Agent>(
        `UPDATE agents SET credential_hash = $2, credential_revoked_at = NULL, location = $3, registration_token_id = $4, builtin = $5 WHERE id = $1 RETURNING ${AGENT_COLUMNS}`,
        [existing.id, sha256Hex(credential), input.location, token.id, builtin],
      )) as [Agent];
    } else {
      [agent] = (await tx.query<Agent>(
        `INSERT INTO agents (name, location, credential_hash, registration_token_id, builtin) VALUES ($1, $2, $3, $4, $5) RETURNING ${AGENT_COLUMNS}`,
        [input.name, input.location, sha256Hex(credential), token.id, builtin],
      )) as [Agent];
    }
    const actor: AuditActor = { id: null, name: `agent:${input.name}`, ip: input.address };
    await audit(tx, actor, { action: existing ? 'agent.reregister' : 'agent.register', targetType: 'agent', targetId: agent.id, details: { name: input.name, registration_token_id: token.id } });
    return { agent, credential, takenOver: Boolean(existing) };
  });
}

/** The agent a credential belongs to, when it is live (not revoked, not retired). */
export async function authenticateAgentCredential(db: Queryable, credential: string): Promise<Principal | null> {
  const [row] = await db.query<{ id: string; name: string; revoked: boolean }>(
    'SELECT id, name, (credential_revoked_at IS NOT NULL OR retired_at IS NOT NULL) AS revoked FROM agents WHERE credential_hash = $1',
    [sha256Hex(credential)],
  );
  if (!row) return null;
  // Said plainly so the agent does not try to register itself back after being retired.
  if (row.revoked) throw new HttpError(401, 'credential_revoked', `agent ${row.name} has been retired or its credential revoked`);
  return { kind: 'agent', agentId: row.id, agentName: row.name };
}
