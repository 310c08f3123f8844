import type { Bus } from './port.js';
import { createMemoryBus } from './memory.js';
import { openRedisBus } from './redis.js';

/** Redis when a URL is configured, else the in-process bus. */
export async function openBus(redisUrl: string | undefined, prefix = 'flux'): Promise<Bus> {
  return redisUrl ? openRedisBus({ url: redisUrl, prefix }) : createMemoryBus();
}
