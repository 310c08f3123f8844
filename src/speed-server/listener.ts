import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { accessControl } from '../auth/access.js';
import { installErrorHandling } from '../http/error-handler.js';
import { startIperf3Server, type Iperf3Server } from './iperf3-server.js';
import { speedRoutes } from './routes.js';
import { startUdpReflector, type UdpReflector } from './udp-reflector.js';

export interface SpeedListenerOptions {
  /** AGENT_LISTEN host and port: HTTP on TCP, the echo reflector on UDP at the same port. */
  host: string;
  port: number;
  /** Managed `iperf3 -s` port (DESIGN §12: 5201); undefined: no iPerf3 server. */
  iperf3Port?: number;
  log?: Logger;
  uploadMaxMs?: number;
}

export interface SpeedListener {
  /** The bound HTTP port (the requested one, or the one picked for port 0). */
  port: number;
  baseUrl: string;
  reflectorPort: number;
  /** Undefined when iperf3 is not installed or not asked for. */
  iperf3: Iperf3Server | undefined;
  app: FastifyInstance;
  reflector: UdpReflector;
  close(): Promise<void>;
}

/**
 * What an agent serves so others can test to it (DESIGN §3 `AGENT_LISTEN`): the public speed
 * endpoints, the UDP reflector on the same port number, and a managed iperf3 server. The speed
 * endpoints are public here: the agent holds no user data, and the endpoints only move bytes.
 */
export async function startSpeedListener(options: SpeedListenerOptions): Promise<SpeedListener> {
  const app = Fastify({
    loggerInstance: options.log as FastifyBaseLogger | undefined,
    bodyLimit: 1024 * 1024,
    // Uploads are bounded by time in the route (75 s); the server-wide bound sits above it.
    requestTimeout: 120_000,
    keepAliveTimeout: 72_000,
    // Closing must not wait for a download someone left running.
    forceCloseConnections: true,
  }) as unknown as FastifyInstance;
  app.server.headersTimeout = 30_000;
  installErrorHandling(app);
  await app.register(accessControl, { resolvePrincipal: async () => null });
  await app.register(speedRoutes({ access: 'public', ...(options.uploadMaxMs ? { uploadMaxMs: options.uploadMaxMs } : {}) }));
  await app.listen({ host: options.host, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  let reflector: UdpReflector | undefined;
  let iperf3: Iperf3Server | undefined;
  try {
    reflector = await startUdpReflector({ host: options.host, port });
    if (options.iperf3Port !== undefined) {
      try {
        iperf3 = await startIperf3Server({ port: options.iperf3Port, ...(options.log ? { log: options.log } : {}) });
      } catch (error) {
        // Another iperf3 (or anything) holds the port: the agent still serves HTTP and UDP, and
        // tells the server it has no iperf3 port, so iperf3 tests to it fail with that reason.
        options.log?.warn({ err: error, port: options.iperf3Port }, 'managed iperf3 server not started; iperf3 tests to this agent are unavailable');
      }
    }
  } catch (error) {
    await reflector?.close();
    await app.close();
    throw error;
  }
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    port,
    baseUrl: `http://${urlHost === '0.0.0.0' ? '127.0.0.1' : urlHost === '[::]' ? '[::1]' : urlHost}:${port}`,
    reflectorPort: reflector.port,
    iperf3,
    app,
    reflector,
    async close() {
      await iperf3?.close();
      await reflector?.close();
      await app.close();
    },
  };
}
