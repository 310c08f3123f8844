import type { KeyValueStore } from '../bus/port.js';
import { tooManyRequests } from '../http/errors.js';

export interface LoginLimits {
  /** Failed passwords per username before it is locked. */
  failuresPerUser: number;
  /** The first lock's length; each further lock within `lockoutMemoryMs` doubles it. */
  lockMs: number;
  maxLockMs: number;
  lockoutMemoryMs: number;
  /** Attempts per client address per window, whatever the username. */
  attemptsPerAddress: number;
  addressWindowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  failuresPerUser: 5,
  lockMs: 15 * 60_000,
  maxLockMs: 24 * 3_600_000,
  lockoutMemoryMs: 24 * 3_600_000,
  attemptsPerAddress: 30,
  addressWindowMs: 60_000,
};

/**
 * Login rate limiting with progressive lockout, kept in the bus's key store so every server
 * replica counts together: 5 failed passwords lock the username for 15 min, the next lock within
 * a day for 30 min, then 60 min… up to 24 h. A success clears the failure count (not the history).
 */
export function loginThrottle(kv: KeyValueStore, limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {
  const key = (kind: string, username: string) => `login:${kind}:${username.toLowerCase()}`;
  return {
    async check(username: string, address: string) {
      const addressKey = `login:addr:${address}`;
      const attempts = await kv.increment(addressKey, limits.addressWindowMs);
      if (attempts > limits.attemptsPerAddress) {
        throw tooManyRequests('too many login attempts from this address; try again later', ((await kv.ttlMs(addressKey)) ?? limits.addressWindowMs) / 1000);
      }
      const lockedMs = await kv.ttlMs(key('locked', username));
      if (lockedMs !== null && lockedMs > 0) throw tooManyRequests('too many failed logins for this user; try again later', lockedMs / 1000);
    },
    async recordFailure(username: string) {
      const failures = await kv.increment(key('fail', username), limits.lockMs);
      if (failures < limits.failuresPerUser) return;
      await kv.delete(key('fail', username));
      const lockouts = await kv.increment(key('lockouts', username), limits.lockoutMemoryMs);
      const lockMs = Math.min(limits.maxLockMs, limits.lockMs * 2 ** (lockouts - 1));
      await kv.set(key('locked', username), String(lockouts), lockMs);
    },
    async recordSuccess(username: string) {
      await kv.delete(key('fail', username));
    },
  };
}
