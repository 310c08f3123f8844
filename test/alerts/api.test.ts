// The alert-rule, integration and settings APIs: validation names the field, secrets never leave.
import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import { appBackends, registerTestAgent, type TestApp } from '../helpers/app.js';

for (const backend of appBackends()) {
  describe(`alert rules and integrations API: ${backend.name}`, () => {
    let t: TestApp;
    let agentId: string;
    before(async () => {
      t = await backend.open({ env: { FLUX_NOTIFY_URL: 'http://flux-notify:4004', FLUX_NOTIFY_API_KEY: 'env-key', DEFAULT_SEVERITY: 'MEDIUM' } });
      agentId = (await registerTestAgent(t.ctx, 'HQ-CORE')).agentId;
    });
    after(() => t.close());

    it('refuses bad rule bodies with 400 naming the field, and writes nothing', async () => {
      for (const [payload, field] of [
        [{ metric: 'latency_ms', threshold: 5 }, 'name'],
        [{ name: 'x', metric: 'bandwidth', threshold: 5 }, 'metric'],
        [{ name: 'x', metric: 'latency_ms' }, 'threshold'],
        [{ name: 'x', metric: 'latency_ms', threshold: -1 }, 'threshold'],
        [{ name: 'x', metric: 'loss_pct', threshold: 150 }, 'threshold'],
        [{ name: 'x', threshold: 5 }, 'metric'],
        [{ name: 'x', metric: 'latency_ms', threshold: 5, consecutive_failures: 0 }, 'consecutive_failures'],
        [{ name: 'x', metric: 'latency_ms', threshold: 5, severity: 'URGENT' }, 'severity'],
        [{ name: 'x', metric: 'latency_ms', threshold: 5, agent: 'NO-SUCH-AGENT' }, 'agent'],
        [{ name: 'x', metric: 'baseline_deviation', deviation_pct: 0 }, 'deviation_pct'],
        [{ name: 'x', kind: 'agent_offline', target: 'edge' }, 'target'],
        [{ name: 'x', metric: 'latency_ms', threshold: 5, colour: 'red' }, 'colour'],
      ] as const) {
        const res = await t.app.inject({ method: 'POST', url: '/api/speed/alert-rules', headers: t.as('operator'), payload });
        assert.equal(res.statusCode, 400, JSON.stringify(payload));
        assert.equal(res.json().field, field, JSON.stringify(payload));
      }
      assert.deepEqual((await t.app.inject({ url: '/api/speed/alert-rules', headers: t.as('viewer') })).json(), []);
    });

    it('Operators create, change and delete rules; Viewers read them', async () => {
      const created = await t.app.inject({ method: 'POST', url: '/api/speed/alert-rules', headers: t.as('operator'), payload: { name: 'HQ slow', agent: 'HQ-CORE', target: 'speedtest.net', metric: 'download_mbps', threshold: 500, consecutive_failures: 3 } });
      assert.equal(created.statusCode, 201, created.body);
      const rule = created.json();
      assert.equal(rule.agent, agentId);
      assert.equal(rule.agent_name, 'HQ-CORE');
      assert.equal(rule.enabled, true);
      assert.equal(rule.severity, null);
      assert.equal((await t.app.inject({ method: 'POST', url: '/api/speed/alert-rules', headers: t.as('viewer'), payload: { name: 'x', metric: 'latency_ms', threshold: 5 } })).statusCode, 403);
      const changed = await t.app.inject({ method: 'PATCH', url: `/api/speed/alert-rules/${rule.id}`, headers: t.as('operator'), payload: { metric: 'baseline_deviation', enabled: false } });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.deepEqual([changed.json().metric, changed.json().threshold, changed.json().deviation_pct, changed.json().enabled], ['baseline_deviation', null, 30, false]);
      const bad = await t.app.inject({ method: 'PATCH', url: `/api/speed/alert-rules/${rule.id}`, headers: t.as('operator'), payload: { metric: 'jitter_ms' } });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().field, 'threshold');
      assert.equal((await t.app.inject({ url: `/api/speed/alert-rules/${rule.id}`, headers: t.as('viewer') })).json().metric, 'baseline_deviation');
      assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/speed/alert-rules/${rule.id}`, headers: t.as('operator') })).statusCode, 204);
      assert.equal((await t.app.inject({ url: `/api/speed/alert-rules/${rule.id}`, headers: t.as('viewer') })).statusCode, 404);
    });

    it('Flux Notify settings default to the environment; the API key is write-only and changes are audited', async () => {
      const initial = (await t.app.inject({ url: '/api/settings/integrations', headers: t.as('admin') })).json().flux_notify;
      assert.deepEqual(
        { url: initial.url, url_source: initial.url_source, api_key_set: initial.api_key_set, default_severity: initial.default_severity, default_contact_list: initial.default_contact_list },
        { url: 'http://flux-notify:4004', url_source: 'environment', api_key_set: true, default_severity: 'MEDIUM', default_contact_list: 'NOC Team' },
      );
      const put = await t.app.inject({ method: 'PUT', url: '/api/settings/integrations', headers: t.as('admin'), payload: { url: 'https://notify.example.net', api_key: 'super-secret-key', default_severity: 'CRITICAL', default_contact_list: 'Core On-Call' } });
      assert.equal(put.statusCode, 200, put.body);
      assert.doesNotMatch(put.body, /super-secret-key/);
      assert.equal(put.json().flux_notify.url_source, 'settings');
      assert.equal(put.json().flux_notify.default_severity, 'CRITICAL');
      const audit = (await t.app.inject({ url: '/api/audit', headers: t.as('admin') })).body;
      assert.match(audit, /integrations\.update/);
      assert.doesNotMatch(audit, /super-secret-key/);
      for (const [payload, field] of [[{ url: 'ftp://x' }, 'url'], [{ default_severity: 'SEVERE' }, 'default_severity'], [{ default_contact_list: '' }, 'default_contact_list'], [{}, 'body']] as const) {
        const res = await t.app.inject({ method: 'PUT', url: '/api/settings/integrations', headers: t.as('admin'), payload });
        assert.equal(res.statusCode, 400, JSON.stringify(payload));
        assert.equal(res.json().field, field);
      }
      const back = await t.app.inject({ method: 'PUT', url: '/api/settings/integrations', headers: t.as('admin'), payload: { url: null } });
      assert.equal(back.json().flux_notify.url, 'http://flux-notify:4004');
      assert.equal((await t.app.inject({ method: 'PUT', url: '/api/settings/integrations', headers: t.as('operator'), payload: { enabled: false } })).statusCode, 403);
    });

    it('webhooks: bad URLs are refused; the secret is never returned; a test is queued', async () => {
      for (const [payload, field] of [[{ name: 'x', url: 'not a url' }, 'url'], [{ url: 'https://h.example/x' }, 'name'], [{ name: 'x', url: 'https://h.example/x', secret: 'short' }, 'secret']] as const) {
        const res = await t.app.inject({ method: 'POST', url: '/api/speed/integrations', headers: t.as('admin'), payload });
        assert.equal(res.statusCode, 400, JSON.stringify(payload));
        assert.equal(res.json().field, field);
      }
      const created = await t.app.inject({ method: 'POST', url: '/api/speed/integrations', headers: t.as('admin'), payload: { name: 'Teams', url: 'https://hooks.example.net/teams', secret: 'a-long-secret' } });
      assert.equal(created.statusCode, 201);
      assert.doesNotMatch(created.body, /a-long-secret/);
      const id = created.json().id;
      const patched = await t.app.inject({ method: 'PATCH', url: `/api/speed/integrations/${id}`, headers: t.as('admin'), payload: { enabled: false, secret: null } });
      assert.deepEqual([patched.json().enabled, patched.json().secret_set], [false, false]);
      const queued = await t.app.inject({ method: 'POST', url: `/api/speed/integrations/${id}/test`, headers: t.as('admin') });
      assert.equal(queued.statusCode, 202);
      const log = (await t.app.inject({ url: '/api/settings/integrations/deliveries?state=pending', headers: t.as('admin') })).json();
      assert.equal(log[0].event, 'test');
      assert.equal(log[0].webhook.name, 'Teams');
      assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/speed/integrations/${id}`, headers: t.as('admin') })).statusCode, 204);
      assert.equal((await t.app.inject({ method: 'POST', url: `/api/speed/integrations/${id}/test`, headers: t.as('admin') })).statusCode, 404);
    });

    it('the alerts list filters by state, agent, metric and since', async () => {
      const bad = await t.app.inject({ url: '/api/speed/alerts?since=yesterday', headers: t.as('viewer') });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().field, 'since');
      const future = new Date(Date.now() + 3_600_000).toISOString();
      assert.deepEqual((await t.app.inject({ url: `/api/speed/alerts?since=${encodeURIComponent(future)}&metric=latency_ms&agent=${agentId}&state=open`, headers: t.as('viewer') })).json(), []);
    });
  });
}
