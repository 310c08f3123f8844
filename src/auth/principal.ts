import type { UserRole } from '../users/roles.js';

/** Who is calling: a user (through a session JWT or an API token) or an agent. */
export type Principal =
  | { kind: 'user'; userId: number; username: string; role: UserRole; via: 'jwt' | 'api_token'; tokenId?: number }
  | { kind: 'agent'; agentId: string; agentName: string };

/** What a route requires. Every route declares one; see auth/access.ts. */
export type Access = 'public' | 'agent' | UserRole;
