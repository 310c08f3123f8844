import type { KeyValueStore } from '../bus/port.js';
import { tooManyRequests } from '../http/errors.js';

export interface LoginLimits {
  /** Failed passwords per username before it is locked for the rest of the window. */
  failuresPerUser: number;
  userWindowMs: number;
  /** Attempts per client address per window, whatever the username. */
  attemptsPerAddress: number;
  addressWindowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  failuresPerUser: 5,
  userWindowMs: 15 * 60_000,
  attemptsPerAddress: 30,
  addressWindowMs: 60_000,
};

/** Login rate limiting kept in the bus's key store, so every server replica counts together. */
export function loginThrottle(kv: KeyValueStore, limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {
  const userKey = (username: string) => `login:fail:${username.toLowerCase()}`;
  return {
    async check(username: string, address: string) {
      const attempts = await kv.increment(`login:addr:${address}`, limits.addressWindowMs);
      if (attempts > limits.attemptsPerAddress) {
        throw tooManyRequests('too many login attempts from this address; try again later', ((await kv.ttlMs(`login:addr:${address}`)) ?? limits.addressWindowMs) / 1000);
      }
      const failures = Number((await kv.get(userKey(username))) ?? 0);
      if (failures >= limits.failuresPerUser) {
        throw tooManyRequests('too many failed logins for this user; try again later', ((await kv.ttlMs(userKey(username))) ?? limits.userWindowMs) / 1000);
      }
    },
    async recordFailure(username: string) {
      await kv.increment(userKey(username), limits.userWindowMs);
    },
    async recordSuccess(username: string) {
      await kv.delete(userKey(username));
    },
  };
}
