import type { FastifyInstance } from 'fastify';
import { buildApp } from '../http/app.js';
import type { AppContext } from './context.js';

/** Builds the HTTP app and listens on HOST:PORT. */
export async function startServer(ctx: AppContext): Promise<FastifyInstance> {
  const app = await buildApp(ctx);
  await app.listen({ port: ctx.config.port, host: ctx.config.host });
  return app;
}
