// Drives a result through the real path: a queued run, dispatched, and the agent's result uploaded
// over the agent protocol route (acceptResult with every result hook).
import assert from 'node:assert/strict';
import type { MeasurementJob } from '../../src/measurements/job.js';
import { transitionRun } from '../../src/runs/repository.js';
import { createRun } from '../../src/runs/service.js';
import type { TestApp } from './app.js';

export const speedtestJob = (target: string) => ({ kind: 'speedtest', spec: { target, direction: 'download', simultaneous: false, candidates: [target], duration: 10 } }) as unknown as MeasurementJob;

export async function uploadResult(t: TestApp, agent: { agentId: string; credential: string }, target: string, metrics: Record<string, number>, options: { scheduleId?: number; status?: 'completed' | 'failed' } = {}): Promise<string> {
  const run = await createRun(t.ctx, { agentId: agent.agentId, job: speedtestJob(target), target, requestedBy: null, scheduleId: options.scheduleId ?? null, note: 'test' });
  await transitionRun(t.ctx.db, run.id, 'dispatched', { dispatchedAt: new Date() });
  const now = new Date().toISOString();
  const res = await t.app.inject({
    method: 'POST', url: '/api/agent/results', headers: { authorization: `Bearer ${agent.credential}` },
    payload: { run_id: run.id, result: { kind: 'speedtest', status: options.status ?? 'completed', started_at: now, finished_at: now, target, metrics, details: {}, method: {} } },
  });
  assert.equal(res.json().outcome, 'stored', res.body);
  return run.id;
}
