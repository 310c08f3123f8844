import type { Progress } from '../measurements/job.js';
import type { RunDetail, RunWithResult } from './queries.js';

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function presentRun(run: RunWithResult) {
  return {
    id: run.id,
    agent: { id: run.agent_id, name: run.agent_name },
    type: run.kind,
    target: run.target,
    measured_target: run.result_target,
    status: run.status,
    status_reason: run.status_reason,
    schedule_id: run.schedule_id,
    created_at: run.created_at.toISOString(),
    dispatched_at: iso(run.dispatched_at),
    started_at: iso(run.started_at),
    finished_at: iso(run.finished_at),
    metrics: run.metrics,
  };
}

export function presentRunDetail(run: RunDetail, progress: Progress[]) {
  return {
    ...presentRun(run),
    spec: run.spec as Record<string, unknown>,
    timeline: run.timeline,
    deadline_at: run.deadline_at.toISOString(),
    error: run.error,
    details: run.details,
    method: run.method,
    progress,
  };
}
