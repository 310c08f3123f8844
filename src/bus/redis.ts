import { randomUUID } from 'node:crypto';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Bus, JobHandler, JobOptions, JobQueue, KeyValueStore, Unsubscribe } from './port.js';
import { PermanentJobError } from './port.js';

export interface RedisBusOptions {
  url: string;
  /** Namespaces every key, channel and queue (tests give each case its own). */
  prefix?: string;
}

function connect(url: string, options: { autoPipelining?: boolean } = {}): Redis {
  // maxRetriesPerRequest null: commands wait for a reconnect instead of failing (BullMQ needs it).
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, enableAutoPipelining: options.autoPipelining ?? false });
  // Connection errors are retried by ioredis; readiness is reported by ping(), not by a crash.
  redis.on('error', () => {});
  return redis;
}

class RedisKv implements KeyValueStore {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}
  private k(key: string) {
    return `${this.prefix}:kv:${key}`;
  }
  get(key: string) {
    return this.redis.get(this.k(key));
  }
  async set(key: string, value: string, ttlMs?: number) {
    if (ttlMs) await this.redis.set(this.k(key), value, 'PX', ttlMs);
    else await this.redis.set(this.k(key), value);
  }
  async setIfAbsent(key: string, value: string, ttlMs: number) {
    return (await this.redis.set(this.k(key), value, 'PX', ttlMs, 'NX')) === 'OK';
  }
  async increment(key: string, ttlMs: number) {
    const k = this.k(key);
    const results = await this.redis.multi().incr(k).pexpire(k, ttlMs, 'NX').exec();
    return Number(results?.[0]?.[1] ?? 0);
  }
  async ttlMs(key: string) {
    const ms = await this.redis.pttl(this.k(key));
    return ms >= 0 ? ms : null;
  }
  async delete(key: string) {
    await this.redis.del(this.k(key));
  }
}

class RedisQueue<T> implements JobQueue<T> {
  private readonly queue: Queue;
  private worker: Worker | undefined;
  private stopWorker: (() => Promise<void>) | undefined;

  constructor(private readonly name: string, private readonly connection: Redis, private readonly prefix: string) {
    this.queue = new Queue(name, { connection, prefix });
    this.queue.on('error', () => {});
  }

  async add(data: T, options: JobOptions = {}) {
    await this.queue.add(this.name, data, {
      jobId: options.jobId ?? randomUUID(),
      delay: options.delayMs,
      attempts: Math.max(1, options.attempts ?? 1),
      backoff: { type: 'exponential', delay: options.backoffMs ?? 1000 },
      // Same semantics as the in-process queue: an id dedupes only while its job is pending.
      removeOnComplete: true,
      removeOnFail: true,
    });
  }

  async process(handler: JobHandler<T>, options: { concurrency?: number } = {}) {
    if (this.worker) throw new Error('this queue already has a processor in this process');
    // BullMQ leaves a connection it was given open; this one is ours to close with the worker.
    const workerConnection = this.connection.duplicate();
    const worker = new Worker(
      this.name,
      async (job, _token, signal) => {
        const controller = new AbortController();
        signal?.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
        try {
          await handler({ id: String(job.id), data: job.data as T, attempt: job.attemptsMade + 1 }, controller.signal);
        } catch (error) {
          if (error instanceof PermanentJobError) throw new UnrecoverableError(error.message);
          throw error;
        }
      },
      { connection: workerConnection, prefix: this.prefix, concurrency: Math.max(1, options.concurrency ?? 1) },
    );
    worker.on('error', () => {});
    this.worker = worker;
    await worker.waitUntilReady();
    this.stopWorker = async () => {
      await worker.close();
      workerConnection.disconnect();
      this.worker = undefined;
      this.stopWorker = undefined;
    };
    return this.stopWorker;
  }

  async pendingCount() {
    const counts = await this.queue.getJobCounts('waiting', 'delayed', 'prioritized');
    return (counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0);
  }

  async close() {
    await this.stopWorker?.();
    await this.queue.close();
  }
}

/** The distributed bus: BullMQ queues, Redis pub/sub and keys, shared by every process. */
export async function openRedisBus(options: RedisBusOptions): Promise<Bus> {
  const prefix = options.prefix ?? 'flux';
  const redis = connect(options.url);
  const subscriber = connect(options.url);
  // Publishes have their own connection that sends everything published in one tick as one write
  // (a stored batch of results publishes two events per run). Kept apart from BullMQ's connection.
  const publisher = connect(options.url, { autoPipelining: true });
  await Promise.all([redis.ping(), subscriber.ping(), publisher.ping()]);
  const handlers = new Map<string, Set<(message: unknown) => void>>();
  subscriber.on('message', (channel: string, payload: string) => {
    const set = handlers.get(channel);
    if (!set) return;
    let message: unknown;
    try {
      message = JSON.parse(payload);
    } catch {
      return;
    }
    for (const handler of set) handler(message);
  });
  const queues = new Map<string, RedisQueue<unknown>>();
  const channelKey = (channel: string) => `${prefix}:ch:${channel}`;
  return {
    kind: 'redis',
    async publish(channel, message) {
      await publisher.publish(channelKey(channel), JSON.stringify(message));
    },
    async subscribe(channel, handler): Promise<Unsubscribe> {
      const key = channelKey(channel);
      let set = handlers.get(key);
      if (!set) {
        handlers.set(key, (set = new Set()));
        await subscriber.subscribe(key);
      }
      const wrapped = (message: unknown) => handler(message);
      set.add(wrapped);
      return async () => {
        set.delete(wrapped);
        if (set.size === 0 && handlers.get(key) === set) {
          handlers.delete(key);
          await subscriber.unsubscribe(key);
        }
      };
    },
    kv: new RedisKv(redis, prefix),
    queue<T>(name: string): JobQueue<T> {
      let queue = queues.get(name);
      if (!queue) queues.set(name, (queue = new RedisQueue<unknown>(name, redis, `${prefix}:q`)));
      return queue as unknown as JobQueue<T>;
    },
    async ping() {
      if (redis.status !== 'ready') throw new Error(`redis ${redis.status}`);
      await redis.ping();
    },
    async close() {
      for (const queue of queues.values()) await queue.close();
      subscriber.disconnect();
      publisher.disconnect();
      redis.disconnect();
    },
  };
}
