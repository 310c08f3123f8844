// End to end: results uploaded by an agent over the real protocol route are evaluated in the
// storing transaction; alerts open after N consecutive breaches, resolve on recovery, and reach a
// real HTTP server standing in for Flux Notify (and a webhook receiver) exactly once.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it, before, after } from 'node:test';
import type { ResultHook } from '../../src/runs/service.js';
import { deliverDue } from '../../src/alerts/delivery.js';
import { markSilentAgentsOffline } from '../../src/agents/offline.js';
import { appBackends, registerTestAgent, type TestApp } from '../helpers/app.js';
import { FakeFluxNotify } from '../helpers/fake-flux-notify.js';
import { uploadResult } from '../helpers/upload-result.js';

let maintenance = false;
/** Stands in for the maintenance-window hook: marks the stored result as measured inside a window. */
const markMaintenance: ResultHook = async (tx, stored) => {
  if (!maintenance) return;
  for (const { result } of stored) {
    result.in_maintenance = true;
    await tx.query('UPDATE results SET in_maintenance = true WHERE run_id = $1 AND measured_at = $2', [result.run_id, result.measured_at]);
  }
};

async function insertSchedule(t: TestApp, agentId: string, target: string, thresholds: Record<string, number>, consecutive: number): Promise<number> {
  const [row] = await t.ctx.db.query<{ id: number }>(
    `INSERT INTO schedules (name, agent_id, test_type, target, interval_seconds, thresholds, consecutive_failures, alert_on_breach, notify_contact_list, next_run_at)
     VALUES ('HQ Uplink — Hourly', $1, 'speedtest', $2, 3600, $3, $4, true, 'NOC Team', now() + interval '1 hour') RETURNING id`,
    [agentId, target, JSON.stringify(thresholds), consecutive],
  );
  return row!.id;
}

const openAlerts = async (t: TestApp) => (await t.app.inject({ url: '/api/speed/alerts?state=open', headers: t.as('viewer') })).json() as { id: number; metric: string; kind: string; title: string }[];

for (const backend of appBackends()) {
  describe(`alerts to Flux Notify: ${backend.name}`, () => {
    const notify = new FakeFluxNotify();
    const hooks = new FakeFluxNotify();
    let t: TestApp;
    let agent: { agentId: string; credential: string };
    before(async () => {
      await notify.start();
      await hooks.start();
      t = await backend.open({ env: { FLUX_NOTIFY_URL: notify.url, FLUX_NOTIFY_API_KEY: 'notify-key-123', PUBLIC_URL: 'https://flux.example.net', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' }, app: { resultHooks: [markMaintenance] } });
      agent = await registerTestAgent(t.ctx, 'HQ-CORE');
    });
    after(async () => {
      await t.close();
      await notify.stop();
      await hooks.stop();
    });

    it('3 consecutive breaches with consecutive_failures 3 open one incident; a passing result resolves it', async () => {
      const webhook = await t.app.inject({ method: 'POST', url: '/api/speed/integrations', headers: t.as('admin'), payload: { name: 'NOC Slack', url: `${hooks.url}/hook`, secret: 'webhook-secret-1' } });
      assert.equal(webhook.statusCode, 201, webhook.body);
      assert.equal(webhook.json().secret_set, true);
      assert.equal(webhook.json().secret, undefined);
      const scheduleId = await insertSchedule(t, agent.agentId, 'speedtest.net', { download_min_mbps: 800, upload_min_mbps: 400, latency_max_ms: 20, packet_loss_max_pct: 0.5 }, 3);

      await uploadResult(t, agent, 'speedtest.net', { download_mbps: 412.5, upload_mbps: 450, latency_ms: 8, loss_pct: 0 }, { scheduleId });
      await uploadResult(t, agent, 'speedtest.net', { download_mbps: 390, upload_mbps: 450, latency_ms: 9, loss_pct: 0 }, { scheduleId });
      await deliverDue(t.ctx);
      assert.equal((await openAlerts(t)).length, 0, 'two breaches in a row do not fire');
      assert.equal(notify.requests.length, 0);

      await uploadResult(t, agent, 'speedtest.net', { download_mbps: 405, upload_mbps: 450, latency_ms: 7, loss_pct: 0 }, { scheduleId });
      const open = await openAlerts(t);
      assert.equal(open.length, 1);
      assert.equal(open[0]!.metric, 'download_mbps');
      assert.match(open[0]!.title, /HQ-CORE → speedtest\.net: download 405 Mbps below 800 Mbps \(3 in a row\)/);
      // A fourth breach keeps the same alert open and sends nothing new.
      await uploadResult(t, agent, 'speedtest.net', { download_mbps: 300, upload_mbps: 450, latency_ms: 7, loss_pct: 0 }, { scheduleId });
      assert.deepEqual(await deliverDue(t.ctx), { delivered: 2, failed: 0, skipped: 0 });
      assert.equal(notify.incidents.length, 1);
      const incident = notify.incidents[0]!;
      assert.equal(incident.headers.authorization, 'Bearer notify-key-123');
      assert.ok(incident.headers['idempotency-key']);
      assert.deepEqual(
        { severity: incident.body.severity, contact_list: incident.body.contact_list, agent: incident.body.agent, target: incident.body.target, metric: incident.body.metric, value: incident.body.value, threshold: incident.body.threshold },
        { severity: 'HIGH', contact_list: 'NOC Team', agent: 'HQ-CORE', target: 'speedtest.net', metric: 'download_mbps', value: 405, threshold: 800 },
      );
      assert.equal(incident.body.link, `https://flux.example.net/alerts?alert=${open[0]!.id}`);
      assert.match(String(incident.body.title), /download 405 Mbps below 800 Mbps/);

      // The webhook got the same event as signed JSON.
      assert.equal(hooks.requests.length, 1);
      const posted = hooks.requests[0]!;
      assert.equal(posted.body.event, 'alert.fired');
      assert.equal((posted.body.alert as { metric: string }).metric, 'download_mbps');
      assert.equal(posted.headers['x-flux-speed-signature'], `sha256=${createHmac('sha256', 'webhook-secret-1').update(posted.raw).digest('hex')}`);

      await uploadResult(t, agent, 'speedtest.net', { download_mbps: 910, upload_mbps: 450, latency_ms: 7, loss_pct: 0 }, { scheduleId });
      assert.equal((await openAlerts(t)).length, 0);
      await deliverDue(t.ctx);
      const resolves = notify.requests.filter((r) => r.path === '/api/incidents/INC-1/resolve');
      assert.equal(resolves.length, 1);
      assert.equal(notify.incidents.length, 1);
      assert.equal(hooks.requests.filter((r) => r.body.event === 'alert.resolved').length, 1);

      const resolved = (await t.app.inject({ url: '/api/speed/alerts?state=resolved&metric=download_mbps', headers: t.as('viewer') })).json();
      assert.equal(resolved.length, 1);
      assert.equal(resolved[0].incident_id, 'INC-1');
      assert.equal(resolved[0].contact_list, 'NOC Team');
      const breaches = await t.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM breaches WHERE schedule_id = $1', [scheduleId]);
      assert.equal(breaches[0]!.n, 4, 'every breach is kept');
      const log = (await t.app.inject({ url: `/api/speed/breaches?agent=${agent.agentId}&target=speedtest.net`, headers: t.as('viewer') })).json();
      assert.deepEqual(log.map((b: { value: number; threshold: number; metric: string; source: unknown }) => [b.metric, b.value, b.threshold, b.source]), [
        ['download_mbps', 300, 800, { schedule_id: scheduleId }], ['download_mbps', 405, 800, { schedule_id: scheduleId }],
        ['download_mbps', 390, 800, { schedule_id: scheduleId }], ['download_mbps', 412.5, 800, { schedule_id: scheduleId }],
      ]);
      await t.ctx.db.query('DELETE FROM webhooks');
    });

    it('while Flux Notify is down (503, then refusing connections) incidents wait; once up each arrives exactly once', async () => {
      const before = notify.incidents.length;
      const rule = await t.app.inject({ method: 'POST', url: '/api/speed/alert-rules', headers: t.as('operator'), payload: { name: 'Latency', agent: 'HQ-CORE', metric: 'latency_ms', threshold: 50, severity: 'CRITICAL', notify_contact_list: 'Network On-Call' } });
      assert.equal(rule.statusCode, 201, rule.body);
      notify.mode = 'unavailable';
      for (const target of ['edge-a', 'edge-b', 'edge-c']) await uploadResult(t, agent, target, { latency_ms: 120 });
      const start = Date.now();
      let report = await deliverDue(t.ctx, { now: new Date(start) });
      assert.deepEqual(report, { delivered: 0, failed: 3, skipped: 0 });
      await notify.stop();
      report = await deliverDue(t.ctx, { now: new Date(start + 3_600_000) });
      assert.deepEqual(report, { delivered: 0, failed: 3, skipped: 0 });
      // Not yet due again: nothing is attempted.
      assert.deepEqual(await deliverDue(t.ctx, { now: new Date(start + 3_600_001) }), { delivered: 0, failed: 0, skipped: 0 });
      await notify.start(notify.port);
      notify.mode = 'up';
      report = await deliverDue(t.ctx, { now: new Date(start + 7_200_000) });
      assert.deepEqual(report, { delivered: 3, failed: 0, skipped: 0 });
      assert.deepEqual(await deliverDue(t.ctx, { now: new Date(start + 10_800_000) }), { delivered: 0, failed: 0, skipped: 0 });
      const fresh = notify.incidents.slice(before);
      assert.deepEqual(fresh.map((r) => r.body.target).sort(), ['edge-a', 'edge-b', 'edge-c']);
      assert.equal(new Set(fresh.map((r) => r.headers['idempotency-key'])).size, 3);
      assert.ok(fresh.every((r) => r.body.severity === 'CRITICAL' && r.body.contact_list === 'Network On-Call'));

      const log = (await t.app.inject({ url: '/api/settings/integrations/deliveries?state=delivered', headers: t.as('admin') })).json() as { history: { status_code: number | null; error: string | null }[] }[];
      const history = log[0]!.history;
      assert.equal(history.length, 3);
      assert.equal(history[0]!.status_code, 503);
      assert.match(String(history[1]!.error), /ECONNREFUSED/);
      assert.equal(history[2]!.error, null);
      assert.equal((await t.app.inject({ url: '/api/settings/integrations/deliveries', headers: t.as('operator') })).statusCode, 403);
      // Deleting the rule resolves its alerts (they could never recover) and tells Flux Notify.
      assert.equal((await t.app.inject({ method: 'DELETE', url: `/api/speed/alert-rules/${rule.json().id}`, headers: t.as('operator') })).statusCode, 204);
      assert.equal((await openAlerts(t)).filter((a) => a.metric === 'latency_ms').length, 0);
      assert.deepEqual(await deliverDue(t.ctx, { now: new Date(start + 10_800_000) }), { delivered: 3, failed: 0, skipped: 0 });
      assert.equal(notify.requests.filter((r) => r.path.endsWith('/resolve')).length, 4);
    });

    it('results inside a maintenance window neither count nor alert', async () => {
      const rule = await t.app.inject({ method: 'POST', url: '/api/speed/alert-rules', headers: t.as('admin'), payload: { name: 'Jitter', target: 'edge-m', metric: 'jitter_ms', threshold: 10, consecutive_failures: 2 } });
      assert.equal(rule.statusCode, 201, rule.body);
      await uploadResult(t, agent, 'edge-m', { jitter_ms: 30 });
      maintenance = true;
      await uploadResult(t, agent, 'edge-m', { jitter_ms: 30 });
      await uploadResult(t, agent, 'edge-m', { jitter_ms: 30 });
      maintenance = false;
      assert.equal((await openAlerts(t)).filter((a) => a.metric === 'jitter_ms').length, 0, 'maintenance breaches do not make a streak');
      await uploadResult(t, agent, 'edge-m', { jitter_ms: 30 });
      assert.equal((await openAlerts(t)).filter((a) => a.metric === 'jitter_ms').length, 1);
      const [n] = await t.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM breaches WHERE rule_id = $1', [rule.json().id]);
      assert.equal(n!.n, 2);
    });

    it('an agent-offline rule pages Flux Notify when the agent goes OFFLINE', async () => {
      const offline = await registerTestAgent(t.ctx, 'BRANCH-7');
      const rule = await t.app.inject({ method: 'POST', url: '/api/speed/alert-rules', headers: t.as('operator'), payload: { name: 'Agents offline', kind: 'agent_offline', severity: 'MEDIUM' } });
      assert.equal(rule.statusCode, 201, rule.body);
      await t.ctx.db.query(`UPDATE agents SET state = 'ONLINE', last_seen_at = now() - interval '1 hour' WHERE id = $1`, [offline.agentId]);
      const before = notify.incidents.length;
      assert.ok((await markSilentAgentsOffline(t.ctx)) >= 1);
      await deliverDue(t.ctx);
      const incident = notify.incidents.slice(before).find((r) => r.body.agent === 'BRANCH-7');
      assert.ok(incident, 'an incident for the offline agent');
      assert.equal(incident.body.severity, 'MEDIUM');
      assert.equal(incident.body.contact_list, 'NOC Team');
    });
  });
}
