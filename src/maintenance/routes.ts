import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../app/context.js';
import { findAgentByIdOrName } from '../agents/repository.js';
import { audit, type AuditActor } from '../audit/log.js';
import { currentUser } from '../auth/access.js';
import { badRequest, notFound } from '../http/errors.js';
import { IdParams, NullableTimestamp, Timestamp, withErrors } from '../http/schemas.js';
import { cronError, nextOpening, occurrenceAt, timezoneError, type MaintenanceWindow } from './windows.js';

const fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  agent: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], { description: 'agent name or id; null or absent: every agent' }),
  starts_at: Type.Union([Timestamp, Type.Null()], { description: 'one-off window: start' }),
  ends_at: Type.Union([Timestamp, Type.Null()], { description: 'one-off window: end' }),
  cron: Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()], { description: 'recurring window: 5-field cron expression of its openings, e.g. "0 2 * * 0"' }),
  duration_seconds: Type.Union([Type.Integer({ minimum: 1, maximum: 31 * 86400 }), Type.Null()], { description: 'recurring window: how long each opening lasts' }),
  timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA zone the cron expression is read in (default UTC)' }),
  reason: Type.String({ maxLength: 500 }),
};
const Input = Type.Object({
  name: Type.Optional(fields.name),
  agent: Type.Optional(fields.agent),
  starts_at: Type.Optional(fields.starts_at),
  ends_at: Type.Optional(fields.ends_at),
  cron: Type.Optional(fields.cron),
  duration_seconds: Type.Optional(fields.duration_seconds),
  timezone: Type.Optional(fields.timezone),
  reason: Type.Optional(Type.Union([fields.reason, Type.Null()])),
}, { additionalProperties: false });

export const WindowBody = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  agent: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
  starts_at: NullableTimestamp,
  ends_at: NullableTimestamp,
  cron: Type.Union([Type.String(), Type.Null()]),
  duration_seconds: Type.Union([Type.Integer(), Type.Null()]),
  timezone: Type.String(),
  reason: Type.String(),
  active: Type.Boolean({ description: 'open now' }),
  active_until: NullableTimestamp,
  next_start_at: NullableTimestamp,
  created_at: Timestamp,
  updated_at: Timestamp,
});

type Row = MaintenanceWindow & { agent_name: string | null; created_at: Date; updated_at: Date };
const SELECT = `SELECT w.id, w.name, w.agent_id, a.name AS agent_name, w.starts_at, w.ends_at, w.cron, w.duration_seconds, w.timezone, w.reason, w.created_at, w.updated_at
  FROM maintenance_windows w LEFT JOIN agents a ON a.id = w.agent_id WHERE w.deleted_at IS NULL`;

function present(w: Row, now = new Date()) {
  const open = occurrenceAt(w, now);
  return {
    id: w.id,
    name: w.name,
    agent: w.agent_id ? { id: w.agent_id, name: w.agent_name ?? w.agent_id } : null,
    starts_at: w.starts_at?.toISOString() ?? null,
    ends_at: w.ends_at?.toISOString() ?? null,
    cron: w.cron,
    duration_seconds: w.duration_seconds,
    timezone: w.timezone,
    reason: w.reason,
    active: Boolean(open),
    active_until: open?.end.toISOString() ?? null,
    next_start_at: nextOpening(w, now)?.toISOString() ?? null,
    created_at: w.created_at.toISOString(),
    updated_at: w.updated_at.toISOString(),
  };
}

interface Resolved { name: string; agentId: string | null; starts_at: Date | null; ends_at: Date | null; cron: string | null; duration_seconds: number | null; timezone: string; reason: string }

/** Checks a window as a whole: one-off or recurring, never both, each complete. */
function validate(w: Resolved): void {
  if (w.cron !== null) {
    if (w.starts_at !== null || w.ends_at !== null) throw badRequest('cron', 'a window is one-off (starts_at, ends_at) or recurring (cron, duration_seconds), not both');
    const problem = cronError(w.cron);
    if (problem) throw badRequest('cron', problem);
    if (w.duration_seconds === null) throw badRequest('duration_seconds', 'required with cron');
  } else {
    if (w.starts_at === null) throw badRequest('starts_at', 'required (or cron and duration_seconds for a recurring window)');
    if (w.ends_at === null) throw badRequest('ends_at', 'required with starts_at');
    if (w.ends_at <= w.starts_at) throw badRequest('ends_at', 'must be after starts_at');
    if (w.duration_seconds !== null) throw badRequest('duration_seconds', 'applies only to a recurring window (cron)');
  }
  const zone = timezoneError(w.timezone);
  if (zone) throw badRequest('timezone', zone);
}

const date = (field: string, value: string | null | undefined): Date | null | undefined => {
  if (value === undefined || value === null) return value;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw badRequest(field, 'not a date-time');
  return new Date(ms);
};

/** Maintenance windows (DESIGN §6): Viewers read, Operators and Admins write. */
export function maintenanceRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const actor = (request: FastifyRequest): AuditActor => {
    const user = currentUser(request);
    return { id: user.userId, name: user.username, ip: request.ip };
  };
  const agentIdOf = async (key: string | null | undefined): Promise<string | null | undefined> => {
    if (key === undefined || key === null) return key;
    const agent = await findAgentByIdOrName(ctx.db, key);
    if (!agent || agent.retired_at) throw badRequest('agent', `no agent named ${key}`);
    return agent.id;
  };
  const load = async (id: number) => {
    const [row] = await ctx.db.query<Row>(`${SELECT} AND w.id = $1`, [id]);
    if (!row) throw notFound(`maintenance window ${id}`);
    return row;
  };
  const save = (request: FastifyRequest, action: string, w: Resolved, id?: number) =>
    ctx.db.transaction(async (tx) => {
      const values = [w.name, w.agentId, w.starts_at, w.ends_at, w.cron, w.duration_seconds, w.timezone, w.reason];
      const [row] = id === undefined
        ? await tx.query<{ id: number }>(
          `INSERT INTO maintenance_windows (name, agent_id, starts_at, ends_at, cron, duration_seconds, timezone, reason, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
          [...values, currentUser(request).userId])
        : await tx.query<{ id: number }>(
          `UPDATE maintenance_windows SET name = $1, agent_id = $2, starts_at = $3, ends_at = $4, cron = $5, duration_seconds = $6, timezone = $7, reason = $8, updated_at = now()
            WHERE id = $9 RETURNING id`,
          [...values, id]);
      await audit(tx, actor(request), { action, targetType: 'maintenance_window', targetId: row!.id, details: { ...w, starts_at: w.starts_at?.toISOString() ?? null, ends_at: w.ends_at?.toISOString() ?? null } });
      return row!.id;
    });

  return async (app) => {
    app.get('/api/speed/maintenance', {
      config: { access: 'viewer' },
      schema: { tags: ['maintenance'], summary: 'Maintenance windows, with whether each is open now', response: withErrors({ 200: Type.Array(WindowBody) }, [401]) },
    }, async () => (await ctx.db.query<Row>(`${SELECT} ORDER BY w.id`)).map((w) => present(w)));

    app.get('/api/speed/maintenance/:id', {
      config: { access: 'viewer' },
      schema: { tags: ['maintenance'], summary: 'One maintenance window', params: IdParams, response: withErrors({ 200: WindowBody }) },
    }, async (request) => present(await load(request.params.id)));

    app.post('/api/speed/maintenance', {
      config: { access: 'operator' },
      schema: {
        tags: ['maintenance'],
        summary: 'Add a maintenance window: one-off (starts_at, ends_at) or recurring (cron, duration_seconds, timezone); global without agent',
        body: Input,
        response: withErrors({ 201: WindowBody }, [400, 401, 403]),
      },
    }, async (request, reply) => {
      const b = request.body;
      const w: Resolved = {
        name: b.name ?? (b.reason || 'Maintenance'),
        agentId: (await agentIdOf(b.agent)) ?? null,
        starts_at: date('starts_at', b.starts_at) ?? null,
        ends_at: date('ends_at', b.ends_at) ?? null,
        cron: b.cron?.trim() || null,
        duration_seconds: b.duration_seconds ?? null,
        timezone: b.timezone ?? 'UTC',
        reason: b.reason ?? '',
      };
      validate(w);
      const id = await save(request, 'maintenance.create', w);
      return reply.code(201).header('location', `/api/speed/maintenance/${id}`).send(present(await load(id)));
    });

    app.patch('/api/speed/maintenance/:id', {
      config: { access: 'operator' },
      schema: { tags: ['maintenance'], summary: 'Change a maintenance window (the fields given)', params: IdParams, body: Input, response: withErrors({ 200: WindowBody }) },
    }, async (request) => {
      const current = await load(request.params.id);
      const b = request.body;
      const agentId = await agentIdOf(b.agent);
      const w: Resolved = {
        name: b.name ?? current.name,
        agentId: agentId === undefined ? current.agent_id : agentId,
        starts_at: b.starts_at !== undefined ? date('starts_at', b.starts_at)! : current.starts_at,
        ends_at: b.ends_at !== undefined ? date('ends_at', b.ends_at)! : current.ends_at,
        cron: b.cron !== undefined ? (b.cron?.trim() || null) : current.cron,
        duration_seconds: b.duration_seconds !== undefined ? b.duration_seconds : current.duration_seconds,
        timezone: b.timezone ?? current.timezone,
        reason: b.reason !== undefined ? (b.reason ?? '') : current.reason,
      };
      validate(w);
      await save(request, 'maintenance.update', w, current.id);
      return present(await load(current.id));
    });

    app.delete('/api/speed/maintenance/:id', {
      config: { access: 'operator' },
      schema: { tags: ['maintenance'], summary: 'Delete a maintenance window (agents inside it return to their state)', params: IdParams, response: withErrors({ 204: Type.Null() }) },
    }, async (request, reply) => {
      const current = await load(request.params.id);
      await ctx.db.transaction(async (tx) => {
        await tx.query('UPDATE maintenance_windows SET deleted_at = now() WHERE id = $1', [current.id]);
        await audit(tx, actor(request), { action: 'maintenance.delete', targetType: 'maintenance_window', targetId: current.id, details: { name: current.name } });
      });
      return reply.code(204).send(null);
    });
  };
}
