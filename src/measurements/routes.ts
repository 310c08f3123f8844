import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../app/context.js';
import { currentUser } from '../auth/access.js';
import { findAgentByName } from '../agents/repository.js';
import { badRequest } from '../http/errors.js';
import { withErrors } from '../http/schemas.js';
import { presentRunDetail } from '../runs/present.js';
import { findRunDetail } from '../runs/queries.js';
import { RunAcceptedBody, RunDetailBody } from '../runs/schemas.js';
import { createRun } from '../runs/service.js';
import { waitForRun } from '../runs/wait.js';
import type { MeasurementJob } from './job.js';
import { DnsRequest, ProbeRequest, TraceRequest, dnsJobSpec, probeJobSpec, traceJobSpec } from './requests.js';

export const WaitQuery = Type.Object({
  wait: Type.Optional(Type.Integer({ minimum: 0, maximum: 120, description: 'seconds to wait for the result; answered 200 with it when the run ends in time, else 202' })),
}, { additionalProperties: false });

export const testResponses = withErrors({ 200: RunDetailBody, 202: RunAcceptedBody }, [400, 401, 403]);

/**
 * Queues a run for the named agent and answers 202 with its id and a Location, or, with
 * `?wait=S`, the finished run when it ends within S seconds.
 */
export async function submitRun(ctx: AppContext, request: FastifyRequest, reply: FastifyReply, input: { agent: string; job: MeasurementJob; target: string; waitS?: number }) {
  const user = currentUser(request);
  const agent = await findAgentByName(ctx.db, input.agent);
  if (!agent) throw badRequest('agent', `no agent named ${input.agent}`);
  const run = await createRun(ctx, { agentId: agent.id, job: input.job, target: input.target, requestedBy: user.userId, note: `requested by ${user.username}` });
  const location = `/api/speed/results/${run.id}`;
  if (input.waitS && (await waitForRun(ctx, run.id, input.waitS * 1000))) {
    const detail = await findRunDetail(ctx.db, run.id);
    return reply.code(200).header('location', location).send(presentRunDetail(detail!, []));
  }
  const now = await findRunDetail(ctx.db, run.id);
  return reply.code(202).header('location', location).send({ run_id: run.id, status: now?.status ?? run.status });
}

/** The brief's on-demand diagnostics: trace, probe, DNS. Operators and Admins may run them. */
export function diagnosticRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/api/speed/trace', {
      config: { access: 'operator' },
      schema: { tags: ['tests'], summary: 'Run a traceroute/MTR path analysis from an agent', querystring: WaitQuery, body: TraceRequest, response: testResponses },
    }, async (request, reply) => {
      const spec = traceJobSpec(request.body);
      return submitRun(ctx, request, reply, { agent: request.body.agent, job: { kind: 'trace', spec }, target: spec.target, waitS: request.query.wait });
    });

    app.post('/api/speed/probe', {
      config: { access: 'operator' },
      schema: { tags: ['tests'], summary: 'TCP/UDP port reachability probe from an agent', querystring: WaitQuery, body: ProbeRequest, response: testResponses },
    }, async (request, reply) => {
      const spec = probeJobSpec(request.body);
      return submitRun(ctx, request, reply, { agent: request.body.agent, job: { kind: 'probe', spec }, target: `${spec.target}:${spec.port}/${spec.protocol}`, waitS: request.query.wait });
    });

    app.post('/api/speed/dns', {
      config: { access: 'operator' },
      schema: { tags: ['tests'], summary: 'DNS resolution timing of each resolver from an agent', querystring: WaitQuery, body: DnsRequest, response: testResponses },
    }, async (request, reply) => {
      const spec = dnsJobSpec(request.body);
      return submitRun(ctx, request, reply, { agent: request.body.agent, job: { kind: 'dns', spec }, target: spec.hostname, waitS: request.query.wait });
    });
  };
}
