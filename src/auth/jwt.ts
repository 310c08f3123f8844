import { SignJWT, jwtVerify, errors } from 'jose';
import type { UserRole } from '../users/roles.js';

export interface SessionClaims {
  userId: number;
  username: string;
  role: UserRole;
}

export interface JwtKeys {
  /** The first secret signs; every secret verifies (rotation without logging everyone out). */
  secrets: Uint8Array[];
  ttlS: number;
}

const ISSUER = 'flux-speed';

export function jwtKeys(secrets: string[], ttlS: number): JwtKeys {
  if (secrets.length === 0) throw new Error('at least one JWT secret is required');
  return { secrets: secrets.map((s) => new TextEncoder().encode(s)), ttlS };
}

export async function signSession(keys: JwtKeys, claims: SessionClaims): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date((Math.floor(Date.now() / 1000) + keys.ttlS) * 1000);
  const token = await new SignJWT({ role: claims.role, name: claims.username })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(claims.userId))
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(keys.secrets[0]!);
  return { token, expiresAt };
}

/** The user id of a valid, unexpired session token; undefined otherwise. */
export async function verifySession(keys: JwtKeys, token: string): Promise<number | undefined> {
  for (const secret of keys.secrets) {
    try {
      const { payload } = await jwtVerify(token, secret, { issuer: ISSUER, algorithms: ['HS256'] });
      const id = Number(payload.sub);
      return Number.isSafeInteger(id) ? id : undefined;
    } catch (error) {
      if (error instanceof errors.JWSSignatureVerificationFailed) continue;
      return undefined;
    }
  }
  return undefined;
}
