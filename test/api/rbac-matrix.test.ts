// Walks every registered route × every role (and no credentials) and checks the answer against
// the route's declared access. A route without a declaration fails here.
import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import { roleAtLeast, USER_ROLES } from '../../src/users/roles.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

// The brief's RBAC: Admin manages users and configuration, Operators run tests and acknowledge
// alerts, Viewers read. Each feature adds its routes here, so a wrong declaration fails too.
export const EXPECTED_ACCESS: Record<string, string> = {
  'POST /api/auth/login': 'public',
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /api/auth/me': 'viewer',
  'GET /api/auth/tokens': 'viewer',
  'POST /api/auth/tokens': 'viewer',
  'GET /api/users': 'admin',
  'POST /api/users': 'admin',
  'PATCH /api/users/:id': 'admin',
  'DELETE /api/users/:id': 'admin',
  'GET /api/audit': 'admin',
  'GET /api/speed/nodes': 'viewer',
  'GET /api/speed/nodes/:id': 'viewer',
  'PATCH /api/speed/nodes/:id': 'operator',
  'DELETE /api/speed/nodes/:id': 'admin',
  'GET /api/speed/agent-tokens': 'admin',
  'POST /api/speed/agent-tokens': 'admin',
  'DELETE /api/speed/agent-tokens/:id': 'admin',
  'GET /api/speed/results': 'viewer',
  'GET /api/speed/results/:id': 'viewer',
  'GET /api/speed/results/:id/events': 'viewer',
  'POST /api/speed/results/:id/cancel': 'operator',
  'POST /api/agent/register': 'public',
  'GET /api/agent/ws': 'agent',
  'POST /api/agent/results': 'agent',
  'GET /api/speed/alerts': 'viewer',
  'POST /api/speed/trace': 'operator',
  'POST /api/speed/probe': 'operator',
  'POST /api/speed/dns': 'operator',
  'GET /api/speed/path-changes': 'viewer',
  'GET /api/speed/targets': 'viewer',
  'POST /api/speed/targets': 'admin',
  'PUT /api/speed/targets/:id': 'admin',
  'DELETE /api/speed/targets/:id': 'admin',
  'GET /speed/download': 'agent',
  'GET /speed/ping': 'agent',
  'POST /speed/upload': 'agent',
  'POST /api/speed/test': 'operator',
  'POST /api/speed/alerts/:id/ack': 'operator',
  'GET /': 'public',
  'GET /*': 'public',
  'GET /assets/*': 'public',
  'GET /api/speed/schedules': 'viewer',
  'GET /api/speed/schedules/:id': 'viewer',
  'POST /api/speed/schedules': 'operator',
  'PATCH /api/speed/schedules/:id': 'operator',
  'DELETE /api/speed/schedules/:id': 'operator',
  'POST /api/speed/schedules/:id/pause': 'operator',
  'POST /api/speed/schedules/:id/resume': 'operator',
  'POST /api/speed/schedules/:id/run': 'operator',
  'GET /api/speed/maintenance': 'viewer',
  'GET /api/speed/maintenance/:id': 'viewer',
  'POST /api/speed/maintenance': 'operator',
  'PATCH /api/speed/maintenance/:id': 'operator',
  'DELETE /api/speed/maintenance/:id': 'operator',
  'GET /api/speed/alert-rules': 'viewer',
  'GET /api/speed/alert-rules/:id': 'viewer',
  'POST /api/speed/alert-rules': 'operator',
  'PATCH /api/speed/alert-rules/:id': 'operator',
  'DELETE /api/speed/alert-rules/:id': 'operator',
  'GET /api/settings/integrations': 'admin',
  'PUT /api/settings/integrations': 'admin',
  'GET /api/settings/integrations/deliveries': 'admin',
  'GET /api/speed/integrations': 'admin',
  'POST /api/speed/integrations': 'admin',
  'PATCH /api/speed/integrations/:id': 'admin',
  'DELETE /api/speed/integrations/:id': 'admin',
  'POST /api/speed/integrations/:id/test': 'admin',
  'GET /api/speed/baselines': 'viewer',
  'POST /api/speed/baselines/recompute': 'admin',
  'GET /api/speed/trends': 'viewer',
  'GET /api/speed/report': 'viewer',
  'GET /api/speed/breaches': 'viewer',
};

describe('RBAC: every route × every role', () => {
  let t: TestApp;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it('every route declares who may call it', () => {
    const undeclared = t.app.routeAccess.filter((r) => r.access === undefined);
    assert.deepEqual(undeclared, []);
    assert.ok(t.app.routeAccess.length > 10);
  });

  it('declares the access the brief gives each role', () => {
    const declared = new Map(t.app.routeAccess.map((r) => [`${r.method} ${r.url}`, r.access]));
    for (const [route, access] of Object.entries(EXPECTED_ACCESS)) assert.equal(declared.get(route), access, route);
  });

  it('answers 401 without credentials, 403 below the declared role, and lets the declared roles through', async () => {
    const routes = t.app.routeAccess.filter((r) => r.method !== 'HEAD' && !r.url.startsWith('/api/docs'));
    const problems: string[] = [];
    for (const route of routes) {
      // Path parameters get values that exist nowhere: allowed callers see 404 or 400, never 401/403.
      const url = route.url.replace(/:(\w+)/g, (_m, name: string) => (/id$/.test(name) ? '987654' : 'no-such-thing')).replace('*', 'x');
      const call = (headers: Record<string, string>) =>
        t.app.inject({ method: route.method as 'GET', url, headers: { ...headers, 'content-type': 'application/json' }, payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}' });

      const anonymous = await call({});
      if (route.access === 'public') {
        if ([401, 403].includes(anonymous.statusCode)) problems.push(`${route.method} ${route.url} is public but answered ${anonymous.statusCode}`);
        continue;
      }
      if (anonymous.statusCode !== 401) problems.push(`${route.method} ${route.url} without credentials: ${anonymous.statusCode}, expected 401`);
      for (const role of USER_ROLES) {
        const res = await call(t.as(role));
        const allowed = route.access !== 'agent' && roleAtLeast(role, route.access!);
        if (allowed && [401, 403].includes(res.statusCode)) problems.push(`${route.method} ${route.url} as ${role}: ${res.statusCode}, expected access (declared ${route.access})`);
        if (!allowed && res.statusCode !== 403) problems.push(`${route.method} ${route.url} as ${role}: ${res.statusCode}, expected 403 (declared ${route.access})`);
        if (res.statusCode >= 500) problems.push(`${route.method} ${route.url} as ${role}: ${res.statusCode} ${res.body}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('the OpenAPI document lists every API route', async () => {
    const doc = (await t.app.inject('/api/openapi.json')).json() as { paths: Record<string, Record<string, unknown>> };
    const documented = new Set(Object.entries(doc.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`)));
    // Hidden on purpose: the agent WebSocket (described in docs/agent-protocol.md) and the document itself.
    const hidden = t.app.routeAccess.filter((r) => r.hidden && r.url.startsWith('/api/') && !r.url.startsWith('/api/docs') && r.method === 'GET').map((r) => r.url).sort();
    assert.deepEqual(hidden, ['/api/agent/ws', '/api/openapi.json']);
    const missing = t.app.routeAccess
      .filter((r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/docs') && !r.hidden && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`)
      .filter((key) => !documented.has(key));
    assert.deepEqual(missing, []);
  });
});
