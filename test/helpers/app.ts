// Builds the real HTTP app over a chosen backend, with one signed-in user per role.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../src/app/context.js';
import { jwtKeys, signSession } from '../../src/auth/jwt.js';
import { hashPassword } from '../../src/auth/passwords.js';
import type { Bus } from '../../src/bus/port.js';
import { createMemoryBus } from '../../src/bus/memory.js';
import { loadServerConfig, type ServerConfig } from '../../src/config/server.js';
import type { Database } from '../../src/db/port.js';
import { buildApp, type AppOptions } from '../../src/http/app.js';
import { createLogger } from '../../src/observability/logger.js';
import { insertUser } from '../../src/users/repository.js';
import type { UserRole } from '../../src/users/roles.js';
import { migratedDatabaseBackends } from './backends.js';
import { createRegistrationToken, registerAgent } from '../../src/agents/registration.js';

export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export function testConfig(env: Record<string, string> = {}): ServerConfig {
  return loadServerConfig({ JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'silent', DATA_DIR: '/tmp/flux-speed-test-unused', ...env }, 'all');
}

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  /** A session JWT for a user of each role (usernames: admin, operator, viewer). */
  jwt: Record<UserRole, string>;
  userIds: Record<UserRole, number>;
  /** Authorization header for a role. */
  as(role: UserRole): { authorization: string };
  close(): Promise<void>;
}

export const TEST_PASSWORD = 'correct horse battery';

export async function createTestApp(options: { db?: Database; bus?: Bus; env?: Record<string, string>; app?: AppOptions } = {}): Promise<TestApp> {
  const db = options.db ?? (await migratedDatabaseBackends()[0]!.open());
  const bus = options.bus ?? createMemoryBus();
  const config = testConfig(options.env);
  const ctx: AppContext = { config, db, bus, log: createLogger('silent', 'test'), jwt: jwtKeys(config.jwtSecrets, config.jwtTtlS) };
  const app = await buildApp(ctx, options.app);
  await app.ready();
  const hash = await hashPassword(TEST_PASSWORD);
  const jwt = {} as Record<UserRole, string>;
  const userIds = {} as Record<UserRole, number>;
  for (const role of ['admin', 'operator', 'viewer'] as const) {
    const user = await insertUser(db, { username: role, passwordHash: hash, role });
    userIds[role] = user.id;
    jwt[role] = (await signSession(ctx.jwt, { userId: user.id, username: role, role })).token;
  }
  return {
    app,
    ctx,
    jwt,
    userIds,
    as: (role) => ({ authorization: `Bearer ${jwt[role]}` }),
    async close() {
      await app.close();
      if (!options.bus) await bus.close();
      if (!options.db) await db.close();
    },
  };
}

/** Every database backend under test, each with its own app. */
export function appBackends() {
  return migratedDatabaseBackends().map((backend) => ({
    name: backend.name,
    open: async (options: { env?: Record<string, string>; app?: AppOptions } = {}) => {
      const db = await backend.open();
      const test = await createTestApp({ ...options, db });
      return { ...test, close: async () => { await test.close(); await db.close(); } };
    },
  }));
}

/** A registered agent and its real credential, without a running agent process. */
export async function registerTestAgent(ctx: AppContext, name: string): Promise<{ agentId: string; credential: string }> {
  const { secret } = await createRegistrationToken(ctx.db, { name: `test ${name}`, createdBy: null, expiresAt: null });
  const { agent, credential } = await registerAgent(ctx.db, { token: secret, name, location: 'test', address: '127.0.0.1' });
  return { agentId: agent.id, credential };
}
