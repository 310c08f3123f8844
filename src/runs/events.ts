import type { Bus } from '../bus/port.js';
import type { Progress } from '../measurements/job.js';
import type { RunStatus } from './lifecycle.js';
import type { Run } from './repository.js';

/** What subscribers of a run hear (the live-progress channel of the API and UI). */
export type RunEvent =
  | { type: 'status'; run_id: string; status: RunStatus; at: string; reason: string | null }
  | { type: 'progress'; run_id: string; progress: Progress };

export const runChannel = (runId: string) => `run:${runId}`;
/** Every run's status changes, for dashboards. */
export const RUNS_CHANNEL = 'runs';
export const progressKey = (runId: string) => `run:${runId}:progress`;

export async function publishRunStatus(bus: Bus, run: Run): Promise<void> {
  const event: RunEvent = { type: 'status', run_id: run.id, status: run.status, at: new Date().toISOString(), reason: run.status_reason };
  await Promise.all([bus.publish(runChannel(run.id), event), bus.publish(RUNS_CHANNEL, { ...event, agent_id: run.agent_id, kind: run.kind, target: run.target })]);
}

/** Publishes progress and keeps the latest few so a client arriving mid-run sees them. */
export async function publishRunProgress(bus: Bus, runId: string, progress: Progress): Promise<void> {
  const key = progressKey(runId);
  const previous = JSON.parse((await bus.kv.get(key)) ?? '[]') as Progress[];
  await bus.kv.set(key, JSON.stringify([...previous.slice(-59), progress]), 15 * 60_000);
  await bus.publish(runChannel(runId), { type: 'progress', run_id: runId, progress } satisfies RunEvent);
}

export async function recentProgress(bus: Bus, runId: string): Promise<Progress[]> {
  return JSON.parse((await bus.kv.get(progressKey(runId))) ?? '[]') as Progress[];
}
