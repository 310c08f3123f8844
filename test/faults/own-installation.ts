// A distributed installation for fault tests: `flux-speed server` (and workers, agents on demand)
// on a PostgreSQL and a Redis of the test's own, so a test can kill and restart any part of it.
import { Api, freePort, startFlux, tempDir, waitHealthy, type FluxProcess } from '../helpers/processes.js';
import { startOwnPostgres, startOwnRedis, type OwnService } from '../helpers/own-services.js';
import { until } from '../helpers/wait.js';

export const ADMIN_PASSWORD = 'admin-password-1';

export interface OwnInstallation {
  baseUrl: string;
  env: Record<string, string>;
  postgres: OwnService;
  redis: OwnService;
  server: FluxProcess;
  api: Api;
  /** Starts a `flux-speed worker` and waits until it says it started. */
  startWorker(name: string): Promise<FluxProcess>;
  /** Starts a `flux-speed agent` (token made on first use) and waits until it is ONLINE. */
  startAgent(name: string): Promise<FluxProcess>;
  /** An agent-registration token. */
  agentToken(): Promise<string>;
  /** Stops every process, then removes the PostgreSQL and Redis. */
  destroy(): Promise<void>;
}

export async function startOwnInstallation(prefix: string, extraEnv: Record<string, string> = {}): Promise<OwnInstallation> {
  const postgres = await startOwnPostgres();
  const redis = await startOwnRedis();
  const procs: FluxProcess[] = [];
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: postgres.url, REDIS_URL: redis.url, JWT_SECRET: 'fault-test-secret-0123456789-abcdefghij',
    ADMIN_PASSWORD, AGENT_HEARTBEAT_S: '1', AGENT_OFFLINE_AFTER_S: '60', LOCAL_AGENT: '', ...extraEnv,
  };
  const destroy = async () => {
    for (const p of procs.reverse()) await p.stop();
    await postgres.destroy();
    await redis.destroy();
  };
  try {
    const server = startFlux(`${prefix}-server`, ['server'], env);
    procs.push(server);
    await waitHealthy(baseUrl, server);
    const api = await Api.login(baseUrl, 'admin', ADMIN_PASSWORD);
    let token: string | undefined;
    const agentToken = async () => (token ??= (await api.post<{ token: string }>('/api/speed/agent-tokens', { name: prefix })).body.token);
    return {
      baseUrl, env, postgres, redis, server, api, agentToken, destroy,
      async startWorker(name) {
        const worker = startFlux(`${prefix}-${name}`, ['worker'], env);
        procs.push(worker);
        await until(() => {
          if (worker.child.exitCode !== null) throw new Error(`${name} exited early:\n${worker.output().slice(-3000)}`);
          return worker.output().includes('worker started');
        }, { timeoutMs: 60_000, what: `${name} to start` });
        return worker;
      },
      async startAgent(name) {
        const agent = startFlux(`${prefix}-${name}`, ['agent'], { SPEED_SERVER_URL: baseUrl, AGENT_NAME: name, AGENT_TOKEN: await agentToken(), AGENT_DATA_DIR: tempDir(`${prefix}-agent`), AGENT_LISTEN: '' });
        procs.push(agent);
        await until(async () => (await api.get<{ name: string; state: string }[]>('/api/speed/nodes')).body.some((n) => n.name === name && n.state === 'ONLINE'), { timeoutMs: 90_000, what: `${name} online` });
        return agent;
      },
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}
