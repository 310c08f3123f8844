// One `flux-speed all` process (PGlite + in-process bus) with its built-in LOCAL agent: a schedule
// probing a local TCP listener fires at its interval, pause and resume work, a maintenance window
// skips its runs and shows the agent MAINTENANCE, and a SIGKILL restart neither skips nor doubles.
import assert from 'node:assert/strict';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Api, freePort, startFlux, tempDir, waitHealthy, type FluxProcess } from '../helpers/processes.js';
import { until } from '../helpers/wait.js';
import { assertEverySlotOnce, slotOf } from './slots.js';

interface Summary { id: string; status: string; status_reason: string | null; schedule_id: number | null; created_at: string; metrics: Record<string, number> }
interface Detail extends Summary { timeline: { note?: string }[] }
interface Schedule { id: number; offset_seconds: number; next_run_at: string | null; paused: boolean; last_run: { status: string } | null }

describe('scheduler in embedded mode, against the LOCAL agent', () => {
  let server: FluxProcess;
  let api: Api;
  let listener: net.Server;
  let openPort: number;
  let env: Record<string, string>;
  let baseUrl: string;

  before(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tempDir('sched'), ADMIN_PASSWORD: 'admin-password-1', SCHEDULE_MIN_INTERVAL_S: '1', SCHEDULER_TICK_MS: '200', AGENT_HEARTBEAT_S: '1', AGENT_OFFLINE_AFTER_S: '30' };
    server = startFlux('sched-all', ['all'], env);
    listener = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    openPort = (listener.address() as net.AddressInfo).port;
    await waitHealthy(baseUrl, server);
    api = await Api.login(baseUrl, 'admin', 'admin-password-1');
    await until(async () => (await api.get<{ name: string; state: string }[]>('/api/speed/nodes')).body.some((n) => n.name === 'LOCAL' && n.state === 'ONLINE'), { timeoutMs: 30_000, what: 'LOCAL online' });
  });
  after(async () => {
    await server?.stop();
    listener?.close();
  });

  const runsOf = async (id: number) => (await api.get<{ results: Summary[] }>(`/api/speed/results?schedule_id=${id}&limit=500`)).body.results.reverse();
  const agentState = async () => (await api.get<{ state: string; reason: string }>('/api/speed/nodes/LOCAL')).body;
  const create = async (name: string, intervalS: number) => {
    const res = await api.post<Schedule>('/api/speed/schedules', { name, agent: 'LOCAL', target: '127.0.0.1', test_type: 'probe', interval_seconds: intervalS, params: { port: openPort, timeout_ms: 1000 }, thresholds: { latency_max_ms: 100 } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };

  it('fires at its interval on its offset; the runs carry the schedule and complete', async () => {
    const s = await create('local probe', 2);
    const runs = await until(async () => {
      const r = await runsOf(s.id);
      return r.filter((x) => x.status === 'completed').length >= 4 ? r : undefined;
    }, { timeoutMs: 30_000, what: 'four completed scheduled runs' });
    for (const run of runs) assert.equal(run.schedule_id, s.id);
    const completed = runs.filter((r) => r.status === 'completed');
    assert.ok(completed.every((r) => r.metrics.connect_ms !== undefined), 'probes measured the listener');
    const created = runs.map((r) => Date.parse(r.created_at));
    for (const at of created) {
      const intoSlot = ((at / 1000 - s.offset_seconds) % 2 + 2) % 2;
      assert.ok(intoSlot < 0.8, `created ${intoSlot.toFixed(3)} s after its slot`);
    }
    const gaps = created.slice(1).map((at, i) => (at - created[i]!) / 1000);
    console.log(`# interval 2 s, offset ${s.offset_seconds} s: gaps between runs ${gaps.map((g) => g.toFixed(2)).join(', ')} s`);
    for (const gap of gaps) assert.ok(gap > 1.2 && gap < 2.8, `gap ${gap}`);
    const shown = (await api.get<Schedule>(`/api/speed/schedules/${s.id}`)).body;
    assert.ok(shown.last_run);
    assert.ok(Date.parse(shown.next_run_at!) > Date.now() - 1000);
  });

  it('pause stops firing, resume restarts it', async () => {
    const s = await create('pausable', 1);
    await until(async () => (await runsOf(s.id)).length >= 2, { timeoutMs: 20_000, what: 'runs' });
    const paused = await api.post<Schedule>(`/api/speed/schedules/${s.id}/pause`, {});
    assert.equal(paused.body.paused, true);
    await sleep(500);
    const before = (await runsOf(s.id)).length;
    await sleep(3500);
    assert.equal((await runsOf(s.id)).length, before, 'no run while paused');
    await api.post(`/api/speed/schedules/${s.id}/resume`, {});
    await until(async () => (await runsOf(s.id)).length >= before + 2, { timeoutMs: 20_000, what: 'runs after resume' });
    await api.post(`/api/speed/schedules/${s.id}/pause`, {});
  });

  it('inside a maintenance window: runs skipped_maintenance naming it, agent MAINTENANCE; then back', async () => {
    const s = await create('through maintenance', 1);
    await until(async () => (await runsOf(s.id)).some((r) => r.status === 'completed'), { timeoutMs: 20_000, what: 'a run before the window' });
    const endsAt = Date.now() + 5000;
    const w = await api.post<{ id: number; active: boolean }>('/api/speed/maintenance', { name: 'Uplink swap', agent: 'LOCAL', starts_at: new Date(Date.now() - 1000).toISOString(), ends_at: new Date(endsAt).toISOString() });
    assert.equal(w.status, 201, JSON.stringify(w.body));
    assert.equal(w.body.active, true);
    const inside = await until(async () => {
      const state = await agentState();
      return state.state === 'MAINTENANCE' ? state : undefined;
    }, { timeoutMs: 10_000, what: 'LOCAL in MAINTENANCE' });
    assert.match(inside.reason, /Uplink swap/);
    const skipped = await until(async () => (await runsOf(s.id)).find((r) => r.status === 'skipped_maintenance'), { timeoutMs: 10_000, what: 'a skipped run' });
    assert.match(skipped.status_reason!, /maintenance window "Uplink swap"/);
    await until(async () => (await agentState()).state === 'ONLINE' && Date.now() > endsAt, { timeoutMs: 15_000, what: 'LOCAL back ONLINE after the window' });
    await until(async () => (await runsOf(s.id)).some((r) => r.status === 'completed' && Date.parse(r.created_at) > endsAt), { timeoutMs: 15_000, what: 'a completed run after the window' });
    const during = (await runsOf(s.id)).filter((r) => Date.parse(r.created_at) < endsAt - 500 && Date.parse(r.created_at) > endsAt - 4000);
    assert.ok(during.length >= 2 && during.every((r) => r.status === 'skipped_maintenance'), JSON.stringify(during.map((r) => r.status)));
    await api.post(`/api/speed/schedules/${s.id}/pause`, {});
  });

  it('a SIGKILL restart mid-interval neither skips nor doubles a slot', async () => {
    const s = await create('survives restarts', 3);
    await until(async () => (await runsOf(s.id)).length >= 2, { timeoutMs: 20_000, what: 'two runs' });
    await sleep(1200); // mid-interval
    await server.kill9();
    server = startFlux('sched-all-2', ['all'], env);
    await waitHealthy(baseUrl, server);
    api = await Api.login(baseUrl, 'admin', 'admin-password-1');
    const afterRestart = (await runsOf(s.id)).length;
    await until(async () => (await runsOf(s.id)).length >= afterRestart + 2, { timeoutMs: 30_000, what: 'runs after the restart' });
    const details = await Promise.all((await runsOf(s.id)).map(async (r) => (await api.get<Detail>(`/api/speed/results/${r.id}`)).body));
    const slots = details.map((d) => slotOf(d.timeline[0]!.note!, Date.parse(d.created_at)));
    const covered = assertEverySlotOnce(slots, 3, 'embedded restart');
    console.log(`# embedded restart: ${slots.length} runs covering ${covered} slots (${slots.reduce((n, r) => n + r.missed, 0)} missed while down, fired once)`);
  });
});
