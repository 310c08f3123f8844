import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where `npm run build:web` puts the single-page app (web/dist in the checkout). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Flux Speed</title>
<p>The web UI is not built. Run <code>npm run build:web</code> (or <code>npm install</code>, which builds it) and restart. The API is at <a href="/api/docs">/api/docs</a>.</p>`;

/** Paths the SPA never owns: their unknown URLs keep the JSON 404. */
const isServerPath = (url: string) => url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');

/**
 * The web UI: hashed assets under /assets/ cached for a year, index.html (never cached) at / and
 * for every other unknown GET path outside /api (the SPA routes in the browser). All public: the
 * app holds no data until it signs in against the API.
 */
export function webRoutes(root: string = DEFAULT_WEB_ROOT) {
  return async (app: FastifyInstance) => {
    app.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), access: 'public' };
    });
    const built = existsSync(path.join(root, 'index.html'));
    if (built) {
      await app.register(fastifyStatic, { root: path.join(root, 'assets'), prefix: '/assets/', immutable: true, maxAge: '365d', index: false, decorateReply: true });
    }
    const sendIndex = async (_request: FastifyRequest, reply: FastifyReply) => {
      if (!built) return reply.code(503).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
      return reply.header('cache-control', 'no-cache').sendFile('index.html', root, { cacheControl: false });
    };
    app.get('/', { config: { access: 'public' }, schema: { hide: true } }, sendIndex);
    app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
      if (isServerPath(request.url)) return reply.callNotFound();
      return sendIndex(request, reply);
    });
  };
}
