/**
 * The messaging port: a job queue with retries and delays, publish/subscribe, and a key/TTL
 * store. In process for the embedded mode; Redis (BullMQ + ioredis) when distributed. DESIGN §2.
 */
export interface Bus {
  readonly kind: 'memory' | 'redis';
  /** Delivers to every subscriber of the channel, in every process sharing the bus. */
  publish(channel: string, message: unknown): Promise<void>;
  subscribe(channel: string, handler: (message: unknown) => void): Promise<Unsubscribe>;
  readonly kv: KeyValueStore;
  queue<T>(name: string): JobQueue<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type Unsubscribe = () => Promise<void>;

export interface KeyValueStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Sets only when the key is absent; true when it did (a lock or a once-only marker). */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Adds one; the TTL starts when the key is created. Returns the new count. */
  increment(key: string, ttlMs: number): Promise<number>;
  /** Milliseconds left before the key expires; null when absent or without TTL. */
  ttlMs(key: string): Promise<number | null>;
  delete(key: string): Promise<void>;
}

export interface JobOptions {
  /** A job with the same id still waiting, delayed or running makes this add a no-op. */
  jobId?: string;
  delayMs?: number;
  /** Total attempts including the first (default 1). */
  attempts?: number;
  /** First retry delay; doubled at each further attempt (default 1000). */
  backoffMs?: number;
}

export interface Job<T> {
  id: string;
  data: T;
  /** 1 for the first attempt. */
  attempt: number;
}

export type JobHandler<T> = (job: Job<T>, signal: AbortSignal) => Promise<void>;

export interface JobQueue<T> {
  add(data: T, options?: JobOptions): Promise<void>;
  /** Starts consuming; the returned function stops (waiting for running jobs) . */
  process(handler: JobHandler<T>, options?: { concurrency?: number }): Promise<() => Promise<void>>;
  /** Jobs waiting or delayed (not running). */
  pendingCount(): Promise<number>;
}

/** Thrown by a job handler to give up at once: no further attempt will be made. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

export function backoffDelayMs(attempt: number, baseMs: number): number {
  return baseMs * 2 ** Math.max(0, attempt - 1);
}
