import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { AppContext } from '../app/context.js';
import { Timestamp, withErrors } from '../http/schemas.js';

const Entry = Type.Object({
  id: Type.Integer(),
  at: Timestamp,
  actor_id: Type.Union([Type.Integer(), Type.Null()]),
  actor_name: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  target_type: Type.Union([Type.String(), Type.Null()]),
  target_id: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.Unknown()),
  ip: Type.Union([Type.String(), Type.Null()]),
});

type AuditRow = Omit<Static<typeof Entry>, 'at'> & { at: Date };

export function auditRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/api/audit', {
      config: { access: 'admin' },
      schema: {
        tags: ['audit'],
        summary: 'The audit log: who changed what, when and from where (newest first)',
        querystring: Type.Object({
          before_id: Type.Optional(Type.Integer({ minimum: 1, description: 'cursor: entries older than this id' })),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          action: Type.Optional(Type.String({ maxLength: 64 })),
        }, { additionalProperties: false }),
        response: withErrors({ 200: Type.Object({ entries: Type.Array(Entry), next_before_id: Type.Union([Type.Integer(), Type.Null()]) }) }, [400, 401, 403]),
      },
    }, async (request) => {
      const { before_id, limit, action } = request.query;
      const rows = await ctx.db.query<AuditRow>(
        `SELECT id, at, actor_id, actor_name, action, target_type, target_id, details, ip FROM audit_log
          WHERE ($1::bigint IS NULL OR id < $1) AND ($2::text IS NULL OR action = $2)
          ORDER BY id DESC LIMIT $3`,
        [before_id ?? null, action ?? null, limit],
      );
      return {
        entries: rows.map((r) => ({ ...r, at: r.at.toISOString() })),
        next_before_id: rows.length === limit ? rows[rows.length - 1]!.id : null,
      };
    });
  };
}
