import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../app/context.js';
import { audit } from '../audit/log.js';
import { currentUser } from '../auth/access.js';
import { notFound } from '../http/errors.js';
import { IdParams, withErrors } from '../http/schemas.js';
import { publishRunStatus } from '../runs/events.js';
import { agentChannel, type AgentChannelMessage } from '../runs/service.js';
import { findAgentByIdOrName, listAgents, listStateChanges, publicAgent } from './repository.js';
import { createRegistrationToken, listRegistrationTokens, publicRegistrationToken, revokeRegistrationToken } from './registration.js';
import { AgentBody, NodeKeyParams, RegistrationTokenBody, StateChangeBody } from './schemas.js';
import { applyAgentState } from './state-service.js';
import { evaluateAgentState, maintenanceInputs } from './state.js';
import type { Run } from '../runs/repository.js';
import { RUN_COLUMNS } from '../runs/repository.js';

/** The fleet API: list and inspect agents, maintenance, retirement, registration tokens. */
export function nodeRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const node = async (key: string) => {
    const agent = await findAgentByIdOrName(ctx.db, key);
    if (!agent) throw notFound(`agent ${key}`);
    return agent;
  };
  return async (app) => {
    app.get('/api/speed/nodes', {
      config: { access: 'viewer' },
      schema: {
        tags: ['agents'],
        summary: 'List registered test agents with their state, reason, last seen, location, version and capabilities',
        querystring: Type.Object({ include_retired: Type.Boolean({ default: false }) }, { additionalProperties: false }),
        response: withErrors({ 200: Type.Array(AgentBody) }, [400, 401]),
      },
    }, async (request) => (await listAgents(ctx.db, { includeRetired: request.query.include_retired })).map(publicAgent));

    app.get('/api/speed/nodes/:id', {
      config: { access: 'viewer' },
      schema: {
        tags: ['agents'],
        summary: 'One agent, with its state history and recent runs',
        params: NodeKeyParams,
        response: withErrors({
          200: Type.Intersect([AgentBody, Type.Object({
            state_history: Type.Array(StateChangeBody),
            recent_runs: Type.Array(Type.Object({ id: Type.String(), kind: Type.String(), target: Type.String(), status: Type.String(), created_at: Type.String() })),
          })]),
        }, [401, 404]),
      },
    }, async (request) => {
      const agent = await node(request.params.id);
      const history = await listStateChanges(ctx.db, agent.id);
      const runs = await ctx.db.query<Pick<Run, 'id' | 'kind' | 'target' | 'status' | 'created_at'>>(
        'SELECT id, kind, target, status, created_at FROM runs WHERE agent_id = $1 ORDER BY created_at DESC LIMIT 20', [agent.id]);
      return {
        ...publicAgent(agent),
        state_history: history.map((h) => ({ ...h, at: h.at.toISOString() })),
        recent_runs: runs.map((r) => ({ ...r, created_at: r.created_at.toISOString() })),
      };
    });

    app.patch('/api/speed/nodes/:id', {
      config: { access: 'operator' },
      schema: {
        tags: ['agents'],
        summary: 'Put an agent in or out of maintenance (tests suppressed, alerts quiet)',
        params: NodeKeyParams,
        body: Type.Object({ maintenance: Type.Boolean(), maintenance_reason: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
        response: withErrors({ 200: AgentBody }),
      },
    }, async (request) => {
      const user = currentUser(request);
      const agent = await node(request.params.id);
      if (agent.retired_at) throw notFound(`agent ${request.params.id}`);
      const reason = request.body.maintenance ? (request.body.maintenance_reason ?? null) : null;
      await ctx.db.transaction(async (tx) => {
        await tx.query('UPDATE agents SET maintenance = $2, maintenance_reason = $3 WHERE id = $1', [agent.id, request.body.maintenance, reason]);
        const verdict = evaluateAgentState({
          ...maintenanceInputs({ maintenance: request.body.maintenance, maintenance_reason: reason, maintenance_window: agent.maintenance_window }),
          lastSeenAt: agent.last_seen_at,
          health: agent.health,
          nowMs: Date.now(),
          offlineAfterMs: ctx.config.agentOfflineAfterS * 1000,
        });
        await applyAgentState(tx, agent.id, { ...verdict, reason: request.body.maintenance ? `${verdict.reason} (by ${user.username})` : `maintenance ended by ${user.username}; ${verdict.reason}` }, { severity: ctx.config.fluxNotify.defaultSeverity });
        await audit(tx, { id: user.userId, name: user.username, ip: request.ip }, { action: request.body.maintenance ? 'agent.maintenance.start' : 'agent.maintenance.end', targetType: 'agent', targetId: agent.id, details: { reason } });
      });
      return publicAgent((await findAgentByIdOrName(ctx.db, agent.id))!);
    });

    app.delete('/api/speed/nodes/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['agents'],
        summary: 'Retire an agent: its credential stops working, its queued runs are canceled, its history is kept',
        params: NodeKeyParams,
        response: withErrors({ 204: Type.Null() }),
      },
    }, async (request, reply) => {
      const user = currentUser(request);
      const agent = await node(request.params.id);
      const canceled = await ctx.db.transaction(async (tx) => {
        await tx.query('UPDATE agents SET retired_at = COALESCE(retired_at, now()), credential_revoked_at = COALESCE(credential_revoked_at, now()) WHERE id = $1', [agent.id]);
        const runs = await tx.query<Run>(
          `UPDATE runs SET status = 'canceled', status_reason = 'agent retired', finished_at = now(),
                  timeline = timeline || jsonb_build_array(jsonb_build_object('at', now()::text, 'status', 'canceled', 'note', 'agent retired'))
            WHERE agent_id = $1 AND status IN ('queued', 'dispatched', 'running') RETURNING ${RUN_COLUMNS}`, [agent.id]);
        await audit(tx, { id: user.userId, name: user.username, ip: request.ip }, { action: 'agent.retire', targetType: 'agent', targetId: agent.id, details: { name: agent.name } });
        return runs;
      });
      for (const run of canceled) await publishRunStatus(ctx.bus, run);
      await ctx.bus.publish(agentChannel(agent.id), { type: 'refresh' } satisfies AgentChannelMessage);
      return reply.code(204).send(null);
    });

    app.get('/api/speed/agent-tokens', {
      config: { access: 'admin' },
      schema: { tags: ['agents'], summary: 'Agent registration tokens', response: withErrors({ 200: Type.Array(RegistrationTokenBody) }, [401, 403]) },
    }, async () => (await listRegistrationTokens(ctx.db)).map(publicRegistrationToken));

    app.post('/api/speed/agent-tokens', {
      config: { access: 'admin' },
      schema: {
        tags: ['agents'],
        summary: 'Create a registration token; the secret and a ready `docker run` line are shown once',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), expires_in_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })) }, { additionalProperties: false }),
        response: withErrors({ 201: Type.Intersect([RegistrationTokenBody, Type.Object({ token: Type.String(), docker_run: Type.String() })]) }, [400, 401, 403]),
      },
    }, async (request, reply) => {
      const user = currentUser(request);
      const expiresAt = request.body.expires_in_days ? new Date(Date.now() + request.body.expires_in_days * 86_400_000) : null;
      const created = await ctx.db.transaction(async (tx) => {
        const result = await createRegistrationToken(tx, { name: request.body.name, createdBy: user.userId, expiresAt });
        await audit(tx, { id: user.userId, name: user.username, ip: request.ip }, { action: 'agent_token.create', targetType: 'agent_token', targetId: result.token.id, details: { name: request.body.name } });
        return result;
      });
      return reply.code(201).send({ ...publicRegistrationToken(created.token), token: created.secret, docker_run: dockerRunLine(ctx.config.publicUrl, created.secret) });
    });

    app.delete('/api/speed/agent-tokens/:id', {
      config: { access: 'admin' },
      schema: { tags: ['agents'], summary: 'Revoke a registration token (agents already registered keep working)', params: IdParams, response: withErrors({ 204: Type.Null() }) },
    }, async (request, reply) => {
      const user = currentUser(request);
      const done = await ctx.db.transaction(async (tx) => {
        const ok = await revokeRegistrationToken(tx, request.params.id);
        if (ok) await audit(tx, { id: user.userId, name: user.username, ip: request.ip }, { action: 'agent_token.revoke', targetType: 'agent_token', targetId: request.params.id });
        return ok;
      });
      if (!done) throw notFound(`registration token ${request.params.id}`);
      return reply.code(204).send(null);
    });
  };
}

/** The brief's `docker run` line, filled in. */
export function dockerRunLine(serverUrl: string, token: string): string {
  return [
    'docker run -d \\',
    '  --name flux-speed-agent \\',
    '  --restart unless-stopped \\',
    `  -e SPEED_SERVER_URL=${serverUrl} \\`,
    '  -e AGENT_NAME=BRANCH-OFFICE-01 \\',
    '  -e AGENT_LOCATION="Dallas, TX" \\',
    `  -e AGENT_TOKEN=${token} \\`,
    '  flux-speed-agent:latest',
  ].join('\n');
}
