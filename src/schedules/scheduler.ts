import type { AppContext } from '../app/context.js';
import type { Database, Queryable } from '../db/port.js';
import { HttpError } from '../http/errors.js';
import { EXCLUSIVE_KINDS } from '../measurements/kinds.js';
import { WINDOW_COLUMNS, isInMaintenance, windowForAgent } from '../maintenance/repository.js';
import type { MaintenanceWindow } from '../maintenance/windows.js';
import { publishRunStatus } from '../runs/events.js';
import { expectedDurationMs } from '../runs/expected-duration.js';
import { RUN_COLUMNS, type Run } from '../runs/repository.js';
import { agentChannel, announceRun, insertRunFor, type AgentChannelMessage } from '../runs/service.js';
import type { PeriodicTask } from '../worker/periodic.js';
import { missedSlots, nextSlot } from './grid.js';
import { buildScheduledJob } from './jobs.js';
import { findSchedule, type Schedule } from './repository.js';

/** Why a schedule's job could not be built, in words (a 400's message, or the error's). */
const describe = (error: unknown) => (error instanceof HttpError ? error.message : error instanceof Error ? error.message : String(error));

type ScheduledJob = Awaited<ReturnType<typeof buildScheduledJob>>;

/** Schedules claimed by one transaction of the scheduler (at most this many). */
export const FIRE_BATCH = 500;

/** The first timeline note of a scheduled run: its slot, and the slots missed before it. */
function slotNote(name: string, slot: Date, now: Date, intervalS: number): string {
  const missed = missedSlots(slot.getTime(), now.getTime(), intervalS);
  return `scheduled by "${name}" for ${slot.toISOString()}` +
    (missed > 0 ? `; ${missed} later slot${missed === 1 ? '' : 's'} missed while no worker was running, fired once` : '');
}

/**
 * Creates one run of a schedule inside `tx`: skipped_maintenance (not dispatched) when the agent
 * is in a maintenance window or flagged, else queued for the agent.
 */
async function insertScheduledRun(tx: Queryable, ctx: AppContext, schedule: Schedule, job: ScheduledJob, note: string, requestedBy: number | null, at: Date): Promise<Run> {
  const maintenance = await isInMaintenance(tx, schedule.agent_id, at);
  return insertRunFor(tx, ctx, {
    agentId: schedule.agent_id,
    job: job.job,
    target: job.target,
    requestedBy,
    scheduleId: schedule.id,
    note,
    skipReason: maintenance ? `skipped: ${maintenance.reason}` : null,
    at,
  });
}

/** A due schedule as the batch claims it, with what the run needs of its agent. */
interface Claimed extends Pick<Schedule, 'id' | 'name' | 'agent_id' | 'agent_name' | 'test_type' | 'target' | 'params' | 'interval_seconds' | 'offset_seconds' | 'next_run_at'> {
  agent_maintenance: boolean;
}

/**
 * The transaction seen as a database for the job builders (a speedtest resolves its target from
 * the agents and targets tables). Reads are remembered for the batch: every speedtest of the
 * batch asks for the same lists, and nothing has been written yet while jobs are built.
 */
function readCache(tx: Queryable, kind: Database['kind']): Database {
  const seen = new Map<string, Promise<unknown[]>>();
  return {
    kind,
    query: <R extends object>(text: string, params?: readonly unknown[]) => {
      const key = `${text}\u0000${JSON.stringify(params ?? [])}`;
      let rows = seen.get(key);
      if (!rows) seen.set(key, (rows = tx.query<R>(text, params)));
      return rows as Promise<R[]>;
    },
    exec: (script) => tx.exec(script),
    transaction: (fn) => fn(tx),
    ping: async () => undefined,
    close: async () => undefined,
  };
}

/**
 * One batch, in one transaction: claims up to `limit` due schedules (FOR UPDATE OF s SKIP
 * LOCKED), builds their jobs, checks maintenance for all their agents in one query, inserts
 * every run with one statement and moves every `next_run_at` with another. Returns the runs
 * (to announce after the commit) and how many schedules it claimed.
 */
async function fireBatch(ctx: AppContext, now: Date, limit: number): Promise<{ runs: Run[]; claimed: number; problems: { id: number; problem: string }[] }> {
  return ctx.db.transaction(async (tx) => {
    const claimed = await tx.query<Claimed>(
      `SELECT s.id, s.name, s.agent_id, a.name AS agent_name, s.test_type, s.target, s.params, s.interval_seconds, s.offset_seconds,
              s.next_run_at, a.maintenance AS agent_maintenance
         FROM schedules s JOIN agents a ON a.id = s.agent_id
        WHERE NOT s.paused AND s.deleted_at IS NULL AND a.retired_at IS NULL AND s.next_run_at <= $1
        ORDER BY s.next_run_at, s.id LIMIT $2
          FOR UPDATE OF s SKIP LOCKED`,
      [now, limit],
    );
    if (claimed.length === 0) return { runs: [], claimed: 0, problems: [] };
    const buildCtx: AppContext = { ...ctx, db: readCache(tx, ctx.db.kind) };
    const built: { schedule: Claimed; job?: ScheduledJob; problem?: string }[] = [];
    for (const schedule of claimed) {
      try {
        built.push({ schedule, job: await buildScheduledJob(buildCtx, schedule, schedule.agent_name) });
      } catch (error) {
        built.push({ schedule, problem: describe(error) });
      }
    }
    const toRun = built.filter((b): b is { schedule: Claimed; job: ScheduledJob } => b.job !== undefined);
    let runs: Run[] = [];
    if (toRun.length > 0) {
      const agentIds = [...new Set(toRun.map((b) => b.schedule.agent_id))];
      const windows = await tx.query<MaintenanceWindow>(
        `SELECT ${WINDOW_COLUMNS} FROM maintenance_windows WHERE deleted_at IS NULL AND (agent_id IS NULL OR agent_id = ANY($1::uuid[]))`,
        [agentIds],
      );
      const skipReason = new Map<string, string | null>();
      for (const agentId of agentIds) {
        const b = toRun.find((r) => r.schedule.agent_id === agentId)!.schedule;
        const open = windows.length > 0 ? windowForAgent(windows, agentId, now) : undefined;
        // As insertRunFor words it: the operator's flag first, then the open window.
        skipReason.set(agentId, b.agent_maintenance ? `agent ${b.agent_name} is in maintenance` : open ? `skipped: maintenance window "${open.window.name}"` : null);
      }
      const at = now.toISOString();
      const graceMs = (ctx.config.runQueueTimeoutS + ctx.config.runTimeoutGraceS) * 1000;
      const rows = toRun.map(({ schedule, job }) => {
        const reason = skipReason.get(schedule.agent_id) ?? null;
        const timeline: { at: string; status: string; note?: string }[] = [{ at, status: 'queued', note: slotNote(schedule.name, schedule.next_run_at, now, schedule.interval_seconds) }];
        if (reason) timeline.push({ at, status: 'skipped_maintenance' });
        return {
          agentId: schedule.agent_id,
          kind: job.job.kind,
          target: job.target,
          spec: JSON.stringify(job.job.spec),
          exclusive: EXCLUSIVE_KINDS.has(job.job.kind),
          scheduleId: schedule.id,
          deadline: new Date(now.getTime() + graceMs + expectedDurationMs(job.job)),
          status: reason ? 'skipped_maintenance' : 'queued',
          reason,
          finished: reason ? now : null,
          timeline: JSON.stringify(timeline),
        };
      });
      runs = await tx.query<Run>(
        `INSERT INTO runs (agent_id, kind, target, spec, exclusive, schedule_id, deadline_at, status, status_reason, finished_at, timeline, created_at)
         SELECT v.agent_id, v.kind, v.target, v.spec::jsonb, v.exclusive, v.schedule_id, v.deadline_at, v.status, v.reason, v.finished_at, v.timeline::jsonb, $1
           FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::bigint[], $8::timestamptz[], $9::text[], $10::text[], $11::timestamptz[], $12::text[])
                AS v(agent_id, kind, target, spec, exclusive, schedule_id, deadline_at, status, reason, finished_at, timeline)
         RETURNING ${RUN_COLUMNS}`,
        [
          now,
          rows.map((r) => r.agentId),
          rows.map((r) => r.kind),
          rows.map((r) => r.target),
          rows.map((r) => r.spec),
          rows.map((r) => r.exclusive),
          rows.map((r) => r.scheduleId),
          rows.map((r) => r.deadline),
          rows.map((r) => r.status),
          rows.map((r) => r.reason),
          rows.map((r) => r.finished),
          rows.map((r) => r.timeline),
        ],
      );
    }
    const runBySchedule = new Map(runs.map((r) => [Number(r.schedule_id), r.id]));
    await tx.query(
      `UPDATE schedules s SET next_run_at = v.next_run_at,
              last_run_at = CASE WHEN v.run_id IS NULL THEN s.last_run_at ELSE $1 END,
              last_run_id = COALESCE(v.run_id, s.last_run_id),
              last_error = v.problem
         FROM unnest($2::bigint[], $3::timestamptz[], $4::uuid[], $5::text[]) AS v(id, next_run_at, run_id, problem)
        WHERE s.id = v.id`,
      [
        now,
        built.map((b) => b.schedule.id),
        built.map((b) => nextSlot(now.getTime(), b.schedule.interval_seconds, b.schedule.offset_seconds)),
        built.map((b) => runBySchedule.get(Number(b.schedule.id)) ?? null),
        built.map((b) => b.problem ?? null),
      ],
    );
    const problems = built.filter((b) => b.problem).map((b) => ({ id: Number(b.schedule.id), problem: b.problem! }));
    return { runs, claimed: claimed.length, problems };
  });
}

/**
 * The path of one schedule, in a transaction of its own: used for a batch that failed as a
 * whole, so that one schedule the batch cannot handle does not hold the others back.
 */
async function fireOne(ctx: AppContext, id: number, now: Date): Promise<Run | undefined> {
  const schedule = await findSchedule(ctx.db, id);
  if (!schedule) return undefined;
  // Built outside the transaction: a speedtest resolves its target from the database, and
  // PGlite has one connection.
  let job: ScheduledJob | undefined;
  let problem: string | null = null;
  try {
    job = await buildScheduledJob(ctx, schedule, schedule.agent_name);
  } catch (error) {
    problem = describe(error);
  }
  const run = await ctx.db.transaction(async (tx) => {
    // Re-read under the lock: a worker that fired it meanwhile has moved next_run_at past now.
    const [claimed] = await tx.query<{ next_run_at: Date }>(
      'SELECT next_run_at FROM schedules WHERE id = $1 AND next_run_at <= $2 AND NOT paused AND deleted_at IS NULL FOR UPDATE SKIP LOCKED',
      [id, now],
    );
    if (!claimed) return undefined; // another worker holds or fired it, or it was paused meanwhile
    const next = nextSlot(now.getTime(), schedule.interval_seconds, schedule.offset_seconds);
    if (!job) {
      await tx.query('UPDATE schedules SET next_run_at = $2, last_error = $3 WHERE id = $1', [id, next, problem]);
      return undefined;
    }
    const created = await insertScheduledRun(tx, ctx, schedule, job, slotNote(schedule.name, claimed.next_run_at, now, schedule.interval_seconds), null, now);
    await tx.query('UPDATE schedules SET next_run_at = $2, last_run_at = $3, last_run_id = $4, last_error = NULL WHERE id = $1', [id, next, now, created.id]);
    return created;
  });
  if (problem) ctx.log.warn({ schedule: id, problem }, 'schedule could not fire');
  if (run) await announceRun(ctx, run);
  return run;
}

/** Tells watchers about the new runs and wakes, once per agent, the server holding its connection. */
async function announceRuns(ctx: AppContext, runs: Run[]): Promise<void> {
  const agents = new Set(runs.filter((r) => r.status === 'queued').map((r) => r.agent_id));
  await Promise.all([
    ...runs.map((run) => publishRunStatus(ctx.bus, run)),
    ...[...agents].map((agentId) => ctx.bus.publish(agentChannel(agentId), { type: 'dispatch' } satisfies AgentChannelMessage)),
  ]);
}

/**
 * Fires every due schedule once. Due schedules are claimed in batches of `batch`, each batch
 * in one transaction (FOR UPDATE OF s SKIP LOCKED) that creates their runs and moves each
 * `next_run_at` to the next slot of its grid after now: two workers never both fire a slot, a
 * worker dying before the commit leaves the slot to the next tick, and slots missed while no
 * worker ran fire once (the timeline says how many). Paused or deleted schedules and those of
 * retired agents are not fired. Batches follow one another while a full batch was due; each
 * uses the time it starts at (or `now` when given). Returns the runs made.
 */
export async function fireDueSchedules(ctx: AppContext, now?: Date, batch = FIRE_BATCH, signal?: AbortSignal): Promise<Run[]> {
  const fired: Run[] = [];
  for (;;) {
    const at = now ?? new Date();
    let result: Awaited<ReturnType<typeof fireBatch>>;
    try {
      result = await fireBatch(ctx, at, batch);
    } catch (error) {
      ctx.log.warn({ err: error }, 'schedule batch failed; firing each due schedule on its own');
      const due = await ctx.db.query<{ id: number }>(
        `SELECT s.id FROM schedules s JOIN agents a ON a.id = s.agent_id
          WHERE NOT s.paused AND s.deleted_at IS NULL AND a.retired_at IS NULL AND s.next_run_at <= $1
          ORDER BY s.next_run_at, s.id LIMIT $2`,
        [at, batch],
      );
      for (const { id } of due) {
        const run = await fireOne(ctx, Number(id), at).catch((e: unknown) => {
          ctx.log.error({ err: e, schedule: id }, 'schedule could not fire');
          return undefined;
        });
        if (run) fired.push(run);
      }
      return fired;
    }
    for (const { id, problem } of result.problems) ctx.log.warn({ schedule: id, problem }, 'schedule could not fire');
    await announceRuns(ctx, result.runs);
    fired.push(...result.runs);
    if (result.claimed < batch || signal?.aborted) return fired;
  }
}

/** "Run now": one run of the schedule outside its grid (next_run_at unchanged). */
export async function runScheduleNow(ctx: AppContext, schedule: Schedule, by: { userId: number | null; username: string }): Promise<Run> {
  const job = await buildScheduledJob(ctx, schedule, schedule.agent_name);
  const now = new Date();
  const run = await ctx.db.transaction(async (tx) => {
    const created = await insertScheduledRun(tx, ctx, schedule, job, `run now of "${schedule.name}" by ${by.username}`, by.userId, now);
    await tx.query('UPDATE schedules SET last_run_at = $2, last_run_id = $3 WHERE id = $1', [schedule.id, now, created.id]);
    return created;
  });
  await announceRun(ctx, run);
  return run;
}

/** The next slot due after `after` and no later than `until`, or undefined: when to wake up. */
async function nextDueAt(ctx: AppContext, after: Date, until: Date): Promise<Date | undefined> {
  const [row] = await ctx.db.query<{ at: Date | null }>(
    `SELECT min(s.next_run_at) AS at FROM schedules s JOIN agents a ON a.id = s.agent_id
      WHERE NOT s.paused AND s.deleted_at IS NULL AND a.retired_at IS NULL AND s.next_run_at > $1 AND s.next_run_at <= $2`,
    [after, until],
  );
  return row?.at ?? undefined;
}

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });

/**
 * One tick of the scheduler: fires what is due, then, until shortly before the next tick, sleeps
 * until the next slot and fires it on time. A slot therefore does not wait for the next tick (a
 * 1 s tick would otherwise add up to 1 s of drift).
 */
export async function schedulerTick(ctx: AppContext, signal: AbortSignal, spanMs = ctx.config.schedulerTickMs * 0.8): Promise<Run[]> {
  const endsAt = Date.now() + spanMs;
  const fired = await fireDueSchedules(ctx, undefined, FIRE_BATCH, signal);
  while (!signal.aborted) {
    const now = new Date();
    const next = await nextDueAt(ctx, now, new Date(endsAt));
    if (!next) break;
    await pause(Math.max(0, next.getTime() - Date.now()), signal);
    if (signal.aborted) break;
    fired.push(...(await fireDueSchedules(ctx, undefined, FIRE_BATCH, signal)));
  }
  return fired;
}

/** The worker task that fires schedules, every SCHEDULER_TICK_MS. */
export function schedulerTask(ctx: AppContext): PeriodicTask {
  return {
    name: 'schedules.fire',
    everyMs: ctx.config.schedulerTickMs,
    run: async (signal) => {
      const runs = await schedulerTick(ctx, signal);
      if (runs.length > 0) ctx.log.info({ count: runs.length }, 'schedules fired');
    },
  };
}
