// The alerting pages in a real headless Chromium against `flux-speed all`: an Operator's rule
// made in the form, an alert it opens from an agent's results shown and acknowledged, Flux Notify
// settings with a write-only key, a webhook with a test delivery in the log, and baselines.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Api, freePort, startFlux, tempDir, waitHealthy, type FluxProcess } from '../helpers/processes.js';
import { ProtocolClient, registerAgentOverHttp } from '../helpers/protocol-client.js';
import { FakeFluxNotify } from '../helpers/fake-flux-notify.js';
import { requires } from '../helpers/tools.js';
import { until } from '../helpers/wait.js';
import { ensureWebBuilt, openBrowser, signIn, type Browser } from './browser.js';

const ADMIN_PASSWORD = 'admin-password-1';

describe('alerting pages in Chromium', requires('chromium'), () => {
  const notify = new FakeFluxNotify();
  const receiver = new FakeFluxNotify();
  let server: FluxProcess;
  let baseUrl: string;
  let admin: Api;
  let browser: Browser;
  let agent: ProtocolClient;

  before(async () => {
    ensureWebBuilt();
    await notify.start();
    await receiver.start();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = startFlux('ui-alerts', ['all'], {
      PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tempDir('ui-alerts'), ADMIN_PASSWORD, LOCAL_AGENT: '',
      FLUX_NOTIFY_URL: notify.url, FLUX_NOTIFY_API_KEY: 'env-key', NOTIFY_DELIVERY_INTERVAL_MS: '300',
    });
    await waitHealthy(baseUrl, server, 120_000);
    admin = await Api.login(baseUrl, 'admin', ADMIN_PASSWORD);
    assert.equal((await admin.post('/api/users', { username: 'operator', password: 'operator-password-1', role: 'operator' })).status, 201);
    const token = (await admin.post<{ token: string }>('/api/speed/agent-tokens', { name: 'edge' })).body.token;
    const reg = await registerAgentOverHttp(baseUrl, token, 'EDGE-1');
    agent = await ProtocolClient.connect(baseUrl, reg.body.credential);
    await agent.hello();
    browser = await openBrowser();
  });

  after(async () => {
    agent?.close();
    await browser?.close();
    await server?.stop();
    await notify.stop();
    await receiver.stop();
  });

  /** A probe the agent answers with the latency we choose, over the real protocol. */
  async function measure(latencyMs: number) {
    const started = await admin.post<{ run_id: string }>('/api/speed/probe', { agent: 'EDGE-1', target: '127.0.0.1', port: 9 });
    const runId = started.body.run_id;
    await agent.next('job', { where: (m) => m.run_id === runId, timeoutMs: 15_000 });
    const now = new Date().toISOString();
    agent.send({ type: 'ack', run_id: runId });
    agent.send({ type: 'started', run_id: runId, started_at: now });
    agent.send({ type: 'result', run_id: runId, result: { kind: 'probe', status: 'completed', started_at: now, finished_at: now, target: '127.0.0.1', metrics: { latency_ms: latencyMs }, details: {}, method: {} } });
    await agent.next('result_ack', { where: (m) => m.run_id === runId, timeoutMs: 15_000 });
  }

  it('an Operator creates a rule in the form; its breaches open an alert the Operator acknowledges', async () => {
    const { page } = browser;
    await signIn(page, baseUrl, 'operator', 'operator-password-1');
    await page.goto(`${baseUrl}/alerts?tab=rules`);
    await page.getByRole('button', { name: 'New rule' }).click();
    const form = page.getByRole('form', { name: 'Alert rule' });
    await form.getByLabel('Name').fill('Edge latency');
    await form.getByLabel('Agent').selectOption('EDGE-1');
    await form.getByLabel('Condition').selectOption('latency_ms');
    await form.getByLabel('Threshold (ms)').fill('50');
    await form.getByLabel('Consecutive breaches').fill('2');
    await form.getByLabel('Severity').selectOption('CRITICAL');
    await form.getByRole('button', { name: 'Save rule' }).click();
    await page.getByText('Latency > 50').waitFor();
    assert.match(await page.locator('.rule-list').innerText(), /Edge latency[\s\S]*CRITICAL[\s\S]*EDGE-1[\s\S]*2 in a row/);
    await browser.shot('alert-rules');

    await measure(80);
    await measure(95);
    await page.goto(`${baseUrl}/alerts`);
    const item = page.locator('.alert-item').filter({ hasText: 'EDGE-1 → 127.0.0.1:9/tcp: latency 95.0 ms above 50.0 ms (2 in a row)' });
    await item.waitFor();
    await item.getByRole('button', { name: 'Acknowledge' }).click();
    await page.locator('.alert-item').filter({ hasText: 'acknowledged by operator' }).waitFor();
    await browser.shot('alerts-acknowledged');
    await until(() => notify.incidents.length === 1, { timeoutMs: 20_000, what: 'the incident in Flux Notify' });
    assert.equal(notify.incidents[0]!.body.severity, 'CRITICAL');
  });

  it('an Admin sees Flux Notify from the environment, replaces the key without ever seeing it, and adds a webhook', async () => {
    const { page } = browser;
    await page.evaluate('sessionStorage.clear()');
    await signIn(page, baseUrl, 'admin', ADMIN_PASSWORD);
    await page.goto(`${baseUrl}/settings/integrations`);
    const form = page.getByRole('form', { name: 'Flux Notify' });
    await form.getByText('from FLUX_NOTIFY_URL').waitFor();
    assert.equal(await form.getByLabel('URL').inputValue(), notify.url);
    assert.equal(await form.getByLabel('API key').inputValue(), '');
    await form.getByLabel('API key').fill('replaced-key-42');
    await form.getByLabel('Default contact list').fill('Core On-Call');
    await form.getByRole('button', { name: 'Save Flux Notify settings' }).click();
    await page.getByText('Saved.').waitFor();
    assert.doesNotMatch(await page.content(), /replaced-key-42/);
    const stored = (await admin.get<{ flux_notify: { api_key_set: boolean; default_contact_list: string; url_source: string } }>('/api/settings/integrations')).body.flux_notify;
    assert.deepEqual([stored.api_key_set, stored.default_contact_list], [true, 'Core On-Call']);

    const hook = page.getByRole('form', { name: 'New webhook' });
    await hook.getByLabel('Name').fill('NOC Slack');
    await hook.getByLabel('URL').fill(`${receiver.url}/slack`);
    await hook.getByRole('button', { name: 'Add webhook' }).click();
    const row = page.getByRole('list', { name: 'Webhooks' }).locator('li').filter({ hasText: 'NOC Slack' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Send test' }).click();
    await page.getByText('Test notification to NOC Slack queued').waitFor();
    await until(() => receiver.requests.some((r) => r.body.event === 'test'), { timeoutMs: 20_000, what: 'the test webhook' });
    await page.reload();
    const log = page.getByRole('table', { name: 'Deliveries' });
    await log.locator('tr').filter({ hasText: 'NOC Slack' }).getByText('delivered').waitFor();
    assert.match(await log.innerText(), /alert\.fired[\s\S]*Flux Notify[\s\S]*delivered/);
    await browser.shot('integrations');
  });

  it('shows baselines and lets an Admin recompute them', async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/alerts?tab=baselines`);
    await page.getByRole('button', { name: 'Recompute now' }).click();
    await page.getByText(/Recomputed \d+ baselines/).waitFor();
    const table = page.getByRole('table', { name: 'Baselines' });
    await table.waitFor();
    assert.match(await table.innerText(), /EDGE-1[\s\S]*127\.0\.0\.1:9\/tcp[\s\S]*not reliable yet/);
    await browser.shot('baselines');
    assert.deepEqual(browser.errors, []);
  });
});
