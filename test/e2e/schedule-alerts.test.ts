// Issue 5 "done when", as a user runs it: the brief's schedule example (agent HQ-CORE is a real
// agent process, the target is the server's own speed endpoint, a short interval) runs every
// interval; three breaches in a row open ONE incident in a Flux Notify stand-in, recovery resolves
// it; then the trends and the SLA report (CSV and PDF) show the scheduled results, the breach with
// its duration and the schedule's thresholds as SLA targets. Embedded (`flux-speed all`) always;
// with PostgreSQL and Redis also a server, two workers and the agent as separate processes.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Api, startFlux, tempDir, type FluxProcess } from '../helpers/processes.js';
import { describeNotifyStacks } from '../helpers/notify-stacks.js';
import type { FakeFluxNotify } from '../helpers/fake-flux-notify.js';
import { until } from '../helpers/wait.js';

const ADMIN_PASSWORD = 'admin-password-1';
const INTERVAL_S = 15;
const FAST = {
  ADMIN_PASSWORD, HOST: '127.0.0.1', LOG_LEVEL: 'warn', LOCAL_AGENT: '',
  SCHEDULE_MIN_INTERVAL_S: '1', SCHEDULER_TICK_MS: '200',
  NOTIFY_DELIVERY_INTERVAL_MS: '200', NOTIFY_RETRY_BASE_MS: '100', NOTIFY_RETRY_MAX_S: '1',
};

interface Run { id: string; status: string; status_reason: string | null; schedule_id: number | null; target: string; created_at: string; metrics: Record<string, number> }
interface Alert { id: number; state: string; metric: string; value: number; threshold: number; opened_at: string; resolved_at: string | null; details: Record<string, unknown> }

/** The brief's example body, verbatim but for the agent name kept, the target, the interval and the streak. */
const briefSchedule = (download_min_mbps: number) => ({
  name: 'HQ Uplink — Hourly',
  agent: 'HQ-CORE',
  target: 'server',
  test_type: 'speedtest',
  interval_seconds: INTERVAL_S,
  // A 10 s download keeps each run inside the interval on a loaded machine.
  params: { duration: 10, direction: 'download', streams: 2 },
  thresholds: {
    download_min_mbps,
    upload_min_mbps: 400,
    latency_max_ms: 20,
    packet_loss_max_pct: 0.5,
  },
  alert_on_breach: true,
  notify_contact_list: 'NOC Team',
  consecutive_failures: 3,
});

async function startAgent(baseUrl: string, api: Api, procs: FluxProcess[]) {
  const token = (await api.post<{ token: string }>('/api/speed/agent-tokens', { name: 'hq' })).body.token;
  procs.push(startFlux('e2e-agent', ['agent'], { SPEED_SERVER_URL: baseUrl, AGENT_NAME: 'HQ-CORE', AGENT_LOCATION: 'HQ', AGENT_TOKEN: token, AGENT_DATA_DIR: tempDir('e2e-agent'), AGENT_LISTEN: '', LOG_LEVEL: 'warn' }));
  await until(async () => (await api.get<{ name: string; state: string }[]>('/api/speed/nodes')).body.some((n) => n.name === 'HQ-CORE' && n.state === 'ONLINE'), { timeoutMs: 60_000, what: 'HQ-CORE online' });
}

async function scenario(baseUrl: string, notify: FakeFluxNotify) {
  const login = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
  const token = ((await login.json()) as { token: string }).token;
  const api = new Api(baseUrl, token);
  const procs: FluxProcess[] = [];
  try {
    await startAgent(baseUrl, api, procs);
    // Loopback cannot reach a terabit: every result breaches download_min_mbps.
    const created = await api.post<{ id: number }>('/api/speed/schedules', briefSchedule(1_000_000));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id;
    const runs = async () => (await api.get<{ results: Run[] }>(`/api/speed/results?schedule_id=${id}&limit=500`)).body.results.reverse();
    const completed = async () => (await runs()).filter((r) => r.status === 'completed');

    // Two breaches: no incident yet.
    await until(async () => (await completed()).length >= 2, { timeoutMs: 4 * INTERVAL_S * 1000, what: 'two completed scheduled runs' });
    await new Promise((r) => setTimeout(r, 1000));
    if ((await completed()).length === 2) assert.equal(notify.incidents.length, 0, 'no incident after two breaches');
    // The third opens one alert and one incident.
    const open = await until(async () => {
      const list = (await api.get<Alert[]>('/api/speed/alerts?state=open')).body;
      return list.length > 0 ? list : undefined;
    }, { timeoutMs: 3 * INTERVAL_S * 1000, what: 'an open alert' });
    assert.equal(open.length, 1, JSON.stringify(open));
    assert.equal(open[0]!.metric, 'download_mbps');
    assert.equal(open[0]!.details.consecutive_breaches, 3);
    const firstRuns = await completed();
    await until(() => notify.incidents.length === 1, { timeoutMs: 10_000, what: 'the incident' });
    const incident = notify.incidents[0]!.body;
    assert.equal(incident.alert_id, open[0]!.id);
    assert.equal(incident.contact_list, 'NOC Team');
    assert.equal(incident.agent, 'HQ-CORE');
    assert.equal(incident.metric, 'download_mbps');
    assert.equal(incident.threshold, 1_000_000);
    assert.ok(typeof incident.value === 'number' && incident.value > 0 && incident.value < 1_000_000);
    // Every run so far fired on the interval.
    const gaps = firstRuns.slice(1).map((r, i) => (Date.parse(r.created_at) - Date.parse(firstRuns[i]!.created_at)) / 1000);
    for (const g of gaps) assert.ok(Math.abs(g - INTERVAL_S) < 2, `runs ${g} s apart, interval ${INTERVAL_S} s`);
    console.log(`# ${firstRuns.length} runs ${gaps.map((g) => g.toFixed(2)).join(', ')} s apart; downloads ${firstRuns.map((r) => r.metrics.download_mbps?.toFixed(0)).join(', ')} Mbps; incident ${notify.incidents.length}`);

    // Recovery: the operator lowers the minimum to what the link does; the next result passes.
    const patched = await api.call('PATCH', `/api/speed/schedules/${id}`, { thresholds: { ...briefSchedule(1).thresholds } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    await until(() => notify.requests.some((r) => /^\/api\/incidents\/INC-1\/resolve$/.test(r.path) && r.status === 200), { timeoutMs: 3 * INTERVAL_S * 1000, what: 'the resolve' });
    await api.post(`/api/speed/schedules/${id}/pause`, {});
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(notify.incidents.length, 1, 'one incident in all');
    assert.equal(notify.requests.filter((r) => r.path.endsWith('/resolve')).length, 1, 'one resolve');
    const alerts = (await api.get<Alert[]>('/api/speed/alerts')).body;
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.state, 'resolved');
    const all = await completed();
    assert.ok(all.length >= 4);

    await history(api, token, alerts[0]!, all);
  } finally {
    for (const p of procs) await p.stop();
  }
}

/** The history half: trends and the SLA report of HQ-CORE → the target show what happened. */
async function history(api: Api, token: string, alert: Alert, runs: Run[]) {
  const target = runs[0]!.target;
  const trend = await api.get<{ points: { count: number }[]; thresholds: { min: number | null; max: number | null; source: string } | null }>(
    `/api/speed/trends?agent=HQ-CORE&target=${encodeURIComponent(target)}&metric=download_mbps&window=6h`,
  );
  assert.equal(trend.status, 200, JSON.stringify(trend.body));
  assert.equal(trend.body.points.reduce((n, p) => n + p.count, 0), runs.length, 'every scheduled result in the trend');
  assert.equal(trend.body.thresholds?.min, 1, `the schedule's minimum as the trend's threshold: ${JSON.stringify(trend.body.thresholds)}`);

  const day = new Date().toISOString().slice(0, 10);
  const query = `agent=HQ-CORE&target=${encodeURIComponent(target)}&start=${day}&end=${day}`;
  const csvRes = await fetch(`${api.baseUrl}/api/speed/report?${query}&format=csv`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(csvRes.status, 200);
  const csv = await csvRes.text();
  const lines = csv.split('\r\n');
  const resultRows = lines.filter((l) => l.includes(',HQ-CORE,') && /,speedtest,completed,/.test(l));
  assert.equal(resultRows.length, runs.length, 'every scheduled result in the CSV');
  const breachHead = lines.indexOf('breach_opened_at,resolved_at,agent,target,metric,value,threshold,kind,duration_s');
  assert.ok(breachHead > 0);
  const breaches = lines.slice(breachHead + 1, lines.indexOf('', breachHead));
  assert.equal(breaches.length, 1, breaches.join('\n'));
  const fields = breaches[0]!.split(',');
  assert.equal(fields[4], 'download_mbps');
  const opened = Date.parse(fields[0]!);
  const resolved = Date.parse(fields[1]!);
  assert.equal(opened, Date.parse(alert.opened_at));
  assert.equal(resolved, Date.parse(alert.resolved_at!));
  assert.ok(Math.abs(Number(fields[8]) - (resolved - opened) / 1000) < 1.01, `duration ${fields[8]} s`);
  assert.ok(Number(fields[8]) >= INTERVAL_S - 2, 'open from the third breach to the first pass');
  // The schedule's current thresholds are the SLA targets, applied to every scheduled result.
  const sla = lines.find((l) => l.startsWith('download_mbps,1,'));
  assert.equal(sla, `download_mbps,1,,${runs.length},${runs.length},100`, `the schedule's download minimum as the SLA target:\n${lines.filter((l) => l.includes('_mbps,') || l.includes('_ms,')).join('\n')}`);
  assert.ok(lines.some((l) => l.startsWith('latency_ms,,20,')), 'latency_max_ms as the SLA target');

  const pdfRes = await fetch(`${api.baseUrl}/api/speed/report?${query}&format=pdf`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(pdfRes.status, 200);
  const pdf = Buffer.from(await pdfRes.arrayBuffer());
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assert.equal(pdfRes.headers.get('x-csv-sha256'), createHash('sha256').update(csv).digest('hex'), 'the PDF names the digest of the CSV just downloaded');
  console.log(`# report: ${resultRows.length} results, breach open ${fields[8]} s, PDF ${pdf.length} bytes`);
}

describeNotifyStacks({ title: 'issue 5 done-when', name: 'e2e', env: FAST, test: 'the brief’s schedule: three breaches, one incident, resolved on recovery; trends and report show it', scenario });
