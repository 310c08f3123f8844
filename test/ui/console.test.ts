// The NOC console in a real headless Chromium against the real product (`flux-speed all`): an
// alert rule colours the dashboard and opens an alert that the alerts page filters, explains
// (figure against limit, how long) and an Operator acknowledges; a maintenance WINDOW holding the
// agent is named on its page; the trend draws the rule's limit; Integrations keeps the Flux Notify
// key write-only and lists each webhook delivery attempt; and each role sees only its buttons.
import assert from 'node:assert/strict';
import http from 'node:http';
import type net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Api, freePort, startFlux, tempDir, waitHealthy, type FluxProcess } from '../helpers/processes.js';
import { requires } from '../helpers/tools.js';
import { until } from '../helpers/wait.js';
import { ensureWebBuilt, openBrowser, signIn, type Browser } from './browser.js';

const ADMIN_PASSWORD = 'admin-password-1';
const OPERATOR_PASSWORD = 'operator-password-1';
const VIEWER_PASSWORD = 'viewer-password-1';

interface AlertBody { id: number; metric: string | null; value: number | null; threshold: number | null; acknowledged_by: string | null }

describe('the NOC console in Chromium', requires('chromium'), () => {
  let server: FluxProcess;
  let baseUrl: string;
  let admin: Api;
  let hook: http.Server;
  let hookUrl: string;
  const hookBodies: string[] = [];
  const browsers: Browser[] = [];

  const open = async (username: string, password: string, width = 1280) => {
    const browser = await openBrowser({ width, height: width < 600 ? 800 : 900 });
    browsers.push(browser);
    browser.page.on('dialog', (dialog) => void dialog.accept());
    if (width >= 600) await signIn(browser.page, baseUrl, username, password);
    else {
      // On a phone the header hides the user name: signed in is leaving the sign-in page.
      await browser.page.goto(`${baseUrl}/login`);
      await browser.page.getByLabel('Username').fill(username);
      await browser.page.getByLabel('Password').fill(password);
      await browser.page.getByRole('button', { name: 'Sign in' }).click();
      await browser.page.waitForURL((url) => !url.pathname.startsWith('/login'));
    }
    return browser;
  };

  before(async () => {
    ensureWebBuilt();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = startFlux('ui-console', ['all'], { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tempDir('ui-console'), ADMIN_PASSWORD, SCHEDULER_TICK_MS: '250' });
    hook = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      request.on('end', () => { hookBodies.push(body); response.writeHead(200).end('ok'); });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as net.AddressInfo).port}/hook`;
    await waitHealthy(baseUrl, server, 120_000);
    admin = await Api.login(baseUrl, 'admin', ADMIN_PASSWORD);
    for (const [username, password, role] of [['operator', OPERATOR_PASSWORD, 'operator'], ['viewer', VIEWER_PASSWORD, 'viewer']]) {
      const created = await admin.post('/api/users', { username, password, role });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    await until(async () => (await admin.get<{ name: string; state: string }[]>('/api/speed/nodes')).body.some((n) => n.name === 'LOCAL' && n.state === 'ONLINE'), { timeoutMs: 90_000, what: 'LOCAL online' });
  });

  after(async () => {
    for (const browser of browsers) await browser.close();
    await server?.stop();
    hook?.close();
  });

  it('an alert rule colours the latest result and opens an alert; the alerts page filters it, shows figure against limit and duration; an Operator acknowledges', async () => {
    // A limit no real trace meets: the loopback latency breaches it at once.
    const rule = await admin.post('/api/speed/alert-rules', { name: 'Edge latency', kind: 'threshold', agent: 'LOCAL', target: '127.0.0.1', metric: 'latency_ms', threshold: 0.001, consecutive_failures: 1, severity: 'HIGH' });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    const run = await admin.post<{ id: string }>('/api/speed/trace', { agent: 'LOCAL', target: '127.0.0.1', count: 2 });
    assert.equal(run.status, 202, JSON.stringify(run.body));
    const alert = await until(async () => (await admin.get<AlertBody[]>('/api/speed/alerts?state=open&metric=latency_ms')).body[0], { timeoutMs: 60_000, what: 'the latency alert' });
    assert.equal(alert.threshold, 0.001);

    const viewer = await open('viewer', VIEWER_PASSWORD);
    // Dashboard: the latest trace's latency in red (the rule's limit), the open alert listed.
    const latest = viewer.page.locator('table[aria-label="Latest results"] tr', { hasText: 'trace' });
    await latest.locator('[data-metric="latency_ms"]').waitFor();
    // Red from the first paint: the table waits for the limits as well as the figures.
    assert.match((await latest.locator('[data-metric="latency_ms"]').getAttribute('class')) ?? '', /level-bad/);
    await viewer.page.locator('ul[aria-label="Alerts"] li').first().waitFor();
    await viewer.shot('console-dashboard-alert');
    // Alerts page, filtered by metric: the breach figure against its limit, how long it is open; no Acknowledge for a Viewer.
    await viewer.page.goto(`${baseUrl}/alerts?tab=open`);
    await viewer.page.getByRole('form', { name: 'Alert filters' }).getByLabel('Metric').selectOption('latency_ms');
    await viewer.page.waitForURL(/metric=latency_ms/);
    const item = viewer.page.locator('ul[aria-label="Alerts"] li').first();
    assert.match(await item.getByTestId('alert-breach').innerText(), /Latency .* ms against 0(\.00\d*)? ms/);
    assert.match(await item.getByTestId('alert-duration').innerText(), /^open for \d+ (s|min)/);
    assert.match(await item.getByTestId('alert-details').innerText(), /from Edge latency · consecutive breaches 1/);
    assert.equal(await viewer.page.getByRole('button', { name: 'Acknowledge' }).count(), 0);
    // A filter nothing matches says so.
    await viewer.page.getByRole('form', { name: 'Alert filters' }).getByLabel('Metric').selectOption('download_mbps');
    await viewer.page.getByText('None match these filters.').waitFor();

    const operator = await open('operator', OPERATOR_PASSWORD);
    await operator.page.goto(`${baseUrl}/alerts?tab=open&agent=LOCAL`);
    const opItem = operator.page.locator('ul[aria-label="Alerts"] li', { hasText: 'Latency' }).first();
    await opItem.getByRole('button', { name: 'Acknowledge' }).click();
    await opItem.getByText('acknowledged by operator').waitFor();
    assert.equal((await admin.get<AlertBody[]>(`/api/speed/alerts?state=open&metric=latency_ms`)).body[0]!.acknowledged_by, 'operator');
    await operator.shot('console-alerts');

    // Trends draw the rule's limit, named in words below the chart.
    await viewer.page.goto(`${baseUrl}/trends?agent=LOCAL&target=127.0.0.1&metric=latency_ms&window=6h`);
    await viewer.page.getByRole('img', { name: 'Latency trend' }).waitFor();
    assert.match(await viewer.page.getByRole('list', { name: 'Reference lines' }).innerText(), /threshold: max 0(\.00\d*)? ms/);
    await viewer.shot('console-trends');
    assert.deepEqual([...viewer.errors, ...operator.errors], []);
  });

  it('the agent page names the maintenance window that holds the agent, apart from the manual flag', async () => {
    const now = Date.now();
    const window = await admin.post<{ id: number }>('/api/speed/maintenance', { name: 'Carrier works', agent: 'LOCAL', starts_at: new Date(now - 60_000).toISOString(), ends_at: new Date(now + 3_600_000).toISOString(), reason: 'uplink swap' });
    assert.equal(window.status, 201, JSON.stringify(window.body));
    await until(async () => (await admin.get<{ state: string }>('/api/speed/nodes/LOCAL')).body.state === 'MAINTENANCE', { timeoutMs: 15_000, what: 'LOCAL in MAINTENANCE' });
    const operator = await open('operator', OPERATOR_PASSWORD);
    await operator.page.goto(`${baseUrl}/agents/LOCAL`);
    const held = operator.page.getByTestId('maintenance-window');
    await held.waitFor();
    await held.getByText('(uplink swap)').waitFor();
    assert.match(await held.innerText(), /Held in MAINTENANCE by the window “Carrier works” until \w{3} \d+, [\d:]+ [AP]M \(uplink swap\)\. It returns to its state when the window closes/);
    assert.match((await held.locator('time').getAttribute('title')) ?? '', /UTC/);
    assert.equal(await operator.page.getByText('Not in maintenance.').count(), 0);
    await operator.page.getByRole('button', { name: 'Put in maintenance' }).waitFor();
    await operator.shot('console-agent-window');
    assert.equal((await admin.call('DELETE', `/api/speed/maintenance/${window.body.id}`)).status, 204);
    await until(async () => (await admin.get<{ state: string }>('/api/speed/nodes/LOCAL')).body.state === 'ONLINE', { timeoutMs: 15_000, what: 'LOCAL back ONLINE' });
    await operator.page.reload();
    await operator.page.getByText('Not in maintenance.').waitFor();
    assert.equal(await operator.page.getByTestId('maintenance-window').count(), 0);
  });

  it('Integrations: the Flux Notify key is write-only, a webhook test lists its delivery attempt; an Operator sees no user or integration admin', async () => {
    const adminUi = await open('admin', ADMIN_PASSWORD);
    const { page } = adminUi;
    await page.goto(`${baseUrl}/settings/integrations`);
    const notify = page.getByRole('form', { name: 'Flux Notify' });
    await notify.getByLabel('API key').fill('secret-notify-key-1');
    await notify.getByRole('button', { name: 'Save Flux Notify settings' }).click();
    await page.getByText('Saved.').waitFor();
    await notify.getByText('set (never shown); type to replace').waitFor();
    assert.equal(await notify.getByLabel('API key').inputValue(), '');
    assert.equal(await notify.getByLabel('API key').getAttribute('type'), 'password');
    const settings = await admin.get<Record<string, unknown>>('/api/settings/integrations');
    assert.doesNotMatch(JSON.stringify(settings.body), /secret-notify-key-1/);

    const form = page.getByRole('form', { name: 'New webhook' });
    await form.getByLabel('Name').fill('NOC hook');
    await form.getByLabel('URL').fill(hookUrl);
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const hooks = page.getByRole('list', { name: 'Webhooks' });
    await hooks.getByText('NOC hook').waitFor();
    await hooks.locator('li', { hasText: 'NOC hook' }).getByRole('button', { name: 'Send test' }).click();
    await until(async () => hookBodies.length > 0, { timeoutMs: 30_000, what: 'the test notification' });
    const deliveries = page.locator('table[aria-label="Deliveries"]');
    const row = deliveries.locator('tr', { hasText: 'NOC hook' }).first();
    await row.getByText('delivered').waitFor();
    await row.locator('summary').click();
    assert.match(await row.locator('ol').innerText(), /HTTP 200 · \d+ ms/);
    await adminUi.shot('console-integrations');

    const operator = await open('operator', OPERATOR_PASSWORD);
    await operator.page.goto(`${baseUrl}/settings/integrations`);
    await operator.page.getByRole('main').getByText('Password').first().waitFor();
    assert.doesNotMatch(await operator.page.getByRole('main').innerText(), /Integrations|Users and roles|Audit log|Flux Notify/);
    await operator.page.goto(`${baseUrl}/alerts?tab=baselines`);
    await operator.page.getByText(/No baselines yet|Baselines/).first().waitFor();
    assert.equal(await operator.page.getByRole('button', { name: 'Recompute now' }).count(), 0);
    assert.deepEqual(adminUi.errors.filter((e) => !/40\d/.test(e)), []);
  });

  it('on a phone the dashboard, alerts and integrations pages keep their tables inside the screen', async () => {
    const phone = await open('admin', ADMIN_PASSWORD, 375);
    for (const [path, name] of [['/alerts?tab=all', 'console-alerts-phone'], ['/settings/integrations', 'console-integrations-phone'], ['/alerts?tab=baselines', 'console-baselines-phone']] as const) {
      await phone.page.goto(`${baseUrl}${path}`);
      await phone.page.getByRole('main').waitFor();
      await phone.page.waitForLoadState('networkidle');
      const overflow = await phone.page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      assert.ok(overflow <= 1, `${path} is ${overflow} px wider than the phone`);
      await phone.shot(name);
    }
    // The dashboard's fleet and latest results: one card per row, each figure named, nothing to scroll sideways.
    await phone.page.goto(`${baseUrl}/`);
    const fleet = phone.page.getByRole('table', { name: 'Agents' });
    await fleet.locator('tbody tr').first().waitFor();
    assert.ok(await fleet.evaluate((table) => table.parentElement!.scrollWidth - table.parentElement!.clientWidth <= 1), 'the fleet table fits a phone');
    const latest = phone.page.getByRole('table', { name: 'Latest results' });
    await latest.locator('tbody tr').first().waitFor();
    await phone.shot('console-dashboard-phone');
    const sideways = await latest.evaluate((table) => table.parentElement!.scrollWidth - table.parentElement!.clientWidth);
    assert.ok(sideways <= 1, `the latest-results table scrolls ${sideways} px sideways on a phone`);
    assert.equal(await latest.locator('thead').isVisible(), false);
    // What the first card shows: each visible value with the name drawn before it.
    const shown = await latest.locator('tbody tr').first().evaluate((row) => {
      const style = row.ownerDocument.defaultView!.getComputedStyle;
      return [...row.querySelectorAll('td')]
        .filter((td) => style(td).display !== 'none')
        .map((td) => `${style(td, '::before').content.replace(/^"|"$/g, '')}=${td.innerText.trim()}`);
    });
    assert.ok(shown.some((c) => /^Target=\S+/.test(c)) && shown.some((c) => /^When=\S+/.test(c)), shown.join(' | '));
    assert.ok(shown.every((c) => !/=$/.test(c)), `no empty rows: ${shown.join(' | ')}`);
  });
});
