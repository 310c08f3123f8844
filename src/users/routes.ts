import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../app/context.js';
import { currentUser } from '../auth/access.js';
import { badRequest, conflict } from '../http/errors.js';
import { IdParams, withErrors } from '../http/schemas.js';
import { listUsers, publicUser } from './repository.js';
import { parseRole, type UserRole } from './roles.js';
import { Password, RoleInput, UserBody, Username } from './schemas.js';
import { changeUser, createUser } from './service.js';

function role(value: string | undefined): UserRole | undefined {
  if (value === undefined) return undefined;
  const parsed = parseRole(value);
  if (!parsed) throw badRequest('role', 'must be admin, operator or viewer');
  return parsed;
}

export function userRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/api/users', {
      config: { access: 'admin' },
      schema: { tags: ['users'], summary: 'List users', response: withErrors({ 200: Type.Array(UserBody) }, [401, 403]) },
    }, async () => (await listUsers(ctx.db)).map(publicUser));

    app.post('/api/users', {
      config: { access: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'Create a user',
        body: Type.Object({ username: Username, password: Password, role: RoleInput }, { additionalProperties: false }),
        response: withErrors({ 201: UserBody, 409: Type.Ref('Error') }, [400, 401, 403]),
      },
    }, async (request, reply) => {
      const actor = currentUser(request);
      const user = await createUser(ctx.db, { id: actor.userId, name: actor.username, ip: request.ip }, {
        username: request.body.username,
        password: request.body.password,
        role: role(request.body.role)!,
      });
      return reply.code(201).send(publicUser(user));
    });

    app.patch('/api/users/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'Change a user’s role, disable or enable them, or set a new password',
        params: IdParams,
        body: Type.Object({ role: Type.Optional(RoleInput), disabled: Type.Optional(Type.Boolean()), password: Type.Optional(Password) }, { additionalProperties: false, minProperties: 1 }),
        response: withErrors({ 200: UserBody, 409: Type.Ref('Error') }),
      },
    }, async (request) => {
      const actor = currentUser(request);
      if (request.params.id === actor.userId && request.body.disabled === true) throw conflict('you cannot disable yourself', 'disabled');
      const user = await changeUser(ctx.db, { id: actor.userId, name: actor.username, ip: request.ip }, request.params.id, {
        role: role(request.body.role),
        disabled: request.body.disabled,
        password: request.body.password,
      });
      return publicUser(user);
    });

    app.delete('/api/users/:id', {
      config: { access: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'Disable a user (kept for the audit trail; re-enable with PATCH)',
        params: IdParams,
        response: withErrors({ 204: Type.Null(), 409: Type.Ref('Error') }),
      },
    }, async (request, reply) => {
      const actor = currentUser(request);
      if (request.params.id === actor.userId) throw conflict('you cannot disable yourself');
      await changeUser(ctx.db, { id: actor.userId, name: actor.username, ip: request.ip }, request.params.id, { disabled: true });
      return reply.code(204).send(null);
    });
  };
}
