import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../app/context.js';
import { audit } from '../audit/log.js';
import { HttpError, notFound, forbidden, badRequest } from '../http/errors.js';
import { IdParams, NullableTimestamp, Timestamp, withErrors } from '../http/schemas.js';
import { findUserForLogin, recordLogin, publicUser, findUser } from '../users/repository.js';
import { changeUser } from '../users/service.js';
import { UserBody } from '../users/schemas.js';
import { createApiToken, findApiToken, listApiTokens, publicApiToken, revokeApiToken } from './api-tokens.js';
import { currentUser } from './access.js';
import { signSession } from './jwt.js';
import { loginThrottle } from './login-throttle.js';
import { decoyHash, verifyPassword } from './passwords.js';

const TokenBody = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  prefix: Type.String({ description: 'the first characters of the secret, to recognise it' }),
  created_at: Timestamp,
  expires_at: NullableTimestamp,
  last_used_at: NullableTimestamp,
  revoked: Type.Boolean(),
});

export function authRoutes(ctx: AppContext, throttle = loginThrottle(ctx.bus.kv)): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/api/auth/login', {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in and receive a session JWT',
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
        response: withErrors({ 200: Type.Object({ token: Type.String(), expires_at: Timestamp, user: UserBody }), 429: Type.Ref('Error') }, [400, 401]),
      },
    }, async (request) => {
      const { username, password } = request.body;
      await throttle.check(username, request.ip);
      const user = await findUserForLogin(ctx.db, username);
      const ok = await verifyPassword(password, user?.password_hash ?? (await decoyHash()));
      if (!user || !ok || user.disabled_at) {
        await throttle.recordFailure(username);
        request.log.info({ username }, 'login failed');
        throw new HttpError(401, 'unauthorized', 'invalid username or password');
      }
      await throttle.recordSuccess(username);
      await recordLogin(ctx.db, user.id);
      const session = await signSession(ctx.jwt, { userId: user.id, username: user.username, role: user.role });
      return { token: session.token, expires_at: session.expiresAt.toISOString(), user: publicUser(user) };
    });

    app.get('/api/auth/me', {
      config: { access: 'viewer' },
      schema: { tags: ['auth'], summary: 'The signed-in user', response: withErrors({ 200: Type.Intersect([UserBody, Type.Object({ via: Type.String() })]) }, [401]) },
    }, async (request) => {
      const principal = currentUser(request);
      const user = await findUser(ctx.db, principal.userId);
      if (!user) throw notFound('user');
      return { ...publicUser(user), via: principal.via };
    });

    app.post('/api/auth/password', {
      config: { access: 'viewer' },
      schema: {
        tags: ['auth'],
        summary: 'Change your own password',
        body: Type.Object({ current_password: Type.String({ minLength: 1, maxLength: 256 }), new_password: Type.String({ minLength: 8, maxLength: 256 }) }, { additionalProperties: false }),
        response: withErrors({ 204: Type.Null() }, [400, 401]),
      },
    }, async (request, reply) => {
      const principal = currentUser(request);
      const user = await findUser(ctx.db, principal.userId);
      const withHash = user && (await findUserForLogin(ctx.db, user.username));
      if (!withHash || !(await verifyPassword(request.body.current_password, withHash.password_hash))) {
        throw badRequest('current_password', 'does not match');
      }
      await changeUser(ctx.db, { id: principal.userId, name: principal.username, ip: request.ip }, principal.userId, { password: request.body.new_password });
      return reply.code(204).send(null);
    });

    app.get('/api/auth/tokens', {
      config: { access: 'viewer' },
      schema: { tags: ['auth'], summary: 'Your API tokens', response: withErrors({ 200: Type.Array(TokenBody) }, [401]) },
    }, async (request) => {
      const tokens = await listApiTokens(ctx.db, currentUser(request).userId);
      return tokens.map(publicApiToken);
    });

    app.post('/api/auth/tokens', {
      config: { access: 'viewer' },
      schema: {
        tags: ['auth'],
        summary: 'Create an API token (acts with your role); the secret is shown once',
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 100 }),
          expires_in_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
        }, { additionalProperties: false }),
        response: withErrors({ 201: Type.Intersect([TokenBody, Type.Object({ token: Type.String({ description: 'send as X-API-Token; shown only now' }) })]) }, [400, 401]),
      },
    }, async (request, reply) => {
      const user = currentUser(request);
      const expiresAt = request.body.expires_in_days ? new Date(Date.now() + request.body.expires_in_days * 86_400_000) : null;
      const created = await ctx.db.transaction(async (tx) => {
        const result = await createApiToken(tx, { userId: user.userId, name: request.body.name, expiresAt });
        await audit(tx, { id: user.userId, name: user.username, ip: request.ip }, { action: 'api_token.create', targetType: 'api_token', targetId: result.token.id, details: { name: request.body.name } });
        return result;
      });
      return reply.code(201).send({ ...publicApiToken(created.token), token: created.secret });
    });

    app.delete('/api/auth/tokens/:id', {
      config: { access: 'viewer' },
      schema: { tags: ['auth'], summary: 'Revoke an API token (yours; an admin may revoke any)', params: IdParams, response: withErrors({ 204: Type.Null() }) },
    }, async (request, reply) => {
      const user = currentUser(request);
      const token = await findApiToken(ctx.db, request.params.id);
      if (!token) throw notFound(`API token ${request.params.id}`);
      if (token.user_id !== user.userId && user.role !== 'admin') throw forbidden('you may only revoke your own tokens');
      await ctx.db.transaction(async (tx) => {
        await revokeApiToken(tx, token.id);
        await audit(tx, { id: user.userId, name: user.username, ip: request.ip }, { action: 'api_token.revoke', targetType: 'api_token', targetId: token.id });
      });
      return reply.code(204).send(null);
    });
  };
}
