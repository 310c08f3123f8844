// The breach log: every threshold breach with its value, limit and time (reports read it too).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../app/context.js';
import { badRequest } from '../http/errors.js';
import { withErrors } from '../http/schemas.js';
import { BreachBody } from './schemas.js';

interface BreachRow {
  id: number; run_id: string; agent_id: string; agent_name: string; target: string; rule_id: number | null; schedule_id: number | null;
  kind: string; metric: string; value: number; threshold: number; baseline: number | null; at: Date;
}

export function breachRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/api/speed/breaches', {
      config: { access: 'viewer' },
      schema: {
        tags: ['alerts'],
        summary: 'Threshold breaches (schedules and rules), newest first; results in maintenance windows are not counted',
        querystring: Type.Object({
          agent: Type.Optional(Type.String({ format: 'uuid' })),
          target: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
          metric: Type.Optional(Type.String({ maxLength: 64 })),
          since: Type.Optional(Type.String({ format: 'date-time' })),
          until: Type.Optional(Type.String({ format: 'date-time' })),
          before_id: Type.Optional(Type.Integer({ minimum: 1 })),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
        }, { additionalProperties: false }),
        response: withErrors({ 200: Type.Array(BreachBody) }, [400, 401]),
      },
    }, async (request) => {
      const q = request.query;
      if (q.since && q.until && Date.parse(q.until) < Date.parse(q.since)) throw badRequest('until', 'must not be before since');
      const rows = await ctx.db.query<BreachRow>(
        `SELECT b.*, a.name AS agent_name FROM breaches b JOIN agents a ON a.id = b.agent_id
          WHERE ($1::uuid IS NULL OR b.agent_id = $1) AND ($2::text IS NULL OR b.target = $2) AND ($3::text IS NULL OR b.metric = $3)
            AND ($4::timestamptz IS NULL OR b.at >= $4) AND ($5::timestamptz IS NULL OR b.at < $5) AND ($6::bigint IS NULL OR b.id < $6)
          ORDER BY b.id DESC LIMIT $7`,
        [q.agent ?? null, q.target ?? null, q.metric ?? null, q.since ?? null, q.until ?? null, q.before_id ?? null, q.limit],
      );
      return rows.map((r) => ({
        id: r.id, run_id: r.run_id, agent: { id: r.agent_id, name: r.agent_name }, target: r.target, source: r.rule_id !== null ? { rule_id: r.rule_id } : r.schedule_id !== null ? { schedule_id: r.schedule_id } : {},
        kind: r.kind, metric: r.metric, value: r.value, threshold: r.threshold, baseline: r.baseline, at: r.at.toISOString(),
      }));
    });
  };
}
