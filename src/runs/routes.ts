import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../app/context.js';
import { currentUser } from '../auth/access.js';
import { findAgentByIdOrName } from '../agents/repository.js';
import { badRequest, notFound } from '../http/errors.js';
import { withErrors } from '../http/schemas.js';
import { RUN_STATUSES, type RunStatus } from './lifecycle.js';
import { presentRun, presentRunDetail } from './present.js';
import { decodeCursor, encodeCursor, findRunDetail, listRunsWithResults } from './queries.js';
import { RunDetailBody, RunSummaryBody } from './schemas.js';
import { cancelRun } from './service.js';
import { recentProgress } from './events.js';
import { streamRunEvents } from './sse.js';

const RunParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export function resultRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/api/speed/results', {
      config: { access: 'viewer' },
      schema: {
        tags: ['results'],
        summary: 'List test runs and their results, newest first, with filters and cursor pagination',
        querystring: Type.Object({
          agent: Type.Optional(Type.String({ maxLength: 64, description: 'agent name or id' })),
          target: Type.Optional(Type.String({ maxLength: 512 })),
          type: Type.Optional(Type.String({ enum: ['speedtest', 'trace', 'probe', 'dns'] })),
          status: Type.Optional(Type.String({ enum: [...RUN_STATUSES] })),
          schedule_id: Type.Optional(Type.Integer({ minimum: 1 })),
          from: Type.Optional(Type.String({ format: 'date-time', description: 'runs created at or after (ISO 8601)' })),
          to: Type.Optional(Type.String({ format: 'date-time', description: 'runs created before (ISO 8601)' })),
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
        }, { additionalProperties: false }),
        response: withErrors({ 200: Type.Object({ results: Type.Array(RunSummaryBody), next_cursor: Type.Union([Type.String(), Type.Null()]) }) }, [400, 401]),
      },
    }, async (request) => {
      const q = request.query;
      let agentId: string | undefined;
      if (q.agent) {
        const agent = await findAgentByIdOrName(ctx.db, q.agent);
        if (!agent) throw badRequest('agent', 'no such agent');
        agentId = agent.id;
      }
      const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
      if (q.cursor && !cursor) throw badRequest('cursor', 'not a cursor from this API');
      const rows = await listRunsWithResults(ctx.db, {
        agentId,
        target: q.target,
        kind: q.type,
        status: q.status as RunStatus | undefined,
        scheduleId: q.schedule_id,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        cursor,
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      return { results: page.map(presentRun), next_cursor: rows.length > q.limit ? encodeCursor(page[page.length - 1]!) : null };
    });

    app.get('/api/speed/results/:id', {
      config: { access: 'viewer' },
      schema: {
        tags: ['results'],
        summary: 'Everything a run measured: status timeline, headline figures, interval series, hop table, resolver answers, method',
        params: RunParams,
        response: withErrors({ 200: RunDetailBody }, [400, 401, 404]),
      },
    }, async (request) => {
      const run = await findRunDetail(ctx.db, request.params.id);
      if (!run) throw notFound(`run ${request.params.id}`);
      return presentRunDetail(run, ['dispatched', 'running'].includes(run.status) ? await recentProgress(ctx.bus, run.id) : []);
    });

    app.get('/api/speed/results/:id/events', {
      config: { access: 'viewer' },
      schema: {
        tags: ['results'],
        summary: 'Live progress of a run as server-sent events: status, progress (per-interval throughput, hops), then the final result',
        params: RunParams,
        produces: ['text/event-stream'],
      },
    }, async (request, reply) => {
      const run = await findRunDetail(ctx.db, request.params.id);
      if (!run) throw notFound(`run ${request.params.id}`);
      await streamRunEvents(ctx, request, reply, run);
    });

    app.post('/api/speed/results/:id/cancel', {
      config: { access: 'operator' },
      schema: {
        tags: ['results'],
        summary: 'Cancel a queued or running run',
        params: RunParams,
        response: withErrors({ 200: RunSummaryBody, 409: Type.Ref('Error') }),
      },
    }, async (request) => {
      const user = currentUser(request);
      await cancelRun(ctx, request.params.id, user.username);
      return presentRun((await findRunDetail(ctx.db, request.params.id))!);
    });
  };
}
