import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../app/context.js';
import { findAgentByIdOrName } from '../agents/repository.js';
import { badRequest } from '../http/errors.js';
import { Timestamp, withErrors } from '../http/schemas.js';

const Hop = Type.Union([Type.String(), Type.Null()]);

export function pathChangeRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/api/speed/path-changes', {
      config: { access: 'viewer' },
      schema: {
        tags: ['results'],
        summary: 'Path changes: traces whose hop list differed from the previous trace of the same agent and target',
        querystring: Type.Object({
          agent: Type.Optional(Type.String({ maxLength: 64 })),
          target: Type.Optional(Type.String({ maxLength: 253 })),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
        }, { additionalProperties: false }),
        response: withErrors({
          200: Type.Array(Type.Object({
            id: Type.Integer(),
            agent: Type.Object({ id: Type.String(), name: Type.String() }),
            target: Type.String(),
            at: Timestamp,
            run_id: Type.String(),
            previous_run_id: Type.Union([Type.String(), Type.Null()]),
            previous_path: Type.Array(Hop),
            current_path: Type.Array(Hop),
          })),
        }, [400, 401]),
      },
    }, async (request) => {
      let agentId: string | null = null;
      if (request.query.agent) {
        const agent = await findAgentByIdOrName(ctx.db, request.query.agent);
        if (!agent) throw badRequest('agent', 'no such agent');
        agentId = agent.id;
      }
      const rows = await ctx.db.query<{ id: number; agent_id: string; agent_name: string; target: string; at: Date; run_id: string; previous_run_id: string | null; previous_path: (string | null)[]; current_path: (string | null)[] }>(
        `SELECT p.id, p.agent_id, a.name AS agent_name, p.target, p.at, p.run_id, p.previous_run_id, p.previous_path, p.current_path
           FROM path_changes p JOIN agents a ON a.id = p.agent_id
          WHERE ($1::uuid IS NULL OR p.agent_id = $1) AND ($2::text IS NULL OR p.target = $2)
          ORDER BY p.at DESC, p.id DESC LIMIT $3`,
        [agentId, request.query.target ?? null, request.query.limit],
      );
      return rows.map(({ agent_id, agent_name, at, ...rest }) => ({ ...rest, agent: { id: agent_id, name: agent_name }, at: at.toISOString() }));
    });
  };
}
