// Fault: Flux Notify down for a long time relative to the retry backoff (base 100 ms, capped at
// 1 s: the cap is reached after a few attempts and held for the rest of the outage). Meanwhile
// alerts open and resolve on three agents (results through the real ingest path) and the only
// worker is killed with SIGKILL and restarted. When Flux Notify returns, every incident is created
// exactly once and every resolve arrives after its create.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { ownServicesSkip } from '../helpers/own-services.js';
import { FakeFluxNotify } from '../helpers/fake-flux-notify.js';
import { measureThrough, ProtocolClient, registerAgentOverHttp } from '../helpers/protocol-client.js';
import { until } from '../helpers/wait.js';
import { startOwnInstallation, type OwnInstallation } from './own-installation.js';
import { report } from './report.js';

const OUTAGE_MS = 20_000;
const BREACH = { latency_ms: 90 };
const PASS = { latency_ms: 5 };

describe('fault: Flux Notify down for a long period', ownServicesSkip(), () => {
  const notify = new FakeFluxNotify();
  let install: OwnInstallation | undefined;
  const agents: ProtocolClient[] = [];

  before(async () => {
    await notify.start();
  });
  after(async () => {
    for (const a of agents) a.close();
    await install?.destroy();
    await notify.stop();
  });

  it('creates every incident once and resolves each after its create when it returns', async () => {
    install = await startOwnInstallation('notify-down', {
      FLUX_NOTIFY_URL: notify.url, FLUX_NOTIFY_API_KEY: 'k', NOTIFY_DELIVERY_INTERVAL_MS: '200', NOTIFY_RETRY_BASE_MS: '100', NOTIFY_RETRY_MAX_S: '1', NOTIFY_TIMEOUT_S: '2',
    });
    const { api, baseUrl } = install;
    let worker = await install.startWorker('worker');
    const names = ['EDGE-A', 'EDGE-B', 'EDGE-C'];
    const agent: Record<string, ProtocolClient> = {};
    for (const name of names) {
      const reg = await registerAgentOverHttp(baseUrl, await install.agentToken(), name);
      assert.equal(reg.status, 201, JSON.stringify(reg.body));
      agent[name] = await ProtocolClient.connect(baseUrl, reg.body.credential);
      agents.push(agent[name]!);
      await agent[name]!.hello();
      const rule = await api.post('/api/speed/alert-rules', { name: `${name} latency`, agent: name, metric: 'latency_ms', threshold: 20, consecutive_failures: 1, severity: 'CRITICAL' });
      assert.equal(rule.status, 201, JSON.stringify(rule.body));
    }
    const measure = (name: string, metrics: Record<string, number>) => measureThrough(api, agent[name]!, name, metrics);

    notify.mode = 'unavailable';
    const downAt = Date.now();
    await measure('EDGE-A', BREACH); // alert 1 opens
    await measure('EDGE-B', BREACH); // alert 2 opens
    await until(async () => (await api.get<unknown[]>('/api/speed/alerts?state=open')).body.length === 2, { timeoutMs: 10_000, what: 'two open alerts' });
    await sleep(3000);
    await measure('EDGE-A', PASS); // alert 1 resolves
    await measure('EDGE-C', BREACH); // alert 3 opens
    await sleep(2000);
    await worker.kill9();
    await measure('EDGE-A', BREACH); // alert 4 opens (A again) while no worker runs
    await measure('EDGE-B', PASS); // alert 2 resolves
    await sleep(2000);
    worker = await install.startWorker('worker-2');
    await sleep(3000);
    await measure('EDGE-C', PASS); // alert 3 resolves
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - downAt)));
    const refused = notify.requests.filter((r) => r.status === 503).length;
    assert.equal(notify.incidents.length, 0, 'nothing got through while Flux Notify was down');

    const alerts = (await api.get<{ id: number; state: string }[]>('/api/speed/alerts')).body;
    assert.equal(alerts.length, 4, JSON.stringify(alerts));
    const resolvedIds = alerts.filter((a) => a.state !== 'open').map((a) => a.id).sort((a, b) => a - b);
    assert.equal(resolvedIds.length, 3, JSON.stringify(alerts));

    notify.mode = 'up';
    const upAt = Date.now();
    const resolves = () => notify.requests.filter((r) => r.path.endsWith('/resolve') && r.status === 200);
    await until(() => notify.incidents.length >= 4 && resolves().length >= 3, { timeoutMs: 60_000, intervalMs: 100, what: 'every incident and resolve delivered' });
    const deliveredAfterMs = Date.now() - upAt;
    await sleep(3000); // More delivery passes: nothing is sent twice.

    const creates = notify.incidents;
    assert.deepEqual(creates.map((r) => r.body.alert_id as number).sort((a, b) => a - b), alerts.map((a) => a.id).sort((a, b) => a - b), 'one incident per alert, none twice');
    assert.deepEqual(resolves().map((r) => r.body.alert_id as number).sort((a, b) => a - b), resolvedIds, 'one resolve per resolved alert, none twice');
    const answered = notify.requests.filter((r) => r.status !== 503);
    for (const resolve of resolves()) {
      const create = creates.find((c) => c.body.alert_id === resolve.body.alert_id)!;
      assert.ok(answered.indexOf(create) < answered.indexOf(resolve), `alert ${String(resolve.body.alert_id)}: resolve before its create`);
      const incident = `INC-${creates.indexOf(create) + 1}`;
      assert.equal(resolve.path, `/api/incidents/${incident}/resolve`, 'the resolve names the incident Flux Notify returned');
    }
    const deliveries = (await api.get<{ state: string; attempts: number }[]>('/api/settings/integrations/deliveries')).body;
    assert.deepEqual([...new Set(deliveries.map((d) => d.state))], ['delivered'], JSON.stringify(deliveries));
    assert.equal(deliveries.length, 7);
    const maxAttempts = Math.max(...deliveries.map((d) => d.attempts));
    assert.ok(maxAttempts >= 8, `the first incident was retried through the outage (${maxAttempts} attempts)`);
    assert.equal(worker.child.exitCode, null);

    report('Flux Notify down for a long period', {
      done: `Flux Notify answered 503 for ${Math.round((upAt - downAt) / 1000)} s (backoff 100 ms doubling, capped at 1 s); 4 alerts opened and 3 resolved on 3 agents meanwhile; the only worker killed with SIGKILL and restarted 2 s later; ${refused} attempts refused, up to ${maxAttempts} for one notification`,
      lost: `nothing: ${creates.length}/4 incidents created once, ${resolves().length}/3 resolves sent once, each after its create`,
      recovery: `every incident and resolve delivered ${deliveredAfterMs} ms after Flux Notify was back`,
    });
  });
});
