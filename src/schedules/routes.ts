import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../app/context.js';
import { findAgentByIdOrName } from '../agents/repository.js';
import { audit, type AuditActor } from '../audit/log.js';
import { currentUser } from '../auth/access.js';
import { badRequest, notFound } from '../http/errors.js';
import { IdParams, withErrors } from '../http/schemas.js';
import { RunAcceptedBody } from '../runs/schemas.js';
import { offsetFor, nextSlot } from './grid.js';
import { buildScheduledJob, type TestType } from './jobs.js';
import { findSchedule, listSchedules, presentSchedule, type Schedule } from './repository.js';
import { runScheduleNow } from './scheduler.js';
import { ScheduleBody, ScheduleInput, SchedulePatch } from './schemas.js';

const actor = (request: FastifyRequest): AuditActor => {
  const user = currentUser(request);
  return { id: user.userId, name: user.username, ip: request.ip };
};

/** The brief's scheduled jobs: Viewers read, Operators and Admins write. */
export function scheduleRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const agentOf = async (key: string) => {
    const agent = await findAgentByIdOrName(ctx.db, key);
    if (!agent || agent.retired_at) throw badRequest('agent', `no agent named ${key}`);
    return agent;
  };
  const checkInterval = (seconds: number) => {
    if (seconds < ctx.config.scheduleMinIntervalS) throw badRequest('interval_seconds', `must be at least ${ctx.config.scheduleMinIntervalS} (SCHEDULE_MIN_INTERVAL_S)`);
  };
  const load = async (id: number) => {
    const schedule = await findSchedule(ctx.db, id);
    if (!schedule) throw notFound(`schedule ${id}`);
    return schedule;
  };

  return async (app) => {
    app.get('/api/speed/schedules', {
      config: { access: 'viewer' },
      schema: {
        tags: ['schedules'],
        summary: 'Scheduled jobs, with their next and last run',
        querystring: Type.Object({ agent: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'agent name or id' })) }, { additionalProperties: false }),
        response: withErrors({ 200: Type.Array(ScheduleBody) }, [400, 401]),
      },
    }, async (request) => {
      const agentId = request.query.agent ? (await agentOf(request.query.agent)).id : undefined;
      return (await listSchedules(ctx.db, { agentId })).map(presentSchedule);
    });

    app.get('/api/speed/schedules/:id', {
      config: { access: 'viewer' },
      schema: { tags: ['schedules'], summary: 'One scheduled job', params: IdParams, response: withErrors({ 200: ScheduleBody }) },
    }, async (request) => presentSchedule(await load(request.params.id)));

    app.post('/api/speed/schedules', {
      config: { access: 'operator' },
      schema: { tags: ['schedules'], summary: 'Create a scheduled job (fires every interval_seconds at a stable offset)', body: ScheduleInput, response: withErrors({ 201: ScheduleBody }, [400, 401, 403]) },
    }, async (request, reply) => {
      const b = request.body;
      const agent = await agentOf(b.agent);
      checkInterval(b.interval_seconds);
      const test = { test_type: b.test_type as TestType, target: b.target, params: b.params ?? {} };
      await buildScheduledJob(ctx, test, agent.name);
      const id = await ctx.db.transaction(async (tx) => {
        const [row] = await tx.query<{ id: number }>(
          `INSERT INTO schedules (name, agent_id, test_type, target, params, interval_seconds, thresholds, consecutive_failures, alert_on_breach, severity, notify_contact_list, paused, next_run_at, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now(), $13) RETURNING id`,
          [b.name, agent.id, test.test_type, test.target, JSON.stringify(test.params), b.interval_seconds, JSON.stringify(b.thresholds ?? {}), b.consecutive_failures ?? 1,
            b.alert_on_breach ?? true, b.severity ?? null, b.notify_contact_list ?? null, b.paused ?? false, currentUser(request).userId],
        );
        const offset = offsetFor(row!.id, b.interval_seconds);
        await tx.query('UPDATE schedules SET offset_seconds = $2, next_run_at = $3 WHERE id = $1', [row!.id, offset, nextSlot(Date.now(), b.interval_seconds, offset)]);
        await audit(tx, actor(request), { action: 'schedule.create', targetType: 'schedule', targetId: row!.id, details: { ...b, agent: agent.name } });
        return row!.id;
      });
      return reply.code(201).header('location', `/api/speed/schedules/${id}`).send(presentSchedule((await findSchedule(ctx.db, id))!));
    });

    app.patch('/api/speed/schedules/:id', {
      config: { access: 'operator' },
      schema: { tags: ['schedules'], summary: 'Change a scheduled job (the fields given)', params: IdParams, body: SchedulePatch, response: withErrors({ 200: ScheduleBody }) },
    }, async (request) => {
      const current = await load(request.params.id);
      const b = request.body;
      const agent = b.agent !== undefined ? await agentOf(b.agent) : { id: current.agent_id, name: current.agent_name };
      const interval = b.interval_seconds ?? current.interval_seconds;
      if (b.interval_seconds !== undefined) checkInterval(interval);
      const test = { test_type: (b.test_type ?? current.test_type) as TestType, target: b.target ?? current.target, params: b.params ?? current.params };
      await buildScheduledJob(ctx, test, agent.name);
      const regrid = interval !== current.interval_seconds;
      const offset = regrid ? offsetFor(current.id, interval) : current.offset_seconds;
      const resumed = b.paused === false && current.paused;
      const next = regrid || resumed ? nextSlot(Date.now(), interval, offset) : current.next_run_at;
      await ctx.db.transaction(async (tx) => {
        await tx.query(
          `UPDATE schedules SET name = $2, agent_id = $3, test_type = $4, target = $5, params = $6, interval_seconds = $7, offset_seconds = $8, next_run_at = $9,
                  thresholds = $10, consecutive_failures = $11, alert_on_breach = $12, severity = $13, notify_contact_list = $14, paused = $15, updated_at = now()
            WHERE id = $1`,
          [current.id, b.name ?? current.name, agent.id, test.test_type, test.target, JSON.stringify(test.params), interval, offset, next,
            JSON.stringify(b.thresholds ?? current.thresholds), b.consecutive_failures ?? current.consecutive_failures, b.alert_on_breach ?? current.alert_on_breach,
            b.severity !== undefined ? b.severity : current.severity, b.notify_contact_list !== undefined ? b.notify_contact_list : current.notify_contact_list, b.paused ?? current.paused],
        );
        await audit(tx, actor(request), { action: 'schedule.update', targetType: 'schedule', targetId: current.id, details: { ...b } });
      });
      return presentSchedule((await findSchedule(ctx.db, current.id))!);
    });

    app.delete('/api/speed/schedules/:id', {
      config: { access: 'operator' },
      schema: { tags: ['schedules'], summary: 'Delete a scheduled job (its runs and results are kept)', params: IdParams, response: withErrors({ 204: Type.Null() }) },
    }, async (request, reply) => {
      const current = await load(request.params.id);
      await ctx.db.transaction(async (tx) => {
        await tx.query('UPDATE schedules SET deleted_at = now(), updated_at = now() WHERE id = $1', [current.id]);
        await audit(tx, actor(request), { action: 'schedule.delete', targetType: 'schedule', targetId: current.id, details: { name: current.name } });
      });
      return reply.code(204).send(null);
    });

    const setPaused = (paused: boolean) => async (request: FastifyRequest<{ Params: { id: number } }>) => {
      const current = await load(request.params.id);
      await ctx.db.transaction(async (tx) => {
        if (paused) await tx.query('UPDATE schedules SET paused = true, updated_at = now() WHERE id = $1', [current.id]);
        // Resuming starts at the next slot: the slots missed while paused do not fire.
        else await tx.query('UPDATE schedules SET paused = false, next_run_at = $2, updated_at = now() WHERE id = $1', [current.id, current.paused ? nextSlot(Date.now(), current.interval_seconds, current.offset_seconds) : current.next_run_at]);
        await audit(tx, actor(request), { action: paused ? 'schedule.pause' : 'schedule.resume', targetType: 'schedule', targetId: current.id, details: { name: current.name } });
      });
      return presentSchedule((await findSchedule(ctx.db, current.id))!);
    };
    app.post('/api/speed/schedules/:id/pause', {
      config: { access: 'operator' },
      schema: { tags: ['schedules'], summary: 'Pause a scheduled job', params: IdParams, response: withErrors({ 200: ScheduleBody }) },
    }, setPaused(true));
    app.post('/api/speed/schedules/:id/resume', {
      config: { access: 'operator' },
      schema: { tags: ['schedules'], summary: 'Resume a paused job from its next slot', params: IdParams, response: withErrors({ 200: ScheduleBody }) },
    }, setPaused(false));

    app.post('/api/speed/schedules/:id/run', {
      config: { access: 'operator' },
      schema: { tags: ['schedules'], summary: 'Run a scheduled job now (its grid is unchanged)', params: IdParams, response: withErrors({ 202: RunAcceptedBody }) },
    }, async (request, reply) => {
      const schedule: Schedule = await load(request.params.id);
      const user = currentUser(request);
      const run = await runScheduleNow(ctx, schedule, { userId: user.userId, username: user.username });
      await audit(ctx.db, actor(request), { action: 'schedule.run', targetType: 'schedule', targetId: schedule.id, details: { name: schedule.name, run_id: run.id } });
      return reply.code(202).header('location', `/api/speed/results/${run.id}`).send({ run_id: run.id, status: run.status });
    });
  };
}
