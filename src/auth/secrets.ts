import { createHash, randomBytes } from 'node:crypto';

/** High-entropy secrets (API tokens, agent credentials) are stored as a SHA-256 digest. */
export const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');

/** A random secret with a readable prefix naming what it is, e.g. `fst_…` for API tokens. */
export function newSecret(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}
