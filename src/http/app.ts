import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppContext } from '../app/context.js';
import { accessControl } from '../auth/access.js';
import { principalResolver } from '../auth/authenticate.js';
import { agentProtocolRoutes } from '../agents/agent-routes.js';
import { AgentHub } from '../agents/hub.js';
import { MAX_AGENT_MESSAGE_BYTES } from '../agents/protocol.js';
import { authenticateAgentCredential } from '../agents/registration.js';
import { nodeRoutes } from '../agents/routes.js';
import { resultRoutes } from '../runs/routes.js';
import { alertRoutes } from '../alerts/routes.js';
import { evaluateAlerts } from '../alerts/hook.js';
import { alertRuleRoutes } from '../alerts/rule-routes.js';
import { breachRoutes } from '../alerts/breach-routes.js';
import { integrationRoutes } from '../alerts/integration-routes.js';
import { baselineRoutes } from '../baselines/routes.js';
import { diagnosticRoutes } from '../measurements/routes.js';
import { speedtestRoutes } from '../measurements/speedtest-route.js';
import { recordPathChange } from '../paths/hook.js';
import { markRollupDirty } from '../history/rollups.js';
import { historyRoutes } from '../history/routes.js';
import { pathChangeRoutes } from '../paths/routes.js';
import { targetRoutes } from '../targets/routes.js';
import { scheduleRoutes } from '../schedules/routes.js';
import { maintenanceRoutes } from '../maintenance/routes.js';
import { speedRoutes } from '../speed-server/routes.js';
import type { ResultHook } from '../runs/service.js';
import { authRoutes } from '../auth/routes.js';
import { auditRoutes } from '../audit/routes.js';
import { healthRoutes } from '../health/routes.js';
import { userRoutes } from '../users/routes.js';
import { webRoutes } from '../web/routes.js';
import { installErrorHandling } from './error-handler.js';
import { installNulGuard } from './nul-guard.js';
import { ErrorBody } from './schemas.js';
import { installSecurityHeaders } from './security.js';

export interface AppOptions {
  /** Extra route plugins (tests mount failing routes to check error handling). */
  features?: ((app: FastifyInstance) => Promise<void>)[];
  /** Run inside the transaction that stores each result (path changes, alert evaluation). */
  resultHooks?: ResultHook[];
  /** The built web UI (web/dist by default). */
  webRoot?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    agentHub: AgentHub;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The HTTP application: plugins, the RBAC hook, error shapes, and every feature's routes. */
export async function buildApp(ctx: AppContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    trustProxy: ctx.config.trustedProxies.length > 0 ? ctx.config.trustedProxies : false,
    bodyLimit: 1024 * 1024,
    connectionTimeout: 0,
    requestTimeout: 120_000,
    keepAliveTimeout: 72_000,
    // Check header and request timeouts every second (Node's default: every 30 s, which doubles them).
    http: { connectionsCheckingInterval: 1000 },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as FastifyInstance;
  app.server.headersTimeout = 30_000;

  app.addSchema(ErrorBody);
  installErrorHandling(app);
  installSecurityHeaders(app);
  installNulGuard(app);
  if (ctx.config.corsOrigins.length > 0) await app.register(cors, { origin: ctx.config.corsOrigins, allowedHeaders: ['authorization', 'content-type', 'x-api-token'] });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Flux Speed API', version: '1', description: 'Network speedtests, path traces, port probes and DNS timing from agents across your network.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiToken: { type: 'apiKey', in: 'header', name: 'X-API-Token' },
        },
      },
      security: [{ bearer: [] }, { apiToken: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(async (docs) => {
    docs.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), access: 'public' };
    });
    await docs.register(swaggerUi, { routePrefix: '/api/docs' });
  });
  // Before the access hook: its onRequest hook must mark upgrade requests even when access is refused.
  await app.register(websocket, { options: { maxPayload: MAX_AGENT_MESSAGE_BYTES } });
  await app.register(accessControl, { resolvePrincipal: principalResolver(ctx.db, ctx.jwt, (credential) => authenticateAgentCredential(ctx.db, credential)) });

  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes(ctx));
  await app.register(authRoutes(ctx));
  await app.register(userRoutes(ctx));
  await app.register(auditRoutes(ctx));
  const resultHooks = [recordPathChange, markRollupDirty, ...(options.resultHooks ?? []), evaluateAlerts];
  const hub = new AgentHub(ctx, { resultHooks });
  app.decorate('agentHub', hub);
  app.addHook('onClose', () => hub.close());
  await app.register(nodeRoutes(ctx));
  await app.register(agentProtocolRoutes(ctx, hub, resultHooks));
  await app.register(resultRoutes(ctx));
  await app.register(alertRoutes(ctx));
  await app.register(alertRuleRoutes(ctx));
  await app.register(breachRoutes(ctx));
  await app.register(integrationRoutes(ctx));
  await app.register(baselineRoutes(ctx));
  await app.register(diagnosticRoutes(ctx));
  await app.register(speedtestRoutes(ctx));
  await app.register(pathChangeRoutes(ctx));
  await app.register(targetRoutes(ctx));
  await app.register(scheduleRoutes(ctx));
  await app.register(maintenanceRoutes(ctx));
  await app.register(historyRoutes(ctx));
  // The server's own speed endpoints (target `server`), for agents only.
  await app.register(speedRoutes({ access: 'agent' }));
  for (const feature of options.features ?? []) await app.register(feature);
  await app.register(webRoutes(options.webRoot));
  return app;
}
