import type { FastifyInstance } from 'fastify';
import { badRequest } from './errors.js';

/** The path (`resolvers.0`) of the first string holding a NUL character, else undefined. */
export function findNul(value: unknown, at: string[] = [], depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? at.join('.') || '(body)' : undefined;
  if (depth > 32 || value === null || typeof value !== 'object') return undefined;
  // Only parsed JSON (plain objects and arrays): a raw body (the speedtest upload's stream, a
  // Buffer) is bytes, not text, and walking it would visit every byte.
  const proto = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (key.includes('\u0000')) return [...at, key.split('\u0000').join('')].join('.');
    const found = findNul(inner, [...at, key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * PostgreSQL cannot store a NUL character in text: a value carrying one would fail deep in a
 * query as a 500. Refuse it up front, naming the field, for every route.
 */
export function installNulGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const part of [request.params, request.query, request.body]) {
      const field = findNul(part);
      if (field) throw badRequest(field, 'must not contain NUL characters');
    }
  });
}
