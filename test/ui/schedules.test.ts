// The schedules page and the maintenance windows tab in a real headless Chromium against the real
// product (`flux-speed all`): create, run now, pause, resume, edit and delete a schedule with
// thresholds; add a recurring and a one-off window, and see the agent go into maintenance and back.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Api, freePort, startFlux, tempDir, waitHealthy, type FluxProcess } from '../helpers/processes.js';
import { requires } from '../helpers/tools.js';
import { until } from '../helpers/wait.js';
import { ensureWebBuilt, openBrowser, signIn, type Browser } from './browser.js';

const ADMIN_PASSWORD = 'admin-password-1';

interface Schedule { id: number; name: string; paused: boolean; params: Record<string, unknown>; thresholds: Record<string, number>; severity: string | null; interval_seconds: number; test_type: string }

describe('schedules and maintenance windows in the web UI', requires('chromium'), () => {
  let server: FluxProcess;
  let baseUrl: string;
  let admin: Api;
  let browser: Browser;
  let listener: net.Server;
  let openPort: number;

  before(async () => {
    ensureWebBuilt();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = startFlux('ui-schedules', ['all'], { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tempDir('ui-sched'), ADMIN_PASSWORD, SCHEDULER_TICK_MS: '250' });
    listener = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    openPort = (listener.address() as net.AddressInfo).port;
    await waitHealthy(baseUrl, server, 120_000);
    admin = await Api.login(baseUrl, 'admin', ADMIN_PASSWORD);
    await until(async () => (await admin.get<{ name: string; state: string }[]>('/api/speed/nodes')).body.some((n) => n.name === 'LOCAL' && n.state === 'ONLINE'), { timeoutMs: 90_000, what: 'LOCAL online' });
    browser = await openBrowser();
    browser.page.on('dialog', (dialog) => void dialog.accept());
    await signIn(browser.page, baseUrl, 'admin', ADMIN_PASSWORD);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    listener?.close();
  });

  const schedules = async () => (await admin.get<Schedule[]>('/api/speed/schedules')).body;
  const row = (name: string) => browser.page.locator('table[aria-label="Schedules"] tr', { hasText: name });

  it('creates a probe schedule with thresholds, runs it now, pauses, resumes, edits and deletes it', async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/schedules`);
    await page.getByRole('button', { name: 'New schedule' }).click();
    const form = page.getByRole('form', { name: 'Schedule' });
    await form.getByLabel('Name').fill('Edge port check');
    await form.getByLabel('Agent').selectOption('LOCAL');
    await form.getByLabel('Test').selectOption('probe');
    await form.getByLabel('Target').fill('127.0.0.1');
    await form.getByLabel('Every').selectOption('60');
    await form.getByLabel('Port').fill(String(openPort));
    await form.getByLabel('Latency max (ms)').fill('50');
    await form.getByLabel('Severity').selectOption('CRITICAL');
    await form.getByLabel('Consecutive breaches before alerting').fill('3');
    await form.getByRole('button', { name: 'Save schedule' }).click();
    await row('Edge port check').waitFor();
    assert.match(await row('Edge port check').innerText(), /LOCAL → 127\.0\.0\.1[\s\S]*probe[\s\S]*latency ≤ 50[\s\S]*active/);
    const [created] = (await schedules()).filter((s) => s.name === 'Edge port check');
    assert.deepEqual({ params: created!.params, thresholds: created!.thresholds, severity: created!.severity, interval: created!.interval_seconds }, { params: { port: openPort, protocol: 'tcp', timeout_ms: 2000 }, thresholds: { latency_max_ms: 50 }, severity: 'CRITICAL', interval: 60 });

    await row('Edge port check').getByRole('button', { name: 'Run now' }).click();
    await page.getByRole('status').filter({ hasText: 'Started a run of “Edge port check”' }).waitFor();
    await until(async () => (await admin.get<{ results: { status: string }[] }>(`/api/speed/results?schedule_id=${created!.id}`)).body.results.some((r) => r.status === 'completed'), { timeoutMs: 30_000, what: 'the run-now run to complete' });
    await page.reload();
    await row('Edge port check').getByText('completed').waitFor();

    await row('Edge port check').getByRole('button', { name: 'Pause' }).click();
    await row('Edge port check').getByText('paused').waitFor();
    assert.equal((await schedules()).find((s) => s.id === created!.id)!.paused, true);
    await row('Edge port check').getByRole('button', { name: 'Resume' }).click();
    await row('Edge port check').getByText('active').waitFor();
    assert.equal((await schedules()).find((s) => s.id === created!.id)!.paused, false);

    await row('Edge port check').getByRole('button', { name: 'Edit' }).click();
    await form.getByLabel('Name').fill('Edge port check (edited)');
    await form.getByLabel('Port').fill('9');
    await form.getByRole('button', { name: 'Save schedule' }).click();
    await row('Edge port check (edited)').waitFor();
    assert.equal((await schedules()).find((s) => s.id === created!.id)!.params.port, 9);
    await browser.shot('schedules');

    await row('Edge port check (edited)').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No schedules').waitFor();
    assert.equal((await schedules()).length, 0);
  });

  it('adds a recurring and a one-off window; the agent is in maintenance during the one-off, back after its deletion', async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/settings/maintenance`);
    const form = page.getByRole('form', { name: 'New maintenance window' });
    // A weekday three days away, so this window is never open while the test runs.
    const weekday = (new Date().getUTCDay() + 3) % 7;
    await form.getByLabel('Name').fill('Weekly patching');
    await form.getByLabel('Repeats').selectOption('recurring');
    await form.getByLabel('Cron').fill(`0 3 * * ${weekday}`);
    await form.getByLabel('Duration (minutes)').fill('90');
    await form.getByLabel('Time zone').fill('Europe/Berlin');
    await form.getByRole('button', { name: 'Add window' }).click();
    const windows = page.locator('table[aria-label="Maintenance windows"]');
    await windows.locator('tr[data-window="Weekly patching"]').waitFor();
    assert.match(await windows.locator('tr[data-window="Weekly patching"]').innerText(), new RegExp(`0 3 \\* \\* ${weekday}[\\s\\S]*Europe/Berlin[\\s\\S]*90 min`));

    // A bad cron expression is refused and says why.
    await form.getByLabel('Name').fill('broken');
    await form.getByLabel('Cron').fill('0 3 * *');
    await form.getByRole('button', { name: 'Add window' }).click();
    await page.getByText(/cron: must have 5 fields/).waitFor();

    await form.getByLabel('Name').fill('Uplink swap');
    await form.getByLabel('Agent').selectOption('LOCAL');
    await form.getByLabel('Repeats').selectOption('once');
    // datetime-local is read in the browser's zone (not this process's): a day either side covers any zone.
    const local = (ms: number) => new Date(ms).toISOString().slice(0, 16);
    await form.getByLabel('Starts').fill(local(Date.now() - 86_400_000));
    await form.getByLabel('Ends').fill(local(Date.now() + 86_400_000));
    await form.getByLabel('Reason').fill('carrier works');
    await form.getByRole('button', { name: 'Add window' }).click();
    const swap = windows.locator('tr[data-window="Uplink swap"]');
    await swap.waitFor();
    await swap.getByText('open').waitFor();
    await until(async () => (await admin.get<{ state: string; reason: string }>('/api/speed/nodes/LOCAL')).body.state === 'MAINTENANCE', { timeoutMs: 15_000, what: 'LOCAL in MAINTENANCE' });
    await browser.shot('maintenance-windows');

    await swap.getByRole('button', { name: 'Delete' }).click();
    await swap.waitFor({ state: 'detached' });
    await until(async () => (await admin.get<{ state: string }>('/api/speed/nodes/LOCAL')).body.state === 'ONLINE', { timeoutMs: 15_000, what: 'LOCAL back ONLINE' });
    assert.deepEqual(browser.errors.filter((e) => !/400|Bad Request/.test(e)), []);
  });
});
