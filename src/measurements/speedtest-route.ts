import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../app/context.js';
import { listAgents } from '../agents/repository.js';
import { HttpError } from '../http/errors.js';
import { listTargets } from '../targets/routes.js';
import type { MeasurementJob } from './job.js';
import { SpeedtestRequest, SPEED_ENGINES, pick, speedtestJobBase } from './requests.js';
import { submitRun, testResponses, WaitQuery } from './routes.js';
import { resolveSpeedtestTarget, type AgentEndpoint } from './targets.js';

/**
 * Builds a speedtest job: the request's base plus the resolved target candidates (DESIGN §12),
 * from what the server knows now (its own endpoints, agents' AGENT_LISTEN endpoints, the
 * Admin-managed targets). Shared by on-demand tests and schedules.
 */
export async function buildSpeedtestJob(ctx: AppContext, request: SpeedtestRequest): Promise<MeasurementJob> {
  const base = speedtestJobBase(request);
  const engine = request.engine !== undefined ? pick('engine', request.engine, SPEED_ENGINES, 'http') : base.protocol === 'udp' ? 'iperf3' : undefined;
  const agents: AgentEndpoint[] = (await listAgents(ctx.db))
    .filter((a) => a.listen.http_port)
    .map((a) => ({
      name: a.name,
      host: a.listen.addresses?.[0] ?? a.remote_address ?? undefined,
      port: a.listen.http_port,
      iperf3: Boolean(a.listen.iperf3_port),
      location: a.location,
    }));
  const targets = (await listTargets(ctx)).filter((t) => request.target !== 'auto' || t.auto);
  const resolved = resolveSpeedtestTarget(base.target, {
    engine,
    upload_url: request.upload_url,
    // The agent replaces the host with the server address it reaches (SPEED_SERVER_URL).
    server: { base_url: ctx.config.publicUrl, reflector_port: ctx.config.port },
    agents,
    targets,
    self_agent: request.agent,
  });
  if (resolved instanceof Error) throw new HttpError(400, 'bad_request', resolved.message, resolved.field);
  return { kind: 'speedtest', spec: { ...base, candidates: resolved } };
}

export function speedtestRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/api/speed/test', {
      config: { access: 'operator' },
      schema: {
        tags: ['tests'],
        summary: 'Trigger an on-demand speedtest (defaults: TCP, bidirectional, 20 s, 4 streams, target auto)',
        querystring: WaitQuery,
        body: SpeedtestRequest,
        response: testResponses,
      },
    }, async (request, reply) => {
      const job = await buildSpeedtestJob(ctx, request.body);
      return submitRun(ctx, request, reply, { agent: request.body.agent, job, target: job.kind === 'speedtest' ? job.spec.target : '', waitS: request.query.wait });
    });
  };
}
