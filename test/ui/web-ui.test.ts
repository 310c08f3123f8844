// The web UI in a real headless Chromium against the real product (`flux-speed all`): sign in,
// the LOCAL agent ONLINE, tests run from the UI with live progress and their results, a trend
// chart, a report download, and a Viewer who can neither see nor use the run buttons.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Api, freePort, startFlux, tempDir, waitHealthy, type FluxProcess } from '../helpers/processes.js';
import { requires } from '../helpers/tools.js';
import { until } from '../helpers/wait.js';
import { ensureWebBuilt, openBrowser, signIn, type Browser } from './browser.js';

const ADMIN_PASSWORD = 'admin-password-1';
const VIEWER_PASSWORD = 'viewer-password-1';

describe('web UI in Chromium', requires('chromium'), () => {
  let server: FluxProcess;
  let baseUrl: string;
  let admin: Api;
  let browser: Browser;
  let listener: net.Server;
  let openPort: number;
  const has: Record<string, boolean> = {};

  before(async () => {
    ensureWebBuilt();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = startFlux('ui-all', ['all'], { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tempDir('ui'), ADMIN_PASSWORD, SEED_DEMO: 'true' });
    listener = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    openPort = (listener.address() as net.AddressInfo).port;
    await waitHealthy(baseUrl, server, 120_000);
    admin = await Api.login(baseUrl, 'admin', ADMIN_PASSWORD);
    const created = await admin.post('/api/users', { username: 'viewer', password: VIEWER_PASSWORD, role: 'viewer' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    // APIs other features are still bringing: the UI says so until they exist, and so does the test.
    const missing = (res: { status: number; body: unknown }) => res.status === 404 && String((res.body as { message?: string }).message).startsWith('no route');
    has.speedtest = !missing(await admin.post('/api/speed/test', {}));
    has.report = !missing(await admin.get('/api/speed/report?format=csv'));
    await until(async () => (await admin.get<{ name: string; state: string }[]>('/api/speed/nodes')).body.some((n) => n.name === 'LOCAL' && n.state === 'ONLINE'), { timeoutMs: 90_000, what: 'LOCAL online' });
    browser = await openBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    listener?.close();
  });

  it('serves the app at / with the strict CSP, and any page path on reload', async () => {
    const root = await fetch(`${baseUrl}/`);
    assert.equal(root.status, 200);
    assert.match(root.headers.get('content-security-policy') ?? '', /script-src 'self'(;|$)/);
    assert.match(await root.text(), /<div id="app">/);
    const deep = await fetch(`${baseUrl}/agents/LOCAL`);
    assert.equal(deep.status, 200);
    assert.match(deep.headers.get('content-type') ?? '', /text\/html/);
  });

  it('signs in and shows the LOCAL agent ONLINE on the dashboard', async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/`);
    await page.waitForURL(/\/login/);
    await signIn(page, baseUrl, 'admin', ADMIN_PASSWORD);
    const row = page.locator('table[aria-label="Agents"] tr[data-agent="LOCAL"]');
    await row.getByText('ONLINE').waitFor();
    assert.match(await row.innerText(), /LOCAL[\s\S]*ONLINE/);
    // Seeded demo history: the latest figures per agent and target, with units.
    await page.locator('table[aria-label="Latest results"]').getByText('DEMO-HQ-CORE').waitFor();
    assert.match(await page.locator('table[aria-label="Latest results"]').innerText(), /Mbps[\s\S]*ms/);
    const time = page.locator('table[aria-label="Agents"] tr[data-agent="LOCAL"] time');
    assert.match((await time.getAttribute('title')) ?? '', /UTC/);
    await browser.shot('dashboard');
  });

  it('shows the agents and an agent with its capabilities; an Admin gets the docker run line', async () => {
    const { page } = browser;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agents' }).click();
    await page.locator('tr[data-agent="LOCAL"]').waitFor();
    await page.getByLabel('Token name').fill('branch offices');
    await page.getByRole('button', { name: 'Create token' }).click();
    const line = page.getByTestId('new-agent-token').locator('pre').first();
    await line.waitFor();
    assert.match(await line.innerText(), /docker run[\s\S]*AGENT_TOKEN=/);
    await browser.shot('agents');
    await page.goto(`${baseUrl}/agents/LOCAL`);
    await page.getByRole('heading', { name: 'Capabilities' }).waitFor();
    await page.getByRole('button', { name: 'Put in maintenance' }).waitFor();
    await browser.shot('agent-detail');
  });

  it('runs a port probe from the UI and shows its result', async () => {
    const { page } = browser;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Run a test' }).click();
    await page.getByRole('link', { name: 'Port probe' }).click();
    const form = page.getByRole('form', { name: 'Port probe' });
    await form.getByLabel('Target', { exact: true }).fill('127.0.0.1');
    await form.getByLabel('Port', { exact: true }).fill(String(openPort));
    await form.getByRole('button', { name: 'Run probe' }).click();
    await page.waitForURL(/\/results\/[0-9a-f-]{36}$/);
    await page.getByTestId('run-status').getByText('completed').waitFor({ timeout: 30_000 });
    const figures = await page.locator('.figures').innerText();
    assert.match(figures, /open/);
    assert.match(figures, /\d ms/);
    await browser.shot('result-probe');
  });

  it('runs a traceroute from the UI and shows the hop table', requires('mtr'), async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/run?type=trace`);
    const form = page.getByRole('form', { name: 'Traceroute' });
    await form.getByLabel('Target', { exact: true }).fill('127.0.0.1');
    await form.getByLabel('Probes per hop').fill('3');
    await form.getByRole('button', { name: 'Run trace' }).click();
    await page.waitForURL(/\/results\/[0-9a-f-]{36}$/);
    await page.getByTestId('run-status').getByText('completed').waitFor({ timeout: 60_000 });
    const hops = page.locator('table[aria-label="Hops"] tbody tr');
    await hops.first().waitFor();
    assert.match(await hops.first().innerText(), /127\.0\.0\.1[\s\S]*%[\s\S]*ms/);
    await browser.shot('result-trace');
  });

  it('runs a short speedtest from the UI with live throughput, then its result', async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/run?type=speedtest`);
    const form = page.getByRole('form', { name: 'Speedtest' });
    // The brief's defaults.
    assert.equal(await form.getByLabel('Protocol', { exact: true }).inputValue(), 'tcp');
    assert.equal(await form.getByLabel('Direction', { exact: true }).inputValue(), 'bidirectional');
    assert.equal(await form.getByLabel('Duration (per direction)').inputValue(), '20');
    assert.equal(await form.getByLabel(/Parallel streams/).inputValue(), '4');
    assert.equal(await form.getByLabel('Target', { exact: true }).inputValue(), 'auto');
    if (!has.speedtest) {
      await form.getByRole('button', { name: 'Run speedtest' }).click();
      await page.getByText('not available on this server yet').waitFor();
      await browser.shot('run-speedtest-unavailable');
      return;
    }
    await form.getByLabel('Target', { exact: true }).fill('server');
    await form.getByLabel('Direction', { exact: true }).selectOption('download');
    await form.getByLabel('Duration (per direction)').selectOption('10');
    await form.getByRole('button', { name: 'Run speedtest' }).click();
    await page.waitForURL(/\/results\/[0-9a-f-]{36}$/);
    await page.getByTestId('live-mbps').getByText(/Mbps|Gbps/).waitFor({ timeout: 30_000 });
    await browser.shot('run-speedtest-live');
    await page.getByTestId('run-status').getByText('completed').waitFor({ timeout: 60_000 });
    assert.match(await page.locator('.figures').innerText(), /(Mbps|Gbps)/);
    await page.locator('.chart canvas').first().waitFor();
    await browser.shot('result-speedtest');
  });

  it('lists results with filters', async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/results?type=probe`);
    const rows = page.locator('table[aria-label="Results"] tbody tr');
    await rows.first().waitFor();
    for (const type of await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-type')))) assert.equal(type, 'probe');
    await browser.shot('results');
  });

  it('opens a trend chart', async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/trends?agent=DEMO-HQ-CORE&metric=download_mbps&window=7d`);
    await page.locator('.chart canvas').first().waitFor();
    assert.match(await page.locator('.chart .u-legend').innerText(), /Download/);
    await browser.shot('trends');
  });

  it('downloads a report', async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/reports`);
    await page.getByRole('form', { name: 'Report' }).getByLabel('Agent').selectOption('DEMO-HQ-CORE');
    if (!has.report) {
      await page.getByRole('button', { name: 'Download CSV' }).click();
      await page.getByText('not available on this server yet').waitFor();
      await browser.shot('reports-unavailable');
      return;
    }
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    const file = await download.path();
    assert.ok(readFileSync(file).length > 0, 'the CSV is not empty');
    await browser.shot('reports');
  });

  it('shows the settings: API tokens with the secret once, users and roles', async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/settings/tokens`);
    await page.getByLabel('Token name').fill('grafana');
    await page.getByRole('button', { name: 'Create token' }).click();
    assert.match(await page.getByTestId('new-api-token').locator('pre').innerText(), /^fst_/);
    await page.goto(`${baseUrl}/settings/users`);
    await page.locator('tr[data-user="viewer"]').waitFor();
    await browser.shot('settings-users');
  });

  it('fits a phone (375 px) and has a light theme', async () => {
    const { page } = browser;
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${baseUrl}/`);
    await page.locator('tr[data-agent="LOCAL"]').waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(overflow <= 1, `the page scrolls sideways by ${overflow} px`);
    await browser.shot('dashboard-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('button', { name: /Switch to light theme/ }).click();
    assert.equal(await page.evaluate<string>('document.documentElement.dataset.theme'), 'light');
    await browser.shot('dashboard-light');
    await page.getByRole('button', { name: /Switch to dark theme/ }).click();
  });

  it('gives a Viewer no way to run, schedule or configure, and the API refuses them', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    await signIn(page, baseUrl, 'viewer', VIEWER_PASSWORD);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Dashboard' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Run a test' }).count(), 0);
    await page.goto(`${baseUrl}/agents/LOCAL`);
    await page.getByRole('heading', { name: 'Capabilities' }).waitFor();
    for (const name of ['Run a test', 'Put in maintenance', 'Retire agent']) assert.equal(await page.getByRole('link', { name }).or(page.getByRole('button', { name })).count(), 0, name);
    await page.goto(`${baseUrl}/run`);
    await page.getByText('needs the operator role').waitFor();
    assert.equal(await page.getByRole('button', { name: /^Run / }).count(), 0);
    await page.goto(`${baseUrl}/settings`);
    await page.getByRole('link', { name: 'API tokens' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Users and roles' }).count(), 0);
    await browser.shot('viewer-run-refused');
    const viewer = await Api.login(baseUrl, 'viewer', VIEWER_PASSWORD);
    const refused = await viewer.post('/api/speed/probe', { agent: 'LOCAL', target: '127.0.0.1', port: openPort });
    assert.equal(refused.status, 403);
  });

  it('sends an expired or revoked session back to sign-in with the reason', async () => {
    const { page } = browser;
    // Runs in the page (a string: the tests are type-checked without the DOM library).
    await page.evaluate(`(() => {
      const saved = JSON.parse(sessionStorage.getItem('flux-speed.session'));
      sessionStorage.setItem('flux-speed.session', JSON.stringify({ ...saved, token: 'not-a-valid-jwt' }));
    })()`);
    await page.goto(`${baseUrl}/results`);
    await page.waitForURL(/\/login/);
    await page.getByText(/Signed out/).waitFor();
    await browser.shot('signed-out');
    assert.deepEqual(browser.errors, []);
  });
});
