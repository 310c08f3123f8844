import { randomUUID } from 'node:crypto';
import type { Bus, Job, JobHandler, JobOptions, JobQueue, KeyValueStore, Unsubscribe } from './port.js';
import { PermanentJobError, backoffDelayMs } from './port.js';

interface Entry {
  value: string;
  expiresAt: number | null;
}

class MemoryKv implements KeyValueStore {
  private entries = new Map<string, Entry>();

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt !== null && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  async get(key: string) {
    return this.live(key)?.value ?? null;
  }
  async set(key: string, value: string, ttlMs?: number) {
    this.entries.set(key, { value, expiresAt: ttlMs ? Date.now() + ttlMs : null });
  }
  async setIfAbsent(key: string, value: string, ttlMs: number) {
    if (this.live(key)) return false;
    this.entries.set(key, { value, expiresAt: Date.now() + ttlMs });
    return true;
  }
  async increment(key: string, ttlMs: number) {
    const entry = this.live(key);
    const next = (entry ? Number(entry.value) : 0) + 1;
    this.entries.set(key, { value: String(next), expiresAt: entry ? entry.expiresAt : Date.now() + ttlMs });
    return next;
  }
  async ttlMs(key: string) {
    const entry = this.live(key);
    return entry?.expiresAt ? Math.max(0, entry.expiresAt - Date.now()) : null;
  }
  async delete(key: string) {
    this.entries.delete(key);
  }
}

interface QueuedJob<T> extends Job<T> {
  attempts: number;
  backoffMs: number;
}

class MemoryQueue<T> implements JobQueue<T> {
  private waiting: QueuedJob<T>[] = [];
  private delayed = new Map<string, NodeJS.Timeout>();
  private active = new Map<string, AbortController>();
  private handler: JobHandler<T> | undefined;
  private concurrency = 1;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly isClosed: () => boolean) {}

  private known(id: string) {
    return this.active.has(id) || this.delayed.has(id) || this.waiting.some((job) => job.id === id);
  }

  async add(data: T, options: JobOptions = {}) {
    if (this.isClosed()) throw new Error('bus closed');
    const id = options.jobId ?? randomUUID();
    if (this.known(id)) return;
    const job: QueuedJob<T> = { id, data, attempt: 1, attempts: Math.max(1, options.attempts ?? 1), backoffMs: options.backoffMs ?? 1000 };
    this.schedule(job, options.delayMs ?? 0);
  }

  private schedule(job: QueuedJob<T>, delayMs: number) {
    if (delayMs > 0) {
      const timer = setTimeout(() => {
        this.delayed.delete(job.id);
        this.waiting.push(job);
        this.pump();
      }, delayMs);
      timer.unref();
      this.delayed.set(job.id, timer);
    } else {
      this.waiting.push(job);
      queueMicrotask(() => this.pump());
    }
  }

  private pump() {
    while (this.handler && !this.stopped && this.active.size < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      void this.runJob(job, this.handler);
    }
  }

  private async runJob(job: QueuedJob<T>, handler: JobHandler<T>) {
    const controller = new AbortController();
    this.active.set(job.id, controller);
    try {
      await handler({ id: job.id, data: job.data, attempt: job.attempt }, controller.signal);
    } catch (error) {
      const retry = !(error instanceof PermanentJobError) && job.attempt < job.attempts && !this.isClosed();
      if (retry) {
        this.active.delete(job.id);
        this.schedule({ ...job, attempt: job.attempt + 1 }, backoffDelayMs(job.attempt, job.backoffMs));
      }
    } finally {
      if (this.active.get(job.id) === controller) this.active.delete(job.id);
      if (this.active.size === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
      this.pump();
    }
  }

  async process(handler: JobHandler<T>, options: { concurrency?: number } = {}) {
    if (this.handler) throw new Error('this queue already has a processor in this process');
    this.handler = handler;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.stopped = false;
    queueMicrotask(() => this.pump());
    return () => this.stop();
  }

  async stop() {
    this.stopped = true;
    this.handler = undefined;
    for (const controller of this.active.values()) controller.abort(new Error('queue stopping'));
    if (this.active.size > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  async pendingCount() {
    return this.waiting.length + this.delayed.size;
  }

  dispose() {
    for (const timer of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    this.waiting = [];
  }
}

/** The in-process bus of the embedded mode. Nothing survives the process, by design. */
export function createMemoryBus(): Bus {
  const subscribers = new Map<string, Set<(message: unknown) => void>>();
  const queues = new Map<string, MemoryQueue<unknown>>();
  let closed = false;
  return {
    kind: 'memory',
    async publish(channel, message) {
      // A deep copy through JSON, as over Redis: subscribers never share the publisher's object.
      const payload = JSON.stringify(message);
      for (const handler of subscribers.get(channel) ?? []) queueMicrotask(() => handler(JSON.parse(payload)));
    },
    async subscribe(channel, handler): Promise<Unsubscribe> {
      let set = subscribers.get(channel);
      if (!set) subscribers.set(channel, (set = new Set()));
      const wrapped = (message: unknown) => handler(message);
      set.add(wrapped);
      return async () => {
        set.delete(wrapped);
        if (set.size === 0) subscribers.delete(channel);
      };
    },
    kv: new MemoryKv(),
    queue<T>(name: string): JobQueue<T> {
      let queue = queues.get(name);
      if (!queue) queues.set(name, (queue = new MemoryQueue<unknown>(() => closed)));
      return queue as unknown as JobQueue<T>;
    },
    async ping() {
      if (closed) throw new Error('bus closed');
    },
    async close() {
      closed = true;
      for (const queue of queues.values()) {
        await queue.stop();
        queue.dispose();
      }
      subscribers.clear();
    },
  };
}
