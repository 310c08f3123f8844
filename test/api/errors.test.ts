// Error answers a client can act on, and internals that never leak.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it, before, after } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createTestApp, type TestApp } from '../helpers/app.js';

describe('errors and headers', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp({
      app: {
        features: [
          async (app: FastifyInstance) => {
            app.get('/api/test/boom', { config: { access: 'viewer' } }, async () => {
              throw new Error('secret internal detail: password=hunter2');
            });
          },
        ],
      },
    });
  });
  after(() => t.close());

  it('unknown routes answer 404 JSON', async () => {
    const res = await t.app.inject('/api/no/such/thing');
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), { error: 'not_found', message: 'no route GET /api/no/such/thing' });
  });

  it('an internal error answers 500 without internals, with a request id that is in the log', async () => {
    const res = await t.app.inject({ url: '/api/test/boom', headers: { ...t.as('viewer'), 'x-request-id': 'trace-me-123' } });
    assert.equal(res.statusCode, 500);
    assert.deepEqual(res.json(), { error: 'internal', message: 'internal server error', request_id: 'trace-me-123' });
    assert.ok(!res.body.includes('hunter2'));
    assert.equal(res.headers['x-request-id'], 'trace-me-123');
  });

  it('malformed JSON, a wrong content type and an oversized body are 4xx, never 500', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username": ' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error, 'bad_request');
    const type = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/xml' }, payload: '<login/>' });
    assert.equal(type.statusCode, 415);
    const big = await t.app.inject({ method: 'POST', url: '/api/auth/tokens', headers: { ...t.as('viewer'), 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) }) });
    assert.equal(big.statusCode, 413);
    assert.equal(big.json().error, 'payload_too_large');
  });

  it('a wrong type in a query names the field', async () => {
    const res = await t.app.inject({ url: '/api/speed/results?limit=lots', headers: t.as('viewer') });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().field, 'limit');
  });

  it('every answer carries the security headers; API answers are not cached', async () => {
    const res = await t.app.inject('/healthz');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/);
    const api = await t.app.inject({ url: '/api/auth/me', headers: t.as('viewer') });
    assert.equal(api.headers['cache-control'], 'no-store');
    assert.equal(res.headers['access-control-allow-origin'], undefined, 'CORS is off unless configured');
  });

  it('secrets never reach the log', async () => {
    const lines: string[] = [];
    const { createLogger } = await import('../../src/observability/logger.js');
    const log = createLogger('info', 'test', new Writable({ write(chunk, _e, cb) { lines.push(chunk.toString()); cb(); } }) as never);
    log.info({ req: { headers: { authorization: 'Bearer abc.def.ghi', 'x-api-token': 'fst_secret' } }, body: { password: 'hunter2', token: 'fsr_x' } }, 'request');
    const text = lines.join('');
    for (const secret of ['abc.def.ghi', 'fst_secret', 'hunter2', 'fsr_x']) assert.ok(!text.includes(secret), `${secret} leaked`);
  });
});
