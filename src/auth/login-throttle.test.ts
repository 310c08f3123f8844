import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryBus } from '../bus/memory.js';
import { HttpError } from '../http/errors.js';
import { DEFAULT_LOGIN_LIMITS, loginThrottle } from './login-throttle.js';

async function retryAfter(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    assert.ok(error instanceof HttpError && error.statusCode === 429);
    return Number(error.headers['retry-after']);
  }
}

describe('login throttle', () => {
  it('locks a username after 5 failures, and each further lockout lasts twice as long', async () => {
    const limits = { ...DEFAULT_LOGIN_LIMITS, lockMs: 1000, maxLockMs: 3500 };
    const throttle = loginThrottle(createMemoryBus().kv, limits);
    const fail5 = async () => {
      for (let i = 0; i < 5; i++) {
        assert.equal(await retryAfter(throttle.check('Ana', `10.0.0.${i}`)), undefined);
        await throttle.recordFailure('ana');
      }
    };
    await fail5();
    assert.equal(await retryAfter(throttle.check('ANA', '10.1.0.1')), 1, 'locked for 1 s, any case, any address');
    await new Promise((r) => setTimeout(r, 1100));
    await fail5();
    assert.equal(await retryAfter(throttle.check('ana', '10.1.0.2')), 2);
    await new Promise((r) => setTimeout(r, 2100));
    await fail5();
    assert.equal(await retryAfter(throttle.check('ana', '10.1.0.3')), 4, 'capped at maxLockMs: 3.5 s, Retry-After rounds up');
    assert.equal(await retryAfter(throttle.check('bob', '10.1.0.4')), undefined, 'other users unaffected');
  });

  it('a success clears the failures so far', async () => {
    const throttle = loginThrottle(createMemoryBus().kv);
    for (let i = 0; i < 4; i++) await throttle.recordFailure('eve');
    await throttle.recordSuccess('eve');
    for (let i = 0; i < 4; i++) await throttle.recordFailure('eve');
    assert.equal(await retryAfter(throttle.check('eve', '10.2.0.1')), undefined);
  });
});
