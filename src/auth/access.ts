import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { forbidden, unauthorized } from '../http/errors.js';
import { roleAtLeast } from '../users/roles.js';
import type { Access, Principal } from './principal.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route. Required on every route: the app refuses to start without it. */
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Every registered route with its declared access (the RBAC matrix test walks it). */
    routeAccess: RouteAccess[];
  }
}

export interface RouteAccess {
  method: string;
  url: string;
  access: Access | undefined;
  /** Left out of the OpenAPI document (the WebSocket, the document itself). */
  hidden: boolean;
}

export type PrincipalResolver = (request: FastifyRequest) => Promise<Principal | null>;

/**
 * The one RBAC mechanism: each route declares `config.access`; this hook authenticates the caller
 * (before the body is even read) and refuses with 401 or 403 when the declaration is not met.
 */
export const accessControl = fp<{ resolvePrincipal: PrincipalResolver }>(async (app: FastifyInstance, { resolvePrincipal }) => {
  const registry: { options: { method: string | string[]; url: string; config?: { access?: Access }; schema?: { hide?: boolean } } }[] = [];
  app.decorate('routeAccess', {
    getter: () =>
      registry.flatMap(({ options }) =>
        (Array.isArray(options.method) ? options.method : [options.method]).map((method) => ({ method, url: options.url, access: options.config?.access, hidden: options.schema?.hide === true })),
      ),
  });
  app.decorateRequest('principal', null);

  app.addHook('onRoute', (options) => {
    // Keep the options object itself: a plugin's own onRoute hook may still set the access.
    registry.push({ options: options as (typeof registry)[number]['options'] });
  });

  app.addHook('onReady', async () => {
    const undeclared = app.routeAccess.filter((r) => r.access === undefined && r.method !== 'HEAD');
    if (undeclared.length > 0) {
      throw new Error(`routes without an access declaration: ${undeclared.map((r) => `${r.method} ${r.url}`).join(', ')}`);
    }
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access;
    if (access === undefined) {
      // Only the not-found handler has no declaration; a real route without one never starts.
      if (request.routeOptions.url === undefined) return;
      throw forbidden('route has no access declaration');
    }
    if (access === 'public') return;
    request.principal = await resolvePrincipal(request);
    const principal = request.principal;
    if (!principal) throw unauthorized('authentication required: Authorization: Bearer <JWT> or X-API-Token: <token>');
    if (access === 'agent') {
      if (principal.kind !== 'agent') throw forbidden('this endpoint is for agents');
      return;
    }
    if (principal.kind !== 'user') throw forbidden('agents may not call this endpoint');
    if (!roleAtLeast(principal.role, access)) throw forbidden(`requires the ${access} role (you are ${principal.role})`);
  });
});

/** The calling user; routes declaring a user role always have one. */
export function currentUser(request: FastifyRequest): Extract<Principal, { kind: 'user' }> {
  const principal = request.principal;
  if (principal?.kind !== 'user') throw unauthorized();
  return principal;
}
