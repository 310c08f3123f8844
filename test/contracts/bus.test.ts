// The Bus port contract: queue, publish/subscribe and key/TTL store behave the same on every adapter.
import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { busBackends, TEST_REDIS_URL, uniquePrefix } from '../helpers/backends.js';
import { PermanentJobError, type Bus } from '../../src/bus/port.js';
import { openRedisBus } from '../../src/bus/redis.js';

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}

for (const backend of busBackends()) {
  describe(`Bus contract: ${backend.name}`, () => {
    let bus: Bus;
    before(async () => {
      bus = await backend.open();
    });
    after(() => bus.close());

    it('delivers a published message to every subscriber of the channel, and only those', async () => {
      const a: unknown[] = [];
      const b: unknown[] = [];
      const other: unknown[] = [];
      const ua = await bus.subscribe('chan', (m) => a.push(m));
      const ub = await bus.subscribe('chan', (m) => b.push(m));
      const uo = await bus.subscribe('other', (m) => other.push(m));
      await bus.publish('chan', { n: 1, nested: { ok: true } });
      await until(() => a.length === 1 && b.length === 1);
      assert.deepEqual(a[0], { n: 1, nested: { ok: true } });
      await ua();
      await bus.publish('chan', { n: 2 });
      await until(() => b.length === 2);
      await sleep(50);
      assert.equal(a.length, 1, 'an unsubscribed handler receives nothing more');
      assert.equal(other.length, 0);
      await ub();
      await uo();
    });

    it('stores keys with a TTL that expire', async () => {
      await bus.kv.set('k1', 'v1', 200);
      assert.equal(await bus.kv.get('k1'), 'v1');
      const ttl = await bus.kv.ttlMs('k1');
      assert.ok(ttl !== null && ttl > 0 && ttl <= 200);
      await sleep(300);
      assert.equal(await bus.kv.get('k1'), null);
      await bus.kv.set('k2', 'forever');
      assert.equal(await bus.kv.ttlMs('k2'), null);
      await bus.kv.delete('k2');
      assert.equal(await bus.kv.get('k2'), null);
    });

    it('setIfAbsent succeeds once until the key expires', async () => {
      assert.equal(await bus.kv.setIfAbsent('lock', 'a', 200), true);
      assert.equal(await bus.kv.setIfAbsent('lock', 'b', 200), false);
      assert.equal(await bus.kv.get('lock'), 'a');
      await sleep(300);
      assert.equal(await bus.kv.setIfAbsent('lock', 'c', 200), true);
    });

    it('increment counts within a window that starts at the first increment', async () => {
      assert.equal(await bus.kv.increment('ctr', 250), 1);
      assert.equal(await bus.kv.increment('ctr', 250), 2);
      await sleep(150);
      assert.equal(await bus.kv.increment('ctr', 250), 3, 'a later increment does not extend the window');
      await sleep(200);
      assert.equal(await bus.kv.increment('ctr', 250), 1);
    });

    it('processes queued jobs with their data', async () => {
      const q = bus.queue<{ n: number }>('basic');
      const seen: number[] = [];
      const stop = await q.process(async (job) => {
        seen.push(job.data.n);
      });
      for (let n = 0; n < 5; n++) await q.add({ n });
      await until(() => seen.length === 5);
      assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4]);
      await stop();
    });

    it('retries a failing job with backoff up to its attempts, then stops', async () => {
      const q = bus.queue<string>('retry');
      const attempts: { attempt: number; at: number }[] = [];
      const stop = await q.process(async (job) => {
        attempts.push({ attempt: job.attempt, at: Date.now() });
        if (job.attempt < 3) throw new Error('transient');
      });
      await q.add('x', { attempts: 5, backoffMs: 100 });
      await until(() => attempts.length === 3);
      await sleep(400);
      assert.deepEqual(attempts.map((a) => a.attempt), [1, 2, 3], 'succeeds on the third attempt and is not run again');
      assert.ok(attempts[1]!.at - attempts[0]!.at >= 90, 'first retry waits the backoff');
      assert.ok(attempts[2]!.at - attempts[1]!.at >= 180, 'second retry waits twice the backoff');

      const given: number[] = [];
      const q2 = bus.queue<string>('exhaust');
      const stop2 = await q2.process(async (job) => {
        given.push(job.attempt);
        throw new Error('always');
      });
      await q2.add('y', { attempts: 2, backoffMs: 50 });
      await until(() => given.length === 2);
      await sleep(300);
      assert.deepEqual(given, [1, 2]);
      await stop();
      await stop2();
    });

    it('gives up at once on a PermanentJobError', async () => {
      const q = bus.queue<string>('permanent');
      let calls = 0;
      const stop = await q.process(async () => {
        calls++;
        throw new PermanentJobError('bad input');
      });
      await q.add('z', { attempts: 5, backoffMs: 20 });
      await until(() => calls === 1);
      await sleep(300);
      assert.equal(calls, 1);
      await stop();
    });

    it('holds a delayed job until its delay has passed', async () => {
      const q = bus.queue<string>('delayed');
      let ranAt = 0;
      const stop = await q.process(async () => {
        ranAt = Date.now();
      });
      const addedAt = Date.now();
      await q.add('later', { delayMs: 400 });
      assert.equal(await q.pendingCount(), 1);
      await until(() => ranAt > 0);
      assert.ok(ranAt - addedAt >= 380, `ran after ${ranAt - addedAt} ms`);
      await stop();
    });

    it('ignores a job whose id is already pending', async () => {
      const q = bus.queue<number>('dedupe');
      await q.add(1, { jobId: 'same', delayMs: 200 });
      await q.add(2, { jobId: 'same', delayMs: 200 });
      assert.equal(await q.pendingCount(), 1);
      const seen: number[] = [];
      const stop = await q.process(async (job) => {
        seen.push(job.data);
      });
      await until(() => seen.length === 1);
      await sleep(300);
      assert.deepEqual(seen, [1]);
      await stop();
    });

    it('runs up to `concurrency` jobs at once', async () => {
      const q = bus.queue<number>('concurrent');
      let running = 0;
      let peak = 0;
      let done = 0;
      const stop = await q.process(
        async () => {
          running++;
          peak = Math.max(peak, running);
          await sleep(100);
          running--;
          done++;
        },
        { concurrency: 3 },
      );
      for (let i = 0; i < 6; i++) await q.add(i);
      await until(() => done === 6);
      assert.equal(peak, 3);
      await stop();
    });
  });
}

if (TEST_REDIS_URL) {
  describe('Bus contract: redis across processes', () => {
    it('two buses on one Redis share channels, keys and queues', async () => {
      const prefix = uniquePrefix();
      const one = await openRedisBus({ url: TEST_REDIS_URL!, prefix });
      const two = await openRedisBus({ url: TEST_REDIS_URL!, prefix });
      try {
        const got: unknown[] = [];
        await two.subscribe('x', (m) => got.push(m));
        await one.publish('x', { hello: 'replica' });
        await until(() => got.length === 1);
        await one.kv.set('shared', 'yes');
        assert.equal(await two.kv.get('shared'), 'yes');
        const processed: string[] = [];
        const stop = await two.queue<string>('work').process(async (job) => {
          processed.push(job.data);
        });
        await one.queue<string>('work').add('from-one');
        await until(() => processed.length === 1);
        await stop();
      } finally {
        await one.close();
        await two.close();
      }
    });
  });
}
