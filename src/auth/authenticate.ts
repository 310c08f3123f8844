import type { FastifyRequest } from 'fastify';
import type { Database } from '../db/port.js';
import { findUser } from '../users/repository.js';
import { authenticateApiToken } from './api-tokens.js';
import { verifySession, type JwtKeys } from './jwt.js';
import type { Principal } from './principal.js';

/** Resolves an agent credential (`Authorization: Bearer fsa_…`); provided by the agents feature. */
export type AgentAuthenticator = (credential: string) => Promise<Principal | null>;

export const AGENT_CREDENTIAL_PREFIX = 'fsa_';

/**
 * Who is calling, from `X-API-Token: <token>` or `Authorization: Bearer <JWT | agent credential>`.
 * A session is checked against the user row on every request, so disabling a user or changing
 * their role takes effect at once rather than when their JWT expires.
 */
export function principalResolver(db: Database, keys: JwtKeys, authenticateAgent?: AgentAuthenticator) {
  return async (request: FastifyRequest): Promise<Principal | null> => {
    const apiToken = request.headers['x-api-token'];
    if (typeof apiToken === 'string' && apiToken.length > 0 && apiToken.length < 200) {
      const owner = await authenticateApiToken(db, apiToken);
      return owner ? { kind: 'user', userId: owner.userId, username: owner.username, role: owner.role, via: 'api_token', tokenId: owner.tokenId } : null;
    }
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S{1,4096})$/i.exec(header) : null;
    if (!match) return null;
    const bearer = match[1]!;
    if (bearer.startsWith(AGENT_CREDENTIAL_PREFIX)) return authenticateAgent ? authenticateAgent(bearer) : null;
    const userId = await verifySession(keys, bearer);
    if (userId === undefined) return null;
    const user = await findUser(db, userId);
    if (!user || user.disabled_at) return null;
    return { kind: 'user', userId: user.id, username: user.username, role: user.role, via: 'jwt' };
  };
}
