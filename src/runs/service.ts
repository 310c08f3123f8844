import type { AppContext } from '../app/context.js';
import type { Queryable } from '../db/port.js';
import { EXCLUSIVE_KINDS } from '../measurements/kinds.js';
import type { MeasurementJob, MeasurementResult } from '../measurements/job.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import { findAgent } from '../agents/repository.js';
import { publishRunStatus } from './events.js';
import { expectedDurationMs } from './expected-duration.js';
import { isTerminal } from './lifecycle.js';
import { findRun, insertRun, overdueRuns, transitionRun, type Run } from './repository.js';
import { insertResult, type StoredResult } from './results.js';

/** A result just stored, with its run as the result left it. */
export interface StoredRun {
  run: Run;
  result: StoredResult;
}

/**
 * Called inside the transaction that stores results (path changes, rollup marks, alert
 * evaluation…), once per batch: one result from `acceptResult`, up to a few hundred from
 * `acceptResults`. A hook reads what it needs for the whole batch in a statement or two, so the
 * cost of storing a result does not grow with the number of hooks. Results of the same run never
 * appear twice; results are in the order they arrived.
 */
export type ResultHook = (tx: Queryable, stored: readonly StoredRun[], ctx: AppContext) => Promise<void>;

export const agentChannel = (agentId: string) => `agent:${agentId}`;

export type AgentChannelMessage = { type: 'dispatch' } | { type: 'cancel'; run_id: string; reason: string } | { type: 'refresh' } | { type: 'takeover'; connection: string };

export interface CreateRunInput {
  agentId: string;
  job: MeasurementJob;
  /** The target as the user named it (a hostname for DNS). */
  target: string;
  requestedBy: number | null;
  scheduleId?: number | null;
  note: string;
}

/**
 * Queues a run for an agent and wakes whichever server holds the agent's connection. An agent in
 * maintenance gets nothing: the run is recorded as skipped_maintenance at once.
 */
export async function createRun(ctx: AppContext, input: CreateRunInput): Promise<Run> {
  const run = await ctx.db.transaction((tx) => insertRunFor(tx, ctx, input));
  await announceRun(ctx, run);
  return run;
}

/**
 * createRun's write, inside the caller's transaction (the scheduler creates the run in the
 * transaction that advances its schedule). `skipReason` records the run as skipped_maintenance
 * with that reason instead of queueing it. Call announceRun after the commit.
 */
export async function insertRunFor(tx: Queryable, ctx: AppContext, input: CreateRunInput & { skipReason?: string | null; at?: Date }): Promise<Run> {
  const now = input.at ?? new Date();
  const deadline = new Date(now.getTime() + (ctx.config.runQueueTimeoutS + ctx.config.runTimeoutGraceS) * 1000 + expectedDurationMs(input.job));
  const agent = await findAgent(tx, input.agentId);
  if (!agent || agent.retired_at) throw badRequest('agent', 'no such agent');
  const queued = await insertRun(tx, {
    agentId: agent.id,
    job: input.job,
    target: input.target,
    exclusive: EXCLUSIVE_KINDS.has(input.job.kind),
    requestedBy: input.requestedBy,
    scheduleId: input.scheduleId ?? null,
    deadlineAt: deadline,
    note: input.note,
    at: now,
  });
  const skipReason = agent.maintenance ? `agent ${agent.name} is in maintenance` : input.skipReason;
  if (!skipReason) return queued;
  return (await transitionRun(tx, queued.id, 'skipped_maintenance', { reason: skipReason, finishedAt: now, at: now }))!;
}

/** Tells watchers about a new run and wakes the server holding its agent's connection. */
export async function announceRun(ctx: AppContext, run: Run): Promise<void> {
  await publishRunStatus(ctx.bus, run);
  if (run.status === 'queued') await ctx.bus.publish(agentChannel(run.agent_id), { type: 'dispatch' } satisfies AgentChannelMessage);
}

/** An operator cancels a queued or running run; the agent is told to stop. */
export async function cancelRun(ctx: AppContext, runId: string, by: string): Promise<Run> {
  const run = await transitionRun(ctx.db, runId, 'canceled', { reason: `canceled by ${by}`, finishedAt: new Date() });
  if (!run) {
    const existing = await findRun(ctx.db, runId);
    if (!existing) throw notFound(`run ${runId}`);
    throw conflict(`run is already ${existing.status}`, 'status');
  }
  await publishRunStatus(ctx.bus, run);
  await ctx.bus.publish(agentChannel(run.agent_id), { type: 'cancel', run_id: run.id, reason: run.status_reason ?? 'canceled' } satisfies AgentChannelMessage);
  return run;
}

export type ResultOutcome = { outcome: 'stored' | 'duplicate' } | { outcome: 'rejected'; reason: string };

/**
 * Stores an agent's result exactly once. A resend of a stored result is a duplicate; a result for
 * another agent's run, an unknown run or a canceled one is rejected. A result arriving after its
 * run timed out is accepted and completes it (the timeline says it was late).
 */
export async function acceptResult(ctx: AppContext, agentId: string, runId: string, result: MeasurementResult, options: { clockOffsetMs?: number; hooks?: ResultHook[] } = {}): Promise<ResultOutcome> {
  const outcome = await ctx.db.transaction(async (tx): Promise<ResultOutcome & { run?: Run }> => {
    const run = await findRun(tx, runId, { forUpdate: true });
    if (!run) return { outcome: 'rejected', reason: 'unknown run' };
    if (run.agent_id !== agentId) return { outcome: 'rejected', reason: 'the run belongs to another agent' };
    if (run.status === 'completed' || run.status === 'failed') return { outcome: 'duplicate' };
    if (isTerminal(run.status) && run.status !== 'timed_out') return { outcome: 'rejected', reason: `the run was ${run.status}` };
    if (result.kind !== run.kind) return { outcome: 'rejected', reason: `result kind ${result.kind} does not match the run (${run.kind})` };
    const stored = await insertResult(tx, run, result, options.clockOffsetMs ?? 0);
    const late = run.status === 'timed_out';
    const updated = await transitionRun(tx, run.id, result.status, {
      reason: result.status === 'failed' ? (result.error ?? 'failed') : undefined,
      note: late ? 'result arrived after the run had timed out (late upload)' : undefined,
      finishedAt: stored.finished_at,
      startedAt: run.started_at ? undefined : stored.measured_at,
      measuredAt: stored.measured_at,
    });
    for (const hook of options.hooks ?? []) await hook(tx, [{ run: updated!, result: stored }], ctx);
    return { outcome: 'stored', run: updated };
  });
  if (outcome.run) await publishRunStatus(ctx.bus, outcome.run);
  return outcome.outcome === 'rejected' ? { outcome: 'rejected', reason: outcome.reason } : { outcome: outcome.outcome };
}

/** Worker task: active runs past their deadline end timed_out, never stuck. */
export async function timeOutOverdueRuns(ctx: AppContext, now = new Date(), options: { listeningSince?: Date } = {}): Promise<number> {
  let count = 0;
  const overdueList = await overdueRuns(ctx.db, now);
  const agentIds = [...new Set(overdueList.map((r) => r.agent_id))];
  const seen = new Map(
    agentIds.length === 0 ? [] : (await ctx.db.query<{ id: string; last_seen_at: Date | null; connected_at: Date | null }>('SELECT id, last_seen_at, connected_at FROM agents WHERE id = ANY($1::uuid[])', [agentIds])).map((a) => [a.id, a]),
  );
  // An agent that has just reconnected is first uploading what it buffered while away.
  const settleMs = 2 * ctx.config.agentHeartbeatS * 1000 + 5000;
  const offlineAfterMs = ctx.config.agentOfflineAfterS * 1000;
  for (const overdue of overdueList) {
    const agent = seen.get(overdue.agent_id);
    const lastSeen = agent?.last_seen_at ?? null;
    const connectedAt = agent?.connected_at?.getTime() ?? 0;
    let reason: string;
    if (overdue.status === 'queued') {
      reason = 'the agent did not take the run in time (offline or busy)';
    } else if (lastSeen && lastSeen.getTime() >= overdue.deadline_at.getTime() && connectedAt > overdue.deadline_at.getTime() && now.getTime() - connectedAt < settleMs) {
      // It reconnected after the deadline: let it upload what it buffered before judging.
      continue;
    } else if (lastSeen && lastSeen.getTime() >= overdue.deadline_at.getTime()) {
      // The agent is talking to us past the deadline and has not delivered: it is late.
      reason = overdue.status === 'dispatched' ? 'the agent did not start the run in time' : 'the agent did not return a result in time';
    } else if (lastSeen && now.getTime() - Math.max(lastSeen.getTime(), options.listeningSince?.getTime() ?? 0) <= offlineAfterMs) {
      // Silent since before the deadline (the agent, or the server, was away): it may be about to
      // reconnect with the result in its buffer. Wait until it counts as OFFLINE, counting its
      // silence only from when this process could hear it (a server restart is not its fault).
      continue;
    } else {
      reason = `the agent went away during the test (no heartbeat since ${lastSeen?.toISOString() ?? 'it was dispatched'}) and returned no result`;
    }
    const run = await transitionRun(ctx.db, overdue.id, 'timed_out', { reason, finishedAt: now, at: now });
    if (!run) continue;
    count++;
    await publishRunStatus(ctx.bus, run);
    await ctx.bus.publish(agentChannel(run.agent_id), { type: 'cancel', run_id: run.id, reason } satisfies AgentChannelMessage);
  }
  return count;
}
