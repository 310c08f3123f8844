// Real processes: an agent speaking the protocol uploads breaching results, the server opens the
// alert, and the worker's delivery task (real time, short intervals) gets it to a Flux Notify
// stand-in that is down at first, exactly once; recovery resolves it. Embedded (`flux-speed all`)
// always; with PostgreSQL and Redis also a server and two workers racing for the same outbox.
import assert from 'node:assert/strict';
import { Api } from '../helpers/processes.js';
import { measureThrough, ProtocolClient, registerAgentOverHttp } from '../helpers/protocol-client.js';
import { describeNotifyStacks } from '../helpers/notify-stacks.js';
import type { FakeFluxNotify } from '../helpers/fake-flux-notify.js';
import { until } from '../helpers/wait.js';

const ADMIN_PASSWORD = 'admin-password-1';
const FAST = { NOTIFY_DELIVERY_INTERVAL_MS: '200', NOTIFY_RETRY_BASE_MS: '100', NOTIFY_RETRY_MAX_S: '1', LOCAL_AGENT: '', ADMIN_PASSWORD, HOST: '127.0.0.1', LOG_LEVEL: 'warn' };

async function scenario(baseUrl: string, notify: FakeFluxNotify) {
  const api = await Api.login(baseUrl, 'admin', ADMIN_PASSWORD);
  const token = (await api.post<{ token: string }>('/api/speed/agent-tokens', { name: 'edge' })).body.token;
  const reg = await registerAgentOverHttp(baseUrl, token, 'EDGE-1');
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  const agent = await ProtocolClient.connect(baseUrl, reg.body.credential);
  await agent.hello();
  const rule = await api.post<{ id: number }>('/api/speed/alert-rules', { name: 'Edge latency', agent: 'EDGE-1', metric: 'latency_ms', threshold: 20, consecutive_failures: 2, severity: 'CRITICAL' });
  assert.equal(rule.status, 201, JSON.stringify(rule.body));

  // Each test the operator starts is taken by the agent, which answers with the figure we choose.
  const measure = (latencyMs: number) => measureThrough(api, agent, 'EDGE-1', { latency_ms: latencyMs });

  notify.mode = 'unavailable';
  await measure(85);
  await measure(90);
  const open = await until(async () => {
    const list = (await api.get<{ id: number }[]>('/api/speed/alerts?state=open')).body;
    return list.length === 1 ? list : undefined;
  }, { timeoutMs: 10_000, what: 'one open alert' });
  await until(() => notify.requests.filter((r) => r.status === 503).length >= 3, { timeoutMs: 20_000, what: 'three refused attempts' });
  assert.equal(notify.incidents.length, 0);
  notify.mode = 'up';
  await until(() => notify.incidents.length === 1, { timeoutMs: 20_000, what: 'the incident once Flux Notify is back' });
  assert.equal(notify.incidents[0]!.body.alert_id, open[0]!.id);
  assert.equal(notify.incidents[0]!.body.severity, 'CRITICAL');

  await measure(5);
  await until(() => notify.requests.some((r) => r.path === '/api/incidents/INC-1/resolve' && r.status === 200), { timeoutMs: 20_000, what: 'the resolve' });
  // Let a few more delivery ticks pass: nothing is sent twice.
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(notify.incidents.length, 1);
  assert.equal(notify.requests.filter((r) => r.path.endsWith('/resolve') && r.status === 200).length, 1);
  const deliveries = (await api.get<{ state: string; attempts: number }[]>('/api/settings/integrations/deliveries')).body;
  assert.deepEqual(deliveries.map((d) => d.state), ['delivered', 'delivered']);
  assert.ok(deliveries[1]!.attempts >= 4, `the fire took ${deliveries[1]!.attempts} attempts`);
  agent.close();
}

describeNotifyStacks({ title: 'worker delivery', name: 'alerts', env: FAST, test: 'a breach streak reaches Flux Notify once after an outage, and recovery resolves it', scenario });
