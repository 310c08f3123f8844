import type { FastifyInstance } from 'fastify';
import { buildApp } from '../http/app.js';
import { startUdpReflector, type UdpReflector } from '../speed-server/udp-reflector.js';
import type { AppContext } from './context.js';

/**
 * Builds the HTTP app and listens on HOST:PORT, with the UDP echo reflector on the same port
 * number so agents measure latency, jitter and loss to the server (target `server`).
 */
export async function startServer(ctx: AppContext): Promise<FastifyInstance> {
  const app = await buildApp(ctx);
  let reflector: UdpReflector | undefined;
  // Hooks cannot be added once the server listens.
  app.addHook('onClose', async () => {
    await reflector?.close();
  });
  await app.listen({ port: ctx.config.port, host: ctx.config.host });
  try {
    reflector = await startUdpReflector({ host: ctx.config.host, port: ctx.config.port });
  } catch (error) {
    // Loss to the server is then reported unmeasured, with the reason; everything else works.
    ctx.log.warn({ err: error }, 'UDP reflector not started');
  }
  return app;
}
