// Trends and reports in a real headless Chromium against the real product (`flux-speed all` with
// the demo history): the 7-day chart drawn from hourly rollups, and a report downloaded as PDF and
// CSV whose digest the PDF states.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Api, freePort, startFlux, tempDir, waitHealthy, type FluxProcess } from '../helpers/processes.js';
import { missing, requires } from '../helpers/tools.js';
import { until } from '../helpers/wait.js';
import { ensureWebBuilt, openBrowser, signIn, type Browser } from './browser.js';

const ADMIN_PASSWORD = 'admin-password-1';

describe('history pages in Chromium', requires('chromium'), () => {
  let server: FluxProcess;
  let baseUrl: string;
  let browser: Browser;

  before(async () => {
    ensureWebBuilt();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    server = startFlux('ui-history', ['all'], { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tempDir('ui-history'), ADMIN_PASSWORD, SEED_DEMO: 'true' });
    await waitHealthy(baseUrl, server, 120_000);
    const admin = await Api.login(baseUrl, 'admin', ADMIN_PASSWORD);
    // The worker folds the seeded two weeks into rollups within a pass or two.
    await until(async () => (await admin.get<{ points: unknown[] }>('/api/speed/trends?agent=DEMO-HQ-CORE&target=server&metric=download_mbps&window=7d')).body.points?.length > 100, {
      timeoutMs: 90_000,
      what: 'hourly rollups of the demo history',
    });
    browser = await openBrowser();
    await signIn(browser.page, baseUrl, 'admin', ADMIN_PASSWORD);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('opens a 7-day trend chart of hourly averages and a 30-day one of daily averages', async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/trends?agent=DEMO-HQ-CORE&target=server&metric=download_mbps&window=7d`);
    await page.locator('.chart canvas').first().waitFor();
    await page.getByText('hourly averages').waitFor();
    assert.match(await page.locator('.chart .u-legend').innerText(), /Download[\s\S]*P95/);
    assert.equal(await page.getByText('Built from raw results').count(), 0, 'the trends API answered, no fallback');
    await browser.shot('history-trend-7d');
    await page.getByRole('link', { name: '30 days' }).click();
    await page.getByText('daily averages').waitFor();
    await page.locator('.chart canvas').first().waitFor();
    assert.deepEqual(browser.errors, []);
  });

  it('downloads a PDF report and its CSV twin; the PDF states the CSV digest', async () => {
    const { page } = browser;
    await page.goto(`${baseUrl}/reports`);
    const form = page.getByRole('form', { name: 'Report' });
    await form.getByLabel('Agent').selectOption('DEMO-HQ-CORE');
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PDF' }).click()]);
    assert.match(pdf.suggestedFilename(), /^flux-speed-report-DEMO-HQ-CORE-.*\.pdf$/);
    const pdfPath = await pdf.path();
    assert.equal(readFileSync(pdfPath).subarray(0, 5).toString(), '%PDF-');
    await page.getByText(/Downloaded .*\.pdf/).waitFor();
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    const csvBytes = readFileSync(await csv.path());
    assert.match(csvBytes.toString('utf8'), /^section,name,value\r\nreport,agent,DEMO-HQ-CORE\r\n/);
    await browser.shot('history-report');
    if (missing('pdftotext')) return;
    const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
    const digest = createHash('sha256').update(csvBytes).digest('hex');
    assert.ok(text.includes(`CSV SHA-256: ${digest}`), 'the downloaded CSV hashes to the digest printed in the PDF');
  });
});
