import type {} from '@fastify/websocket';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../app/context.js';
import { forbidden, tooManyRequests } from '../http/errors.js';
import { withErrors } from '../http/schemas.js';
import { MeasurementResult } from '../measurements/job.js';
import { acceptResult, type ResultHook } from '../runs/service.js';
import type { AgentHub } from './hub.js';
import { AGENT_NAME_PATTERN, registerAgent } from './registration.js';

/**
 * The agents' side of the API: register (trade a registration token for a credential), the
 * WebSocket, and the HTTP fallback for uploading results.
 */
export function agentProtocolRoutes(ctx: AppContext, hub: AgentHub, resultHooks: ResultHook[]): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/api/agent/register', {
      config: { access: 'public' },
      schema: {
        tags: ['agent protocol'],
        summary: 'Register an agent: a registration token buys a per-agent credential (kept by the agent)',
        body: Type.Object({
          token: Type.String({ minLength: 1, maxLength: 200 }),
          name: Type.String({ pattern: AGENT_NAME_PATTERN, description: 'letters, digits, . _ - (at most 64)' }),
          location: Type.String({ maxLength: 200, default: '' }),
        }, { additionalProperties: false }),
        response: withErrors({ 201: Type.Object({ agent_id: Type.String(), name: Type.String(), credential: Type.String(), taken_over: Type.Boolean() }), 429: Type.Ref('Error') }, [400, 401]),
      },
    }, async (request, reply) => {
      const attempts = await ctx.bus.kv.increment(`register:addr:${request.ip}`, 60_000);
      if (attempts > 20) throw tooManyRequests('too many registrations from this address; try again later', 60);
      const { agent, credential, takenOver } = await registerAgent(ctx.db, { token: request.body.token, name: request.body.name, location: request.body.location, address: request.ip });
      request.log.info({ agent: agent.name, takenOver }, 'agent registered');
      return reply.code(201).send({ agent_id: agent.id, name: agent.name, credential, taken_over: takenOver });
    });

    app.get('/api/agent/ws', {
      websocket: true,
      config: { access: 'agent' },
      schema: { tags: ['agent protocol'], summary: 'The agent WebSocket (Authorization: Bearer <agent credential>)', hide: false },
    }, (socket, request) => {
      const principal = request.principal;
      if (principal?.kind !== 'agent') return socket.close(4401, 'agent credential required');
      void hub.accept(socket, { agentId: principal.agentId, agentName: principal.agentName }, request.ip);
    });

    app.post('/api/agent/results', {
      config: { access: 'agent' },
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags: ['agent protocol'],
        summary: 'Upload a result over HTTP (when the WebSocket is unavailable); idempotent by run id',
        body: Type.Object({ run_id: Type.String({ format: 'uuid' }), result: MeasurementResult, clock_offset_ms: Type.Optional(Type.Number()) }, { additionalProperties: false }),
        response: withErrors({ 200: Type.Object({ run_id: Type.String(), outcome: Type.String(), reason: Type.Optional(Type.String()) }) }, [400, 401, 403]),
      },
    }, async (request) => {
      const principal = request.principal;
      if (principal?.kind !== 'agent') throw forbidden('this endpoint is for agents');
      const outcome = await acceptResult(ctx, principal.agentId, request.body.run_id, request.body.result, { clockOffsetMs: request.body.clock_offset_ms, hooks: resultHooks });
      return { run_id: request.body.run_id, ...outcome };
    });
  };
}
