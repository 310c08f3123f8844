import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../app/context.js';
import { audit } from '../audit/log.js';
import { currentUser } from '../auth/access.js';
import { Timestamp, withErrors } from '../http/schemas.js';
import { BASELINE_WINDOW_DAYS, recomputeBaselines } from './compute.js';
import { BaselineBody } from './schemas.js';


interface BaselineRow { agent_id: string; agent_name: string; target: string; metric: string; value: number; sample_count: number; window_start: Date; window_end: Date; reliable: boolean; computed_at: Date }

export function baselineRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/api/speed/baselines', {
      config: { access: 'viewer' },
      schema: {
        tags: ['baselines'],
        summary: `Baselines: the median of the previous ${BASELINE_WINDOW_DAYS} days per agent, target and metric`,
        querystring: Type.Object({
          agent: Type.Optional(Type.String({ format: 'uuid' })),
          target: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
          metric: Type.Optional(Type.String({ maxLength: 64 })),
        }, { additionalProperties: false }),
        response: withErrors({ 200: Type.Array(BaselineBody) }, [400, 401]),
      },
    }, async (request) => {
      const q = request.query;
      const rows = await ctx.db.query<BaselineRow>(
        `SELECT b.*, a.name AS agent_name FROM baselines b JOIN agents a ON a.id = b.agent_id
          WHERE ($1::uuid IS NULL OR b.agent_id = $1) AND ($2::text IS NULL OR b.target = $2) AND ($3::text IS NULL OR b.metric = $3)
          ORDER BY a.name, b.target, b.metric`,
        [q.agent ?? null, q.target ?? null, q.metric ?? null],
      );
      return rows.map((r) => ({
        agent: { id: r.agent_id, name: r.agent_name }, target: r.target, metric: r.metric, value: r.value, sample_count: r.sample_count,
        window_start: r.window_start.toISOString(), window_end: r.window_end.toISOString(), reliable: r.reliable, computed_at: r.computed_at.toISOString(),
      }));
    });

    app.post('/api/speed/baselines/recompute', {
      config: { access: 'admin' },
      schema: {
        tags: ['baselines'],
        summary: 'Recompute every baseline now (the worker also does it nightly)',
        response: withErrors({ 200: Type.Object({ baselines: Type.Integer(), reliable: Type.Integer(), window_start: Timestamp, window_end: Timestamp }) }, [401, 403]),
      },
    }, async (request) => {
      const user = currentUser(request);
      const report = await recomputeBaselines(ctx.db);
      await audit(ctx.db, { id: user.userId, name: user.username, ip: request.ip }, { action: 'baselines.recompute', targetType: 'baselines', details: { baselines: report.baselines, reliable: report.reliable } });
      return { baselines: report.baselines, reliable: report.reliable, window_start: report.windowStart.toISOString(), window_end: report.windowEnd.toISOString() };
    });
  };
}
