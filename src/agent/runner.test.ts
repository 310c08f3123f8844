import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../observability/logger.js';
import { ENGINES } from '../engines/registry.js';
import type { MeasurementJob, MeasurementResult } from '../measurements/job.js';
import { JobRunner } from './runner.js';

// The runner's own behaviour (ordering, exclusivity, cancel, deadlines) with an engine of known
// duration swapped into the registry for the test.
function withEngine(kind: 'speedtest' | 'dns', engine: (spec: unknown, ctx: { signal: AbortSignal }) => Promise<MeasurementResult>, body: () => Promise<void>) {
  const original = ENGINES[kind];
  (ENGINES as Record<string, unknown>)[kind] = engine;
  return body().finally(() => ((ENGINES as Record<string, unknown>)[kind] = original));
}

const timedEngine = (ms: number, log: string[]) => async (spec: unknown, ctx: { signal: AbortSignal }): Promise<MeasurementResult> => {
  const target = (spec as { target?: string; hostname?: string }).target ?? (spec as { hostname: string }).hostname;
  log.push(`start ${target}`);
  const started = new Date().toISOString();
  try {
    await sleep(ms, undefined, { signal: ctx.signal });
  } catch {
    log.push(`abort ${target}`);
    return { kind: 'dns', status: 'failed', error: String(ctx.signal.reason), started_at: started, finished_at: new Date().toISOString(), target, metrics: {}, details: {}, method: {} };
  }
  log.push(`end ${target}`);
  return { kind: 'dns', status: 'completed', started_at: started, finished_at: new Date().toISOString(), target, metrics: {}, details: {}, method: {} };
};

const speedtest = (target: string): MeasurementJob => ({ kind: 'speedtest', spec: { target, protocol: 'tcp', direction: 'download', duration: 10, streams: 1, simultaneous: false, candidates: [{ name: target, engine: 'http', host: '127.0.0.1' }] } });
const dns = (hostname: string): MeasurementJob => ({ kind: 'dns', spec: { hostname, resolvers: [], record_type: 'A', timeout_ms: 100 } });

function runnerWith(finished: Map<string, MeasurementResult>) {
  return new JobRunner({ started: () => {}, progress: () => {}, finished: (runId, result) => finished.set(runId, result) }, createLogger('silent', 'test'), 'test');
}

describe('JobRunner', () => {
  it('runs bandwidth tests one at a time in arrival order, and background jobs alongside', async () => {
    const log: string[] = [];
    const finished = new Map<string, MeasurementResult>();
    await withEngine('speedtest', timedEngine(600, log), () => withEngine('dns', timedEngine(10, log), async () => {
      const runner = runnerWith(finished);
      runner.submit({ runId: 'a', job: speedtest('A'), exclusive: true, deadlineMs: Date.now() + 5000 });
      runner.submit({ runId: 'b', job: speedtest('B'), exclusive: true, deadlineMs: Date.now() + 5000 });
      runner.submit({ runId: 'c', job: dns('C'), exclusive: false, deadlineMs: Date.now() + 5000 });
      runner.submit({ runId: 'a', job: speedtest('A'), exclusive: true, deadlineMs: Date.now() + 5000 });
      while (finished.size < 3) await sleep(10);
      assert.deepEqual(log, ['start A', 'start C', 'end C', 'end A', 'start B', 'end B']);
    }));
  });

  it('a canceled job is aborted and reports nothing; a waiting one never starts', async () => {
    const log: string[] = [];
    const finished = new Map<string, MeasurementResult>();
    await withEngine('speedtest', timedEngine(200, log), async () => {
      const runner = runnerWith(finished);
      runner.submit({ runId: 'a', job: speedtest('A'), exclusive: true, deadlineMs: Date.now() + 5000 });
      runner.submit({ runId: 'b', job: speedtest('B'), exclusive: true, deadlineMs: Date.now() + 5000 });
      await sleep(20);
      runner.cancel('b', 'canceled by ops');
      runner.cancel('a', 'canceled by ops');
      await sleep(100);
      assert.deepEqual(log, ['start A', 'abort A']);
      assert.equal(finished.size, 0);
    });
  });

  it('a job past its deadline is aborted and reported failed', async () => {
    const log: string[] = [];
    const finished = new Map<string, MeasurementResult>();
    await withEngine('dns', timedEngine(1000, log), async () => {
      const runner = runnerWith(finished);
      runner.submit({ runId: 'x', job: dns('X'), exclusive: false, deadlineMs: Date.now() + 50 });
      while (finished.size < 1) await sleep(10);
      assert.equal(finished.get('x')!.status, 'failed');
      assert.match(finished.get('x')!.error!, /deadline passed/);
    });
  });

  it('an engine that throws becomes a failed result, not a lost run', async () => {
    const finished = new Map<string, MeasurementResult>();
    await withEngine('dns', async () => { throw new Error('segfault-ish'); }, async () => {
      const runner = runnerWith(finished);
      runner.submit({ runId: 'y', job: dns('Y'), exclusive: false, deadlineMs: Date.now() + 5000 });
      while (finished.size < 1) await sleep(10);
      assert.match(finished.get('y')!.error!, /engine error: segfault-ish/);
      assert.deepEqual(runner.recentFigures(), { recent_runs: 1, recent_engine_errors: 1 });
    });
  });
});
