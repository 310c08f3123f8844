import type { FastifyInstance } from 'fastify';

const STRICT_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

// The API browser (Swagger UI) runs an inline bootstrap script.
const DOCS_CSP = STRICT_CSP.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'");

/** Security headers on every answer. Auth is by header token, never cookies: CSRF has nothing to ride on. */
export function installSecurityHeaders(app: FastifyInstance) {
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('content-security-policy', request.url.startsWith('/api/docs') ? DOCS_CSP : STRICT_CSP);
    reply.header('x-request-id', String(request.id));
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
  });
}
