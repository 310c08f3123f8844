// The README's first command on a fresh checkout: `npm start` (`flux-speed all`) in an empty
// DATA_DIR, without ADMIN_PASSWORD. It starts, prints the generated admin password, which signs
// in; the UI loads. Without SEED_DEMO the installation is empty; with it the demo history makes
// baselines, trends and the SLA report (targets and breach log) non-empty.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Api, freePort, startFlux, tempDir, waitHealthy, type FluxProcess } from '../helpers/processes.js';
import { until } from '../helpers/wait.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface Baseline { agent: { name: string }; metric: string; value: number; sample_count: number; reliable: boolean }

async function firstStart(name: string, env: Record<string, string>) {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = tempDir(name);
  const proc = startFlux(name, ['all'], { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ...env });
  await waitHealthy(baseUrl, proc, 180_000);
  const printed = /created user "admin" with password\s+(\S+)/.exec(proc.output());
  assert.ok(printed, `the admin password is printed:\n${proc.output().slice(0, 2000)}`);
  const password = printed[1]!;
  assert.equal(readFileSync(path.join(dataDir, 'initial-admin-password'), 'utf8').trim(), password, 'and saved in DATA_DIR');
  const api = await Api.login(baseUrl, 'admin', password);
  return { proc, baseUrl, api };
}

async function assertUiLoads(baseUrl: string) {
  const page = await fetch(`${baseUrl}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  const html = await page.text();
  const script = /<script[^>]+src="([^"]+\.js)"/.exec(html);
  assert.ok(script, `the built single-page app, not the "not built" page:\n${html.slice(0, 500)}`);
  const js = await fetch(new URL(script[1]!, baseUrl));
  assert.equal(js.status, 200);
  assert.ok((await js.text()).length > 10_000, 'the app bundle is served');
}

describe('first run: `npm start` in an empty DATA_DIR', () => {
  it('`npm start` is `flux-speed all`', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.equal(pkg.scripts.start, 'node bin/flux-speed.js all');
  });

  describe('without SEED_DEMO', () => {
    let proc: FluxProcess;
    let api: Api;
    let baseUrl: string;
    before(async () => ({ proc, api, baseUrl } = await firstStart('first-run', {})));
    after(async () => proc?.stop());

    it('prints a password that signs in, serves the UI, and holds nothing but the built-in agent', async () => {
      await assertUiLoads(baseUrl);
      await until(async () => (await api.get<{ name: string; state: string }[]>('/api/speed/nodes')).body.some((n) => n.name === 'LOCAL' && n.state === 'ONLINE'), { timeoutMs: 60_000, what: 'LOCAL online' });
      assert.deepEqual((await api.get<{ name: string }[]>('/api/speed/nodes')).body.map((n) => n.name), ['LOCAL']);
      assert.deepEqual((await api.get<unknown[]>('/api/speed/schedules')).body, []);
      assert.deepEqual((await api.get<Baseline[]>('/api/speed/baselines')).body, []);
      assert.deepEqual((await api.get<{ results: unknown[] }>('/api/speed/results')).body.results, []);
    });
  });

  describe('with SEED_DEMO=true', () => {
    let proc: FluxProcess;
    let api: Api;
    let baseUrl: string;
    before(async () => ({ proc, api, baseUrl } = await firstStart('first-run-demo', { SEED_DEMO: 'true' })));
    after(async () => proc?.stop());

    it('the demo history fills baselines, trends and the SLA report', async () => {
      await assertUiLoads(baseUrl);
      const baselines = await until(async () => {
        const list = (await api.get<Baseline[]>('/api/speed/baselines')).body;
        return list.length > 0 ? list : undefined;
      }, { timeoutMs: 60_000, what: 'baselines of the demo history' });
      const hq = baselines.find((b) => b.agent.name === 'DEMO-HQ-CORE' && b.metric === 'download_mbps');
      assert.ok(hq && hq.reliable && hq.sample_count >= 300, JSON.stringify(hq));
      assert.ok(hq.value > 700 && hq.value < 940, `HQ download baseline ${hq.value}`);

      const trend = await until(async () => {
        const body = (await api.get<{ points: unknown[]; thresholds: { min: number | null } | null }>('/api/speed/trends?agent=DEMO-BRANCH-01&target=server&metric=download_mbps&window=7d')).body;
        return body.points.length > 100 ? body : undefined;
      }, { timeoutMs: 90_000, what: 'hourly rollups of the demo history' });
      assert.equal(trend.thresholds?.min, 300, 'the demo schedule’s minimum on the trend');

      const schedules = (await api.get<{ agent: { name: string }; paused: boolean }[]>('/api/speed/schedules')).body;
      assert.deepEqual(schedules.map((s) => [s.agent.name, s.paused]).sort(), [['DEMO-BRANCH-01', true], ['DEMO-HQ-CORE', true]]);

      const to = new Date().toISOString().slice(0, 10);
      const from = new Date(Date.now() - 15 * 86_400_000).toISOString().slice(0, 10);
      const { token } = (await (await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: /created user "admin" with password\s+(\S+)/.exec(proc.output())![1] }) })).json()) as { token: string };
      const csv = await (await fetch(`${baseUrl}/api/speed/report?agent=DEMO-BRANCH-01&start=${from}&end=${to}&format=csv`, { headers: { authorization: `Bearer ${token}` } })).text();
      const lines = csv.split('\r\n');
      assert.ok(lines.includes('tests,total,336'), csv.slice(0, 400));
      assert.ok(lines.some((l) => l.startsWith('download_mbps,300,,336,')), 'the schedule’s download minimum as an SLA target');
      const head = lines.indexOf('breach_opened_at,resolved_at,agent,target,metric,value,threshold,kind,duration_s');
      const breaches = lines.slice(head + 1, lines.indexOf('', head));
      assert.deepEqual(breaches.map((b) => b.split(',')[4]).sort(), ['download_mbps', 'latency_ms', 'loss_pct', 'upload_mbps'], breaches.join('\n'));
      for (const b of breaches) assert.ok(Number(b.split(',')[8]) > 7200, `a bad afternoon of hours: ${b}`);
      const pdf = await fetch(`${baseUrl}/api/speed/report?agent=DEMO-BRANCH-01&start=${from}&end=${to}&format=pdf`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(pdf.status, 200);
      assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
    });
  });
});
